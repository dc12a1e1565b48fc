"""`manage.py import_ggi`: the OSPO Alliance GGI activities JSON as a progress questionnaire
(docs/ggi-import.md), on a small invented sample in the handbook's shape
(tests/fixtures/ggi_activities_sample.json), then answered and read from the web."""

import json
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from assessments.ggi_import import plain, sections_of, verification_points
from assessments.models import Answer, Assessment, Questionnaire
from assessments.questionnaire_file.document import dump_document, parse_document
from tests.conftest import FIXTURES
from tests.visible_text import visible_text

pytestmark = pytest.mark.django_db

SAMPLE = FIXTURES / "ggi_activities_sample.json"
HTMX = {"HTTP_HX_REQUEST": "true"}
# The shipped model's words and the one word a progress model must not show; the model's own
# title ("OSPO Alliance …") is its name, so "OSPO" is not among them.
THEIRS = re.compile(r"\b(stages?|layers?|pillars?|five)\b", re.IGNORECASE)


def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def write(tmp_path, data, name="ggi.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def ggi(db):
    call_command("import_ggi", str(SAMPLE))
    return Questionnaire.objects.get(key="ggi")


# --- The mapping -------------------------------------------------------------------------------


def test_it_loads_a_published_progress_version(ggi):
    assert ggi.version == 1 and ggi.status == Questionnaire.Status.PUBLISHED
    assert ggi.scoring_method == "progress" and ggi.language == "en"
    assert ggi.title == "OSPO Alliance Good Governance Initiative (handbook 9.9)"
    assert "CC BY 4.0" in ggi.description and "OSPO Alliance" in ggi.description
    names = ggi.axis_names
    assert (names.layer, names.layers, names.pillar, names.pillars) == (
        "Role",
        "Roles",
        "Goal",
        "Goals",
    )
    # Goals as the second axis, without their "Goal" suffix; roles and groups of roles as the
    # first (an activity naming every role is for every role).
    assert list(ggi.pillars.values_list("key", "name")) == [("usage", "Usage"), ("trust", "Trust")]
    assert list(ggi.layers.values_list("key", "name")) == [
        ("developer", "Developer"),
        ("team-leader", "Team Leader"),
        ("decision-maker", "Decision Maker"),
        ("developer-and-team-leader", "Developer and Team Leader"),
    ]
    assert list(ggi.sections.values_list("key", "title")) == [
        ("ggi-a-101", "Map the components in use"),
        ("ggi-a-102", "Review the licences"),
        ("ggi-a-103", "Budget for upkeep"),
    ]


def test_each_activity_is_a_section_with_one_checklist_of_its_verification_points(ggi):
    section = ggi.sections.get(key="ggi-a-101")
    assert section.description == "Know which open components each team relies on, and why."
    for part in ("A second paragraph", "#### Opportunity assessment", "A spreadsheet", "GGI-A-102"):
        assert part in section.help
    assert "Roles: Team Leader, Developer." in section.help
    assert section.recommendations == (
        "- Start with one product.\n- Keep it short.\n\nA map that is used beats a complete one."
    )
    # Only http and https links, each once; their words as titles.
    assert section.resources == [
        {"title": "Component mapping primer (EN)", "url": "https://example.org/primer"}
    ]
    assert ggi.sections.get(key="ggi-a-102").resources == [
        {"title": "Licence list (EN)", "url": "https://example.org/licences"}
    ]
    (question,) = section.questions.all()
    assert question.key == "ggi-a-101-verification" and question.type == "checklist"
    assert question.pillar.key == "usage" and question.layer.key == "developer-and-team-leader"
    assert list(question.options.values_list("label", "weight", "exclusive")) == [
        ("A list of components exists for each product.", 1, False),
        ("The list names an owner per component.", 1, False),
        ("The list is reviewed every quarter.", 1, False),
        ("None of these yet", 0, True),
    ]
    every_role = ggi.questions.get(key="ggi-a-102-verification")
    assert every_role.layer is None and every_role.pillar.key == "trust"


def test_options_pick_the_version_and_a_draft(db):
    call_command("import_ggi", str(SAMPLE), "--draft", "--version", "4")
    draft = Questionnaire.objects.get(key="ggi")
    assert draft.version == 4 and draft.status == Questionnaire.Status.DRAFT
    call_command("publish_questionnaire", "ggi", "4")
    call_command("import_ggi", str(SAMPLE))  # one above the highest stored
    assert list(Questionnaire.objects.order_by("version").values_list("version", "status")) == [
        (4, "retired"),
        (5, "published"),
    ]


def test_output_writes_a_file_that_round_trips_and_loads_nothing(tmp_path):
    out = tmp_path / "ggi.yaml"
    call_command("import_ggi", str(SAMPLE), "-o", str(out))
    text = out.read_text(encoding="utf-8")
    assert dump_document(parse_document(text)) == text
    assert "method: progress" in text and "key: ggi\n" in text
    assert not Questionnaire.objects.exists()
    call_command("load_questionnaire", str(out))
    assert Questionnaire.objects.get(key="ggi").sections.count() == 3


def _without_points(data):
    content = data["activities"][1]["content"]
    data["activities"][1]["content"] = re.sub(r"- \[ \] .*\n", "", content)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "the top level must be a JSON object"),
        (lambda d: d.pop("activities"), "'activities' is missing"),
        (lambda d: d.pop("goals"), "'goals' is missing"),
        (lambda d: d.pop("roles"), "'roles' is missing"),
        (
            _without_points,
            "activities[1] (GGI-A-102): no verification points",
        ),
        (
            lambda d: d["activities"][2].update(goal="Speed Goal"),
            "activities[2] (GGI-A-103): goal 'Speed Goal' is not one of the goals "
            "(Usage Goal, Trust Goal)",
        ),
        (
            lambda d: d["activities"][0].update(roles=["Auditor"]),
            "activities[0] (GGI-A-101): role 'Auditor' is not one of the roles",
        ),
        (lambda d: d["activities"][0].pop("name"), "activities[0] (GGI-A-101): 'name' is missing"),
        (
            lambda d: d["activities"][1].update(id="GGI-A-101"),
            "key 'ggi-a-101' is used 2 times",
        ),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tmp_path, change, message):
    if isinstance(change, str):
        source = write(tmp_path, change)
    else:
        data = sample()
        change(data)
        source = write(tmp_path, data)
    out = tmp_path / "out.yaml"
    for extra in ([], ["-o", str(out)]):
        with pytest.raises(CommandError) as raised:
            call_command("import_ggi", str(source), *extra)
        assert "was not loaded; nothing was written" in str(raised.value)
        assert message in str(raised.value)
    assert not Questionnaire.objects.exists() and not out.exists()


