"""The results summary PDF: one page (two at most) with the headline, the charts and the top
blockers, rendered in the request from the project's own static files only."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from pypdf import PdfReader

from assessments.demo import DEMO_USERNAME, setup_demo
from assessments.summary import headline, summary_context
from strategy.summary_pdf import render_summary


@pytest.fixture
def demo(db):
    return setup_demo()


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_the_demo_summary_has_one_or_two_pages_with_headline_and_blockers(demo):
    assessment = demo.assessment
    context = summary_context(assessment)
    output = render_summary(assessment)
    pages, text = pdf_text(output.pdf)
    assert 1 <= pages <= 2
    assert context["headline"].title in text
    for row in context["blockers"]:
        assert " ".join(row.text.split())[:60] in text
    assert "Submitted on" in text  # the demo's baseline is submitted
    # Nothing but the project's own static files was fetched.
    assert output.requested
    assert all(url.startswith("https://ospo-assess.invalid/static/") for url in output.requested)


def test_a_reopened_assessment_s_summary_says_it_is_provisional(demo):
    assert "Provisional" not in pdf_text(render_summary(demo.assessment).pdf)[1]
    demo.assessment.reopen()
    _pages, text = pdf_text(render_summary(demo.assessment).pdf)
    assert "Provisional." in text and "Submitted on" not in text


def test_a_name_in_japanese_or_arabic_extracts_intact(demo):
    """The summary's stylesheet falls back to the vendored fonts, as the strategy PDF's does."""
    organization = demo.organization
    for name in ("オープンソース推進室", "مكتب المصادر المفتوحة"):
        organization.name = name
        organization.save()
        _pages, text = pdf_text(render_summary(demo.assessment).pdf)
        assert name in text


def test_members_download_it_from_their_organization(client, demo):
    client.force_login(get_user_model().objects.get(username=DEMO_USERNAME))
    url = reverse("strategy:summary_pdf", args=[demo.organization.slug, demo.assessment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-summary.pdf"')
    results = reverse("assessments:results", args=[demo.organization.slug, demo.assessment.pk])
    assert url in client.get(results).content.decode()


def test_outsiders_get_404(client, demo, outsider):
    client.force_login(outsider)
    url = reverse("strategy:summary_pdf", args=[demo.organization.slug, demo.assessment.pk])
    assert client.get(url).status_code == 404


def test_viewers_may_read_it(client, owner, viewer, assessment):
    client.force_login(viewer)
    url = reverse("strategy:summary_pdf", args=["acme", assessment.pk])
    assert client.get(url).status_code == 200


def test_headline_says_no_stage_is_reached_when_the_first_is_not(assessment):
    from assessments.reporting import build_report

    line = headline(build_report(assessment))  # nothing answered
    assert line.case == "none"
    assert line.title.startswith("No ") and "reached yet" in line.title
