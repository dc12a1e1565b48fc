"""Review and approval in the browser's terms: the POSTs, who may make them, what is archived."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from strategy.approval import ApprovedVersion, ReviewComment, StrategyEvent
from strategy.models import Strategy


@pytest.fixture
def strategy(assessment, owner):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Open source 2027")
    for section in strategy.sections.all():
        if not section.body.strip():
            section.save_body(f"What we do about {section.title}.", section.version, owner)
    return strategy


def url(name, strategy, *args):
    return reverse(f"strategy:{name}", args=[strategy.organization.slug, strategy.pk, *args])


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def send(client, strategy, *reviewers, **extra):
    data = {"reviewers": [r.pk for r in reviewers], **extra}
    return client.post(url("send_for_review", strategy), data)


def test_an_editor_sends_for_review_and_a_viewer_reviewer_comments_but_cannot_edit(
    client, strategy, colleague, viewer
):
    client.force_login(colleague)
    assert send(client, strategy, viewer).status_code == 302
    strategy.refresh_from_db()
    assert strategy.status == "review"
    assert list(strategy.reviewers.all()) == [viewer]

    client.force_login(viewer)
    section = strategy.sections.get(key="why")
    response = client.post(url("comment_add", strategy, "why"), {"body": "Say <b>why</b> now."})
    assert response.status_code == 302
    comment = ReviewComment.objects.get()
    assert (comment.section, comment.author, comment.version) == (section, viewer, "1.0")
    save = url("section_save", strategy, "why")
    assert client.post(save, {"body": "mine", "base_version": section.version}).status_code == 403
    section.refresh_from_db()
    assert section.body != "mine"

    page = client.get(url("section", strategy, "why")).content.decode()
    assert "Say &lt;b&gt;why&lt;/b&gt; now." in page  # escaped
    overview = client.get(url("overview", strategy)).content.decode()
    assert "1.0 in review" in overview and "Say &lt;b&gt;why&lt;/b&gt; now." in overview
    kinds = list(StrategyEvent.objects.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["sent_for_review", "commented"]


def test_a_viewer_who_is_not_a_reviewer_reads_only(client, strategy, colleague, viewer, owner):
    client.force_login(colleague)
    send(client, strategy, owner)
    client.force_login(viewer)
    assert client.post(url("comment_add", strategy, "why"), {"body": "Hm"}).status_code == 403
    assert send(client, strategy, viewer).status_code == 403
    assert ReviewComment.objects.count() == 0
    assert "Add a comment" not in client.get(url("section", strategy, "why")).content.decode()


def test_a_reviewer_comments_only_while_in_review(client, strategy, colleague, viewer):
    client.force_login(colleague)
    send(client, strategy, viewer)
    client.post(url("return_to_draft", strategy))
    client.force_login(viewer)
    response = client.post(url("comment_add", strategy, "why"), {"body": "Late"})
    assert response.status_code == 409
    assert "while the strategy is in review" in response.content.decode()
    assert ReviewComment.objects.count() == 0


def test_an_empty_comment_is_refused_with_a_message(client, strategy, colleague):
    client.force_login(colleague)
    response = client.post(url("comment_add", strategy, "why"), {"body": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert ReviewComment.objects.count() == 0


def test_editors_resolve_comments_and_viewers_cannot(client, strategy, colleague, viewer):
    client.force_login(colleague)
    send(client, strategy, viewer)
    client.force_login(viewer)
    client.post(url("comment_add", strategy, "why"), {"body": "Unclear"})
    comment = ReviewComment.objects.get()
    assert client.post(url("comment_resolve", strategy, comment.pk)).status_code == 403
    client.force_login(colleague)
    assert client.post(url("comment_resolve", strategy, comment.pk)).status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_by == colleague and comment.resolved_at is not None


def test_a_wrong_transition_answers_409_with_a_reason(client, strategy, owner, colleague):
    client.force_login(owner)
    response = client.post(url("approve", strategy))
    assert response.status_code == 409
    assert "send it for review first" in response.content.decode()
    send(client, strategy, colleague)
    response = send(client, strategy, colleague)
    assert response.status_code == 409
    assert "in review already" in response.content.decode()
    client.force_login(colleague)
    assert client.post(url("approve", strategy)).status_code == 403  # editors do not approve
    strategy.refresh_from_db()
    assert strategy.status == "review"
    assert not ApprovedVersion.objects.exists()


def test_a_reviewer_must_be_a_member(client, strategy, colleague, outsider):
    client.force_login(colleague)
    response = send(client, strategy, outsider)
    assert response.status_code == 409
    assert "among the organization" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.status == "draft"


def test_an_owner_cannot_approve_empty_sections_unless_leaving_them_out(
    client, assessment, owner, colleague
):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Sparse")
    client.force_login(owner)
    send(client, strategy, colleague)
    response = client.post(url("approve", strategy))
    assert response.status_code == 409
    assert "These sections are empty" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.status == "review" and not ApprovedVersion.objects.exists()

    assert client.post(url("approve", strategy), {"leave_out_empty": "on"}).status_code == 302
    approved = ApprovedVersion.objects.get()
    assert approved.left_out
    text = pdf_text(bytes(approved.pdf))
    assert "To be written" not in text and "Questions this section should answer" not in text
    # Not as a section heading: a word such as "Scope" may still head a table's column.
    assert f" {approved.left_out[0]}\n" not in approved.markdown
    # A section that shows more than its text keeps it, without its guiding questions.
    roadmap = strategy.sections.get(key="roadmap")
    assert roadmap.title not in approved.left_out and f". {roadmap.title}" in approved.markdown
    assert "Questions this section should answer" not in approved.markdown


def test_the_draft_pdf_is_watermarked_and_the_approved_one_is_not(
    client, strategy, owner, colleague
):
    client.force_login(owner)
    draft = client.get(url("export_pdf", strategy))
    assert draft.status_code == 200
    pages = PdfReader(io.BytesIO(draft.content)).pages
    # "Draft", set in capitals by the stylesheet, on every page including the cover.
    assert all("DRAFT" in page.extract_text().split() for page in pages)
    text = pdf_text(draft.content)
    assert "1.0 draft" in text  # the cover and the footer, not a sum of counters
    send(client, strategy, colleague)
    client.post(url("approve", strategy))
    approved = ApprovedVersion.objects.get()
    text = pdf_text(bytes(approved.pdf))
    assert "Version 1.0 approved" in text
    assert "1.0 approved on" in text and "by olivia" in text
    assert "DRAFT" not in text.split()
    # The current PDF of the approved strategy is the archived one, without a worker.
    assert client.get(url("export_pdf", strategy)).content == bytes(approved.pdf)


def test_the_approved_pdf_never_changes_and_an_edit_starts_the_next_minor(
    client, strategy, owner, colleague
):
    client.force_login(owner)
    send(client, strategy, colleague)
    assert client.post(url("approve", strategy)).status_code == 302
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version_major, strategy.version_minor) == ("approved", 1, 0)
    first = ApprovedVersion.objects.get()
    digest = hashlib.sha256(bytes(first.pdf)).hexdigest()

    section = strategy.sections.get(key="why")
    client.force_login(colleague)
    response = client.post(
        url("section_save", strategy, "why"),
        {"body": "A new why.", "base_version": section.version},
    )
    assert response.status_code == 302
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version_minor) == ("draft", 1)
    overview = client.get(url("overview", strategy)).content.decode()
    assert "1.1 draft" in overview
    listing = client.get(reverse("strategy:list", args=[strategy.organization.slug]))
    assert "1.1 draft" in listing.content.decode()

    client.force_login(owner)
    send(client, strategy, colleague)
    assert client.post(url("approve", strategy)).status_code == 302
    strategy.refresh_from_db()
    assert str(strategy.version_major) + "." + str(strategy.version_minor) == "1.1"

    first.refresh_from_db()
    assert hashlib.sha256(bytes(first.pdf)).hexdigest() == digest
    download = client.get(url("version_pdf", strategy, first.pk))
    assert download.status_code == 200
    assert hashlib.sha256(download.content).hexdigest() == digest
    assert download["Content-Disposition"].endswith('open-source-2027-v1-0.pdf"')
    markdown = client.get(url("version_markdown", strategy, first.pk))
    assert "A new why." not in markdown.content.decode()
    assert list(ApprovedVersion.objects.values_list("major", "minor")) == [(1, 1), (1, 0)]


def test_an_owner_may_make_it_a_major_revision(client, strategy, owner, colleague):
    client.force_login(owner)
    send(client, strategy, colleague)
    client.post(url("approve", strategy))
    strategy.roadmap.create(title="More")
    section = strategy.sections.get(key="why")
    client.post(
        url("section_save", strategy, "why"), {"body": "New.", "base_version": section.version}
    )
    assert send(client, strategy, colleague, version="3.0").status_code == 409
    send(client, strategy, colleague, version="2.0")
    strategy.refresh_from_db()
    assert (strategy.version_major, strategy.version_minor) == (2, 0)
    assert client.post(url("approve", strategy)).status_code == 302
    assert ApprovedVersion.objects.filter(major=2, minor=0).exists()


def test_other_organizations_see_no_version(client, strategy, owner, colleague, outsider):
    client.force_login(owner)
    send(client, strategy, colleague)
    client.post(url("approve", strategy))
    version = ApprovedVersion.objects.get()
    client.force_login(outsider)
    assert client.get(url("version_pdf", strategy, version.pk)).status_code == 404


def test_the_overview_reads_the_review_in_a_fixed_number_of_queries(
    client, strategy, owner, colleague, viewer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(colleague)
    send(client, strategy, viewer, owner)
    client.force_login(viewer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("overview", strategy)).status_code == 200
        return len(queries)

    client.post(url("comment_add", strategy, "why"), {"body": "One"})
    few = count()
    for section in strategy.sections.all()[:4]:
        response = client.post(url("comment_add", strategy, section.key), {"body": "More"})
        assert response.status_code == 302
    assert ReviewComment.objects.count() == 5
    assert count() == few


def test_a_roadmap_or_target_change_after_approval_starts_the_next_draft(
    client, strategy, owner, colleague
):
    client.force_login(owner)
    send(client, strategy, colleague)
    client.post(url("approve", strategy))
    client.force_login(colleague)
    response = client.post(url("item_add", strategy), {"new-title": "Hire an OSPO lead"})
    assert response.status_code == 302
    assert strategy.roadmap.filter(title="Hire an OSPO lead").exists()
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version_minor) == ("draft", 1)
    client.post(url("targets", strategy), {"target_stage": "", "horizon": "2028"})
    strategy.refresh_from_db()
    assert (strategy.status, strategy.version_minor) == ("draft", 1)  # once, not per edit
    assert StrategyEvent.objects.filter(kind="reopened").count() == 1
