"""The strategy document as plain data: what the PDF and the Markdown export both show.

`document_source(strategy)` loads the strategy's own rows in three queries: the strategy with its
organization, assessment and questionnaire version, its sections, its roadmap. `content_hash`
is the key under which a rendered PDF is kept: it changes when anything that shows in the
document changes, and only then. It is computed from those rows alone, without reading the
assessment's answers or scoring them: the assessment's `answers_fingerprint` names one state of
its answers exactly, and a published questionnaire version never changes, so together with the
code, templates, stylesheet and fonts that draw the document they decide everything the
"Where we stand" charts and the answers appendix show. (An assessment on a draft version, whose
text may still change, is hashed from its full report and answers instead.) Serving a stored PDF
therefore costs a few small queries.

`document_context(source)` builds everything the document shows, as plain data, in a fixed
number of further queries (about a dozen in all, whatever the number of sections, roadmap items
or answers); only a rendering needs it.

Two numbers on the cover:

* **version**: the sum of the sections' `version` counters. Every save, restore or refresh of a
  section adds one, so the number only goes up while the text changes, and two copies with the
  same version have the same text. Roadmap and target edits do not change it; they change the
  date.
* **date**: the day of the last change to the strategy or any of its sections (not the day of
  rendering), so the same content gives the same document on any day.

Section bodies are user Markdown: they are rendered by `strategy.markdown.render_markdown`
(sanitized by nh3) and nothing else of the user's is ever marked safe.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments.exports import answer_rows
from assessments.reporting import Report, StageInfo, build_report
from strategy import markdown as strategy_markdown
from strategy.guidance import HERE as GUIDANCE_DIR
from strategy.guidance import guidance_by_key
from strategy.models import RoadmapItem, Section, Strategy
from strategy.services import GENERATED_KEY

# Bump when the document's content or layout changes in a way no hashed file shows (for example
# a change in a library that renders it), so that stored PDFs are rendered again.
RENDER_FORMAT = 2

AIM_KEY = "where-we-aim"
ROADMAP_KEY = "roadmap"

TEMPLATE = "strategy/pdf/document.html"
STYLESHEET = "css/strategy-print.css"
FONTS_DIR = "fonts"
CHART_TEMPLATES = ("charts/stage_bars.html", "charts/radar.html", "charts/heatmap.html")
_ASSESSMENTS = Path(__file__).resolve().parent.parent / "assessments"
# Code whose changes show in the document; hashed with the templates and the stylesheet. The
# hash holds the answers' fingerprint, not the answers or the scores: the code that reads,
# scores and labels them is hashed instead.
CODE_FILES = (
    Path(__file__),
    Path(__file__).with_name("pdf.py"),
    Path(strategy_markdown.__file__),
    _ASSESSMENTS / "charts.py",
    _ASSESSMENTS / "reporting.py",
    _ASSESSMENTS / "scoring.py",
    _ASSESSMENTS / "evaluation.py",
    _ASSESSMENTS / "exports.py",
    _ASSESSMENTS / "models" / "assessment.py",
)


# --- The data the templates see --------------------------------------------------------------


@dataclass(frozen=True)
class SectionDoc:
    number: int
    key: str
    title: str
    anchor: str
    body: str
    version: int
    summary: str
    questions: tuple[str, ...]
    generated: bool

    @cached_property
    def html(self) -> SafeString:
        """The body as sanitized HTML; rendered on first use, so a cache hit never pays for it."""
        return section_html(self.body)

    @property
    def empty(self) -> bool:
        return not self.body.strip()

    @property
    def is_where_we_stand(self) -> bool:
        return self.key == GENERATED_KEY

    @property
    def is_where_we_aim(self) -> bool:
        return self.key == AIM_KEY

    @property
    def is_roadmap(self) -> bool:
        return self.key == ROADMAP_KEY


@dataclass(frozen=True)
class TargetRow:
    """One line of the targets table: where a scope stands and the stage it aims for."""

    kind: str  # "overall", "layer" or "pillar"
    key: str
    name: str
    stage: StageInfo | None  # None when no assessment is linked
    score: float | None
    target_level: int | None
    target_name: str

    @property
    def gap(self) -> int | None:
        if self.stage is None or self.target_level is None:
            return None
        return self.target_level - self.stage.level


@dataclass(frozen=True)
class RoadmapRow:
    number: int
    title: str
    why: str
    owner: str
    target_quarter: str
    status: str
    status_label: str


@dataclass(frozen=True)
class AnswerRow:
    question_key: str
    question: str
    answer: str
    comment: str
    answered: bool


@dataclass(frozen=True)
class AnswerGroup:
    section: str
    rows: list[AnswerRow] = field(default_factory=list)


# --- Building it -----------------------------------------------------------------------------


@cache
def guidance_title(key: str) -> str:
    """The title the guidance file gives the document type ("Open source strategy")."""
    try:
        data = yaml.safe_load((GUIDANCE_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
    except OSError:
        return ""
    return str(data.get("title") or "")


def _local_links_only(tag: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: a link in the PDF goes to a page of this document or to an absolute
    web or mail address; a relative link (which would point at a made-up host) loses its href."""
    if tag == "a" and attribute == "href":
        if value.startswith("#"):
            return value
        scheme = urlsplit(value).scheme.lower()
        return value if scheme in strategy_markdown.URL_SCHEMES else None
    return value


