"""The perception gaps of an assessment answered individually: from the database to words.

Reads the respondents with their role (one query) and all their answers (one query), scores
each respondent (`evaluation.evaluate_respondents`), and compares the groups they form
(`perception.perceive`, docs/team.md "Perception gaps"). Names of layers, pillars and stages
come from the questionnaire version. Groups, never individuals: a group smaller than
`min_group` is left out of the comparison (the results page shows it to owners and editors only;
documents never show it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from assessments.axis_names import AxisNames
from assessments.evaluation import evaluate, evaluate_respondents
from assessments.figures import shown
from assessments.headline import reached_level
from assessments.models import Assessment, Membership, Respondent
from assessments.perception import (
    LAYER,
    OVERALL,
    PILLAR,
    Axis,
    Gap,
    Perception,
    RespondentResult,
    Spread,
    Standing,
    perceive,
)
from assessments.perception_chart import PerceptionChart, perception_chart
from assessments.reporting import words_of
from assessments.scoring import AssessmentResult, ScopeResult, ScoringMethod

BY_LAYER, BY_ROLE = "layer", "role"
GROUPINGS = (BY_LAYER, BY_ROLE)
# Groups smaller than this are shown to owners and editors only: one person's view is theirs.
PRIVATE_BELOW = 2
NO_LAYER, FORMER = "", "former"
ROLE_ORDER = (Membership.Role.OWNER, Membership.Role.EDITOR, Membership.Role.VIEWER, FORMER)


def respondents_with_roles(assessment: Assessment) -> list[Respondent]:
    """The assessment's respondents, each with `role`: their role in the organization today
    (None when they have left it), in one query."""
    role = Membership.objects.filter(
        organization_id=assessment.organization_id, user_id=OuterRef("user_id")
    ).values("role")[:1]
    return list(
        Respondent.objects.filter(assessment=assessment)
        .annotate(role=Subquery(role))
        .order_by("number")
    )


def group_of(respondent: Respondent, by: str, layers: set[str]) -> str:
    if by == BY_ROLE:
        role = getattr(respondent, "role", None)
        return role if respondent.user_id is not None and role else FORMER
    return respondent.speaks_for if respondent.speaks_for in layers else NO_LAYER


def groupings_key(respondents: list[Respondent]) -> list[tuple]:
    """What the comparison depends on besides the answers: for the keys of kept renderings."""
    return [
        (r.pk, r.speaks_for, r.user_id, getattr(r, "role", None), r.sections) for r in respondents
    ]


# A gated scope that has reached no stage: one below the lowest level, so that it differs from
# one that reached the lowest (scoring gives both level 0; `headline.reached_level` tells them
# apart) and a spread or mean counts the difference.
NOTHING_REACHED = -1


def _standing(scope: ScopeResult | None, gated: bool) -> Standing:
    if scope is None:
        return Standing(None, None)
    if gated and scope.stage is not None and reached_level(scope) is None:
        return Standing(scope.score, NOTHING_REACHED)
    return Standing(scope.score, scope.stage)


def standings(result: AssessmentResult, axes: list[Axis]) -> dict[Axis, Standing]:
    gated = result.method == ScoringMethod.GATED
    out = {}
    for kind, key in axes:
        if kind == OVERALL:
            out[(kind, key)] = _standing(result.overall, gated)
        elif kind == LAYER:
            out[(kind, key)] = _standing(result.layers.get(key), gated)
        else:
            out[(kind, key)] = _standing(result.pillars.get(key), gated)
    return out


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    size: int


@dataclass(frozen=True)
class SpreadRow:
    axis: Axis
    name: str
    spread: Spread
    low: int | None  # the lowest respondent score, as shown
    high: int | None
    heading: str = ""  # the axis word above the first row of a kind ("Layers")

    @property
    def points(self) -> int | None:
        """The spread as shown: between the lowest and highest scores as shown."""
        return None if self.low is None or self.high is None else self.high - self.low


@dataclass
class Gaps:
    """What the page and the documents show of the perception gaps."""

    by: str
    perception: Perception
    groups: list[Group]  # the groups compared, in the version's (or the roles') order
    names: AxisNames
    axis_names: dict[Axis, str]
    stage_names: dict[int, str]
    answered: int  # respondents with at least one answer
    hidden: int  # of them, in groups too small to show
    spread_rows: list[SpreadRow]
    has_stages: bool

    def label(self, axis: Axis) -> str:
        """An axis as a row names it: "Overall", or the layer's or pillar's name."""
        return _("Overall") if axis[0] == OVERALL else self.axis_names[axis]

    def group_name(self, key: str) -> str:
        return next((g.name for g in self.groups if g.key == key), key)

    def sentence(self, gap: Gap) -> str:
        values = {
            "high": self.group_name(gap.high),
            "low": self.group_name(gap.low),
            "axis": self.axis_names[gap.axis],
            "points": points(gap),
        }
        if self.by == BY_ROLE:
            return _("%(high)s see %(axis)s %(points)s points higher than %(low)s.") % values
        # A layer's name is no subject ("Workers and employees sees"), and may be the axis too.
        return (
            _(
                "Respondents for %(high)s see %(axis)s %(points)s points higher than "
                "respondents for %(low)s."
            )
            % values
        )

    def largest(self, count: int = 3) -> list[Gap]:
        """The largest gaps as shown (whole points), none of 0; ties in the rules' order."""
        shown_gaps = [g for g in self.perception.gaps if points(g) > 0]
        return sorted(shown_gaps, key=lambda g: -points(g))[:count]

    def sentences(self, count: int = 3) -> list[str]:
        return [self.sentence(g) for g in self.largest(count)]

    def chart(self, id: str = "perception-gaps") -> PerceptionChart:
        drawn: list = []
        seen: set[str] = set()
        for axis in self.perception.axes:
            kind = axis[0]
            if kind != OVERALL and kind not in seen:
                seen.add(kind)
                drawn.append(self.names.of_kind(kind, plural=True))
            means = {
                g.key: m.score
                for g in self.groups
                if (m := self.perception.mean(g.key, axis)) is not None
            }
            agreed = self.perception.agreed.get(axis)
            drawn.append((self.label(axis), agreed.score if agreed else None, means))
        return perception_chart(
            id,
            _("How each group sees it, against the agreed result"),
            [(g.key, _group_label(g)) for g in self.groups],
            drawn,
            agreed_label=_("Agreed result"),
        )

    def overall_stages(self) -> list[dict]:
        """Where the agreed result and each group place the organization overall: a group by the
        mean of its members' levels, named by the level it has fully reached (rounded down, so
        that a group half at 2 and half at 3 is not said to be at 3)."""
        axis = (OVERALL, "")
        agreed = self.perception.agreed.get(axis)
        rows = []
        if agreed is not None and agreed.level is not None:
            rows.append(
                {"name": _("Agreed result"), "level": agreed.level, "mean": None, "agreed": True}
            )
        for group in self.groups:
            mean = self.perception.mean(group.key, axis)
            if mean is None or mean.level is None:
                continue
            level = math.floor(mean.level + 1e-9)
            shown_mean = round(mean.level, 1) if mean.level >= 0 else None
            rows.append(
                {"name": group.name, "level": max(level, NOTHING_REACHED), "mean": shown_mean}
            )
        for row in rows:
            row["stage"] = self.stage_names.get(row["level"], "")
            row["reached"] = row["level"] != NOTHING_REACHED
        return rows

    def table(self) -> list[dict]:
        """The chart's data: per axis, the agreed result and each group's mean."""
        out = []
        for axis in self.perception.axes:
            agreed = self.perception.agreed.get(axis)
            out.append(
                {
                    "name": self.label(axis),
                    "agreed": None if agreed is None else shown(agreed.score),
                    "agreed_level": None if agreed is None else _shown_level(agreed.level),
                    "means": [
                        {
                            "group": g.name,
                            "score": None if m is None else shown(m.score),
                            "level": None if m is None else _shown_level(m.level),
                        }
                        for g in self.groups
                        for m in [self.perception.mean(g.key, axis)]
                    ],
                }
            )
        return out


