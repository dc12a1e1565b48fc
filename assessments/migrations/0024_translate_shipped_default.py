"""Give the default questionnaire's version 2, where an installation loaded it before it carried
translations, its French, German and Spanish texts from the shipped file.

Only where every source text still reads as shipped: a version edited since (it cannot be once
published, but a restored database may differ) keeps what it has. Published versions are
otherwise never changed; this adds only the words of other languages, not a score or a rule.
"""

from pathlib import Path

import yaml
from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "questionnaires" / "ospo-maturity-v2.yaml"

# file field -> row attribute, as assessments/questionnaire_file/translations.py has them
_ATTRIBUTE = {"help": "help_text"}
_NAMES = ("stage", "stages", "layer", "layers", "pillar", "pillars")


def _stored(translations: dict, *, questionnaire: bool = False, question: bool = False) -> dict:
    out = {}
    for language, texts in translations.items():
        entry = {}
        for name, value in texts.items():
            if questionnaire and name == "names":
                entry |= {f"{key}_name": text for key, text in value.items() if key in _NAMES}
            elif question:
                entry[_ATTRIBUTE.get(name, name)] = value
            else:
                entry[name] = value
        out[language] = entry
    return out


def _same(row, data: dict, fields: dict) -> bool:
    return all(
        getattr(row, attribute) == (data.get(name) or "") for name, attribute in fields.items()
    )


def translate(apps, schema_editor):
    Questionnaire = apps.get_model("assessments", "Questionnaire")
    version = Questionnaire.objects.filter(key="ospo-maturity", version=2).first()
    if version is None or version.translations or not SHIPPED.is_file():
        return
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    if not _same(version, data, {"title": "title", "description": "description"}):
        return
    changed: dict[str, list] = {}

    def give(model_name: str, row, item: dict, fields: dict, **kind) -> None:
        if item.get("translations") and _same(row, item, fields):
            row.translations = _stored(item["translations"], **kind)
            changed.setdefault(model_name, []).append(row)

    give("Questionnaire", version, data, {"title": "title"}, questionnaire=True)
    scale = {s["score"]: s for s in data["scale"]}
    for row in apps.get_model("assessments", "ScaleLevel").objects.filter(questionnaire=version):
        if row.score in scale:
            give("ScaleLevel", row, scale[row.score], {"label": "label"})
    for model_name, list_name in (("Stage", "stages"), ("Layer", "layers"), ("Pillar", "pillars")):
        items = {t["key"]: t for t in data.get(list_name, [])}
        for row in apps.get_model("assessments", model_name).objects.filter(questionnaire=version):
            if row.key in items:
                give(model_name, row, items[row.key], {"name": "name"})
    sections = {s["key"]: s for s in data["sections"]}
    questions = {q["key"]: q for s in data["sections"] for q in s["questions"]}
    for row in apps.get_model("assessments", "Section").objects.filter(questionnaire=version):
        if row.key in sections:
            give("Section", row, sections[row.key], {"title": "title"})
    for row in apps.get_model("assessments", "Question").objects.filter(questionnaire=version):
        if row.key in questions:
            give("Question", row, questions[row.key], {"text": "text"}, question=True)
    options = apps.get_model("assessments", "AnswerOption").objects.filter(
        question__questionnaire=version
    )
    for row in options.select_related("question").order_by("question_id", "order", "score"):
        question = questions.get(row.question.key)
        if question is None:
            continue
        # A question without options of its own offers the scale's, with the scale's words.
        listed = question.get("options") or [scale[s] for s in sorted(scale)]
        item = next((o for i, o in enumerate(listed) if i == row.order), None)
        if item is not None:
            give("AnswerOption", row, item, {"label": "label"})
    for model_name, rows in changed.items():
        apps.get_model("assessments", model_name).objects.bulk_update(rows, ["translations"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0023_account_settings")]

    operations = [migrations.RunPython(translate, migrations.RunPython.noop)]
