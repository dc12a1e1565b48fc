"""Building and editing a strategy: creation from an assessment, generated text, safe saves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment
from assessments.reporting import Report, build_report
from strategy.guidance import load_guidance
from strategy.models import Revision, RoadmapItem, Section, Strategy

GENERATED_KEY = "where-we-stand"
ROADMAP_DRAFT_SIZE = 8


def next_quarters(start: date, count: int) -> list[str]:
    year, quarter = start.year, (start.month - 1) // 3 + 1
    out = []
    for _step in range(count):
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
        out.append(f"{year}-Q{quarter}")
    return out


def _whole(score: float) -> int:
    # Half up, as the charts and tables (Django's floatformat) show it; round() would go to even.
    return int(score + 0.5)


def where_we_stand_markdown(report: Report) -> str:
    """The generated section: the assessment's result in words, refreshed on demand."""
    overall = report.overall
    lines = [
        _(
            "Our latest assessment, “%(title)s”, places the organization at **stage %(level)s, "
            "%(name)s**."
        )
        % {
            "title": report.assessment.title,
            "level": overall.stage.level,
            "name": overall.stage.name,
        },
        "",
        overall.stage.description,
        "",
    ]
    if overall.scope.score is not None:
        lines += [
            _(
                "The overall score is %(score)s of 100 (%(answered)s questions answered, "
                "%(unknown)s “don't know”, %(na)s not applicable)."
            )
            % {
                "score": round(overall.scope.score),
                "answered": overall.scope.answered,
                "unknown": overall.scope.dont_know,
                "na": overall.scope.not_applicable,
            },
            "",
        ]
    lines += [_("| Scope | Stage | Score |"), "|---|---|---|"]
    for row in report.layers + report.pillars:
        score = "–" if row.scope.score is None else str(_whole(row.scope.score))
        lines.append(f"| {row.name} | {row.stage.level} · {row.stage.name} | {score} |")
    if report.next_stage is not None and overall.blockers:
        lines += [
            "",
            _("What holds us back from stage %(level)s, %(name)s:")
            % {"level": report.next_stage.level, "name": report.next_stage.name},
            "",
        ]
        lines += [f"- {row.text}" for row in overall.blockers[:5]]
    return "\n".join(lines) + "\n"


def roadmap_draft(report: Report, strategy: Strategy) -> list[RoadmapItem]:
    """Action items from the blockers of the next stage, most important first."""
    quarters = next_quarters(timezone.now().date(), 4)
    items = []
    for index, row in enumerate(report.overall.blockers[:ROADMAP_DRAFT_SIZE]):
        blocker = row.blocker
        why = _("Blocks stage %(level)s: “%(question)s” (%(state)s).") % {
            "level": blocker.stage,
            "question": row.text,
            "state": _("a core practice below defined")
            if blocker.gating
            else _("scored %(score)s of %(max)s")
            % {"score": blocker.score, "max": blocker.max_score},
        }
        items.append(
            RoadmapItem(
                strategy=strategy,
                order=index,
                title=blocker.recommendation[:300] or row.text[:300],
                why=why,
                target_quarter=quarters[min(index // 2, len(quarters) - 1)],
                question_keys=[blocker.question],
            )
        )
    return items


@transaction.atomic
def create_strategy(assessment: Assessment, user, title: str) -> Strategy:
    report = build_report(assessment)
    strategy = Strategy.objects.create(
        organization=assessment.organization,
        assessment=assessment,
        title=title,
        target_stage=min(report.overall.stage.level + 1, len(report.stages) - 1),
        created_by=user,
    )
    sections = []
    for order, guide in enumerate(load_guidance(strategy.guidance_key)):
        body = where_we_stand_markdown(report) if guide.key == GENERATED_KEY else ""
        sections.append(
            Section(
                strategy=strategy,
                key=guide.key,
                order=order,
                title=guide.title,
                body=body,
                version=1 if body else 0,
                updated_by=user if body else None,
            )
        )
    Section.objects.bulk_create(sections)
    generated = next(s for s in strategy.sections.all() if s.key == GENERATED_KEY)
    Revision.objects.create(
        section=generated,
        version=1,
        kind=Revision.Kind.GENERATED,
        body=generated.body,
        created_by=user,
    )
    RoadmapItem.objects.bulk_create(roadmap_draft(report, strategy))
    return strategy


@dataclass(frozen=True)
class SaveOutcome:
    saved: bool
    section: Section
    conflict_body: str = ""


def save_section(section: Section, body: str, base_version: int, user) -> SaveOutcome:
    """Save `body` if nobody saved since `base_version`; otherwise keep it aside and say so.

    The compare-and-set is one UPDATE with the version in its WHERE clause, so two people saving
    at the same moment cannot both win. The losing text is stored as a conflict revision: even if
    its author closes the page, nothing is lost.
    """
    with transaction.atomic():
        updated = Section.objects.filter(pk=section.pk, version=base_version).update(
            body=body, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
        current = Section.objects.select_related("updated_by").get(pk=section.pk)
        kind = Revision.Kind.SAVED if updated else Revision.Kind.CONFLICT
        Revision.objects.create(
            section=current, version=current.version, kind=kind, body=body, created_by=user
        )
        Strategy.objects.filter(pk=section.strategy_id).update(updated_at=timezone.now())
    if updated:
        return SaveOutcome(saved=True, section=current)
    return SaveOutcome(saved=False, section=current, conflict_body=body)


def restore_revision(revision: Revision, user) -> Section:
    section = revision.section
    with transaction.atomic():
        Section.objects.filter(pk=section.pk).update(
            body=revision.body,
            version=F("version") + 1,
            updated_by=user,
            updated_at=timezone.now(),
        )
        section.refresh_from_db()
        Revision.objects.create(
            section=section,
            version=section.version,
            kind=Revision.Kind.RESTORED,
            body=revision.body,
            created_by=user,
        )
    return section


def refresh_generated(strategy: Strategy, user) -> Section | None:
    """Rewrite the generated section from the assessment as it is now; the old text stays in the
    section's history."""
    if strategy.assessment is None:
        return None
    section = strategy.sections.get(key=GENERATED_KEY)
    body = where_we_stand_markdown(build_report(strategy.assessment))
    with transaction.atomic():
        Section.objects.filter(pk=section.pk).update(
            body=body, version=F("version") + 1, updated_by=user, updated_at=timezone.now()
        )
        section.refresh_from_db()
        Revision.objects.create(
            section=section,
            version=section.version,
            kind=Revision.Kind.GENERATED,
            body=body,
            created_by=user,
        )
    return section


def completeness(section: Section) -> int:
    """0–100: an empty section is 0; about 150 words or more counts as complete."""
    words = len(section.body.split())
    return min(100, round(100 * words / 150))
