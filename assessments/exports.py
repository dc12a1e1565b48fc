"""One assessment's answers and results as CSV and JSON files."""

from __future__ import annotations

import csv

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from assessments import answer_history
from assessments.evaluation import hidden_of, model_spec
from assessments.models import Answer, AnswerChange, Assessment
from assessments.names import attachment, readable_slug
from assessments.readiness import standard_rows, standards_data
from assessments.reporting import OutOfScope, Report
from assessments.result_tables import blockers_table, results_table
from assessments.scoring import ScopeResult
from assessments.scoring_methods.question_types import checklist_fraction, on_scale

# A cell starting with one of these is a formula to a spreadsheet; user text must never run.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def filename_stem(assessment: Assessment) -> str:
    organization = readable_slug(assessment.organization.name) or assessment.organization.slug
    return f"{organization}-{readable_slug(assessment.title)}-{assessment.pk}"


def _csv_response(name: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = attachment(name)
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    return response, csv.writer(response)


def answer_rows(assessment: Assessment, *, with_history: bool = False) -> list[dict]:
    """Every question of the assessment's version, with its answer if there is one; with
    `with_history`, each with every change made to it, oldest first."""
    questions = (
        assessment.questionnaire.questions.select_related("section", "stage", "pillar", "layer")
        .prefetch_related("options")
        .order_by("order")
    )
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(
            assessment=assessment, respondent__isnull=True
        ).select_related("option", "answered_by")
    }
    questions = list(questions)
    # Questions not asked, by a condition on an earlier answer: listed as such, never scored.
    hidden = hidden_of(
        model_spec(assessment.questionnaire),
        {q.key: answers[q.pk] for q in questions if q.pk in answers},
    )
    rows = []
    top = None
    for question in questions:
        answer = answers.get(question.pk)
        asked = question.key not in hidden
        checked = _checked_labels(question, answer)
        if question.is_checklist and top is None:
            top = max(assessment.questionnaire.scale_levels.values_list("score", flat=True))
        rows.append(
            {
                "section": question.section.title,
                "question_key": question.key,
                "type": question.type,
                "question": question.text,
                "stage": question.stage.level,
                "pillar": question.pillar.key,
                "layer": question.layer.key if question.layer else "all",
                "core": question.is_core,
                "weight": float(question.weight),
                "asked": asked,
                "answer": _answer_label(question, answer) if asked else str(NOT_ASKED),
                # A checklist's boxes checked, by label; [] for the other types.
                "checked": checked,
                "score": _score(question, answer, top) if asked else None,
                "max_score": _max_score(question, top),
                "reason": answer.reason if answer else "",
                "comment": answer.comment if answer else "",
                "evidence_url": answer.evidence_url if answer else "",
                "answered_by": answer.answered_by.get_username()
                if answer and answer.answered_by
                else "",
                "answered_at": answer.answered_at.isoformat() if answer else "",
                "carried_over_not_reviewed": bool(answer and answer.needs_review),
            }
        )
    if with_history:
        history = answer_history.entries_by_question(_changes(assessment))
        for row in rows:
            row["history"] = [_change_data(e) for e in history.get(row["question_key"], [])]
    return rows


def _changes(assessment: Assessment):
    return (
        AnswerChange.objects.filter(assessment=assessment, respondent__isnull=True)
        .select_related("changed_by")
        .in_order()
    )


def _change_data(entry: answer_history.HistoryEntry) -> dict:
    change = entry.change
    return {
        "changed_at": change.changed_at.isoformat(),
        "changed_by": change.changed_by.get_username() if change.changed_by else "",
        "how": change.how,
        "detail": change.detail,
        "answer_before": entry.before_choice,
        "answer": change.choice_label,
        "score": change.score,
        "reason": change.reason,
        "comment": change.comment,
        "evidence_url": change.evidence_url,
        "changed": list(entry.changed),
    }


def history_csv_response(assessment: Assessment) -> HttpResponse:
    """Every change to every answer, one row each, question by question in questionnaire order
    (questions no longer in the version last), oldest change first."""
    response, writer = _csv_response(f"{filename_stem(assessment)}-answer-history.csv")
    order = {
        key: index
        for index, key in enumerate(
            assessment.questionnaire.questions.order_by("order").values_list("key", flat=True)
        )
    }
    history = answer_history.entries_by_question(_changes(assessment))
    columns = ["question_key", *_CHANGE_COLUMNS]
    writer.writerow(columns)
    for key in sorted(history, key=lambda k: (order.get(k, len(order)), k)):
        for entry in history[key]:
            data = {"question_key": key, **_change_data(entry)}
            data["changed"] = " ".join(data["changed"])
            writer.writerow([_cell(data[c]) for c in columns])
    return response


_CHANGE_COLUMNS = [
    "changed_at",
    "changed_by",
    "how",
    "detail",
    "answer_before",
    "answer",
    "score",
    "reason",
    "comment",
    "evidence_url",
    "changed",
]


# What a question not asked shows where its answer would be (its stored answer is kept).
NOT_ASKED = _("Not asked")


def _checked_labels(question, answer: Answer | None) -> list[str]:
    if answer is None or answer.kind != Answer.Kind.CHECKED:
        return []
    checked = set(answer.boxes)
    return [o.label for o in question.options.all() if o.pk in checked]


