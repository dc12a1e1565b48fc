"""Template v2 and the structured parts of a strategy: KPIs, risks, budget, policies, staffing.

The schemas and the completeness rule are pure (no database); the views are tested for who may
do what, bad input, and what the overview, the section page, the PDF and the Markdown show.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Answer
from strategy import rows
from strategy.document import content_hash, document_context, document_source
from strategy.markdown_export import strategy_markdown
from strategy.models import Section, Strategy, StructuredRow

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
KPI = {
    "name": "Projects released",
    "baseline": "0",
    "target": "3",
    "date": "2027-12-31",
    "owner": "OSPO lead",
    "stage": "2",
}
RISK = {
    "risk": "The OSPO lead leaves",
    "likelihood": "medium",
    "impact": "high",
    "owner": "CTO",
    "mitigation": "Two people know every task.",
}


# --- The schemas, pure ------------------------------------------------------------------------


def test_a_valid_kpi_is_stored_typed():
    values, errors = rows.clean(rows.KINDS["kpi"], KPI, [(1, "Ad hoc"), (2, "Strategy")])
    assert errors == {}
    assert values["stage"] == 2 and values["date"] == "2027-12-31" and values["name"] == KPI["name"]


@pytest.mark.parametrize(
    ("kind", "data", "field", "words"),
    [
        ("kpi", {**KPI, "name": " "}, "name", "Fill in"),
        ("kpi", {**KPI, "date": "31/12/2027"}, "date", "year-month-day"),
        ("kpi", {**KPI, "stage": "9"}, "stage", "levels"),
        ("risk", {**RISK, "likelihood": "extreme"}, "likelihood", "Low, Medium, High"),
        ("budget", {"item": "Tools", "kind": "tools", "cost": "a lot"}, "cost", "number"),
        ("budget", {"item": "Tools", "kind": "tools", "cost": "-5"}, "cost", "from 0"),
        ("policy", {"name": "Use", "link": "javascript:alert(1)"}, "link", "https://"),
        ("staff", {"role": "Lead", "fte": ""}, "fte", "Fill in"),
        ("risk", {**RISK, "risk": "x" * 501}, "risk", "At most 500"),
    ],
)
def test_bad_values_are_named_per_field_and_nothing_is_kept(kind, data, field, words):
    values, errors = rows.clean(rows.KINDS[kind], data, [(1, "Ad hoc"), (2, "Strategy")])
    assert values == {}
    assert list(errors) == [field]
    assert words in errors[field][0]


def test_numbers_are_read_as_people_type_them_and_shown_unbroken():
    kind = rows.KINDS["budget"]
    for typed, stored in [("120 000", "120000"), ("1,5", "1.5"), ("12,000.50", "12000.5")]:
        values, errors = rows.clean(kind, {"item": "x", "kind": "people", "cost": typed})
        assert errors == {} and values["cost"] == stored
    assert rows.number("120000", "EUR") == "120\u202f000\u00a0EUR"
    assert rows.total(kind, [{"cost": "0.5"}, {"cost": "2"}], "cost") == Decimal("2.5")
    assert rows.total(kind, [], "cost") is None


@pytest.mark.parametrize(
    ("state", "complete", "missing"),
    [
        (rows.SectionState("why", "One line."), True, ""),
        (rows.SectionState("why", "  \n"), False, "no text yet"),
        (rows.SectionState("where-we-aim", "Long text " * 100), False, "no KPI yet"),
        (rows.SectionState("where-we-aim", "", rows=1), True, ""),
        (rows.SectionState("risks", "", rows=0), False, "no risk yet"),
        (rows.SectionState("budget", "", rows=3), True, ""),
        (rows.SectionState("governance", "Text", rows=0), False, "no role yet"),
        (rows.SectionState("policies", "", rows=2), True, ""),
        (rows.SectionState("summary", "", generated=True), False, "not drafted yet"),
        (rows.SectionState("summary", "x", generated=True, has_block=True), True, ""),
    ],
)
def test_a_section_is_complete_when_what_it_asks_for_is_there(state, complete, missing):
    result = rows.completeness(state)
    assert result.complete is complete
    assert result.missing == missing


# --- In the browser's place --------------------------------------------------------------------


def answer_lowest(assessment):
    for question in assessment.questionnaire.questions.prefetch_related("options"):
        Answer.objects.create(
            assessment=assessment,
            question=question,
            kind="option",
            option=min(question.options.all(), key=lambda option: option.score),
        )


@pytest.fixture
def strategy(assessment, owner):
    answer_lowest(assessment)
    return Strategy.objects.create_from_assessment(assessment, owner, "Strategy")


def url(name, strategy, *extra):
    return reverse(f"strategy:{name}", args=[strategy.organization.slug, strategy.pk, *extra])


def stored(strategy, kind):
    return list(
        StructuredRow.objects.filter(strategy=strategy, kind=kind)
        .order_by("order")
        .values_list("data", flat=True)
    )


def test_new_strategies_get_the_template_v2_sections(strategy):
    keys = list(strategy.sections.values_list("key", flat=True))
    assert keys[:2] == ["summary", "scope"]
    for key in ("where-we-aim", "governance", "budget", "risks", "security", "policies", "signoff"):
        assert key in keys


def test_an_editor_adds_edits_moves_and_removes_rows(client, colleague, strategy):
    client.force_login(colleague)
    add = url("row_add", strategy, "risks")
    assert client.post(add, RISK).status_code == 302
    response = client.post(add, {**RISK, "risk": "Budget is cut"}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Budget is cut" in page and "<thead>" in page and "Added the risk" in page
    first, second = StructuredRow.objects.filter(strategy=strategy).order_by("order")
    response = client.post(url("row_move", strategy, second.pk), {"direction": "up"}, **HTMX)
    assert response.status_code == 200
    assert [d["risk"] for d in stored(strategy, "risk")] == ["Budget is cut", RISK["risk"]]
    response = client.post(url("row_edit", strategy, first.pk), {**RISK, "impact": "low"})
    assert response.status_code == 302
    assert StructuredRow.objects.get(pk=first.pk).data["impact"] == "low"
    assert client.post(url("row_delete", strategy, second.pk), **HTMX).status_code == 200
    assert [d["risk"] for d in stored(strategy, "risk")] == [RISK["risk"]]
    assert StructuredRow.objects.get(pk=first.pk).order == 0


def test_bad_input_answers_400_with_messages_per_field_and_writes_nothing(client, owner, strategy):
    client.force_login(owner)
    StructuredRow.objects.create(
        strategy=strategy, kind="kpi", data={"name": "Kept", "target": "1"}
    )
    before = list(StructuredRow.objects.values_list("pk", "data", "order"))
    bad = {**KPI, "name": "", "date": "soon"}
    for extra in ({}, HTMX):
        response = client.post(url("row_add", strategy, "where-we-aim"), bad, **extra)
        assert response.status_code == 400
        page = response.content.decode()
        assert "Fill in this field." in page and "year-month-day" in page
        assert 'aria-invalid="true"' in page
        assert 'value="soon"' in page  # what was typed is shown again
    row = StructuredRow.objects.get()
    response = client.post(url("row_edit", strategy, row.pk), {**KPI, "stage": "99"}, **HTMX)
    assert response.status_code == 400 and "levels" in response.content.decode()
    response = client.post(url("row_move", strategy, row.pk), {"direction": "sideways"})
    assert response.status_code == 400
    assert list(StructuredRow.objects.values_list("pk", "data", "order")) == before


def test_a_section_without_rows_takes_none(client, owner, strategy):
    client.force_login(owner)
    assert client.post(url("row_add", strategy, "why"), RISK).status_code == 404
    assert not StructuredRow.objects.exists()


def test_viewers_read_the_rows_but_cannot_change_them(client, viewer, strategy):
    row = StructuredRow.objects.create(
        strategy=strategy, kind="risk", data=rows.clean(rows.KINDS["risk"], RISK)[0]
    )
    client.force_login(viewer)
    page = client.get(url("section", strategy, "risks")).content.decode()
    assert RISK["risk"] in page and "Medium" in page
    assert "Add a risk" not in page and "Remove" not in page
    assert client.post(url("row_add", strategy, "risks"), RISK).status_code == 403
    assert client.post(url("row_edit", strategy, row.pk), RISK).status_code == 403
    assert client.post(url("row_delete", strategy, row.pk)).status_code == 403
    assert StructuredRow.objects.count() == 1


def test_another_organizations_row_is_not_found_under_our_strategy(
    client, owner, strategy, other_organization, outsider, questionnaire
):
    theirs = Strategy.objects.create(organization=other_organization, title="Theirs")
    row = StructuredRow.objects.create(strategy=theirs, kind="risk", data={"risk": "Theirs"})
    client.force_login(owner)
    for name in ("row_edit", "row_move", "row_delete"):
        assert client.post(url(name, strategy, row.pk), RISK).status_code == 404
    assert StructuredRow.objects.get().data == {"risk": "Theirs"}


def test_the_overview_counts_complete_sections_truthfully(client, owner, strategy):
    client.force_login(owner)
    total = strategy.sections.count()
    page = client.get(url("overview", strategy)).content.decode()
    # The two drafted sections, "Where we stand" and the executive summary, are complete.
    assert f"2 of {total} sections complete" in page
    assert "No KPI yet" in page and "No risk yet" in page and "No text yet" in page
    Section.objects.filter(strategy=strategy, key="why").update(body="We exist to serve.")
    StructuredRow.objects.create(strategy=strategy, kind="kpi", data={"name": "x"})
    page = client.get(url("overview", strategy)).content.decode()
    assert f"4 of {total} sections complete" in page and "No KPI yet" not in page


def test_an_old_strategy_gains_the_missing_sections_and_nothing_else_changes(
    client, owner, assessment
):
    old = Strategy.objects.create(
        organization=assessment.organization, assessment=assessment, title="Old"
    )
    Section.objects.create(strategy=old, key="why", title="Why", body="Ours", version=4, order=0)
    Section.objects.create(strategy=old, key="kpis", title="KPIs", body="Old KPIs", order=1)
    client.force_login(owner)
    page = client.get(url("overview", old)).content.decode()
    assert "Add the sections of the current template" in page
    assert client.post(url("sections_upgrade", old)).status_code == 302
    sections = list(old.sections.order_by("order"))
    keys = [s.key for s in sections]
    assert keys[:3] == ["summary", "scope", "why"] and "risks" in keys and "kpis" in keys
    assert keys.index("kpis") > keys.index("why")  # the old sections keep their order
    why = old.sections.get(key="why")
    assert (why.body, why.version) == ("Ours", 4)
    assert old.sections.get(key="kpis").body == "Old KPIs"
    assert old.sections.get(key="risks").body == ""
    page = client.get(url("overview", old)).content.decode()
    assert "Add the sections of the current template" not in page
    assert client.post(url("sections_upgrade", old)).status_code == 302
    assert old.sections.count() == len(sections)


def test_the_executive_summary_is_drafted_and_drafted_again_keeping_own_text(
    client, owner, strategy
):
    summary = strategy.sections.get(key="summary")
    names = strategy.assessment.questionnaire.axis_names
    assert names.stage_lower in summary.body and "Our three main blockers" in summary.body
    assert "Our first steps" in summary.body
    first_step = strategy.roadmap.order_by("order").first().title
    assert first_step[:40] in summary.body
    assert "FTE" not in summary.body  # no staffing yet
    Section.objects.filter(pk=summary.pk).update(body=summary.body + "\nSigned off by the board.\n")
    StructuredRow.objects.create(
        strategy=strategy, kind="staff", data={"role": "Lead", "fte": "0.5"}
    )
    StructuredRow.objects.create(
        strategy=strategy, kind="budget", data={"item": "Tools", "kind": "tools", "cost": "12000"}
    )
    client.force_login(owner)
    assert client.post(url("summary_draft", strategy)).status_code == 302
    body = strategy.sections.get(key="summary").body
    assert "0.5 FTE" in body and "12\u202f000\u00a0EUR" in body
    assert body.rstrip().endswith("Signed off by the board.")


def _fill(strategy):
    kpi = rows.clean(rows.KINDS["kpi"], KPI, [(2, "Strategy")])[0]
    for index in range(3):
        StructuredRow.objects.create(
            strategy=strategy, kind="kpi", order=index, data={**kpi, "name": f"KPI {index}"}
        )
    StructuredRow.objects.create(
        strategy=strategy, kind="risk", data=rows.clean(rows.KINDS["risk"], RISK)[0]
    )
    StructuredRow.objects.create(
        strategy=strategy, kind="budget", data={"item": "Tools", "kind": "tools", "cost": "120000"}
    )


def test_the_document_carries_the_rows_and_its_hash_counts_them(strategy):
    before = content_hash(strategy)
    _fill(strategy)
    context = document_context(strategy)
    table = next(s.table for s in context["sections"] if s.key == "where-we-aim")
    assert [c["label"] for c in table["columns"]][:3] == ["Indicator", "Baseline", "Target"]
    assert table["rows"][0]["name"] == "KPI 0" and table["cells"][2][0] == "KPI 2"
    assert table["rows"][0]["stage"].startswith("2 · ")
    budget = next(s.table for s in context["sections"] if s.key == "budget")
    assert budget["totals"] == ["Total per year: 120\u202f000\u00a0EUR"]
    after = content_hash(strategy)
    assert after != before
    row = StructuredRow.objects.get(kind="risk")
    row.data = {**row.data, "owner": "CEO"}
    row.save()
    assert content_hash(strategy) != after


def test_the_markdown_export_renders_the_rows_as_tables(strategy):
    _fill(strategy)
    text = strategy_markdown(strategy)
    assert "### Key performance indicators" in text
    assert "| # | Indicator | Baseline | Target | By | Owner | Evidence of |" in text
    assert (
        "| 1 | The OSPO lead leaves | Medium | High | CTO | Two people know every task. |" in text
    )
    # Markdown cells and lines take plain spaces.
    assert "Total per year: 120 000 EUR" in text


def test_the_pdf_shows_the_rows_in_tables_with_header_rows(strategy):
    from django.template.loader import render_to_string

    _fill(strategy)
    html = render_to_string("strategy/pdf/document.html", document_context(strategy))
    assert 'class="data rows rows-kpi"' in html and "<thead>" in html
    assert "The OSPO lead leaves" in html
    # A structured section with rows and no text prints its rows, not "To be written".
    risks = html.split('rows-risk"')[0].rsplit("<section", 1)[1]
    assert "To be written" not in risks


def test_the_document_source_reads_rows_in_constant_queries(strategy, django_assert_num_queries):
    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            content_hash(document_context(document_source(strategy)))
        return len(captured)

    assert queries() == 4  # the strategy, its sections, roadmap and rows
    _fill(strategy)
    queries()  # a KPI names a level: the version's levels are read once, then kept
    assert queries() == 4
    _fill(strategy)
    _fill(strategy)
    assert queries() == 4


def test_the_budget_currency_is_the_organizations_choice(client, owner, strategy):
    client.force_login(owner)
    response = client.post(url("currency", strategy), {"currency": "CHF"}, **HTMX)
    assert response.status_code == 200 and "Amounts are now in CHF" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.currency == "CHF"
    response = client.post(url("currency", strategy), {"currency": "x" * 11})
    assert response.status_code == 400 and "1 to 10 characters" in response.content.decode()
    strategy.refresh_from_db()
    assert strategy.currency == "CHF"


def test_the_section_page_and_overview_read_the_rows_in_constant_queries(client, owner, strategy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)

    def queries(name, *extra):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(name, strategy, *extra)).status_code == 200
        return len(captured)

    data = rows.clean(rows.KINDS["risk"], RISK)[0]
    StructuredRow.objects.create(strategy=strategy, kind="risk", data=data)
    queries("section", "risks")  # the first visit fills the process's caches of the version
    one = queries("section", "risks"), queries("overview")
    StructuredRow.objects.bulk_create(
        StructuredRow(strategy=strategy, kind="risk", order=n, data=data) for n in range(1, 25)
    )
    assert (queries("section", "risks"), queries("overview")) == one
