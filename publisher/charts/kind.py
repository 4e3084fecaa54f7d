"""What a chart kind is, and the registry of kinds.

A kind is one class in one module of :mod:`publisher.charts.kinds`, registered
with :func:`register` (a name registered twice is an error). It holds all
there is to know about the kind:

- its fields: :attr:`Kind.data`, a dataclass whose typed fields the spec
  reader reads from the YAML (:mod:`publisher.charts.spec`), with their
  positions; a field without a default is required; text fields are printed
  (and so glyph-checked) unless marked ``not_printed``;
- its rules beyond the types: :meth:`Kind.check`;
- the characters it prints besides the spec's text: :attr:`Kind.marks`;
- its drawing: :meth:`Kind.draw` (SVG, with matplotlib), or for an HTML kind
  its template :attr:`Kind.template` (``charts/NAME.html.j2`` on the theme's
  search path, so a theme can override it) and the values it needs,
  :meth:`Kind.context`.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import pkgutil
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .spec import ChartData, ChartSpec

__all__ = ["ChartStyle", "Drawing", "Kind", "Templates", "kind_of", "printed_text", "register", "registry", "render"]


@dataclass(frozen=True)
class ChartStyle:
    """Design tokens the charts share with the CSS of the theme."""

    palette: tuple[str, ...]
    """Series colours, in order."""
    text: str
    """Colour of labels."""
    muted: str
    """Colour of axes, grid and secondary text."""
    font_family: str
    """Family name of the chart font (a bundled face the document embeds)."""
    font_files: tuple[Path, ...]
    """Font files registered with matplotlib."""
    font_size: float
    """Label size in points."""
    line_width: float
    """Width of axis lines in points (lines of a line chart are drawn thicker)."""
    width_mm: float
    """Width of the text column: charts are drawn at their printed size."""
    unit_label: str = "单位："
    """Printed before the unit (per document language)."""
    up_label: str = "同比增长"
    """KPI change up (per document language)."""
    down_label: str = "同比下降"
    """KPI change down (per document language)."""
    office: bool = False
    """Draw for an office document (Word): text as outlines, so the SVG needs no font, and a PNG besides."""
    font_fallbacks: tuple[tuple[str, Path, int], ...] = ()
    """The chart font's fallbacks, in order, each a family, the file of its regular face and the face's index
    in the file (a ``.ttc`` collection): a character
    the chart font lacks is drawn by the first that has it (the figure role's chain, as in the text)."""
    office_dpi: int = 300
    """Resolution of the PNG drawn for an office document."""


@dataclass(frozen=True)
class Drawing:
    """A drawn chart: inline SVG markup or an HTML fragment."""

    kind: str
    """``svg`` or ``html``."""
    markup: str
    png: bytes = b""
    """The same drawing as PNG, for an office document (:attr:`ChartStyle.office`); empty otherwise."""


Templates = Callable[[str, Mapping[str, object]], str]
"""Renders a template of the theme (by name) with a context: how an HTML kind is drawn."""

D = TypeVar("D", bound=ChartData)


class Kind(Generic[D]):
    """A chart kind: subclass it in a module of :mod:`publisher.charts.kinds` and decorate it with :func:`register`."""

    name: str
    """What ``type:`` says in a spec."""
    data: type[D]
    """Its fields: a dataclass the spec reader fills (:class:`~publisher.charts.spec.ChartData`)."""
    template: str = ""
    """An HTML kind's template (``charts/NAME.html.j2``); empty for a kind drawn as SVG."""
    marks: str = ""
    """Characters the kind prints besides the spec's text and numbers (▲, /, %…): glyph-checked too."""
    whole: bool = False
    """Whether it shows parts of one whole (donut, waffle, stacked): ``publisher check`` wants the whole stated."""

    def check(self, spec: ChartSpec, data: D) -> None:
        """Raise a positioned :class:`~publisher.errors.PublisherError` for what the types do not catch."""

    def draw(self, spec: ChartSpec, data: D, style: ChartStyle) -> Drawing:
        """The chart as SVG (kinds without a template)."""
        raise NotImplementedError(f"chart kind '{self.name}' has neither a drawing nor a template")

    def context(self, spec: ChartSpec, data: D, style: ChartStyle) -> Mapping[str, object]:
        """Values an HTML kind's template needs beyond ``spec``, ``data`` and ``style``."""
        return {}

    def data_of(self, spec: ChartSpec) -> D:
        """The spec's data, as this kind's dataclass."""
        if not isinstance(spec.data, self.data):
            raise TypeError(f"chart '{spec.id}' holds {type(spec.data).__name__}, not {self.data.__name__}")
        return spec.data


K = TypeVar("K", bound=type[Kind[Any]])
_REGISTRY: dict[str, Kind[Any]] = {}


def register(cls: K) -> K:
    """Register a chart kind class under its ``name``; registering a name twice is an error."""
    kind = cls()
    if kind.name in _REGISTRY:
        raise ValueError(f"chart kind '{kind.name}' is already registered")
    if not (is_dataclass(kind.data) and issubclass(kind.data, ChartData)):
        raise TypeError(f"chart kind '{kind.name}': its data must be a ChartData dataclass")
    _REGISTRY[kind.name] = kind
    return cls


_loaded = False


def registry() -> dict[str, Kind[Any]]:
    """The registered kinds by name: the modules of :mod:`publisher.charts.kinds` are imported on first use."""
    global _loaded
    if not _loaded:
        from . import kinds

        for module in sorted(m.name for m in pkgutil.iter_modules(kinds.__path__)):
            importlib.import_module(f"{kinds.__name__}.{module}")
        _loaded = True
    return dict(_REGISTRY)


def kind_of(spec: ChartSpec) -> Kind[Any]:
    """The kind of a spec (its ``type`` was checked when it was read)."""
    return registry()[spec.type]


MISSING_GLYPH = re.compile(r"Glyph \d+ .*missing from (?:current )?font")
"""matplotlib's warning for a character no chart font has: the glyph check
(:mod:`publisher.typeset.glyphs`) has said so already, at the character's place."""


def render(
    spec: ChartSpec, style: ChartStyle, templates: Templates, warn: Callable[[str], None] | None = None
) -> Drawing:
    """Draw one chart: an SVG kind with matplotlib, an HTML kind through its template.

    matplotlib's warnings never reach the terminal as they are (a file and line of the publisher's code, a
    line of it): a missing glyph is the glyph check's to tell, any other warning goes to ``warn`` as text.
    """
    kind = kind_of(spec)
    data = kind.data_of(spec)
    if not kind.template:
        with _matplotlib_said() as said:
            drawing = kind.draw(spec, data, style)
        for text in dict.fromkeys(said):  # once each, in order
            if warn is not None and not MISSING_GLYPH.match(text):
                warn(text)
        return drawing
    context = {"spec": spec, "data": data, "style": style, **kind.context(spec, data, style)}
    return Drawing("html", templates(kind.template, context).strip())


class _Said(logging.Handler):
    def __init__(self, said: list[str]):
        super().__init__(logging.WARNING)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@contextlib.contextmanager
def _matplotlib_said() -> Iterator[list[str]]:
    """What matplotlib warns of in the block (its warnings and its log's warnings), as text, instead of on
    stderr."""
    said: list[str] = []
    logger = logging.getLogger("matplotlib")
    handler = _Said(said)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield said
        said.extend(str(warning.message) for warning in caught)
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


NUMBER_CHARACTERS = "0123456789.,-"
"""What a printed number is made of (:func:`publisher.charts.numbers.format_number`)."""


def printed_text(spec: ChartSpec) -> str:
    """Every character the chart may print: its caption, unit and note, every printed text field of its data,
    the numbers and the kind's marks."""
    return "".join(
        [spec.caption_text, spec.unit, spec.note, *_texts(spec.data), NUMBER_CHARACTERS, kind_of(spec).marks]
    )


def _texts(value: object) -> Iterator[str]:
    """The printed text of a data value: its text fields, in lists and nested dataclasses, at any depth."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            if f.metadata.get("printed", True):
                yield from _texts(getattr(value, f.name))
