"""Standards and crosswalks in the questionnaire file: read, checked, stored, copied, exported.

A version lists the standards its questions map to (`standards`, each with its areas), and each
question its references per standard or model (`mappings`); docs/questionnaire-format.md,
"Standards and crosswalks".
"""

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import authoring
from assessments.models import Questionnaire
from assessments.publication_checks import publish_problems
from assessments.questionnaire_file import rules
from assessments.questionnaire_file.document import (
    AreaDoc,
    DocumentError,
    StandardDoc,
    dump_document,
    parse_document,
)
from assessments.questionnaire_file.store import export_text, save_document
from assessments.questionnaire_file.synthetic import synthetic_document
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

FIRST = "sections[0] (key 'section-1').questions[0] (key 'q-1')"
ISO = "standards[0] (key 'iso-5230')"


@pytest.fixture
def crosswalk_text() -> str:
    return (FIXTURES / "crosswalk.yaml").read_text(encoding="utf-8")


def iso(*area_ids: str, **fields) -> StandardDoc:
    areas = [AreaDoc(area_id, f"Area {area_id}") for area_id in area_ids or ("3.1.1", "3.1.2")]
    return StandardDoc(**{"key": "iso-5230", "name": "ISO/IEC 5230", "areas": areas, **fields})


def doc_with(*standards: StandardDoc, mappings=None):
    """A valid generated questionnaire with these standards, its first question mapped so."""
    doc = synthetic_document(20, key="gen")
    doc.standards = list(standards)
    if mappings is not None:
        doc.sections[0].questions[0].mappings = mappings
    return doc


def in_file(doc) -> list[str]:
    return [problem.in_file() for problem in rules.problems(doc)]


def _file(change) -> str:
    data = yaml.safe_load(dump_document(doc_with(iso())))
    change(data)
    return yaml.safe_dump(data, sort_keys=False)


def _refused(text: str) -> list[str]:
    with pytest.raises(DocumentError) as raised:
        parse_document(text)
    return raised.value.problems


# --- Reading and writing the file -----------------------------------------------------------------


def test_a_file_with_standards_and_mappings_is_read_with_the_defaults_filled_in(crosswalk_text):
    doc = parse_document(crosswalk_text)
    iso_5230, baseline = doc.standards
    assert iso_5230 == StandardDoc(
        key="iso-5230",
        name="ISO/IEC 5230:2020 (OpenChain license compliance)",
        description="The international standard for an open source license compliance program.",
        url="https://openchainproject.org/license-compliance",
        assess=True,
        minimum=3,
        area_name="Requirement area",
        areas_name="Requirement areas",
        areas=[
            AreaDoc("3.1.1", "Policy", "A written open source policy exists."),
            AreaDoc("3.1.2", "Competence"),
            AreaDoc("3.3.1", "Bill of materials"),
        ],
    )
    assert (baseline.assess, baseline.minimum, baseline.area_name, baseline.areas_name) == (
        False,
        None,
        "Area",
        "Areas",
    )
    questions = {q.key: q for q in doc.questions()}
    assert questions["inventory"].mappings == {
        "iso-5230": ["3.3.1"],
        "ggi": ["GGI-A-21"],
        "linux-foundation": ["1"],
    }
    assert list(questions["inventory"].mappings) == ["ggi", "iso-5230", "linux-foundation"]
    assert questions["training"].mappings == {}


def test_a_file_with_standards_and_mappings_exports_as_it_was_written(crosswalk_text):
    assert dump_document(parse_document(crosswalk_text)) == crosswalk_text


@pytest.mark.django_db
def test_load_export_load_export_is_byte_identical_with_standards_and_mappings(crosswalk_text):
    first = export_text(load_text(crosswalk_text, publish=True))
    assert first == crosswalk_text
    again = load_text(first.replace("version: 1", "version: 2", 1), publish=False)
    assert export_text(again).replace("version: 2", "version: 1", 1) == first


