"""What each unit of a document is, decided from the structure of the whole document.

A line is first described by itself (:func:`classify`): its numbering, and its
*shape* — a short phrase (``一、主要工作成效``), a run-in heading
(``（一）xxx。yyy…``), a sentence standing alone (``（一）坚持……提升。``), an item
(``（1）教育：…；``). Then the document decides:

* **what follows**: a numbered line over body text or over its own sub-headings
  is a heading however long it is; numbered lines one after another with
  nothing between are a list;
* **siblings**: the lines of the same numbering in the same section are alike —
  a long ``（三）…。`` among run-in ``（一）`` ``（二）`` is a heading too, and says
  how sure that is;
* **numbering sequences**: a heading that skips a number, or a top-level
  numbering that starts again at 1 without a part heading, is reported;
* **unnumbered lines** are parts only when the document's outermost numbering
  starts again after them; a short line over ``1.…`` items inside a section is
  a lead-in, not a part.

Every decision has a reason and a confidence (:mod:`.decisions`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..typeset.chars import is_han
from .cleanup import is_furniture
from .decisions import LIKELY, MARKERS, SURE, UNSURE, Decision
from .model import (
    Block,
    FrontLine,
    ImportedDocument,
    ImportedHeading,
    ListItem,
    NoteDef,
    Paragraph,
    RawBlock,
    Span,
    TableBlock,
    Unit,
    spans_text,
)
from .notes import call_notes, resolve_notes
from .structure import (
    APPENDIX_EN,
    APPENDIX_ZH,
    CONTINUATION,
    DATE_LINE,
    EN_BULLET,
    EN_LIST_NUMBER,
    HEADING_KINDS_ZH,
    MAX_HEADING,
    MAX_PLAIN_HEADING,
    MAX_RUN_IN,
    MAX_STANDALONE_SENTENCE,
    NOTE_DEF,
    NOTES_HEADING,
    RANK,
    Numbering,
    ends_sentence,
    first_sentence_end,
    is_appendix,
    is_caps,
    is_fragment,
    is_salutation,
    numbering,
    split_spans,
)
from .titleblock import take_signature, take_title_block

NUMBERED = frozenset(HEADING_KINDS_ZH) | {"roman", "en1", "en2", "en3", "en4"}
"""Numbering kinds that may make a heading."""
MAX_SURE_RUN_IN = 80
"""A run-in heading's first sentence longer than this is reported, whatever its siblings."""
_NAME_TITLES = re.compile(r"^(?:Cllr|Councillor|Dr|Mr|Mrs|Ms|Miss|Sir|Dame|Prof|Professor|Rev|Lord|Lady)\.?\s", re.I)
_ROLE_WORDS = re.compile(
    r"\b(?:Leader|Chief|Executive|Chair|Chairman|Chairwoman|Mayor|Director|Councillor|Secretary|President|Manager|"
    r"Officer|Head|Member|Clerk|Treasurer|Minister|Commissioner|Deputy|Governor|Principal|Cabinet)\b",
    re.I,
)


@dataclass
class Item:
    """A unit being decided."""

    unit: Unit
    """The unit."""
    role: str
    """``heading``, ``para``, ``plain`` (an unnumbered heading candidate), ``list``, ``enlist``
    (an English list item), ``table``, ``note``, ``wordnote``, ``notes-heading``, ``appendix``,
    ``raw``, ``merged`` (joined to the item before it), ``dropped`` (left out, reported)."""
    kind: str = ""
    """Its numbering kind (also for numbered paragraphs), or the heading kind."""
    value: int = 0
    """Its number."""
    head: list[Span] = field(default_factory=list)
    """The heading's text (for a run-in heading: its first sentence; for a list item: without the marker)."""
    tail: list[Span] = field(default_factory=list)
    """The rest of a run-in heading's line: the paragraph it leads."""
    run_in: bool = False
    """Written run-in, or as a sentence standing over a paragraph."""
    shape: str = ""
    """A numbered line by itself: ``phrase``, ``runin``, ``sentence``, ``longphrase``, ``longrunin``,
    ``item``, ``empty`` (see :func:`classify`)."""
    reason: str = ""
    """Why it is what it is."""
    confidence: float = SURE
    """How sure that is."""
    became: str = ""
    """What it became, when the role does not say it (``the explanation of note ［1］``)."""
    decided: bool = False
    """Settled by an earlier rule (a later one leaves it)."""
    extra: list[Span] = field(default_factory=list)
    """Text joined to it from the next unit (a note's explanation)."""
    start: int = 0
    """Where its text starts after the numbering."""

    def set(self, role: str, reason: str, confidence: float = SURE, *, run_in: bool | None = None) -> None:
        """Decide: the role, why, how sure."""
        self.role = role
        self.reason = reason
        self.confidence = confidence
        if run_in is not None:
            self.run_in = run_in
        self.decided = True

    @property
    def numbered(self) -> bool:
        return self.kind in NUMBERED and self.role in ("heading", "para")


