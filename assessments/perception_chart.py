"""The perception gaps chart: each group's mean score per axis against the agreed result.

A dot plot, pure like assessments/charts.py (plain numbers and labels in, frozen geometry out,
drawn by templates/charts/perception.html on the results page and in PDFs). One row per axis
(overall, then each layer, then each pillar) on a 0-100 scale; each group a marker of its own
shape and colour (shape and colour both, so no reader depends on colour), moved up or down a
little per group so that equal scores stay visible; the agreed result a dark bar across the row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assessments.charts import (
    FONT_FAMILY,
    TextLine,
    _block,
    _check_id,
    _max_width,
    _r,
    _score,
    _view_box,
    text_width,
    wrap,
)

__all__ = ["FONT_FAMILY", "PerceptionChart", "perception_chart"]

# Okabe and Ito's colours, told apart with every colour vision deficiency; each marker has a dark
# outline as well, so a light one still stands out from the white (3:1 for graphics).
GROUP_COLOURS = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9")
SHAPES = ("circle", "square", "triangle", "diamond", "down")
OUTLINE = "#212529"
AGREED = "#212529"
GRID = "#ced4da"
HEADING = "#495057"

WIDTH = 640.0
PAD = 10.0
LABEL_WIDTH = 190.0
LABEL_SIZE = 13.0
LINE_HEIGHT = 16.0
RADIUS = 5.5
STEP = 7.0  # how far apart two groups' markers sit vertically in a row
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True, slots=True)
class Marker:
    group: str
    score: float
    x: float
    y: float
    path: str
    colour: str


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    lines: tuple[TextLine, ...]
    top: float
    bottom: float
    agreed: float | None
    agreed_x: float | None
    markers: tuple[Marker, ...]
    heading: bool = False  # a line naming the axes below ("Layers"), with no data

    @property
    def bar_top(self) -> float:
        return _r(self.top + 3)

    @property
    def bar_bottom(self) -> float:
        return _r(self.bottom - 3)


@dataclass(frozen=True, slots=True)
class LegendItem:
    label: str
    path: str
    colour: str
    text_x: float
    text_y: float
    agreed: bool = False
    x: float = 0.0
    y1: float = 0.0
    y2: float = 0.0


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    x: float


@dataclass(frozen=True, slots=True)
class PerceptionChart:
    id: str
    title: str
    width: float
    height: float
    view_box: str
    max_width: int
    legend: tuple[LegendItem, ...]
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    tick_y: float
    grid_top: float
    grid_bottom: float
    plot_x: float
    plot_width: float
    plot_end: float
    label_size: float
    groups: tuple[tuple[str, str], ...]  # (key, name), in the legend's order


def marker_path(shape: str, x: float, y: float, r: float = RADIUS) -> str:
    """An SVG path of `shape` centred on (x, y), of about the area of a circle of radius `r`."""
    if shape == "square":
        s = r * 0.9
        return f"M{_r(x - s)} {_r(y - s)}h{_r(2 * s)}v{_r(2 * s)}h{_r(-2 * s)}z"
    if shape in ("triangle", "down"):
        s = r * 1.2  # half the side of an equilateral triangle
        sign = 1 if shape == "triangle" else -1
        h = s * math.sqrt(3)
        return (
            f"M{_r(x)} {_r(y - sign * h * 2 / 3)}L{_r(x + s)} {_r(y + sign * h / 3)}"
            f"L{_r(x - s)} {_r(y + sign * h / 3)}z"
        )
    if shape == "diamond":
        s = r * 1.25
        return f"M{_r(x)} {_r(y - s)}L{_r(x + s)} {_r(y)}L{_r(x)} {_r(y + s)}L{_r(x - s)} {_r(y)}z"
    return f"M{_r(x - r)} {_r(y)}a{r} {r} 0 1 0 {_r(2 * r)} 0a{r} {r} 0 1 0 {_r(-2 * r)} 0z"


def perception_chart(
    id: str,
    title: str,
    groups: list[tuple[str, str]],
    rows: list[tuple[str, float | None, dict[str, float | None]] | str],
    *,
    agreed_label: str,
) -> PerceptionChart:
    """`groups`: (key, name) in order; `rows`: (label, agreed score, {group key: mean score}),
    or a plain string for a heading line ("Layers") above the rows that follow."""
    _check_id(id)
    style = {
        key: (SHAPES[i % len(SHAPES)], GROUP_COLOURS[i % len(GROUP_COLOURS)])
        for i, (key, _name) in enumerate(groups)
    }
    plot_x = PAD + LABEL_WIDTH + 10
    plot_width = WIDTH - plot_x - 2 * PAD

    # The legend: the agreed result first, then each group, wrapped across lines.
    legend = []
    x, y = PAD, PAD
    entries = [(agreed_label, "", "", True)] + [(name, *style[key], False) for key, name in groups]
    for label, shape, colour, is_agreed in entries:
        shown = wrap(label, WIDTH - 2 * PAD - 24, LABEL_SIZE, 1)[0]
        needed = 18 + text_width(shown, LABEL_SIZE) + 18
        if x > PAD and x + needed > WIDTH - PAD:
            x, y = PAD, y + 22
        centre = y + 8
        if is_agreed:
            legend.append(
                LegendItem(
                    label=shown,
                    path="",
                    colour=AGREED,
                    text_x=_r(x + 18),
                    text_y=_r(centre + 4.5),
                    agreed=True,
                    x=_r(x + 6),
                    y1=_r(centre - 8),
                    y2=_r(centre + 8),
                )
            )
        else:
            legend.append(
                LegendItem(
                    label=shown,
                    path=marker_path(shape, x + 6, centre),
                    colour=colour,
                    text_x=_r(x + 18),
                    text_y=_r(centre + 4.5),
                )
            )
        x += needed
    top = y + 22 + 8

    tick_y = top + 10
    grid_top = top + 16
    y = grid_top + 4
    drawn = []
    spread = STEP * max(0, len(groups) - 1)
    for row in rows:
        if isinstance(row, str):
            lines = _block(wrap(row, WIDTH - 2 * PAD, LABEL_SIZE, 1), PAD, y + 4, LINE_HEIGHT)
            drawn.append(Row(row, lines, _r(y), _r(y + 22), None, None, (), heading=True))
            y += 24
            continue
        label, agreed, means = row
        lines_text = wrap(label, LABEL_WIDTH, LABEL_SIZE, 2)
        height = max(len(lines_text) * LINE_HEIGHT + 10, spread + 2 * RADIUS + 14)
        middle = y + height / 2
        lines = _block(lines_text, PAD, middle - len(lines_text) * LINE_HEIGHT / 2, LINE_HEIGHT)
        markers = []
        for index, (key, _name) in enumerate(groups):
            score = _score(means.get(key))
            if score is None:
                continue
            mx = plot_x + plot_width * score / 100
            my = middle - spread / 2 + index * STEP
            shape, colour = style[key]
            markers.append(Marker(key, score, _r(mx), _r(my), marker_path(shape, mx, my), colour))
        agreed_score = _score(agreed)
        drawn.append(
            Row(
                label,
                lines,
                _r(y),
                _r(y + height),
                agreed_score,
                None if agreed_score is None else _r(plot_x + plot_width * agreed_score / 100),
                tuple(markers),
            )
        )
        y += height
    height = y + PAD
    return PerceptionChart(
        id=id,
        title=title,
        width=WIDTH,
        height=_r(height),
        view_box=_view_box(WIDTH, height),
        max_width=_max_width(WIDTH),
        legend=tuple(legend),
        rows=tuple(drawn),
        ticks=tuple(Tick(t, _r(plot_x + plot_width * t / 100)) for t in TICKS),
        tick_y=_r(tick_y),
        grid_top=_r(grid_top),
        grid_bottom=_r(y),
        plot_x=_r(plot_x),
        plot_width=_r(plot_width),
        plot_end=_r(plot_x + plot_width),
        label_size=LABEL_SIZE,
        groups=tuple(groups),
    )
