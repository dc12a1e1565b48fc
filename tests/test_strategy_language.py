"""A strategy has a document language: its template, generated text, PDF, Word file and Markdown
are written in it, whatever the language of the person reading the builder."""

import io

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from docx import Document

from assessments.demo import DEMO_USERNAME, setup_demo
from strategy.document import document_context
from strategy.docx_export import strategy_docx
from strategy.guidance import HERE as GUIDANCE_DIR
from strategy.markdown_export import strategy_markdown
from strategy.models import Strategy
from strategy.pdf import document_html

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    return setup_demo()


@pytest.fixture
def demo_user(demo):
    return get_user_model().objects.get(username=DEMO_USERNAME)


def test_it_is_written_in_the_language_chosen_at_creation(demo, demo_user):
    strategy = Strategy.objects.create_from_assessment(
        demo.assessment, demo_user, "Stratégie 2027", language="fr"
    )
    assert strategy.language == "fr"
    titles = list(strategy.sections.order_by("order").values_list("title", flat=True))
    assert titles[:2] == ["Synthèse", "Périmètre"]


def test_it_takes_the_creators_language_by_default(demo, demo_user):
    with translation.override("de"):
        strategy = Strategy.objects.create_from_assessment(demo.assessment, demo_user, "Plan")
    assert strategy.language == "de"
    with translation.override("pt"):  # not offered: the site's default
        other = Strategy.objects.create_from_assessment(demo.assessment, demo_user, "Plano")
    assert other.language == "en"


def test_the_documents_are_in_its_language_whoever_reads(demo, demo_user):
    strategy = Strategy.objects.create_from_assessment(
        demo.assessment, demo_user, "Strategie", language="de"
    )
    with translation.override("es"):
        html = document_html(document_context(strategy))
        markdown = strategy_markdown(strategy)
        word = Document(io.BytesIO(strategy_docx(strategy)))
    assert '<html lang="de">' in html
    assert "Open-Source-Strategie" in html
    assert "Geltungsbereich" in markdown or "Umfang" in markdown
    # The questionnaire's own words, in the document's language.
    assert "Sicherheit, Bildung und Strategie" in html
    assert word.core_properties.language == "de"
    assert "Open-Source-Strategie" in word.core_properties.subject


def test_changing_the_language_moves_the_template_headings_not_what_people_wrote(
    client, demo, demo_user
):
    strategy = Strategy.objects.create_from_assessment(
        demo.assessment, demo_user, "Strategy", language="en"
    )
    scope = strategy.sections.get(key="scope")
    scope.title = "What this covers"
    scope.save()
    why = strategy.sections.get(key="why")
    why.save_body("We serve the region.", why.version, demo_user)
    client.force_login(demo_user)
    url = reverse("strategy:language", args=[demo.organization.slug, strategy.pk])
    response = client.post(url, {"language": "es"}, follow=True)
    assert response.status_code == 200
    strategy.refresh_from_db()
    assert strategy.language == "es"
    titles = dict(strategy.sections.values_list("key", "title"))
    assert titles["scope"] == "What this covers"  # renamed by a person: kept
    assert titles["summary"] != "Executive summary"
    assert strategy.sections.get(key="why").body == "We serve the region."


def test_it_refuses_a_document_language_it_does_not_offer(client, demo, demo_user):
    strategy = Strategy.objects.create_from_assessment(demo.assessment, demo_user, "Strategy")
    client.force_login(demo_user)
    url = reverse("strategy:language", args=[demo.organization.slug, strategy.pk])
    response = client.post(url, {"language": "tlh"})
    assert response.status_code == 400
    strategy.refresh_from_db()
    assert strategy.language == "en"


def test_it_answers_404_to_another_organization(client, outsider, demo, demo_user):
    strategy = Strategy.objects.create_from_assessment(demo.assessment, demo_user, "Strategy")
    client.force_login(outsider)
    url = reverse("strategy:language", args=[demo.organization.slug, strategy.pk])
    assert client.post(url, {"language": "fr"}).status_code == 404


def keys_of(data):
    """The guidance's shape: every key and non-text value, and the placeholders of each text."""
    import re

    if isinstance(data, dict):
        return {
            k: (v if k in ("key", "format", "version", "generated", "axis") else keys_of(v))
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [keys_of(item) for item in data]
    if isinstance(data, str):
        return sorted(re.findall(r"\{[a-z_]+\}", data))
    return data


@pytest.mark.parametrize("language", ["fr", "de", "es"])
def test_each_translated_guidance_keeps_every_section_question_and_placeholder(language):
    english = yaml.safe_load((GUIDANCE_DIR / "default.yaml").read_text(encoding="utf-8"))
    path = GUIDANCE_DIR / f"default.{language}.yaml"
    translated = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert keys_of(translated) == keys_of(english)
    texts = [q for s in translated["sections"] for q in s.get("questions") or []]
    english_texts = [q for s in english["sections"] for q in s.get("questions") or []]
    assert not set(texts) & set(english_texts), "a guiding question left in English"
