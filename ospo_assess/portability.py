"""Moving one organization between installations: export to a JSON-ready dict, import it back.

The export (`format: ospo-assess/organization@1`) holds the organization, its members (username,
email, role), its assessments with their answers and the answers' history, and its strategies with
sections, revisions and roadmap. It refers to everything outside the organization by a stable
name, never by a database id: users by username, a questionnaire version by key and version, a
question by key, an option by score, a strategy's assessment by its position in the export's list
of assessments.

Keys added to version 1 later are optional, so files written before them still import: an
answer's `needs_review` (false when absent) and an assessment's `answer_history`, its
`AnswerChange` rows oldest first (when absent, the history starts at the import, as before), and
a checklist answer's `boxes`, the scores that number its boxes checked (written only for one).
An assessment answered individually first (docs/team.md) carries its `mode`, `others_answers`
and its `respondents` whole (number, `user` as a username or null once they left, `speaks_for`,
`sections`, `added_at`, `submitted_at`); a respondent's own answer and history row name their
`respondent` by number, the agreed ones null. Files written before (an answer's `respondent`
was a username, and there was no list) still import: each username becomes a respondent.

Left out on purpose: invitations (their tokens are secrets that let anyone join), rendered PDFs
(a cache, rendered again on demand), PDF jobs and resume points (transient), passwords.

`import_organization` checks the whole document first and writes nothing when anything is wrong,
naming every problem; the write itself is one transaction. It creates rows for the new
organization only: no existing user is changed and no other organization is touched. A member
whose username does not exist is created without a usable password. A member whose username does
exist here is refused, unless the caller asks to link existing users: on another installation the
same username may be another person. What the document says someone did (answers, strategies,
revisions) is credited only to members of the imported organization; a reference to anyone else
is left empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from assessments.models import (
    Answer,
    AnswerChange,
    Assessment,
    Membership,
    Organization,
    Question,
    Questionnaire,
    Respondent,
)
from strategy.models import Revision, RoadmapItem, Strategy
from strategy.models import Section as StrategySection

FORMAT = "ospo-assess/organization@1"
OWNER = Membership.Role.OWNER
_FORMAT_NAME = FORMAT.split("@", 1)[0]


class ImportRefused(ValueError):
    """The document cannot be imported; `problems` says why, one line each. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# ---------------------------------------------------------------------------------------------
# Export


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def _who(user) -> str | None:
    return None if user is None else user.get_username()


def _json_value(value: Any) -> Any:
    """A JSON field's content with its keys in a fixed order, whatever the database kept."""
    return json.loads(json.dumps(value, sort_keys=True))


def export_organization(organization: Organization) -> dict:
    """Everything that belongs to `organization`, as plain JSON-ready data in a stable order."""
    memberships = Membership.objects.filter(organization=organization).select_related("user")
    members = sorted(
        (
            {
                "username": m.user.get_username(),
                "email": m.user.email,
                "role": m.role,
                "joined_at": _when(m.created_at),
            }
            for m in memberships
        ),
        key=lambda row: row["username"],
    )

    assessments = list(
        Assessment.objects.filter(organization=organization)
        .select_related("questionnaire", "created_by")
        .order_by("created_at", "pk")
    )
    position = {assessment.pk: index for index, assessment in enumerate(assessments)}
    answers_of: dict[int, list[Answer]] = {a.pk: [] for a in assessments}
    answers = (
        Answer.objects.filter(assessment__organization=organization)
        .select_related("question", "option", "answered_by", "respondent")
        .prefetch_related("question__options")
        .order_by("assessment_id", "question__order", "question__key", "respondent__number")
    )
    for answer in answers:
        answers_of[answer.assessment_id].append(answer)
    changes_of: dict[int, list[AnswerChange]] = {a.pk: [] for a in assessments}
    changes = (
        AnswerChange.objects.filter(assessment__organization=organization)
        .select_related("changed_by")
        .order_by("assessment_id", "changed_at", "pk")
    )
    for change in changes:
        changes_of[change.assessment_id].append(change)
    respondents_of: dict[int, list[Respondent]] = {a.pk: [] for a in assessments}
    number_of: dict[int, int] = {}
    respondents = (
        Respondent.objects.filter(assessment__organization=organization)
        .select_related("user")
        .order_by("assessment_id", "number")
    )
    for respondent in respondents:
        respondents_of[respondent.assessment_id].append(respondent)
        number_of[respondent.pk] = respondent.number

    strategies = list(
        Strategy.objects.filter(organization=organization)
        .select_related("created_by")
        .prefetch_related(
            models.Prefetch(
                "sections",
                queryset=StrategySection.objects.select_related("updated_by")
                .prefetch_related(
                    models.Prefetch(
                        "revisions",
                        queryset=Revision.objects.select_related("created_by").order_by(
                            "created_at", "pk"
                        ),
                    )
                )
                .order_by("order", "key"),
            ),
            models.Prefetch("roadmap", queryset=RoadmapItem.objects.order_by("order", "pk")),
        )
        .order_by("created_at", "pk")
    )

    return {
        "format": FORMAT,
        "organization": {
            "name": organization.name,
            "slug": organization.slug,
            "created_at": _when(organization.created_at),
        },
        "members": members,
        "assessments": [
            {
                "title": a.title,
                "questionnaire": {"key": a.questionnaire.key, "version": a.questionnaire.version},
                "status": a.status,
                "created_by": _who(a.created_by),
                "created_at": _when(a.created_at),
                "updated_at": _when(a.updated_at),
                "submitted_at": _when(a.submitted_at),
                "mode": a.mode,
                "others_answers": a.others_answers,
                "respondents": [_export_respondent(r) for r in respondents_of[a.pk]],
                "answers": [_export_answer(answer) for answer in answers_of[a.pk]],
                "answer_history": [
                    _export_change(change, number_of) for change in changes_of[a.pk]
                ],
            }
            for a in assessments
        ],
        "strategies": [_export_strategy(s, position) for s in strategies],
    }