@pytest.mark.django_db
def test_a_generated_questionnaire_with_a_crosswalk_round_trips():
    text = export_text(save_document(synthetic_document(30, crosswalk=True), publish=True))
    assert "standards:" in text and "other-model:" in text
    assert export_text(load_text(text.replace("version: 1", "version: 2", 1), publish=True)) == (
        text.replace("version: 1", "version: 2", 1)
    )


def test_defaults_are_left_out_of_the_export():
    text = dump_document(doc_with(iso(), mappings={"iso-5230": ["3.1.1"]}))
    standards = yaml.safe_load(text)["standards"]
    assert standards == [
        {
            "key": "iso-5230",
            "name": "ISO/IEC 5230",
            "areas": [{"id": "3.1.1", "name": "Area 3.1.1"}, {"id": "3.1.2", "name": "Area 3.1.2"}],
        }
    ]
    assert "    mappings:\n      iso-5230:\n      - 3.1.1\n" in text


def test_a_file_without_standards_or_mappings_exports_without_them(mini_text):
    text = dump_document(parse_document(mini_text))
    assert text == mini_text
    assert "standards" not in text and "mappings:\n      " not in text


# --- Storing, copying, publishing -----------------------------------------------------------------


@pytest.mark.django_db
def test_loading_stores_every_field_of_a_standard_and_the_mappings_in_file_order(crosswalk_text):
    questionnaire = load_text(crosswalk_text, publish=True)
    assert questionnaire.standards == [
        {
            "key": "iso-5230",
            "name": "ISO/IEC 5230:2020 (OpenChain license compliance)",
            "description": (
                "The international standard for an open source license compliance program."
            ),
            "url": "https://openchainproject.org/license-compliance",
            "assess": True,
            "minimum": 3,
            "area_name": "Requirement area",
            "areas_name": "Requirement areas",
            "areas": [
                {
                    "id": "3.1.1",
                    "name": "Policy",
                    "description": "A written open source policy exists.",
                },
                {"id": "3.1.2", "name": "Competence", "description": ""},
                {"id": "3.3.1", "name": "Bill of materials", "description": ""},
            ],
        },
        {
            "key": "ossf-baseline",
            "name": "OpenSSF Baseline",
            "description": "",
            "url": "",
            "assess": False,
            "minimum": None,
            "area_name": "Area",
            "areas_name": "Areas",
            "areas": [
                {"id": "1", "name": "Access control", "description": ""},
                {"id": "2", "name": "Build and release", "description": ""},
            ],
        },
    ]
    inventory = questionnaire.questions.get(key="inventory")
    assert inventory.mappings == {
        "iso-5230": ["3.3.1"],
        "ggi": ["GGI-A-21"],
        "linux-foundation": ["1"],
    }
    assert questionnaire.questions.get(key="training").mappings == {}


@pytest.mark.django_db
def test_a_version_from_a_file_without_standards_stores_none(questionnaire):
    assert questionnaire.standards == []
    assert [q.mappings for q in questionnaire.questions.all()] == [{}] * 6


@pytest.mark.django_db
def test_a_new_draft_copies_the_standards_and_the_mappings(crosswalk_text, staff):
    published = load_text(crosswalk_text, publish=True)
    draft = authoring.new_draft_from(published, staff)
    assert draft.standards == published.standards
    assert {q.key: q.mappings for q in draft.questions.all()} == {
        q.key: q.mappings for q in published.questions.all()
    }
    assert publish_problems(draft) == []


@pytest.mark.django_db
def test_publication_refuses_a_standard_stored_in_a_shape_the_file_cannot_hold(crosswalk_text):
    draft = load_text(crosswalk_text, publish=False)
    Questionnaire.objects.filter(pk=draft.pk).update(
        standards=[{"key": "iso-5230", "name": "ISO", "assess": "yes", "areas": [{"id": 3}]}]
    )
    draft.refresh_from_db()
    problems = publish_problems(draft)
    assert "Standard 'iso-5230': 'assess' must be true or false, not 'yes'" in problems
    assert "Standard 'iso-5230' area 1: 'id' must be text, not 3" in problems


# --- The rules ------------------------------------------------------------------------------------

AREAS_13 = [f"a-{n}" for n in range(1, 14)]


