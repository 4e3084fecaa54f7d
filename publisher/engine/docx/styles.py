"""Word styles made from the theme's CSS: what the PDF does, said the way Word says it.

Each Word style is computed from one element of the theme's specimen
(:mod:`..weasyprint.styles`): its font role, size, weight, colour, line
height, spacing, indent, borders and breaks. Body paragraphs get the
two-character first-line indent as ``w:firstLineChars`` so it follows the font
size. A theme with a document grid (``grid.lines`` × ``grid.chars`` tokens,
GB/T 9704) gets line heights in whole grid lines instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ... import word
from ..weasyprint.styles import Style
from .xml import ParaProps, RunProps, Side, el, half_points, ordered, style_id, twips

_INTERNAL = {"Caption": "caption", "Header": "header", "Footer": "footer"}
"""Built-in styles whose name in ``styles.xml`` is lower case (Word's own spelling)."""


def internal_name(name: str) -> str:
    """A style's name as ``styles.xml`` spells it (``heading 1``, ``toc 2``, ``caption``)."""
    if name.startswith("Heading "):
        return name.lower()
    if name.startswith("TOC ") and name[4:].isdigit():
        return name.lower()
    return _INTERNAL.get(name, name)


@dataclass(frozen=True)
class Grid:
    """A document grid: lines a page and characters a line (GB/T 9704: 22 × 28)."""

    lines: int
    chars: int


@dataclass
class WordStyle:
    """One style of the document."""

    name: str
    kind: str = "paragraph"
    para: ParaProps = field(default_factory=ParaProps)
    run: RunProps = field(default_factory=RunProps)
    based_on: str | None = word.NORMAL
    next: str | None = None
    role: str = "body"
    """The font role of its text."""

    def element(self) -> Any:
        attrs: dict[str, Any] = {"w:type": self.kind, "w:styleId": style_id(self.name)}
        if self.name == word.NORMAL:
            attrs["w:default"] = "1"
        children = [el("w:name", {"w:val": internal_name(self.name)})]
        if self.based_on and self.name != word.NORMAL:
            children.append(el("w:basedOn", {"w:val": style_id(self.based_on)}))
        if self.next:
            children.append(el("w:next", {"w:val": style_id(self.next)}))
        if self.name.startswith(("Heading ", "TOC ")) or self.name in (word.TITLE, word.SUBTITLE, word.CAPTION):
            children.append(el("w:uiPriority", {"w:val": 9 if self.name.startswith("Heading") else 35}))
        children.append(el("w:qFormat"))
        if self.kind == "paragraph":
            children.append(replace(self.para, style=None, run=None).element())
        if self.kind in ("paragraph", "character"):
            children.append(replace(self.run, style=None).element())
        return el("w:style", attrs, *children)


def _align(style: Style) -> str:
    return {"justify": "both", "center": "center", "right": "right"}.get(style.align, "left")


class Sheet:
    """The document's styles: made from computed CSS, written as ``styles.xml``."""

    def __init__(
        self,
        fonts: Mapping[str, list[str]],
        lang: str,
        body: Style,
        grid: Grid | None,
        content_height_pt: float,
    ):
        self.roles = {role: list(families) for role, families in fonts.items()}
        self.lang = lang
        self.east_asian = word.east_asian_lang(lang)
        self.chinese = lang.lower().startswith("zh")
        self.body = body
        self.grid = grid
        self.pitch = content_height_pt / grid.lines if grid else 0.0
        self.styles: dict[str, WordStyle] = {}
        self.fonts: dict[str, word.WordFont] = {}

    # ------------------------------------------------------------ fonts
    def role_of(self, families: tuple[str, ...]) -> str:
        """The font role whose families the computed ``font-family`` starts with."""
        for role, listed in self.roles.items():
            if listed and tuple(families[: len(listed)]) == tuple(listed):
                return role
        for role, listed in self.roles.items():
            if listed and families and families[0] == listed[0]:
                return role
        return families[0] if families else "body"

    def font(self, role: str) -> word.WordFont:
        """The Word font of a role (or of a family no role names)."""
        if role not in self.fonts:
            self.fonts[role] = word.word_font(self.roles.get(role, [role]), self.lang)
        return self.fonts[role]

    def run_props(self, role: str, style: str | None = None, **changes: Any) -> RunProps:
        """Run properties that name the faces for every script and the language (what every run carries)."""
        return RunProps(
            style=style,
            font=self.font(role),
            east_asian_hint=self.chinese,
            lang=("en-US", self.east_asian),
            **changes,
        )

    # ------------------------------------------------------------ styles
    def line_spacing(self, style: Style) -> tuple[int | None, str]:
        """``w:line`` and its rule for a computed line height."""
        height = style.line_height_pt or style.line_height * style.size_pt
        if self.grid:
            if not height:
                return 240, "auto"
            return 240 * max(1, round(height / self.pitch)), "auto"
        if not height:
            return 240, "auto"
        return twips(height), "atLeast"

    def paragraph(
        self,
        name: str,
        style: Style,
        based_on: str | None = word.NORMAL,
        next: str | None = None,
        indent_chars: bool = True,
        **para: Any,
    ) -> WordStyle:
        """A paragraph style from an element's computed style."""
        role = self.role_of(style.families)
        line, rule = self.line_spacing(style)
        first_line_chars = None
        first_line = None
        if style.indent_pt:
            chars = style.indent_pt / style.size_pt if style.size_pt else 0
            if indent_chars and abs(chars * 2 - round(chars * 2)) < 0.08:
                first_line_chars = round(chars * 2) * 50
            first_line = twips(style.indent_pt)
        top, right, bottom, left = style.margin
        borders = {
            side: Side(border.width_pt, border.color, style.padding[("top", "right", "bottom", "left").index(side)])
            for side, border in style.borders.items()
        }
        props = ParaProps(
            before=twips(top) if top else 0,
            after=twips(bottom) if bottom else 0,
            line=line,
            line_rule=rule,
            first_line=first_line,
            first_line_chars=first_line_chars,
            left=twips(left + style.padding[3]) if left or style.padding[3] else None,
            right=twips(right + style.padding[1]) if right or style.padding[1] else None,
            align=_align(style),
            borders=borders,
            shading=style.background,
            page_break_before=style.break_before in ("page", "left", "right", "recto", "verso"),
            keep_next=style.break_after == "avoid",
            keep_lines=style.break_inside == "avoid",
        )
        for key, value in para.items():
            setattr(props, key, value)
        made = WordStyle(
            name,
            para=props,
            run=self._run(style, role),
            based_on=based_on,
            next=next,
            role=role,
        )
        self.styles[name] = made
        return made

    def character(self, name: str, style: Style, context: Style | None = None, **run: Any) -> WordStyle:
        """A character style: what ``style`` changes from its ``context`` (default the body)."""
        context = context or self.body
        role = self.role_of(style.families)
        props = RunProps(
            font=self.font(role) if role != self.role_of(context.families) else None,
            bold=style.bold if style.bold != context.bold else None,
            italic=style.italic if style.italic != context.italic else None,
            color=style.color if style.color != context.color else None,
            size=half_points(style.size_pt) if abs(style.size_pt - context.size_pt) > 0.01 else None,
            spacing=twips(style.letter_spacing_pt) if style.letter_spacing_pt and not self.grid else None,
        )
        for key, value in run.items():
            setattr(props, key, value)
        made = WordStyle(name, kind="character", run=props, based_on=None, role=role)
        self.styles[name] = made
        return made

    def _run(self, style: Style, role: str) -> RunProps:
        return RunProps(
            font=self.font(role),
            east_asian_hint=self.chinese,
            bold=style.bold,
            italic=style.italic,
            color=style.color,
            size=half_points(style.size_pt),
            spacing=twips(style.letter_spacing_pt) if style.letter_spacing_pt and not self.grid else None,
            lang=("en-US", self.east_asian),
        )

    def role(self, name: str) -> str:
        """The font role of style ``name`` (the body's for a style not defined)."""
        found = self.styles.get(name)
        return found.role if found is not None else self.role_of(self.body.families)

    # ------------------------------------------------------------ output
    def xml(self) -> bytes:
        """``styles.xml``: the defaults (the body's faces and size) and every style."""
        from lxml import etree

        body_role = self.role_of(self.body.families)
        defaults = el(
            "w:docDefaults",
            {},
            el("w:rPrDefault", {}, self.run_props(body_role, size=half_points(self.body.size_pt)).element()),
            el(
                "w:pPrDefault",
                {},
                el("w:pPr", {}, el("w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"})),
            ),
        )
        root = el("w:styles", {}, defaults)
        for made in sorted(self.styles.values(), key=lambda s: (s.kind != "paragraph", s.name != word.NORMAL)):
            root.append(made.element())
        root.append(
            el(
                "w:style",
                {"w:type": "character", "w:default": "1", "w:styleId": "DefaultParagraphFont"},
                el("w:name", {"w:val": "Default Paragraph Font"}),
                el("w:uiPriority", {"w:val": 1}),
                el("w:semiHidden"),
                el("w:unhideWhenUsed"),
            )
        )
        root.append(
            el(
                "w:style",
                {"w:type": "table", "w:default": "1", "w:styleId": "TableNormal"},
                el("w:name", {"w:val": "Normal Table"}),
                el("w:semiHidden"),
                el(
                    "w:tblPr",
                    {},
                    el("w:tblInd", {"w:w": 0, "w:type": "dxa"}),
                    el(
                        "w:tblCellMar",
                        {},
                        el("w:top", {"w:w": 0, "w:type": "dxa"}),
                        el("w:left", {"w:w": 108, "w:type": "dxa"}),
                        el("w:bottom", {"w:w": 0, "w:type": "dxa"}),
                        el("w:right", {"w:w": 108, "w:type": "dxa"}),
                    ),
                ),
            )
        )
        data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return data

    def font_table(self) -> bytes:
        """``fontTable.xml``: every face used, with its other names and the East Asian character set."""
        from lxml import etree

        root = el("w:fonts")
        seen: set[str] = set()
        for role in sorted(self.fonts):
            found = self.fonts[role]
            if found.name in seen:
                continue
            seen.add(found.name)
            children = [el("w:altName", {"w:val": ",".join(found.alternates)})] if found.alternates else []
            children += [
                el("w:charset", {"w:val": word.charset(self.lang)}),
                el("w:family", {"w:val": "roman" if found.serif else "swiss"}),
                el("w:pitch", {"w:val": "variable"}),
            ]
            root.append(
                ordered(el("w:font", {"w:name": found.name}), children, ("altName", "charset", "family", "pitch"))
            )
        data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return data