def test_an_existing_version_is_refused(ggi):
    with pytest.raises(CommandError, match="version 1 already exists"):
        call_command("import_ggi", str(SAMPLE), "--version", "1")
    assert Questionnaire.objects.count() == 1


def test_markdown_is_read_robustly():
    parts = sections_of("## Name\n\nActivity ID: x\n\n### Tools\n\nA\n\n### Progress Assessment\nB")
    assert parts == {"tools": "A", "progress assessment": "B"}
    points = verification_points(
        "Intro:\n\n- [ ] First **point**\n  continued here.\n- [x] A [linked](https://a.b) one\n"
        "\nA closing paragraph.\n  not a continuation"
    )
    assert points == ["First point continued here.", "A linked one"]
    assert plain("`code` and __bold__ [t](u)") == "code and bold t"


# --- Answered from the web ----------------------------------------------------------------------


@override_settings(SITE_NAME="Assess")
def test_an_assessment_on_it_is_started_answered_and_shows_progress_per_activity(
    client, owner, organization, ggi, questionnaire
):
    client.force_login(owner)
    start = reverse("assessments:assessment_start", args=[organization.slug])
    offered = client.get(start).content.decode()
    assert f'value="{ggi.pk}"' in offered and f'value="{questionnaire.pk}"' in offered
    response = client.post(start, {"questionnaire": ggi.pk, "title": "GGI baseline"})
    assert response.status_code == 302
    assessment = Assessment.objects.get(title="GGI baseline")
    assert assessment.questionnaire == ggi

    def check(key, *labels):
        question = ggi.questions.get(key=key)
        boxes = [str(question.options.get(label=label).pk) for label in labels]
        url = reverse(
            "assessments:answer_save", args=[organization.slug, assessment.pk, question.pk]
        )
        saved = client.post(url, {f"q-{question.pk}-boxes": boxes}, **HTMX)
        assert saved.status_code == 200, saved.content.decode()

    # 2 of 3 points, all of 2, none yet: 67, 100, 0 (out of 100); overall (2/3 + 1 + 0) / 3 = 56 %.
    check(
        "ggi-a-101-verification",
        "A list of components exists for each product.",
        "The list is reviewed every quarter.",
    )
    check(
        "ggi-a-102-verification",
        "Each licence in use has been read by someone who can explain it.",
        "Incompatible licences are flagged before release.",
    )
    check("ggi-a-103-verification", "None of these yet")
    assert Answer.objects.filter(assessment=assessment, kind="checked").count() == 3

    slug = organization.slug
    section = client.get(reverse("assessments:section", args=[slug, assessment.pk, "ggi-a-101"]))
    results = client.get(reverse("assessments:results", args=[slug, assessment.pk]))
    assert section.status_code == results.status_code == 200
    section_text = " ".join(visible_text(section.content.decode()).split())
    results_text = " ".join(visible_text(results.content.decode()).split())
    assert "Component mapping primer (EN)" in section_text
    assert "Overall progress: 56 %" in results_text
    assert "Progress per section" in results_text
    for title, percent in (
        ("Map the components in use", "67"),
        ("Review the licences", "100"),
        ("Budget for upkeep", "0"),
    ):
        assert re.search(rf"{re.escape(title)} {percent}\b", results_text), (title, percent)
    assert "Scored 66.7 of 100." in results_text  # the scale of 0 to 100 reads as a share
    # Scores per role and per goal: tables always, a radar only for three values or more.
    assert "Per role" in results_text and "Per goal" in results_text
    # Where the budget is held back, its activity's recommendations show.
    assert "Start small and review each year." in results_text
    model = client.get(reverse("assessments:model_version", args=["ggi", ggi.version]))
    model_text = " ".join(visible_text(model.content.decode()).split())
    assert "CC BY 4.0" in model_text
    pages = (("section", section_text), ("results", results_text), ("model", model_text))
    for name, text in pages:
        found = [text[max(0, m.start() - 40) : m.end() + 40] for m in THEIRS.finditer(text)]
        assert not found, (name, found)
