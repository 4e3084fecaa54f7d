"""What each chart kind needs: checked before drawing, with positions."""

from __future__ import annotations

from ..errors import PublisherError
from .spec import ChartSpec

REQUIRED: dict[str, tuple[str, ...]] = {
    "bar": ("labels", "values"),
    "hbar": ("labels", "values"),
    "donut": ("labels", "values"),
    "grouped": ("labels", "series"),
    "kpi": ("items",),
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
    if spec.type in ("bar", "hbar", "donut") and any(v < 0 for v in spec.values):
        raise PublisherError(f"a '{spec.type}' chart cannot show negative values", spec.where("values"))