def _shown_level(level: float | None) -> float | None:
    """A level as a table shows it beside a score; a mean below 0 (nothing reached by most) is
    left out rather than printed as a stage that does not exist."""
    return None if level is None or level < 0 else round(level, 1)


def _group_label(group: Group) -> str:
    return _("%(name)s (%(count)s)") % {"name": group.name, "count": group.size}


def points(gap: Gap) -> int:
    """A gap as shown: the difference of the two means as the page shows them."""
    return (shown(gap.high_score) or 0) - (shown(gap.low_score) or 0)


def _group_names(by: str, layers: list) -> dict[str, str]:
    if by == BY_ROLE:
        return {
            Membership.Role.OWNER: _("Owners"),
            Membership.Role.EDITOR: _("Editors"),
            Membership.Role.VIEWER: _("Viewers"),
            FORMER: _("Former members"),
        }
    return {**{layer.key: layer.name for layer in layers}, NO_LAYER: _("No layer named")}


def gaps_of(
    assessment: Assessment,
    *,
    by: str = BY_LAYER,
    min_group: int = 1,
    respondents: list[Respondent] | None = None,
    agreed: AssessmentResult | None = None,
) -> Gaps | None:
    """The perception gaps of `assessment`, or None: not answered individually, or fewer than
    two respondents have answered."""
    if not assessment.is_individual:
        return None
    if respondents is None:
        respondents = respondents_with_roles(assessment)
    if len(respondents) < 2:
        return None
    results = evaluate_respondents(assessment, respondents)
    if len(results) < 2:
        return None
    questionnaire = assessment.questionnaire
    words = words_of(questionnaire)
    agreed = agreed or evaluate(assessment)
    axes: list[Axis] = [(OVERALL, "")]
    axes += [(LAYER, layer.key) for layer in words.layers]
    axes += [(PILLAR, pillar.key) for pillar in words.pillars]
    layer_keys = {layer.key for layer in words.layers}
    people = [
        RespondentResult(group_of(r, by, layer_keys), standings(results[r.pk], axes))
        for r in respondents
        if r.pk in results
    ]
    # Axes nobody has a score on (out of scope, or no question asked of anyone) are left out.
    axes = [a for a in axes if any(p.standings[a].score is not None for p in people)]
    perception = perceive(people, axes, standings(agreed, axes), min_group=min_group)
    group_names = _group_names(by, words.layers)
    order = (
        [str(role) for role in ROLE_ORDER]
        if by == BY_ROLE
        else [layer.key for layer in words.layers] + [NO_LAYER]
    )
    sizes = dict(perception.groups)
    groups = [Group(key, group_names.get(key, key), sizes[key]) for key in order if key in sizes]
    names = questionnaire.axis_names
    axis_names = {(OVERALL, ""): _("the overall result")}
    axis_names |= {(LAYER, x.key): x.name for x in words.layers}
    axis_names |= {(PILLAR, x.key): x.name for x in words.pillars}
    rows = []
    seen: set[str] = set()
    for spread in perception.spreads:
        scores = [s for p in people if (s := p.standings[spread.axis].score) is not None]
        kind = spread.axis[0]
        heading = ""
        if kind != OVERALL and kind not in seen:
            seen.add(kind)
            heading = names.of_kind(kind, plural=True)
        rows.append(
            SpreadRow(
                spread.axis,
                _("Overall") if kind == OVERALL else axis_names[spread.axis],
                spread,
                shown(min(scores)) if scores else None,
                shown(max(scores)) if scores else None,
                heading,
            )
        )
    return Gaps(
        by=by,
        perception=perception,
        groups=groups,
        names=names,
        axis_names=axis_names,
        stage_names={s.level: s.name for s in words.stages},
        answered=len(people),
        hidden=perception.hidden,
        spread_rows=rows,
        has_stages=agreed.overall.stage is not None,
    )


