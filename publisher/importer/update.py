"""Edits made in Word come back to the source: ``publisher import --update PROJECT edited.docx``.

The Word edition carries the source it was made from (:mod:`.exported`). The
edited document's text is read back into the document model and compared,
block by block, with that source's model: each block is said as Markdown
(:func:`block_markdown`, the same for both sides), the two lists are aligned,
and what differs is a change — a paragraph edited, a heading added, a figure
moved or deleted. The changes are then made in the project's
``source/report.md`` where they belong, leaving every other line as it was
written (its comments, its half-width punctuation the build normalises):
blocks are found there by their lines (:func:`block_spans`). If the source was
edited too since the export, a change is made only where the source still
says what the document started from; elsewhere it is reported, not made.

Nothing is written unless asked (``--write``); then the old report is kept
as ``report.md.bak``. Chart specs are never touched: a figure deleted in Word
leaves its spec, and a caption edited in Word is reported (captions come
from the spec). ``publisher import exported.docx`` makes a new project the
same way: the project files the document carries, the report with the
document's edits.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import model
from ..errors import Diagnostics, Pos, PublisherError
from ..files import display_path, write_atomic
from ..i18n import LABELS
from ..parse import build_model, markdown_parser
from ..source import MAIN_FILE, Source, SourceFile, find_project, load_source, parse_source
from .exported import Exported, Project, project_part, read_exported

# ----------------------------------------------------------------- Markdown of the model

_ESCAPE = re.compile(r"([\\`*_\[\]<])")
_LINE_START = re.compile(r"^(#|>|[-+=]\s|\d+[.)]\s)")


def _escape(text: str, table: bool = False) -> str:
    text = _ESCAPE.sub(r"\\\1", text)
    return text.replace("|", "\\|") if table else text


def _merged(nodes: list[model.Inline]) -> list[model.Inline]:
    """Neighbouring nodes of the same kind as one (Word splits runs as it likes, Markdown its lines)."""
    out: list[model.Inline] = []
    for node in nodes:
        last = out[-1] if out else None
        if isinstance(node, model.Text) and not node.text:
            continue
        if isinstance(node, model.Text) and isinstance(last, model.Text):
            out[-1] = model.Text(last.text + node.text)
        elif isinstance(node, model.Strong) and isinstance(last, model.Strong):
            out[-1] = model.Strong([*last.children, *node.children])
        elif isinstance(node, model.Emph) and isinstance(last, model.Emph):
            out[-1] = model.Emph([*last.children, *node.children])
        elif isinstance(node, model.Link) and isinstance(last, model.Link) and node.href == last.href:
            out[-1] = model.Link(node.href, [*last.children, *node.children])
        else:
            out.append(node)
    return out


def inline_markdown(nodes: list[model.Inline], table: bool = False) -> str:
    """Inline nodes as Markdown."""
    parts: list[str] = []
    for node in _merged(nodes):
        if isinstance(node, model.Text):
            parts.append(_escape(node.text, table))
        elif isinstance(node, model.Strong):
            parts.append(f"**{inline_markdown(node.children, table)}**")
        elif isinstance(node, model.Emph):
            parts.append(f"*{inline_markdown(node.children, table)}*")
        elif isinstance(node, model.Code):
            fence = "``" if "`" in node.text else "`"
            parts.append(f"{fence}{node.text}{fence}")
        elif isinstance(node, model.Link):
            parts.append(f"[{inline_markdown(node.children, table)}]({node.href})")
        elif isinstance(node, model.Image):
            parts.append(f"![{_escape(node.alt)}]({node.src})")
        elif isinstance(node, model.FootnoteRef):
            parts.append(f"[^{node.label}]")
        elif isinstance(node, model.Ref):
            parts.append(f"[@{node.key}]")
        elif isinstance(node, model.LineBreak):
            parts.append("\\\n")
    return "".join(parts).strip(" ")


def _lines(text: str) -> str:
    """Text that would start a heading, quote or list at a line's start is escaped there."""
    return "\n".join(("\\" + line) if _LINE_START.match(line) else line for line in text.split("\n"))