def section_html(body: str) -> SafeString:
    """A section body as HTML for the PDF: `render_markdown`, then relative links dropped."""
    html = strategy_markdown.render_markdown(body)
    clean = nh3.clean(
        str(html),
        tags=strategy_markdown.ALLOWED_TAGS,
        attributes=strategy_markdown.ALLOWED_ATTRIBUTES,
        url_schemes=strategy_markdown.URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_local_links_only,
    )
    return mark_safe(clean)  # noqa: S308 - render_markdown's nh3 output, cleaned again just above


def _latest(*moments: datetime | None) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def _target_rows(strategy: Strategy, report: Report | None) -> list[TargetRow]:
    targets = strategy.scope_targets or {}
    stage_names = {s.level: s.name for s in report.stages} if report else {}

    def target(level) -> tuple[int | None, str]:
        if level is None:
            return None, ""
        return int(level), stage_names.get(int(level), "")

    level, name = target(strategy.target_stage)
    if report is None:
        rows = [TargetRow("overall", "", _("Overall"), None, None, level, name)]
        for group, kind in (("layers", "layer"), ("pillars", "pillar")):
            for key, value in (targets.get(group) or {}).items():
                rows.append(TargetRow(kind, key, key, None, None, *target(value)))
        return rows
    overall = report.overall
    rows = [TargetRow("overall", "", overall.name, overall.stage, overall.scope.score, level, name)]
    for group, scope_rows in (("layers", report.layers), ("pillars", report.pillars)):
        chosen = targets.get(group) or {}
        for row in scope_rows:
            rows.append(
                TargetRow(
                    row.kind,
                    row.key,
                    row.name,
                    row.stage,
                    row.scope.score,
                    *target(chosen.get(row.key)),
                )
            )
    return rows


def _answer_groups(rows: list[dict]) -> list[AnswerGroup]:
    groups: list[AnswerGroup] = []
    for row in rows:
        if not groups or groups[-1].section != row["section"]:
            groups.append(AnswerGroup(row["section"]))
        comment = row["comment"]
        if row["reason"]:
            reason = _("Not applicable because: %(reason)s") % {"reason": row["reason"]}
            comment = f"{reason}\n{comment}" if comment else reason
        groups[-1].rows.append(
            AnswerRow(
                question_key=row["question_key"],
                question=row["question"],
                answer=row["answer"],
                comment=comment,
                answered=bool(row["answer"]),
            )
        )
    return groups


@dataclass(frozen=True)
class DocumentSource:
    """The strategy's own rows: what the cache key is computed from, and the context built on.

    `strategy` comes with its organization, and its assessment with that one's questionnaire
    version (`select_related`), so reading them costs nothing more.
    """

    strategy: Strategy
    sections: list[Section]
    items: list[RoadmapItem]

    @property
    def assessment(self):
        return self.strategy.assessment

    @property
    def version(self) -> int:
        return sum(s.version for s in self.sections)

    @property
    def date(self) -> date:
        changed = _latest(self.strategy.updated_at, *(s.updated_at for s in self.sections))
        return timezone.localtime(changed).date() if changed else timezone.localdate()

    def guides(self) -> dict:
        key = self.strategy.guidance_key
        return guidance_by_key(key) if _guidance_exists(key) else {}


