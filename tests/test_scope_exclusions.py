"""Scopes an organization chooses not to pursue: the Scope page, its rights, and what the
results, exports and strategy say of them."""

import json
import re

import pytest
from django.urls import reverse

from assessments.evaluation import evaluate, summaries
from assessments.models import Answer, Assessment
from tests.csv_blocks import csv_blocks

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "We are a bank: we deliberately do not lead communities."


def scope_url(assessment):
    return reverse(
        "assessments:assessment_scope", args=[assessment.organization.slug, assessment.pk]
    )


def answer_lowest(assessment):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=min(question.options.all(), key=lambda option: option.score),
        )


def exclude(client, assessment, kind="pillar", key="advocate", reason=REASON, **extra):
    data = {"kind": kind, "key": key, "action": "exclude", "reason": reason}
    return client.post(scope_url(assessment), data, **extra)


def test_an_owner_puts_a_pillar_out_of_scope_without_javascript(client, owner, assessment):
    client.force_login(owner)
    before = assessment.answers_revision
    response = exclude(client, assessment)
    assert response.status_code == 302 and response.url == scope_url(assessment)
    assessment.refresh_from_db()
    assert assessment.scope_exclusions == [
        {
            "kind": "pillar",
            "key": "advocate",
            "reason": REASON,
            "by": "olivia",
            "at": assessment.scope_exclusions[0]["at"],
        }
    ]
    assert assessment.answers_revision == before + 1
    page = client.get(scope_url(assessment)).content.decode()
    assert REASON in page and "Bring back into scope" in page
    response = client.post(
        scope_url(assessment), {"kind": "pillar", "key": "advocate", "action": "include"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.scope_exclusions == []
    assert assessment.answers_revision == before + 2


def test_htmx_redraws_the_list_in_place(client, owner, assessment):
    client.force_login(owner)
    response = exclude(client, assessment, kind="section", key="basics", **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.strip().startswith('<div id="scopes">') and REASON in page
    assert "<html" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "pillar", "key": "advocate", "reason": "  "}, "A reason is required"),
        (
            {"kind": "pillar", "key": "nope", "reason": "x"},
            "Pillar &#x27;nope&#x27; is not one of this version&#x27;s: enabler, advocate",
        ),
        (
            {"kind": "stage", "key": "awareness", "reason": "x"},
            "Scope kind &#x27;stage&#x27; is not one of: section, layer, pillar",
        ),
        ({"kind": "layer", "key": "worker", "reason": "x" * 1001}, "has 1001 characters"),
    ],
)
def test_bad_changes_are_refused_and_change_nothing(client, owner, assessment, data, message):
    client.force_login(owner)
    response = client.post(scope_url(assessment), {**data, "action": "exclude"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.scope_exclusions == [] and assessment.answers_revision == 0


def test_the_reason_is_escaped(client, owner, assessment):
    client.force_login(owner)
    exclude(client, assessment, reason='<script>alert("x")</script>')
    page = client.get(scope_url(assessment)).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_rights_outsider_404_viewer_and_editor_403_read_only(
    client, assessment, outsider, viewer, colleague
):
    client.force_login(outsider)
    assert client.get(scope_url(assessment)).status_code == 404
    assert exclude(client, assessment).status_code == 404
    for reader in (viewer, colleague):
        client.force_login(reader)
        page = client.get(scope_url(assessment))
        assert page.status_code == 200
        assert "Only an owner of the organization can change the scope." in page.content.decode()
        assert 'name="reason"' not in page.content.decode()
        assert exclude(client, assessment).status_code == 403
    assessment.refresh_from_db()
    assert assessment.scope_exclusions == []


def test_a_submitted_assessments_scope_is_locked(client, owner, assessment):
    assessment.submit()
    client.force_login(owner)
    assert exclude(client, assessment).status_code == 409
    assert 'name="reason"' not in client.get(scope_url(assessment)).content.decode()


def test_out_of_scope_leaves_the_scoring_and_shows_everywhere(client, owner, assessment):
    answer_lowest(assessment)
    before = evaluate(assessment)
    summary_before = summaries([assessment])[assessment.pk]
    client.force_login(owner)
    results_url = reverse("assessments:results", args=[assessment.organization.slug, assessment.pk])
    assert REASON not in client.get(results_url).content.decode()  # cached under the old state
    exclude(client, assessment)
    assessment = Assessment.objects.get(pk=assessment.pk)
    after = evaluate(assessment)
    assert after.overall.total == before.overall.total - before.pillars["advocate"].total
    assert not any(
        q in {"champion", "contribution-ok", "releases"}
        for q in (b.question for b in after.overall.blockers)
    )
    # The stored summary is redone: the revision moved.
    assert summaries([assessment])[assessment.pk].total == summary_before.total - 3
    page = client.get(results_url).content.decode()
    assert 'data-testid="out-of-scope-list"' in page and REASON in page
    card = page[page.index('id="scope-pillar-advocate"') :]
    card = card[: card.index("</article>")]
    assert f"Out of scope: {REASON}" in card and "Next steps" not in card
    # The section page of a section out of scope says so, with the reason.
    exclude(client, assessment, kind="section", key="program", reason="Not our business.")
    section = client.get(
        reverse(
            "assessments:section", args=[assessment.organization.slug, assessment.pk, "program"]
        )
    ).content.decode()
    assert 'data-testid="section-out-of-scope"' in section and "Not our business." in section


def test_exports_flag_what_is_out_of_scope(client, owner, assessment):
    answer_lowest(assessment)
    client.force_login(owner)
    exclude(client, assessment, kind="layer", key="worker")
    args = [assessment.organization.slug, assessment.pk]
    document = json.loads(client.get(reverse("assessments:export_json", args=args)).content)
    (entry,) = document["results"]["out_of_scope"]
    assert (entry["kind"], entry["key"], entry["reason"]) == ("layer", "worker", REASON)
    flagged = {s["key"]: s["out_of_scope"] for s in document["results"]["scopes"]}
    assert flagged["worker"] is True and flagged["management"] is False
    assert all(v for k, v in flagged.items() if k.startswith("worker:"))
    content = client.get(reverse("assessments:export_results_csv", args=args)).content
    rows = {r["Name"]: r for r in csv_blocks(content)[0]}
    assert rows["Workers and employees"]["Out of scope"] == "Yes"
    assert rows["Workers and employees"]["Out of scope reason"] == REASON
    assert rows["Workers and employees"]["Stage"] == ""  # not measured
    assert rows["Management"]["Out of scope"] == ""


def test_the_strategy_says_what_is_out_of_scope(assessment, owner):
    from assessments.reporting import build_report
    from strategy.document import _target_rows
    from strategy.models import Strategy
    from strategy.services import where_we_stand_markdown

    answer_lowest(assessment)
    assessment.change_scope("pillar", "advocate", REASON, owner, known=["advocate", "enabler"])
    report = build_report(assessment)
    text = where_we_stand_markdown(report)
    assert "We chose not to pursue these" in text and REASON in text
    assert "| out of scope | out of scope |" in text
    strategy = Strategy.objects.create_from_assessment(assessment, owner, "Plan")
    rows = {row.key: row for row in _target_rows(strategy, report)}
    assert rows["advocate"].out_of_scope == REASON and rows["advocate"].gap is None
    assert all(
        k not in {"champion", "contribution-ok", "releases"}
        for item in strategy.roadmap.all()
        for k in item.question_keys
    )


def test_the_section_page_marks_each_question_out_of_scope_and_counts_none_of_them(
    client, owner, assessment
):
    client.force_login(owner)
    exclude(client, assessment)  # the pillar 'advocate': champion and contribution-ok in basics
    page = client.get(
        reverse("assessments:section", args=[assessment.organization.slug, assessment.pk, "basics"])
    ).content.decode()
    marked = re.findall(r'<fieldset id="q-([\w-]+)".*?</fieldset>', page, re.S)
    assert marked == ["inventory", "champion", "contribution-ok"]
    assert page.count('data-testid="question-out-of-scope"') == 2
    assert REASON.replace("'", "&#x27;") in page or REASON in page
    # Five questions, two of them out of scope: three to answer.
    assert "0 of 3 answered" in page
    review = client.get(
        reverse("assessments:assessment_review", args=[assessment.organization.slug, assessment.pk])
    ).content.decode()
    assert "0 of 3 questions answered" in " ".join(review.split())
    assert "champion" not in re.findall(r'#q-([\w-]+)"', review)