def rank(kind: str) -> int:
    """How far out a heading kind is (0: parts); Word and Markdown heading levels come first."""
    if kind.startswith(("style", "md")):
        return -100 + int(kind.removeprefix("style").removeprefix("md"))
    return RANK.get(kind, 8)


# ------------------------------------------------------------------ one line


def classify(unit: Unit, lang: str) -> Item:
    """What a unit is by itself (its numbering and shape); the document decides the rest."""
    text = unit.text
    if unit.hint == "heading":
        run_in = first_sentence_end(text) == len(text.rstrip()) and len(text) <= MAX_RUN_IN
        markdown = bool(unit.spans and unit.spans[0].raw)
        return Item(
            unit,
            "heading",
            f"{'md' if markdown else 'style'}{unit.level}",
            head=unit.spans,
            run_in=run_in,
            reason=f"a Markdown heading ({'#' * unit.level})"
            if markdown
            else f"the Word heading style of level {unit.level}",
            decided=True,
        )
    if unit.hint == "list":
        return Item(unit, "list", reason="a list item in the input", decided=True)
    if unit.hint == "table":
        return Item(unit, "table", reason=unit.why or "a table in the input", decided=True)
    if unit.hint == "raw":
        return Item(unit, "raw", reason=unit.why or "Markdown kept as written", decided=True)
    if unit.hint == "note":
        return Item(unit, "wordnote", reason="a Word footnote or endnote", decided=True)
    if NOTES_HEADING.match(text):
        return Item(unit, "notes-heading", reason="the heading of a block of notes")
    if NOTE_DEF.match(text):
        return Item(unit, "note", reason="a note: ［n］ at the start of the line")
    if is_appendix(text, lang):
        return Item(
            unit, "appendix", "appendix", head=unit.spans, reason="附件/Appendix starts an appendix", decided=True
        )
    if is_salutation(text):
        return Item(unit, "para", reason="the salutation", decided=True)
    if DATE_LINE.match(text):
        return Item(unit, "para", reason="a date", decided=True)
    found = numbering(text, lang)
    if found is not None:
        if lang == "en":
            return _classify_en_numbered(unit, found)
        if found.kind in HEADING_KINDS_ZH:
            return _classify_zh_numbered(unit, found)
        return Item(
            unit,
            "para",
            found.kind,
            found.value,
            reason=f"{MARKERS.get(found.kind, '①')} numbers items, never headings",
            decided=True,
        )
    if lang == "en":
        bullet = EN_BULLET.match(text)
        if bullet:
            return Item(
                unit, "enlist", head=split_spans(unit.spans, bullet.end())[1], reason="a bulleted line", decided=True
            )
        if is_caps(text) and len(text) <= 80 and not text.rstrip().endswith("."):
            return Item(unit, "heading", "caps", head=unit.spans, reason="a line in capitals")
        return Item(unit, "para", reason="a paragraph", decided=True)
    whole_bold = all(s.bold or not s.text.strip() for s in unit.spans) and any(s.bold for s in unit.spans)
    if (
        0 < len(text) <= MAX_PLAIN_HEADING
        and not ends_sentence(text)
        and text[-1] not in CONTINUATION
        and any(is_han(c) or c.isalpha() for c in text)
        and not is_fragment(text)
    ) or (whole_bold and 0 < len(text) <= MAX_HEADING and not text.rstrip().endswith(("。", "；"))):
        return Item(unit, "plain", "plain", head=unit.spans, reason="a short line without a sentence end")
    return Item(unit, "para", reason="a paragraph", decided=True)