def _export_respondent(respondent: Respondent) -> dict:
    return {
        "number": respondent.number,
        # Null once the person left the organization: their answers stay, without their name.
        "user": _who(respondent.user),
        "speaks_for": respondent.speaks_for,
        "sections": _json_value(respondent.sections),
        "added_at": _when(respondent.added_at),
        "submitted_at": _when(respondent.submitted_at),
    }


def _export_answer(answer: Answer) -> dict:
    data = {
        "question": answer.question.key,
        # A respondent's own answer names them by number; the agreed answer has none.
        "respondent": answer.respondent.number if answer.respondent else None,
        "kind": answer.kind,
        "option": None if answer.option is None else answer.option.score,
        "reason": answer.reason,
        "comment": answer.comment,
        "evidence_url": answer.evidence_url,
        "answered_by": _who(answer.answered_by),
        "answered_at": _when(answer.answered_at),
        "needs_review": answer.needs_review,
    }
    if answer.kind == Answer.Kind.CHECKED:
        scores = {o.pk: o.score for o in answer.question.options.all()}
        data["boxes"] = [scores[pk] for pk in answer.boxes if pk in scores]
    return data


def _export_change(change: AnswerChange, number_of: dict[int, int]) -> dict:
    score = change.score
    return {
        "question": change.question_key,
        "respondent": number_of.get(change.respondent_id) if change.respondent_id else None,
        "how": change.how,
        "changed_by": _who(change.changed_by),
        "changed_at": _when(change.changed_at),
        "kind": change.kind,
        "choice": change.choice,
        # Stored as a float; option scores are whole numbers, written as the answers write them.
        "score": int(score) if score is not None and float(score).is_integer() else score,
        "reason": change.reason,
        "comment": change.comment,
        "evidence_url": change.evidence_url,
        "detail": change.detail,
    }


def _export_strategy(strategy: Strategy, position: dict[int, int]) -> dict:
    return {
        "title": strategy.title,
        "assessment": position.get(strategy.assessment_id),
        "guidance_key": strategy.guidance_key,
        "target_stage": strategy.target_stage,
        "scope_targets": _json_value(strategy.scope_targets),
        "horizon": strategy.horizon,
        "created_by": _who(strategy.created_by),
        "created_at": _when(strategy.created_at),
        "updated_at": _when(strategy.updated_at),
        "sections": [
            {
                "key": section.key,
                "order": section.order,
                "title": section.title,
                "body": section.body,
                "version": section.version,
                "updated_by": _who(section.updated_by),
                "updated_at": _when(section.updated_at),
                "revisions": [
                    {
                        "version": revision.version,
                        "kind": revision.kind,
                        "body": revision.body,
                        "created_by": _who(revision.created_by),
                        "created_at": _when(revision.created_at),
                    }
                    for revision in section.revisions.all()
                ],
            }
            for section in strategy.sections.all()
        ],
        "roadmap": [
            {
                "order": item.order,
                "title": item.title,
                "why": item.why,
                "owner": item.owner,
                "target_quarter": item.target_quarter,
                "status": item.status,
                "question_keys": _json_value(item.question_keys),
                "created_at": _when(item.created_at),
            }
            for item in strategy.roadmap.all()
        ],
    }


