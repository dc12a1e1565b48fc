"""The strategy document as plain data: what the PDF and the Markdown export both show.

`document_source(strategy)` loads the strategy's own rows in four queries: the strategy with its
organization, assessment and questionnaire version, its sections, its roadmap, its structured
rows (KPIs, risks, budget lines, policies, staffing).

`document_context(source)` builds from them everything the document shows, without a further
query: the strategy, its sections, roadmap, organization, guidance and the assessment's title
and status. What is built from the assessment's answers (the report and its charts, the targets
table with today's stages, the answers appendix, the standards readiness appendix) is a `Lazy`
value, computed on first use (a
template calls it; Python code calls `resolved(context)`), in about a dozen queries whatever the
number of sections, roadmap items or answers.

`content_hash(context)` is the key under which a rendered PDF is kept. It is computed from the
same context the document renders, walked field by field, so whatever is added to the context is
in the hash too. A lazy value counts by what names it, not by its content: the assessment's
`answers_fingerprint` names one state of its answers exactly, and a published questionnaire
version (named by `caches.frozen_key`) never changes, so together with the release fingerprint
(`caches.release()`: code, templates, stylesheet, fonts) they decide everything the "Where we
stand" charts and the answers appendix show. Hashing therefore reads no answers and builds no
report, and serving a stored PDF costs a few small queries. (An assessment on a draft version,
whose text may still change, counts by its full computed report and answers instead.)

**One snapshot of the assessment.** Every figure of the document comes from one report, built
once from the assessment as loaded with the source: the headline, the charts, the targets, the
answers appendix, and the line that names it ("Figures from the assessment … as of <date>,
revision <n>", its `answers_revision`). The generated block of "Where we stand" (the text between
the marks of `strategy.generated`) was written from the assessment at some moment, recorded on
the strategy (`Strategy.generated_fingerprint`). When that is not the state the report shows
(answers changed, another questionnaire version, or not known), the document does not print the
old block beside newer figures: it prints the block written afresh from the same report, in
place, with the person's text before and after it unchanged, and says so next to the text
("written from the assessment as it was on <date>, revision <m>; brought up to date here"). So
the document shows one answered count everywhere, and the saved section is left alone until
someone refreshes it in the builder. Only a body whose marks were deleted has no block to bring
up to date: then the document says plainly that its text was written from an older state and
that its figures may differ. The shown text (`SectionDoc.current`) is lazy like the report and
counts in the hash by the same answers identity; the stored body and the recorded state are in
the context as they are.

Two numbers on the cover:

* **version**: the review and approval version and status (`strategy.lifecycle`): "1.1 draft",
  "1.0 in review", "1.0 approved on 30 Nov. 2026 by Olivia"; also in the running footer. A
  draft or a strategy in review prints a "Draft" watermark on every page (`lifecycle.draft`).
  An approved document never prints guiding questions: it leaves empty sections out (the owner
  confirmed so when approving; `left_out_when_approved`), and a section that shows more than its
  text (the charts, targets, roadmap) keeps that without the "to be written" box. The remaining
  sections are numbered without gaps.
* **date**: the day of the last change to the strategy or any of its sections (not the day of
  rendering), so the same content gives the same document on any day.

Section bodies are user Markdown: they are rendered by `strategy.markdown.render_markdown`
(sanitized by nh3) and nothing else of the user's is ever marked safe.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, datetime, time
from decimal import Decimal
from functools import cached_property
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

import nh3
import yaml
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from assessments import caches
from assessments.axis_names import AxisNames
from assessments.exports import answer_rows
from assessments.gaps import document_gaps
from assessments.readiness import standard_rows, standards_of
from assessments.reporting import Report, StageInfo, build_report
from strategy import approval, generated
from strategy import markdown as strategy_markdown
from strategy import rows as row_schema
from strategy.guidance import HERE as GUIDANCE_DIR
from strategy.guidance import guidance_file, strategy_guidance
from strategy.models import RoadmapItem, Section, Strategy, StructuredRow
from strategy.services import GENERATED_KEY, where_we_stand_markdown

AIM_KEY = "where-we-aim"
ROADMAP_KEY = "roadmap"

TEMPLATE = "strategy/pdf/document.html"
FONTS_DIR = "fonts"


# Sections that show more than their text (charts, the targets table, the roadmap): printed in
# an approved document even when their own text is empty, without the guiding questions.
SHOWS_MORE_THAN_TEXT = frozenset({GENERATED_KEY, AIM_KEY, ROADMAP_KEY})


def left_out_when_approved(section: Section, row_kinds: Collection[str] = ()) -> bool:
    """An empty section is left out of an approved document, unless it shows more than text:
    charts, the roadmap, or rows of its structured kind (`row_kinds`: the kinds the strategy
    has rows of)."""
    if section.body.strip() or section.key in SHOWS_MORE_THAN_TEXT:
        return False
    kind = row_schema.BY_SECTION.get(section.key)
    return kind is None or kind.key not in row_kinds


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
    # A structured section's rows (`row_table`): {"kind", "title", "columns": [{"key", "label"}],
    # "rows": [{key: shown text}], "cells": [[shown text in column order]], "totals": [text]};
    # None for a section without rows.
    table: dict | None = None
    # "Where we stand" only: a `Lazy` of its `ShownText`, the body with its generated block
    # brought up to date with the report when the assessment changed since it was written.
    current: object = None

    @property
    def shown_body(self) -> str:
        """The text the document shows, without the generated block's marks."""
        body = self.current().body if isinstance(self.current, Lazy) else self.body
        return generated.strip_marks(body)

    @cached_property
    def html(self) -> SafeString:
        """The body as sanitized HTML; rendered on first use, so a cache hit never pays for it."""
        return section_html(self.shown_body)

    @property
    def empty(self) -> bool:
        """Nothing written and no rows: the document shows what the section is for instead."""
        return not self.body.strip() and not (self.table and self.table["rows"])

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
class ShownText:
    """What "Where we stand" shows, against the report of the document.

    `stale`: the generated block was written from another state of the assessment than the
    report's (or an unknown one); `updated`: its block is then shown written from the report;
    when False on a stale text, the body has no block and is shown as written.
    """

    body: str
    stale: bool
    updated: bool


