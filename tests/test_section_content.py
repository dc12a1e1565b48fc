"""A section's own content: help, recommendations and resources, in the file, the rules, the
database, the admin and the pages."""

import copy

import pytest
import yaml
from django.core.management import CommandError, call_command

from assessments.models import Section
from assessments.questionnaire_file import rules
from assessments.questionnaire_file.document import (
    DocumentError,
    ResourceDoc,
    dump_document,
    parse_document,
)
from assessments.questionnaire_file.store import export_text, save_document
from assessments.questionnaire_file.synthetic import synthetic_document
from tests.questionnaires import load_text

SECTION = "sections[0] (key 'basics')"


def with_content(text: str, **fields) -> str:
    data = yaml.safe_load(text)
    data["sections"][0].update(fields)
    # Keys in the canonical order: the content goes before the questions.
    section = data["sections"][0]
    questions = section.pop("questions")
    section["questions"] = questions
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


CONTENT = {
    "help": "Why **inventory** matters.\n\n- one\n- two\n",
    "recommendations": "Keep an SBOM for every product.",
    "resources": [
        {"title": "OpenChain", "url": "https://openchainproject.org/"},
        {"title": "SPDX", "url": "http://spdx.dev/learn"},
    ],
}


def test_a_file_without_section_content_exports_unchanged(db, mini_text):
    assert export_text(load_text(mini_text, publish=True)) == mini_text


def test_section_content_round_trips_byte_identical(db, mini_text):
    doc = parse_document(mini_text)
    section = doc.sections[0]
    section.help = CONTENT["help"]
    section.recommendations = CONTENT["recommendations"]
    section.resources = [ResourceDoc(**r) for r in CONTENT["resources"]]
    text = dump_document(doc)
    stored = save_document(parse_document(text), publish=True)
    assert export_text(stored) == text
    basics = stored.sections.get(key="basics")
    assert basics.help == CONTENT["help"]
    assert basics.recommendations == CONTENT["recommendations"]
    assert basics.resources == CONTENT["resources"]
    # The keys come out in the documented order, after the description, before the questions.
    keys = list(yaml.safe_load(text)["sections"][0])
    assert keys == ["key", "title", "help", "recommendations", "resources", "questions"]


def test_a_new_draft_copies_the_section_content(db, mini_text, staff):
    from assessments import authoring

    published = load_text(with_content(mini_text, **CONTENT), publish=True)
    draft = authoring.new_draft_from(published, staff)
    assert draft.sections.get(key="basics").resources == CONTENT["resources"]
    assert export_text(draft).replace("version: 2", "version: 1", 1) == export_text(published)


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        (
            [{"title": "Bad", "url": "javascript:alert(1)"}],
            f"{SECTION}.resources[0]: URL 'javascript:alert(1)' must start with http:// or "
            "https:// (scheme 'javascript')",
        ),
        (
            [{"title": "Relative", "url": "/docs/x"}],
            f"{SECTION}.resources[0]: URL '/docs/x' must start with http:// or https:// "
            "(scheme 'none')",
        ),
        (
            [{"title": "No host", "url": "https://"}],
            f"{SECTION}.resources[0]: URL 'https://' names no host",
        ),
        (
            [{"title": "Spaces", "url": "https://a.example/x y"}],
            f"{SECTION}.resources[0]: URL 'https://a.example/x y' contains spaces or control "
            "characters",
        ),
        (
            [{"title": "", "url": "https://a.example/"}],
            f"{SECTION}.resources[0]: 'title' is empty",
        ),
        (
            [{"title": "x" * 201, "url": "https://a.example/"}],
            f"{SECTION}.resources[0]: 'title' has 201 characters; at most 200 are kept",
        ),
        (
            [{"title": "Long", "url": "https://a.example/" + "x" * 1000}],
            f"{SECTION}.resources[0]: the URL has 1018 characters; at most 1000",
        ),
        (
            [{"title": f"R{i}", "url": "https://a.example/"} for i in range(21)],
            f"{SECTION}: 21 resources; a section may list at most 20",
        ),
    ],
    ids=["js", "relative", "no-host", "spaces", "no-title", "long-title", "long-url", "many"],
)
def test_bad_resources_are_refused_naming_the_values(mini_text, resources, expected):
    with pytest.raises(DocumentError) as error:
        parse_document(with_content(mini_text, resources=resources))
    assert error.value.problems == [expected]


def test_long_markdown_is_refused_naming_its_length(mini_text):
    with pytest.raises(DocumentError) as error:
        parse_document(with_content(mini_text, help="x" * 20_001))
    assert error.value.problems == [
        f"{SECTION}: 'help' has 20001 characters; at most 20000 are kept"
    ]