@pytest.mark.parametrize(
    "doc, expected",
    [
        (
            doc_with(iso(), mappings={"iso-5230": ["3.1.1", "3.9"]}),
            f"{FIRST}.mappings: 'iso-5230' lists '3.9', not an area of that standard "
            "(its areas: '3.1.1', '3.1.2')",
        ),
        (
            doc_with(iso(*AREAS_13), mappings={"iso-5230": ["x", "a-1", "y"]}),
            f"{FIRST}.mappings: 'iso-5230' lists 'x', 'y', not areas of that standard "
            "(13 areas, 'a-1' to 'a-13'; see standards[0])",
        ),
        (
            doc_with(iso(), mappings={f"model-{n}": ["1"] for n in range(21)}),
            f"{FIRST}.mappings: 21 keys; a question maps to at most 20 standards or models",
        ),
        (
            doc_with(mappings={"ggi": []}),
            f"{FIRST}.mappings: 'ggi' lists no references; list 1 to 50, or leave 'ggi' out",
        ),
        (
            doc_with(mappings={"ggi": [str(n) for n in range(51)]}),
            f"{FIRST}.mappings: 'ggi' lists 51 references; at most 50",
        ),
        (
            doc_with(mappings={"ggi": ["GGI-A-21", " "]}),
            f"{FIRST}.mappings: 'ggi': reference 2 is empty",
        ),
        (
            doc_with(mappings={"ggi": ["G" * 41]}),
            f"{FIRST}.mappings: 'ggi': reference '{'G' * 41}' has 41 characters; at most 40",
        ),
        (
            doc_with(mappings={"ggi": ["GGI-A-21", "GGI-A-21"]}),
            f"{FIRST}.mappings: 'ggi' lists 'GGI-A-21' 2 times; list each reference once",
        ),
        (
            doc_with(mappings={"GGI v1": ["GGI-A-21"]}),
            f"{FIRST}.mappings: key 'GGI v1' must be lowercase letters and digits joined by '-', "
            "e.g. 'iso-5230'",
        ),
        (
            doc_with(*(iso() for _ in range(21))),
            "standards: 21 standards; a questionnaire lists at most 20",
        ),
        (
            doc_with(iso(), iso()),
            "standards: key 'iso-5230' is used 2 times; each standard needs its own key",
        ),
        (
            doc_with(StandardDoc("iso-5230", "ISO", [])),
            f"{ISO}: has no areas; a standard lists 1 to 200",
        ),
        (
            doc_with(iso(*(str(n) for n in range(201)))),
            f"{ISO}: 201 areas; a standard lists at most 200",
        ),
        (
            doc_with(iso("3.1.1", "3.1.2", "3.1.1")),
            f"{ISO}.areas: area id '3.1.1' is used 2 times; each area needs its own id",
        ),
        (
            doc_with(iso("3.1.1", "")),
            f"{ISO}.areas[1]: 'id' is empty",
        ),
        (
            doc_with(iso("3.1.1", "9" * 41)),
            f"{ISO}.areas[1]: id '{'9' * 41}' has 41 characters; at most 40",
        ),
        (
            doc_with(iso(name="")),
            f"{ISO}: 'name' is empty",
        ),
        (
            doc_with(iso(name="N" * 201)),
            f"{ISO}: 'name' has 201 characters; at most 200 are kept",
        ),
        (
            doc_with(iso(description="D" * 2001)),
            f"{ISO}: 'description' has 2001 characters; at most 2000 are kept",
        ),
        (
            doc_with(iso(url="javascript:alert(1)")),
            f"{ISO}: URL 'javascript:alert(1)' must start with http:// or https:// "
            "(scheme 'javascript')",
        ),
        (
            doc_with(iso(area_name="A" * 61)),
            f"{ISO}.names: 'area' has 61 characters; at most 60 are kept",
        ),
        (
            doc_with(iso(assess=False, minimum=3)),
            f"{ISO}: minimum 3 is used only when the standard is assessed; leave it out, "
            "or leave 'assess' out",
        ),
        (
            doc_with(iso(minimum=5)),
            f"{ISO}: minimum 5 is not within the scale (0–4); leave it out to use "
            "scoring.core_minimum (2)",
        ),
        (
            doc_with(StandardDoc("ISO 5230", "ISO", [AreaDoc("1", "One")])),
            "standards[0] (key 'ISO 5230'): key 'ISO 5230' must be lowercase letters and digits "
            "joined by '-', e.g. 'open-source-policy'",
        ),
    ],
)
def test_each_crosswalk_rule_names_the_item_and_the_values(doc, expected):
    problems = in_file(doc)
    assert expected in problems, problems