def dumps(data: dict) -> str:
    """The export as text: UTF-8 JSON, indent 2, keys in the export's fixed order."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Import: read and check everything first, then write


_MISSING = object()


class _Reader:
    """Reads fields of the document, collecting every problem with where it was found."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}" if where else message)

    def mapping(self, value: Any, where: str) -> dict | None:
        if not isinstance(value, dict):
            self.problem(where, f"expected an object, found {_kind(value)}")
            return None
        return value

    def items(self, parent: dict, name: str, where: str) -> list[dict]:
        value = parent.get(name, [])
        if not isinstance(value, list):
            self.problem(f"{where}{name}", f"expected a list, found {_kind(value)}")
            return []
        return [
            item
            for index, raw in enumerate(value)
            if (item := self.mapping(raw, f"{where}{name}[{index}]")) is not None
        ]

    def text(self, parent: dict, name: str, where: str, *, default: Any = _MISSING) -> str:
        value = parent.get(name, default)
        if value is _MISSING:
            self.problem(where + name, "missing")
            return ""
        if not isinstance(value, str):
            self.problem(where + name, f"expected text, found {_kind(value)}")
            return ""
        return value

    def optional_text(self, parent: dict, name: str, where: str) -> str | None:
        value = parent.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value:
            self.problem(where + name, f"expected text or null, found {_kind(value)}")
            return None
        return value

    def integer(self, parent: dict, name: str, where: str, *, null: bool = False) -> int | None:
        value = parent.get(name, _MISSING)
        if value is _MISSING and not null:
            self.problem(where + name, "missing")
            return None
        if value is None or value is _MISSING:
            if not null:
                self.problem(where + name, "must not be null")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problem(where + name, f"expected a whole number of 0 or more, found {value!r}")
            return None
        return value

    def boolean(self, parent: dict, name: str, where: str, *, default: bool) -> bool:
        value = parent.get(name, default)
        if not isinstance(value, bool):
            self.problem(where + name, f"expected true or false, found {_kind(value)}")
            return default
        return value

    def number(self, parent: dict, name: str, where: str) -> float | None:
        """A number or null (a missing one is null)."""
        value = parent.get(name)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.problem(where + name, f"expected a number or null, found {_kind(value)}")
            return None
        return value

    def when(self, parent: dict, name: str, where: str, *, null: bool = False) -> datetime | None:
        value = parent.get(name)
        if value is None:
            if not null:
                self.problem(where + name, "missing")
            return None
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but impossible, like month 13
            parsed = None
        if parsed is None:
            self.problem(where + name, f"not a date and time: {value!r}")
            return None
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        return parsed

    def choice(
        self,
        parent: dict,
        name: str,
        where: str,
        choices: type[models.TextChoices],
        *,
        default: Any = None,
    ):
        """One of `choices`; `default` stands for a missing one (a key added later)."""
        value = parent.get(name, default)
        if value not in choices.values:
            allowed = ", ".join(choices.values)
            self.problem(where + name, f"{value!r} is not one of: {allowed}")
            return None
        return value

    def json_value(self, parent: dict, name: str, where: str, kind: type):
        value = parent.get(name, kind())
        if not isinstance(value, kind):
            self.problem(where + name, f"expected {kind.__name__}, found {_kind(value)}")
            return kind()
        return value

    def fields(
        self,
        instance: models.Model,
        where: str,
        exclude: list[str],
        names: dict[str, str] | None = None,
    ) -> None:
        """The model's own field checks (lengths, choices, URLs), foreign keys excepted.

        `names`: the document's name of a field, where it is not the model's."""
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.problem(f"{where}{(names or {}).get(name, name)}", message)


def _kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "text",
        bool: "true/false",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


@dataclass
class _Stamped:
    """An unsaved row and the timestamps to restore once it is saved (auto_now overrides them)."""

    row: models.Model
    times: dict[str, datetime | None] = field(default_factory=dict)
    users: dict[str, str | None] = field(default_factory=dict)
    # Whose own answer or history row this is: a respondent's number, or in a file of before a
    # username; None for the agreed answer's.
    respondent: int | str | None = None


@dataclass
class _PlannedAssessment:
    item: _Stamped
    answers: list[_Stamped]
    # The file's `answer_history`, unsaved `AnswerChange` rows in its order; None when the file
    # has none (written before the key existed).
    history: list[_Stamped] | None = None
    respondents: list[_Stamped] = field(default_factory=list)


@dataclass
class _PlannedSection:
    item: _Stamped
    revisions: list[_Stamped]


@dataclass
class _PlannedStrategy:
    item: _Stamped
    assessment_index: int | None
    sections: list[_PlannedSection]
    roadmap: list[_Stamped]


@dataclass
class _Plan:
    organization: _Stamped
    members: list[tuple[str, str, str, datetime | None]]
    assessments: list[_PlannedAssessment]
    strategies: list[_PlannedStrategy]


def _read(data: Any, slug: str | None, name: str | None, link_existing: bool) -> _Plan:
    reader = _Reader()
    doc = reader.mapping(data, "document")
    if doc is None:
        raise ImportRefused(reader.problems)
    declared = doc.get("format")
    if declared != FORMAT:
        if isinstance(declared, str) and declared.startswith(_FORMAT_NAME + "@"):
            reader.problem("format", f"{declared!r} is a version this installation cannot read")
        else:
            reader.problem("format", f"expected {FORMAT!r}, found {declared!r}")
        raise ImportRefused(
            reader.problems + ["this is not an OSPO Assess organization export (version 1)"]
        )

    org = reader.mapping(doc.get("organization"), "organization") or {}
    organization = Organization(
        name=name if name is not None else reader.text(org, "name", "organization."),
        slug=slug if slug is not None else reader.text(org, "slug", "organization."),
    )
    try:
        Organization._meta.get_field("slug").clean(organization.slug, organization)
    except ValidationError as error:
        where = "--as-slug" if slug is not None else "organization.slug"
        for message in error.messages:
            reader.problem(where, f"{organization.slug!r}: {message}")
    reader.fields(organization, "organization.", exclude=["slug", "created_at"])
    if Organization.objects.filter(slug=organization.slug).exists():
        reader.problem(
            "",
            f"an organization with the slug {organization.slug!r} exists already; "
            "import under another slug (--as-slug NEW)",
        )
    created = reader.when(org, "created_at", "organization.", null=True)
    plan = _Plan(
        organization=_Stamped(organization, {"created_at": created} if created else {}),
        members=_read_members(reader, doc, link_existing),
        assessments=[],
        strategies=[],
    )
    plan.assessments = _read_assessments(reader, doc)
    plan.strategies = _read_strategies(reader, doc, len(plan.assessments))
    if reader.problems:
        raise ImportRefused(reader.problems)
    return plan


