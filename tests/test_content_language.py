"""A questionnaire version's texts in the reader's language (assessments/content_language.py)."""

import pytest
import yaml
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import translation

from assessments.content_language import source_texts, translated
from assessments.evaluation import evaluate
from assessments.models import Assessment, Question, Questionnaire
from assessments.questionnaire_file.document import DocumentError, parse_document
from assessments.questionnaire_file.store import export_text
from tests.conftest import FIXTURES
from tests.questionnaires import load_text

TRANSLATED = FIXTURES / "translated.yaml"


@pytest.fixture
def translated_version(db) -> Questionnaire:
    return load_text(TRANSLATED.read_text(encoding="utf-8"), publish=True)


def first_question(version: Questionnaire) -> Question:
    return version.questions.order_by("order").first()


def test_it_reads_each_text_in_the_active_language(translated_version):
    question = first_question(translated_version)
    source = question.__dict__["text"]
    assert question.text == source
    with translation.override("fr"):
        assert question.text == "FR: " + source
        assert question.section.title == "Section basics"
        assert translated_version.title == "Les bases de l'open source"
    with translation.override("de"):
        assert question.text == "DE: " + source
        assert question.stage.name.startswith("Stufe ")


def test_a_missing_translation_falls_back_to_the_source_text(translated_version):
    question = first_question(translated_version)
    with translation.override("es"):  # no Spanish at all
        assert question.text == question.__dict__["text"]
    with translation.override("de"):  # German gives no recommendation
        assert question.recommendation == question.__dict__["recommendation"]
        assert translated_version.title == "Open-Source-Grundlagen"
    with translation.override("fr"):  # French gives no description
        assert translated_version.description == translated_version.__dict__["description"]


def test_the_version_names_its_levels_in_the_readers_language(translated_version):
    with translation.override("fr"):
        names = translated_version.axis_names
        assert (names.stage, names.stages) == ("Niveau", "Niveaux")
        assert names.mapping_label("lf") == "Modèle de la Linux Foundation"
    with translation.override("de"):
        names = translated_version.axis_names
        assert names.stage == "Reifestufe"
        # German nouns keep their capital in the middle of a sentence.
        assert names.stage_lower == "Reifestufe"
        assert names.mapping_label("lf") == "Linux Foundation model"


def test_saving_and_forms_see_the_source_text_whatever_the_language(db, mini_text):
    draft = load_text(mini_text.replace("key: mini", "key: draft-mini", 1), publish=False)
    question = first_question(draft)
    source = question.__dict__["text"]
    question.translations = {"fr": {"text": "Texte français"}}
    question.save()
    with translation.override("fr"):
        assert question.text == "Texte français"
        assert model_to_dict(question)["text"] == source
        question.weight = 3
        question.save()  # while French is active: the source stays the source
        with source_texts():
            assert question.text == source
    question.refresh_from_db()
    assert question.__dict__["text"] == source
    assert question.weight == 3


def test_a_file_with_translations_round_trips_byte_for_byte(translated_version):
    text = TRANSLATED.read_text(encoding="utf-8")
    with translation.override("fr"):  # the reader's language never reaches the file
        assert export_text(translated_version) == text


def test_the_default_questionnaire_round_trips_with_its_translations(db):
    from assessments.demo import DEFAULT_FILE, ensure_default_questionnaire

    text = DEFAULT_FILE.read_text(encoding="utf-8")
    assert export_text(ensure_default_questionnaire()) == text
    assert set(yaml.safe_load(text)["translations"]) == {"fr", "de", "es"}


def with_translations(text: str, translations: dict) -> str:
    data = yaml.safe_load(text)
    data["sections"][0]["questions"][0]["translations"] = translations
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize(
    ("translations", "problem"),
    [
        ({"en": {"text": "Same language"}}, "the questionnaire's own language"),
        ({"français": {"text": "Texte"}}, "is not a language tag"),
        ({"fr": {"question": "Texte"}}, "unknown field 'question'"),
        ({"fr": {"text": ""}}, "'text' must be text, not empty"),
        ({"fr": {"text": 3}}, "'text' must be text"),
        ({"fr": "Texte"}, "'translations' must map languages"),
    ],
)
def test_it_refuses_a_broken_translation_and_names_it(mini_text, translations, problem):
    with pytest.raises(DocumentError) as error:
        parse_document(with_translations(mini_text, translations))
    found = "\n".join(error.value.problems)
    assert problem in found
    assert "questions[0] (key 'inventory')" in found


def test_it_refuses_a_translated_label_longer_than_a_label_may_be(mini_text):
    data = yaml.safe_load(mini_text)
    data["scale"][0]["translations"] = {"de": {"label": "x" * 201}}
    with pytest.raises(DocumentError) as error:
        parse_document(yaml.safe_dump(data, sort_keys=False))
    assert "'label' is 201 characters long; at most 200" in "\n".join(error.value.problems)


def test_rows_read_with_values_take_their_translation(translated_version):
    row = translated_version.questions.values("text", "translations").first()
    with translation.override("fr"):
        assert translated(row["text"], row["translations"], "text").startswith("FR: ")
    with translation.override("fr-ca"):  # a regional variant reads its language's text
        assert translated(row["text"], row["translations"], "text").startswith("FR: ")


def test_an_assessment_answered_in_two_languages_scores_the_same_in_both(
    client, owner, colleague, organization, translated_version
):
    assessment = Assessment.objects.create(
        organization=organization, questionnaire=translated_version, title="Two languages"
    )
    questions = list(translated_version.questions.order_by("order").prefetch_related("options"))
    people = [(owner, "fr"), (colleague, "de")]
    for index, question in enumerate(questions):
        person, language = people[index % 2]
        client.force_login(person)
        client.post(reverse("choose_language"), {"language": language, "next": "/"})
        options = list(question.options.order_by("score"))
        option = options[(index + 1) % len(options)]
        url = reverse(
            "assessments:answer_save", args=[organization.slug, assessment.pk, question.pk]
        )
        response = client.post(url, {f"q-{question.pk}-choice": option.pk}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200, response.content[:300]
    answers = list(assessment.answers.values_list("question__key", "option__score"))
    assert len(answers) == len(questions)

    results = {}
    for person, language in people:
        client.force_login(person)
        client.post(reverse("choose_language"), {"language": language, "next": "/"})
        page = client.get(reverse("assessments:results", args=[organization.slug, assessment.pk]))
        assert page.status_code == 200
        with translation.override(language):
            result = evaluate(assessment)
        results[language] = (
            result.overall.stage,
            round(result.overall.score, 6),
            sorted((s.key, s.stage, s.score) for s in result.layers.values()),
        )
        html = page.content.decode()
        assert f'lang="{language}"' in html
        assert {"fr": "Niveau", "de": "Reifestufe"}[language] in html
    assert results["fr"] == results["de"]
