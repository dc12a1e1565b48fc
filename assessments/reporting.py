"""An assessment's results, put into words and charts: what the results page, the exports and the
strategy document show. Loads in a fixed number of queries, then works in plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _

from assessments import caches
from assessments.axis_names import AxisNames
from assessments.content_language import translated
from assessments.evaluation import evaluate
from assessments.headline import Headline, headline, reached_level
from assessments.models import Assessment, Question
from assessments.report_charts import report_charts
from assessments.scopes import Exclusion, find, read_exclusions
from assessments.scoring import AssessmentResult, Blocker, ScopeResult, ScoringMethod


@dataclass(frozen=True)
class StageInfo:
    level: int
    key: str
    name: str
    description: str
    characteristics: str
    mappings: dict
    floor: bool = False  # gated: "no stage reached yet", with no coverage of its own
    band_from: int | None = None  # bands: the scores that place a scope at this stage
    band_to: int | None = None
    threshold: int | None = None  # gated: its own threshold in percent; None: the version's


@dataclass(frozen=True)
class BlockerRow:
    blocker: Blocker
    text: str
    section: str
    section_key: str


@dataclass(frozen=True)
class SectionInfo:
    """What a section says of itself, apart from its questions (Markdown texts, links)."""

    key: str
    title: str
    help: str = ""
    recommendations: str = ""
    resources: tuple[tuple[str, str], ...] = ()  # (title, url), http or https only


@dataclass(frozen=True)
class Recommendation:
    """One next step, shown once however many of the blockers it applies to."""

    text: str
    markdown: bool  # a section's recommendations are Markdown; a question's plain text
    questions: tuple[BlockerRow, ...]  # the blockers it applies to, most important first


def merge_recommendations(
    rows: list[BlockerRow], section_recommendations: dict[str, str]
) -> list[Recommendation]:
    """The next steps of `rows` (blockers, most important first), each text once.

    A blocker brings its question's recommendation and its section's; the same text (ignoring
    the whitespace around it) from several blockers is one step listing all of them, placed where
    its first blocker is. Empty recommendations bring nothing.
    """
    order: dict[str, list[BlockerRow]] = {}
    from_section: set[str] = set()
    for row in rows:
        own = row.blocker.recommendation.strip()
        shared = section_recommendations.get(row.section_key, "").strip()
        for text, is_section in ((own, False), (shared, True)):
            if not text:
                continue
            found = order.setdefault(text, [])
            if not found or found[-1] is not row:  # its own and its section's may be the same
                found.append(row)
            if is_section:
                from_section.add(text)
    return [
        Recommendation(text, text in from_section, tuple(found)) for text, found in order.items()
    ]


@dataclass(frozen=True)
class ScopeRow:
    kind: str
    key: str
    name: str
    description: str
    scope: ScopeResult
    stage: StageInfo | None  # None: the method has no levels (progress), or no score (bands)
    blockers: list[BlockerRow]
    # The next steps of `blockers`, each once (`merge_recommendations`).
    recommendations: list[Recommendation] = field(default_factory=list)
    excluded: Exclusion | None = None  # out of scope, with the organization's reason
    gated: bool = False

    @property
    def reached(self) -> StageInfo | None:
        """The stage this scope has attained; None when it has attained none yet (`stage` is 0
        then, which a page must not print as "stage 0")."""
        if self.stage is None:
            return None
        return self.stage if reached_level(self.scope, gated=self.gated) is not None else None


@dataclass(frozen=True)
class OutOfScope:
    kind: str  # "section", "layer" or "pillar"
    key: str
    name: str
    reason: str


@dataclass
class Report:
    assessment: Assessment | None  # None for a staff preview, which nobody has answered for real
    result: AssessmentResult
    stages: list[StageInfo]
    overall: ScopeRow
    layers: list[ScopeRow]
    pillars: list[ScopeRow]
    threshold: float
    charts: dict = field(default_factory=dict)
    method: ScoringMethod = ScoringMethod.GATED
    sections: list[ScopeRow] = field(default_factory=list)  # progress only
    # The version's words for its levels and axes, which every page and document uses.
    names: AxisNames = field(default_factory=AxisNames)
    core_label: str = ""  # the scale's label at the core minimum: "at least 'Defined'"
    # Whether some stage has a threshold of its own, so no single percentage is "the" threshold.
    own_thresholds: bool = False
    # Each stage's own rule (threshold, the answer its core practices must reach), when stages
    # set their own: then the page states every stage's rule instead of one.
    stage_rules: list[StageRule] = field(default_factory=list)
    core_labels: dict[int, str] = field(default_factory=dict)  # per level; core_label otherwise
    # What the organization put out of scope, as (kind, key, name, reason), in the version's order.
    out_of_scope: list[OutOfScope] = field(default_factory=list)

    @property
    def gated(self) -> bool:
        return self.method == ScoringMethod.GATED

    @cached_property
    def headline(self) -> Headline | None:
        """Nothing reached yet, a stage reached, or every stage: with the why's figures."""
        return headline(self)

    def core_label_at(self, level: int) -> str:
        """The answer the core practices of the stage at `level` must reach, in the scale's
        words."""
        return self.core_labels.get(level, self.core_label)

    @property
    def threshold_percent(self) -> int:
        return round(self.threshold * 100)

    @property
    def has_stages(self) -> bool:
        """Whether results name stages at all; a progress model has none."""
        return self.method != ScoringMethod.PROGRESS

    @property
    def provisional(self) -> bool:
        return self.assessment is None or not self.assessment.is_locked

    @property
    def next_stage(self) -> StageInfo | None:
        level = self.result.overall.blocking_stage
        return self.stages[level] if level is not None else None

    def stage_coverage(self) -> list[tuple[StageInfo, object]]:
        # A floor has no coverage to show: it is where every organization starts.
        return [
            (self.stages[c.level], c)
            for c in self.result.overall.stages
            if not self.stages[c.level].floor
        ]