def _read_members(
    reader: _Reader, doc: dict, link_existing: bool
) -> list[tuple[str, str, str, datetime | None]]:
    members = []
    seen: set[str] = set()
    for index, raw in enumerate(reader.items(doc, "members", "")):
        where = f"members[{index}]."
        username = reader.text(raw, "username", where)
        email = reader.text(raw, "email", where, default="")
        role = reader.choice(raw, "role", where, Membership.Role)
        joined = reader.when(raw, "joined_at", where, null=True)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reader.problem(where + "email", f"{email!r} is not an email address")
        if not username:
            reader.problem(where + "username", "must not be empty")
        elif username in seen:
            reader.problem(where + "username", f"{username!r} is listed twice")
        seen.add(username)
        members.append((username, email, role, joined))
    User = get_user_model()
    existing = set(
        User.objects.filter(**{f"{User.USERNAME_FIELD}__in": seen}).values_list(
            User.USERNAME_FIELD, flat=True
        )
    )
    if existing and not link_existing:
        reader.problem(
            "members",
            "these usernames belong to existing users of this installation, who may be other "
            f"people: {', '.join(sorted(existing))}. Nothing links them unless asked: check who "
            "they are and import again with --link-existing-users",
        )
    for index, (username, email, _role, _joined) in enumerate(members):
        if username and username not in existing:
            # A user to create: it must be one this installation would accept.
            reader.fields(
                User(**{User.USERNAME_FIELD: username, "email": email}),
                f"members[{index}].",
                exclude=["password"],
            )
    return members


def _questionnaire_parts(key: str, version: int) -> tuple[Questionnaire | None, dict]:
    questionnaire = Questionnaire.objects.filter(key=key, version=version).first()
    if questionnaire is None:
        return None, {}
    questions = {
        q.key: (q, {o.score: o for o in q.options.all()})
        for q in Question.objects.filter(questionnaire=questionnaire).prefetch_related("options")
    }
    return questionnaire, questions


def _read_assessments(reader: _Reader, doc: dict) -> list[_PlannedAssessment]:
    cache: dict[tuple[str, int], tuple[Questionnaire | None, dict]] = {}
    planned = []
    for index, raw in enumerate(reader.items(doc, "assessments", "")):
        where = f"assessments[{index}]."
        ref = reader.mapping(raw.get("questionnaire"), where + "questionnaire") or {}
        key = reader.text(ref, "key", where + "questionnaire.")
        version = reader.integer(ref, "version", where + "questionnaire.")
        questionnaire, questions = None, {}
        if key and version is not None:
            if (key, version) not in cache:
                cache[key, version] = _questionnaire_parts(key, version)
            questionnaire, questions = cache[key, version]
            if questionnaire is None:
                known = sorted(
                    Questionnaire.objects.filter(key=key).values_list("version", flat=True)
                )
                reader.problem(
                    where + "questionnaire",
                    f"questionnaire {key!r} version {version} is not installed here"
                    + (f" (installed versions: {known})" if known else "")
                    + "; load it first with `manage.py load_questionnaire FILE`",
                )
        assessment = Assessment(
            questionnaire=questionnaire,
            title=reader.text(raw, "title", where),
            status=reader.choice(raw, "status", where, Assessment.Status) or "",
            mode=reader.choice(raw, "mode", where, Assessment.Mode, default=Assessment.Mode.SHARED)
            or "",
            others_answers=reader.choice(
                raw,
                "others_answers",
                where,
                Assessment.OthersAnswers,
                default=Assessment.OthersAnswers.AFTER_OWN,
            )
            or "",
        )
        reader.fields(
            assessment,
            where,
            exclude=[
                "organization",
                "questionnaire",
                "created_by",
                "status",
                "mode",
                "others_answers",
            ],
        )
        item = _Stamped(
            assessment,
            times={
                "created_at": reader.when(raw, "created_at", where),
                "updated_at": reader.when(raw, "updated_at", where),
                "submitted_at": reader.when(raw, "submitted_at", where, null=True),
            },
            users={"created_by": reader.optional_text(raw, "created_by", where)},
        )
        respondents = _read_respondents(reader, raw, where)
        numbers = {stamped.respondent for stamped in respondents}
        answers = []
        seen: set[tuple[str, int | str | None]] = set()
        for number, answer_raw in enumerate(reader.items(raw, "answers", where)):
            at = f"{where}answers[{number}]."
            answer = _read_answer(reader, answer_raw, at, questionnaire, questions, seen)
            if answer is not None:
                _check_respondent(reader, answer, numbers, at)
                answers.append(answer)
        history = None
        if "answer_history" in raw:
            history = []
            for number, change_raw in enumerate(reader.items(raw, "answer_history", where)):
                at = f"{where}answer_history[{number}]."
                change = _read_change(reader, change_raw, at)
                _check_respondent(reader, change, numbers, at)
                history.append(change)
        planned.append(_PlannedAssessment(item, answers, history, respondents))
    return planned


