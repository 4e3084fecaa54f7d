"""Notes: ``［1］`` calls in the text and a block of ``［1］…`` explanations become footnotes.

Reports write notes as a block after the text or after each chapter
(``注释：`` or ``名词解释``, then ``［1］三清一改：清理……``), often with the
term on one line and its explanation on the next::

    ［1］三清一改：
    清理农村生活垃圾、清理村内塘沟……

The explanation goes with its term into the note. A call is bound to the
first note of its label after it (the chapter's own notes), else to the last
one before it; when a report numbers its notes per chapter (``［1］`` in every
chapter), the notes are renamed (``1``, ``1-2``, …) so that none is lost and
each call prints its own explanation. The publisher numbers footnotes through
the document in the order they are called.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .decisions import LIKELY, SURE, UNSURE, Decision
from .model import Dropped, NoteDef, Span
from .structure import FULLWIDTH_DIGITS, NOTE_DEF, NOTE_REF, ends_sentence, numbering, split_spans

if TYPE_CHECKING:
    from .outline import Item

_CALLERS = ("para", "heading", "plain", "list", "enlist", "table", "appendix")


def label_of(raw: str) -> str:
    """A note's label in ASCII digits (``１`` → ``1``)."""
    return raw.translate(FULLWIDTH_DIGITS)


@dataclass
class Bindings:
    """Which note each call prints."""

    calls: dict[int, dict[str, str]] = field(default_factory=dict)
    """For each item (by index), the footnote label of each label it calls."""
    labels: dict[int, str] = field(default_factory=dict)
    """The footnote label of each note item."""
    notes_made: dict[int, str] = field(default_factory=dict)
    """What each note item became."""
    decisions: list[Decision] = field(default_factory=list)
    """Calls without a note."""

    def definition(self, index: int, item: Item) -> NoteDef:
        """The footnote of a note item: its text after ``［n］``, with the explanation joined from the next line."""
        match = NOTE_DEF.match(item.unit.text)
        assert match is not None
        _, content = split_spans(item.unit.spans, match.start(2))
        if item.extra:
            content = [*content, *item.extra]
        return NoteDef(self.labels[index], call_notes(content, self.calls.get(index, {})), item.unit.line)


def _item_text(item: Item) -> str:
    if item.role == "table":
        return "".join("".join(s.text for s in cell) for row in item.unit.rows for cell in row)
    return item.unit.text


def _is_term(content: str) -> bool:
    """A note's first line that names a term and leaves its explanation to the next line."""
    stripped = content.strip()
    return not stripped or stripped[-1] in "：:" or (len(stripped) <= 20 and not ends_sentence(stripped))


def resolve_notes(items: list[Item], dropped: list[Dropped], lang: str = "zh-CN") -> Bindings:
    """Bind calls to notes, join explanations to their terms; notes nobody calls stay text."""
    bindings = Bindings()
    explanations: dict[int, int] = {}
    for i, item in enumerate(items):
        if item.role != "note":
            continue
        match = NOTE_DEF.match(item.unit.text)
        nxt = items[i + 1] if i + 1 < len(items) else None
        if (
            match is not None
            and _is_term(match.group(2))
            and nxt is not None
            and nxt.role in ("para", "plain")
            and nxt.unit.hint == ""
            and not NOTE_DEF.match(nxt.unit.text)
            and numbering(nxt.unit.text, lang) is None
        ):
            explanations[i] = i + 1
    definitions: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        if item.role == "note":
            match = NOTE_DEF.match(item.unit.text)
            if match is not None:
                definitions.setdefault(label_of(match.group(1)), []).append(i)

    def footnote_label(label: str, at: int) -> str:
        same = definitions[label]
        return label if same.index(at) == 0 else f"{label}-{same.index(at) + 1}"

    called: dict[int, list[int]] = {}
    for i, item in enumerate(items):
        if item.role not in _CALLERS or any(s.raw for s in item.unit.spans):
            continue
        mapping: dict[str, str] = {}
        for call in NOTE_REF.finditer(_item_text(item)):
            label = label_of(call.group(1))
            if label in mapping:
                continue
            candidates = definitions.get(label, [])
            after = [d for d in candidates if d > i]
            chosen = after[0] if after else (candidates[-1] if candidates else None)
            if chosen is None:
                bindings.decisions.append(
                    Decision(
                        item.unit.line,
                        item.unit.col,
                        call.group(0),
                        "text (a note call without its note)",
                        f"no note {call.group(0)} in the text",
                        UNSURE,
                    )
                )
                continue
            mapping[label] = footnote_label(label, chosen)
            called.setdefault(chosen, []).append(item.unit.line)
        if mapping:
            bindings.calls[i] = mapping
    renamed = any(len(found) > 1 for found in definitions.values())
    for i, item in enumerate(items):
        if item.role != "note":
            continue
        match = NOTE_DEF.match(item.unit.text)
        assert match is not None
        label = label_of(match.group(1))
        if i not in called:
            item.set("para", f"a note {match.group(0)[: match.start(2)].strip()} that the text never calls", UNSURE)
            continue
        bindings.labels[i] = footnote_label(label, i)
        if i in explanations:
            nxt = items[explanations[i]]
            item.extra = [Span(" ")] if lang == "en" else []
            item.extra += nxt.unit.spans
            nxt.set("merged", f"the explanation of the term on line {item.unit.line}, on the line after it")
            nxt.became = f"the text of footnote [^{bindings.labels[i]}] (line {item.unit.line})"
        lines = ", ".join(str(n) for n in called[i][:4])
        how = " (notes are numbered per chapter: renamed)" if renamed else ""
        explanation = " with its explanation from the next line" if item.extra else ""
        item.set("note", f"called from line {lines}{how}", SURE if not renamed else LIKELY)
        bindings.notes_made[i] = f"footnote [^{bindings.labels[i]}]{explanation}"
    for i, item in enumerate(items):
        if item.role != "notes-heading":
            continue
        following = next((j for j in range(i + 1, len(items)) if items[j].role != "merged"), None)
        if following is not None and items[following].role == "note":
            dropped.append(
                Dropped(
                    item.unit.line,
                    item.unit.text,
                    "the heading of the notes, which became footnotes",
                    "a notes heading over notes that became footnotes",
                )
            )
            item.role = "dropped"
        else:
            item.set("para", "a notes heading with no notes under it", LIKELY)
    return bindings


def call_notes(spans: list[Span], mapping: dict[str, str]) -> list[Span]:
    """Note calls ``［1］`` in the text become footnote references (``mapping``: label → footnote label)."""
    if not mapping:
        return spans
    out: list[Span] = []
    for span in spans:
        if span.note or span.image or span.raw:
            out.append(span)
            continue
        pos = 0
        for match in NOTE_REF.finditer(span.text):
            label = label_of(match.group(1))
            if label not in mapping:
                continue
            if match.start() > pos:
                out.append(Span(span.text[pos : match.start()], span.bold, span.italic))
            out.append(Span("", note=mapping[label]))
            pos = match.end()
        if pos < len(span.text):
            out.append(Span(span.text[pos:], span.bold, span.italic))
    return out