def _classify_zh_numbered(unit: Unit, found: Numbering) -> Item:
    """A numbered line by its shape; headings among them are decided by :func:`decide_numbered`."""
    text = unit.text
    rest = text[found.end :]

    def item(role: str, shape: str, reason: str, **kw: object) -> Item:
        return Item(unit, role, found.kind, found.value, shape=shape, reason=reason, start=found.end, **kw)  # type: ignore[arg-type]

    if not rest.strip():
        return item("para", "empty", "only a number", decided=True)
    end = first_sentence_end(rest)
    if end is None:
        stripped = rest.rstrip()
        if stripped[-1] in "，,、；;":
            return item("para", "item", f"ends with {stripped[-1]}: an item of a list", decided=True)
        if stripped[-1] in "：:" and len(stripped) > 16:
            return item("para", "item", "a long line ending with a colon: it introduces what follows", decided=True)
        if len(stripped) > MAX_HEADING:
            return item("para", "longphrase", f"long ({len(stripped)} characters), no sentence end", head=unit.spans)
        return item("heading", "phrase", "a short numbered line without a sentence end", head=unit.spans)
    tail_text = rest[end:].strip()
    if tail_text:
        markup = unit.spans[0].raw and re.search(r"[*_`\[\]<\\]", text[: found.end + end])
        if end <= MAX_RUN_IN and not markup:
            head, tail = split_spans(unit.spans, found.end + end)
            return item(
                "heading",
                "runin",
                "a short first sentence with more text on its line: a run-in heading",
                head=head,
                tail=tail,
                run_in=True,
            )
        return item("para", "longrunin", f"its first sentence is long ({end} characters)")
    return item(
        "heading" if end <= MAX_STANDALONE_SENTENCE else "para",
        "sentence",
        "a numbered sentence on a line of its own",
        head=unit.spans,
        run_in=True,
    )


def _classify_en_numbered(unit: Unit, found: Numbering) -> Item:
    """English numbered lines: ``1.1 Background`` is a heading, ``1. Route 12 runs…`` a list item."""
    rest = unit.text[found.end :].strip()
    words = rest.split()
    figures = [w for w in words if re.fullmatch(r"[+-]?[£$€]?[0-9][0-9,.]*%?", w)]
    if len(figures) >= 2 and len(figures) * 3 >= len(words) and not rest.endswith("."):
        return Item(
            unit, "para", found.kind, found.value, shape="item", reason="a row of figures, not a heading", decided=True
        )
    if (
        rest
        and len(rest) <= 80
        and len(words) <= 12
        and not rest.endswith((".", ",", ";"))
        and (rest[0].isupper() or not rest[0].isalpha())
    ):
        return Item(
            unit,
            "heading",
            found.kind,
            found.value,
            head=unit.spans,
            shape="phrase",
            reason="a short numbered line without a full stop",
        )
    if EN_LIST_NUMBER.match(unit.text):
        return Item(
            unit,
            "enlist",
            found.kind,
            found.value,
            head=split_spans(unit.spans, found.end)[1],
            shape="item",
            reason="a numbered sentence: a list item",
        )
    return Item(unit, "para", found.kind, found.value, shape="item", reason="a numbered paragraph", decided=True)


# ------------------------------------------------------------- the document


def _follows(item: Item, nxt: Item | None) -> str:
    """What comes after a numbered line: ``body``, ``child`` (a deeper numbering), ``sibling``, ``up``, ``end``."""
    if nxt is None:
        return "end"
    if nxt.role == "appendix" or nxt.kind.startswith(("style", "md")):
        return "up"
    if nxt.numbered:
        difference = rank(nxt.kind) - rank(item.kind)
        return "child" if difference > 0 else "sibling" if nxt.kind == item.kind else "up"
    if nxt.role in ("list", "table", "raw", "para", "plain", "enlist"):
        return "body"
    return "other"


def _scope(items: list[Item], at: int) -> list[int]:
    """Indexes of the lines numbered like ``items[at]`` in its section (itself included)."""
    item = items[at]
    own = rank(item.kind)

    def boundary(other: Item) -> bool:
        return (
            other.role == "appendix"
            or (other.numbered and rank(other.kind) < own)
            or other.kind.startswith(("style", "md"))
        )

    found = [at]
    for j in range(at - 1, -1, -1):
        if boundary(items[j]):
            break
        if items[j].numbered and items[j].kind == item.kind:
            found.insert(0, j)
    for j in range(at + 1, len(items)):
        if boundary(items[j]):
            break
        if items[j].numbered and items[j].kind == item.kind:
            found.append(j)
    return found