def _read_respondents(reader: _Reader, raw: dict, where: str) -> list[_Stamped]:
    """The people who answered on their own; `respondent` holds each one's number."""
    respondents = []
    numbers: set[int] = set()
    usernames: set[str] = set()
    for index, item in enumerate(reader.items(raw, "respondents", where)):
        at = f"{where}respondents[{index}]."
        number = reader.integer(item, "number", at)
        if number == 0:
            reader.problem(at + "number", "must be 1 or more")
        elif number is not None and number in numbers:
            reader.problem(at + "number", f"respondent {number} is listed twice")
        username = reader.optional_text(item, "user", at)
        if username is not None and username in usernames:
            reader.problem(at + "user", f"{username!r} is listed twice")
        sections = reader.json_value(item, "sections", at, list)
        if not all(isinstance(key, str) for key in sections):
            reader.problem(at + "sections", "expected a list of section keys")
            sections = []
        respondent = Respondent(
            number=number or 0,
            speaks_for=reader.text(item, "speaks_for", at, default=""),
            sections=sections,
            submitted_at=reader.when(item, "submitted_at", at, null=True),
        )
        added = reader.when(item, "added_at", at, null=True)
        if added is not None:
            respondent.added_at = added
        reader.fields(
            respondent,
            at,
            exclude=["assessment", "user", "number", "sections", "added_at", "submitted_at"],
        )
        if number:
            numbers.add(number)
        if username is not None:
            usernames.add(username)
        respondents.append(_Stamped(respondent, users={"user": username}, respondent=number))
    return respondents


def _check_respondent(reader: _Reader, stamped: _Stamped, numbers: set, where: str) -> None:
    ref = stamped.respondent
    if isinstance(ref, int) and ref not in numbers:
        reader.problem(
            where + "respondent", f"refers to respondent {ref}, who is not in the respondents"
        )


def _respondent_ref(reader: _Reader, raw: dict, where: str, *, username: bool) -> int | str | None:
    """A respondent's number; in an answer of a file of before, a username (`username`)."""
    ref = raw.get("respondent")
    if ref is None:
        return None
    if isinstance(ref, int) and not isinstance(ref, bool) and ref > 0:
        return ref
    if username and isinstance(ref, str) and ref:
        return ref
    reader.problem(
        where + "respondent",
        f"expected a respondent's number{', a username' if username else ''} or null, "
        f"found {ref!r}",
    )
    return None


# What a history row may say the answer was: one of the kinds, or nothing (a removal).
_CHANGE_KINDS = ["", *Answer.Kind.values]


def _read_change(reader: _Reader, raw: dict, where: str) -> _Stamped:
    """One `answer_history` row. Its question is a key, not checked against the questionnaire:
    the history of an upgraded assessment names questions of its earlier versions too."""
    kind = reader.text(raw, "kind", where, default="")
    if kind not in _CHANGE_KINDS:
        allowed = ", ".join(repr(k) for k in _CHANGE_KINDS)
        reader.problem(where + "kind", f"{kind!r} is not one of: {allowed}")
    change = AnswerChange(
        question_key=reader.text(raw, "question", where),
        how=reader.choice(raw, "how", where, AnswerChange.How) or "",
        changed_at=reader.when(raw, "changed_at", where),
        kind=kind,
        choice=reader.text(raw, "choice", where, default=""),
        score=reader.number(raw, "score", where),
        reason=reader.text(raw, "reason", where, default=""),
        comment=reader.text(raw, "comment", where, default=""),
        evidence_url=reader.text(raw, "evidence_url", where, default=""),
        detail=reader.text(raw, "detail", where, default=""),
    )
    reader.fields(
        change,
        where,
        exclude=["assessment", "changed_by", "how", "changed_at", "kind"],  # checked above
        names={"question_key": "question"},
    )
    return _Stamped(
        change,
        users={"changed_by": reader.optional_text(raw, "changed_by", where)},
        respondent=_respondent_ref(reader, raw, where, username=False),
    )


