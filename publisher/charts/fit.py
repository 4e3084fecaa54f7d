"""Does a chart suit its data? What ``publisher check`` says about a chart the text does not support.

The figures cross-check (:mod:`publisher.charts.crosscheck`) asks whether each
number is stated; these checks ask whether the chart's *form* is: the text
decides, from the units and sentences its figures are stated with.

- one value scale carries one unit: bars of 家, 个 and 人 side by side compare
  what cannot be compared;
- a part-of-whole kind (:attr:`~publisher.charts.kind.Kind.whole`: donut,
  waffle, stacked) shows parts of one whole the text states: the parts add up
  to a figure of the text (or to 100 %);
- a progress chart's targets are stated in the text as targets (a sentence
  with 目标, 任务, 计划 …);
- a chart compares at least three values: one or two figures read better as
  KPI cards or in the sentence that states them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from ..errors import Diagnostics
from .crosscheck import UNITS, Stated, same
from .kind import kind_of
from .numbers import format_number
from .spec import ChartSpec, Number

MIN_VALUES = 3
"""Fewer values than this make no chart."""
TARGET_WORDS = ("目标", "任务", "计划", "力争", "确保", "要求", "指标", "下达")
"""Words that make a figure in a sentence a target."""
_LABEL_UNIT = re.compile(r"^\D*[\d.,]+\s*(?:余|多)?(" + "|".join(map(re.escape, UNITS)) + r")")
_VALUE_AT = re.compile(r"^values\[(\d+)\]$")


def check_fit(specs: Iterable[ChartSpec], stated: list[Stated], diagnostics: Diagnostics) -> None:
    """Warn, at its place, about every chart whose form its data (as the text states it) does not support."""
    by_value: dict[float, list[Stated]] = {}
    for s in stated:
        by_value.setdefault(s.value, []).append(s)
    for spec in specs:
        kind = kind_of(spec)
        if kind.template:  # KPI cards and tables draw no scale
            continue
        plotted = [n for n in spec.numbers if not n.what.startswith("targets")]
        if len(plotted) < MIN_VALUES:
            diagnostics.warn(
                f"chart '{spec.id}' shows {len(plotted)} value{'s' if len(plotted) != 1 else ''}: "
                f"a chart compares at least {MIN_VALUES}",
                spec.pos,
                "let the sentence that states the figures carry them, or show them as KPI cards (type: kpi)",
            )
        _one_unit(spec, plotted, by_value, diagnostics)
        if kind.whole:
            _one_whole(spec, plotted, by_value, diagnostics)
        if kind.name == "progress":
            _targets_stated(spec, stated, diagnostics)


def _units_of(spec: ChartSpec, number: Number, by_value: Mapping[float, list[Stated]]) -> set[str]:
    """The units a chart value is stated with: its value label's (``96家``), else those of the text's figures equal
    to it."""
    labels = getattr(spec.data, "value_labels", None)
    at = _VALUE_AT.match(number.what)
    if labels and at and int(at[1]) <= len(labels):
        written = _LABEL_UNIT.match(labels[int(at[1]) - 1])
        if written:
            return {written[1]}
    return {s.unit for value, found in by_value.items() if same(value, number.value) for s in found if s.unit}


def _one_unit(
    spec: ChartSpec, plotted: list[Number], by_value: Mapping[float, list[Stated]], diagnostics: Diagnostics
) -> None:
    units = [(number, _units_of(spec, number, by_value)) for number in plotted]
    known = [(number, found) for number, found in units if found]
    if len(known) < 2 and not spec.unit:
        return
    if spec.unit:
        scale = spec.unit
    else:
        counts = Counter(unit for _, found in known for unit in found)
        scale = max(counts, key=lambda unit: (counts[unit], -UNITS.index(unit)))
    others = [(number, found) for number, found in known if scale not in found]
    if not others:
        return
    number = others[0][0]
    shown = ", ".join(f"{format_number(n.value)} {'/'.join(sorted(f))}" for n, f in others[:4])
    diagnostics.warn(
        f"chart '{spec.id}': one value scale in different units: the text states {shown}, "
        f"the {'chart' if spec.unit else 'other values'} {scale}",
        number.pos,
        "a scale compares like with like: one chart per unit, or these figures as KPI cards (type: kpi)",
    )


def _one_whole(
    spec: ChartSpec, plotted: list[Number], by_value: Mapping[float, list[Stated]], diagnostics: Diagnostics
) -> None:
    """A whole is stated when the parts' sum is a figure of the text in their unit, in a paragraph that states
    one of the parts."""
    values = getattr(spec.data, "values", None)
    series = getattr(spec.data, "series", None)
    if values:
        totals, key = [sum(values)], "values"
    elif series:
        totals, key = [sum(column) for column in zip(*(s.values for s in series), strict=True)], "series"
    else:
        return
    units = Counter(unit for number in plotted for unit in _units_of(spec, number, by_value))
    unit = spec.unit or (units.most_common(1)[0][0] if units else "")
    lines = {(s.pos.path, s.pos.line) for n in plotted for v, found in by_value.items() if same(v, n.value)
             for s in found}  # fmt: skip
    for total in totals:
        if unit == "%" and same(total, 100):
            continue
        if any(
            same(total, s.value) and (not unit or s.unit == unit) and (s.pos.path, s.pos.line) in lines
            for v, found in by_value.items() if same(v, total) for s in found
        ):  # fmt: skip
            continue
        diagnostics.warn(
            f"chart '{spec.id}': a {spec.type} shows parts of one whole, but its parts add up to "
            f"{format_number(round(total, 6))}{unit}, a whole the text does not state with them",
            spec.where(key),
            "show parts of a whole the text states (their sum, in the paragraph that gives the parts), "
            "or separate counts as bars (type: hbar)",
        )
        return


def _targets_stated(spec: ChartSpec, stated: list[Stated], diagnostics: Diagnostics) -> None:
    for number in spec.numbers:
        if not number.what.startswith("targets"):
            continue
        if any(same(number.value, s.value) and any(w in s.sentence for w in TARGET_WORDS) for s in stated):
            continue
        diagnostics.warn(
            f"chart '{spec.id}': {number.what} = {format_number(number.value)} is not stated in the text as a target",
            number.pos,
            f"a progress chart needs a target the text states ({'、'.join(TARGET_WORDS[:4])} …); "
            "without one, show the values as bars (type: hbar)",
        )