def _headingish(items: list[Item], j: int) -> bool:
    """Whether a line is a heading by its own shape and what follows it (before siblings are consulted)."""
    item = items[j]
    nxt = items[j + 1] if j + 1 < len(items) else None
    if item.decided:
        return item.role == "heading"
    follows = _follows(item, nxt)
    if item.shape in ("phrase", "runin"):
        return True
    if item.shape == "sentence":
        return follows in ("body", "child")
    return False


def _demote_runs(items: list[Item]) -> None:
    """Numbered lines one after another with nothing between are a list, not headings."""
    i = 0
    while i < len(items):
        item = items[i]
        if not item.numbered or item.decided:
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1].numbered and items[j + 1].kind == item.kind:
            j += 1
        run = items[i : j + 1]
        standalone = [it for it in run if not it.tail and not it.decided]
        if len(run) > 1:
            marker = MARKERS.get(item.kind, "")
            if len(standalone) == len(run):
                for it in run:
                    it.set(
                        "para",
                        f"{len(run)} {marker} lines one after another with nothing between: a list",
                        LIKELY,
                        run_in=False,
                    )
            elif any(it.shape in ("item", "empty") for it in run):
                for it in standalone:
                    it.set("para", f"among {marker} items of a list (some end with ；)", LIKELY, run_in=False)
        i = j + 1


def decide_numbered(items: list[Item]) -> None:
    """Numbered lines whose shape does not settle them: what follows and their siblings decide."""
    _demote_runs(items)
    for i, item in enumerate(items):
        if not item.numbered or item.decided:
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        follows = _follows(item, nxt)
        scope = _scope(items, i)
        others = [j for j in scope if j != i]
        support = sum(1 for j in others if _headingish(items, j))
        alike = f", like {support} of its {len(others)} sibling{'s' if len(others) != 1 else ''}" if support else ""
        over = {"body": "over body text", "child": "over its own numbered sub-headings"}.get(follows, "")
        length = len(item.unit.text[item.start :].strip())
        if item.shape == "phrase":
            if over:
                item.set("heading", f"a short numbered line without a sentence end, {over}")
            elif support:
                item.set("heading", f"a short numbered line{alike}; nothing under it", LIKELY)
            else:
                item.set("para", "a short numbered line with nothing under it and no sibling heading", LIKELY)
        elif item.shape == "runin":
            item.set("heading", item.reason, SURE, run_in=True)
        elif item.shape == "sentence":
            short = length <= MAX_STANDALONE_SENTENCE + 4
            if follows == "body":
                if short:
                    item.set("heading", f"a short numbered sentence on its own line, {over}", SURE, run_in=True)
                elif support:
                    item.set(
                        "heading",
                        f"a numbered sentence on its own line {over}{alike} (long, ends with 。)",
                        LIKELY,
                        run_in=True,
                    )
                elif not others:
                    item.set(
                        "para",
                        "long, ends with 。; the only line of its numbering here: a numbered paragraph",
                        UNSURE,
                        run_in=False,
                    )
                else:
                    item.set(
                        "heading",
                        f"long, ends with 。; on its own line {over}, no sibling heading",
                        UNSURE,
                        run_in=True,
                    )
            elif follows == "child":
                item.set("heading", f"a numbered sentence {over}", SURE if short else LIKELY, run_in=False)
            elif support >= 2:
                item.set("para", f"nothing under it, although its siblings are headings{alike}", UNSURE, run_in=False)
            else:
                item.set("para", "a numbered sentence with nothing under it", LIKELY, run_in=False)
        elif item.shape == "longphrase":
            if over and support:
                item.set("heading", f"long, no sentence end, {over}{alike}", LIKELY)
            elif over:
                item.set("heading", f"long, no sentence end, {over}; no sibling heading", UNSURE)
            else:
                item.set("para", item.reason, LIKELY)
        elif item.shape == "longrunin":
            runins = sum(1 for j in others if items[j].shape in ("runin", "sentence") and _headingish(items, j))
            end = first_sentence_end(item.unit.text) or 0
            if runins and runins * 2 >= len(others):
                head, tail = split_spans(item.unit.spans, end)
                item.head, item.tail = head, tail
                item.set(
                    "heading",
                    f"a first sentence of {end} characters, run-in like {runins} of its siblings",
                    LIKELY if end <= MAX_SURE_RUN_IN else UNSURE,
                    run_in=True,
                )
            else:
                item.set("para", f"a numbered paragraph: its first sentence is long ({end} characters)", LIKELY)
        else:
            item.set("para", item.reason or "a numbered paragraph", item.confidence)


