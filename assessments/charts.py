"""Server-rendered SVG charts: radar, heat map, stage bars, scope bars and history.

The functions here are pure: they take plain numbers and labels, and return frozen dataclasses
holding the precomputed geometry (rounded to one decimal) that the templates in
templates/charts/ draw, plus the original data for the table each chart carries as its text
alternative. The web page and the PDF report share them, so there is no JavaScript and no
external resource; colours and sizes are SVG presentation attributes.

Labels come from user-editable questionnaire content: they stay plain ``str`` and are escaped by
the templates. No user-facing wording is produced here (the templates translate it); the text
widths used for layout are estimates made with the metrics of DejaVu Sans, the first font of
the charts' font family.
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from assessments.axis_names import AxisNames, lower_word

DEFAULT_STAGE_WORD = AxisNames.stage


class _Worded:
    """A chart that names levels in the version's word."""

    __slots__ = ()
    stage_word: str

    @property
    def stage_lower(self) -> str:
        return lower_word(self.stage_word)


__all__ = [
    "EMPTY_FILL",
    "FONT_FAMILY",
    "HEAT_PALETTE",
    "HeatCell",
    "HeatColumn",
    "HeatMap",
    "HeatRow",
    "HistoryChart",
    "HistoryPoint",
    "LegendLine",
    "LegendSwatch",
    "RadarAxis",
    "RadarChart",
    "RadarRing",
    "ScopeBar",
    "ScopeBars",
    "StageBar",
    "StageBars",
    "TextLine",
    "Tick",
    "XLabel",
    "contrast_ratio",
    "heat_colour",
    "heatmap",
    "history",
    "radar",
    "relative_luminance",
    "rounded",
    "scope_bars",
    "stage_bars",
    "text_colour_for",
    "text_width",
    "wrap",
]

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"

# Colours. Text colours keep WCAG AA contrast (>= 4.5:1) on white.
INK = "#212529"
MUTED = "#495057"
GRID = "#ced4da"
TRACK = "#e9ecef"
BRAND = "#1f4e79"
# A stage not attained is drawn hollow (pale fill, dark outline), an attained one solid.
HOLLOW_BAR = "#deebf7"
# Orange pairs with blue for colour-blind readers; the stage line is dashed as well.
ACCENT = "#c75000"

# Sequential light-to-dark blues (ColorBrewer "Blues"), one step per 20 points of score. A
# single hue that only changes in lightness reads the same with every colour vision deficiency.
HEAT_PALETTE = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")
HEAT_STEP = 20
EMPTY_FILL = "#f1f3f5"
EMPTY_STROKE = "#868e96"

# How much wider than its view box a chart may be drawn, in CSS pixels: text stays a sensible
# size on a laptop, while a phone shrinks the whole chart to the width of the screen.
MAX_SCALE = 1.2

_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")

# Advance widths of DejaVu Sans for ASCII 32..126, in em.
_ASCII_WIDTHS = (
    0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361,
    0.318, 0.337, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337,
    0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698, 0.77, 0.632, 0.575, 0.775,
    0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611,
    0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635,
    0.55, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
    0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337,
    0.636, 0.838,
)  # fmt: skip
_BOLD_FACTOR = 1.1  # DejaVu Sans Bold is about a tenth wider
_ELLIPSIS = "…"


# --- Shared helpers -------------------------------------------------------------------------


def _r(value: float) -> float:
    """Round a coordinate to one decimal (and turn -0.0 into 0.0)."""
    return round(value, 1) + 0.0


def _check_id(id: str) -> None:
    if not _ID.match(id):
        raise ValueError(
            f"chart id {id!r} must start with a letter and hold only letters, digits, - and _"
        )


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _score(score: float | None) -> float | None:
    """A score clamped to 0..100 for drawing; None (and NaN) stay "no data"."""
    if score is None or math.isnan(score):
        return None
    return _clamp(float(score), 0.0, 100.0)


def rounded(score: float) -> int:
    """A score as displayed: rounded half up, like the ``floatformat`` template filter."""
    return math.floor(score + 0.5)


def _view_box(width: float, height: float) -> str:
    return f"0 0 {_r(width)} {_r(height)}"


def _max_width(width: float) -> int:
    return round(width * MAX_SCALE)


# --- Text -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a label: the template draws it as a <tspan> at (x, y), y being the baseline."""

    x: float
    y: float
    text: str


def _char_width(char: str) -> float:
    code = ord(char)
    if 32 <= code < 127:
        return _ASCII_WIDTHS[code - 32]
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return 1.0
    return 0.7


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """The estimated width of ``text`` at font size ``size``, in the same units as ``size``."""
    width = sum(_char_width(char) for char in text) * size
    return width * _BOLD_FACTOR if bold else width