def _score(question, answer: Answer | None, top: int | None) -> float | None:
    """The answer's score on the version's scale; a checklist's from its boxes' weights."""
    if answer is None:
        return None
    if answer.kind == Answer.Kind.CHECKED:
        weights = {o.pk: o.weight for o in question.options.all()}
        return round(on_scale(checklist_fraction(answer.boxes, weights), top or 0), 2)
    return answer.option.score if answer.option else None


def _max_score(question, top: int | None) -> int | None:
    if question.is_text:
        return None  # never scored
    if question.is_checklist:
        return top
    return max((o.score for o in question.options.all()), default=0)


def _answer_label(question, answer: Answer | None) -> str:
    if answer is None:
        return ""
    if answer.kind == Answer.Kind.NOTE:
        # A free text question's answer is its words; a note elsewhere is no answer (its
        # comment and link are in their columns).
        return answer.comment if question.is_text else ""
    if answer.kind == Answer.Kind.OPTION:
        return answer.option.label
    if answer.kind == Answer.Kind.CHECKED:
        return "; ".join(_checked_labels(question, answer))
    return str(answer.get_kind_display())


def answers_csv_response(assessment: Assessment) -> HttpResponse:
    response, writer = _csv_response(f"{filename_stem(assessment)}-answers.csv")
    rows = answer_rows(assessment)
    columns = list(rows[0]) if rows else ["question_key"]
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(_flat(row[c])) for c in columns])
    return response


def _flat(value) -> object:
    """A list (a checklist's labels) as one CSV cell: "Scanner; License checker"."""
    return "; ".join(value) if isinstance(value, list) else value


def _scope_data(scope: ScopeResult, name: str, excluded: OutOfScope | None = None) -> dict:
    return {
        "scope": scope.kind,
        "key": scope.key,
        "name": name,
        # Out of scope by the organization's choice: its figures count only what other scopes
        # share with it (a question for every layer), and nothing of it counts anywhere else.
        "out_of_scope": excluded is not None,
        "out_of_scope_reason": excluded.reason if excluded else "",
        "stage": scope.stage,
        "score": round(scope.score, 1) if scope.score is not None else None,
        "answered": scope.answered,
        "dont_know": scope.dont_know,
        "not_applicable": scope.not_applicable,
        "unanswered": scope.unanswered,
        "blocking_stage": scope.blocking_stage,
        "stage_coverage": {
            str(c.level): round(c.coverage, 3) if c.coverage is not None else None
            for c in scope.stages
        },
    }


def _scopes(report: Report) -> list[dict]:
    out = {(x.kind, x.key): x for x in report.out_of_scope}
    rows = [_scope_data(report.result.overall, report.overall.name)]
    rows += [
        _scope_data(r.scope, r.name, out.get((r.kind, r.key)))
        for r in report.layers + report.pillars
    ]
    for (layer, pillar), scope in report.result.cells.items():
        excluded = out.get(("layer", layer)) or out.get(("pillar", pillar))
        rows.append(_scope_data(scope, scope.key, excluded))
    rows += [  # progress only
        _scope_data(r.scope, r.name, out.get((r.kind, r.key))) for r in report.sections
    ]
    return rows


def results_csv_response(report: Report) -> HttpResponse:
    """The results for people (assessments/result_tables.py): a row per scope, then, after an
    empty row, the practices that hold the organization back with their next steps, under a
    header of their own."""
    response, writer = _csv_response(f"{filename_stem(report.assessment)}-results.csv")
    for index, table in enumerate((results_table(report), blockers_table(report))):
        if index:
            writer.writerow([])
        writer.writerow(table.headers)
        for row in table.rows:
            writer.writerow([_cell(value) for value in row])
    return response


def assessment_document(report: Report) -> dict:
    assessment = report.assessment
    questionnaire = assessment.questionnaire
    return {
        "format": "ospo-assess/assessment@1",
        "organization": assessment.organization.name,
        "assessment": {
            "title": assessment.title,
            "status": assessment.status,
            "created_at": assessment.created_at.isoformat(),
            "submitted_at": assessment.submitted_at.isoformat()
            if assessment.submitted_at
            else None,
        },
        "questionnaire": {"key": questionnaire.key, "version": questionnaire.version},
        # A progress model names no stage in its results, so none is listed.
        "stages": [
            {"level": s.level, "key": s.key, "name": s.name}
            for s in (report.stages if report.has_stages else [])
        ],
        "results": {
            "method": str(report.method),
            "overall": _scope_data(report.result.overall, report.overall.name),
            "scopes": _scopes(report)[1:],
            # Every section, layer and pillar the organization chose not to pursue.
            "out_of_scope": [
                {"kind": x.kind, "key": x.key, "name": x.name, "reason": x.reason}
                for x in report.out_of_scope
            ],
            "blockers": [
                {
                    "question_key": b.blocker.question,
                    "question": b.text,
                    "stage": b.blocker.stage,
                    "score": b.blocker.score,
                    "max_score": b.blocker.max_score,
                    "gating": b.blocker.gating,
                    "impact": round(b.blocker.impact, 3),
                    "recommendation": b.blocker.recommendation,
                }
                for b in report.overall.blockers
            ],
        },
        # Readiness against each standard the version maps its questions to ([] without any):
        # the figures of the Standards page (assessments/readiness.py).
        "standards": standards_data(standard_rows(assessment)),
        "answers": answer_rows(assessment, with_history=True),
    }