def check_sequences(items: list[Item]) -> None:
    """Headings that skip a number, or a top-level numbering that starts again without a part heading."""
    numbered = [i for i, it in enumerate(items) if it.role == "heading" and it.kind in NUMBERED]
    if not numbered:
        return
    outer = min(rank(items[i].kind) for i in numbered)
    last: dict[str, Item] = {}
    for item in items:
        if item.role in ("appendix",) or (item.role == "heading" and item.kind in ("plain", "caps", "part")):
            last.clear()
            if item.kind != "part":
                continue
        if item.role != "heading" or item.kind not in NUMBERED:
            continue
        own = rank(item.kind)
        for kind in [k for k in last if rank(k) > own]:
            del last[kind]  # a new section: deeper numberings start again
        previous = last.get(item.kind)
        marker = MARKERS.get(item.kind, item.kind)
        if previous is not None and item.value == 1 and own == outer:
            item.confidence = min(item.confidence, UNSURE)
            item.reason += f"; the {marker} numbering starts again here: is a part heading missing above it?"
        elif previous is not None and item.value not in (previous.value + 1, 1):
            item.confidence = min(item.confidence, UNSURE)
            item.reason += f"; the {marker} numbering goes from {previous.value} to {item.value}"
        last[item.kind] = item


def _is_body(item: Item) -> bool:
    """Content that a heading can stand over."""
    if item.role in ("heading", "list", "table", "raw", "enlist"):
        return True
    if item.role == "para":
        text = item.unit.text
        return ends_sentence(text) or len(text) > MAX_PLAIN_HEADING
    return False


def resolve_plain(items: list[Item]) -> None:
    """Unnumbered short lines: a heading over the body that follows, a part, a lead-in, or a paragraph.

    Where the author used heading styles (Word, Markdown), an unstyled line is a heading
    only if it is all bold.
    """
    numbered = [it for it in items if it.role == "heading" and it.kind in NUMBERED]
    outer = min((rank(it.kind) for it in numbered), default=None)
    styled = any(it.role == "heading" and it.kind.startswith(("style", "md")) for it in items)
    parts = 0
    for i, item in enumerate(items):
        if item.role != "plain":
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        bold = all(s.bold or not s.text.strip() for s in item.unit.spans) and any(s.bold for s in item.unit.spans)
        if nxt is None or not _is_body(nxt):
            item.set("para", "a short line with nothing under it that it could head", LIKELY)
            continue
        if i > 0 and items[i - 1].role == "plain":
            item.set("para", "a short line after another: not a heading", LIKELY)
            continue
        if styled and not bold:
            item.set("para", "the document has heading styles; this line has none")
            continue
        if outer is None:
            item.set("heading", "a short line without a sentence end over body text", LIKELY)
            continue
        following = next((it for it in items[i + 1 :] if it.role in ("heading", "appendix", "plain")), None)
        if nxt.kind in NUMBERED and rank(nxt.kind) > outer:
            item.set("para", f"a lead-in to the {MARKERS.get(nxt.kind, '')} lines under it, not a part", LIKELY)
        elif (
            following is not None
            and following.role == "heading"
            and following.kind in NUMBERED
            and rank(following.kind) == outer
            and following.value == 1
        ):
            item.set(
                "heading", f"the {MARKERS.get(following.kind, '')} numbering starts again under it: a part", LIKELY
            )
            parts += 1
        else:
            item.set("para", "a short line inside a numbered section: not a heading", LIKELY)
    if parts == 1:
        only = next(it for it in items if it.role == "heading" and it.kind == "plain")
        only.reason += " (the only part)"


def _names(items: list[Item]) -> None:
    """English lines in capitals that are people's names over their role are not headings."""
    for i, item in enumerate(items):
        if item.role != "heading" or item.kind != "caps":
            continue
        words = item.unit.text.split()
        nxt = items[i + 1] if i + 1 < len(items) else None
        name_like = 2 <= len(words) <= 4 and all(re.fullmatch(r"[A-Za-z.'’-]+", w) for w in words)
        role_below = (
            nxt is not None
            and len(nxt.unit.text) <= 60
            and not nxt.unit.text.endswith(".")
            and bool(_ROLE_WORDS.search(nxt.unit.text))
        )
        if name_like and (_NAME_TITLES.match(item.unit.text) or role_below):
            item.set("para", "a person's name over their role (a signature), not a heading", LIKELY)


