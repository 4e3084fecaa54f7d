"""The glyph check: every character must be in a font of the role that draws it.

Run before rendering, so a character no font has stops the build with its
``file:line:col`` instead of printing as a box (tofu) or, worse, silently in
some other face.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path

from .. import fontstore
from ..charts import ChartSpec, kind_of, printed_text
from ..errors import Diagnostics, Pos, PublisherError
from ..fonts import RoleFont, chart_chain, covers, invisible
from ..i18n import labels
from ..model import Document, Heading, Inline, ListBlock, Paragraph, Quote, Table, plain_text
from ..source import Source, read_text


def _texts(doc: Document, report: Path, specs: Mapping[str, ChartSpec]) -> Iterator[tuple[str, str, Pos]]:
    """(role, text, position of its block) for all text of the document."""

    def inline_text(nodes: list[Inline]) -> str:
        return plain_text(nodes)

    def block_texts(block: object, role: str = "body") -> Iterator[tuple[str, str, Pos]]:
        if isinstance(block, Heading):
            yield ("heading", block.text, block.pos)
        elif isinstance(block, Paragraph):
            if block.lead is not None:
                yield ("kai", block.lead.text, block.lead.pos)
            yield (role, inline_text(block.content), block.pos)
        elif isinstance(block, ListBlock):
            for item in block.items:
                for child in item:
                    yield from block_texts(child, role)
        elif isinstance(block, Quote):
            for child in block.children:
                yield from block_texts(child, role)
        elif isinstance(block, Table):
            # captions and headers in the heading face; cells and notes in the heading face (report) or the
            # body face (gongwen): both must have them
            words = labels(doc.meta.lang)
            furniture = block.label + words["unit"] + block.unit + words["continued"] + "0123456789-"
            yield ("heading", inline_text(block.caption) + furniture, block.pos)
            for row in block.header:
                for cell in row:
                    yield ("heading", inline_text(cell.content), cell.pos or block.pos)
            for row in block.rows:
                for cell in row:
                    for face in ("heading", "body"):
                        yield (face, inline_text(cell.content), cell.pos or block.pos)
            for note in block.notes:
                for face in ("heading", "body"):
                    yield (face, inline_text(note), block.pos)

    for block in doc.blocks:
        yield from block_texts(block)
    for note in doc.footnotes.values():
        yield ("body", inline_text(note.content), note.pos)
    for figure in doc.figures():
        spec = specs.get(figure.chart_id)
        if spec is None:
            continue
        words = "".join(labels(doc.meta.lang).values())
        # a drawn chart's text is set in the chart font and its fallbacks; an HTML kind's in the figure role
        yield ("figure" if kind_of(spec).template else "chart", printed_text(spec) + words, spec.pos)
    meta = doc.meta
    for text in (meta.title, meta.subtitle, meta.organisation, meta.date):
        yield ("title", text, Pos(report, 1, 1))


def _locate(source: Source, pos: Pos, char: str) -> Pos:
    """The position of ``char`` at or after ``pos`` in the report or a chart spec (best effort)."""
    if pos.path == source.main.path:
        text = source.main.text
    else:
        try:
            text = read_text(source.root, pos.path).text
        except PublisherError:
            return pos
    lines = text.split("\n")
    for index in range(max(pos.line - 1, 0), len(lines)):
        col = lines[index].find(char)
        if col >= 0:
            return Pos(pos.path, index + 1, col + 1)
    return pos


def check_glyphs(
    doc: Document,
    source: Source,
    specs: Mapping[str, ChartSpec],
    roles: dict[str, list[RoleFont]],
    diagnostics: Diagnostics,
    allow_missing: bool,
) -> None:
    """Raise (or warn, with ``allow_missing``) for the first character no font of its role has."""
    seen: set[tuple[str, str]] = set()
    chains = {**roles, "chart": chart_chain(doc.meta.lang)}
    for role, text, pos in _texts(doc, source.main.path, specs):
        chain = chains.get(role) or chains.get("body") or []
        for char in text:
            if char.isspace() or invisible(char) or (role, char) in seen:
                continue
            seen.add((role, char))
            if any(covers(font, char) for font in chain):
                continue
            where = _locate(source, pos, char)
            name = unicodedata.name(char, "unnamed")
            whose = "of the charts" if role == "chart" else f"for the {role} role"
            message = f"U+{ord(char):04X} '{char}' ({name}) is in no font {whose}"
            if not allow_missing:
                raise PublisherError(message, where, missing_glyph_hint())
            diagnostics.warn(message, where, missing_glyph_hint(allowed=True))


def missing_glyph_hint(allowed: bool = False) -> str:
    """What to do about a character no font has: install the full faces, or else print it as a box (what
    ``--allow-missing-glyphs``, ``allowed``, already does: then it says so)."""
    states = fontstore.status()
    if any(state == "missing" for state in states.values()):
        return f"`{fontstore.install_command()}` installs the full faces (all CJK ideographs, symbols, emoji)"
    if allowed:
        return "no font the publisher has draws it (see `publisher --info`); it prints as a box"
    return (
        "no font the publisher has draws it (see `publisher --info`); "
        "`publisher build --allow-missing-glyphs` prints it as a box"
    )