def _shown_text(body: str, strategy: Strategy, report: Report) -> ShownText:
    assessment = report.assessment
    if assessment is not None and strategy.generated_fingerprint == assessment.answers_fingerprint:
        return ShownText(body, stale=False, updated=False)
    if generated.split(body) is None:
        return ShownText(body, stale=True, updated=False)
    return ShownText(
        generated.replace_block(body, where_we_stand_markdown(report)), stale=True, updated=True
    )


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
    out_of_scope: str = ""  # the organization's reason, when it chose not to pursue the scope

    @property
    def gap(self) -> int | None:
        if self.out_of_scope or self.stage is None or self.target_level is None:
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


def guidance_title(key: str) -> str:
    """The title the guidance file gives the document type ("Open source strategy"), in the
    active language."""
    return _guidance_title(guidance_file(key, translation.get_language()))


@caches.shipped("guidance")
def _guidance_title(path: Path) -> str:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
        allowed_classes=strategy_markdown.ALLOWED_CLASSES,
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
                    out_of_scope=row.excluded.reason if row.excluded else "",
                )
            )
    return rows


def _answer_groups(rows: list[dict]) -> list[AnswerGroup]:
    groups: list[AnswerGroup] = []
    for row in rows:
        if not groups or groups[-1].section != row["section"]:
            groups.append(AnswerGroup(row["section"]))
        # A free text answer is its comment: shown once, as the answer.
        comment = "" if row["type"] == "text" else row["comment"]
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
    rows: list[StructuredRow] = field(default_factory=list)

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
        if not _guidance_exists(key):
            return {}
        assessment = self.strategy.assessment
        return strategy_guidance(key, assessment.questionnaire if assessment else None)


def document_source(strategy: Strategy, *, reload: bool = True) -> DocumentSource:
    """The rows the document is made from, in four queries.

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
        rows=list(StructuredRow.objects.filter(strategy=strategy).order_by("kind", "order", "pk")),
    )


def row_table(kind, rows: list[StructuredRow], stages: dict[int, str], currency: str) -> dict:
    """A structured section's rows as plain data any renderer can lay out: column labels, each
    row's shown values by column key and in column order, and the totals (budget, FTE)."""
    columns = [{"key": f.name, "label": str(f.label)} for f in kind.fields]
    cells = [row_schema.display(kind, row.data, stages, currency) for row in rows]
    totals = []
    if kind.key == "budget" and rows:
        amount = row_schema.total(kind, [r.data for r in rows], "cost")
        totals.append(
            _("Total per year: %(amount)s") % {"amount": row_schema.number(amount, currency)}
        )
    if kind.key == "staff" and rows:
        fte = row_schema.total(kind, [r.data for r in rows], "fte")
        totals.append(_("Total: %(fte)s FTE") % {"fte": row_schema.number(fte)})
    return {
        "kind": kind.key,
        "title": str(kind.plural),
        "columns": columns,
        "rows": [dict(zip([c["key"] for c in columns], shown, strict=True)) for shown in cells],
        "cells": cells,
        "totals": totals,
    }