def _break_word(word: str, max_width: float, size: float, bold: bool) -> list[str]:
    """Split a word wider than ``max_width`` into pieces that fit (at least one char each)."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and text_width(current + char, size, bold=bold) > max_width:
            pieces.append(current)
            current = char
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


def _ellipsize(text: str, max_width: float, size: float, bold: bool) -> str:
    text = text.rstrip()
    while text and text_width(text + _ELLIPSIS, size, bold=bold) > max_width:
        text = text[:-1].rstrip()
    return text + _ELLIPSIS


def wrap(
    text: str,
    max_width: float,
    size: float,
    max_lines: int = 3,
    *,
    indent: float = 0.0,
    bold: bool = False,
    break_width: float | None = None,
) -> tuple[str, ...]:
    """Greedy word wrap to ``max_width``; words too wide are broken, the last line ellipsized.

    ``indent`` narrows the first line only (room for a prefix drawn by the template).
    ``break_width`` lets a single long word stand alone on a line up to that width before it
    is broken (where the layout can make room for it). Always returns at least one line,
    possibly empty, so a template can hang a prefix on it.
    """
    max_lines = max(1, max_lines)
    break_width = max(max_width, break_width or 0.0)
    lines: list[str] = []
    current = ""
    for word in text.split():
        limit = max_width - (indent if not lines else 0.0)
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size, bold=bold) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
            limit = max_width
        hard_limit = break_width - (indent if not lines else 0.0)
        if text_width(word, size, bold=bold) > hard_limit:
            pieces = _break_word(word, hard_limit, size, bold)
        else:
            pieces = [word]
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current or not lines:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[:max_lines]
        kept[-1] = _ellipsize(kept[-1], break_width, size, bold)
        return tuple(kept)
    return tuple(lines)


def _fit(
    text: str, max_width: float, size: float, min_size: float, max_lines: int
) -> tuple[tuple[str, ...], float]:
    """Wrap ``text``, shrinking the font (down to ``min_size``) until no word has to break."""
    candidate = size
    words = text.split()
    while candidate > min_size:
        widest = max((text_width(word, candidate) for word in words), default=0.0)
        lines = wrap(text, max_width, candidate, max_lines)
        if widest <= max_width and not lines[-1].endswith(_ELLIPSIS):
            return lines, candidate
        candidate -= 1
    return wrap(text, max_width, min_size, max_lines), min_size


def _block(
    lines: tuple[str, ...], x: float, top: float, line_height: float
) -> tuple[TextLine, ...]:
    """Lines of text whose block starts at ``top``; baselines sit about 3/4 down each line."""
    return tuple(
        TextLine(_r(x), _r(top + index * line_height + line_height * 0.78), line)
        for index, line in enumerate(lines)
    )


def _widest(lines: tuple[str, ...], size: float, *, bold: bool = False) -> float:
    return max((text_width(line, size, bold=bold) for line in lines), default=0.0)


# --- Colour ---------------------------------------------------------------------------------


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rrggbb`` colour."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) != 6:
        raise ValueError(f"expected a #rrggbb colour, got {colour!r}")
    red, green, blue = (int(hex_digits[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio between two ``#rrggbb`` colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_for(fill: str) -> str:
    """Black or white, whichever contrasts more with ``fill`` (always at least 4.58:1)."""
    black, white = "#000000", "#ffffff"
    return black if contrast_ratio(fill, black) >= contrast_ratio(fill, white) else white


def heat_colour(score: float | None) -> str:
    """The heat map colour of a score; the step follows the score as displayed (rounded)."""
    clamped = _score(score)
    if clamped is None:
        return EMPTY_FILL
    return HEAT_PALETTE[min(rounded(clamped) // HEAT_STEP, len(HEAT_PALETTE) - 1)]


# --- Radar ----------------------------------------------------------------------------------

RADAR_RADIUS = 110
RADAR_RINGS = (25, 50, 75, 100)


@dataclass(frozen=True, slots=True)
class RadarRing:
    value: int  # the score the ring stands for
    r: float
    points: str  # polygon points; empty when the chart draws circles (fewer than 3 axes)
    label_x: float
    label_y: float


@dataclass(frozen=True, slots=True)
class RadarAxis:
    label: str
    score: float | None
    stage: int | None
    spoke_x: float  # the outer end of the spoke; the inner end is the centre
    spoke_y: float
    dot_x: float
    dot_y: float
    anchor: str  # text-anchor of the label: start, middle or end
    lines: tuple[TextLine, ...]  # the label, wrapped
    value_x: float  # the line under the label: score and stage, or "no data"
    value_y: float


@dataclass(frozen=True, slots=True)
class RadarChart(_Worded):
    id: str
    # The version's word for its levels ("Stage", "Level"), never ours: no model is special.
    stage_word: str
    title: str
    description: str
    width: float
    height: float
    view_box: str
    max_width: int
    cx: float
    cy: float
    radius: float
    colour: str
    polygonal: bool  # rings drawn as polygons (3+ axes) rather than circles
    rings: tuple[RadarRing, ...]
    axes: tuple[RadarAxis, ...]
    points: str  # the score polygon
    label_size: float
    value_size: float
    ring_label_size: float

    @property
    def has_stages(self) -> bool:
        """False for a version without stages (progress): its data table has no stage column."""
        return any(axis.stage is not None for axis in self.axes)


def radar(
    id: str,
    title: str,
    axes: list[tuple[str, float | None, int | None]],
    *,
    description: str = "",
    stage_word: str = DEFAULT_STAGE_WORD,
) -> RadarChart:
    """A radar of scores 0..100: first axis at the top, then clockwise.

    A score of None is drawn as 0 in the polygon, without a dot, and labelled "no data".
    """
    _check_id(id)
    radius = RADAR_RADIUS
    label_size, value_size, line_height, gap, pad = 14.0, 13.0, 17.0, 12.0, 8.0
    count = len(axes)
    angles = [-math.pi / 2 + 2 * math.pi * index / count for index in range(count)]
    # The widest value line ("100 · stage 4"), so the label block reserves room for it.
    value_width = text_width(f"100 · {lower_word(stage_word)} 4", value_size)

    # First pass, centred on (0, 0): place each label and collect the bounding box.
    min_x, min_y, max_x, max_y = -radius, -radius, radius, radius
    placed = []
    for (label, _, _), angle in zip(axes, angles, strict=True):
        cos, sin = math.cos(angle), math.sin(angle)
        if abs(cos) > 0.25:
            anchor, wrap_width = ("start" if cos > 0 else "end"), 112.0
        else:
            anchor, wrap_width = "middle", 180.0
        # The view box grows to fit the labels, so one long word may exceed the wrap width.
        lines = wrap(label, wrap_width, label_size, 3, break_width=200)
        block_width = max(_widest(lines, label_size), value_width)
        block_height = (len(lines) + 1) * line_height
        ax, ay = (radius + gap) * cos, (radius + gap) * sin
        if sin < -0.25:
            top = ay - block_height
        elif sin > 0.25:
            top = ay
        else:
            top = ay - block_height / 2
        left = {"start": ax, "end": ax - block_width, "middle": ax - block_width / 2}[anchor]
        min_x, max_x = min(min_x, left), max(max_x, left + block_width)
        min_y, max_y = min(min_y, top), max(max_y, top + block_height)
        placed.append((anchor, lines, ax, top))

    # Second pass: shift everything so the view box starts at (0, 0).
    cx, cy = pad - min_x, pad - min_y
    width, height = max_x - min_x + 2 * pad, max_y - min_y + 2 * pad
    polygonal = count >= 3

    def point(angle: float, distance: float) -> tuple[float, float]:
        return _r(cx + distance * math.cos(angle)), _r(cy + distance * math.sin(angle))

    def points(distances: list[float]) -> str:
        pairs = (point(angle, d) for angle, d in zip(angles, distances, strict=True))
        return " ".join(f"{x},{y}" for x, y in pairs)

    rings = tuple(
        RadarRing(
            value=value,
            r=_r(radius * value / 100),
            points=points([radius * value / 100] * count) if polygonal else "",
            label_x=_r(cx + 4),
            label_y=_r(cy - radius * value / 100 + 11),
        )
        for value in RADAR_RINGS
    )
    radar_axes = []
    for (label, score, stage), angle, (anchor, lines, ax, top) in zip(
        axes, angles, placed, strict=True
    ):
        spoke_x, spoke_y = point(angle, radius)
        dot_x, dot_y = point(angle, radius * (_score(score) or 0.0) / 100)
        block = _block((*lines, ""), cx + ax, cy + top, line_height)
        radar_axes.append(
            RadarAxis(
                label=label,
                score=_score(score),
                stage=stage,
                spoke_x=spoke_x,
                spoke_y=spoke_y,
                dot_x=dot_x,
                dot_y=dot_y,
                anchor=anchor,
                lines=block[:-1],
                value_x=block[-1].x,
                value_y=block[-1].y,
            )
        )
    return RadarChart(
        id=id,
        stage_word=stage_word,
        title=title,
        description=description,
        width=_r(width),
        height=_r(height),
        view_box=_view_box(width, height),
        max_width=_max_width(width),
        cx=_r(cx),
        cy=_r(cy),
        radius=radius,
        colour=BRAND,
        polygonal=polygonal,
        rings=rings,
        axes=tuple(radar_axes),
        points=points([radius * (_score(s) or 0.0) / 100 for _, s, _ in axes]),
        label_size=label_size,
        value_size=value_size,
        ring_label_size=10.0,
    )


# --- Heat map -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HeatCell:
    row: int
    column: int
    row_label: str
    column_label: str
    score: float | None
    stage: int | None
    x: float
    y: float
    width: float
    height: float
    fill: str
    stroke: str
    text_colour: str
    text_x: float  # centre of the cell
    score_y: float  # baseline of the score (or of the dash of an empty cell)
    stage_y: float  # baseline of "stage N"

    @property
    def empty(self) -> bool:
        return self.score is None


@dataclass(frozen=True, slots=True)
class HeatRow:
    label: str
    lines: tuple[TextLine, ...]
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True, slots=True)
class HeatColumn:
    label: str
    lines: tuple[TextLine, ...]
    size: float  # long names get a smaller font so that no word has to break


@dataclass(frozen=True, slots=True)
class LegendSwatch:
    x: float
    y: float
    size: float
    fill: str
    stroke: str
    text_x: float
    text_y: float
    low: int | None  # the range of displayed scores; both None for the "no data" swatch
    high: int | None

    @property
    def empty(self) -> bool:
        return self.low is None


@dataclass(frozen=True, slots=True)
class HeatMap(_Worded):
    id: str
    # The version's word for its levels ("Stage", "Level"), never ours: no model is special.
    stage_word: str
    title: str
    description: str
    width: float
    height: float
    view_box: str
    max_width: int
    columns: tuple[HeatColumn, ...]
    rows: tuple[HeatRow, ...]
    legend_label_x: float
    legend_label_y: float
    legend: tuple[LegendSwatch, ...]
    row_label_size: float
    score_size: float
    stage_size: float
    legend_size: float
    # Whether the version has stages: a scored cell with no stage then says "no stage" rather
    # than nothing, so a reader never takes a missing label for a missing number.
    has_stages: bool = False


def _heat_legend(
    left: float, top: float, available: float, size: float
) -> tuple[float, float, tuple[LegendSwatch, ...], float]:
    """The legend flows left to right and wraps; returns label x, y, swatches and its height."""
    swatch, gap, row_height = 14.0, 10.0, 22.0
    ranges: list[tuple[int | None, int | None]] = [
        (step * HEAT_STEP, step * HEAT_STEP + HEAT_STEP - 1) for step in range(len(HEAT_PALETTE))
    ]
    ranges[-1] = (ranges[-1][0], 100)
    ranges.append((None, None))
    label_width = text_width("Score:", size) + 8
    x, y = left + label_width, top
    swatches = []
    for low, high in ranges:
        text = "no data" if low is None else f"{low}–{high}"
        item_width = swatch + 5 + text_width(text, size) + gap
        if x + item_width - gap > left + available and x > left + label_width:
            x, y = left + label_width, y + row_height
        fill = EMPTY_FILL if low is None else heat_colour(low)
        swatches.append(
            LegendSwatch(
                x=_r(x),
                y=_r(y),
                size=swatch,
                fill=fill,
                stroke=EMPTY_STROKE if low is None else MUTED,
                text_x=_r(x + swatch + 5),
                text_y=_r(y + swatch - 2),
                low=low,
                high=high,
            )
        )
        x += item_width
    return _r(left), _r(top + swatch - 2), tuple(swatches), y + row_height - top


def heatmap(
    id: str,
    title: str,
    rows: list[str],
    columns: list[str],
    cells: dict[tuple[int, int], tuple[float | None, int | None]],
    *,
    description: str = "",
    stage_word: str = DEFAULT_STAGE_WORD,
    has_stages: bool = False,
) -> HeatMap:
    """Scores per (row, column) cell, coloured light to dark blue by score.

    Each row's label is a heading above its cells rather than a column on their left: the grid
    then gets the whole width, which keeps the text legible on a phone. A cell missing from
    ``cells`` or with a score of None is empty: grey, dashed outline, a dash.
    """
    _check_id(id)
    pad, cell_width, cell_height = 4.0, 104.0, 60.0
    row_size, row_line_height = 14.0, 18.0
    score_size, stage_size, legend_size = 22.0, 14.0, 13.0
    grid_width = cell_width * max(len(columns), 1)
    width = grid_width + 2 * pad

    # One font size for every column header: the largest at which each fits.
    header_width = cell_width - 2  # the cells have a white 1-unit border each side
    header_size = min((_fit(label, header_width, 13, 10, 3)[1] for label in columns), default=13)
    fitted = [(wrap(label, header_width, header_size, 3), header_size) for label in columns]
    header_height = max((len(lines) * size * 1.3 for lines, size in fitted), default=0.0) + 6
    heat_columns = []
    for index, (label, (lines, size)) in enumerate(zip(columns, fitted, strict=True)):
        line_height = size * 1.3
        top = pad + header_height - 6 - len(lines) * line_height
        centre = pad + (index + 0.5) * cell_width
        heat_columns.append(HeatColumn(label, _block(lines, centre, top, line_height), size))

    y = pad + header_height
    heat_rows = []
    for row_index, label in enumerate(rows):
        lines = wrap(label, grid_width, row_size, 2, bold=True)
        label_lines = _block(lines, pad, y + 10, row_line_height)
        y += 10 + len(lines) * row_line_height + 2
        row_cells = []
        for column_index, column_label in enumerate(columns):
            score, stage = cells.get((row_index, column_index), (None, None))
            score = _score(score)
            x = pad + column_index * cell_width
            fill = heat_colour(score)
            middle = y + cell_height / 2
            if score is None:
                score_y = middle + 7
            elif stage is None and not has_stages:
                score_y = middle + 8
            else:
                score_y = middle + 2
            row_cells.append(
                HeatCell(
                    row=row_index,
                    column=column_index,
                    row_label=label,
                    column_label=column_label,
                    score=score,
                    stage=stage,
                    x=_r(x),
                    y=_r(y),
                    width=cell_width,
                    height=cell_height,
                    fill=fill,
                    stroke=EMPTY_STROKE if score is None else "#ffffff",
                    text_colour=text_colour_for(fill),
                    text_x=_r(x + cell_width / 2),
                    score_y=_r(score_y),
                    stage_y=_r(middle + 20),
                )
            )
        heat_rows.append(HeatRow(label, label_lines, tuple(row_cells)))
        y += cell_height

    legend_top = y + 14
    legend_x, legend_y, legend, legend_height = _heat_legend(
        pad, legend_top, width - 2 * pad, legend_size
    )
    height = legend_top + legend_height + pad
    return HeatMap(
        id=id,
        stage_word=stage_word,
        title=title,
        description=description,
        width=_r(width),
        height=_r(height),
        view_box=_view_box(width, height),
        max_width=_max_width(width),
        columns=tuple(heat_columns),
        rows=tuple(heat_rows),
        legend_label_x=legend_x,
        legend_label_y=legend_y,
        legend=legend,
        row_label_size=row_size,
        score_size=score_size,
        stage_size=stage_size,
        legend_size=legend_size,
        has_stages=has_stages,
    )


# --- Horizontal bars (stages, scopes) -------------------------------------------------------

BARS_WIDTH = 480.0


@dataclass(frozen=True, slots=True)
class StageBar:
    level: int
    name: str
    coverage: float | None  # 0..1; None: no applicable question at this stage
    attained: bool
    lines: tuple[TextLine, ...]  # the name; the template puts "✓ Stage N ·" before the first
    track_x: float
    track_width: float
    bar_y: float
    bar_height: float
    bar_width: float
    fill: str
    value_x: float
    value_y: float
    marker_y1: float  # the threshold marker across this bar
    marker_y2: float
    marker_x: float = 0.0  # where this stage's threshold is

    @property
    def percent(self) -> float | None:
        # Rounded so that 0.55 shows as 55 %, not 55.00000000000001 %.
        return None if self.coverage is None else round(self.coverage * 100, 1)


@dataclass(frozen=True, slots=True)
class StageBars(_Worded):
    id: str
    # The version's word for its levels ("Stage", "Level"), never ours: no model is special.
    stage_word: str
    title: str
    description: str
    width: float
    height: float
    view_box: str
    max_width: int
    bars: tuple[StageBar, ...]
    threshold: float
    threshold_x: float
    threshold_label_x: float
    threshold_label_y: float
    threshold_anchor: str
    same_threshold: bool  # False: stages set their own, each bar marks its own
    legend_y: float  # top of the legend row
    legend_text_y: float
    legend_attained_x: float
    legend_attained_text_x: float
    legend_missed_x: float
    legend_missed_text_x: float
    attained_fill: str
    missed_fill: str
    label_size: float
    value_size: float

    @property
    def threshold_percent(self) -> float:
        return round(self.threshold * 100, 1)


def stage_bars(
    id: str,
    title: str,
    stages: list[tuple[int, str, float | None, bool]],
    threshold: float,
    *,
    description: str = "",
    stage_word: str = DEFAULT_STAGE_WORD,
    thresholds: list[float] | None = None,
) -> StageBars:
    """Coverage of each stage as a horizontal bar, with the attainment threshold marked.

    `thresholds`: each stage's own, in the order of `stages`, when stages set their own; each
    bar then marks its own and the chart names no single threshold."""
    _check_id(id)
    width, pad, value_column = BARS_WIDTH, 10.0, 64.0
    label_size, value_size, line_height = 14.0, 14.0, 17.0
    bar_height = 18.0
    track_x, track_width = pad, width - 2 * pad - value_column
    threshold = _clamp(threshold, 0.0, 1.0)
    threshold_x = track_x + track_width * threshold
    prefix = text_width(f"✓ {stage_word} 4 · ", label_size)
    own = [_clamp(t, 0.0, 1.0) for t in thresholds] if thresholds else [threshold] * len(stages)
    same = len(set(own)) <= 1

    y = pad + 22  # the threshold label row
    bars = []
    for (level, name, coverage, attained), marker in zip(stages, own, strict=True):
        lines = wrap(name, width - 2 * pad, label_size, 2, indent=prefix)
        block = _block(lines, track_x, y, line_height)
        y += len(lines) * line_height + 4
        fraction = None if coverage is None or math.isnan(coverage) else _clamp(coverage, 0, 1)
        bars.append(
            StageBar(
                level=level,
                name=name,
                coverage=fraction,
                attained=attained,
                lines=block,
                track_x=track_x,
                track_width=_r(track_width),
                bar_y=_r(y),
                bar_height=bar_height,
                bar_width=_r(track_width * (fraction or 0.0)),
                fill=BRAND if attained else HOLLOW_BAR,
                value_x=_r(track_x + track_width + 8),
                value_y=_r(y + bar_height - 4),
                marker_y1=_r(y - 4),
                marker_y2=_r(y + bar_height + 4),
                marker_x=_r(track_x + track_width * marker),
            )
        )
        y += bar_height + 16
    legend_y = y
    height = legend_y + 14 + pad
    if threshold_x < track_x + 60:
        anchor = "start"
    elif threshold_x > track_x + track_width - 60:
        anchor = "end"
    else:
        anchor = "middle"
    return StageBars(
        id=id,
        stage_word=stage_word,
        title=title,
        description=description,
        width=width,
        height=_r(height),
        view_box=_view_box(width, height),
        max_width=_max_width(width),
        bars=tuple(bars),
        threshold=threshold,
        threshold_x=_r(threshold_x),
        threshold_label_x=_r(threshold_x),
        threshold_label_y=_r(pad + 12),
        threshold_anchor=anchor,
        same_threshold=same,
        legend_y=_r(legend_y),
        legend_text_y=_r(legend_y + 12),
        legend_attained_x=pad,
        legend_attained_text_x=pad + 20,
        legend_missed_x=pad + 160,
        legend_missed_text_x=pad + 180,
        attained_fill=BRAND,
        missed_fill=HOLLOW_BAR,
        label_size=label_size,
        value_size=value_size,
    )


@dataclass(frozen=True, slots=True)
class ScopeBar:
    label: str
    score: float | None
    stage: int | None
    lines: tuple[TextLine, ...]
    track_x: float
    track_width: float
    bar_y: float
    bar_height: float
    bar_width: float
    value_x: float
    value_y: float


@dataclass(frozen=True, slots=True)
class ScopeBars(_Worded):
    id: str
    # The version's word for its levels ("Stage", "Level"), never ours: no model is special.
    stage_word: str
    title: str
    description: str
    width: float
    height: float
    view_box: str
    max_width: int
    bars: tuple[ScopeBar, ...]
    fill: str
    label_size: float
    value_size: float

    @property
    def has_stages(self) -> bool:
        """False for bars without stages (progress sections): no stage column."""
        return any(bar.stage is not None for bar in self.bars)


def scope_bars(
    id: str,
    title: str,
    items: list[tuple[str, float | None, int | None]],
    *,
    description: str = "",
    stage_word: str = DEFAULT_STAGE_WORD,
) -> ScopeBars:
    """A horizontal bar per layer or pillar: its score 0..100, then "stage N" at the end."""
    _check_id(id)
    width, pad = BARS_WIDTH, 10.0
    label_size, value_size, line_height = 14.0, 14.0, 17.0
    value_column = text_width(f"100 · {lower_word(stage_word)} 4", value_size) + 12
    bar_height = 18.0
    track_x, track_width = pad, width - 2 * pad - value_column

    y = pad
    bars = []
    for label, score, stage in items:
        lines = wrap(label, width - 2 * pad, label_size, 2)
        block = _block(lines, track_x, y, line_height)
        y += len(lines) * line_height + 4
        clamped = _score(score)
        bars.append(
            ScopeBar(
                label=label,
                score=clamped,
                stage=stage,
                lines=block,
                track_x=track_x,
                track_width=_r(track_width),
                bar_y=_r(y),
                bar_height=bar_height,
                bar_width=_r(track_width * (clamped or 0.0) / 100),
                value_x=_r(track_x + track_width + 8),
                value_y=_r(y + bar_height - 4),
            )
        )
        y += bar_height + 16
    height = y - 16 + pad + 4
    return ScopeBars(
        id=id,
        stage_word=stage_word,
        title=title,
        description=description,
        width=width,
        height=_r(height),
        view_box=_view_box(width, height),
        max_width=_max_width(width),
        bars=tuple(bars),
        fill=BRAND,
        label_size=label_size,
        value_size=value_size,
    )


# --- History --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class XLabel:
    text: str  # possibly shortened with an ellipsis; the table has the full label
    x: float
    y: float
    rotated: bool  # drawn at -45 degrees, anchored at its end


@dataclass(frozen=True, slots=True)
class LegendLine:
    """A legend entry: a short line sample from x1 to x2 at y, then its text."""

    x1: float
    x2: float
    y: float
    text_x: float
    text_y: float

    @property
    def middle(self) -> float:
        return _r((self.x1 + self.x2) / 2)


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    label: str
    score: float | None
    stage: int | None  # None: the assessment's version has no stages (progress)
    x: float
    score_y: float | None  # None when the score is None
    stage_y: float | None  # None when the stage is None
    name: str = ""  # the assessment's title, for the data table and the dot's tooltip
    in_progress: bool = False  # drawn hollow, off the lines: its figures may still change


@dataclass(frozen=True, slots=True)
class HistoryChart(_Worded):
    id: str
    # The version's word for its levels ("Stage", "Level"), never ours: no model is special.
    stage_word: str
    title: str
    description: str
    width: float
    height: float
    view_box: str
    max_width: int
    max_stage: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    score_ticks: tuple[Tick, ...]  # left axis, 0..100, with grid lines
    stage_ticks: tuple[Tick, ...]  # right axis, 0..max_stage
    x_labels: tuple[XLabel, ...]
    points: tuple[HistoryPoint, ...]
    score_lines: tuple[str, ...]  # polyline points, one per run of points with a score
    stage_line: str  # polyline points of the step line
    dot_radius: float
    score_colour: str
    stage_colour: str
    legend_score: LegendLine
    legend_stage: LegendLine
    tick_bottom: float  # x ticks go from plot_bottom down to here
    centre_x: float  # where "No data" goes when there is no point
    centre_y: float
    tick_size: float
    label_size: float

    @property
    def dots(self) -> tuple[HistoryPoint, ...]:
        return tuple(point for point in self.points if point.score_y is not None)

    @property
    def first(self) -> HistoryPoint | None:
        return self.points[0] if self.points else None

    @property
    def last(self) -> HistoryPoint | None:
        return self.points[-1] if self.points else None


def _legend_line(x: float, y: float) -> LegendLine:
    return LegendLine(_r(x), _r(x + 24), _r(y), _r(x + 30), _r(y + 4))


def history(
    id: str,
    title: str,
    points: list[tuple[str, float | None, int | None]],
    *,
    max_stage: int = 4,
    description: str = "",
    stage_word: str = DEFAULT_STAGE_WORD,
    names: list[str] | None = None,
    last_in_progress: bool = False,
) -> HistoryChart:
    """Score (line with dots, left axis 0..100) and stage (step line, right axis) over time.

    `names` titles each point in the data table; `last_in_progress` marks the latest point as an
    assessment still in progress: a hollow dot that neither line reaches. A date the point
    before already shows is not written again on the axis (two assessments on one day).

    Points are evenly spaced, each in the middle of its own slot, so one point sits in the
    middle; the stage is drawn level across each slot. Date labels stand side by side when they
    fit, else on two staggered rows, else turned by 45 degrees and thinned to every n-th,
    counted back from the latest.
    """
    _check_id(id)
    max_stage = max(1, max_stage)
    width, plot_height = 480.0, 200.0
    tick_size, label_size = 13.0, 13.0
    label_max = 110.0
    count = len(points)

    texts = [wrap(label, label_max, label_size, 1)[0] for label, _, _ in points]
    names = names or [""] * count
    widest = max((text_width(text, label_size) for text in texts), default=0.0)
    plot_left, plot_right = 44.0, width - 30.0
    slot = (plot_right - plot_left) / max(count, 1)
    # Side by side when the labels fit, else on two staggered rows, else turned and thinned.
    staggered = slot < widest + 8 <= 2 * slot
    rotated = widest + 8 > 2 * slot
    if rotated:
        # A turned label reaches down and to the left by its width / sqrt(2).
        reach = text_width(texts[0], label_size) * math.sqrt(0.5)
        plot_left = max(plot_left, reach + 6 - slot / 2)
        slot = (plot_right - plot_left) / count
        # Every step-th label, counted back from the latest so that it is always shown.
        step = math.ceil(label_size * 2.2 / slot)
    else:
        step = 1
    plot_top = 44.0
    plot_bottom = plot_top + plot_height
    if rotated:
        label_room = widest * math.sqrt(0.5) + label_size + 14
    else:
        label_room = (2 if staggered else 1) * (label_size + 4) + 10
    height = plot_bottom + label_room + 6

    def score_y(score: float) -> float:
        return _r(plot_bottom - plot_height * score / 100)

    def stage_y(stage: int) -> float:
        return _r(plot_bottom - plot_height * _clamp(stage, 0, max_stage) / max_stage)

    history_points = []
    for index, (label, score, stage) in enumerate(points):
        clamped = _score(score)
        history_points.append(
            HistoryPoint(
                label=label,
                score=clamped,
                stage=stage,
                x=_r(plot_left + (index + 0.5) * slot),
                score_y=None if clamped is None else score_y(clamped),
                stage_y=None if stage is None else stage_y(stage),
                name=names[index],
                in_progress=last_in_progress and index == count - 1,
            )
        )

    indexes = sorted(range(count - 1, -1, -step))
    x_labels = tuple(
        XLabel(
            text=texts[index],
            x=history_points[index].x,
            y=_r(
                plot_bottom
                + (14 if rotated else label_size + 8)
                + (label_size + 4 if staggered and (count - 1 - index) % 2 else 0)
            ),
            rotated=rotated,
        )
        for index in indexes
        if index == 0 or texts[index] != texts[index - 1]
    )

    runs: list[list[HistoryPoint]] = [[]]
    for point in history_points:
        if point.score_y is None or point.in_progress:
            runs.append([])
        else:
            runs[-1].append(point)
    score_lines = tuple(
        " ".join(f"{p.x},{p.score_y}" for p in run) for run in runs if len(run) >= 2
    )

    # Each assessment's stage is a level across its own slot, so the step line changes level
    # half-way between two assessments and the latest stage shows as a level too.
    half = min(slot / 2, 24.0) if count == 1 else slot / 2
    # A point without a stage (a progress version) leaves no step; the line goes on past it.
    steps = [
        (x, point.stage_y)
        for point in history_points
        if point.stage_y is not None and not point.in_progress
        for x in (point.x - half, point.x + half)
    ]
    stage_line = " ".join(f"{_r(x)},{y}" for x, y in steps)

    return HistoryChart(
        id=id,
        stage_word=stage_word,
        title=title,
        description=description,
        width=width,
        height=_r(height),
        view_box=_view_box(width, height),
        max_width=_max_width(width),
        max_stage=max_stage,
        plot_left=_r(plot_left),
        plot_right=_r(plot_right),
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        score_ticks=tuple(Tick(value, score_y(value)) for value in (0, 25, 50, 75, 100)),
        stage_ticks=tuple(Tick(stage, stage_y(stage)) for stage in range(max_stage + 1)),
        x_labels=x_labels,
        points=tuple(history_points),
        score_lines=score_lines,
        stage_line=stage_line,
        dot_radius=4.0 if count <= 20 else 3.0,
        score_colour=BRAND,
        stage_colour=ACCENT,
        legend_score=_legend_line(plot_left, 14),
        legend_stage=_legend_line(plot_left + 200, 14),
        tick_bottom=plot_bottom + 4,
        centre_x=_r((plot_left + plot_right) / 2),
        centre_y=_r(plot_top + plot_height / 2),
        tick_size=tick_size,
        label_size=label_size,
    )