def _appendices(items: list[Item], lang: str) -> None:
    """``附件1`` / its title on the next line; inside appendices numbered lines are items, not headings."""
    in_appendix = False
    for i, item in enumerate(items):
        if item.role == "appendix":
            in_appendix = True
            nxt = items[i + 1] if i + 1 < len(items) else None
            if (
                nxt is not None
                and not appendix_title(item.unit.text, lang)
                and nxt.role in ("plain", "para", "notes-heading")
                and len(nxt.unit.text) <= MAX_PLAIN_HEADING
                and not ends_sentence(nxt.unit.text)
            ):
                item.head = [*item.head, Span(" "), *nxt.unit.spans]
                nxt.set("merged", f"the title of the appendix on line {item.unit.line}")
                nxt.became = f"part of the heading of line {item.unit.line}"
        elif in_appendix and item.role in ("heading", "plain") and not item.kind.startswith(("style", "md")):
            item.set("para", "inside an appendix: numbered lines are its items, not headings", LIKELY)


def appendix_title(text: str, lang: str) -> str:
    """The title written after ``附件1`` on the same line, if any."""
    match = (APPENDIX_EN if lang == "en" else APPENDIX_ZH).match(text)
    if not match:
        return ""
    return str(match.group(match.lastindex or 0)).strip()


def _check_list_numbers(items: list[Item]) -> None:
    """English numbered items become a Markdown list only when numbered 1, 2, 3… (the list numbers itself)."""
    i = 0
    while i < len(items):
        if items[i].role != "enlist" or not items[i].kind:
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1].role == "enlist" and items[j + 1].kind:
            j += 1
        run = items[i : j + 1]
        if any(b.value != a.value + 1 for a, b in itertools.pairwise(run)):
            for item in run:
                item.set("para", "numbered lines that do not count 1, 2, 3…: paragraphs (the numbers stay as written)")
        i = j + 1


def _style_claims(items: list[Item], lang: str) -> dict[str, str]:
    """Numbering kinds that a Word heading style also uses: same level for the unstyled ones."""
    claims: dict[str, str] = {}
    for item in items:
        if item.role == "heading" and item.kind.startswith(("style", "md")):
            found = numbering(item.unit.text, lang)
            if found is not None and found.kind not in claims:
                claims[found.kind] = item.kind
    return claims


def assign_levels(headings: list[ImportedHeading], style_claims: dict[str, str], paged: set[str]) -> int:
    """Heading kinds → Markdown levels; returns the run-in level (0: none).

    The theme's levels are ``#`` part (starts a page), ``##`` chapter, ``###``
    run-in section (bookmarked at level 3). So the kind written run-in goes to
    ``###`` and the kinds above it to ``##`` and ``#``; without run-in headings
    the outermost kind is ``##`` unless it is a part (``第一部分``, an unnumbered
    line over numbered headings, ALL CAPS over numbered headings, or a kind each
    of whose headings a Word document starts on a new page: ``paged``). Markdown
    headings keep their levels. Appendices are parts: ``#``.
    """
    for heading in headings:
        heading.kind = style_claims.get(heading.kind, heading.kind)
    body = [h for h in headings if h.kind != "appendix"]
    for heading in headings:
        if heading.kind == "appendix":
            heading.level = 1
    if not body:
        return 0
    if any(h.kind.startswith("md") for h in body):
        # Markdown headings keep their levels; numbered lines not written as headings go below them.
        deepest = max(int(h.kind.removeprefix("md")) for h in body if h.kind.startswith("md"))
        others = sorted({rank(h.kind) for h in body if not h.kind.startswith("md")})
        for heading in body:
            if heading.kind.startswith("md"):
                heading.level = int(heading.kind.removeprefix("md"))
            else:
                heading.level = min(6, deepest + 1 + others.index(rank(heading.kind)))
        return _run_in_by_level(body)
    kinds = {h.kind for h in body}
    if "caps" in kinds:
        # "1. HOUSING" among "INTRODUCTION" and "PRIORITIES": numbered ALL-CAPS headings are their siblings.
        for kind in kinds - {"caps"}:
            same = [h for h in body if h.kind == kind]
            if kind.startswith(("en", "roman", "chap")) and all(is_caps(h.text) for h in same):
                for heading in same:
                    heading.kind = "caps"
    distinct = sorted({rank(h.kind) for h in body})
    styles = [r for r in distinct if r < 0]
    top_kinds = {h.kind for h in body if rank(h.kind) == distinct[0]}
    part_like = (
        (distinct[0] == 0 and len(distinct) > 1 and bool(top_kinds & {"part", "plain"}))
        or len(styles) >= 3
        or (bool(top_kinds & paged) and len(distinct) > 1)
    )
    base = 1 if part_like else 2
    level_of = {r: base + i for i, r in enumerate(distinct)}
    counts: dict[int, int] = {}
    totals: dict[int, int] = {}
    for heading in body:
        r = rank(heading.kind)
        totals[r] = totals.get(r, 0) + 1
        counts[r] = counts.get(r, 0) + (1 if heading.run_in else 0)
    candidates = [r for r in distinct if counts[r] and counts[r] * 2 >= totals[r]]
    run_in_rank = max(candidates, key=lambda r: (counts[r], -r)) if candidates else None
    shift = 0
    if run_in_rank is not None and level_of[run_in_rank] < 3:
        shift = 3 - level_of[run_in_rank]
    for heading in body:
        heading.level = min(6, level_of[rank(heading.kind)] + shift)
        if heading.kind in paged and rank(heading.kind) == distinct[0] and len(distinct) > 1:
            heading.level = 1  # each starts a page in the Word document: a part, whatever is below it
    return min(6, level_of[run_in_rank] + shift) if run_in_rank is not None else 0