@dataclass(frozen=True)
class StageRule:
    """How one stage of a gated version is reached: its threshold and its core minimum's label."""

    level: int
    name: str
    threshold: int  # percent
    core_label: str


@dataclass(frozen=True)
class Words:
    """What a report says about a questionnaire version, apart from any answer."""

    stages: list[StageInfo]
    layers: list  # Layer rows, read only
    pillars: list  # Pillar rows, read only
    texts: dict[str, dict]  # question key -> text, section title and key
    sections: dict[str, str]  # section key -> title, in order
    names: AxisNames
    core_label: str
    own_thresholds: bool
    stage_rules: list[StageRule] = field(default_factory=list)
    core_labels: dict[int, str] = field(default_factory=dict)
    section_info: dict[str, SectionInfo] = field(default_factory=dict)  # by key, in order

    @property
    def section_recommendations(self) -> dict[str, str]:
        return {k: s.recommendations for k, s in self.section_info.items() if s.recommendations}


def _resource_pairs(stored: object) -> tuple[tuple[str, str], ...]:
    """A section's links that are links: a stored draft may hold anything (the rules refuse it
    at publication), and a page must never link to what is not http or https."""
    from assessments.questionnaire_file.rules import url_problem

    if not isinstance(stored, list):
        return ()
    return tuple(
        (str(item.get("title") or item["url"]), item["url"])
        for item in stored
        if isinstance(item, dict)
        and isinstance(item.get("url"), str)
        and url_problem(item["url"]) is None
    )


def section_info(section) -> SectionInfo:
    return SectionInfo(
        section.key,
        section.title,
        section.help,
        section.recommendations,
        _resource_pairs(section.resources),
    )


def _words(questionnaire) -> Words:
    sections = [section_info(s) for s in questionnaire.sections.order_by("order")]
    return Words(
        stages=[
            StageInfo(
                s.level,
                s.key,
                s.name,
                s.description,
                s.characteristics,
                dict(s.mappings),
                s.is_floor,
                s.band_from,
                s.band_to,
                s.threshold,
            )
            for s in questionnaire.stages.order_by("level")
        ],
        layers=list(questionnaire.layers.order_by("order")),
        pillars=list(questionnaire.pillars.order_by("order")),
        texts={
            q["key"]: {
                "key": q["key"],
                "text": translated(q["text"], q["translations"], "text"),
                "section__title": translated(
                    q["section__title"], q["section__translations"], "title"
                ),
                "section__key": q["section__key"],
            }
            for q in Question.objects.filter(questionnaire=questionnaire).values(
                "key",
                "text",
                "section__title",
                "section__key",
                "translations",
                "section__translations",
            )
        },
        sections={s.key: s.title for s in sections},
        section_info={s.key: s for s in sections},
        names=questionnaire.axis_names,
        core_label=core_label(questionnaire),
        own_thresholds=questionnaire.stages.exclude(threshold=None)
        .exclude(threshold=questionnaire.threshold)
        .exists(),
        stage_rules=stage_rules(questionnaire),
        core_labels=core_labels(questionnaire),
    )