def _indent(text: str, pad: str, first: str = "") -> str:
    lines = text.split("\n")
    return "\n".join([first + lines[0], *((pad + line) if line else "" for line in lines[1:])])


def block_markdown(block: model.Block) -> str:
    """A block of the document model as Markdown that parses back into it."""
    if isinstance(block, model.Heading):
        return f"{'#' * block.level} {inline_markdown(block.content)}"
    if isinstance(block, model.Paragraph):
        text = _lines(inline_markdown(block.content))
        if block.lead is not None:
            return f"{'#' * block.lead.level} {inline_markdown(block.lead.content)}\n{text}"
        return text
    if isinstance(block, model.Figure):
        return f"![](chart:{block.chart_id})"
    if isinstance(block, model.ThematicBreak):
        return "---"
    if isinstance(block, model.Quote):
        inner = "\n\n".join(block_markdown(child) for child in block.children)
        return "\n".join(f"> {line}" if line else ">" for line in inner.split("\n"))
    if isinstance(block, model.ListBlock):
        lines: list[str] = []
        for k, item in enumerate(block.items):
            marker = f"{block.start + k}. " if block.ordered else "- "
            pad = " " * len(marker)
            for index, child in enumerate(item):
                text = block_markdown(child)
                if index == 0:
                    lines.append(_indent(text, pad, marker))
                elif isinstance(child, model.ListBlock):
                    lines.append(_indent(text, pad, pad))
                else:
                    lines += ["", _indent(text, pad, pad)]
        return "\n".join(lines)
    if isinstance(block, model.Table):
        if block.spec and not block.header and not block.rows:
            return f"![](table:{block.spec})"
        return table_markdown(block)
    return ""


def table_markdown(block: model.Table) -> str:
    """A table as a pipe table: spans as ``<`` and ``^`` cells, a caption line when it has one, its notes."""
    grid = model.placed([*block.header, *block.rows])
    width = len(grid[0]) if grid else 1
    owner: dict[tuple[int, int], str] = {}
    for r, places in enumerate(grid):
        for c, cell in enumerate(places):
            if cell is not None:
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        if dr or dc:
                            owner[(r + dr, c + dc)] = "^" if dc == 0 else "<"

    def row(r: int) -> str:
        texts = []
        for c in range(width):
            cell = grid[r][c]
            texts.append(inline_markdown(cell.content, table=True) if cell is not None else owner.get((r, c), ""))
        return "| " + " | ".join(texts) + " |"

    first = block.rows[0] if block.rows else (block.header[-1] if block.header else [])
    aligns = [cell.align for cell in first] + [None] * width
    rule = {None: "---", "left": ":---", "center": ":---:", "right": "---:", "decimal": "---:"}
    lines = [row(0), "|" + "|".join(rule.get(a, "---") for a in aligns[:width]) + "|"]
    lines += [row(r) for r in range(1, len(grid))]
    if block.caption or block.key:  # the caption goes before the table
        attributes = [f"#{block.key}"] if block.key else []
        if block.unit:
            attributes.append(f"unit={block.unit}" if " " not in block.unit else f'unit="{block.unit}"')
        if len(block.header) > 1:
            attributes.append(f"header={len(block.header)}")
        if block.landscape:
            attributes.append("landscape")
        caption = inline_markdown(block.caption)
        lines = [f": {caption}" + (" {" + " ".join(attributes) + "}" if attributes else ""), "", *lines]
    notes = [inline_markdown(note) for note in block.notes if not inline_markdown(note).startswith(_LEGENDS)]
    if notes:
        lines += ["", "\n".join(notes)]
    return "\n".join(lines)


_LEGENDS = tuple(labels["conventions"] for labels in LABELS.values())


# ----------------------------------------------------------------- where blocks are in the source