@pytest.mark.parametrize(
    ("resources", "expected"),
    [
        ("https://a.example/", f"{SECTION}: 'resources' must be a list, not str"),
        (["https://a.example/"], f"{SECTION}.resources[0]: must be a mapping of fields"),
        (
            [{"title": "T", "url": "https://a.example/", "rel": "x"}],
            f"{SECTION}.resources[0]: unknown field 'rel'",
        ),
        ([{"title": "T"}], f"{SECTION}.resources[0]: 'url' is missing"),
        ([{"title": "T", "url": 5}], f"{SECTION}.resources[0]: 'url' must be text, not int 5"),
    ],
)
def test_misshapen_resources_are_refused(mini_text, resources, expected):
    with pytest.raises(DocumentError) as error:
        parse_document(with_content(mini_text, resources=resources))
    assert expected in error.value.problems


def test_help_must_be_text(mini_text):
    with pytest.raises(DocumentError) as error:
        parse_document(with_content(mini_text, help=["a"]))
    assert error.value.problems == [f"{SECTION}: 'help' must be text, not list ['a']"]


def test_url_problem_accepts_http_and_https_only():
    assert rules.url_problem("https://example.org/a?b=c#d") is None
    assert rules.url_problem("HTTP://EXAMPLE.ORG") is None
    for bad in ("", " ", "ftp://example.org", "mailto:a@b.c", "data:text/html,x", "//x.org"):
        assert rules.url_problem(bad) is not None, bad


@pytest.mark.django_db
def test_the_admin_publication_refuses_what_the_file_refuses(tmp_path):
    doc = synthetic_document(20, key="gen-res")
    doc.sections[0].resources = [ResourceDoc("Bad", "javascript:alert(1)")]
    path = tmp_path / "gen.yaml"
    path.write_text(dump_document(copy.deepcopy(doc)), encoding="utf-8")
    with pytest.raises(CommandError) as loaded:
        call_command("load_questionnaire", str(path))
    assert "must start with http:// or https://" in str(loaded.value)
    doc.key = "gen-res-admin"
    draft = save_document(doc, publish=False)
    with pytest.raises(CommandError) as published:
        call_command("publish_questionnaire", draft.key, str(draft.version))
    assert "Section 'section-1' resource 1: URL 'javascript:alert(1)'" in str(published.value)


@pytest.mark.django_db
def test_stored_resources_that_are_not_links_are_named_at_publication():
    doc = synthetic_document(20, key="gen-junk")
    draft = save_document(doc, publish=False)
    Section.objects.filter(questionnaire=draft, order=0).update(resources=["not a link"])
    with pytest.raises(CommandError) as published:
        call_command("publish_questionnaire", draft.key, str(draft.version))
    assert "Section 'section-1' resource 1: 'title' is empty" in str(published.value)


# --- The admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin_draft(questionnaire, staff, client):
    from assessments import authoring

    client.force_login(staff)
    return authoring.new_draft_from(questionnaire, staff)


def _section_change(client, section, **changes):
    from django.urls import reverse

    from tests.test_admin_authoring import form_data

    address = reverse("admin:assessments_section_change", args=[section.pk])
    data = form_data(client.get(address))
    data.update(changes)
    return client.post(address, data)


def test_the_admin_authors_a_sections_content(client, admin_draft):
    section = admin_draft.sections.get(key="basics")
    response = _section_change(
        client,
        section,
        help="Why it **matters**.",
        recommendations="Write it down.",
        resources="OpenChain | https://openchainproject.org/\n\nTODO group | http://todogroup.org",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    section.refresh_from_db()
    assert section.help == "Why it **matters**."
    assert section.recommendations == "Write it down."
    assert section.resources == [
        {"title": "OpenChain", "url": "https://openchainproject.org/"},
        {"title": "TODO group", "url": "http://todogroup.org"},
    ]
    # Shown back one link per line, and saved again unchanged.
    from django.urls import reverse

    page = client.get(reverse("admin:assessments_section_change", args=[section.pk]))
    assert "OpenChain | https://openchainproject.org/\nTODO group | http://todogroup.org" in (
        page.content.decode()
    )
    assert _section_change(client, section).status_code == 302
    section.refresh_from_db()
    assert len(section.resources) == 2


def test_the_admin_refuses_bad_links_naming_each_line(client, admin_draft):
    section = admin_draft.sections.get(key="basics")
    response = _section_change(
        client,
        section,
        resources="Bad | javascript:alert(1)\njust a title\nGood | https://a.example/",
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["resources"]
    assert errors == [
        "Line 1: URL 'javascript:alert(1)' must start with http:// or https:// "
        "(scheme 'javascript')",
        "Line 2 ('just a title'): write a title, ' | ', then the address.",
    ]
    section.refresh_from_db()
    assert section.resources == []


# --- Shown: the section page, the results, the scope cards, the roadmap ------------------------


def shared_text(mini_text: str) -> str:
    """The mini questionnaire with the basics section's own content, and two of its questions
    sharing one recommendation, as a model copying an activity's advice onto each would."""
    data = yaml.safe_load(mini_text)
    basics = data["sections"][0]
    for question in basics["questions"][:2]:
        question["recommendation"] = "Keep one list of what you use."
    questions = basics.pop("questions")
    basics.update(
        help='Why it matters. <script>alert("x")</script> **Bold** ![img](https://evil.example/x.png)',
        recommendations="Read the *basics* guide.",
        resources=[
            {"title": "OpenChain <b>", "url": "https://openchainproject.org/"},
        ],
        questions=questions,
    )
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


@pytest.fixture
def shared_assessment(db, mini_text, organization, owner):
    from assessments.models import Answer, Assessment

    questionnaire = load_text(shared_text(mini_text), publish=True)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title="Shared", created_by=owner
    )
    for question in questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=min(question.options.all(), key=lambda option: option.score),
        )
    return assessment


