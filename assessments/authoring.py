"""Authoring questionnaire versions: copy a version into a new draft, check it, publish it, import
a questionnaire file as a draft, and gather the audit trail of a version.

Nothing here knows about HTTP; the admin (assessments/admin.py) calls these functions. Every state
change is written to Django's admin log (`LogEntry`) with a plain change message, so the admin's
history pages and the "Changes to this version" list show it next to ordinary admin edits.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

from assessments.evaluation import model_spec
from assessments.models import (
    AnswerOption,
    Layer,
    Pillar,
    Question,
    Questionnaire,
    ScaleLevel,
    Section,
    Stage,
)
from assessments.questionnaire_file.document import (
    KEY_PATTERN,
    MAX_WEIGHT,
    DocumentError,
    dump_document,
    parse_document,
)
from assessments.questionnaire_file.store import read_document, save_document
from assessments.scoring import assess

#: The models that make up a questionnaire version, with the lookup from each to its version.
PART_MODELS: tuple[tuple[type, str], ...] = (
    (ScaleLevel, "questionnaire"),
    (Stage, "questionnaire"),
    (Layer, "questionnaire"),
    (Pillar, "questionnaire"),
    (Section, "questionnaire"),
    (Question, "questionnaire"),
    (AnswerOption, "question__questionnaire"),
)


def _log(user, obj, action_flag: int, message: str) -> None:
    if user is None or user.pk is None:
        return
    LogEntry.objects.log_actions(
        user_id=user.pk, queryset=[obj], action_flag=action_flag, change_message=message
    )


def next_version(key: str) -> int:
    """The version number after the highest one of `key` (1 for a new key)."""
    versions = list(
        Questionnaire.objects.select_for_update().filter(key=key).values_list("version", flat=True)
    )
    return max(versions, default=0) + 1


@transaction.atomic
def new_draft_from(questionnaire: Questionnaire, user) -> Questionnaire:
    """Copy `questionnaire` whole (taxonomy, scale, sections, questions, options) as a new draft.

    The copy gets the next version number of the same key and changes nothing else.
    """
    doc = read_document(questionnaire)
    doc.version = next_version(questionnaire.key)
    draft = save_document(doc, publish=False)
    _log(
        user,
        draft,
        ADDITION,
        f"Created as a new draft from version {questionnaire.version} "
        f"({questionnaire.get_status_display().lower()}).",
    )
    return draft


@transaction.atomic
def import_draft(text: str, user, *, source: str = "") -> Questionnaire:
    """Load a questionnaire file as a new draft version; all or nothing.

    Whatever the file says about its status, the result is a draft. When the file's key and
    version already exist, it is loaded as the next version of that key. A file with problems
    raises `DocumentError` listing all of them, and nothing is written.
    """
    doc = parse_document(text)
    stated = doc.version
    if Questionnaire.objects.filter(key=doc.key, version=doc.version).exists():
        doc.version = next_version(doc.key)
    draft = save_document(doc, publish=False)
    message = "Imported" + (f" from the file {source!r}" if source else " from a file")
    message += f" as draft version {draft.version}"
    if stated != draft.version:
        message += f" (the file said version {stated}, which already exists)"
    _log(user, draft, ADDITION, message + ".")
    return draft


# --- Checks before publication ------------------------------------------------------------------


#: A row of `.values()`: the checks read plain data, loaded once, so they run a fixed number of
#: queries however many problems there are.
_Row = dict[str, Any]

#: The parts of a version a question points to, by the name of its foreign key.
_PLACEMENTS = ("section", "stage", "pillar", "layer")

_KEY_RULE = "key must be lowercase letters and digits joined by '-'"


@dataclass(frozen=True)
class _VersionContent:
    """What the publication checks read of a version."""

    questionnaire: Questionnaire
    scale: list[int]  # the scores of the scale levels, lowest first
    stages: list[_Row]
    layers: list[_Row]
    pillars: list[_Row]
    sections: list[_Row]
    questions: list[_Row]
    option_scores: dict[int, list[int]]  # by question pk
    #: The keys of this version's own parts, by placement name and pk.
    own: dict[str, dict[int, str]]
    #: (key, version) of other versions' parts that questions point to (usually none).
    foreign: dict[tuple[str, int], tuple[str, int]]


def _load_content(questionnaire: Questionnaire) -> _VersionContent:
    q = questionnaire
    scale = sorted(q.scale_levels.values_list("score", flat=True))
    stages = list(q.stages.order_by("level").values("pk", "key", "level", "threshold"))
    layers = list(q.layers.order_by("order").values("pk", "key"))
    pillars = list(q.pillars.order_by("order").values("pk", "key"))
    sections = list(q.sections.order_by("order").values("pk", "key", "title"))
    questions = list(
        Question.objects.filter(questionnaire=q)
        .order_by("order", "pk")
        .values(
            "pk",
            "key",
            "text",
            "weight",
            "is_core",
            "section_id",
            "stage_id",
            "pillar_id",
            "layer_id",
        )
    )
    option_scores: dict[int, list[int]] = defaultdict(list)
    for question_id, score in AnswerOption.objects.filter(question__questionnaire=q).values_list(
        "question_id", "score"
    ):
        option_scores[question_id].append(score)
    own = {
        "section": {s["pk"]: s["key"] for s in sections},
        "stage": {s["pk"]: s["key"] for s in stages},
        "pillar": {p["pk"]: p["key"] for p in pillars},
        "layer": {x["pk"]: x["key"] for x in layers},
    }
    return _VersionContent(
        questionnaire=q,
        scale=scale,
        stages=stages,
        layers=layers,
        pillars=pillars,
        sections=sections,
        questions=questions,
        option_scores=option_scores,
        own=own,
        foreign=_foreign_items(questions, own),
    )


def _foreign_items(
    questions: list[_Row], own: dict[str, dict[int, str]]
) -> dict[tuple[str, int], tuple[str, int]]:
    """Names of the sections, stages… of other versions that questions point to (usually none)."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for row in questions:
        for name in own:
            item_id = row[f"{name}_id"]
            if item_id is not None and item_id not in own[name]:
                wanted[name].add(item_id)
    models = {"section": Section, "stage": Stage, "pillar": Pillar, "layer": Layer}
    names: dict[tuple[str, int], tuple[str, int]] = {}
    for name, ids in wanted.items():
        for pk, key, version in (
            models[name]
            .objects.filter(pk__in=ids)
            .values_list("pk", "key", "questionnaire__version")
        ):
            names[(name, pk)] = (key, version)
    return names