def test_it_refuses_a_mapping_to_an_unknown_area():
    doc = doc_with(iso(), mappings={"iso-5230": ["3.1.1", "3.9", "4.1"]})
    assert in_file(doc) == [
        f"{FIRST}.mappings: 'iso-5230' lists '3.9', '4.1', not areas of that standard "
        "(its areas: '3.1.1', '3.1.2')"
    ]
    (problem,) = rules.problems(doc)
    assert problem.in_admin() == (
        "Question 'q-1' (section 'section-1') mappings: 'iso-5230' lists '3.9', '4.1', not areas "
        "of that standard (its areas: '3.1.1', '3.1.2')"
    )


def test_a_mapping_key_that_names_no_standard_is_a_free_reference():
    doc = doc_with(iso(), mappings={"iso-5230": ["3.1.1"], "ggi": ["GGI-A-21"], "lf": ["1"]})
    assert rules.problems(doc) == []
    doc.mapping_labels = {"ggi": "Good Governance Initiative"}
    assert rules.problems(doc) == []


def test_a_standard_not_assessed_still_checks_the_areas_it_is_mapped_to():
    doc = doc_with(iso(assess=False), mappings={"iso-5230": ["3.9"]})
    assert in_file(doc) == [
        f"{FIRST}.mappings: 'iso-5230' lists '3.9', not an area of that standard "
        "(its areas: '3.1.1', '3.1.2')"
    ]


def test_a_generated_questionnaire_with_a_crosswalk_breaks_no_rule():
    assert rules.problems(synthetic_document(40, crosswalk=True)) == []


# --- The file's shape -----------------------------------------------------------------------------


def test_it_asks_to_quote_an_area_id_written_as_a_number():
    text = _file(lambda d: d["standards"][0]["areas"][0].update(id=3))
    assert _refused(text) == [
        f"{ISO}.areas[0]: 'id' must be text, not the number 3; quote it as written, e.g. '3'"
    ]


def test_it_asks_to_quote_a_reference_written_as_a_number():
    def change(data):
        data["sections"][0]["questions"][0]["mappings"] = {"linux-foundation": [1]}

    assert _refused(_file(change)) == [
        f"{FIRST}.mappings: reference 1 of 'linux-foundation' must be text, not the number 1; "
        "quote it as written, e.g. '1'"
    ]


def test_it_refuses_mappings_that_are_not_lists_of_references():
    def change(data):
        data["sections"][0]["questions"][0]["mappings"] = {"iso-5230": "3.1.1"}

    assert _refused(_file(change)) == [
        f"{FIRST}.mappings: 'iso-5230' must be a list of references, not str '3.1.1'"
    ]

    def not_a_mapping(data):
        data["sections"][0]["questions"][0]["mappings"] = ["3.1.1"]

    assert _refused(_file(not_a_mapping)) == [
        f"{FIRST}.mappings: must map standard or model keys to lists of references, "
        "e.g. iso-5230: ['3.1.1']"
    ]


def test_it_refuses_unknown_fields_of_a_standard_and_missing_areas():
    def change(data):
        data["standards"][0]["colour"] = "blue"
        del data["standards"][0]["areas"]

    assert _refused(_file(change)) == [
        f"{ISO}: unknown field 'colour'",
        f"{ISO}: 'areas' is missing",
    ]


def test_it_refuses_an_unknown_area_when_loading_the_file():
    def change(data):
        data["sections"][0]["questions"][0]["mappings"] = {"iso-5230": ["3.9"]}

    assert _refused(_file(change)) == [
        f"{FIRST}.mappings: 'iso-5230' lists '3.9', not an area of that standard "
        "(its areas: '3.1.1', '3.1.2')"
    ]