def document_source(strategy: Strategy, *, reload: bool = True) -> DocumentSource:
    """The rows the document is made from, in three queries.

    With `reload=False` the strategy is taken as given (a view that has just loaded it with its
    organization and `assessment__questionnaire`); otherwise it is read again.
    """
    if reload:
        strategy = Strategy.objects.select_related("organization", "assessment__questionnaire").get(
            pk=strategy.pk
        )
    return DocumentSource(
        strategy=strategy,
        sections=list(Section.objects.filter(strategy=strategy).order_by("order", "pk")),
        items=list(RoadmapItem.objects.filter(strategy=strategy).order_by("order", "pk")),
    )


def _assessment_info(assessment) -> dict | None:
    if assessment is None:
        return None
    questionnaire = assessment.questionnaire
    return {
        "pk": assessment.pk,
        "title": assessment.title,
        "status": assessment.status,
        "submitted": assessment.is_locked,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "questionnaire": {
            "pk": questionnaire.pk,
            "key": questionnaire.key,
            "version": questionnaire.version,
            "published_at": questionnaire.published_at,
            "threshold": questionnaire.threshold,
        },
    }


def _strategy_info(strategy: Strategy) -> dict:
    return {
        "pk": strategy.pk,
        "title": strategy.title,
        "horizon": strategy.horizon,
        "target_stage": strategy.target_stage,
        "scope_targets": strategy.scope_targets or {},
        "guidance_key": strategy.guidance_key,
    }


def document_context(source: DocumentSource | Strategy) -> dict:
    """Everything the PDF and the Markdown export show, as plain data.

    Takes the `DocumentSource` the cache key was computed from (so that the document rendered is
    the one the key names), or a strategy, whose source is then loaded first.
    """
    if not isinstance(source, DocumentSource):
        source = document_source(source)
    strategy = source.strategy
    guides = source.guides()

    assessment = strategy.assessment
    report = build_report(assessment) if assessment is not None else None
    raw_answers = answer_rows(assessment) if assessment is not None else []

    section_docs = []
    for number, section in enumerate(source.sections, start=1):
        guide = guides.get(section.key)
        section_docs.append(
            SectionDoc(
                number=number,
                key=section.key,
                title=section.title,
                anchor=f"section-{number}",
                body=section.body,
                version=section.version,
                summary=guide.summary if guide else "",
                questions=guide.questions if guide else (),
                generated=guide.generated if guide else False,
            )
        )
    return {
        "source": source,
        "language": _language(),
        "organization": {"pk": strategy.organization.pk, "name": strategy.organization.name},
        "strategy": _strategy_info(strategy),
        "guidance_title": guidance_title(strategy.guidance_key) or _("Open source strategy"),
        "version": source.version,
        "date": source.date,
        "sections": section_docs,
        "assessment": _assessment_info(assessment),
        "report": report,
        "targets": _target_rows(strategy, report),
        "roadmap": [
            RoadmapRow(
                number=index,
                title=item.title,
                why=item.why,
                owner=item.owner,
                target_quarter=item.target_quarter,
                status=item.status,
                status_label=str(item.get_status_display()),
            )
            for index, item in enumerate(source.items, start=1)
        ],
        "answer_groups": _answer_groups(raw_answers),
        "answers": raw_answers,
    }


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _guidance_exists(key: str) -> bool:
    return (GUIDANCE_DIR / f"{key}.yaml").is_file()


# --- The cache key ---------------------------------------------------------------------------