def _read_answer(reader, raw, where, questionnaire, questions, seen) -> _Stamped | None:
    key = reader.text(raw, "question", where)
    respondent = _respondent_ref(reader, raw, where, username=True)
    kind = reader.choice(raw, "kind", where, Answer.Kind)
    score = reader.integer(raw, "option", where, null=True)
    if (key, respondent) in seen:
        reader.problem(where + "question", f"{key!r} is answered twice")
    seen.add((key, respondent))
    answer = Answer(
        kind=kind or "",
        reason=reader.text(raw, "reason", where, default=""),
        comment=reader.text(raw, "comment", where, default=""),
        evidence_url=reader.text(raw, "evidence_url", where, default=""),
        needs_review=reader.boolean(raw, "needs_review", where, default=False),
    )
    reader.fields(
        answer,
        where,
        exclude=["assessment", "question", "respondent", "option", "answered_by", "kind"],
    )
    stamped = _Stamped(
        answer,
        times={"answered_at": reader.when(raw, "answered_at", where)},
        users={"answered_by": reader.optional_text(raw, "answered_by", where)},
        respondent=respondent,
    )
    if kind == Answer.Kind.OPTION and score is None:
        reader.problem(where + "option", "an answer of kind 'option' needs the option's score")
    if kind != Answer.Kind.OPTION and score is not None:
        reader.problem(where + "option", f"an answer of kind {kind!r} has no option")
    if kind == Answer.Kind.NOT_APPLICABLE and not answer.reason.strip():
        reader.problem(where + "reason", "a 'not applicable' answer needs a reason")
    boxes = reader.json_value(raw, "boxes", where, list)
    if kind == Answer.Kind.CHECKED and not boxes:
        reader.problem(where + "boxes", "an answer of kind 'checked' needs the boxes' scores")
    if kind != Answer.Kind.CHECKED and boxes:
        reader.problem(where + "boxes", f"an answer of kind {kind!r} has no boxes")
    if questionnaire is None or not key:
        return stamped
    found = questions.get(key)
    if found is None:
        reader.problem(
            where + "question",
            f"questionnaire {questionnaire.key!r} version {questionnaire.version} has no "
            f"question {key!r}",
        )
        return stamped
    question, options = found
    answer.question = question
    if score is not None and kind == Answer.Kind.OPTION:
        option = options.get(score)
        if option is None:
            reader.problem(
                where + "option",
                f"question {key!r} has no option scored {score} (scores: {sorted(options)})",
            )
        answer.option = option
    if boxes and kind == Answer.Kind.CHECKED:
        missing = [b for b in boxes if b not in options]
        if missing:
            reader.problem(
                where + "boxes",
                f"question {key!r} has no boxes numbered {missing} (numbers: {sorted(options)})",
            )
        answer.boxes = [options[b].pk for b in boxes if b in options]
    return stamped


def _read_strategies(reader: _Reader, doc: dict, assessments: int) -> list[_PlannedStrategy]:
    planned = []
    for index, raw in enumerate(reader.items(doc, "strategies", "")):
        where = f"strategies[{index}]."
        position = reader.integer(raw, "assessment", where, null=True)
        if position is not None and position >= assessments:
            reader.problem(
                where + "assessment",
                f"refers to assessment {position}, but the export has {assessments}",
            )
            position = None
        strategy = Strategy(
            title=reader.text(raw, "title", where),
            guidance_key=reader.text(raw, "guidance_key", where, default="default"),
            target_stage=reader.integer(raw, "target_stage", where, null=True),
            scope_targets=reader.json_value(raw, "scope_targets", where, dict),
            horizon=reader.text(raw, "horizon", where, default=""),
        )
        reader.fields(strategy, where, exclude=["organization", "assessment", "created_by"])
        item = _Stamped(
            strategy,
            times={
                "created_at": reader.when(raw, "created_at", where),
                "updated_at": reader.when(raw, "updated_at", where),
            },
            users={"created_by": reader.optional_text(raw, "created_by", where)},
        )
        sections = []
        keys: set[str] = set()
        for number, section_raw in enumerate(reader.items(raw, "sections", where)):
            at = f"{where}sections[{number}]."
            section = StrategySection(
                key=reader.text(section_raw, "key", at),
                order=reader.integer(section_raw, "order", at) or 0,
                title=reader.text(section_raw, "title", at),
                body=reader.text(section_raw, "body", at, default=""),
                version=reader.integer(section_raw, "version", at) or 0,
            )
            reader.fields(section, at, exclude=["strategy", "updated_by"])
            if section.key in keys:
                reader.problem(at + "key", f"{section.key!r} is listed twice")
            keys.add(section.key)
            revisions = []
            for rev_number, rev_raw in enumerate(reader.items(section_raw, "revisions", at)):
                rev_at = f"{at}revisions[{rev_number}]."
                revision = Revision(
                    version=reader.integer(rev_raw, "version", rev_at) or 0,
                    kind=reader.choice(rev_raw, "kind", rev_at, Revision.Kind) or "",
                    body=reader.text(rev_raw, "body", rev_at, default=""),
                )
                reader.fields(revision, rev_at, exclude=["section", "created_by", "kind"])
                revisions.append(
                    _Stamped(
                        revision,
                        times={"created_at": reader.when(rev_raw, "created_at", rev_at)},
                        users={"created_by": reader.optional_text(rev_raw, "created_by", rev_at)},
                    )
                )
            sections.append(
                _PlannedSection(
                    _Stamped(
                        section,
                        times={"updated_at": reader.when(section_raw, "updated_at", at)},
                        users={"updated_by": reader.optional_text(section_raw, "updated_by", at)},
                    ),
                    revisions,
                )
            )
        roadmap = []
        for number, item_raw in enumerate(reader.items(raw, "roadmap", where)):
            at = f"{where}roadmap[{number}]."
            roadmap_item = RoadmapItem(
                order=reader.integer(item_raw, "order", at) or 0,
                title=reader.text(item_raw, "title", at),
                why=reader.text(item_raw, "why", at, default=""),
                owner=reader.text(item_raw, "owner", at, default=""),
                target_quarter=reader.text(item_raw, "target_quarter", at, default=""),
                status=reader.choice(item_raw, "status", at, RoadmapItem.Status) or "",
                question_keys=reader.json_value(item_raw, "question_keys", at, list),
            )
            reader.fields(roadmap_item, at, exclude=["strategy", "status"])
            roadmap.append(
                _Stamped(
                    roadmap_item, times={"created_at": reader.when(item_raw, "created_at", at)}
                )
            )
        planned.append(_PlannedStrategy(item, position, sections, roadmap))
    return planned