def _run_in_by_level(headings: list[ImportedHeading]) -> int:
    """The level whose headings are mostly written run-in (``### （一）xxx。``), 0 if none."""
    counts: dict[int, int] = {}
    totals: dict[int, int] = {}
    for heading in headings:
        totals[heading.level] = totals.get(heading.level, 0) + 1
        counts[heading.level] = counts.get(heading.level, 0) + (1 if heading.run_in else 0)
    levels = [lv for lv in totals if counts[lv] and counts[lv] * 2 >= totals[lv]]
    return max(levels, key=lambda lv: (counts[lv], -lv)) if levels else 0


# ----------------------------------------------------------------- analyse


def _signature(
    front: list[FrontLine], units: list[Unit], lang: str, start: int
) -> tuple[list[FrontLine], set[int], list[Decision]]:
    """The signature at the end, moved to the front matter when the title block left its fields empty."""
    lines, first, end = take_signature(units, lang, start)
    if not lines:
        return [], set(), []
    taken = {f.role: f.meta_text for f in front}
    clash = [f for f in lines if f.role in taken and taken[f.role] != f.meta_text]
    if clash:
        decisions = [
            Decision(
                f.line,
                f.col,
                f.text,
                "a paragraph (kept in the text)",
                f"a signature at the end, but the title block gives the {clash[0].role} “{taken[clash[0].role]}”",
                LIKELY,
            )
            for f in lines
        ]
        return [], set(), decisions
    return lines, set(range(first, end)), []


