"""What stops a stored version from being published: the rules, applied to what is stored.

The rules themselves are `questionnaire_file.rules`, the same ones a file is loaded under; here
the stored version is read into the same plain `QuestionnaireDoc` first. A few checks only exist
here, because a file cannot express what they catch: stage levels stored with gaps, a question
pointing to a stage, layer, pillar or section of another version (both only reachable by writing
rows past the admin's forms), and standards or crosswalks stored in a shape the file cannot hold
(their JSON columns, checked by the admin's forms too). Everything runs a fixed number of queries.
"""

from __future__ import annotations

from collections import defaultdict

from assessments.evaluation import model_spec
from assessments.models import Layer, Pillar, Question, Questionnaire, Section, Stage
from assessments.questionnaire_file import rules
from assessments.questionnaire_file.document import DocumentError, dump_document, parse_document
from assessments.questionnaire_file.store import read_document, read_mappings, read_standards
from assessments.scoring import assess

#: The parts of a version a question points to, by the name of its foreign key.
_PLACEMENTS = {"section": Section, "stage": Stage, "pillar": Pillar, "layer": Layer}


def publish_problems(questionnaire: Questionnaire) -> list[str]:
    """Everything that stops `questionnaire` from being published, each naming the item.

    An empty list means the version can be published: it follows every rule a file is loaded
    under, so it also exports to a file that loads as published, and it scores.
    """
    problems = _status_problems(questionnaire) + _storage_problems(questionnaire)
    problems += [problem.in_admin() for problem in rules.problems(read_document(questionnaire))]
    return problems or _safety_net_problems(questionnaire)


def question_problems(question: Question) -> list[str]:
    """The publication problems that name `question` (to warn an author right after a save)."""
    prefix = f"Question '{question.key}' "
    return [p for p in publish_problems(question.questionnaire) if p.startswith(prefix)]


def _status_problems(q: Questionnaire) -> list[str]:
    if q.is_draft:
        return []
    return [
        f"Questionnaire '{q.key}' version {q.version}: is {q.get_status_display().lower()}; "
        "only a draft can be published"
    ]


def _storage_problems(q: Questionnaire) -> list[str]:
    problems = []
    levels = list(q.stages.order_by("level").values_list("level", flat=True))
    if levels != list(range(len(levels))):
        problems.append(
            f"Stages: levels {', '.join(str(level) for level in levels)} must run 0, 1, 2… "
            "without gaps, lowest first"
        )
    own = {
        name: set(model.objects.filter(questionnaire=q).values_list("pk", flat=True))
        for name, model in _PLACEMENTS.items()
    }
    rows = list(
        Question.objects.filter(questionnaire=q)
        .order_by("order", "pk")
        .values("key", "section__key", "mappings", *(f"{name}_id" for name in _PLACEMENTS))
    )
    # The JSON columns edited as JSON in the admin: what the file could not say is named here.
    problems += read_standards(q.standards)[1]
    for row in rows:
        problems += [
            f"Question '{row['key']}' (section '{row['section__key']}') mappings: {problem}"
            for problem in read_mappings(row["mappings"])[1]
        ]
    # Only the layer may be empty: the question is for every layer.
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        for name in _PLACEMENTS:
            item_id = row[f"{name}_id"]
            if item_id is not None and item_id not in own[name]:
                wanted[name].add(item_id)
    if not wanted:
        return problems
    foreign = {
        (name, pk): (key, version)
        for name, ids in wanted.items()
        for pk, key, version in _PLACEMENTS[name]
        .objects.filter(pk__in=ids)
        .values_list("pk", "key", "questionnaire__version")
    }
    for row in rows:
        for name in _PLACEMENTS:
            item_id = row[f"{name}_id"]
            if (name, item_id) in foreign:
                key, version = foreign[(name, item_id)]
                problems.append(
                    f"Question '{row['key']}' (section '{row['section__key']}'): its {name} "
                    f"'{key}' belongs to version {version}, not to this version {q.version}"
                )
    return problems


def _safety_net_problems(questionnaire: Questionnaire) -> list[str]:
    """Once the rules pass: the version must export to a file that loads again, and the scoring
    engine must accept it. Neither should ever fail; if one does, a rule is missing."""
    problems = []
    try:
        parse_document(dump_document(read_document(questionnaire)))
    except DocumentError as exc:
        problems.extend(f"Questionnaire file: {problem}" for problem in exc.problems)
    try:
        assess(model_spec(questionnaire), [])
    except ValueError as exc:
        problems.append(f"Scoring: {exc}")
    return problems
