"""The strategy PDF: what it contains, what it may fetch, and when it is rendered again."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from assessments.demo import DEMO_USERNAME
from assessments.models import Assessment, Question
from strategy import document as strategy_document
from strategy import pdf as strategy_pdf
from strategy.document import content_hash, document_context, document_source, resolved
from strategy.models import RenderedPdf, RoadmapItem, Section, Strategy
from strategy.pdf import (
    BASE_URL,
    KEEP_PER_STRATEGY,
    FetchRefused,
    PdfOutput,
    StaticFilesFetcher,
    document_html,
    forget_fonts,
    page_footer_css,
    render_pdf,
)
from tests.questionnaires import load_text


class RecordingFetcher(StaticFilesFetcher):
    """The real fetcher, keeping every URL asked for across all instances."""

    log: list[str] = []

    def fetch(self, url, headers=None):
        RecordingFetcher.log.append(url)
        return super().fetch(url, headers)


@dataclass
class Rendered:
    title: str
    pdf: bytes
    pages: int
    requested: list[str]
    section_titles: list[str]
    organization: str
    first_pk: int
    second_pk: int
    html: str
    reader: PdfReader
    texts: list[str]  # each page's text, as pypdf extracts it


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, build_demo_strategy) -> Rendered:
    """One real rendering of the demo strategy, shared by the tests that read the PDF."""
    with django_db_blocker.unblock(), transaction.atomic():
        strategy = build_demo_strategy()
        RecordingFetcher.log = []
        forget_fonts()  # fonts are fetched once per process: make this rendering fetch them
        with mock.patch.object(strategy_pdf, "StaticFilesFetcher", RecordingFetcher):
            first = render_pdf(strategy)
        # Unchanged content: served from the database, WeasyPrint never called.
        with mock.patch.object(strategy_pdf, "HTML", side_effect=AssertionError("rendered")):
            second = render_pdf(strategy)
        result = Rendered(
            title=strategy.title,
            pdf=bytes(first.pdf),
            pages=first.pages,
            requested=list(RecordingFetcher.log),
            section_titles=list(strategy.sections.values_list("title", flat=True)),
            organization=strategy.organization.name,
            first_pk=first.pk,
            second_pk=second.pk,
            html=document_html(document_context(strategy)),
            reader=PdfReader(io.BytesIO(bytes(first.pdf))),
            texts=[],
        )
        result.texts = [page.extract_text() or "" for page in result.reader.pages]
        transaction.set_rollback(True)
    return result


def pdf_text(data: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(data))
    return reader, [page.extract_text() or "" for page in reader.pages]


def pages_of(rendered: Rendered) -> tuple[PdfReader, list[str]]:
    return rendered.reader, rendered.texts


def squash(text: str) -> str:
    return " ".join(text.split())


# --- What the PDF shows -----------------------------------------------------------------------


def test_the_pdf_has_every_section_title_and_the_organization(rendered):
    reader, pages = pages_of(rendered)
    text = squash(" ".join(pages))
    assert len(reader.pages) == rendered.pages > 1
    for title in rendered.section_titles:
        assert title in text, title
    assert rendered.organization in squash(pages[0])
    assert rendered.title in squash(pages[0])
    assert "Open source strategy" in squash(pages[0])
    assert "Contents" in squash(pages[1])
    assert "Appendix" in text


def test_every_page_but_the_cover_says_page_x_of_n_under_a_running_header(rendered):
    _reader, pages = pages_of(rendered)
    total = len(pages)
    assert not re.search(r"Page \d+ of \d+", pages[0])
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {total}" in squash(text), number
        assert f"{rendered.organization} · {rendered.title}" in squash(text), number


def test_every_font_is_embedded(rendered):
    reader, _pages = pages_of(rendered)
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    assert fonts and all(fonts.values()), fonts
    names = " ".join(fonts)
    assert "Source-Sans-3" in names  # the vendored text face
    assert "DejaVu-Sans" not in names  # the charts use the body face too


def test_the_pdf_is_tagged_with_its_language_and_title(rendered):
    reader, _pages = pages_of(rendered)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert rendered.title in reader.metadata.title
    assert reader.metadata.author == rendered.organization


def test_where_we_stand_draws_the_web_pages_charts_as_vector_svg(rendered):
    html = rendered.html
    for chart_id in ("stage-coverage", "layer-radar", "pillar-radar", "heatmap"):
        assert f'id="{chart_id}"' in html
    assert html.count("<svg") == 4
    assert "Stage 2 · Security, education and strategy" in html
    _reader, pages = pages_of(rendered)
    text = squash(" ".join(pages))
    assert "Coverage of each stage" in text
    assert "Layers of work by pillars of support" in text


def test_targets_roadmap_and_empty_sections_are_shown(rendered):
    _reader, pages = pages_of(rendered)
    text = squash(" ".join(pages))
    assert "By end of 2027" in text
    # Captions are set in capitals: compare without case.
    assert "targets per layer of work and pillar of support" in text.lower()
    for heading in ("Action", "Why", "Owner", "Quarter", "Status"):
        assert heading in text
    assert "planned" in text.lower()
    # An empty section shows what to write, not blank space.
    assert "To be written:" in text
    assert "Who sponsors the OSPO at executive level" not in text  # governance is written
    assert "Which parts of the organization does this strategy" in text  # scope is empty


def test_the_table_of_contents_gives_page_numbers(rendered):
    _reader, pages = pages_of(rendered)
    toc = pages[1]
    for title in rendered.section_titles:
        line = next(line for line in toc.splitlines() if title in line)
        assert re.search(r"\d+\s*$", line), line


# --- What it may fetch ------------------------------------------------------------------------


def test_rendering_hostile_markdown_fetches_nothing_but_static_files(rendered):
    assert rendered.requested, "the stylesheet and fonts go through the fetcher"
    assert all(url.startswith(BASE_URL + "static/") for url in rendered.requested), (
        rendered.requested
    )
    assert any(url.endswith("css/strategy-print.css") for url in rendered.requested)
    assert any(url.endswith(".ttf") for url in rendered.requested)
    for marker in ("169.254.169.254", "etc/passwd", "evil"):
        assert not any(marker in url for url in rendered.requested)
    # None of it reaches the HTML either; the relative link loses its target.
    assert "169.254.169.254" not in rendered.html
    assert "evil" not in rendered.html
    assert "etc/passwd" not in rendered.html
    assert "<img" not in rendered.html
    assert 'href="https://example.org/policy"' in rendered.html


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/x.png",
        "file:///etc/passwd",
        "data:text/css,body{}",
        "ftp://example.org/x",
        "https://ospo-assess.invalid/etc/passwd",
        "https://ospo-assess.invalid:8443/static/css/strategy-print.css",
        "http://ospo-assess.invalid/static/css/strategy-print.css",
        "/static/../../etc/passwd",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/css/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/static/css%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static//etc/passwd",
        "/static/./css/strategy-print.css",
        "/static/css\\..\\..\\settings.py",
        "/static/css/strategy-print.css%00.png",
        "/static/",
        "/static/no-such-file.css",
        "//evil.example/static/css/strategy-print.css",
        "https://ospo-assess.invalid/static/../../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_anything_but_a_static_file(url):
    with pytest.raises(FetchRefused):
        StaticFilesFetcher().fetch(url)


@pytest.mark.parametrize(
    "url", [BASE_URL + "static/css/strategy-print.css", "/static/css/strategy-print.css"]
)
def test_the_fetcher_serves_the_print_stylesheet(url):
    response = StaticFilesFetcher().fetch(url)
    assert response.content_type == "text/css"
    assert b"@font-face" in response.read()


def test_the_fetcher_serves_the_vendored_fonts():
    response = StaticFilesFetcher().fetch(
        BASE_URL + "static/fonts/source-sans-3/SourceSans3-Regular.ttf"
    )
    assert response.read()[:4] == b"\x00\x01\x00\x00"  # a TrueType font


def test_a_refused_resource_is_skipped_and_the_document_still_renders():
    from weasyprint import HTML

    fetcher = StaticFilesFetcher()
    html = (
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="http://169.254.169.254/x.css">'
        '<img src="https://example.org/x.png"><p>Still here</p>'
    )
    pdf = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert "Still here" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "file:///etc/passwd" in fetcher.requested


def test_the_footer_label_is_escaped_for_css():
    assert page_footer_css() == '"Page " counter(page) " of " counter(pages)'
    assert strategy_pdf.css_string('a"b</style>') == '"a\\000022 b\\00003c \\00002f style\\00003e "'


def test_user_text_is_escaped_everywhere_but_the_sanitized_sections(demo_strategy, db):
    strategy = demo_strategy
    organization = strategy.organization
    organization.name = "Acme <script>alert(1)</script>"
    organization.save()
    strategy.title = 'Plan "<b>2027</b>"'
    strategy.save()
    RoadmapItem.objects.filter(strategy=strategy).update(
        title="<img src=x onerror=alert(1)>", owner="<i>me</i>"
    )
    html = document_html(document_context(strategy))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>2027</b>" not in html
    assert "<img src=x" not in html
    assert "<i>me</i>" not in html


# --- When it is rendered ----------------------------------------------------------------------


def test_an_unchanged_document_is_served_from_the_database(rendered):
    assert rendered.second_pk == rendered.first_pk


@pytest.fixture
def fake_weasyprint(monkeypatch):
    """write_pdf replaced by a fake that counts its calls; WeasyPrint itself would raise."""
    calls = []

    def fake_write_pdf(context, *, fetcher=None):
        calls.append(context["version"])
        return PdfOutput(pdf=b"%PDF-1.7 fake", pages=3, seconds=0.25, requested=[])

    monkeypatch.setattr(strategy_pdf, "write_pdf", fake_write_pdf)
    monkeypatch.setattr(strategy_pdf, "HTML", mock.Mock(side_effect=AssertionError("rendered")))
    return calls


def test_a_second_render_of_unchanged_content_returns_the_same_row(
    demo_strategy, db, fake_weasyprint
):
    strategy = demo_strategy
    first = render_pdf(strategy)
    second = render_pdf(Strategy.objects.get(pk=strategy.pk))
    assert fake_weasyprint == [first_version := document_context(strategy)["version"]]
    assert second.pk == first.pk
    assert (first.pages, first.render_seconds) == (3, 0.25)
    assert bytes(second.pdf) == b"%PDF-1.7 fake"
    assert first_version == "1.0 draft"  # the lifecycle version, not a sum of counters


def test_a_changed_section_is_rendered_again(demo_strategy, db, fake_weasyprint):
    strategy = demo_strategy
    first = render_pdf(strategy)
    section = strategy.sections.get(key="scope")
    section.save_body("Contributions merged upstream per year.", section.version, None)
    second = render_pdf(strategy)
    assert second.pk != first.pk
    assert second.content_hash != first.content_hash
    assert len(fake_weasyprint) == 2


def test_only_the_latest_renderings_are_kept(demo_strategy, db, fake_weasyprint):
    strategy = demo_strategy
    section = strategy.sections.get(key="scope")
    kept = []
    for round_ in range(KEEP_PER_STRATEGY + 2):
        section.refresh_from_db()
        section.save_body(f"Draft {round_}.", section.version, None)
        kept.append(render_pdf(strategy).pk)
    assert set(RenderedPdf.objects.filter(strategy=strategy).values_list("pk", flat=True)) == set(
        kept[-KEEP_PER_STRATEGY:]
    )


def test_the_hash_follows_everything_that_shows(demo_strategy, db):
    strategy = demo_strategy

    def digest() -> str:
        return content_hash(document_context(strategy))

    seen = {digest()}
    assert digest() in seen  # stable for the same content

    def changed() -> None:
        value = digest()
        assert value not in seen
        seen.add(value)

    section = strategy.sections.get(key="why")
    section.save_body(section.body + "\nOne more line.", section.version, None)
    changed()
    Section.objects.filter(pk=section.pk).update(title="Why we are here")
    changed()
    strategy.target_stage = 4
    strategy.save()
    changed()
    strategy.scope_targets = {"layers": {"management": 4}}
    strategy.save()
    changed()
    strategy.horizon = "mid 2028"
    strategy.save()
    changed()
    item = strategy.roadmap.first()
    item.owner = "The OSPO lead"
    item.save()
    changed()
    answer = strategy.assessment.answers.filter(comment="").select_related("question").first()
    strategy.assessment.record_answer(
        answer.question, None, kind=answer.kind, option=answer.option, comment="Checked again."
    )
    changed()
    strategy.assessment.title = "Spring check"
    strategy.assessment.save()
    changed()
    strategy.assessment.submit()
    changed()
    strategy.organization.name = "Demo Organisation"
    strategy.organization.save()
    changed()
    # The document's language, not the reader's: a German reader gets the same document.
    with translation.override("de"):
        assert digest() in seen
    strategy.language = "de"
    strategy.save()
    changed()


def test_the_context_loads_in_a_fixed_number_of_queries(demo_strategy, db):
    strategy = demo_strategy
    # What is derived from the published version is read once per process (caches.published),
    # whichever test came first: measure with it warm.
    resolved(document_context(strategy))
    with CaptureQueriesContext(connection) as before:
        resolved(document_context(strategy))
    for index in range(5):
        RoadmapItem.objects.create(strategy=strategy, order=100 + index, title=f"Step {index}")
    Section.objects.create(strategy=strategy, key="extra", order=99, title="Extra", body="Text")
    with CaptureQueriesContext(connection) as after:
        resolved(document_context(strategy))
    assert len(after) == len(before) <= 15


def test_a_strategy_whose_assessment_was_deleted_still_renders(demo_strategy, db):
    strategy = demo_strategy
    strategy.assessment.delete()
    strategy.refresh_from_db()
    context = document_context(strategy)
    assert context["report"] is None and context["answer_groups"] == []
    rendered = render_pdf(strategy)
    _reader, pages = pdf_text(bytes(rendered.pdf))
    text = squash(" ".join(pages))
    assert "No assessment is linked to this strategy" in text
    assert "Appendix" not in text
    assert rendered.pages > 1


# --- The cache key without the answers --------------------------------------------------------


def no_report():
    """Scoring the assessment or reading its answers fails: the hash must need neither."""
    explode = mock.Mock(side_effect=AssertionError("the hash read the answers"))
    return mock.patch.multiple(strategy_document, build_report=explode, answer_rows=explode)


def test_the_hash_reads_four_rows_and_no_answers(demo_strategy, db):
    strategy = demo_strategy
    with no_report(), CaptureQueriesContext(connection) as queries:
        digest = content_hash(strategy)
    # The strategy (with organization, assessment, version), sections, roadmap, structured rows.
    assert len(queries) == 4
    assert "assessments_answer" not in " ".join(q["sql"] for q in queries.captured_queries)
    assert content_hash(document_source(strategy)) == digest


def test_the_hash_of_a_context_is_the_hash_of_its_source(demo_strategy, db):
    strategy = demo_strategy
    context = document_context(strategy)
    assert content_hash(context) == content_hash(strategy) == content_hash(context["source"])
    with translation.override("de"):  # the document's language, whoever reads it
        assert content_hash(strategy) == content_hash(context)
    strategy.language = "de"
    strategy.save()
    assert content_hash(strategy) != content_hash(context)


def test_the_hash_of_a_context_stays_put_once_it_is_rendered(demo_strategy, db):
    strategy = demo_strategy
    context = document_context(strategy)
    before = content_hash(context)
    document_html(context)  # builds the report and the answers appendix
    assert content_hash(context) == before


def test_a_field_added_to_the_context_changes_the_hash(demo_strategy, db, monkeypatch):
    """The hash walks the context the document renders: nothing new in it can be left out."""
    strategy = demo_strategy
    build_context = strategy_document.document_context
    strategy_info = strategy_document._strategy_info

    def with_new_fields(value: str) -> str:
        monkeypatch.setattr(
            strategy_document,
            "_strategy_info",
            lambda strategy: {**strategy_info(strategy), "some_new_field": value},
        )
        monkeypatch.setattr(
            strategy_document,
            "document_context",
            lambda source: {**build_context(source), "new_row": {"shown": [value]}},
        )
        with no_report():
            return content_hash(strategy)

    digest = with_new_fields("a")
    assert with_new_fields("a") == digest
    assert with_new_fields("b") != digest
    monkeypatch.setattr(strategy_document, "_strategy_info", strategy_info)
    monkeypatch.setattr(strategy_document, "document_context", build_context)
    assert content_hash(strategy) != digest


def test_a_value_the_hash_cannot_name_is_an_error(demo_strategy, db, monkeypatch):
    strategy = demo_strategy
    build_context = strategy_document.document_context
    monkeypatch.setattr(
        strategy_document,
        "document_context",
        lambda source: {**build_context(source), "thing": object()},
    )
    with pytest.raises(TypeError, match="cannot name"):
        content_hash(strategy)


def test_an_answer_recorded_changes_the_hash_and_shows_in_the_new_document(demo_strategy, db):
    strategy = demo_strategy
    before = content_hash(strategy)
    assessment = Assessment.objects.get(pk=strategy.assessment_id)
    answer = assessment.answers.filter(comment="").select_related("question").first()
    assessment.record_answer(
        answer.question, None, kind=answer.kind, option=answer.option, comment="Seen in May."
    )
    after = content_hash(strategy)
    assert after != before
    assert "Seen in May." in document_html(document_context(strategy))
    assert content_hash(strategy) == after  # and stays put while nothing changes


def test_a_draft_questionnaire_is_hashed_from_its_answers_and_text(
    db, mini_text, organization, owner
):
    """A draft version may still be edited: its text is not frozen, so the hash reads it."""
    draft = load_text(mini_text, publish=False)
    assessment = Assessment.objects.create(
        organization=organization,
        questionnaire=draft,
        title="Trial run",
        created_by=owner,
    )
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Trial strategy")
    before = content_hash(strategy)
    question = Question.objects.filter(questionnaire=draft).order_by("order").first()
    Question.objects.filter(pk=question.pk).update(text="Reworded while still a draft?")
    assert content_hash(strategy) != before


def test_an_unchanged_pdf_is_downloaded_in_a_few_queries_without_rendering(
    demo_strategy, db, client, fake_weasyprint, django_assert_max_num_queries
):
    strategy = demo_strategy
    url = reverse("strategy:export_pdf", args=[strategy.organization.slug, strategy.pk])
    client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
    first = client.get(url)  # builds the document; the fake renders it
    assert first.status_code == 200 and b"".join(first) == b"%PDF-1.7 fake"
    assert len(fake_weasyprint) == 1

    # Session, user, membership, strategy (with organization, assessment and version),
    # sections, roadmap, structured rows, the stored PDF: no answers read, no report built,
    # nothing rendered.
    with no_report(), django_assert_max_num_queries(8):
        again = client.get(url)
    assert again.status_code == 200
    assert again["Content-Type"] == "application/pdf"
    assert b"".join(again) == b"%PDF-1.7 fake"
    assert len(fake_weasyprint) == 1
    assert RenderedPdf.objects.filter(strategy=strategy).count() == 1


def test_renderings_share_one_font_configuration_until_one_fails(monkeypatch):
    shared = strategy_pdf._FONTS
    with shared.lock:
        first = shared.get()
        assert shared.get() is first  # the vendored fonts are registered once per process

    class HalfWay:
        def __init__(self, *args, **kwargs):
            pass

        def render(self, *, font_config, **options):
            assert font_config is first
            raise RuntimeError("stopped half-way")

    monkeypatch.setattr(strategy_pdf, "HTML", HalfWay)
    monkeypatch.setattr(strategy_pdf, "document_html", lambda context: "<p>Text</p>")
    with pytest.raises(RuntimeError):
        strategy_pdf.write_pdf({})
    with shared.lock:
        assert shared.get() is not first  # a stopped rendering leaves nothing half-registered


# --- One snapshot of the assessment -------------------------------------------------------------


ANSWERED = re.compile(r"(\d+) (?:questions )?answered")


def test_after_an_answer_changes_the_pdf_shows_one_answered_count_and_its_revision(
    demo_strategy, db
):
    strategy = demo_strategy
    assessment = Assessment.objects.get(pk=strategy.assessment_id)
    before = set(ANSWERED.findall(squash(document_html(document_context(strategy)))))
    assert len(before) == 1
    assessment.answers.of(assessment).filter(pk=assessment.answers.first().pk).delete()
    assessment.refresh_from_db()

    html = squash(document_html(document_context(strategy)))
    counts = set(ANSWERED.findall(html))
    assert counts == {str(int(before.pop()) - 1)}, counts
    revision = (
        f"Figures from the assessment “{assessment.title}” as of "
        f"{date_format(timezone.localtime(assessment.updated_at), 'DATE_FORMAT')}, "
        f"revision {assessment.answers_revision}"
    )
    assert revision in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "was written from the assessment as it was" in html


def test_a_stale_generated_block_is_shown_from_the_report_and_the_persons_text_stays(
    demo_strategy, db
):
    strategy = demo_strategy
    user = get_user_model().objects.get(username=DEMO_USERNAME)
    section = strategy.sections.get(key="where-we-stand")
    section.save_body("Our own words first.\n\n" + section.body + "\nAnd last.\n", 1, user)
    assessment = Assessment.objects.get(pk=strategy.assessment_id)
    assessment.answers.of(assessment).filter(pk=assessment.answers.first().pk).delete()
    before = content_hash(strategy)

    html = squash(document_html(document_context(strategy)))
    assert "Our own words first." in html and "And last." in html
    assert "generated:start" not in html
    assert "Its generated part is shown here written from the figures above" in html
    section.refresh_from_db()
    assert "Our own words first." in section.body  # the saved text is left alone
    assert content_hash(strategy) == before

    # Marks deleted: there is no block to bring up to date, and the document says so.
    section.save_body(section.body.replace("<!-- generated:start -->", ""), 2, user)
    html = squash(document_html(document_context(strategy)))
    assert "Figures in the text may differ from those of this page" in html
    strategy.refresh_generated(user)
    html = squash(document_html(document_context(strategy)))
    assert "generated-stale" not in html and len(set(ANSWERED.findall(html))) == 1