def core_label(questionnaire) -> str:
    """The label of the scale's level every core practice must reach (its core minimum): what
    "at least …" means in this version's own words."""
    level = (
        questionnaire.scale_levels.filter(score__gte=questionnaire.core_minimum)
        .order_by("score")
        .first()
    )
    return level.label if level is not None else str(questionnaire.core_minimum)


def _label_at(scale: list[tuple[int, str]], minimum: int) -> str:
    return next((label for score, label in scale if score >= minimum), str(minimum))


def core_labels(questionnaire) -> dict[int, str]:
    """Per stage level, the scale's label at that stage's core minimum (its own, else the
    version's)."""
    scale = [(level.score, level.label) for level in questionnaire.scale_levels.order_by("score")]
    default = questionnaire.core_minimum
    return {
        stage.level: _label_at(scale, default if stage.core_minimum is None else stage.core_minimum)
        for stage in questionnaire.stages.order_by("level")
    }


def stage_rules(questionnaire) -> list[StageRule]:
    """Every stage's rule, when some stage sets its own core minimum; else none, and one sentence
    says the version's rule (and that a stage may set its own threshold)."""
    stages = [s for s in questionnaire.stages.order_by("level") if not s.is_floor]
    if all(s.core_minimum is None for s in stages):
        return []
    labels = core_labels(questionnaire)
    return [
        StageRule(s.level, s.name, s.threshold or questionnaire.threshold, labels[s.level])
        for s in stages
    ]


def words_of(questionnaire) -> Words:
    """Read once per process for a published version, which never changes; a draft every time."""
    return caches.published(questionnaire, "report-words", lambda: _words(questionnaire))


def build_report(assessment: Assessment, *, blockers_per_scope: int = 5) -> Report:
    return report_from(
        assessment.questionnaire,
        evaluate(assessment),
        assessment=assessment,
        blockers_per_scope=blockers_per_scope,
    )


def report_from(
    questionnaire,
    result: AssessmentResult,
    *,
    assessment: Assessment | None = None,
    blockers_per_scope: int = 5,
) -> Report:
    """A result of `questionnaire`, in words and charts; `assessment` is None for a preview.

    The assessment's out-of-scope sections, layers and pillars are named with their reason;
    `result` was scored without their questions already (`evaluation.evaluate`).
    """
    exclusions = read_exclusions(assessment.scope_exclusions) if assessment else ()
    words = words_of(questionnaire)
    stages, layers, pillars, texts = words.stages, words.layers, words.pillars, words.texts

    def rows_of(blockers, limit: int | None) -> list[BlockerRow]:
        chosen = blockers if limit is None else blockers[:limit]
        return [
            BlockerRow(
                b,
                texts[b.question]["text"],
                texts[b.question]["section__title"],
                texts[b.question]["section__key"],
            )
            for b in chosen
        ]

    shared = words.section_recommendations

    def row(kind, key, name, description, scope: ScopeResult, limit) -> ScopeRow:
        stage = stages[scope.stage] if scope.stage is not None else None
        blockers = rows_of(scope.blockers, limit)
        steps = merge_recommendations(blockers, shared)
        excluded = find(exclusions, kind, key) if kind != "overall" else None
        if excluded is not None:
            return ScopeRow(kind, key, name, description, scope, None, [], [], excluded)
        gated = result.method == ScoringMethod.GATED
        return ScopeRow(kind, key, name, description, scope, stage, blockers, steps, gated=gated)

    report = Report(
        assessment=assessment,
        result=result,
        stages=stages,
        overall=row("overall", "", _("Overall"), "", result.overall, None),
        layers=[
            row("layer", x.key, x.name, x.description, result.layers[x.key], blockers_per_scope)
            for x in layers
        ],
        pillars=[
            row("pillar", x.key, x.name, x.description, result.pillars[x.key], blockers_per_scope)
            for x in pillars
        ],
        threshold=questionnaire.threshold / 100,
        method=result.method,
        names=words.names,
        core_label=words.core_label,
        own_thresholds=words.own_thresholds,
        stage_rules=words.stage_rules,
        core_labels=words.core_labels,
        sections=[
            row("section", key, words.sections.get(key, key), "", scope, blockers_per_scope)
            for key, scope in result.sections.items()
        ],
    )
    names = {
        "section": words.sections,
        "layer": {x.key: x.name for x in layers},
        "pillar": {x.key: x.name for x in pillars},
    }
    report.out_of_scope = [
        OutOfScope(str(e.kind), e.key, names[e.kind].get(e.key, e.key), e.reason)
        for kind in ("section", "layer", "pillar")
        for key in names[kind]
        if (e := find(exclusions, kind, key)) is not None
    ]
    report.charts = report_charts(report, layers, pillars)
    return report