def _bad_key(key: str) -> bool:
    return not KEY_PATTERN.match(key or "")


def _key_rule_problems(label: str, keys: list[str]) -> list[str]:
    problems = [f"{label} '{key}': {_KEY_RULE}" for key in keys if _bad_key(key)]
    for key, n in sorted(Counter(keys).items()):
        if n > 1:
            problems.append(f"{label} '{key}': the key is used {n} times; keys must be unique")
    return problems


def _questionnaire_problems(content: _VersionContent) -> list[str]:
    q = content.questionnaire
    problems = []
    if not q.is_draft:
        problems.append(
            f"Questionnaire '{q.key}' version {q.version}: is {q.get_status_display().lower()}, "
            "only a draft can be published"
        )
    if _bad_key(q.key):
        problems.append(f"Questionnaire '{q.key}': {_KEY_RULE}")
    if not 1 <= q.threshold <= 100:
        problems.append(
            f"Questionnaire '{q.key}': threshold must be between 1 and 100, not {q.threshold}"
        )
    return problems


def _scale_problems(content: _VersionContent) -> list[str]:
    q, scale = content.questionnaire, content.scale
    problems = []
    if len(scale) < 2:
        problems.append("Scale: needs at least two levels")
    if scale and scale[0] != 0:
        problems.append(f"Scale: the lowest score must be 0, not {scale[0]}")
    if len(set(scale)) != len(scale):
        problems.append("Scale: scores must be distinct")
    if scale and not scale[0] <= q.core_minimum <= scale[-1]:
        problems.append(
            f"Questionnaire '{q.key}': core minimum must be within the scale "
            f"({scale[0]}–{scale[-1]}), not {q.core_minimum}"
        )
    return problems


