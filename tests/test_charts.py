"""The SVG charts: geometry, colours and the rendered templates. No database needed."""

import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assessments import charts
from assessments.charts import (
    EMPTY_FILL,
    HEAT_PALETTE,
    contrast_ratio,
    heat_colour,
    heatmap,
    history,
    radar,
    relative_luminance,
    scope_bars,
    stage_bars,
    text_colour_for,
    text_width,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & \"quotes\""
LAYERS = ["Workers and employees", "Management", "Business and team units", "The OSPO itself"]
PILLARS = ["Enabler", "Counselor", "Advocate", "Environmentalist"]
TEMPLATES = {
    charts.RadarChart: "charts/radar.html",
    charts.HeatMap: "charts/heatmap.html",
    charts.StageBars: "charts/stage_bars.html",
    charts.ScopeBars: "charts/scope_bars.html",
    charts.HistoryChart: "charts/history.html",
}


def render(chart) -> str:
    return render_to_string(TEMPLATES[type(chart)], {"chart": chart})


def svg_of(html: str) -> ET.Element:
    """The chart's <svg>…</svg>, parsed as XML: it fails unless it is well-formed."""
    match = re.search(r"<svg\b.*?</svg>", html, re.DOTALL)
    assert match, "no <svg> in the rendered chart"
    return ET.fromstring(match.group(0))


def distance(x1: float, y1: float, x2: float, y2: float) -> float:
    return math.hypot(x2 - x1, y2 - y1)


def sample_charts(label: str = "Label") -> list:
    """One chart of each kind, with ``label`` in every place user text can go."""
    return [
        radar("radar", label, [(label, 50, 2), ("Two", None, None), ("Three", 100, 4)]),
        heatmap("heat", label, [label, "Row"], [label, "Col"], {(0, 0): (42, 1), (1, 1): (90, 3)}),
        stage_bars("stages", label, [(0, label, 1.0, True), (1, "Ad hoc", 0.4, False)], 0.7),
        scope_bars("scopes", label, [(label, 62, 2), ("Other", None, None)]),
        history("history", label, [(label, 40, 1), ("2025-06-01", 55, 2)]),
    ]


# --- Radar geometry ---------------------------------------------------------------------------


def test_first_axis_is_at_the_top_and_the_others_follow_clockwise():
    chart = radar("r", "Layers", [(name, 50, 1) for name in LAYERS])
    top, right, bottom, left = chart.axes
    assert (top.spoke_x, top.spoke_y) == (chart.cx, chart.cy - chart.radius)
    assert (right.spoke_x, right.spoke_y) == (chart.cx + chart.radius, chart.cy)
    assert (bottom.spoke_x, bottom.spoke_y) == (chart.cx, chart.cy + chart.radius)
    assert (left.spoke_x, left.spoke_y) == (chart.cx - chart.radius, chart.cy)
    assert [axis.anchor for axis in chart.axes] == ["middle", "start", "middle", "end"]


def test_score_100_reaches_the_outer_ring_and_0_the_centre():
    chart = radar("r", "Pillars", [("A", 100, 4), ("B", 0, 0), ("C", 50, 2), ("D", 25, 1)])
    full, zero, half, quarter = chart.axes
    assert distance(chart.cx, chart.cy, full.dot_x, full.dot_y) == pytest.approx(chart.radius)
    assert (full.dot_x, full.dot_y) == (full.spoke_x, full.spoke_y)
    assert (zero.dot_x, zero.dot_y) == (chart.cx, chart.cy)
    assert distance(chart.cx, chart.cy, half.dot_x, half.dot_y) == pytest.approx(
        chart.radius / 2, abs=0.1
    )
    outer = chart.rings[-1]
    assert outer.value == 100 and outer.r == chart.radius
    assert [ring.value for ring in chart.rings] == [25, 50, 75, 100]
    # The polygon goes through the dots, in order.
    assert chart.points.split()[0] == f"{full.dot_x},{full.dot_y}"


def test_a_missing_score_counts_as_zero_in_the_polygon_but_says_no_data():
    chart = radar("r", "Layers", [("A", 80, 3), ("B", None, None), ("C", 60, 2)])
    missing = chart.axes[1]
    assert missing.score is None
    assert (missing.dot_x, missing.dot_y) == (chart.cx, chart.cy)
    assert f"{chart.cx},{chart.cy}" in chart.points.split()
    html = render(chart)
    svg = svg_of(html)
    dots = [c for c in svg.iter(f"{SVG}circle") if c.get("r") == "4"]
    assert len(dots) == 2  # no dot for "no data"
    rows = re.findall(r"<tr>.*?</tr>", html, re.DOTALL)
    assert "no data" in next(row for row in rows if ">B</th>" in row)


def test_radar_labels_and_rings_lie_inside_the_view_box():
    chart = radar("r", "Long labels", [(name * 3, 100, 4) for name in PILLARS + ["Fifth"]])
    for axis in chart.axes:
        for line in axis.lines:
            width = text_width(line.text, chart.label_size)
            left = {"start": line.x, "middle": line.x - width / 2, "end": line.x - width}[
                axis.anchor
            ]
            assert left >= 0 and left + width <= chart.width + 0.1
            assert chart.label_size <= line.y <= chart.height
    assert chart.radius <= chart.cx <= chart.width - chart.radius
    assert chart.radius <= chart.cy <= chart.height - chart.radius


@pytest.mark.parametrize("count", [0, 1, 2])
def test_radar_with_fewer_than_three_axes_renders(count):
    chart = radar("r", "Few", [(f"Axis {i}", 60, 2) for i in range(count)])
    assert not chart.polygonal
    svg = svg_of(render(chart))
    assert len(list(svg.iter(f"{SVG}circle"))) >= 4  # the rings are circles
    assert [axis.score for axis in chart.axes] == [60] * count


@given(st.lists(st.one_of(st.none(), st.floats(-50, 150)), min_size=1, max_size=12))
def test_radar_dots_never_leave_the_outer_ring(scores):
    chart = radar("r", "Any", [(f"Axis {i}", score, None) for i, score in enumerate(scores)])
    for axis in chart.axes:
        assert distance(chart.cx, chart.cy, axis.dot_x, axis.dot_y) <= chart.radius + 0.2


# --- Colours ----------------------------------------------------------------------------------


def test_luminance_and_contrast_match_wcag():
    assert relative_luminance("#ffffff") == pytest.approx(1.0)
    assert relative_luminance("#000000") == pytest.approx(0.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("fill", [*HEAT_PALETTE, EMPTY_FILL])
def test_cell_text_contrasts_at_least_4_5_on_every_palette_step(fill):
    assert contrast_ratio(fill, text_colour_for(fill)) >= 4.5


def test_palette_runs_light_to_dark():
    luminances = [relative_luminance(colour) for colour in HEAT_PALETTE]
    assert luminances == sorted(luminances, reverse=True)
    assert 5 <= len(HEAT_PALETTE) <= 6


@given(st.integers(0, 0xFFFFFF))
def test_black_or_white_text_always_reaches_4_5(value):
    fill = f"#{value:06x}"
    assert contrast_ratio(fill, text_colour_for(fill)) >= 4.5


def test_heat_colour_steps_follow_the_displayed_score():
    assert heat_colour(None) == EMPTY_FILL
    assert heat_colour(0) == HEAT_PALETTE[0]
    assert heat_colour(19.4) == HEAT_PALETTE[0]
    assert heat_colour(19.5) == HEAT_PALETTE[1]  # shown as 20
    assert heat_colour(59.9) == HEAT_PALETTE[3]
    assert heat_colour(80) == heat_colour(100) == HEAT_PALETTE[-1]


# --- Heat map ---------------------------------------------------------------------------------


def test_heatmap_cells_colours_and_empty_cells():
    chart = heatmap("h", "Cells", LAYERS[:2], PILLARS, {(0, 0): (10, 0), (1, 3): (95, 4)})
    assert [len(row.cells) for row in chart.rows] == [4, 4]
    low, high = chart.rows[0].cells[0], chart.rows[1].cells[3]
    assert (low.fill, low.text_colour) == (HEAT_PALETTE[0], "#000000")
    assert (high.fill, high.text_colour) == (HEAT_PALETTE[-1], "#ffffff")
    empty = chart.rows[0].cells[1]
    assert empty.empty and empty.fill == EMPTY_FILL
    for row in chart.rows:
        for cell in row.cells:
            assert contrast_ratio(cell.fill, cell.text_colour) >= 4.5
            assert cell.x + cell.width <= chart.width and cell.y + cell.height <= chart.height
    html = render(chart)
    svg = svg_of(html)
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "10" in texts and "95" in texts and "stage 4" in texts
    assert texts.count("–") == 6
    assert "0–19" in texts and "80–100" in texts and "no data" in texts  # the legend
    assert '<th scope="col">Environmentalist</th>' in html
    assert '<th scope="row">Management</th>' in html


def test_heatmap_column_headers_fit_their_cells():
    chart = heatmap("h", "Long", ["Row"], ["Environmentalist", "A very long pillar name"], {})
    for column in chart.columns:
        for line in column.lines:
            assert text_width(line.text, column.size) <= 104
    assert len({column.size for column in chart.columns}) == 1


# --- Bars -------------------------------------------------------------------------------------


def test_stage_bars_geometry_and_threshold():
    chart = stage_bars(
        "s",
        "Stages",
        [(0, "Awareness", 1.0, True), (1, "Ad hoc", 0.55, False), (2, "Strategy", None, False)],
        0.7,
    )
    full, partial, missing = chart.bars
    assert full.bar_width == full.track_width
    assert partial.bar_width == pytest.approx(partial.track_width * 0.55, abs=0.1)
    assert missing.coverage is None and missing.bar_width == 0
    assert chart.threshold_x == pytest.approx(full.track_x + full.track_width * 0.7, abs=0.1)
    assert full.fill != partial.fill
    assert partial.percent == 55  # not 55.00000000000001
    html = render(chart)
    svg = svg_of(html)
    first_label = "".join(next(svg.iter(f"{SVG}text"), ET.Element("x")).itertext())
    assert "threshold 70 %" in first_label
    labels = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "✓ Stage 0 · Awareness" in labels  # attained is said, not only coloured
    assert "Stage 1 · Ad hoc" in labels
    assert "55 %" in labels and "no data" in labels
    assert "✓ Yes" in html and ">No</td>" in html


def test_stages_with_their_own_thresholds_each_mark_their_own():
    chart = stage_bars(
        "s",
        "Stages",
        [
            (0, "Awareness (threshold 50 %)", 0.6, True),
            (1, "Strategy (threshold 70 %)", 0.6, False),
        ],
        0.7,
        thresholds=[0.5, 0.7],
    )
    low, high = chart.bars
    assert not chart.same_threshold
    assert low.marker_x == pytest.approx(low.track_x + low.track_width * 0.5, abs=0.1)
    assert high.marker_x == pytest.approx(high.track_x + high.track_width * 0.7, abs=0.1)
    svg = svg_of(render(chart))
    labels = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert not any(label.startswith("threshold") for label in labels)
    assert "✓ Stage 0 · Awareness (threshold 50 %)" in labels
    desc = "".join(next(svg.iter(f"{SVG}desc")).itertext())
    assert "against its own threshold" in desc


def test_scope_bars_geometry():
    chart = scope_bars("b", "Layers", [("A", 100, 4), ("B", 25, 1), ("C", None, None)])
    full, quarter, missing = chart.bars
    assert full.bar_width == full.track_width
    assert quarter.bar_width == pytest.approx(full.track_width / 4, abs=0.1)
    assert missing.score is None
    assert full.bar_y < quarter.bar_y < missing.bar_y <= chart.height - missing.bar_height
    svg = svg_of(render(chart))
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "100 · stage 4" in texts and "25 · stage 1" in texts and "no data" in texts
    filled = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") == chart.fill]
    assert len(filled) == 2


# --- History ----------------------------------------------------------------------------------


def test_history_with_one_point():
    chart = history("h", "Once", [("2025-09-10", 71, 3)])
    (point,) = chart.points
    assert point.x == pytest.approx((chart.plot_left + chart.plot_right) / 2, abs=0.1)
    assert point.score_y == pytest.approx(chart.plot_bottom - 0.71 * 200, abs=0.1)
    assert point.stage_y == pytest.approx(chart.plot_bottom - 0.75 * 200, abs=0.1)
    assert chart.score_lines == ()  # a lone dot, no line
    assert len(chart.stage_line.split()) == 2
    svg = svg_of(render(chart))
    assert len([c for c in svg.iter(f"{SVG}circle") if c.get("r") == "4.0"]) == 1
    assert [x.text for x in chart.x_labels] == ["2025-09-10"]


def test_history_with_fifty_points_thins_and_turns_its_labels():
    points = [(f"2021-{i // 12 + 1:02d}-{i % 28 + 1:02d}", i * 2, i // 13) for i in range(50)]
    chart = history("h", "Many", points)
    assert len(chart.points) == 50 and len(chart.dots) == 50
    assert all(label.rotated for label in chart.x_labels)
    assert 5 <= len(chart.x_labels) < 50
    assert chart.x_labels[-1].text == points[-1][0]  # the latest date is always shown
    gaps = {round(b.x - a.x, 0) for a, b in zip(chart.x_labels, chart.x_labels[1:], strict=False)}
    assert len(gaps) == 1 and min(gaps) >= chart.label_size * 1.5  # even, and not crowded
    xs = [point.x for point in chart.points]
    assert xs == sorted(xs) and chart.plot_left < xs[0] and xs[-1] < chart.plot_right
    svg = svg_of(render(chart))
    assert len(list(svg.iter(f"{SVG}circle"))) >= 50


def test_history_labels_side_by_side_when_they_fit():
    chart = history("h", "Few", [("Q1", 10, 0), ("Q2", 20, 1), ("Q3", 30, 1)])
    assert not any(label.rotated for label in chart.x_labels)
    assert len({label.y for label in chart.x_labels}) == 1


def test_history_breaks_the_score_line_where_there_is_no_score():
    chart = history("h", "Gap", [("a", 10, 0), ("b", 20, 1), ("c", None, 1), ("d", 40, 2)])
    assert len(chart.score_lines) == 1  # a-b; d stands alone
    assert len(chart.dots) == 3
    assert chart.points[2].score_y is None


def test_history_stage_axis_and_step_line():
    chart = history("h", "Stages", [("a", 10, 0), ("b", 20, 3)], max_stage=3)
    assert [tick.value for tick in chart.stage_ticks] == [0, 1, 2, 3]
    assert chart.stage_ticks[0].y == chart.plot_bottom
    assert chart.stage_ticks[-1].y == chart.plot_top
    ys = {float(pair.split(",")[1]) for pair in chart.stage_line.split()}
    assert ys == {chart.plot_bottom, chart.plot_top}


def test_empty_history_renders():
    svg = svg_of(render(history("h", "Nothing", [])))
    assert any("No data" in "".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


# --- Text -------------------------------------------------------------------------------------


def test_wrap_breaks_lines_long_words_and_ellipsizes():
    assert wrap("Business and team units", 120, 14) == ("Business and", "team units")
    assert wrap("", 100, 14) == ("",)
    pieces = wrap("Supercalifragilisticexpialidocious", 80, 14)
    assert len(pieces) > 1 and all(text_width(p, 14) <= 80 for p in pieces)
    cut = wrap("one two three four five six seven eight", 60, 14, max_lines=2)
    assert len(cut) == 2 and cut[-1].endswith("…")
    indented = wrap("Security, education and strategy", 200, 14, indent=100)
    assert text_width(indented[0], 14) <= 100


def test_chart_ids_must_be_slugs():
    with pytest.raises(ValueError):
        radar('x" onload="alert(1)', "Title", [])
    with pytest.raises(ValueError):
        history("", "Title", [])


# --- Templates --------------------------------------------------------------------------------


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda chart: type(chart).__name__)
def test_each_chart_is_an_accessible_figure_with_well_formed_svg(chart):
    html = render(chart)
    svg = svg_of(html)
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == f"{chart.id}-title {chart.id}-desc"
    assert svg.find(f"{SVG}title").get("id") == f"{chart.id}-title"
    desc = svg.find(f"{SVG}desc")
    assert desc.get("id") == f"{chart.id}-desc" and "".join(desc.itertext()).strip()
    # The natural width as an attribute and a class that lets it shrink: no inline style, which
    # the Content Security Policy would block.
    assert svg.get("viewBox") == chart.view_box and svg.get("width") == str(chart.max_width)
    assert svg.get("class") == "chart-svg" and svg.get("style") is None
    # The body face of the PDFs first; on the web app.css gives it the page's own family.
    assert svg.get("font-family").startswith("Source Sans 3, ")
    # Self-contained: nothing to fetch and nothing to run.
    assert "<script" not in html.lower() and "href" not in html and "<style" not in html
    assert html.lstrip().startswith("<figure") and "<figcaption" in html
    assert "<details" in html and "<summary>Show the data</summary>" in html
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda chart: type(chart).__name__)
def test_no_tspan_inside_a_tspan(chart):
    """WeasyPrint, which draws the PDF report, drops the text after a nested <tspan>."""
    svg = svg_of(render(chart))
    for tspan in svg.iter(f"{SVG}tspan"):
        assert tspan.find(f"{SVG}tspan") is None


def test_a_given_description_replaces_the_generated_one():
    chart = scope_bars("b", "Layers", [("A", 10, 0)], description="Mostly <early> days")
    desc = svg_of(render(chart)).find(f"{SVG}desc")
    assert "".join(desc.itertext()) == "Mostly <early> days"


@pytest.mark.parametrize("chart", sample_charts(EVIL), ids=lambda chart: type(chart).__name__)
def test_user_labels_are_escaped(chart):
    html = render(chart)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    svg = svg_of(html)  # still well-formed, and the text reads as typed
    assert "".join(svg.find(f"{SVG}title").itertext()) == EVIL
    assert any("<script>" in "".join(t.itertext()) for t in svg.iter(f"{SVG}text"))


@pytest.mark.parametrize("chart", sample_charts(), ids=lambda chart: type(chart).__name__)
def test_coordinates_are_not_localized(chart):
    """A German page writes 12,5 for 12.5: SVG coordinates must not follow."""
    with translation.override("de"):
        svg = svg_of(render(chart))
    numeric = {"x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "width", "height", "dx", "dy"}
    for element in svg.iter():
        for name, value in element.attrib.items():
            if name in numeric and value != "100%":
                float(value)
            elif name in ("points", "viewBox"):
                assert re.fullmatch(r"[-0-9., ]*", value), value
                assert all(float(n) is not None for n in re.split(r"[ ,]", value) if n)


def test_two_radars_on_one_page_have_unique_ids():
    page = render(radar("radar-layers", "Layers", [(name, 50, 2) for name in LAYERS])) + render(
        radar("radar-pillars", "Pillars", [(name, 70, 3) for name in PILLARS])
    )
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == 6
    for labelledby in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert all(ref in ids for ref in labelledby.split())


def test_history_writes_a_repeated_date_once_on_the_axis():
    chart = history("h", "Same day", [("Nov. 29, 2026", 40, 1), ("Nov. 29, 2026", 50, 2)])
    assert [label.text for label in chart.x_labels] == ["Nov. 29, 2026"]
    assert len(chart.dots) == 2  # both assessments are still drawn


def test_history_draws_an_in_progress_assessment_hollow_and_off_the_lines():
    points = [("Jan. 5, 2026", 40, 1), ("June 5, 2026", 50, 2), ("Nov. 29, 2026", 70, 3)]
    chart = history("h", "Marked", points, names=["A", "B", "C"], last_in_progress=True)
    assert [p.in_progress for p in chart.points] == [False, False, True]
    last = chart.points[-1]
    assert chart.score_lines == (" ".join(f"{p.x},{p.score_y}" for p in chart.points[:2]),)
    assert str(last.stage_y) not in {pair.split(",")[1] for pair in chart.stage_line.split()}
    html = render(chart)
    hollow = [c for c in svg_of(html).iter(f"{SVG}circle") if c.get("data-in-progress")]
    assert len(hollow) == 1 and hollow[0].get("fill") == "#ffffff"
    assert "still in progress" in html and "in progress</span>" in html