def document_sentences(
    assessment: Assessment, agreed: AssessmentResult | None = None, count: int = 3
) -> list[str]:
    """The largest gaps in words, for documents (the strategy, the summary PDF, a share link's
    page), whoever reads them: only groups of `PRIVATE_BELOW` respondents or more, by the layer
    they speak for. [] when the assessment was not answered individually or shows no gap."""
    if not assessment.is_individual:
        return []
    gaps = gaps_of(assessment, min_group=PRIVATE_BELOW, agreed=agreed)
    return gaps.sentences(count) if gaps is not None else []


@dataclass(frozen=True)
class DocumentGaps:
    """What the strategy PDF shows of the perception gaps: plain data, which its hash reads."""

    sentences: list[str]
    chart: PerceptionChart
    table: list[dict]
    groups: list[Group]
    names: AxisNames
    has_stages: bool


def document_gaps(assessment: Assessment) -> DocumentGaps | None:
    """The gaps for the strategy PDF: groups of two or more, by layer; None when there are none
    to compare (answered together, fewer than two groups of two)."""
    if not assessment.is_individual:
        return None
    gaps = gaps_of(assessment, min_group=PRIVATE_BELOW)
    if gaps is None or len(gaps.groups) < 2:
        return None
    return DocumentGaps(
        gaps.sentences(),
        gaps.chart("pdf-perception-gaps"),
        gaps.table(),
        gaps.groups,
        gaps.names,
        gaps.has_stages,
    )