def _taxonomy_problems(content: _VersionContent) -> list[str]:
    stages = content.stages
    problems = []
    if len(stages) < 2:
        problems.append("Stages: a questionnaire needs at least two stages")
    if not content.layers:
        problems.append("Layers: a questionnaire needs at least one layer")
    if not content.pillars:
        problems.append("Pillars: a questionnaire needs at least one pillar")
    if not content.sections:
        problems.append("Sections: a questionnaire needs at least one section")
    levels = [s["level"] for s in stages]
    if levels != list(range(len(stages))):
        problems.append(
            "Stages: levels must run 0, 1, 2… without gaps, lowest first "
            f"(found {', '.join(str(level) for level in levels)})"
        )
    for stage in stages:
        if stage["threshold"] is not None and not 1 <= stage["threshold"] <= 100:
            problems.append(
                f"Stage '{stage['key']}': threshold must be between 1 and 100, "
                f"not {stage['threshold']}"
            )
    return problems


def _key_problems(content: _VersionContent) -> list[str]:
    return [
        problem
        for label, items in (
            ("Stage", content.stages),
            ("Layer", content.layers),
            ("Pillar", content.pillars),
            ("Section", content.sections),
            ("Question", content.questions),
        )
        for problem in _key_rule_problems(label, [item["key"] for item in items])
    ]


def _foreign_placement_problems(content: _VersionContent, row: _Row, where: str) -> list[str]:
    problems = []
    for name in _PLACEMENTS:
        item_id = row[f"{name}_id"]
        # Only the layer may be empty: the question is for every layer.
        if item_id is None or item_id in content.own[name]:
            continue
        key, version = content.foreign.get((name, item_id), (str(item_id), "?"))
        problems.append(
            f"{where}: its {name} '{key}' belongs to version {version}, not to this version"
        )
    return problems


def _text_and_weight_problems(row: _Row, where: str) -> list[str]:
    problems = []
    if not (row["text"] or "").strip():
        problems.append(f"{where}: has no question text")
    if not 0 < row["weight"] <= MAX_WEIGHT:
        problems.append(
            f"{where}: weight must be above 0 and at most {MAX_WEIGHT}, not {row['weight']}"
        )
    return problems


def _option_problems(scale: list[int], scores: list[int], where: str) -> list[str]:
    if not scores:
        return [f"{where}: has no answer options"]
    problems = []
    duplicates = sorted(score for score, n in Counter(scores).items() if n > 1)
    if duplicates:
        problems.append(
            f"{where}: several options have the score "
            f"{', '.join(str(d) for d in duplicates)}; scores must be distinct"
        )
    outside = sorted(set(scores) - set(scale))
    if scale and outside:
        problems.append(
            f"{where}: option score {', '.join(str(s) for s in outside)} is not a score of "
            f"the scale ({', '.join(str(s) for s in scale)})"
        )
    if scale and not {scale[0], scale[-1]} <= set(scores):
        problems.append(
            f"{where}: options must include the scale's lowest ({scale[0]}) and highest "
            f"({scale[-1]}) score"
        )
    if len(scores) < 2:
        problems.append(f"{where}: needs at least two answer options")
    return problems


def _each_question_problems(content: _VersionContent) -> list[str]:
    """Each question's problems, question by question."""
    problems = []
    for row in content.questions:
        section_key = (
            content.own["section"].get(row["section_id"])
            or content.foreign.get(("section", row["section_id"]), ("?", 0))[0]
        )
        where = f"Question '{row['key']}' (section '{section_key}')"
        problems += _foreign_placement_problems(content, row, where)
        problems += _text_and_weight_problems(row, where)
        problems += _option_problems(content.scale, content.option_scores.get(row["pk"], []), where)
    return problems


