"""How the theme styles a document, as plain values: the CSS engine's computed styles, without layout.

An output that does not typeset with WeasyPrint (the Word writer) still
wants the document to look the way the theme says: the same faces, sizes,
colours, spacing and page furniture as the PDF. :func:`styled_document` runs
WeasyPrint's cascade (no layout, no fonts loaded) over the report's HTML and
returns the computed style of every element as a :class:`Styled` tree, and
the page styles with their margin boxes as :class:`PageStyle`.

The report's own content is left out (its styles are not needed, only one
of each kind of element): the first ``main_head`` children of ``<main>`` (the
blocks of the text) are replaced by a specimen the caller gives; what follows
them (the theme's ``closing.html.j2``) stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import Diagnostics
from . import require

PX_TO_PT = 0.75
"""CSS pixels (1/96 in) to points."""


@dataclass(frozen=True)
class Length:
    """A length as computed: points, or a percentage of the containing block."""

    value: float
    percent: bool = False

    def resolve(self, whole_pt: float) -> float:
        """Points, a percentage taken of ``whole_pt``."""
        return self.value * whole_pt / 100 if self.percent else self.value


@dataclass(frozen=True)
class Border:
    width_pt: float
    color: str
    """``RRGGBB``."""


@dataclass(frozen=True)
class Style:
    """The computed style of one element (or margin box), in points and ``RRGGBB`` colours."""

    families: tuple[str, ...] = ()
    size_pt: float = 12.0
    bold: bool = False
    italic: bool = False
    color: str = "000000"
    background: str = ""
    """Background colour, ``""`` when transparent."""
    line_height: float = 0.0
    """A multiple of the font size; 0 for ``normal`` or when :attr:`line_height_pt` is set."""
    line_height_pt: float = 0.0
    """An absolute line height; 0 when relative."""
    margin: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """Top, right, bottom, left, in points (``auto`` and percentages as 0)."""
    padding: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    borders: dict[str, Border] = field(default_factory=dict)
    """Visible borders by side (``top``, ``right``, ``bottom``, ``left``)."""
    indent_pt: float = 0.0
    """``text-indent``."""
    align: str = "left"
    """``left``, ``right``, ``center`` or ``justify``."""
    letter_spacing_pt: float = 0.0
    break_before: str = "auto"
    break_after: str = "auto"
    break_inside: str = "auto"
    position: str = "static"
    offsets: dict[str, Length] = field(default_factory=dict)
    """``top``, ``right``, ``bottom``, ``left`` when not ``auto``."""
    width: Length | None = None
    height: Length | None = None
    page: str = ""
    """The named page the element asks for (``''``: any)."""
    string_set: tuple[tuple[str, str], ...] = ()
    """Named strings the element sets and what from: ``(("part", "attr:data-label"),)``."""
    float: str = "none"
    vertical_align: str = "baseline"
    display: str = "block"


@dataclass(frozen=True)
class Styled:
    """An element of the document with its computed style."""

    tag: str
    attrs: dict[str, str]
    style: Style
    text: str
    """Its own text and its children's, whitespace collapsed."""
    children: tuple[Styled, ...] = ()

    @property
    def classes(self) -> tuple[str, ...]:
        return tuple(self.attrs.get("class", "").split())

    def walk(self) -> Iterator[Styled]:
        """This element and every element inside it, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, attr: str, value: str | None = None) -> Styled | None:
        """The first element (this one included) with attribute ``attr`` (equal to ``value`` if given)."""
        for element in self.walk():
            if attr in element.attrs and (value is None or element.attrs[attr] == value):
                return element
        return None


@dataclass(frozen=True)
class MarginBox:
    """A page-margin box (``@top-left`` …): what it shows and how."""

    content: tuple[tuple[str, str], ...]
    """Parts in order: ``("text", "— ")``, ``("counter", "page")``, ``("string", "part")``."""
    style: Style


@dataclass(frozen=True)
class PageStyle:
    """One kind of page: its size, margins and margin boxes."""

    width_pt: float
    height_pt: float
    margin: tuple[float, float, float, float]
    """Top, right, bottom, left."""
    boxes: dict[str, MarginBox]
    """The margin boxes with content, by name (``top-left``, ``bottom-right`` …)."""


@dataclass(frozen=True)
class PageKind:
    """Which page to compute a style for: a side, a page name, the first page or not."""

    side: str = "right"
    name: str = ""
    first: bool = False


@dataclass(frozen=True)
class StyledDocument:
    body: Styled
    pages: dict[PageKind, PageStyle]


def _hex(color: Any, fallback: str = "000000") -> str:
    """``RRGGBB`` of a computed colour (``""`` when fully transparent)."""
    if color is None or isinstance(color, str):
        return fallback
    srgb = color.to("srgb")
    if srgb.alpha == 0:
        return ""
    return "".join(f"{round(max(0.0, min(1.0, c)) * 255):02X}" for c in srgb.coordinates)


def _points(value: Any) -> float:
    """Points of a computed length in px (percentages and ``auto`` as 0)."""
    if isinstance(value, int | float):
        return float(value) * PX_TO_PT
    unit = getattr(value, "unit", None)
    if unit == "px":
        return float(value.value) * PX_TO_PT
    return 0.0


def _length(value: Any) -> Length | None:
    unit = getattr(value, "unit", None)
    if unit == "px":
        return Length(float(value.value) * PX_TO_PT)
    if unit == "%":
        return Length(float(value.value), percent=True)
    if isinstance(value, int | float):
        return Length(float(value) * PX_TO_PT)
    return None


def _string_set(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, tuple):
        return ()
    out: list[tuple[str, str]] = []
    for name, parts in value:
        what = []
        for kind, arg in parts:
            if kind == "attr()":
                what.append(f"attr:{arg[0] if isinstance(arg, tuple) else arg}")
            elif kind == "string":
                what.append(f"text:{arg}")
            else:
                what.append(str(kind))
        out.append((str(name), " ".join(what)))
    return tuple(out)


def _style(computed: Any, color_fallback: str = "000000") -> Style:
    line_height = computed["line_height"]
    multiple = absolute = 0.0
    if isinstance(line_height, int | float):
        multiple = float(line_height)
    elif getattr(line_height, "unit", None) == "px":
        absolute = float(line_height.value) * PX_TO_PT
    borders = {}
    for side in ("top", "right", "bottom", "left"):
        width = float(computed[f"border_{side}_width"] or 0)
        if width and computed[f"border_{side}_style"] not in ("none", "hidden"):
            colour = computed[f"border_{side}_color"]
            if isinstance(colour, str):  # currentcolor
                colour = computed["color"]
            borders[side] = Border(width * PX_TO_PT, _hex(colour))
    offsets = {}
    for side in ("top", "right", "bottom", "left"):
        found = _length(computed[side])
        if found is not None:
            offsets[side] = found
    spacing = computed["letter_spacing"]
    page = computed["page"]
    display = computed["display"]
    return Style(
        families=tuple(str(f) for f in computed["font_family"]),
        size_pt=float(computed["font_size"]) * PX_TO_PT,
        bold=int(computed["font_weight"]) >= 600,
        italic=computed["font_style"] in ("italic", "oblique"),
        color=_hex(computed["color"], color_fallback) or color_fallback,
        background=_hex(computed["background_color"], ""),
        line_height=multiple,
        line_height_pt=absolute,
        margin=tuple(_points(computed[f"margin_{side}"]) for side in ("top", "right", "bottom", "left")),  # type: ignore[arg-type]
        padding=tuple(_points(computed[f"padding_{side}"]) for side in ("top", "right", "bottom", "left")),  # type: ignore[arg-type]
        borders=borders,
        indent_pt=_points(computed["text_indent"]),
        align=str(computed["text_align_all"]).replace("start", "left").replace("end", "right"),
        letter_spacing_pt=0.0 if spacing == "normal" else float(spacing) * PX_TO_PT,
        break_before=str(computed["break_before"]),
        break_after=str(computed["break_after"]),
        break_inside=str(computed["break_inside"]),
        position=str(computed["position"]) if isinstance(computed["position"], str) else "static",
        offsets=offsets,
        width=_length(computed["width"]),
        height=_length(computed["height"]),
        page="" if page == "auto" else str(page),
        string_set=_string_set(computed["string_set"]),
        float=str(computed["float"]),
        vertical_align=str(computed["vertical_align"]) if isinstance(computed["vertical_align"], str) else "baseline",
        display=" ".join(display) if isinstance(display, tuple) else str(display),
    )


def _content(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, tuple | list):
        return ()
    out: list[tuple[str, str]] = []
    for kind, arg in value:
        if kind == "string":
            out.append(("text", str(arg)))
        elif kind == "counter()":
            out.append(("counter", str(arg[0])))
        elif kind == "string()":
            out.append(("string", str(arg[0])))
    return tuple(out)


_SPACE = re.compile(r"\s+")


def _tree(element: Any, style_for: Any, skip: frozenset[str]) -> Styled:
    children = []
    for child in element:
        if not isinstance(child.tag, str) or child.tag in skip:
            continue
        children.append(_tree(child, style_for, skip))
    text = _SPACE.sub(" ", "".join(element.itertext())).strip()
    computed = style_for(element)
    style = _style(computed) if computed is not None else Style()
    return Styled(str(element.tag), {str(k): str(v) for k, v in element.attrib.items()}, style, text, tuple(children))


def styled_document(
    html: str,
    root: Path,
    resources: tuple[Path, ...],
    specimen: str,
    main_head: int,
    diagnostics: Diagnostics,
    allow_remote: bool = False,
) -> StyledDocument:
    """The computed styles of ``html``, its first ``main_head`` children of ``<main>`` replaced by
    ``specimen``, and the styles of its pages: left and right, for every named page an element asks for."""
    require()
    import cssselect2
    import tinyhtml5
    import weasyprint
    from weasyprint.css import get_all_computed_styles
    from weasyprint.layout.page import PageType, set_page_type_computed_styles

    from .fetcher import ProjectFetcher

    fetcher = ProjectFetcher(resources, (), diagnostics, allow_remote)
    document = weasyprint.HTML(string=html, base_url=str(root) + "/", url_fetcher=fetcher)
    tree = document.etree_element
    main = tree.find(".//main")
    if main is not None:
        kept = list(main)[main_head:]
        for child in list(main):
            main.remove(child)
        extra = tinyhtml5.parse(f"<main>{specimen}</main>", namespace_html_elements=False).find(".//main")
        for child in [*list(extra), *kept]:
            main.append(child)
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    style_for = get_all_computed_styles(document)
    body = tree.find(".//body")
    styled = _tree(body if body is not None else tree, style_for, frozenset({"style", "script", "link", "meta"}))
    names = sorted({element.style.page for element in styled.walk()} | {""})
    pages = [PageKind(side, name) for name in names for side in ("right", "left")]
    found: dict[PageKind, PageStyle] = {}
    for index, kind in enumerate(pages):
        page_type = PageType(kind.side, False, kind.name, 0 if kind.first else index + 1, ())
        set_page_type_computed_styles(page_type, document, style_for)
        page = style_for(page_type)
        width, height = page["size"]
        boxes = {}
        for name in ("top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right"):
            box = style_for(page_type, f"@{name}")
            if box is None:
                continue
            content = _content(box["content"])
            if content:
                boxes[name] = MarginBox(content, _style(box))
        found[kind] = PageStyle(
            float(getattr(width, "value", width)) * PX_TO_PT,
            float(getattr(height, "value", height)) * PX_TO_PT,
            tuple(_points(page[f"margin_{side}"]) for side in ("top", "right", "bottom", "left")),  # type: ignore[arg-type]
            boxes,
        )
    return StyledDocument(styled, found)