# --- The admin ------------------------------------------------------------------------------------


def _form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()  # JSON fields: already their text
        data[form.add_prefix(name)] = "" if value is None else value
    return data


@pytest.mark.django_db
def test_the_admin_edits_a_mapping_and_publication_refuses_an_unknown_area(
    client, staff, crosswalk_text
):
    draft = authoring.new_draft_from(load_text(crosswalk_text, publish=True), staff)
    question = draft.questions.get(key="policy")
    url = reverse("admin:assessments_question_change", args=[question.pk])
    client.force_login(staff)
    page = client.get(url)
    data = _form_data(page.context["adminform"].form)
    assert "3.1.2" in data["mappings"]
    data.update(
        mappings='{"iso-5230": ["3.1.1", "9.9"], "ggi": ["GGI-A-1"]}',
        **{"options-TOTAL_FORMS": "0", "options-INITIAL_FORMS": "0"},
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert question.mappings == {"iso-5230": ["3.1.1", "9.9"], "ggi": ["GGI-A-1"]}

    message = (
        "Question 'policy' (section 'program') mappings: 'iso-5230' lists '9.9', not an area "
        "of that standard (its areas: '3.1.1', '3.1.2', '3.3.1')"
    )
    with pytest.raises(ValidationError) as raised:
        authoring.publish(draft, staff)
    assert raised.value.messages == [message]
    draft.refresh_from_db()
    assert draft.is_draft


@pytest.mark.django_db
def test_the_admin_refuses_a_mapping_of_the_wrong_shape(client, staff, crosswalk_text):
    draft = authoring.new_draft_from(load_text(crosswalk_text, publish=True), staff)
    question = draft.questions.get(key="policy")
    url = reverse("admin:assessments_question_change", args=[question.pk])
    client.force_login(staff)
    data = _form_data(client.get(url).context["adminform"].form)
    data.update(
        mappings='{"iso-5230": "3.1.1"}',
        **{"options-TOTAL_FORMS": "0", "options-INITIAL_FORMS": "0"},
    )
    page = client.post(url, data)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["mappings"] == [
        "'iso-5230' must be a list of references, not '3.1.1'"
    ]


@pytest.mark.django_db
def test_the_admin_edits_the_standards_of_a_version_with_the_defaults_filled_in(
    client, staff, crosswalk_text
):
    draft = authoring.new_draft_from(load_text(crosswalk_text, publish=True), staff)
    url = reverse("admin:assessments_questionnaire_change", args=[draft.pk])
    client.force_login(staff)
    page = client.get(url)
    assert "Requirement areas" in page.content.decode()
    data = _form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    data = {k: v for k, v in data.items() if v is not False}
    data["standards"] = (
        '[{"key": "iso-5230", "name": "ISO/IEC 5230", "areas": '
        '[{"id": "3.1.1", "name": "Policy"}, {"id": "3.1.2", "name": "Competence"}, '
        '{"id": "3.3.1", "name": "Bill of materials"}]}]'
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.standards == [
        {
            "key": "iso-5230",
            "name": "ISO/IEC 5230",
            "description": "",
            "url": "",
            "assess": True,
            "minimum": None,
            "area_name": "Area",
            "areas_name": "Areas",
            "areas": [
                {"id": "3.1.1", "name": "Policy", "description": ""},
                {"id": "3.1.2", "name": "Competence", "description": ""},
                {"id": "3.3.1", "name": "Bill of materials", "description": ""},
            ],
        }
    ]
    # The release question still maps to the standard that is gone: a free reference now.
    assert publish_problems(draft) == []

    data["standards"] = '[{"key": "iso-5230", "name": "ISO", "areas": [{"id": 3}]}]'
    page = client.post(url, data)
    assert page.status_code == 200
    assert page.context["adminform"].form.errors["standards"] == [
        "Standard 'iso-5230' area 1: 'id' must be text, not 3"
    ]