def _plain(value):
    """JSON for the hash: dates as ISO text, everything else as its repr as a last resort."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return repr(value)


def _report_digest(report: Report | None) -> dict | None:
    if report is None:
        return None
    rows = [report.overall, *report.layers, *report.pillars]
    return {
        "stages": [(s.level, s.key, s.name, s.description) for s in report.stages],
        "threshold": report.threshold,
        "scopes": [
            (
                r.kind,
                r.key,
                r.name,
                r.scope.score,
                r.stage.level,
                r.scope.answered,
                r.scope.dont_know,
                r.scope.not_applicable,
                r.scope.unanswered,
                [(b.blocker.question, b.text) for b in r.blockers],
            )
            for r in rows
        ],
        "cells": sorted((str(k), c.score, c.stage) for k, c in report.result.cells.items()),
    }


def _design_files() -> list[Path]:
    """The files that shape the PDF: templates, stylesheet, fonts (by name and size) and code."""
    files: list[Path] = []
    main = Path(get_template(TEMPLATE).origin.name)
    files += sorted(p for p in main.parent.rglob("*.html") if p.is_file())
    files += [Path(get_template(name).origin.name) for name in CHART_TEMPLATES]
    css = finders.find(STYLESHEET)
    if css:
        files.append(Path(css))
    files += list(CODE_FILES)
    return files


def _font_files() -> list[Path]:
    found = finders.find(FONTS_DIR)
    if not found or not Path(found).is_dir():
        return []
    return sorted(p for p in Path(found).rglob("*") if p.is_file())


_file_digests: dict[tuple[str, int, int], str] = {}


def _file_digest(path: Path) -> str:
    """sha256 of a file, kept per process while its size and modification time stay the same."""
    try:
        stat = path.stat()
    except OSError:
        return "missing"
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    digest = _file_digests.get(key)
    if digest is None:
        digest = _file_digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def fonts_digest() -> list[tuple[str, str]]:
    """(name, sha256) of every vendored font file; the digests are kept per process."""
    return [(p.name, _file_digest(p)) for p in _font_files()]


@cache
def _weasyprint_version() -> str:
    try:
        return metadata.version("weasyprint")
    except metadata.PackageNotFoundError:  # pragma: no cover
        return ""


def _translation_digest(language: str) -> list:
    out = []
    for folder in settings.LOCALE_PATHS:
        mo = Path(folder) / translation.to_locale(language) / "LC_MESSAGES" / "django.mo"
        if mo.is_file():
            out.append(_file_digest(mo))
    return out


def _answers_digest(assessment) -> dict | None:
    """What the document shows of the assessment's answers, for the hash.

    On a published (frozen) questionnaire version the fingerprint names the answers exactly, and
    the version's text cannot change: nothing is read. A draft version may still be edited, so
    its report and answers are computed and hashed in full (slow, and only ever for drafts).
    """
    if assessment is None:
        return None
    questionnaire = assessment.questionnaire
    digest = {
        "fingerprint": assessment.answers_fingerprint,
        "questionnaire": {
            "pk": questionnaire.pk,
            "key": questionnaire.key,
            "version": questionnaire.version,
            "title": questionnaire.title,
            "language": questionnaire.language,
            "threshold": questionnaire.threshold,
            "core_minimum": questionnaire.core_minimum,
            "draft": questionnaire.is_draft,
        },
    }
    if questionnaire.is_draft:
        digest["report"] = _report_digest(build_report(assessment))
        digest["answers"] = answer_rows(assessment)
    return digest


def _hash_payload(source: DocumentSource, language: str) -> dict:
    strategy = source.strategy
    guides = source.guides()
    return {
        "format": RENDER_FORMAT,
        "weasyprint": _weasyprint_version(),
        "language": language,
        "translations": _translation_digest(language),
        "organization": {"pk": strategy.organization.pk, "name": strategy.organization.name},
        "strategy": _strategy_info(strategy),
        "guidance_title": guidance_title(strategy.guidance_key) or _("Open source strategy"),
        "version": source.version,
        "date": source.date,
        "sections": [
            (
                s.key,
                s.title,
                s.body,
                s.version,
                guide.summary if (guide := guides.get(s.key)) else "",
                list(guide.questions) if guide else [],
                guide.generated if guide else False,
            )
            for s in source.sections
        ],
        "assessment": _assessment_info(strategy.assessment),
        "answers": _answers_digest(strategy.assessment),
        "roadmap": [
            (i.title, i.why, i.owner, i.target_quarter, i.status, str(i.get_status_display()))
            for i in source.items
        ],
        "files": [(p.name, _file_digest(p)) for p in _design_files()],
        "fonts": fonts_digest(),
    }


def content_hash(source: DocumentSource | Strategy | dict) -> str:
    """sha256 over everything that shows in the document, and over the files that draw it.

    Takes a `DocumentSource`, a strategy (its source is loaded: three queries) or a context from
    `document_context` (hashed from the source it was built on, in the language it was built
    in). Reads no answers and builds no report, unless the questionnaire version is a draft.
    """
    language = _language()
    if isinstance(source, dict):
        language = source["language"]
        source = source["source"]
    elif not isinstance(source, DocumentSource):
        source = document_source(source)
    with translation.override(language):
        payload = _hash_payload(source, language)
    text = json.dumps(payload, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
