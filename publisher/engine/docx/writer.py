"""The Word writer: a rendered report → ``.docx``, written atomically.

The document has the sections the PDF has pages for: the cover (its own
section, the theme's positions kept with frames), the table of contents (a
``TOC`` field Word fills when the document opens), and the text. Headings
are Word's ``Heading N`` (the navigation pane works), body text ``Body Text``
with a two-character indent, figures pictures (SVG with a PNG fallback) with
``SEQ`` captions, KPI cards and chart tables Word tables, footnotes Word
footnotes; headers and footers say what the theme's page margins say, with
``STYLEREF`` and ``PAGE`` fields.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ... import model, word
from ...charts import ChartSpec, Drawing
from ...charts.kinds.kpi import Cards, KpiItem
from ...charts.kinds.table import TableData, numeric
from ...charts.numbers import format_number
from ...data import VERSION
from ...errors import Diagnostics
from ...files import write_atomic
from ...html import Rendered
from ...i18n import labels
from ...options import BuildOptions
from ...output import Written
from ..weasyprint.styles import PageKind, PageStyle, Style, Styled, StyledDocument, styled_document
from .package import (
    NAMESPACES,
    SHAPE_GRAPHIC,
    SVG_BLIP,
    SVG_BLIP_EXT,
    footnotes_xml,
    numbering_xml,
    project_xml,
    reproducible,
    settings_xml,
    template,
)
from .styles import Grid, Sheet
from .xml import (
    EMU_PER_PT,
    Bookmarks,
    ParaProps,
    RunProps,
    Side,
    el,
    field_begin,
    field_end,
    field_runs,
    half_points,
    run,
    twips,
)

# One of each element the theme styles, in the base theme's markup (``blocks.html.j2``):
# the computed style of each ``data-word`` element becomes a Word style.
SPECIMEN = (
    *(f'<h{n} data-word="heading-{n}">x</h{n}>' for n in range(1, 7)),
    '<p data-word="body">x<strong data-word="strong">x</strong><em data-word="emphasis">x</em>'
    '<code data-word="code">x</code><a data-word="link" href="#x">x</a>'
    '<span class="footnote" data-word="footnote">x</span></p>',
    '<p class="has-run-in"><span class="run-in" data-word="run-in">x</span>x</p>',
    '<ul><li><p data-word="list">x</p></li></ul>',
    '<blockquote><p data-word="quote">x</p></blockquote>',
    '<table data-word="table"><thead><tr><th data-word="table-header">x</th></tr></thead>'
    '<tbody><tr><td data-word="table-cell">x</td></tr><tr><td data-word="table-last">x</td></tr></tbody></table>',
    '<hr data-word="rule">',
    '<figure class="chart chart-bar placement-inline" data-word="figure"><div class="chart-body"></div>'
    '<figcaption data-word="caption"><span class="fig-num" data-word="caption-label">x</span>x</figcaption>'
    '<p class="chart-note" data-word="figure-note">x</p></figure>',
    '<figure class="chart chart-kpi placement-page" data-word="kpi-figure">'
    '<figcaption data-word="kpi-caption"><span class="fig-num" data-word="kpi-caption-label">x</span>x</figcaption>'
    '<p class="chart-unit" data-word="unit">x</p><div class="chart-body"><div class="kpi-grid">'
    '<div class="kpi-card" data-word="kpi-card"><span class="kpi-label" data-word="kpi-label">x</span>'
    '<span class="kpi-value" data-word="kpi-value">1<span class="kpi-unit" data-word="kpi-unit">x</span></span>'
    '<span class="kpi-change up" data-word="kpi-change"><span class="kpi-mark" data-word="kpi-up">x</span>x</span>'
    '<span class="kpi-change down"><span class="kpi-mark" data-word="kpi-down">x</span>x</span>'
    '<span class="kpi-note" data-word="kpi-note">x</span></div></div></div></figure>',
    '<figure class="chart chart-table placement-inline"><div class="chart-body"><table class="chart-table">'
    '<thead><tr><th data-word="chart-table-header">x</th></tr></thead><tbody>'
    '<tr data-word="chart-table-row"><th data-word="chart-table-stub">x</th>'
    '<td class="num" data-word="chart-table-cell">1</td></tr>'
    '<tr data-word="chart-table-row-even"><th>x</th><td>x</td></tr>'
    '<tr data-word="chart-table-row-last"><th>x</th><td>x</td></tr></tbody></table></div></figure>',
)


class DocxWriter:
    """Turns rendered documents into Word files (``.docx``)."""

    suffix = ".docx"
    office_charts = True

    def write(self, document: Rendered, options: BuildOptions, target: Path, diagnostics: Diagnostics) -> Written:
        """Write ``document`` as a Word document to ``target`` atomically."""
        data = _Build(document, options, diagnostics).docx()
        diagnostics.fail_if_strict(options.strict)
        write_atomic(target, data)
        return Written(target, 0, len(data))


@dataclass(frozen=True)
class _Section:
    """A run of the body's top-level elements on one kind of page."""

    page: str
    elements: tuple[Styled, ...]
    main: bool = False