def _without_history(answers: list[Answer], history: list[_Stamped] | None) -> list[Answer]:
    """The answers whose history (as the file carries it) does not end at them: the agreed
    ones and each respondent's own, each against its own rows.

    Each of them gets an "imported" row, so that the newest row of every answered question is
    the answer as it stands. A file written before the history was exported carries none: all
    its answers get one, and their history starts at the import, as it always did. A file that
    carries the history gets none for the answers it brings whole: a move changes no answer,
    and a row recorded for it would say that the answer's last author changed it at the time of
    the import, which is not so; each move would also add a row, so a file exported again after
    an import would no longer be the file imported. The move itself is the installation's
    event, not the answer's.
    """
    if history is None:
        return answers
    last: dict[tuple[int | None, str], AnswerChange] = {}
    for stamped in history:
        change = stamped.row
        key = (change.respondent_id, change.question_key)
        # Rows come oldest first; a later row of the same moment wins, as `in_order` reads them.
        if key not in last or change.changed_at >= last[key].changed_at:
            last[key] = change
    return [
        answer
        for answer in answers
        if not _states_match(last.get((answer.respondent_id, answer.question.key)), answer)
    ]


def _states_match(change: AnswerChange | None, answer: Answer) -> bool:
    if change is None or change.how == AnswerChange.How.REMOVED:
        return False
    score = answer.option.score if answer.option is not None else None
    return (change.kind, change.score, change.reason, change.comment, change.evidence_url) == (
        answer.kind,
        score,
        answer.reason,
        answer.comment,
        answer.evidence_url,
    )


def _all_stamped(plan: _Plan):
    yield plan.organization
    for assessment in plan.assessments:
        yield assessment.item
        yield from assessment.respondents
        yield from assessment.answers
        yield from assessment.history or []
    for strategy in plan.strategies:
        yield strategy.item
        for section in strategy.sections:
            yield section.item
            yield from section.revisions
        yield from strategy.roadmap


def _restore_times(stamped: list[_Stamped]) -> None:
    """Put back the exported timestamps that auto_now/auto_now_add replaced on insert."""
    stamped = [item for item in stamped if item.times]
    if not stamped:
        return
    for item in stamped:
        for name, value in item.times.items():
            setattr(item.row, name, value)
    fields = sorted({name for item in stamped for name in item.times})
    type(stamped[0].row).objects.bulk_update([item.row for item in stamped], fields)


class _DryRun(Exception):
    pass


class _LegacyRespondents:
    """The respondents of a file of before, whose answers named their respondent by username:
    one per username, numbered after the file's own, without a name for a non-member."""

    def __init__(self, assessment, by_number: dict, users: dict, notes: list[str]) -> None:
        self.assessment = assessment
        self.by_number = by_number
        self.users = users
        self.notes = notes
        self.by_username: dict[str, Respondent] = {
            r.user.get_username(): r for r in by_number.values() if r.user is not None
        }

    def respondent(self, username: str) -> Respondent:
        if username not in self.by_username:
            number = max(self.by_number, default=0) + 1
            user = self.users.get(username)
            made = Respondent.objects.create(assessment=self.assessment, user=user, number=number)
            self.by_number[number] = self.by_username[username] = made
            if user is None:
                self.notes.append(
                    f"Kept {username!r}'s own answers in {self.assessment.title!r} as "
                    f"Respondent {number}, without their name: they are not a member of the "
                    "organization."
                )
        return self.by_username[username]


def import_organization(
    data: Any,
    *,
    slug: str | None = None,
    name: str | None = None,
    messages: list[str] | None = None,
    link_existing_users: bool = False,
    dry_run: bool = False,
) -> Organization:
    """Create the organization `data` describes (an `export_organization` result), atomically.

    `slug` and `name` replace the exported ones. Raises `ImportRefused`, having written nothing,
    when the document is malformed, refers to a questionnaire version or question this
    installation does not have, when the slug is taken, or when a member's username exists here
    and `link_existing_users` is false. With it, such members are linked to the existing users.
    `dry_run` does everything and then rolls it back: the organization returned was never kept.
    `messages`, when given, receives a line for each user created or linked and each reference
    to a non-member left empty.
    """
    notes: list[str] = []
    try:
        with transaction.atomic():
            organization = _write(data, slug, name, notes, link_existing_users, dry_run)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except IntegrityError as error:
        raise ImportRefused([f"the database refused the import: {error}"]) from error
    if messages is not None:
        messages.extend(notes)
    return organization


