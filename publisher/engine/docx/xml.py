"""WordprocessingML pieces python-docx has no API for: properties in schema order, fields, bookmarks.

Word refuses a document whose ``w:pPr``/``w:rPr`` children are out of the
schema's order, so properties are built from plain values
(:class:`ParaProps`, :class:`RunProps`) and written in that order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ...word import WordFont

EMU_PER_PT = 12700
TWIPS_PER_PT = 20


def twips(points: float) -> int:
    return round(points * TWIPS_PER_PT)


def half_points(points: float) -> int:
    return max(1, round(points * 2))


def el(tag: str, attrs: dict[str, Any] | None = None, *children: Any) -> Any:
    """An element ``tag`` (``w:p``, ``w:t`` …) with ``attrs`` (prefixed names) and ``children``."""
    element = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        if value is None:
            continue
        element.set(qn(name) if ":" in name else name, str(value).lower() if isinstance(value, bool) else str(value))
    for child in children:
        if child is not None:
            element.append(child)
    return element


def text(value: str, tag: str = "w:t") -> Any:
    """A ``w:t`` (or ``w:instrText``) keeping its spaces."""
    element = el(tag)
    element.text = value
    if value != value.strip() or "  " in value:
        element.set(qn("xml:space"), "preserve")
    return element


# --------------------------------------------------------------- properties

_PPR_ORDER = (
    (
        "w:pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd tabs "
        "suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd "
        "snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    )
    .replace("w:", "")
    .split()
)
_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof snapToGrid "
    "vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText vertAlign rtl cs em "
    "lang eastAsianLayout specVanish oMath"
).split()


def ordered(parent: Any, children: Iterable[Any], order: Sequence[str]) -> Any:
    """Append ``children`` to ``parent`` in the schema ``order`` (by local name)."""
    rank = {name: i for i, name in enumerate(order)}
    for child in sorted(children, key=lambda c: rank.get(c.tag.rsplit("}", 1)[-1], len(rank))):
        parent.append(child)
    return parent


@dataclass
class Side:
    """A paragraph or cell border: width in points, colour ``RRGGBB``, space to the text in points."""

    width_pt: float
    color: str
    space_pt: float = 0.0

    def element(self, tag: str) -> Any:
        size = max(2, min(96, round(self.width_pt * 8)))  # eighths of a point
        return el(
            tag, {"w:val": "single", "w:sz": size, "w:space": min(31, round(self.space_pt)), "w:color": self.color}
        )


@dataclass
class ParaProps:
    """Paragraph properties (``w:pPr``)."""

    style: str | None = None
    keep_next: bool = False
    keep_lines: bool = False
    page_break_before: bool = False
    frame: dict[str, Any] | None = None
    """``w:framePr`` attributes (without the prefix): a positioned frame."""
    borders: dict[str, Side] = field(default_factory=dict)
    shading: str = ""
    tabs: list[tuple[str, int, str]] = field(default_factory=list)
    """``(alignment, position in twips, leader)``."""
    snap_to_grid: bool | None = None
    before: int | None = None
    after: int | None = None
    line: int | None = None
    line_rule: str = "auto"
    left: int | None = None
    right: int | None = None
    first_line: int | None = None
    first_line_chars: int | None = None
    hanging: int | None = None
    align: str | None = None
    outline_level: int | None = None
    numbering: tuple[int, int] | None = None
    """``(numId, level)``."""
    widow_control: bool | None = None
    run: RunProps | None = None
    """Properties of the paragraph mark."""

    def element(self) -> Any:
        children: list[Any] = []
        if self.style:
            children.append(el("w:pStyle", {"w:val": style_id(self.style)}))
        for flag, tag in ((self.keep_next, "w:keepNext"), (self.keep_lines, "w:keepLines")):
            if flag:
                children.append(el(tag))
        if self.page_break_before:
            children.append(el("w:pageBreakBefore"))
        if self.frame:
            children.append(el("w:framePr", {f"w:{k}": v for k, v in self.frame.items()}))
        if self.widow_control is not None:
            children.append(el("w:widowControl", {"w:val": "1" if self.widow_control else "0"}))
        if self.numbering:
            children.append(
                el(
                    "w:numPr",
                    {},
                    el("w:ilvl", {"w:val": self.numbering[1]}),
                    el("w:numId", {"w:val": self.numbering[0]}),
                )
            )
        if self.borders:
            ordered_sides = [s for s in ("top", "left", "bottom", "right") if s in self.borders]
            children.append(el("w:pBdr", {}, *(self.borders[s].element(f"w:{s}") for s in ordered_sides)))
        if self.shading:
            children.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": self.shading}))
        if self.tabs:
            children.append(
                el(
                    "w:tabs",
                    {},
                    *(el("w:tab", {"w:val": a, "w:pos": p, "w:leader": ld or None}) for a, p, ld in self.tabs),
                )
            )
        if self.snap_to_grid is not None:
            children.append(el("w:snapToGrid", {"w:val": "1" if self.snap_to_grid else "0"}))
        spacing = {
            "w:before": self.before,
            "w:after": self.after,
            "w:line": self.line,
            "w:lineRule": self.line_rule if self.line is not None else None,
        }
        if any(v is not None for v in spacing.values()):
            children.append(el("w:spacing", spacing))
        indent = {
            "w:left": self.left,
            "w:right": self.right,
            "w:firstLine": self.first_line,
            "w:firstLineChars": self.first_line_chars,
            "w:hanging": self.hanging,
        }
        if any(v is not None for v in indent.values()):
            children.append(el("w:ind", indent))
        if self.align:
            children.append(el("w:jc", {"w:val": self.align}))
        if self.outline_level is not None:
            children.append(el("w:outlineLvl", {"w:val": self.outline_level}))
        if self.run is not None:
            children.append(self.run.element())
        return ordered(el("w:pPr"), children, _PPR_ORDER)


@dataclass
class RunProps:
    """Run properties (``w:rPr``): fonts for every script, size, weight, colour, language."""

    style: str | None = None
    font: WordFont | None = None
    east_asian_hint: bool = False
    """``w:hint="eastAsia"``: characters both Latin and CJK (“ ” — …) in the East Asian face."""
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None
    spacing: int | None = None
    """Letter spacing in twips."""
    size: int | None = None
    """Half-points."""
    superscript: bool = False
    lang: tuple[str, str] | None = None
    """``(w:val, w:eastAsia)``."""
    vanish: bool = False
    spec_vanish: bool = False

    def element(self) -> Any:
        children: list[Any] = []
        if self.style:
            children.append(el("w:rStyle", {"w:val": style_id(self.style)}))
        if self.font is not None:
            name = self.font.name
            fonts = {"w:ascii": name, "w:hAnsi": name, "w:eastAsia": name, "w:cs": name}
            if self.east_asian_hint:
                fonts["w:hint"] = "eastAsia"
            children.append(el("w:rFonts", fonts))
        if self.bold is not None:
            children += [
                el("w:b", {"w:val": "1" if self.bold else "0"}),
                el("w:bCs", {"w:val": "1" if self.bold else "0"}),
            ]
        if self.italic is not None:
            children.append(el("w:i", {"w:val": "1" if self.italic else "0"}))
        if self.vanish:
            children.append(el("w:vanish"))
        if self.color:
            children.append(el("w:color", {"w:val": self.color}))
        if self.spacing:
            children.append(el("w:spacing", {"w:val": self.spacing}))
        if self.size is not None:
            children += [el("w:sz", {"w:val": self.size}), el("w:szCs", {"w:val": self.size})]
        if self.superscript:
            children.append(el("w:vertAlign", {"w:val": "superscript"}))
        if self.lang is not None:
            children.append(el("w:lang", {"w:val": self.lang[0], "w:eastAsia": self.lang[1]}))
        if self.spec_vanish:
            children.append(el("w:specVanish"))
        return ordered(el("w:rPr"), children, _RPR_ORDER)


def style_id(name: str) -> str:
    """The ``w:styleId`` of a style: its English name without spaces (``Heading 1`` → ``Heading1``)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split())