class _Build:
    """One Word document being made."""

    def __init__(self, rendered: Rendered, options: BuildOptions, diagnostics: Diagnostics):
        self.rendered = rendered
        self.model = rendered.document
        self.meta = rendered.document.meta
        self.options = options
        self.diagnostics = diagnostics
        self.words = labels(self.meta.lang)
        self.styled: StyledDocument = styled_document(
            rendered.html,
            rendered.root,
            rendered.resources,
            "".join(SPECIMEN),
            len(self.model.body_blocks()),
            diagnostics,
            options.allow_remote,
        )
        body = self.styled.body
        main = next((child for child in body.children if child.tag == "main"), None)
        self.spec: dict[str, Style] = {}
        for element in body.walk():
            key = element.attrs.get("data-word")
            if key:
                self.spec[key] = element.style
        closing = main.children[len(SPECIMEN) :] if main is not None else ()
        self.closing = tuple(element for element in closing if "appendices" not in element.classes)
        self.page = self.styled.pages[PageKind("right", "")]
        top, right, bottom, left = self.page.margin
        self.content_width = self.page.width_pt - left - right
        self.content_height = self.page.height_pt - top - bottom
        grid = rendered.tokens.get("grid")
        self.grid = Grid(int(grid["lines"]), int(grid["chars"])) if isinstance(grid, dict) else None
        self.sheet = Sheet(rendered.fonts, self.meta.lang, self.spec["body"], self.grid, self.content_height)
        self.bookmarks = Bookmarks()
        self.footnotes: list[Any] = []
        self.footnote_ids: dict[str, int] = {}
        self.numbers: list[tuple[int, int]] = []
        """Numbered lists: (numId, start) of each."""
        self.break_next = False
        self.svg_count = 0
        self.titled = 0
        """KPI pages captioned so far (a bookmark ``fig_pN`` on each title: an edited document maps it back)."""
        self.even_and_odd = False
        """Left and right pages have different headers or footers (GB/T 9704's page numbers)."""
        self.running: dict[str, tuple[int, bool]] = {}
        """Named strings of the page margins → (heading level, short text?)."""
        self.sections = self._sections()
        self._styles()

    # ================================================================ structure

    def _sections(self) -> list[_Section]:
        """The body's elements grouped by page kind: cover, contents, then the text."""
        sections: list[_Section] = []
        pending: list[Styled] = []
        for child in self.styled.body.children:
            if child.tag == "main":
                sections.append(_Section("", (*pending, child), main=True))
                pending = []
            elif child.style.page or child.style.break_after in ("page", "left", "right"):
                sections.append(_Section(child.style.page, (child,)))
            else:
                pending.append(child)
        return sections

    # ================================================================ styles

    def _styles(self) -> None:
        sheet, spec = self.sheet, self.spec
        body = spec["body"]
        plain = replace(body, indent_pt=0, margin=(0, 0, 0, 0), padding=(0, 0, 0, 0), borders={})
        sheet.paragraph(word.NORMAL, plain, based_on=None)
        sheet.paragraph(word.BODY, body, next=word.BODY)
        run_in = spec.get("run-in")
        for level in range(1, 7):
            name = word.heading_style(level)
            if level == self.meta.run_in_level and run_in is not None:
                # A run-in heading: Word's style separator sets it at the start of its paragraph,
                # so the paragraph is the body's and the text the run-in's.
                merged = replace(
                    body,
                    families=run_in.families,
                    bold=run_in.bold,
                    italic=run_in.italic,
                    color=run_in.color,
                    size_pt=run_in.size_pt,
                )
                sheet.paragraph(name, merged, next=word.BODY, outline_level=level - 1)
            else:
                sheet.paragraph(name, spec[f"heading-{level}"], next=word.BODY, outline_level=level - 1, keep_next=True)
            for string, source in spec[f"heading-{level}"].string_set:
                if source.startswith("attr:"):
                    self.running[string] = (level, source == "attr:data-short")
        sheet.character(word.STRONG, spec["strong"])
        sheet.character(word.EMPHASIS, spec["emphasis"])
        sheet.character(word.CODE, spec["code"])
        sheet.character(word.HYPERLINK, spec["link"])
        sheet.character(word.RUNNING_HEAD, body)
        note = spec["footnote"]
        sheet.paragraph(
            word.FOOTNOTE_TEXT,
            replace(
                plain, size_pt=min(note.size_pt, round(body.size_pt * 0.8 * 2) / 2), line_height=0, line_height_pt=0
            ),
        )
        sheet.character(word.FOOTNOTE_REFERENCE, body, superscript=True)
        figure = spec["figure"]
        sheet.paragraph(
            word.FIGURE,
            replace(plain, align="center", margin=(figure.margin[0], 0, 0, 0), line_height=0, line_height_pt=0),
            keep_next=True,
        )
        caption = spec["caption"]
        sheet.paragraph(word.CAPTION, caption, next=word.BODY, indent_chars=False)
        sheet.character(word.CAPTION_LABEL, spec["caption-label"], caption)
        kpi_caption = spec["kpi-caption"]
        sheet.paragraph("KPI Caption", kpi_caption, based_on=word.CAPTION, keep_next=True)
        sheet.paragraph(word.FIGURE_NOTE, spec["figure-note"])
        sheet.paragraph(word.UNIT, spec["unit"], keep_next=True)
        sheet.paragraph(word.QUOTE, spec["quote"], next=word.BODY)
        indent = twips(2 * body.size_pt)
        listed = spec["list"]
        for depth in range(3):
            left = indent * (depth + 1)
            sheet.paragraph(word.LIST_BULLET[depth], listed, first_line=None, first_line_chars=None, left=left)
            sheet.paragraph(word.LIST_NUMBER[depth], listed, first_line=None, first_line_chars=None, left=left)
            sheet.paragraph(word.LIST_CONTINUE[depth], listed, first_line=None, first_line_chars=None, left=left)
        for name, key in (
            (word.TABLE_HEADING, "table-header"),
            (word.TABLE_TEXT, "table-cell"),
            ("Chart Table Heading", "chart-table-header"),
            ("Chart Table Text", "chart-table-cell"),
            ("Chart Table Stub", "chart-table-stub"),
        ):
            # the cell draws the borders; its padding is the space above and below the text
            cell = spec[key]
            sheet.paragraph(
                name,
                replace(cell, borders={}, padding=(0, 0, 0, 0), margin=(cell.padding[0], 0, cell.padding[2], 0)),
                first_line=None,
                first_line_chars=None,
            )
        rule = spec["rule"]
        sheet.paragraph(word.RULE, replace(plain, borders=rule.borders, margin=rule.margin), align="center")
        for key, name in (("kpi-label", word.KPI_LABEL), ("kpi-change", word.KPI_CHANGE), ("kpi-note", word.KPI_NOTE)):
            sheet.paragraph(name, replace(spec[key], indent_pt=0), first_line=None, first_line_chars=None)
        value = spec["kpi-value"]
        sheet.paragraph(word.KPI_VALUE, replace(value, indent_pt=0), first_line=None, first_line_chars=None)
        sheet.character(word.KPI_UNIT, spec["kpi-unit"], value)
        sheet.character(word.KPI_UP, spec["kpi-up"], spec["kpi-change"])
        sheet.character(word.KPI_DOWN, spec["kpi-down"], spec["kpi-change"])

    def front_style(self, element: Styled, closing: bool = False) -> str:
        """The style of a text element of the cover, the title block or the closing: by the field it shows."""
        meta = self.meta
        text = element.text
        if text == meta.title:
            name = word.TITLE
        elif text and text == meta.subtitle:
            name = word.SUBTITLE
        elif text and text == meta.organisation:
            name = word.SIGNATURE if closing else word.COVER_ORGANISATION
        elif text and text == meta.date:
            name = word.DATE if closing else word.COVER_DATE
        elif meta.year and text == str(meta.year):
            name = word.COVER_YEAR
        else:
            name = "Closing Text" if closing else word.COVER_TEXT
        if name not in self.sheet.styles:
            style = element.style
            if style.position == "absolute":
                style = replace(style, margin=(0, 0, 0, 0))
            self.sheet.paragraph(name, style)
        return name

    # ================================================================ the document

    def docx(self) -> bytes:
        import docx

        lang = self.meta.lang
        self.even_and_odd = even_and_odd = any(
            self.styled.pages[PageKind("right", name)].boxes != self.styled.pages[PageKind("left", name)].boxes
            for name in {kind.name for kind in self.styled.pages}
        )
        # Every style first (the front matter's, the contents', the margins'): the package lists them.
        body_parts = self._plan()
        files = _project_files(self.rendered.root)
        project = project_xml(
            self.rendered.root,
            files,
            {
                "publisher": VERSION,
                "name": self.meta.name,
                "theme": self.options.theme or self.meta.theme,
                "edition": self.rendered.edition.name if self.rendered.edition else "",
                "source": self.model.blocks[0].pos.path.as_posix() if self.model.blocks else "source/report.md",
            },
        )
        package = template(
            self.sheet.xml(),
            settings_xml(model.uses_compression(self.meta), word.east_asian_lang(lang), even_and_odd),
            self.sheet.font_table(),
            numbering_xml(twips(2 * self.spec["body"].size_pt)),
            project,
            lang,
        )
        self.document = docx.Document(io.BytesIO(package))
        self.part = self.document.part
        self.footnotes_part = next(
            rel.target_part for rel in self.part.rels.values() if rel.reltype.endswith("/footnotes")
        )
        self.body = self.document.element.body
        self.final_sect = self.body[-1]
        for index, section in enumerate(body_parts):
            last = index == len(body_parts) - 1
            self._write_section(section, last)
        self._finish_numbering()
        self.footnotes_part._blob = footnotes_xml(self.footnotes)
        self._properties()
        # Faces first asked for while writing (a margin box in another role) join the font table.
        font_table = next(rel.target_part for rel in self.part.rels.values() if rel.reltype.endswith("/fontTable"))
        font_table._blob = self.sheet.font_table()
        buffer = io.BytesIO()
        self.document.save(buffer)
        return reproducible(buffer.getvalue(), self.rendered.date)

    def _plan(self) -> list[_Section]:
        """Make the styles of the front matter, the contents and the page margins; the sections to write."""
        for section in self.sections:
            for element in section.elements:
                if element.tag == "main":
                    continue
                for leaf in _leaves(element):
                    if leaf.text and not _is_toc(element):
                        self.front_style(leaf)
            if section.main:
                for element in self.closing:
                    for leaf in _leaves(element):
                        if leaf.text:
                            self.front_style(leaf, closing=True)
        toc = next((e for s in self.sections for e in s.elements if _is_toc(e)), None)
        if toc is not None:
            self._toc_styles(toc)
        for name in {kind.name for kind in self.styled.pages}:
            for side in ("right", "left"):
                self._margin_styles(self.styled.pages[PageKind(side, name)])
        return self.sections

    def _properties(self) -> None:
        meta = self.meta
        props = self.document.core_properties
        props.title = meta.title
        props.subject = meta.subject or meta.subtitle
        props.author = meta.author or meta.organisation
        props.keywords = ", ".join(meta.keywords)
        props.comments = "publisher: " + (meta.subtitle or meta.title)
        props.last_modified_by = meta.author or meta.organisation
        props.revision = 1
        date = self.rendered.date or datetime(2000, 1, 1, tzinfo=UTC)
        props.created = date.replace(tzinfo=None)
        props.modified = date.replace(tzinfo=None)
        props.language = meta.lang

    # ================================================================ sections

    def add(self, element: Any) -> Any:
        """Append a block (``w:p``, ``w:tbl``) to the body, before its final section properties."""
        self.body.insert(len(self.body) - 1, element)
        return element

    def paragraph(self, style: str, content: list[Any], **direct: Any) -> Any:
        if self.break_next:
            direct.setdefault("page_break_before", True)
            self.break_next = False
        return self.add(el("w:p", {}, ParaProps(style=style, **direct).element(), *content))

    def props(self, style: str, char_style: str | None = None, **changes: Any) -> RunProps:
        """Run properties for text in paragraph style ``style`` (and character style ``char_style``): the faces
        of the character style's role if it changes the face, else the paragraph style's."""
        role = self.sheet.role(style)
        if char_style is not None:
            found = self.sheet.styles.get(char_style)
            if found is not None and found.run.font is not None:
                role = found.role
        return self.sheet.run_props(role, char_style, **changes)

    def _write_section(self, section: _Section, last: bool) -> None:
        page = self.styled.pages[PageKind("right", section.page)]
        for element in section.elements:
            if element.tag == "main":
                self._text()
            elif _is_toc(element):
                self._toc(element)
            else:
                self._front(element, page)
        sect = self.final_sect if last else self._section_break()
        self._page_setup(sect, section, page)

    def _section_break(self) -> Any:
        sect = el("w:sectPr")
        self.add(el("w:p", {}, el("w:pPr", {}, sect)))
        return sect

    def _page_setup(self, sect: Any, section: _Section, page: PageStyle) -> None:
        from docx.section import Section

        for child in list(sect):
            sect.remove(child)
        top, right, bottom, left = page.margin
        header, footer = self._header_footer_distance(section.page, page)
        sect.append(el("w:pgSz", {"w:w": twips(page.width_pt), "w:h": twips(page.height_pt)}))
        sect.append(
            el(
                "w:pgMar",
                {
                    "w:top": twips(top),
                    "w:right": twips(right),
                    "w:bottom": twips(bottom),
                    "w:left": twips(left),
                    "w:header": twips(header),
                    "w:footer": twips(footer),
                    "w:gutter": 0,
                },
            )
        )
        sect.append(el("w:pgNumType", {"w:fmt": "decimal"}))
        sect.append(el("w:cols", {"w:space": 425}))
        if self.grid is not None:
            height = page.height_pt - top - bottom
            width = page.width_pt - left - right
            pitch = int(height / self.grid.lines * 20)  # whole twips, rounded down: 22 lines must fit
            char_space = round((width / self.grid.chars - self.spec["body"].size_pt) * 4096)
            sect.append(el("w:docGrid", {"w:type": "linesAndChars", "w:linePitch": pitch, "w:charSpace": char_space}))
        wrapped = Section(sect, self.part)
        right_page = self.styled.pages[PageKind("right", section.page)]
        left_page = self.styled.pages[PageKind("left", section.page)]
        for row, (odd, even) in (
            ("top", (wrapped.header, wrapped.even_page_header)),
            ("bottom", (wrapped.footer, wrapped.even_page_footer)),
        ):
            stories = ((odd, right_page), (even, left_page)) if self.even_and_odd else ((odd, right_page),)
            for story, source in stories:
                made = self._margin_paragraph(source, row)
                if made is None and not self.sections_have(row):
                    continue
                story.is_linked_to_previous = False
                element = story._element
                for child in list(element):
                    element.remove(child)
                element.append(made if made is not None else el("w:p", {}, ParaProps(style=_ROW_STYLE[row]).element()))

    def sections_have(self, row: str) -> bool:
        """Whether any page of the document has something in its ``row`` margin (then every section says
        what its own pages have, so a cover does not show the text's header)."""
        return any(_row(page, row) for page in self.styled.pages.values())

    def _header_footer_distance(self, name: str, page: PageStyle) -> tuple[float, float]:
        """Where Word puts the header and footer: their text where the theme's margin boxes put it."""
        top, _, bottom, _ = page.margin
        header = footer = 0.0
        for box_name, box in page.boxes.items():
            line = box.style.size_pt * 1.3
            if box_name.startswith("top"):
                header = max(header, top - box.style.padding[2] - line)
            else:
                footer = max(footer, bottom - box.style.padding[0] - line)
        return max(header, 12.0) if header else min(top / 2, 42.5), max(footer, 12.0) if footer else min(
            bottom / 2, 42.5
        )

    # ================================================================ margins (headers, footers)

    def _margin_styles(self, page: PageStyle) -> None:
        for row, name in _ROW_STYLE.items():
            boxes = _row(page, row)
            if boxes and name not in self.sheet.styles:
                first = next(iter(boxes.values()))
                self.sheet.paragraph(name, replace(first.style, margin=(0, 0, 0, 0), padding=(0, 0, 0, 0), borders={}))
        if _ROW_STYLE["top"] not in self.sheet.styles:
            self.sheet.paragraph(_ROW_STYLE["top"], replace(self.spec["body"], indent_pt=0, margin=(0, 0, 0, 0)))
        if _ROW_STYLE["bottom"] not in self.sheet.styles:
            self.sheet.paragraph(_ROW_STYLE["bottom"], replace(self.spec["body"], indent_pt=0, margin=(0, 0, 0, 0)))

    def _margin_paragraph(self, page: PageStyle, row: str) -> Any | None:
        """The header (``top``) or footer (``bottom``) paragraph of a page: left, centre and right boxes
        on one line with tab stops, their fields (page number, running heads) and the rule under them."""
        boxes = _row(page, row)
        if not boxes:
            return None
        style = _ROW_STYLE[row]
        width = page.width_pt - page.margin[1] - page.margin[3]
        parts: dict[str, list[Any]] = {}
        for place in ("left", "center", "right"):
            box = boxes.get(f"{row}-{place}")
            if box is None:
                continue
            content: list[Any] = []
            props = self.sheet.run_props(
                self.sheet.role_of(box.style.families), size=half_points(box.style.size_pt), color=box.style.color
            )
            for kind, value in box.content:
                if kind == "text" and value:
                    content.append(run(value, props))
                elif kind == "counter":
                    instruction = "NUMPAGES" if value == "pages" else "PAGE"
                    content.extend(field_runs(instruction, "1", props))
                elif kind == "string" and value in self.running:
                    level, short = self.running[value]
                    instruction = f'STYLEREF "{word.RUNNING_HEAD}"' if short else f"STYLEREF {level}"
                    content.extend(field_runs(instruction, "", props))
            parts[place] = content
        visible = {place: content for place, content in parts.items() if content}
        direct: dict[str, Any] = {}
        first = next(iter(boxes.values())).style
        borders = {
            side: Side(border.width_pt, border.color, first.padding[("top", "right", "bottom", "left").index(side)])
            for box in boxes.values()
            for side, border in box.style.borders.items()
        }
        if not visible and not borders:
            return None
        content = []
        if set(visible) <= {"left"}:
            direct["align"] = "left"
            content = visible.get("left", [])
        elif set(visible) == {"center"}:
            direct["align"] = "center"
            content = visible["center"]
        elif set(visible) == {"right"}:
            direct["align"] = "right"
            content = visible["right"]
        else:
            direct["tabs"] = [("center", twips(width / 2), ""), ("right", twips(width), "")]
            direct["align"] = "left"
            content = [
                *visible.get("left", []),
                run("\t"),
                *visible.get("center", []),
                run("\t"),
                *visible.get("right", []),
            ]
        box_right = boxes.get(f"{row}-right")
        box_left = boxes.get(f"{row}-left")
        if direct["align"] == "right" and box_right is not None and box_right.style.padding[1]:
            direct["right"] = twips(box_right.style.padding[1])
        if direct["align"] == "left" and box_left is not None and box_left.style.padding[3]:
            direct["left"] = twips(box_left.style.padding[3])
        if borders:
            direct["borders"] = borders
        direct["first_line"] = 0
        direct["first_line_chars"] = 0
        return el("w:p", {}, ParaProps(style=style, **direct).element(), *content)

    # ================================================================ front matter

    def _front(self, element: Styled, page: PageStyle) -> None:
        """A cover, or a title block before the text: each text element a paragraph in its field's style.

        Elements the theme places absolutely keep their place (a frame anchored to the page); a box
        without text but with a background (the cover's colour band) becomes a rectangle behind the text.
        """
        leaves = list(_leaves(element))
        anchors = [
            self._rectangle(leaf.style, page)
            for leaf in leaves
            if not leaf.text and leaf.style.background and leaf.style.position == "absolute"
        ]
        if anchors:
            self.paragraph(word.NORMAL, anchors, line=20, line_rule="exact")
        for leaf in leaves:
            if not leaf.text:
                continue
            name = self.front_style(leaf)
            direct: dict[str, Any] = {}
            if leaf.style.position == "absolute":
                direct["frame"] = _frame(leaf.style, page)
                direct["before"] = 0
            self.paragraph(name, [run(leaf.text, self.props(name))], **direct)

    def _rectangle(self, style: Style, page: PageStyle) -> Any:
        """A filled rectangle anchored to the page, behind the text (a cover's colour band)."""
        offsets = style.offsets
        x = offsets["left"].resolve(page.width_pt) if "left" in offsets else 0.0
        y = offsets["top"].resolve(page.height_pt) if "top" in offsets else 0.0
        if style.width is not None:
            width = style.width.resolve(page.width_pt)
        else:
            width = page.width_pt - x - (offsets["right"].resolve(page.width_pt) if "right" in offsets else 0.0)
        if style.height is not None:
            height = style.height.resolve(page.height_pt)
        else:
            height = page.height_pt - y - (offsets["bottom"].resolve(page.height_pt) if "bottom" in offsets else 0.0)
        cx, cy = round(width * EMU_PER_PT), round(height * EMU_PER_PT)
        shape_id = self.part.next_id
        from docx.oxml import parse_xml

        xml = (
            f'<w:r xmlns:w="{_NS["w"]}"><w:drawing>'
            f'<wp:anchor xmlns:wp="{_NS["wp"]}" distT="0" distB="0" distL="0" distR="0" simplePos="0" '
            'relativeHeight="0" behindDoc="1" locked="1" layoutInCell="1" allowOverlap="1">'
            '<wp:simplePos x="0" y="0"/>'
            f'<wp:positionH relativeFrom="page"><wp:posOffset>{round(x * EMU_PER_PT)}</wp:posOffset></wp:positionH>'
            f'<wp:positionV relativeFrom="page"><wp:posOffset>{round(y * EMU_PER_PT)}</wp:posOffset></wp:positionV>'
            f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>'
            f'<wp:docPr id="{shape_id}" name="Cover band {shape_id}"/><wp:cNvGraphicFramePr/>'
            f'<a:graphic xmlns:a="{_NS["a"]}"><a:graphicData uri="{SHAPE_GRAPHIC}">'
            f'<wps:wsp xmlns:wps="{SHAPE_GRAPHIC}"><wps:cNvSpPr/><wps:spPr>'
            f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill><a:srgbClr val="{style.background}"/></a:solidFill><a:ln><a:noFill/></a:ln></wps:spPr>'
            "<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></w:r>"
        )
        return parse_xml(xml)

    def _toc_styles(self, toc: Styled) -> None:
        title = next((leaf for leaf in _leaves(toc) if leaf.tag != "li" and not _inside_li(toc, leaf)), None)
        if title is not None:
            self.sheet.paragraph(word.TOC_HEADING, title.style, based_on=word.NORMAL, next=word.NORMAL)
        for element in toc.walk():
            level = _toc_level(element)
            name = f"TOC {level}"
            if level and name not in self.sheet.styles:
                style = element.style
                self.sheet.paragraph(
                    name,
                    replace(style, margin=(style.margin[0], 0, style.margin[2], style.margin[3]), align="left"),
                    next=word.NORMAL,
                    tabs=[("right", twips(self.content_width), "dot")],
                    first_line=None,
                    first_line_chars=None,
                )

    def _toc(self, toc: Styled) -> None:
        """The table of contents: its title, then a ``TOC`` field whose entries are there before Word updates it
        (each links to its heading, its page number a ``PAGEREF`` field)."""
        for leaf in _leaves(toc):
            if leaf.tag != "li" and not _inside_li(toc, leaf) and leaf.text:
                self.paragraph(word.TOC_HEADING, [run(leaf.text, self.props(word.TOC_HEADING))])
                break
        levels = self.meta.toc_levels
        entries = [h for h in self.model.headings() if h.level <= levels]
        instruction = f'TOC \\o "1-{levels}" \\h \\z \\u'
        if not entries:
            self.paragraph(word.NORMAL, [*field_runs(instruction, "", dirty=True)])
            return
        for index, heading in enumerate(entries):
            name = f"TOC {heading.level}" if f"TOC {heading.level}" in self.sheet.styles else word.NORMAL
            props = self.props(name)
            target = word.bookmark("h", heading.id)
            link = el(
                "w:hyperlink",
                {"w:anchor": target, "w:history": "1"},
                run(heading.text, props),
                run("\t", props),
                *field_runs(f"PAGEREF {target} \\h", "", props),
            )
            content = [*field_begin(instruction, dirty=True)] if index == 0 else []
            content.append(link)
            if index == len(entries) - 1:
                content.append(field_end())
            self.paragraph(name, content)

    # ================================================================ the text

    def _text(self) -> None:
        for block in self.model.body_blocks():
            self.block(block)
        page = self.page
        for element in self.closing:
            self._closing(element, page)
        for block in self.model.appendix_blocks():
            if isinstance(block, model.Heading) and block.appendix:
                self.break_next = True
                self.paragraph(word.BODY, [run(block.appendix, self.props(word.BODY))], first_line=0)
            self.block(block)

    def _closing(self, element: Styled, page: PageStyle) -> None:
        first = True
        for leaf in _leaves(element):
            if not leaf.text:
                continue
            name = self.front_style(leaf, closing=True)
            direct: dict[str, Any] = {}
            if first and element.style.margin[0]:
                direct["before"] = twips(element.style.margin[0] + leaf.style.margin[0])
            first = False
            self.paragraph(name, [run(leaf.text, self.props(name))], **direct)

    def block(self, block: model.Block, depth: int = 0) -> None:
        if isinstance(block, model.Heading):
            self.heading(block)
        elif isinstance(block, model.Paragraph):
            if block.lead is not None:
                self.heading(block.lead, run_in=True)
            self.paragraph(word.BODY, self.inlines(block.content, word.BODY))
        elif isinstance(block, model.Figure):
            self.figure(block)
        elif isinstance(block, model.ListBlock):
            self.list_block(block, depth)
        elif isinstance(block, model.Quote):
            for child in block.children:
                if isinstance(child, model.Paragraph):
                    self.paragraph(word.QUOTE, self.inlines(child.content, word.QUOTE))
                else:
                    self.block(child, depth)
        elif isinstance(block, model.Table):
            self.table(block)
        elif isinstance(block, model.ThematicBreak):
            self.paragraph(word.RULE, [])

    def heading(self, heading: model.Heading, run_in: bool = False) -> None:
        style = word.heading_style(heading.level)
        props = self.props(style)
        short = next(
            (is_short for level, is_short in self.running.values() if level == heading.level and is_short), False
        )
        text = heading.text
        if short and len(heading.content) == 1 and isinstance(heading.content[0], model.Text):
            cut = len(heading.short_text)
            content = [run(text[:cut], self.props(style, word.RUNNING_HEAD))]
            if text[cut:]:
                content.append(run(text[cut:], props))
        else:
            content = self.inlines(heading.content, style)
        content = self.bookmarks.around(word.bookmark("h", heading.id), content)
        direct: dict[str, Any] = {}
        if run_in:
            # Word's style separator: the paragraph mark is hidden, the next paragraph runs on.
            direct["run"] = RunProps(vanish=True, spec_vanish=True)
        self.paragraph(style, content, **direct)

    # ---------------------------------------------------------------- inline

    def inlines(self, nodes: list[model.Inline], style: str, char: str | None = None, notes: bool = True) -> list[Any]:
        out: list[Any] = []
        for node in nodes:
            if isinstance(node, model.Text):
                if node.text:
                    out.append(run(node.text, self.props(style, char)))
            elif isinstance(node, model.Strong):
                out.extend(self.inlines(node.children, style, word.STRONG, notes))
            elif isinstance(node, model.Emph):
                out.extend(self.inlines(node.children, style, word.EMPHASIS, notes))
            elif isinstance(node, model.Code):
                out.append(run(node.text, self.props(style, word.CODE)))
            elif isinstance(node, model.Link):
                out.extend(self.link(node, style, notes))
            elif isinstance(node, model.Image):
                out.extend(self.image(node))
            elif isinstance(node, model.LineBreak):
                out.append(el("w:r", {}, el("w:br")))
            elif isinstance(node, model.FootnoteRef) and notes:
                out.extend(self.footnote(node))
            elif isinstance(node, model.Ref):
                out.extend(self.reference(node, style))
        return out

    def reference(self, node: model.Ref, style: str) -> list[Any]:
        """A cross-reference: to a figure or table a ``REF`` field to its caption's number (Word keeps it in step
        with the number), to a heading or appendix a link to its bookmark, to a note its text."""
        props = self.props(style)
        kind, _, number = node.anchor.partition("-")
        if node.kind in ("figure", "table") and number:
            name = word.bookmark(kind, number)
            # \* MERGEFORMAT tells a cross-reference from a link to a figure (``[图3](#fig-3)``) on the way back
            return field_runs(f"REF {name} \\h \\* MERGEFORMAT", node.label, props)
        if node.kind in ("heading", "appendix"):
            target = word.bookmark("h", node.anchor)
            return [el("w:hyperlink", {"w:anchor": target, "w:history": "1"}, run(node.label, props))]
        return [run(node.label, props)]

    def link(self, node: model.Link, style: str, notes: bool) -> list[Any]:
        """A link: to a figure of the document (``#fig-N``) a ``REF`` field to its caption, which Word keeps
        in step with the figure's number; to a heading a link to its bookmark; else a web link."""
        children = self.inlines(node.children, style, word.HYPERLINK, notes)
        href = node.href
        if href.startswith("#"):
            target = href[1:]
            figure = re.fullmatch(r"fig-(\d+)", target)
            if figure:
                name = word.bookmark("fig", figure.group(1))
                return field_runs(f"REF {name} \\h", model.plain_text(node.children), self.props(style))
            return [el("w:hyperlink", {"w:anchor": word.bookmark("h", target), "w:history": "1"}, *children)]
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        part = self.part if notes else self.footnotes_part
        rel = part.relate_to(href, RT.HYPERLINK, is_external=True)
        return [el("w:hyperlink", {"r:id": rel, "w:history": "1"}, *children)]

    def footnote(self, node: model.FootnoteRef) -> list[Any]:
        props = self.props(word.BODY, word.FOOTNOTE_REFERENCE)
        if node.label in self.footnote_ids:
            # Word has no footnote called twice: the second call shows the first's number.
            name = word.bookmark("fn", node.label)
            return field_runs(f"NOTEREF {name} \\f \\h", str(node.number), props)
        note = self.model.footnotes.get(node.label)
        number = len(self.footnote_ids) + 1
        self.footnote_ids[node.label] = number
        content = self.inlines(note.content, word.FOOTNOTE_TEXT, notes=False) if note else []
        mark = el("w:r", {}, props.element(), el("w:footnoteRef"))
        paragraph = el(
            "w:p",
            {},
            ParaProps(style=word.FOOTNOTE_TEXT).element(),
            mark,
            run(" ", self.props(word.FOOTNOTE_TEXT)),
            *content,
        )
        self.footnotes.append(el("w:footnote", {"w:id": number}, paragraph))
        reference = el("w:r", {}, props.element(), el("w:footnoteReference", {"w:id": number}))
        return self.bookmarks.around(word.bookmark("fn", node.label), [reference])

    def image(self, node: model.Image) -> list[Any]:
        """An image of the text, at its size (at most the text's width)."""
        address = self.rendered.images.get(node.src, "")
        parsed = urlparse(address)
        if parsed.scheme != "file":
            self.diagnostics.warn(
                f"the Word document leaves out the remote image '{node.src}'",
                node.pos,
                "copy the image into the project",
            )
            return [run(node.alt, self.props(word.BODY))] if node.alt else []
        path = Path(unquote(parsed.path))
        from docx.image.image import Image as DocxImage

        data = path.read_bytes()
        if path.suffix.lower() == ".svg":
            self.diagnostics.warn(
                f"the Word document shows the SVG image '{node.src}' by its description only",
                node.pos,
                "use a PNG or JPEG for images of the text",
            )
            return [run(node.alt or node.src, self.props(word.BODY))]
        picture = DocxImage.from_blob(data)
        width = picture.width.pt
        height = picture.height.pt
        if width > self.content_width:
            height *= self.content_width / width
            width = self.content_width
        inline = self.part.new_pic_inline(io.BytesIO(data), round(width * EMU_PER_PT), round(height * EMU_PER_PT))
        _describe(inline, node.src, node.alt)
        return [el("w:r", {}, el("w:drawing", {}, inline))]

    # ---------------------------------------------------------------- figures

    def figure(self, figure: model.Figure) -> None:
        spec = self.rendered.specs[figure.chart_id]
        drawing = self.rendered.drawings[figure.chart_id]
        page = spec.placement == "page"
        if page:
            self.break_next = True
        if drawing.kind == "svg" and drawing.png:
            self.picture(spec, drawing)
            self.caption(figure, spec)
        else:
            self.caption(figure, spec, above=True)
            if spec.unit:
                self.paragraph(word.UNIT, [run(f"{self.words['unit']}{spec.unit}", self.props(word.UNIT))])
            if spec.type == "kpi":
                self.kpi(spec)
            elif spec.type == "table":
                self.chart_table(spec)
            else:
                self.paragraph(word.BODY, [run(spec.alt or spec.title, self.props(word.BODY))])
        if spec.note:
            self.paragraph(word.FIGURE_NOTE, [run(spec.note, self.props(word.FIGURE_NOTE))])
        if page:
            self.break_next = True

    def picture(self, spec: ChartSpec, drawing: Drawing) -> None:
        """A chart: its SVG, with the PNG drawn at 300 dpi as the fallback, at its printed size."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part

        width, height = _svg_size(drawing.markup)
        inline = self.part.new_pic_inline(
            io.BytesIO(drawing.png), round(width * EMU_PER_PT), round(height * EMU_PER_PT)
        )
        self.svg_count += 1
        safe = re.sub(r"[^0-9A-Za-z_-]", "_", spec.id)
        svg = Part(
            PackURI(f"/word/media/chart-{self.svg_count}-{safe}.svg"),
            "image/svg+xml",
            drawing.markup.encode("utf-8"),
            self.part.package,
        )
        rid = self.part.relate_to(svg, RT.IMAGE)
        blip = inline.find(f".//{{{_NS['a']}}}blip")
        ext_list = el("a:extLst")
        ext = el("a:ext", {"uri": SVG_BLIP_EXT})
        from docx.oxml import parse_xml

        ext.append(parse_xml(f'<asvg:svgBlip xmlns:asvg="{SVG_BLIP}" xmlns:r="{_NS["r"]}" r:embed="{rid}"/>'))
        ext_list.append(ext)
        blip.append(ext_list)
        _describe(inline, f"{word.FIGURE_PREFIX}{spec.id}", spec.alt or spec.title)
        self.paragraph(word.FIGURE, [el("w:r", {}, el("w:drawing", {}, inline))])

    def caption(self, figure: model.Figure, spec: ChartSpec, above: bool = False) -> None:
        """``图 N`` (a ``SEQ`` field Word renumbers, under a bookmark ``REF`` fields point to) and the title."""
        name = "KPI Caption" if spec.type == "kpi" else word.CAPTION
        if not figure.label:  # a KPI page: its title, no number
            self.titled += 1
            title = self.bookmarks.around(
                word.bookmark("fig", f"p{self.titled}"), [run(spec.caption_text, self.props(name))]
            )
            self.paragraph(name, title, keep_next=above or None)
            return
        label = self.words["figure"]
        number = str(figure.number)
        label_props = self.props(name, word.CAPTION_LABEL)
        numbered = [run(f"{label} ", label_props), *field_runs(f"SEQ {label} \\* ARABIC", number, label_props)]
        space = "\u3000" if self.sheet.chinese else " "
        content = [
            *self.bookmarks.around(word.bookmark("fig", number), numbered),
            run(space + spec.caption_text, self.props(name)),
        ]
        self.paragraph(name, content, keep_next=above or None)

    def kpi(self, spec: ChartSpec) -> None:
        """KPI cards as a table: two cards a row, a gap column and gap rows between them."""
        card = self.spec["kpi-card"]
        gap = self.content_width * 0.03
        column = (self.content_width - gap) / 2
        widths = [column, gap, column]
        rows = []
        assert isinstance(spec.data, Cards)
        items = list(spec.data.items)
        for start in range(0, len(items), 2):
            pair = items[start : start + 2]
            cells = []
            for index in range(2):
                item = pair[index] if index < len(pair) else None
                if index:
                    cells.append(_cell(widths[1], [el("w:p")]))
                cells.append(
                    _cell(widths[index * 2], self.kpi_card(item) if item else [el("w:p")], card if item else None)
                )
            rows.append(_row_element(cells, cant_split=True))
            if start + 2 < len(items):
                rows.append(
                    _row_element(
                        [_cell(w, [el("w:p", {}, ParaProps(line=20, line_rule="exact").element())]) for w in widths],
                        height=card.margin[2],
                    )
                )
        self.add(_table(widths, rows, f"{word.FIGURE_PREFIX}{spec.id}", spec.alt or spec.title))

    def kpi_card(self, item: KpiItem) -> list[Any]:
        out = [el("w:p", {}, ParaProps(style=word.KPI_LABEL).element(), run(item.label, self.props(word.KPI_LABEL)))]
        value = [run(format_number(item.value), self.props(word.KPI_VALUE))]
        if item.unit:
            value.append(run(item.unit, self.props(word.KPI_VALUE, word.KPI_UNIT)))
        out.append(el("w:p", {}, ParaProps(style=word.KPI_VALUE).element(), *value))
        if item.change is not None:
            up = item.change >= 0
            mark = run("▲" if up else "▼", self.props(word.KPI_CHANGE, word.KPI_UP if up else word.KPI_DOWN))
            words = self.words["up" if up else "down"]
            change = run(f" {words} {format_number(abs(item.change))}%", self.props(word.KPI_CHANGE))
            out.append(el("w:p", {}, ParaProps(style=word.KPI_CHANGE).element(), mark, change))
        if item.note:
            out.append(
                el("w:p", {}, ParaProps(style=word.KPI_NOTE).element(), run(item.note, self.props(word.KPI_NOTE)))
            )
        return out

    def chart_table(self, spec: ChartSpec) -> None:
        """A chart table: the header row repeats on every page, numbers align right."""
        data = spec.data
        assert isinstance(data, TableData)
        columns = max([len(data.columns), *(len(row) for row in data.rows)] or [1])
        widths = [self.content_width / columns] * columns
        header = self.spec["chart-table-header"]
        last_row = self.spec["chart-table-row-last"]
        rules = _rules(header.borders, last_row.borders)
        rows = []
        if data.columns:
            cells = [
                _cell(widths[i], [self._cell_paragraph("Chart Table Heading", text)], borders=_inner(header.borders))
                for i, text in enumerate(data.columns)
            ]
            rows.append(_row_element(cells, header=True))
        for index, row in enumerate(data.rows):
            last = index == len(data.rows) - 1
            row_style = replace(last_row, borders={}) if last else self.spec["chart-table-row"]
            shading = self.spec["chart-table-row-even"].background if index % 2 else ""
            cells = []
            for i, text in enumerate(row):
                style = "Chart Table Stub" if i == 0 else "Chart Table Text"
                cells.append(
                    _cell(
                        widths[i],
                        [self._cell_paragraph(style, text, "right" if i > 0 and numeric(text) else None)],
                        borders=_inner(row_style.borders),
                        shading=shading,
                    )
                )
            rows.append(_row_element(cells))
        self.add(_table(widths, rows, f"{word.FIGURE_PREFIX}{spec.id}", spec.alt or spec.title, rules))

    def _cell_paragraph(self, style: str, text: str, align: str | None = None) -> Any:
        return el("w:p", {}, ParaProps(style=style, align=align).element(), run(text, self.props(style)))

    # ---------------------------------------------------------------- tables and lists

    def table(self, table: model.Table) -> None:
        """A table of the text: a numbered one with its caption above (``表 N``, a ``SEQ`` field under a bookmark
        ``REF`` fields point to) and its unit line; every header row repeats on every page; spans as merged
        cells; the theme's rules above, under the header and at the foot; its notes under it."""
        if table.label:
            self.table_caption(table)
            if table.unit:
                text = f"{self.words['unit']}{table.unit}"
                self.paragraph(word.UNIT, [run(text, self.props(word.UNIT))], align="right")
        grid = model.placed([*table.header, *table.rows])
        columns = len(grid[0]) if grid else 1
        widths = [self.content_width / columns] * columns
        header = self.spec["table-header"]
        cell_style, last_style = self.spec["table-cell"], self.spec["table-last"]
        rules = _rules(header.borders if table.header else cell_style.borders, last_style.borders)
        owner: dict[tuple[int, int], model.TableCell] = {}
        for r, places in enumerate(grid):
            for c, found in enumerate(places):
                if found is not None:
                    for dr in range(found.rowspan):
                        for dc in range(found.colspan):
                            owner[(r + dr, c + dc)] = found
        heads = len(table.header)
        rows = []
        for r, places in enumerate(grid):
            is_header = r < heads
            total = not is_header and (r - heads) in table.totals
            if is_header:
                style, borders = word.TABLE_HEADING, _inner(header.borders)
            else:
                source = last_style if r == len(grid) - 1 else cell_style
                style, borders = word.TABLE_TEXT, _inner(source.borders)
            cells = []
            c = 0
            while c < columns:
                cell = places[c]
                span = owner.get((r, c))
                if span is None:  # a row shorter than the table
                    cells.append(_cell(widths[c], [el("w:p")], borders=borders))
                    c += 1
                    continue
                width = sum(widths[c : c + span.colspan])
                if cell is not None:
                    paragraph = self._inline_cell(style, cell, word.STRONG if total else None)
                    merge = "restart" if cell.rowspan > 1 else ""
                else:
                    paragraph, merge = el("w:p"), "continue"
                cells.append(_cell(width, [paragraph], borders=borders, span=span.colspan, merge=merge))
                c += span.colspan
            rows.append(_row_element(cells, header=is_header, cant_split=True))
        name = f"{word.TABLE_PREFIX}{table.spec}" if table.spec else (f"#{table.key}" if table.key else "")
        self.add(_table(widths, rows, name=name, rules=rules))
        for note in table.notes:
            self.paragraph(word.FIGURE_NOTE, self.inlines(note, word.FIGURE_NOTE))

    def table_caption(self, table: model.Table) -> None:
        """``表 N`` and the caption, above the table and kept with it."""
        label, _, number = table.label.rpartition(" ")
        if not label:  # 附表1: the word and the number run together
            split = re.match(r"(.*?)(\d+(?:-\d+)?)$", table.label)
            label, number = (split.group(1), split.group(2)) if split else (table.label, "")
        label_props = self.props(word.CAPTION, word.CAPTION_LABEL)
        space = " " if " " in table.label else ""
        numbered = [run(f"{label}{space}", label_props), *field_runs(f"SEQ {label} \\* ARABIC", number, label_props)]
        gap = "\u3000" if self.sheet.chinese else " "
        content = [
            *self.bookmarks.around(word.bookmark("tbl", str(table.number)), numbered),
            run(gap, self.props(word.CAPTION)),
            *self.inlines(table.caption, word.CAPTION),
        ]
        self.paragraph(word.CAPTION, content, keep_next=True)

    def _inline_cell(self, style: str, cell: model.TableCell, char: str | None = None) -> Any:
        align = {"center": "center", "right": "right", "left": "left", "decimal": "right"}.get(cell.align or "")
        content = self.inlines(cell.content, style, char)
        return el("w:p", {}, ParaProps(style=style, align=align).element(), *content)

    def list_block(self, block: model.ListBlock, depth: int) -> None:
        level = min(depth, 2)
        if block.ordered:
            self.numbers.append((len(self.numbers) + 3, block.start))
            number = self.numbers[-1][0]
        else:
            number = 1
        for item in block.items:
            first = True
            for child in item:
                if isinstance(child, model.Paragraph):
                    if first:
                        style = (word.LIST_NUMBER if block.ordered else word.LIST_BULLET)[level]
                        self.paragraph(style, self.inlines(child.content, style), numbering=(number, level))
                    else:
                        style = word.LIST_CONTINUE[level]
                        self.paragraph(style, self.inlines(child.content, style))
                    first = False
                elif isinstance(child, model.ListBlock):
                    self.list_block(child, depth + 1)
                else:
                    self.block(child, depth + 1)

    def _finish_numbering(self) -> None:
        numbering = self.part.numbering_part.element
        for number, start in self.numbers:
            num = el(
                "w:num",
                {"w:numId": number},
                el("w:abstractNumId", {"w:val": 1}),
                el("w:lvlOverride", {"w:ilvl": 0}, el("w:startOverride", {"w:val": start})),
            )
            numbering.append(num)


