"""The strategy PDF's appendix "Standards readiness": rendered by WeasyPrint, read back as text."""

import io
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from assessments.models import Assessment
from strategy.document import content_hash, document_context, resolved
from strategy.models import Strategy
from strategy.pdf import render_pdf
from tests.questionnaires import load_text
from tests.standards_data import MAPPINGS, STANDARDS, answer_some, with_standards

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "pdf"


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def mapped_strategy(mini_text, organization, owner):
    text = mini_text.replace("key: mini\n", "key: mini-standards\n", 1)
    version = with_standards(load_text(text, publish=False), STANDARDS, MAPPINGS)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=version, title="Readiness", created_by=owner
    )
    answer_some(assessment)
    return Strategy.objects.create_from_assessment(assessment, owner, "Strategy with standards")


def test_the_pdf_has_a_standards_readiness_appendix(mapped_strategy):
    rendered = render_pdf(mapped_strategy)
    reader = PdfReader(io.BytesIO(bytes(rendered.pdf)))
    pages = [squash(page.extract_text() or "") for page in reader.pages]
    text = " ".join(pages)
    assert "Appendix: Standards readiness" in text
    assert "This is a readiness check, not a certification" in text
    assert (
        "2 of 3 clauses met · 1 not applicable · 1 with no question in this questionnaire" in text
    )
    assert "2 of 3 activities covered by this questionnaire" in text
    # The last page naming it (the table of contents names it too).
    appendix = max(i for i, p in enumerate(pages) if "Appendix: Standards readiness" in p)
    page = pages[appendix]
    for words in (
        "3.1.2 Competence Not met",
        "3.2.1 Releases Not applicable",
        "champion, training",
    ):
        assert words in page
    # A picture of the appendix page, to look at (kept with the test artifacts).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / "standards-appendix.pdf"
    pdf.write_bytes(bytes(rendered.pdf))
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            str(appendix + 1),
            "-l",
            str(appendix + 1),
            str(pdf),
            str(ARTIFACTS / "standards-appendix"),
        ],
        check=True,
    )


def test_a_version_without_standards_has_no_appendix_and_reads_nothing_for_it(assessment, owner):
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "No standards")
    context = document_context(strategy)
    assert context["standards"] == ()
    assert "Standards readiness" not in str(resolved(context))


def test_the_demo_strategy_shows_its_readiness_for_both_iso_standards_and_ggi(demo_strategy):
    rows = resolved(document_context(demo_strategy))["standards"]
    names = [row.standard.name for row in rows]
    assert names[:3] == [
        "ISO/IEC 5230:2020 (OpenChain license compliance)",
        "ISO/IEC 18974:2023 (OpenChain security assurance)",
        "OSPO Alliance Good Governance Initiative (handbook 1.3)",
    ]


def test_the_appendix_counts_in_the_hash_by_the_answers(mapped_strategy):
    before = content_hash(mapped_strategy)
    assessment = mapped_strategy.assessment
    assessment.answers.filter(question__key="training").delete()
    mapped_strategy.refresh_from_db()
    assert content_hash(mapped_strategy) != before
    rows = resolved(document_context(mapped_strategy))["standards"]
    assert rows[0].result.not_met == 1  # training unanswered now: still not met