def test_merge_recommendations_shows_each_text_once_with_its_questions():
    from assessments.reporting import BlockerRow, merge_recommendations
    from assessments.scoring import Blocker

    def row(key, recommendation, section):
        blocker = Blocker(
            key, key, 1, 0, 4, 1.0, 1.0, 1.0, False, False, "answered", recommendation
        )
        return BlockerRow(blocker, f"Text {key}", section.title(), section)

    rows = [
        row("a", "Same.", "s1"),
        row("b", "Other.", "s2"),
        row("c", "  Same.\n", "s1"),
        row("d", "", "s3"),
        row("e", "Shared by s2.", "s2"),
    ]
    steps = merge_recommendations(rows, {"s1": "Section one's step.", "s2": "Shared by s2."})
    assert [(s.text, s.markdown, [r.blocker.question for r in s.questions]) for s in steps] == [
        ("Same.", False, ["a", "c"]),
        ("Section one's step.", True, ["a", "c"]),
        ("Other.", False, ["b"]),
        # A question's recommendation equal to its section's is one step, listed once.
        ("Shared by s2.", True, ["b", "e"]),
    ]
    assert merge_recommendations([], {"s1": "x"}) == []


def test_the_section_page_shows_its_help_and_links_sanitized(client, owner, shared_assessment):
    from django.urls import reverse

    client.force_login(owner)
    page = client.get(
        reverse(
            "assessments:section",
            args=[shared_assessment.organization.slug, shared_assessment.pk, "basics"],
        )
    ).content.decode()
    assert 'data-testid="section-about"' in page
    assert "About this section" in page
    assert "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and "evil.example" not in page
    assert (
        '<a href="https://openchainproject.org/" rel="noopener noreferrer nofollow">'
        "OpenChain &lt;b&gt;</a>" in page
    )
    # A section without content shows no empty box.
    other = client.get(
        reverse(
            "assessments:section",
            args=[shared_assessment.organization.slug, shared_assessment.pk, "program"],
        )
    ).content.decode()
    assert "section-about" not in other


def test_a_stored_link_that_is_not_http_is_never_shown(client, owner, questionnaire, staff):
    from django.urls import reverse

    from assessments import authoring

    draft = authoring.new_draft_from(questionnaire, staff)
    Section.objects.filter(questionnaire=draft, key="basics").update(
        help="Help.",
        resources=[{"title": "Bad", "url": "javascript:alert(1)"}, "junk", {"title": "x"}],
    )
    client.force_login(staff)
    page = client.get(
        reverse("assessments:preview_section", args=[draft.pk, "basics"])
    ).content.decode()
    assert "Help." in page and "javascript:" not in page and ">Bad<" not in page


def test_results_show_a_shared_recommendation_once_listing_its_questions(
    client, owner, shared_assessment
):
    from django.urls import reverse

    client.force_login(owner)
    page = client.get(
        reverse(
            "assessments:results", args=[shared_assessment.organization.slug, shared_assessment.pk]
        )
    ).content.decode()
    steps = page[page.index('data-testid="next-steps"') :]
    steps = steps[: steps.index("</ol>")]
    assert steps.count("Keep one list of what you use.") == 1
    assert steps.count("<em>basics</em>") == 1
    assert "For these 2 practices:" in steps
    assert "#q-inventory" in steps and "#q-champion" in steps
    # The worker layer's card: both questions are in it, the shared step shows once, naming them.
    card = page[page.index('id="scope-layer-worker"') :]
    card = card[: card.index("</article>")]
    assert card.count("Keep one list of what you use.") == 1
    assert "Does the organization know which open source it uses?" in card


def test_the_roadmap_draft_has_one_item_per_recommendation(shared_assessment, owner):
    from strategy.models import Strategy

    strategy = Strategy.objects.create_from_assessment(shared_assessment, owner, "Plan")
    items = list(strategy.roadmap.order_by("order"))
    titles = [item.title for item in items]
    assert titles.count("Keep one list of what you use.") == 1
    assert titles.count("Read the *basics* guide.") == 1
    shared = items[titles.index("Keep one list of what you use.")]
    assert shared.question_keys == ["inventory", "champion"]
    assert shared.why.count("Blocks stage") == 2
    section = items[titles.index("Read the *basics* guide.")]
    assert section.question_keys == ["inventory", "champion"]