def _write(
    data: Any,
    slug: str | None,
    name: str | None,
    notes: list[str],
    link_existing: bool,
    dry_run: bool,
) -> Organization:
    plan = _read(data, slug, name, link_existing)
    User = get_user_model()
    username_field = User.USERNAME_FIELD
    member_names = [username for username, _email, _role, _joined in plan.members]
    referenced = {
        username
        for stamped in _all_stamped(plan)
        for username in stamped.users.values()
        if username
    }
    # Only members are looked up: nothing is credited to a user outside the organization.
    users = {
        user.get_username(): user
        for user in User.objects.filter(**{f"{username_field}__in": member_names})
    }
    for username, email, role, _joined in plan.members:
        if username in users:
            here = users[username].email or "none"
            notes.append(
                f"{'Would link' if dry_run else 'Linked'} the existing user {username!r} as "
                f"{role} (e-mail here: {here}; in the file: {email or 'none'})."
            )
            continue
        user = User(**{username_field: username, "email": email})
        user.set_unusable_password()
        user.save()
        users[username] = user
        notes.append(
            f"Created user {username!r} without a usable password; set one with "
            f"`manage.py changepassword {username}`."
        )
    unknown = sorted(referenced - set(users))
    if unknown:
        notes.append(
            "These users are not members of the organization; what they did is kept, "
            f"without their name: {', '.join(unknown)}."
        )

    def link(stamped: _Stamped) -> models.Model:
        for attribute, username in stamped.users.items():
            setattr(stamped.row, attribute, users.get(username) if username else None)
        return stamped.row

    # Made as the web form makes one, through the same slug validators; the first owner listed
    # is its owner, the other members join after.
    owner = next((name for name, _email, role, _joined in plan.members if role == OWNER), None)
    organization = Organization.objects.create_with_owner(
        plan.organization.row.name, users[owner] if owner else None, slug=plan.organization.row.slug
    )
    plan.organization.row = organization
    memberships = [
        _Stamped(
            Membership(organization=organization, user=users[username], role=role),
            {"created_at": joined} if joined else {},
        )
        for username, _email, role, joined in plan.members
    ]
    Membership.objects.bulk_create(
        [stamped.row for stamped in memberships if stamped.row.user != users.get(owner)]
    )
    for stamped in memberships:
        if stamped.row.pk is None:  # the owner's, made with the organization
            stamped.row = organization.memberships.get(user=stamped.row.user)
    _restore_times(memberships)

    assessments = []
    answers = []
    history: list[AnswerChange] = []
    imported: list[Answer] = []
    for planned in plan.assessments:
        assessment = link(planned.item)
        assessment.organization = organization
        assessment.save()
        assessments.append(assessment)
        # A respondent whose user is no member here is kept, without their name, as a member
        # who left would be (docs/team.md, "Privacy").
        for stamped in planned.respondents:
            link(stamped).assessment = assessment
        by_number = {
            r.number: r
            for r in Respondent.objects.bulk_create([s.row for s in planned.respondents])
        }
        of_user = _LegacyRespondents(assessment, by_number, users, notes)
        written = []
        for stamped in planned.answers:
            link(stamped).assessment = assessment
            if isinstance(stamped.respondent, str):
                stamped.row.respondent = of_user.respondent(stamped.respondent)
            elif stamped.respondent is not None:
                stamped.row.respondent = by_number[stamped.respondent]
            answers.append(stamped)
            written.append(stamped.row)
        for change in planned.history or []:
            link(change).assessment = assessment
            if change.respondent is not None:
                change.row.respondent = by_number[change.respondent]
            history.append(change.row)
        imported.extend(_without_history(written, planned.history))
    Answer.objects.bulk_create([stamped.row for stamped in answers])
    # In the file's order, so rows of the same moment keep their order (`in_order`: time, pk).
    AnswerChange.objects.bulk_create(history)
    AnswerChange.objects.record(imported, AnswerChange.How.IMPORTED)

    sections: list[_Stamped] = []
    revisions: list[_Stamped] = []
    roadmap: list[_Stamped] = []
    strategies = []
    for planned in plan.strategies:
        strategy = link(planned.item)
        strategy.organization = organization
        if planned.assessment_index is not None:
            strategy.assessment = assessments[planned.assessment_index]
        strategy.save()
        strategies.append(planned.item)
        for section in planned.sections:
            link(section.item).strategy = strategy
            sections.append(section.item)
        for item in planned.roadmap:
            item.row.strategy = strategy
            roadmap.append(item)
    StrategySection.objects.bulk_create([s.row for s in sections])
    for planned in plan.strategies:
        for section in planned.sections:
            for revision in section.revisions:
                link(revision).section = section.item.row
                revisions.append(revision)
    Revision.objects.bulk_create([r.row for r in revisions])
    RoadmapItem.objects.bulk_create([r.row for r in roadmap])

    _restore_times([plan.organization])
    # Answers first: writing them stamps their assessment's `updated_at`, restored after.
    _restore_times(answers)
    _restore_times([p.item for p in plan.assessments])
    _restore_times(strategies)
    _restore_times(sections)
    _restore_times(revisions)
    _restore_times(roadmap)
    return organization