def block_spans(source: Source, document: model.Document) -> list[tuple[int, int]]:
    """The lines (0-based in the body, end exclusive) of every block of ``document``, parsed from ``source``."""
    from markdown_it.tree import SyntaxTreeNode

    nodes = [n for n in SyntaxTreeNode(markdown_parser().parse(source.body)).children if n.type != "footnote_block"]
    spans: list[tuple[int, int]] = []
    i = 0
    for block in document.blocks:
        take = 2 if isinstance(block, model.Paragraph) and block.lead is not None else 1
        if isinstance(block, model.Table) and block.lines != (0, 0):
            # a captioned table: its caption and notes are paragraphs of their own in the source
            last = block.lines[1] - source.body_line
            while i + take < len(nodes) and (nodes[i + take].map or (last + 1,))[0] <= last:
                take += 1
        found = nodes[i : i + take]
        if len(found) < take or any(node.map is None for node in found):
            raise PublisherError(
                "cannot find the blocks of the report in its source",
                Pos(source.main.path),
                "report this with the report's source (publisher --debug shows more)",
            )
        spans.append((found[0].map[0], found[-1].map[1]))  # type: ignore[index]
        i += take
    return spans


# ----------------------------------------------------------------- changes


@dataclass(frozen=True)
class Change:
    """One difference between the document and the source."""

    kind: str
    """``changed``, ``added`` or ``removed``."""
    what: str
    """``paragraph``, ``heading``, ``figure chart:ID``, ``note [^1]``, ``title`` …"""
    line: int
    """Its line in ``source/report.md``."""
    old: str = ""
    new: str = ""
    applied: bool = True
    """``False``: the source changed here too since the export; reported, not made."""

    def lines(self, path: str) -> list[str]:
        where = f"{path}:{self.line}"
        if not self.applied:
            return [f"{where}: not applied ({self.kind} {self.what}): the source changed here since the export"]
        if self.kind == "changed":
            return [f"{where}: changed {self.what}: {inline_diff(self.old, self.new)}"]
        text = self.new if self.kind == "added" else self.old
        return [f"{where}: {self.kind} {self.what}: {_short(text)}"]


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def inline_diff(old: str, new: str, context: int = 12) -> str:
    """What changed between two texts, on one line: ``…推动组建[-7-]{+8+}个工地…``."""
    old, new = " ".join(old.split()), " ".join(new.split())
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    parts: list[str] = []
    last = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gap = old[last:i1]
        parts.append(gap if len(gap) <= 2 * context else gap[:context] + "…" + gap[-context:])
        if i1 < i2:
            parts.append(f"[-{old[i1:i2]}-]")
        if j1 < j2:
            parts.append(f"{{+{new[j1:j2]}+}}")
        last = i2
    head = parts[0] if parts else ""
    if len(head) > context:
        parts[0] = "…" + head[-context:]
    tail = old[last:]
    parts.append(tail if len(tail) <= context else tail[:context] + "…")
    return "".join(parts)


def _what(block: model.Block) -> str:
    if isinstance(block, model.Figure):
        return f"figure chart:{block.chart_id}"
    if isinstance(block, model.Table) and block.spec:
        return f"table table:{block.spec}"
    if isinstance(block, model.Paragraph) and block.lead is not None:
        return "paragraph with its run-in heading"
    return {
        model.Heading: "heading",
        model.Paragraph: "paragraph",
        model.ListBlock: "list",
        model.Quote: "quote",
        model.Table: "table",
        model.ThematicBreak: "rule",
    }.get(type(block), "block")


@dataclass
class Merged:
    """The project's report with the document's edits made."""

    text: str
    changes: list[Change]
    notes: list[str] = field(default_factory=list)


def _mapping(base: list[str], current: list[str]) -> dict[int, int]:
    """Blocks of the base (the exported source) that the current source still has, unchanged: base → current."""
    if base == current:
        return {i: i for i in range(len(base))}
    found: dict[int, int] = {}
    for tag, i1, i2, j1, _ in difflib.SequenceMatcher(None, base, current, autojunk=False).get_opcodes():
        if tag == "equal":
            found.update({i1 + k: j1 + k for k in range(i2 - i1)})
    return found