_ROW_STYLE = {"top": word.HEADER, "bottom": word.FOOTER}
_NS = NAMESPACES


def _row(page: PageStyle, row: str) -> dict[str, Any]:
    return {name: box for name, box in page.boxes.items() if name.startswith(f"{row}-")}


def _leaves(element: Styled) -> Iterator[Styled]:
    """The innermost elements of ``element`` that carry text or paint a box, in document order."""
    blocks = [child for child in element.children if child.text or child.style.background]
    if not blocks or element.tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "figcaption"):
        yield element
        return
    for child in element.children:
        yield from _leaves(child)


def _is_toc(element: Styled) -> bool:
    return any(_toc_level(child) for child in element.walk()) and any(
        child.tag == "a" and child.attrs.get("href", "").startswith("#") for child in element.walk()
    )


def _toc_level(element: Styled) -> int:
    if element.tag != "li":
        return 0
    for name in element.classes:
        found = re.search(r"(\d)$", name)
        if found:
            return int(found.group(1))
    return 1


def _inside_li(root: Styled, leaf: Styled) -> bool:
    for element in root.walk():
        if element.tag == "li" and any(child is leaf for child in element.walk()):
            return True
    return False


def _frame(style: Style, page: PageStyle) -> dict[str, Any]:
    """``w:framePr`` placing a paragraph where the theme's absolute position puts it on the page."""
    offsets = style.offsets
    left = offsets["left"].resolve(page.width_pt) if "left" in offsets else 0.0
    right = offsets["right"].resolve(page.width_pt) if "right" in offsets else None
    width = page.width_pt - left - (right if right is not None else 0.0)
    if style.width is not None:
        width = style.width.resolve(page.width_pt)
    line = style.line_height_pt or (style.line_height or 1.3) * style.size_pt
    height = line + style.padding[0] + style.padding[2] + sum(b.width_pt for b in style.borders.values())
    if "top" in offsets:
        top = offsets["top"].resolve(page.height_pt)
    elif "bottom" in offsets:
        top = page.height_pt - offsets["bottom"].resolve(page.height_pt) - height
    else:
        top = 0.0
    return {
        "w": twips(width),
        "hAnchor": "page",
        "vAnchor": "page",
        "x": twips(left),
        "y": twips(top),
        "wrap": "notBeside",
        "hRule": "auto",
    }


