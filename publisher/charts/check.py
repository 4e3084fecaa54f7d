"""What each chart kind needs: checked before drawing, with positions."""

from __future__ import annotations

from ..errors import PublisherError
from .numbers import format_number
from .spec import ChartSpec

MAX_DONUT_SLICES = 6
MAX_WAFFLE_UNITS = 200

REQUIRED: dict[str, tuple[str, ...]] = {
    "bar": ("labels", "values"),
    "hbar": ("labels", "values"),
    "donut": ("labels", "values"),
    "grouped": ("labels", "series"),
    "stacked": ("labels", "series"),
    "line": ("labels",),
    "progress": ("labels", "values", "targets"),
    "waffle": ("labels", "values"),
    "kpi": ("items",),
    "table": ("rows",),
}


def check_spec(spec: ChartSpec) -> None:
    """Raise a positioned error when ``spec`` lacks what its kind needs."""
    for name in REQUIRED.get(spec.type, ()):
        if not getattr(spec, name):
            raise PublisherError(
                f"a '{spec.type}' chart needs `{name}:`",
                spec.pos,
                f"'{spec.type}' uses: {', '.join(REQUIRED[spec.type])}; see docs/source-format.md",
            )
    if spec.type == "line" and not (spec.values or spec.series):
        raise PublisherError("a 'line' chart needs `values:` or `series:`", spec.pos)
    if spec.type in ("bar", "hbar", "donut", "waffle", "progress") and any(v < 0 for v in spec.values):
        raise PublisherError(f"a '{spec.type}' chart cannot show negative values", spec.where("values"))
    if spec.type == "donut":
        if len(spec.values) > MAX_DONUT_SLICES:
            raise PublisherError(
                f"a donut shows at most {MAX_DONUT_SLICES} parts, this one has {len(spec.values)}",
                spec.where("values"),
                "use an hbar chart, or group the small parts",
            )
        if any(v <= 0 for v in spec.values):
            raise PublisherError("a donut needs positive values", spec.where("values"), "use a bar chart")
    if spec.type == "waffle":
        for number in spec.numbers:
            value = number.value
            if value != int(value) or value > MAX_WAFFLE_UNITS:
                raise PublisherError(
                    f"a waffle counts whole units up to {MAX_WAFFLE_UNITS}; {format_number(value)} is not one",
                    number.pos,
                    "use a bar chart for large or fractional values",
                )