def merge(base: Source, current: Source, exported: Exported) -> Merged:
    """``current`` with the edits that turned ``base`` (what was exported) into the ``exported`` document."""
    base_model = build_model(base, Diagnostics())
    current_model = base_model if current is base else build_model(current, Diagnostics())
    base_keys = [block_markdown(b) for b in base_model.blocks]
    word_keys = [block_markdown(b) for b in exported.blocks]
    current_keys = [block_markdown(b) for b in current_model.blocks]
    spans = block_spans(current, current_model)
    mapping = _mapping(base_keys, current_keys)
    lines = current.body.split("\n")
    first_line = current.body_line
    edits: list[tuple[int, int, list[str]]] = []
    changes: list[Change] = []
    opcodes = difflib.SequenceMatcher(None, base_keys, word_keys, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        where = _place(mapping, i1, i2, len(current_keys))
        old_blocks, new_blocks = base_model.blocks[i1:i2], exported.blocks[j1:j2]
        if where is None:
            before = max((k for k in mapping if k < i1), default=None)
            guess = mapping[before] + i1 - before if before is not None else i1  # as far on as in the base
            at = spans[guess][0] if guess < len(spans) else (spans[-1][1] if spans else 0)
            line = first_line + at
            for block in old_blocks or new_blocks:
                kind = "changed" if old_blocks and new_blocks else "removed" if old_blocks else "added"
                changes.append(Change(kind, _what(block), line, applied=False))
            continue
        c1, c2 = where
        line = first_line + (spans[c1][0] if c1 < len(spans) else (spans[-1][1] if spans else 0))
        if tag == "replace" and i2 - i1 == j2 - j1:
            # block for block: each edit made in the source's own text where it can be (its half-width
            # punctuation, its line breaks stay), else the block as the document says it
            for k in range(i2 - i1):
                start, end = spans[c1 + k]
                written = "\n".join(lines[start:end])
                redone = rebase(written, current_keys[c1 + k], word_keys[j1 + k], current)
                edits.append((c1 + k, c1 + k + 1, [redone or word_keys[j1 + k]]))
        else:
            edits.append((c1, c2, word_keys[j1:j2]))
        pairs = max(len(old_blocks), len(new_blocks))
        for k in range(pairs):
            old = old_blocks[k] if k < len(old_blocks) else None
            new = new_blocks[k] if k < len(new_blocks) else None
            at = first_line + spans[c1 + k][0] if old is not None and c1 + k < len(spans) else line
            if old is not None and new is not None:
                changes.append(Change("changed", _what(new), at, base_keys[i1 + k], word_keys[j1 + k]))
            elif new is not None:
                changes.append(Change("added", _what(new), line, new=word_keys[j1 + k]))
            elif old is not None:
                what = _what(old)
                if isinstance(old, model.Figure):
                    what += " (its spec in source/charts/ stays)"
                changes.append(Change("removed", what, at, old=base_keys[i1 + k]))
    for c1, c2, markdown in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        replacement = "\n\n".join(markdown).split("\n") if markdown else []
        if c1 < c2:
            start, end = spans[c1][0], spans[c2 - 1][1]
            if not replacement:
                while end < len(lines) and not lines[end].strip() and (start == 0 or not lines[start - 1].strip()):
                    end += 1
        elif c1 < len(spans):
            start = end = spans[c1][0]
            replacement += [""]
        else:
            start = end = spans[-1][1] if spans else len(lines)
            replacement = ["", *replacement]
        lines[start:end] = replacement
    text = "\n".join(lines)
    text = _notes(text, base_model, current_model, exported, changes, first_line)
    head = current.main.text[: len(current.main.text) - len(current.body)]
    head = _front(head, base.meta, current.meta, exported, changes)
    return Merged(head + text, changes)


def rebase(written: str, old: str, new: str, source: Source) -> str | None:
    """``written`` (a block as the source has it) with the edits that turned ``old`` (the block as the model
    says it) into ``new``: the source's own characters kept wherever the edits do not touch them.

    ``None`` when an edit falls where the two differ (normalised punctuation, spaces), or the result does not
    read back as ``new``.
    """
    placed: list[int | None] = [None] * (len(old) + 1)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, written, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1):
                placed[i1 + k] = j1 + k
    placed[len(old)] = len(written)
    out: list[str] = []
    last = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        start = placed[i1]
        end = (placed[i2 - 1] + 1) if i2 > i1 and placed[i2 - 1] is not None else start  # type: ignore[operator]
        if start is None or end is None or start < last:
            return None
        out += [written[last:start], new[j1:j2]]
        last = end
    out.append(written[last:])
    result = "".join(out)
    import dataclasses

    check = build_model(dataclasses.replace(source, body=result), Diagnostics())
    if "\n\n".join(block_markdown(b) for b in check.blocks) != new:
        return None
    return result


