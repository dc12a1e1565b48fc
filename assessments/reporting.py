"""An assessment's results, put into words and charts: what the results page, the exports and the
strategy document show. Loads in a fixed number of queries, then works in plain Python."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from assessments import caches
from assessments.axis_names import AxisNames
from assessments.evaluation import evaluate
from assessments.models import Assessment, Question
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


@dataclass(frozen=True)
class BlockerRow:
    blocker: Blocker
    text: str
    section: str
    section_key: str


@dataclass(frozen=True)
class ScopeRow:
    kind: str
    key: str
    name: str
    description: str
    scope: ScopeResult
    stage: StageInfo | None  # None: the method has no levels (progress), or no score (bands)
    blockers: list[BlockerRow]


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

    @property
    def gated(self) -> bool:
        return self.method == ScoringMethod.GATED

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


def _words(questionnaire) -> Words:
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
            )
            for s in questionnaire.stages.order_by("level")
        ],
        layers=list(questionnaire.layers.order_by("order")),
        pillars=list(questionnaire.pillars.order_by("order")),
        texts={
            q["key"]: q
            for q in Question.objects.filter(questionnaire=questionnaire).values(
                "key", "text", "section__title", "section__key"
            )
        },
        sections=dict(questionnaire.sections.order_by("order").values_list("key", "title")),
        names=questionnaire.axis_names,
        core_label=core_label(questionnaire),
        own_thresholds=questionnaire.stages.exclude(threshold=None)
        .exclude(threshold=questionnaire.threshold)
        .exists(),
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
    """A result of `questionnaire`, in words and charts; `assessment` is None for a preview."""
    # Read once per process for a published version, which never changes; a draft every time.
    words = caches.published(questionnaire, "report-words", lambda: _words(questionnaire))
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

    def row(kind, key, name, description, scope: ScopeResult, limit) -> ScopeRow:
        stage = stages[scope.stage] if scope.stage is not None else None
        return ScopeRow(kind, key, name, description, scope, stage, rows_of(scope.blockers, limit))

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
        sections=[
            row("section", key, words.sections.get(key, key), "", scope, blockers_per_scope)
            for key, scope in result.sections.items()
        ],
    )
    report.charts = _charts(report, layers, pillars)
    return report


def _charts(report: Report, layers, pillars) -> dict:
    from assessments import charts

    result = report.result
    names = report.names
    word = names.stage
    out: dict = {}
    # Only the gated method has coverage per stage; progress shows each section's percentage.
    if report.gated:
        out["stages"] = charts.stage_bars(
            "stage-coverage",
            _("Coverage of each %(stage)s") % {"stage": names.stage_lower},
            [(s.level, s.name, c.coverage, c.attained) for s, c in report.stage_coverage()],
            report.threshold,
            stage_word=word,
        )
    if report.sections:
        out["sections"] = charts.scope_bars(
            "section-progress",
            _("Progress per section"),
            [(r.name, r.scope.score, None) for r in report.sections],
            stage_word=word,
        )
    # An axis with a single value has no profile to draw: its one score is in the tables.
    if len(report.pillars) > 1:
        out["pillars"] = charts.radar(
            "pillar-radar",
            _("Score per %(pillar)s") % {"pillar": names.pillar_lower},
            [(r.name, r.scope.score, r.scope.stage) for r in report.pillars],
            stage_word=word,
        )
    if len(report.layers) > 1:
        out["layers"] = charts.radar(
            "layer-radar",
            _("Score per %(layer)s") % {"layer": names.layer_lower},
            [(r.name, r.scope.score, r.scope.stage) for r in report.layers],
            stage_word=word,
        )
    if len(report.layers) < 2 or len(report.pillars) < 2:
        return out
    return out | {
        "heatmap": charts.heatmap(
            "heatmap",
            _("%(layers)s by %(pillars)s")
            % {"layers": names.layers, "pillars": names.pillars_lower},
            [x.name for x in layers],
            [x.name for x in pillars],
            {
                (i, j): (
                    result.cells[(layer.key, pillar.key)].score,
                    result.cells[(layer.key, pillar.key)].stage
                    if result.cells[(layer.key, pillar.key)].score is not None
                    else None,
                )
                for i, layer in enumerate(layers)
                for j, pillar in enumerate(pillars)
            },
            stage_word=word,
        ),
    }