def _assessment_info(assessment) -> dict | None:
    if assessment is None:
        return None
    questionnaire = assessment.questionnaire
    return {
        "pk": assessment.pk,
        "title": assessment.title,
        "status": assessment.status,
        "submitted": assessment.is_locked,
        "answers_revision": assessment.answers_revision,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "submitted_at": assessment.submitted_at,
        "questionnaire": {
            "pk": questionnaire.pk,
            "key": questionnaire.key,
            "version": questionnaire.version,
            "published_at": questionnaire.published_at,
            "threshold": questionnaire.threshold,
            "title": questionnaire.title,
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
        # The state of the assessment the generated block was written from.
        "generated_from": {
            "at": strategy.generated_at,
            "fingerprint": strategy.generated_fingerprint,
            "revision": strategy.generated_revision,
            "status": strategy.generated_status,
        },
    }


class Lazy:
    """A value of the context built on first use, then kept: what comes from the answers.

    A template calls it by itself (Django calls a callable variable); Python code calls it, or
    reads `resolved(context)`. In the content hash it counts as `identity`, which must name
    everything it is built from that the rest of the context does not hold; `None` there means
    "nothing names it but its content", and the hash builds it.
    """

    def __init__(self, build: Callable[[], object], identity: object | None) -> None:
        self._build = build
        self._identity = identity
        # Built in the language of the document it belongs to, wherever it is first used.
        self._language = translation.get_language()
        self._value: object = None
        self._built = False

    def __call__(self) -> object:
        if not self._built:
            with translation.override(self._language):
                self._value, self._built = self._build(), True
        return self._value

    @property
    def identity(self) -> object:
        return self() if self._identity is None else self._identity


def _stage_names(assessment) -> tuple[tuple[int, str], ...]:
    questionnaire = assessment.questionnaire
    return caches.published(
        questionnaire,
        "stage-names",
        lambda: tuple((s.level, s.name) for s in questionnaire.stages.order_by("level")),
    )


def _answers_identity(assessment) -> tuple | None:
    """What names the assessment's answers and its questionnaire version, or None on a draft
    version: its questions may still change, so only the built report and answers name it."""
    questionnaire = assessment.questionnaire
    if questionnaire.is_draft:
        return None
    return (assessment.answers_fingerprint, caches.frozen_key(questionnaire))


def document_context(source: DocumentSource | Strategy) -> dict:
    """Everything the PDF and the Markdown export show, as plain data, without a query beyond
    loading the source; what is built from the answers is `Lazy`.

    Takes the `DocumentSource` the cache key was computed from (so that the document rendered is
    the one the key names), or a strategy, whose source is then loaded first. `source` stays in
    the context for reference; neither the templates nor the hash read it.
    """
    if not isinstance(source, DocumentSource):
        source = document_source(source)
    with translation.override(source.strategy.language):
        return _document_context(source)


def _document_context(source: DocumentSource) -> dict:
    strategy = source.strategy
    guides = source.guides()

    assessment = strategy.assessment
    standards: object = ()
    perception: object = ()
    if assessment is None:
        report, targets, answers, answer_groups = None, _target_rows(strategy, None), [], []
    else:
        named = _answers_identity(assessment)
        report = Lazy(lambda: build_report(assessment), named)
        # The targets' other inputs, the strategy's targets, are in the context already.
        targets = Lazy(lambda: _target_rows(strategy, report()), named)
        answers = Lazy(lambda: answer_rows(assessment), named)
        answer_groups = Lazy(lambda: _answer_groups(answers()), named)
        # Perception gaps name no answers fingerprint alone (a respondent's group may change
        # without one): they count in the hash by their words. None without individual answers.
        if assessment.is_individual:
            perception = Lazy(lambda: document_gaps(assessment), None)
        # Readiness against the version's standards (its row says whether it has any).
        if standards_of(assessment.questionnaire):
            standards = Lazy(lambda: standard_rows(assessment), named)

    # The levels a KPI may evidence, in the version's words: cached per published version.
    # Read only when a KPI names one (at most one query, then none while the version is kept).
    stages = (
        dict(_stage_names(assessment))
        if assessment is not None
        and any(row.kind == "kpi" and row.data.get("stage") is not None for row in source.rows)
        else {}
    )
    rows_by_kind: dict[str, list[StructuredRow]] = {}
    for row in source.rows:
        rows_by_kind.setdefault(row.kind, []).append(row)
    approved = strategy.status == Strategy.Status.APPROVED
    kept = [
        s for s in source.sections if not (approved and left_out_when_approved(s, rows_by_kind))
    ]
    section_docs = []
    for number, section in enumerate(kept, start=1):
        guide = guides.get(section.key)
        current = None
        if section.key == GENERATED_KEY and report is not None:
            # Built from the body and the recorded state (both in the context) and the report.
            current = Lazy(
                lambda body=section.body: _shown_text(body, strategy, report()),
                named,
            )
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
                table=row_table(kind, rows_by_kind.get(kind.key, []), stages, strategy.currency)
                if (kind := row_schema.BY_SECTION.get(section.key))
                else None,
                current=current,
            )
        )
    return {
        "source": source,
        "language": _language(),
        "organization": {"pk": strategy.organization.pk, "name": strategy.organization.name},
        "strategy": _strategy_info(strategy),
        "guidance_title": guidance_title(strategy.guidance_key) or _("Open source strategy"),
        "version": approval.label(strategy),
        "lifecycle": {
            "status": strategy.status,
            "version": f"{strategy.version_major}.{strategy.version_minor}",
            "draft": not approved,
        },
        "date": source.date,
        "sections": section_docs,
        "assessment": _assessment_info(assessment),
        # The version's words for its levels and axes; ours only when no assessment is linked.
        "names": assessment.questionnaire.axis_names if assessment is not None else AxisNames(),
        "site_name": settings.SITE_NAME,
        "report": report,
        "targets": targets,
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
        "answer_groups": answer_groups,
        "answers": answers,
        # The appendix "Standards readiness": () when the version maps to no standard.
        "standards": standards,
        # The perception gaps, for "Where we stand" (`DocumentGaps` or None); () when answered
        # together.
        "perception": perception,
    }