def _place(mapping: dict[int, int], i1: int, i2: int, count: int) -> tuple[int, int] | None:
    """Where base blocks ``i1:i2`` (or an insertion before ``i1``) are in the current source."""
    if i1 < i2:
        mapped = [mapping.get(i) for i in range(i1, i2)]
        if any(m is None for m in mapped):
            return None
        first = mapped[0]
        assert first is not None
        if mapped != list(range(first, first + len(mapped))):
            return None
        return first, first + len(mapped)
    if i1 == 0:
        return 0, 0
    before = mapping.get(i1 - 1)
    if before is not None:
        return before + 1, before + 1
    after = mapping.get(i1)
    return (after, after) if after is not None else None


_DEFINITION = re.compile(r"^\[\^([^\]]+)\]:\s?(.*)$")


def _notes(
    text: str, base: model.Document, current: model.Document, exported: Exported, changes: list[Change], first: int
) -> str:
    """The notes edited, added or deleted in Word, in the definitions of the source."""
    lines = text.split("\n")
    found = {m.group(1): i for i, line in enumerate(lines) if (m := _DEFINITION.match(line))}
    for label, note in exported.footnotes.items():
        new = inline_markdown(note.content)
        old_note = base.footnotes.get(label)
        if old_note is not None and inline_markdown(old_note.content) == new:
            continue
        if old_note is None:
            lines += ["", f"[^{label}]: {new}"] if lines and lines[-1].strip() else [f"[^{label}]: {new}"]
            changes.append(Change("added", f"note [^{label}]", first + len(lines) - 1, new=new))
            continue
        index = found.get(label)
        now = current.footnotes.get(label)
        if index is None or now is None or inline_markdown(now.content) != inline_markdown(old_note.content):
            changes.append(Change("changed", f"note [^{label}]", first + (index or 0), applied=False))
            continue
        end = index + 1
        while end < len(lines) and lines[end].startswith(("    ", "\t")):
            end += 1
        lines[index:end] = [f"[^{label}]: {new}"]
        changes.append(Change("changed", f"note [^{label}]", first + index, inline_markdown(old_note.content), new))
    body = "\n".join(lines)
    for label, old_note in base.footnotes.items():
        if label in exported.footnotes or f"[^{label}]" in body.replace(f"[^{label}]:", ""):
            continue
        index = next((i for i, line in enumerate(lines) if line.startswith(f"[^{label}]:")), None)
        if index is None:
            continue
        end = index + 1
        while end < len(lines) and lines[end].startswith(("    ", "\t")):
            end += 1
        del lines[index:end]
        changes.append(Change("removed", f"note [^{label}]", first + index, old=inline_markdown(old_note.content)))
    return "\n".join(lines)


def _yaml_value(value: str) -> str:
    if value and re.fullmatch(r"[^\s:#{}\[\],&*?|<>=!%@`'\"-][^:#]*", value) and value == value.strip():
        return value
    return json.dumps(value, ensure_ascii=False)


def _front(head: str, base: model.Meta, current: model.Meta, exported: Exported, changes: list[Change]) -> str:
    """Front matter fields edited in Word (the title on the cover …), where the source still has the old value."""
    lines = head.split("\n")
    for name, value in exported.front.items():
        old = str(getattr(base, name, "") or "")
        if value == old or not old:
            continue
        index = next((i for i, line in enumerate(lines) if re.match(rf"^{name}:\s", line)), None)
        if index is None or str(getattr(current, name, "") or "") != old:
            changes.append(Change("changed", name, (index or 0) + 1, applied=False))
            continue
        lines[index] = f"{name}: {_yaml_value(value)}"
        changes.append(Change("changed", name, index + 1, old, value))
    return "\n".join(lines)