def _svg_size(svg: str) -> tuple[float, float]:
    """The printed size of a chart's SVG, in points (matplotlib writes ``width="453.6pt"``)."""
    found = re.search(r'<svg[^>]*\bwidth="([\d.]+)pt"[^>]*\bheight="([\d.]+)pt"', svg)
    if found:
        return float(found.group(1)), float(found.group(2))
    return 400.0, 250.0


def _describe(inline: Any, name: str, description: str) -> None:
    """Name a picture (``chart:ID`` for a chart: how an edited document is read back) and describe it."""
    doc_pr = inline.find(f"{{{_NS['wp']}}}docPr")
    doc_pr.set("name", name)
    if description:
        doc_pr.set("descr", description)
    for c_nv_pr in inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/picture}cNvPr"):
        c_nv_pr.set("name", name)


def _cell(
    width: float,
    paragraphs: list[Any],
    card: Style | None = None,
    borders: dict[str, Any] | None = None,
    shading: str = "",
    span: int = 1,
    merge: str = "",
) -> Any:
    """A table cell; ``span``: columns it takes, ``merge``: ``restart`` (the first of a vertical merge) or
    ``continue`` (a place the cell above covers)."""
    props = [el("w:tcW", {"w:w": twips(width), "w:type": "dxa"})]
    if span > 1:
        props.append(el("w:gridSpan", {"w:val": span}))
    if merge:
        props.append(el("w:vMerge", {"w:val": "restart"} if merge == "restart" else {}))
    sides = dict(borders or {})
    if card is not None:
        sides.update(card.borders)
        shading = card.background
    if sides:
        props.append(
            el(
                "w:tcBorders",
                {},
                *(
                    Side(sides[side].width_pt, sides[side].color).element(f"w:{side}")
                    for side in ("top", "left", "bottom", "right")
                    if side in sides
                ),
            )
        )
    if shading:
        props.append(el("w:shd", {"w:val": "clear", "w:color": "auto", "w:fill": shading}))
    if card is not None:
        top, right, bottom, left = card.padding
        props.append(
            el(
                "w:tcMar",
                {},
                el("w:top", {"w:w": twips(top), "w:type": "dxa"}),
                el("w:left", {"w:w": twips(left), "w:type": "dxa"}),
                el("w:bottom", {"w:w": twips(bottom), "w:type": "dxa"}),
                el("w:right", {"w:w": twips(right), "w:type": "dxa"}),
            )
        )
    return el("w:tc", {}, el("w:tcPr", {}, *props), *paragraphs)