def shown(context: dict) -> dict:
    """What the templates see and the hash reads: the context without its `source`."""
    return {key: value for key, value in context.items() if key != "source"}


def resolved(context: dict) -> dict:
    """The context with its lazy values built, for Python code that reads them."""
    return {key: value() if isinstance(value, Lazy) else value for key, value in context.items()}


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _guidance_exists(key: str) -> bool:
    return (GUIDANCE_DIR / f"{key}.yaml").is_file()


# --- The cache key ---------------------------------------------------------------------------


def _font_files() -> list[Path]:
    found = finders.find(FONTS_DIR)
    if not found or not Path(found).is_dir():
        return []
    return sorted(p for p in Path(found).rglob("*") if p.is_file())


def fonts_digest() -> list[tuple[str, str]]:
    """(name, sha256) of every vendored font file; the digests are kept per process."""
    return [(p.name, caches.file_digest(p)) for p in _font_files()]


@caches.shipped("weasyprint-version")
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
            out.append(caches.file_digest(mo))
    return out


def _plain(value) -> object:
    """`value` as JSON data for the hash: dataclasses and model rows by their fields, mappings
    and sequences item by item, a `Lazy` by its identity. Anything else is an error, so that a
    new kind of value is named properly instead of by a `repr` that may hold a memory address."""
    if isinstance(value, Lazy):
        return _plain(value.identity)
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Promise | Decimal | Path):
        return str(value)
    if isinstance(value, Model):
        concrete = value._meta.concrete_fields
        return {f.attname: _plain(getattr(value, f.attname)) for f in concrete}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {
            key if isinstance(key, str) else json.dumps(_plain(key)): _plain(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    raise TypeError(f"the content hash cannot name a {type(value).__name__}: add it to _plain")


def content_hash(source: DocumentSource | Strategy | dict) -> str:
    """sha256 over what the document shows and over what draws it.

    Takes a context from `document_context` (hashed in the language it was built in), or a
    `DocumentSource` or a strategy, whose context is built first (from a strategy: four
    queries). Reads no answers and builds no report, unless the questionnaire version is a draft.
    """
    context = source if isinstance(source, dict) else document_context(source)
    language = context["language"]
    with translation.override(language):
        payload = {
            "context": _plain(shown(context)),
            "translations": _translation_digest(language),
            "weasyprint": _weasyprint_version(),
            "release": caches.release(),
            "fonts": fonts_digest(),
        }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
