"""Authoring questionnaire versions: copy a version into a new draft, publish it (after the checks
of `publication_checks`), import a questionnaire file as a draft, and gather the audit trail of a
version.

Nothing here knows about HTTP; the admin (assessments/admin.py) calls these functions. Every state
change is written to Django's admin log (`LogEntry`) with a plain change message, so the admin's
history pages and the "Changes to this version" list show it next to ordinary admin edits.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast

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

# The checks before publication live in publication_checks; the admin calls them from here.
from assessments.publication_checks import publish_problems as publish_problems
from assessments.publication_checks import question_problems as question_problems
from assessments.questionnaire_file.document import parse_document
from assessments.questionnaire_file.store import read_document, save_document

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
