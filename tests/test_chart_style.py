"""One chart style, read from the drawn SVG: label sizes at print size, label contrast against what each label is
printed on, axes that line up between charts of one kind, series apart in greyscale and for deuteranopes, and the
black-and-grey figures of ``gongwen``."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pytest
from matplotlib.colors import to_rgb

from publisher import charts
from publisher.html import chart_templates
from publisher.theme import Theme, load_theme

from .conftest import REPO

GALLERY = REPO / "docs" / "gallery"
MIN_SIZE = {"report": 8.0, "gongwen": 12.0}
"""The smallest chart text each theme allows, in points at print size."""

_TEXT = re.compile(r"<text\b([^>]*)>([^<]*)</text>")
_PATH = re.compile(r"<path\b([^>]*)/>")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Label:
    text: str
    size: float
    """At print size, in points."""
    bold: bool
    colour: str
    background: str


@dataclass(frozen=True)
class Drawn:
    svg: str
    scale: float
    """Points at print size per SVG unit."""
    labels: list[Label]
    fills: list[str]
    """Distinct fill colours of the shapes (no white, no "none"), in drawing order."""


def _style_of(attributes: str) -> dict[str, str]:
    match = re.search(r'style="([^"]*)"', attributes)
    items = [item.split(":", 1) for item in (match[1] if match else "").split(";") if ":" in item]
    return {key.strip(): value.strip() for key, value in items}


def _place(attributes: str) -> tuple[float, float]:
    """Where a <text> is anchored: its x and y, or its translate()."""
    x, y = re.search(r'\bx="([-\d.]+)"', attributes), re.search(r'\by="([-\d.]+)"', attributes)
    if x and y:
        return float(x[1]), float(y[1])
    moved = re.search(r"translate\(([-\d.]+)[ ,]([-\d.]+)\)", attributes)
    assert moved, attributes
    return float(moved[1]), float(moved[2])


def read_svg(svg: str, column_pt: float) -> Drawn:
    """Every label of a drawn chart with its printed size, colour and the colour under it; the shapes' fills."""
    width = float(re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"', svg)[1])  # type: ignore[index]
    scale = min(1.0, column_pt / width)  # an <img> at most as wide as the text column
    body = svg.split("<defs>", 1)[0] + svg.split("</defs>", 1)[-1]
    shapes: list[tuple[int, tuple[float, float, float, float], str]] = []
    for match in _PATH.finditer(body):
        fill = _style_of(match[1]).get("fill", "#000000")
        d = re.search(r'\bd="([^"]*)"', match[1])
        if fill in ("none", "") or d is None:
            continue
        numbers = [float(n) for n in _NUMBER.findall(d[1])]
        xs, ys = numbers[0::2], numbers[1::2]
        shapes.append((match.start(), (min(xs), min(ys), max(xs), max(ys)), fill))
    labels = []
    for match in _TEXT.finditer(body):
        style = _style_of(match[1])
        size = float(style["font-size"].removesuffix("px"))
        x, y = _place(match[1])
        anchor = style.get("text-anchor", "start")
        x += {"start": 0.5 * size, "end": -0.5 * size}.get(anchor, 0.0)
        y -= 0.35 * size
        under = [fill for at, (x0, y0, x1, y1), fill in shapes
                 if at < match.start() and x0 <= x <= x1 and y0 <= y <= y1]  # fmt: skip
        labels.append(
            Label(
                match[2], size * scale, style.get("font-weight", "") in ("bold", "700"), style.get("fill", "#000000"),
                under[-1] if under else "#ffffff",
            )
        )  # fmt: skip
    fills = list(dict.fromkeys(fill for _, _, fill in shapes if fill.lower() not in ("#ffffff", "white")))
    return Drawn(svg, scale, labels, fills)


@pytest.fixture(scope="module", params=["report", "gongwen"])
def theme(request: pytest.FixtureRequest) -> Theme:
    return load_theme(request.param, REPO)


def drawn(theme: Theme, spec: charts.ChartSpec, paper: str = "A4") -> Drawn:
    style = theme.chart_style(paper)
    drawing = charts.render(spec, style, chart_templates(theme))
    assert drawing.kind == "svg"
    return read_svg(drawing.markup, style.width_mm / 25.4 * 72)


def svg_specs() -> list[charts.ChartSpec]:
    """The gallery's chart of every drawn kind and the sample's charts."""
    found = [*charts.load_specs(GALLERY).values(), *charts.load_specs(REPO).values()]
    return [spec for spec in found if not charts.kind_of(spec).template]


def lightness(colour: str) -> float:
    return _lstar(_linear(colour))


def _linear(colour: str) -> tuple[float, float, float]:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return r, g, b


def _lstar(rgb: tuple[float, float, float]) -> float:
    y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return 116 * y ** (1 / 3) - 16 if y > 0.008856 else 903.3 * y


def _lab(rgb: tuple[float, float, float]) -> tuple[float, float, float]:
    r, g, b = rgb
    x, y, z = (
        (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.9505,
        0.2126 * r + 0.7152 * g + 0.0722 * b,
        (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.089,
    )

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""
    ya, yb = sorted(0.2126 * r + 0.7152 * g + 0.0722 * b for r, g, b in (_linear(a), _linear(b)))
    return (yb + 0.05) / (ya + 0.05)


def deuteranope(colour: str) -> tuple[float, float, float]:
    """What a deuteranope sees (Machado, Oliveira and Fernandes 2009, severity 1), in linear RGB."""
    r, g, b = _linear(colour)
    rows = ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413), (-0.011820, 0.042940, 0.968881))
    seen = [min(1.0, max(0.0, m[0] * r + m[1] * g + m[2] * b)) for m in rows]
    return seen[0], seen[1], seen[2]


@pytest.mark.parametrize("spec", svg_specs(), ids=lambda spec: spec.id)
def test_labels_are_large_enough_and_contrast_with_what_they_are_on(theme: Theme, spec: charts.ChartSpec) -> None:
    chart = drawn(theme, spec)
    assert chart.labels, "chart text must stay text"
    smallest = MIN_SIZE[theme.name]
    for label in chart.labels:
        assert label.size >= smallest - 0.01, (label.text, label.size)
        assert contrast(label.colour, label.background) >= 4.5, label
    # one size for every label; the values bold, the category labels regular
    assert {round(label.size, 2) for label in chart.labels} == {round(chart.labels[0].size, 2)}


def test_a_label_on_a_bar_takes_the_colour_that_reads(theme: Theme) -> None:
    stacked = charts.load_specs(GALLERY)["stacked"]
    inside = [label for label in drawn(theme, stacked).labels if label.background != "#ffffff"]
    assert inside, "the stacked chart labels its parts on the bars"
    assert all(contrast(label.colour, label.background) >= 4.5 for label in inside)


def test_series_are_apart_in_greyscale_and_for_deuteranopes(theme: Theme) -> None:
    gallery = charts.load_specs(GALLERY)
    for kind in ("grouped", "stacked", "donut", "waffle"):
        fills = drawn(theme, gallery[kind]).fills
        assert len(fills) >= 2, kind
        for a, b in itertools.combinations(fills, 2):
            assert abs(lightness(a) - lightness(b)) >= 15, (kind, a, b)
            seen = [_lab(deuteranope(c)) for c in (a, b)]
            assert sum((x - y) ** 2 for x, y in zip(*seen, strict=True)) ** 0.5 >= 15, (kind, a, b)
    palette = theme.chart_style("A4").palette
    for a, b in itertools.combinations(palette, 2):
        assert abs(lightness(a) - lightness(b)) >= 15, (a, b)


def _axis_line(chart: Drawn, vertical: bool) -> float:
    """The x of a horizontal chart's axis line (a vertical stroke), or the distance of a vertical chart's base
    line from the drawing's bottom edge."""
    height = float(re.search(r'viewBox="0 0 [\d.]+ ([\d.]+)"', chart.svg)[1])  # type: ignore[index]
    for match in _PATH.finditer(chart.svg):
        if "stroke:" not in match[1] or "fill: none" not in match[1]:
            continue
        numbers = [float(n) for n in _NUMBER.findall(re.search(r'\bd="([^"]*)"', match[1])[1])]  # type: ignore[index]
        if len(numbers) != 4:
            continue
        x0, y0, x1, y1 = numbers
        if vertical and abs(x0 - x1) < 0.01:
            return x0
        if not vertical and abs(y0 - y1) < 0.01:
            return height - y0
    raise AssertionError("no axis line")


def test_charts_of_one_kind_line_up(theme: Theme) -> None:
    sample = charts.load_specs(REPO)
    by_kind: dict[str, list[charts.ChartSpec]] = {}
    for spec in sample.values():
        by_kind.setdefault(spec.type, []).append(spec)
    assert len(by_kind["hbar"]) >= 4 and len(by_kind["bar"]) >= 2
    lefts = {round(_axis_line(drawn(theme, spec), vertical=True), 1) for spec in by_kind["hbar"]}
    assert len(lefts) == 1, lefts
    bases = {round(_axis_line(drawn(theme, spec), vertical=False), 1) for spec in by_kind["bar"]}
    assert len(bases) == 1, bases
    drawn_labels = [label for spec in sample.values() if spec.type != "kpi" for label in drawn(theme, spec).labels]
    sizes = {round(label.size, 2) for label in drawn_labels}
    assert sizes == {theme.chart_style("A4").font_size}


def test_gongwen_figures_are_black_and_grey(theme: Theme) -> None:
    if theme.name != "gongwen":
        pytest.skip("the report theme has its colours")
    colours = set()
    for spec in svg_specs():
        chart = drawn(theme, spec)
        colours |= {*chart.fills, *(label.colour for label in chart.labels)}
        colours |= {m[1] for m in re.finditer(r"stroke: (#[0-9a-f]{6})", chart.svg)}
    hues = {c for c in colours if len({round(v, 2) for v in to_rgb(c)}) > 1}
    assert len(hues) <= 1, hues  # black and greys, at most one accent