def analyse(units: list[Unit], lang: str, furniture: set[int] | None = None) -> ImportedDocument:
    """Find the title block, headings, notes, appendices and signature of a document.

    ``furniture``: indexes of units known to be web page furniture (the title block may skip them).
    """
    if furniture is None:
        furniture = {i for i, unit in enumerate(units) if unit.hint == "" and is_furniture(unit.text)}
    block = take_title_block(units, lang, furniture)
    doc = ImportedDocument(blocks=[], front=list(block.front), lang=lang)
    doc.dropped.extend(block.dropped)
    closing, signature_at, kept_decisions = _signature(block.front, units, lang, block.start)
    doc.front.extend(closing)
    doc.decisions.extend(kept_decisions)
    body_units = [u for i, u in enumerate(units[block.start :], start=block.start) if i not in signature_at]
    items = [classify(unit, lang) for unit in body_units]
    _appendices(items, lang)
    decide_numbered(items)
    _check_list_numbers(items)
    if lang == "en":
        _names(items)
    resolve_plain(items)
    check_sequences(items)
    bindings = resolve_notes(items, doc.dropped, lang)
    doc.decisions.extend(bindings.decisions)
    style_claims = _style_claims(items, lang)
    blocks: list[Block] = []
    placed: list[tuple[Item, ImportedHeading]] = []
    for index, item in enumerate(items):
        unit = item.unit
        mapping = bindings.calls.get(index, {})
        if item.role in ("merged", "notes-heading", "dropped"):
            continue
        if item.role in ("heading", "appendix"):
            kind = "appendix" if item.role == "appendix" else item.kind
            heading = ImportedHeading(call_notes(item.head, mapping), kind, unit.line, run_in=item.run_in)
            blocks.append(heading)
            placed.append((item, heading))
            if item.tail:
                blocks.append(Paragraph(call_notes(item.tail, mapping), unit.line))
        elif item.role == "list":
            blocks.append(ListItem(call_notes(unit.spans, mapping), unit.line, unit.ordered, unit.level))
        elif item.role == "enlist":
            ordered = bool(item.kind)
            blocks.append(ListItem(call_notes(item.head, mapping), unit.line, ordered, 0, item.value if ordered else 0))
        elif item.role == "table":
            rows = [[call_notes(cell, mapping) for cell in row] for row in unit.rows]
            blocks.append(TableBlock(rows, unit.line))
        elif item.role == "note":
            blocks.append(bindings.definition(index, item))
        elif item.role == "wordnote":
            blocks.append(NoteDef(str(unit.level), unit.spans, unit.line))
        elif item.role == "raw":
            blocks.append(RawBlock(spans_text(unit.spans), unit.line))
        else:
            blocks.append(Paragraph(call_notes(unit.spans, mapping), unit.line))
    headings = [b for b in blocks if isinstance(b, ImportedHeading)]
    paged: set[str] = set()
    for kind in {it.kind for it, _ in placed}:
        same = [it for it, _ in placed if it.kind == kind]
        breaks = sum(1 for it in same if it.unit.page_break)
        if breaks and breaks * 5 >= 4 * len(same):
            paged.add(kind)
    doc.run_in_level = assign_levels(headings, style_claims, paged)
    body_levels = [h.level for h in headings if h.kind != "appendix"]
    doc.toc_levels = 3 if body_levels and min(body_levels) >= 3 else 2
    doc.blocks = blocks
    doc.decisions.extend(_decisions(items, placed, doc, bindings.notes_made))
    starting = {id(it.unit) for it, _ in placed if it.kind in paged}
    unused = [u for u in body_units if u.page_break and id(u) not in starting]
    if unused:
        doc.notes.append(
            f"{len(unused)} manual page break{'s' if len(unused) != 1 else ''} not kept "
            f"(paragraph{'s' if len(unused) != 1 else ''} {', '.join(str(u.line) for u in unused[:8])}): "
            "the theme starts a page at each part (#)"
        )
    return doc


def _decisions(
    items: list[Item], placed: list[tuple[Item, ImportedHeading]], doc: ImportedDocument, notes_made: dict[int, str]
) -> list[Decision]:
    """What each item, title block line and dropped line became."""
    levels = {id(item): heading for item, heading in placed}
    out: list[Decision] = []
    for front in doc.front:
        what = {
            "title": "the title",
            "subtitle": "the subtitle",
            "organisation": "the organisation",
            "date": "the date",
        }[front.role]
        where = " (from the signature at the end)" if front.closing else ""
        out.append(
            Decision(
                front.line,
                front.col,
                front.text,
                f"{what} on the cover{where}",
                front.why or "the title block",
                front.confidence,
            )
        )
    for dropped in doc.dropped:
        out.append(
            Decision(
                dropped.line,
                1,
                dropped.text,
                f"{dropped.reason}, left out",
                dropped.why or dropped.reason,
                dropped.confidence,
            )
        )
    for index, item in enumerate(items):
        if item.role == "dropped":
            continue
        unit = item.unit
        heading = levels.get(id(item))
        level = heading.level if heading is not None else 0
        detail = ""
        if item.became:
            became = item.became
        elif heading is not None:
            run_in = ", run-in" if item.run_in and heading.level == doc.run_in_level else ""
            part = ", a part: starts a page" if level == 1 else ""
            became = f"a level-{level} heading"
            detail = f"{'#' * level}{run_in}{part}"
        elif item.role == "note":
            became = notes_made.get(index, "a note")
        elif item.role in ("list", "enlist"):
            became = "a list item"
        elif item.role == "table":
            became = "a table"
        elif item.role == "raw":
            became = "Markdown kept as written"
        elif item.role == "wordnote":
            became = f"footnote {unit.level}"
        elif item.kind in NUMBERED:
            became = "a numbered paragraph"
        else:
            became = "a paragraph"
        kind = item.kind if item.kind in NUMBERED or item.kind in ("plain", "caps") else ""
        text = heading.text if heading is not None else unit.text
        out.append(
            Decision(
                unit.line, unit.col, text, became, item.reason or "a paragraph", item.confidence, kind, level, detail
            )
        )
    return out
