"""Numbers and cross-references: what ``图 3``, ``表 2``, ``附表1`` and ``[@id]`` print, and where they point.

Run on the whole document once its tables and figures are in place (the table
specs placed, :mod:`publisher.tables`), so a number is always the current one:

- figures and numbered tables (those with a caption) get their label, each
  kind its own sequence: through the document (``表 1``, ``表 2`` …) or by
  chapter (``numbering: chapter``: ``表 2-1`` is the first table after the
  second level-1 heading); in an appendix ``附表1``, ``附图1``, numbered within
  the appendix, or continuing the text's sequence when the theme says so
  (``captions: {appendix: continue}`` in its ``theme.yaml``);
- headings get what a reference to them prints: ``第二部分`` for a part,
  ``附件1`` for an appendix, the heading's words (up to the first comma) in
  quotes for any other;
- every ``[@id]`` gets its target's label and anchor; an id nothing has is an
  error at its ``file:line:col`` with the nearest id as a suggestion.

The ids: a chart's or table spec's ``id``, a pipe table's ``{#id}``, a
heading's ``{#id}``, a footnote's label. Two things with one id are an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from .errors import Pos, PublisherError, did_you_mean
from .i18n import labels, ordinal
from .model import (
    Block,
    Document,
    Emph,
    Figure,
    Heading,
    Inline,
    Link,
    Paragraph,
    Ref,
    Strong,
    Table,
    Text,
    map_inlines,
)

APPENDIX_NUMBERING = ("within", "continue")
REFERENCE = re.compile(r"\[@([^\]\s\[]+)\]")
"""A cross-reference in the text: ``[@id]``."""


def with_refs(text: str, pos: Pos) -> list[Inline]:
    """``text`` as inline nodes, each ``[@id]`` in it a :class:`Ref` (at ``pos``, or its column on that line)."""
    if "[@" not in text:
        return [Text(text)] if text else []
    out: list[Inline] = []
    start = 0
    for match in REFERENCE.finditer(text):
        if match.start() > start:
            out.append(Text(text[start : match.start()]))
        out.append(Ref(match[1], pos))
        start = match.end()
    if start < len(text):
        out.append(Text(text[start:]))
    return out


@dataclass(frozen=True)
class Captions:
    """How a theme numbers and labels (``captions:`` in its ``theme.yaml``)."""

    continued: str = ""
    """The label over a table's continuation on the next page: ``续{label}`` (``续表 1``) or
    ``{label}（续）``; ``""``: the language's default."""
    appendix: str = "within"
    """Tables and figures of an appendix: ``within`` (``附表1``, ``附图1``, from 1 in each appendix) or
    ``continue`` (they go on with the text's ``表 N``, ``图 N``)."""


@dataclass(frozen=True)
class Target:
    """Something a cross-reference can point at."""

    key: str
    """Its id."""
    kind: str
    """``figure``, ``table``, ``heading``, ``appendix`` or ``note``."""
    label: str
    """What a reference prints."""
    anchor: str
    """Its anchor in the document."""
    pos: Pos
    appendix: int = 0
    """The appendix it is in (1, 2 …), 0 for the text."""
    numbered: bool = False
    """A numbered figure or table (what ``publisher check`` expects to be referred to)."""


@dataclass(frozen=True)
class Numbered:
    """The document numbered and its references resolved."""

    document: Document
    targets: Mapping[str, Target]
    """Every id, by id."""
    referred: frozenset[str]
    """The ids some reference points at."""

    def unreferred(self) -> list[Target]:
        """The numbered figures and tables no reference points at, in reading order."""
        return [t for t in self.targets.values() if t.numbered and t.key not in self.referred]