def _row_element(cells: list[Any], header: bool = False, cant_split: bool = False, height: float = 0) -> Any:
    props = []
    if cant_split or header:
        props.append(el("w:cantSplit"))
    if height:
        props.append(el("w:trHeight", {"w:val": twips(height), "w:hRule": "exact"}))
    if header:
        props.append(el("w:tblHeader"))
    return el("w:tr", {}, el("w:trPr", {}, *props) if props else None, *cells)


def _table(
    widths: list[float], rows: list[Any], name: str = "", description: str = "", rules: dict[str, Any] | None = None
) -> Any:
    """A table of fixed column ``widths``; ``rules``: its top and bottom borders (the cells draw the others);
    a chart's table is named ``chart:ID`` (``w:tblCaption``)."""
    props = [
        el("w:tblW", {"w:w": twips(sum(widths)), "w:type": "dxa"}),
        el("w:jc", {"w:val": "center"}),
    ]
    if rules:
        sides = [
            Side(rules[side].width_pt, rules[side].color).element(f"w:{side}")
            for side in ("top", "bottom")
            if side in rules
        ]
        props.append(el("w:tblBorders", {}, *sides))
    props += [
        el("w:tblLayout", {"w:type": "fixed"}),
        el("w:tblLook", {"w:val": "04A0", "w:firstRow": 1, "w:lastRow": 0, "w:firstColumn": 1, "w:lastColumn": 0,
                          "w:noHBand": 0, "w:noVBand": 1}),
    ]  # fmt: skip
    if name:
        props.append(el("w:tblCaption", {"w:val": name}))
        props.append(el("w:tblDescription", {"w:val": description or name}))
    grid = el("w:tblGrid", {}, *(el("w:gridCol", {"w:w": twips(w)}) for w in widths))
    return el("w:tbl", {}, el("w:tblPr", {}, *props), grid, *rows)


def _rules(first: dict[str, Any], last: dict[str, Any]) -> dict[str, Any]:
    """The table's own top and bottom borders: the first row's top, the last row's bottom."""
    rules = {}
    if "top" in first:
        rules["top"] = first["top"]
    if "bottom" in last:
        rules["bottom"] = last["bottom"]
    return rules


def _inner(borders: dict[str, Any]) -> dict[str, Any]:
    """A cell's borders but its top (drawn by the table, or the row above)."""
    return {side: border for side, border in borders.items() if side != "top"}


def _project_files(root: Path) -> list[Any]:
    from ...editions.archive import project_files

    return list(project_files(root))