# ------------------------------------------------------------------- runs


def run(value: str, props: RunProps | None = None) -> Any:
    """A ``w:r`` with text; tabs and line breaks become ``w:tab`` and ``w:br``."""
    element = el("w:r")
    if props is not None:
        element.append(props.element())
    for i, line in enumerate(value.split("\n")):
        if i:
            element.append(el("w:br"))
        for j, part in enumerate(line.split("\t")):
            if j:
                element.append(el("w:tab"))
            if part:
                element.append(text(part))
    return element


def field_runs(instruction: str, result: str, props: RunProps | None = None, dirty: bool = False) -> list[Any]:
    """The runs of a complex field: ``instruction`` and its cached ``result`` (shown until Word updates it)."""

    def char(kind: str) -> Any:
        return el(
            "w:r",
            {},
            props.element() if props else None,
            el("w:fldChar", {"w:fldCharType": kind, "w:dirty": dirty or None}),
        )

    runs = [char("begin"), el("w:r", {}, props.element() if props else None, text(f" {instruction} ", "w:instrText"))]
    runs.append(char("separate"))
    if result:
        runs.append(run(result, props))
    runs.append(char("end"))
    return runs


def field_begin(instruction: str, props: RunProps | None = None, dirty: bool = False) -> list[Any]:
    """The first half of a field whose result spans paragraphs (a table of contents): begin … separate."""
    rpr = props.element if props else (lambda: None)
    return [
        el("w:r", {}, rpr(), el("w:fldChar", {"w:fldCharType": "begin", "w:dirty": dirty or None})),
        el("w:r", {}, rpr(), text(f" {instruction} ", "w:instrText")),
        el("w:r", {}, rpr(), el("w:fldChar", {"w:fldCharType": "separate"})),
    ]


def field_end() -> Any:
    return el("w:r", {}, el("w:fldChar", {"w:fldCharType": "end"}))


class Bookmarks:
    """Bookmark ids, unique in the document."""

    def __init__(self) -> None:
        self.next_id = 0
        self.names: set[str] = set()

    def around(self, name: str, content: list[Any]) -> list[Any]:
        """``content`` between the start and end of bookmark ``name``."""
        if name in self.names:
            return content
        self.names.add(name)
        self.next_id += 1
        start = el("w:bookmarkStart", {"w:id": self.next_id, "w:name": name})
        end = el("w:bookmarkEnd", {"w:id": self.next_id})
        return [start, *content, end]