# ----------------------------------------------------------------- the command


@dataclass
class WordUpdate:
    """What ``publisher import --update`` (or importing an exported document) found and did."""

    docx: Path
    out_dir: Path
    """The project."""
    changes: list[Change]
    text: str
    """The report with the document's edits."""
    attrs: dict[str, str] = field(default_factory=dict)
    """What made the document (``publisher`` version, ``name`` …), when it says."""
    notes: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    """Files written, relative to :attr:`out_dir`."""
    backup: Path | None = None
    restored: bool = False
    """A new project made from the document (``publisher import``), not an update of one."""

    def uncertain(self) -> list[Change]:
        return [change for change in self.changes if not change.applied]

    def explain(self, source: str | None = None) -> list[str]:
        """Every change, with its lines before and after."""
        out = []
        for change in sorted(self.changes, key=lambda c: c.line):
            out.extend(change.lines(str(MAIN_FILE)))
            if change.applied and change.kind == "changed":
                out += [f"  - {line}" for line in change.old.split("\n")]
                out += [f"  + {line}" for line in change.new.split("\n")]
        return out

    def summary(self, source: str | None = None) -> list[str]:
        name = source or self.docx.name
        made = self.attrs.get("publisher")
        origin = f" (publisher {made}, {self.attrs.get('name', '')})" if made else ""
        verb = "import" if self.restored else "update"
        lines = [f"{verb}: read {name}: a Word document the publisher wrote{origin}"]
        applied = [c for c in self.changes if c.applied]
        if not self.changes:
            lines.append(f"{verb}: no changes: the document says what {MAIN_FILE} says")
        else:
            counts: dict[str, int] = {}
            for change in applied:
                counts[change.kind] = counts.get(change.kind, 0) + 1
            said = ", ".join(f"{n} {kind}" for kind, n in counts.items()) or "none applied"
            noun = "change" if len(self.changes) == 1 else "changes"
            lines.append(f"{verb}: {len(self.changes)} {noun} made in Word ({said}):")
            for change in sorted(self.changes, key=lambda c: c.line):
                lines.extend(f"  {line}" for line in change.lines(str(MAIN_FILE)))
        lines.extend(f"{verb}: {note}" for note in self.notes)
        if self.restored:
            pass
        elif self.files:
            backup = f" (the old one is {self.backup.name})" if self.backup else ""
            lines.append(f"update: wrote {MAIN_FILE}{backup}")
        elif applied:
            lines.append(f"update: nothing written; `publisher import --update {display_path(self.out_dir)} "
                         f"{display_path(self.docx)} --write` makes these changes")  # fmt: skip
        return lines


def _base(root: Path, project: Project | None, current: Source) -> Source:
    """The source the document was made from: the one it carries, else the project's own."""
    if project is None or "source/report.md" not in project.files:
        return current
    text = project.files["source/report.md"].decode("utf-8")
    if text == current.main.text:
        return current
    return parse_source(root, SourceFile(MAIN_FILE, text))


def _caption_notes(root: Path, exported: Exported) -> list[str]:
    """Captions edited in Word: they come from the chart specs, which are not changed."""
    from ..charts import load_specs

    try:
        specs = load_specs(root)
    except PublisherError:
        return []
    notes = []
    for chart, text in exported.captions.items():
        spec = specs.get(chart)
        if spec is not None and text and text != spec.caption_text:
            notes.append(
                f"caption of chart:{chart} changed in Word to “{text}”: not applied, captions come from the chart "
                f"spec ({spec.pos.path}:{spec.pos.line}: edit its `title:` or `caption:`)"
            )
    return notes