def number(doc: Document, captions: Captions | None = None) -> Numbered:
    """``doc`` with every figure, table and heading labelled and every ``[@id]`` resolved."""
    captions = captions or Captions()
    words = labels(doc.meta.lang)
    by_chapter = doc.meta.numbering == "chapter"
    blocks: list[Block] = []
    targets: dict[str, Target] = {}
    places: list[int] = []
    """The appendix of each top-level block."""
    chapter = part = appendix = 0
    counts = {"figure": 0, "table": 0}
    """Numbers given in the current sequence."""
    figures = tables = 0
    """Numbers of the whole document (anchors)."""

    def add(target: Target, placed: bool = False) -> None:
        """``placed``: the target is a spec placed in the text (a chart, a table spec), which may be placed twice."""
        if not target.key:
            return
        if target.key in targets:
            if (target.kind == "figure" or placed) and target.kind == targets[target.key].kind:
                return  # a chart or a table spec placed twice: references go to the first

            raise PublisherError(
                f"id '{target.key}' is already used at {targets[target.key].pos}",
                target.pos,
                "give every figure, table and heading its own id",
            )
        targets[target.key] = target

    def label(kind: str) -> str:
        counts[kind] += 1
        n = str(counts[kind])
        if appendix and captions.appendix == "within":
            return words[f"appendix-{kind}-label"].format(n=n)
        if by_chapter and chapter and not appendix:
            n = f"{chapter}-{n}"
        return words[f"{kind}-label"].format(n=n)

    for block in doc.blocks:
        if isinstance(block, Heading):
            if block.appendix:
                appendix += 1
                if captions.appendix == "within":
                    counts = {"figure": 0, "table": 0}
                block = replace(block, label=block.appendix)
                add(Target(block.key, "appendix", block.label, block.id, block.pos, appendix))
            elif block.level == 1 and not appendix:
                part += 1
                chapter = part
                if by_chapter:
                    counts = {"figure": 0, "table": 0}
                block = replace(block, label=words["part"].format(n=ordinal(doc.meta.lang, part)))
                add(Target(block.key, "heading", block.label, block.id, block.pos, appendix))
            else:
                block = replace(block, label=_quoted(block.short_text))
                add(Target(block.key, "heading", block.label, block.id, block.pos, appendix))
        elif isinstance(block, Paragraph) and block.lead is not None:
            lead = replace(block.lead, label=_quoted(block.lead.short_text))
            block = replace(block, lead=lead)
            add(Target(lead.key, "heading", lead.label, lead.id, lead.pos, appendix))
        elif isinstance(block, Figure) and not block.numbered:
            block = replace(block, number=0, label="")
        elif isinstance(block, Figure):
            figures += 1
            block = replace(block, number=figures, label=label("figure"))
            add(Target(block.chart_id, "figure", block.label, f"fig-{figures}", block.pos, appendix, True))
        elif isinstance(block, Table) and block.caption:
            tables += 1
            block = replace(block, number=tables, label=label("table"))
            add(Target(block.key, "table", block.label, f"tbl-{tables}", block.pos, appendix, True), bool(block.spec))
        blocks.append(block)
        places.append(appendix)
    for note in doc.footnotes.values():
        if note.label not in targets:
            text = words["note-ref"].format(n=note.number)
            targets[note.label] = Target(note.label, "note", text, f"fn-{note.label}", note.pos)
    several = appendix > 1 and captions.appendix == "within"
    referred: set[str] = set()

    def resolver(where: int) -> Callable[[list[Inline]], list[Inline]]:
        def resolve(nodes: list[Inline]) -> list[Inline]:
            out: list[Inline] = []
            for node in nodes:
                if isinstance(node, Ref):
                    target = targets.get(node.key)
                    if target is None:
                        raise PublisherError(
                            f"no figure, table, heading or note with id '{node.key}'",
                            node.pos,
                            did_you_mean(node.key, targets) or "give the target an id: see docs/tables.md",
                        )
                    referred.add(node.key)
                    text = target.label
                    if several and target.appendix and target.appendix != where and target.kind in ("figure", "table"):
                        text = _appendix_label(blocks, target.appendix) + text
                    out.append(replace(node, label=text, anchor=target.anchor, kind=target.kind))
                elif isinstance(node, Strong | Emph):
                    out.append(type(node)(resolve(node.children)))
                elif isinstance(node, Link):
                    out.append(Link(node.href, resolve(node.children)))
                else:
                    out.append(node)
            return out

        return resolve

    resolved = [map_inlines(block, resolver(where)) for block, where in zip(blocks, places, strict=True)]
    notes = {key: replace(note, content=resolver(0)(note.content)) for key, note in doc.footnotes.items()}
    numbered = replace(doc, blocks=resolved, footnotes=notes)
    return Numbered(numbered, targets, frozenset(referred))


def _appendix_label(blocks: list[Block], index: int) -> str:
    found = [b for b in blocks if isinstance(b, Heading) and b.appendix]
    return found[index - 1].appendix if 0 < index <= len(found) else ""


def _quoted(text: str) -> str:
    """A heading's words as a reference quotes them: ``“（一）政治建设更加自觉坚定”``."""
    text = text.rstrip("。.，,；;：:")
    return f"“{text}”"
