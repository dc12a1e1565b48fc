"""Pages cost a fixed number of queries, whatever the number of questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import caches, evaluation
from assessments.models import Answer, AnswerChange, Assessment
from assessments.questionnaire_file.store import save_document
from assessments.questionnaire_file.synthetic import synthetic_document

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def answered_assessment(
    organization,
    size: int,
    key: str = "",
    *,
    mixed: bool = False,
    conditional: bool = False,
    translate=lambda document: document,
) -> Assessment:
    document = translate(
        synthetic_document(size, key=key or f"q{size}", mixed=mixed, conditional=conditional)
    )
    questionnaire = save_document(document, publish=True)
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=questionnaire, title=f"{size} questions"
    )
    answers = []
    for question in questionnaire.questions.prefetch_related("options"):
        options = question.options.all()
        if question.is_text:
            answer = Answer(kind="note", comment=f"Words for {question.key}")
        elif question.is_checklist:
            answer = Answer(kind="checked", boxes=[o.pk for o in options[: question.order % 3 + 1]])
        else:
            answer = Answer(kind="option", option=options[question.order % 5])
        answer.assessment, answer.question = assessment, question
        answers.append(answer)
    Answer.objects.bulk_create(answers)
    AnswerChange.objects.record(answers, AnswerChange.How.ANSWERED)
    return assessment


def count(client, method, url, data=None, **extra) -> int:
    with CaptureQueriesContext(connection) as context:
        response = getattr(client, method)(url, data or {}, **extra)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries)


def drawn(question, option) -> dict:
    stored = Answer.objects.get(question=question)
    prefix = f"q-{question.pk}-"
    return {
        prefix + "choice": option.pk,
        prefix + "comment": "Checked",
        prefix + "version": stored.version,
        prefix + "was_choice": stored.option_id,
    }


def measure(client, assessment) -> dict[str, int]:
    org = assessment.organization.slug
    questions = assessment.questionnaire.questions.order_by("order")
    question = questions.filter(type="single").last()
    option = question.options.get(score=3)
    checklist = questions.filter(type="checklist").last()
    section = question.section.key
    args = [org, assessment.pk]
    save = reverse("assessments:answer_save", args=[*args, question.pk])
    history = reverse("assessments:answer_history", args=[*args, question.pk])
    section_url = reverse("assessments:section", args=[*args, section])
    client.get(reverse("assessments:results", args=args))  # warm the model cache once
    counts = {
        # The first view keeps the published version's sections and questions for the process
        # and makes the resume point; what follows reads neither again.
        "first_section": count(client, "get", section_url),
        "save": count(client, "post", save, {f"q-{question.pk}-choice": option.pk}, **HTMX),
        # As the page sends it: over the version it drew, checked in the same UPDATE.
        "versioned_save": count(client, "post", save, drawn(question, option), **HTMX),
        "section": count(client, "get", section_url),
        "results": count(client, "get", reverse("assessments:results", args=args)),
        "dashboard": count(client, "get", reverse("assessments:dashboard", args=[org])),
        "history": count(client, "get", history, **HTMX),
        "review": count(client, "get", reverse("assessments:assessment_review", args=args)),
        "answers_json": count(client, "get", reverse("assessments:export_json", args=args)),
        "history_csv": count(client, "get", reverse("assessments:export_history_csv", args=args)),
        "results_csv": count(client, "get", reverse("assessments:export_results_csv", args=args)),
        "results_xlsx": count(client, "get", reverse("assessments:export_results_xlsx", args=args)),
    }
    if checklist is not None:
        boxes = [str(o.pk) for o in checklist.options.all()[:2]]
        checklist_save = reverse("assessments:answer_save", args=[*args, checklist.pk])
        counts["checklist_save"] = count(
            client, "post", checklist_save, {f"q-{checklist.pk}-boxes": boxes}, **HTMX
        )
    return counts


def with_changes(assessment, per_answer: int) -> Assessment:
    """Give every answer of `assessment` a history of `per_answer` changes."""
    answers = list(assessment.answers.select_related("question", "option", "answered_by"))
    for _step in range(per_answer - 1):
        AnswerChange.objects.record(answers, AnswerChange.How.ANSWERED)
    assert AnswerChange.objects.filter(assessment=assessment).count() == per_answer * len(answers)
    return assessment


def test_query_counts_do_not_grow_with_the_length_of_answer_histories(client, owner, organization):
    client.force_login(owner)
    caches.clear()
    short = measure(client, with_changes(answered_assessment(organization, 20), 1))
    long = measure(client, with_changes(answered_assessment(organization, 20, "long"), 50))
    assert short == long, (short, long)


def test_query_counts_do_not_grow_with_the_number_of_questions(client, owner, organization):
    client.force_login(owner)
    caches.clear()
    small = measure(client, answered_assessment(organization, 20))
    large = measure(client, answered_assessment(organization, 200))
    assert small == large, (small, large)


def test_query_counts_of_a_mixed_questionnaire_do_not_grow_with_its_questions(
    client, owner, organization
):
    """Checklists and free text among the questions: still a fixed number of queries, the same
    as single choice alone but for one in the JSON export; a checklist saves like a choice."""
    client.force_login(owner)
    caches.clear()
    small = measure(client, answered_assessment(organization, 20, "m20", mixed=True))
    large = measure(client, answered_assessment(organization, 200, "m200", mixed=True))
    assert small == large, (small, large)
    plain = measure(client, answered_assessment(organization, 200, "p200"))
    assert large["checklist_save"] == large["save"], large
    # The JSON export and the workbook read the scale's top once, to put the checklists' scores
    # on it.
    assert {page: large[page] for page in plain} == plain | {
        "answers_json": plain["answers_json"] + 1,
        "results_xlsx": plain["results_xlsx"] + 1,
    }, (large, plain)


def test_query_counts_with_conditions_do_not_grow_with_its_questions(client, owner, organization):
    """Questions asked only after some answers ("show if"), some hidden by the answers given:
    still a fixed number of queries, the same as without conditions."""
    client.force_login(owner)
    caches.clear()
    small = measure(
        client, answered_assessment(organization, 20, "c20", mixed=True, conditional=True)
    )
    conditional = answered_assessment(organization, 200, "c200", mixed=True, conditional=True)
    assert evaluation.hidden(conditional)  # the answers leave some questions out
    large = measure(client, conditional)
    assert small == large, (small, large)
    plain = measure(client, answered_assessment(organization, 200, "n200", mixed=True))
    assert large == plain, (large, plain)


@pytest.mark.parametrize(
    ("page", "limit"),
    [
        ("save", 8),
        ("versioned_save", 8),
        ("section", 6),
        ("results", 6),
        ("dashboard", 7),
        ("history", 5),
        ("review", 5),
        ("results_csv", 4),
        ("results_xlsx", 7),
    ],
)
def test_query_counts_are_pinned_on_a_200_question_questionnaire(
    client, owner, organization, page, limit
):
    client.force_login(owner)
    counts = measure(client, answered_assessment(organization, 200))
    assert counts[page] <= limit, counts
    assert counts["versioned_save"] == counts["save"], counts


def test_the_history_page_costs_the_same_for_3_and_30_assessments(
    client, owner, organization, questionnaire
):
    client.force_login(owner)
    url = reverse("assessments:dashboard", args=[organization.slug])

    def add(n):
        for _ in range(n):
            assessment = Assessment.objects.create(
                organization=organization, questionnaire=questionnaire, title="Cycle"
            )
            question = questionnaire.questions.first()
            Answer.objects.create(
                assessment=assessment,
                question=question,
                kind="option",
                option=question.options.first(),
            )

    add(3)
    count(client, "get", url)  # warms the caches that any first page view fills
    add(1)
    one_stale = count(client, "get", url)
    cached = count(client, "get", url)
    add(26)
    assert count(client, "get", url) == one_stale  # 26 new ones scored and stored at once
    assert count(client, "get", url) == cached <= one_stale


def test_the_navbar_and_the_view_read_the_memberships_once(client, owner, organization, assessment):
    """The switcher lists every membership; the view needs one: the same query gives both."""
    client.force_login(owner)
    pages = [
        reverse("assessments:dashboard", args=[organization.slug]),
        reverse("assessments:section", args=[organization.slug, assessment.pk, "basics"]),
        reverse("assessments:results", args=[organization.slug, assessment.pk]),
    ]
    for url in pages:
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        assert 'data-testid="organization-switcher"' in response.content.decode()
        memberships = [
            q["sql"]
            for q in context.captured_queries
            if 'FROM "assessments_membership"' in q["sql"]
        ]
        assert len(memberships) <= 1, (url, memberships)


def in_four_languages(document):
    """Every text of `document` translated into French, German and Spanish."""
    from assessments.questionnaire_file.translations import FIELDS

    def translate(item, kind: str) -> None:
        item.translations = {
            language: {
                name: f"[{language}] {value}"
                for name in FIELDS[kind]
                if isinstance(value := getattr(item, name, None), str) and value
            }
            for language in ("fr", "de", "es")
        }

    translate(document, "questionnaire")
    for level in document.scale:
        translate(level, "scale")
    for kind, taxa in (("stage", document.stages), ("taxon", document.layers + document.pillars)):
        for taxon in taxa:
            translate(taxon, kind)
    for section in document.sections:
        translate(section, "section")
        for question in section.questions:
            translate(question, "question")
            for option in question.options:
                translate(option, "option")
    return document


@pytest.mark.parametrize("page", ["first_section", "save", "versioned_save", "section", "results"])
def test_four_languages_cost_no_more_queries_than_one(client, owner, organization, page):
    """A version translated into French, German and Spanish, read in German, costs what the
    same version without translations costs in English."""
    client.force_login(owner)
    plain = measure(client, answered_assessment(organization, 60, key="plain", mixed=True))
    assessment = answered_assessment(
        organization, 60, key="four-languages", mixed=True, translate=in_four_languages
    )
    client.post(reverse("choose_language"), {"language": "de", "next": "/"})
    translated = measure(client, assessment)
    page_html = client.get(
        reverse("assessments:results", args=[organization.slug, assessment.pk])
    ).content.decode()
    assert "[de] " in page_html
    assert translated[page] <= plain[page], (translated, plain)