def update_project(project: Path, docx: Path, write: bool = False) -> WordUpdate:
    """Compare ``docx`` (the project's Word edition, edited) with the project's source; with ``write``, make the
    changes in ``source/report.md`` (keeping ``report.md.bak``)."""
    root = find_project(project)
    current = load_source(root)
    part = project_part(docx)
    base = _base(root, part, current)
    base_model = build_model(base, Diagnostics())
    exported = _read(docx, base_model, _titled(part.files if part is not None else _spec_files(root)))
    if part is None and not exported.blocks:
        raise PublisherError(
            "this is not a Word document the publisher wrote",
            Pos(docx),
            "import it as a new project (`publisher import FILE -o DIR`), or use the .docx of `--edition docx`",
        )
    merged = merge(base, current, exported)
    result = WordUpdate(docx, root, merged.changes, merged.text, part.attrs if part else {})
    if part is None:
        result.notes.append("the document carries no copy of its source: compared with the project's own")
    elif base is not current:
        result.notes.append(f"{MAIN_FILE} changed since the export: the changes are made where it did not")
    result.notes.extend(_caption_notes(root, exported))
    if write and any(c.applied for c in merged.changes) and merged.text != current.main.text:
        from ..typeset.lint import apply_fixes

        for rel, data in exported.images.items():
            write_atomic(root / rel, data)
            result.files.append(Path(rel))
        result.backup = apply_fixes(current, merged.text)
        result.files.append(MAIN_FILE)
    return result


def _titled(specs: Mapping[str, bytes]) -> set[str]:
    """The charts (by id) of the spec files ``specs`` (``source/charts/*.yaml`` by path) that are KPI pages: titled,
    not numbered (:func:`publisher.pipeline.prepare`), so they take no ``图 N`` in the Word document."""
    from .. import yamlpos

    found = set()
    for rel, data in specs.items():
        if not (rel.startswith("source/charts/") and rel.endswith((".yaml", ".yml"))):
            continue
        try:
            parsed = yamlpos.load(data.decode("utf-8"), Path(rel))
        except (PublisherError, UnicodeDecodeError):
            continue
        for entry in parsed if isinstance(parsed, list) else [parsed]:
            if isinstance(entry, dict) and entry.get("type") == "kpi" and entry.get("placement") == "page":
                found.add(str(entry.get("id")))
    return found


def _spec_files(root: Path) -> dict[str, bytes]:
    folder = root / "source" / "charts"
    if not folder.is_dir():
        return {}
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(folder.glob("*.y*ml")) if p.is_file()}


def _read(docx: Path, base: model.Document, titled: set[str] | None = None) -> Exported:
    """The Word document read with what its source says of its footnotes, figures and numbered tables (``titled``:
    the KPI pages, which have no number)."""
    numbered = [t for t in base.tables() if t.spec or t.caption]
    charts = [f.chart_id for f in base.figures() if f.chart_id not in (titled or set())]
    pages = [f.chart_id for f in base.figures() if f.chart_id in (titled or set())]
    tables = [t.spec for t in numbered]
    keys = [t.spec or t.key for t in numbered]
    return read_exported(docx, base.meta.run_in_level, list(base.footnotes), charts, tables, keys, pages)


def restore_project(docx: Path, out_dir: Path, *, force: bool = False) -> WordUpdate:
    """A new project from a Word document the publisher wrote: its files, and its report with the edits."""
    from .writer import check_out_dir

    part = project_part(docx)
    if part is None or "source/report.md" not in part.files:
        raise PublisherError("the document carries no project", Pos(docx), "import it with `publisher import`")
    check_out_dir(out_dir, force)
    base = parse_source(out_dir, SourceFile(MAIN_FILE, part.files["source/report.md"].decode("utf-8")))
    base_model = build_model(base, Diagnostics())
    exported = _read(docx, base_model, _titled(part.files))
    merged = merge(base, base, exported)
    result = WordUpdate(docx, out_dir, merged.changes, merged.text, part.attrs, restored=True)
    files = dict(part.files)
    files["source/report.md"] = merged.text.encode("utf-8")
    files.update(exported.images)
    for rel, data in sorted(files.items()):
        write_atomic(out_dir / rel, data)
        result.files.append(Path(rel))
    result.notes.extend(_caption_notes(out_dir, exported))
    return result