def _empty_part_problems(content: _VersionContent) -> list[str]:
    """Stages, layers, pillars and sections no question of this version is placed in."""
    used = {
        name: {row[f"{name}_id"] for row in content.questions} & content.own[name].keys()
        for name in _PLACEMENTS
    }
    # A question without a layer is for every layer, so it fills them all.
    all_layers = any(row["layer_id"] is None for row in content.questions)
    problems = []
    for name, label, items in (
        ("stage", "Stage", content.stages),
        ("layer", "Layer", content.layers),
        ("pillar", "Pillar", content.pillars),
        ("section", "Section", content.sections),
    ):
        for item in items:
            if item["pk"] in used[name] or (name == "layer" and all_layers):
                continue
            problems.append(f"{label} '{item['key']}': has no questions")
    return problems


#: The checks before publication, in the order their problems are listed.
_PUBLISH_CHECKS: tuple[Callable[[_VersionContent], list[str]], ...] = (
    _questionnaire_problems,
    _scale_problems,
    _taxonomy_problems,
    _key_problems,
    _each_question_problems,
    _empty_part_problems,
)


def publish_problems(questionnaire: Questionnaire) -> list[str]:
    """Everything that stops `questionnaire` from being published, each naming the item.

    An empty list means the version can be published: it scores, exports to a valid file and
    every stage, layer and pillar can be measured. Runs a fixed number of queries.
    """
    content = _load_content(questionnaire)
    problems = [problem for check in _PUBLISH_CHECKS for problem in check(content)]
    return problems or _round_trip_problems(questionnaire)


def _round_trip_problems(questionnaire: Questionnaire) -> list[str]:
    """A last safety net once the named checks pass: the version must export to a file that
    loads again, and the scoring engine must accept it."""
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


def question_problems(question: Question) -> list[str]:
    """The publication problems that name `question` (to warn an author right after a save)."""
    prefix = f"Question '{question.key}' "
    return [p for p in publish_problems(question.questionnaire) if p.startswith(prefix)]


@transaction.atomic
def publish(questionnaire: Questionnaire, user) -> Questionnaire:
    """Publish a draft that passes every check; retire the version of the key published before.

    Raises `ValidationError` carrying the list of problems (and changes nothing) otherwise.
    """
    locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not locked.is_draft:
        raise ValidationError(
            [
                f"Version {locked.version} is {locked.get_status_display().lower()}; "
                "only a draft can be published."
            ],
            code="not_draft",
        )
    problems = publish_problems(locked)
    if problems:
        raise ValidationError(problems, code="publish_problems")
    retiring = list(Questionnaire.objects.published().filter(key=locked.key))
    locked.publish()
    message = f"Published version {locked.version}"
    if retiring:
        message += "; retired version " + ", ".join(str(r.version) for r in retiring)
    _log(user, locked, CHANGE, message + ".")
    for retired in retiring:
        retired.status = Questionnaire.Status.RETIRED
        _log(user, retired, CHANGE, f"Retired by the publication of version {locked.version}.")
    questionnaire.status = locked.status
    questionnaire.published_at = locked.published_at
    return questionnaire


# --- Audit --------------------------------------------------------------------------------------


def audit_entries(questionnaire: Questionnaire) -> QuerySet[LogEntry]:
    """The admin log of the version and every part of it, newest first, as one query.

    Admin deletions of a part are logged on the version too (see the admin), so they appear here
    even though the deleted row is gone.
    """
    content_types = ContentType.objects.get_for_models(
        Questionnaire, *(model for model, _ in PART_MODELS)
    )
    condition = Q(content_type=content_types[Questionnaire], object_id=str(questionnaire.pk))
    for model, path in PART_MODELS:
        ids = (
            model.objects.filter(**{path: questionnaire})
            .order_by()
            .annotate(_pk_text=Cast("pk", output_field=TextField()))
            .values("_pk_text")
        )
        condition |= Q(content_type=content_types[model], object_id__in=Subquery(ids))
    return (
        LogEntry.objects.filter(condition)
        .select_related("user", "content_type")
        .order_by("-action_time", "-pk")
    )
