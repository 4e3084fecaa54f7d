"""What the importer decided about each piece of the input, why, and how sure it is.

Every line of the input becomes something — a heading of some level, a
paragraph, a note, a line of the title block, part of the paragraph above, or
nothing (page furniture) — and each such decision is a :class:`Decision` with
its place in the *input* file, a reason a person can check and a confidence.
``publisher import --explain`` prints them all; the import always ends with
the ones below :data:`CONFIRM_BELOW` (the decisions a person should look at)
and a summary of the outline, and ``--strict`` fails when there are any.

Confidences are coarse on purpose: :data:`SURE` (the text says so: a pattern,
a numbering sequence, a style), :data:`LIKELY` (the structure around it agrees)
and :data:`UNSURE` (a guess a person should confirm).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SURE = 0.95
"""The text says so unambiguously."""
LIKELY = 0.8
"""The structure around it agrees, but the line alone would not say."""
UNSURE = 0.6
"""A guess: a person should confirm it."""
CONFIRM_BELOW = 0.7
"""Decisions less sure than this are listed for a person to confirm."""

MARKERS = {
    "part": "第一部分",
    "chap": "第一章",
    "sec": "第一节",
    "formal": "壹、",
    "cnord": "第一、",
    "cn1": "一、",
    "cn2": "（一）",
    "ar1": "1.",
    "ar2": "（1）",
    "ar3": "1）",
    "en1": "1.",
    "en2": "1.1",
    "en3": "1.1.1",
    "en4": "1.1.1.1",
    "roman": "I.",
    "caps": "ALL CAPS",
    "plain": "unnumbered",
    "appendix": "附件",
}
"""How the summary names a numbering kind: by its first number."""


@dataclass
class Decision:
    """What one piece of the input became."""

    line: int
    """Input line (text, Markdown) or paragraph number (Word)."""
    col: int
    """1-based input column where the piece starts."""
    text: str
    """The piece, as written."""
    became: str
    """What it became, e.g. ``a level-2 heading`` or ``page furniture, left out``."""
    reason: str
    """Why, short enough for one line: ``long, ends with 。``."""
    confidence: float = SURE
    """:data:`SURE`, :data:`LIKELY` or :data:`UNSURE`."""
    kind: str = ""
    """Its numbering kind (``cn2`` for ``（一）``), also when it did not become a heading."""
    level: int = 0
    """The Markdown heading level it became, 0 if it is not a heading."""
    detail: str = ""
    """How it is written, for ``--explain``: ``###, run-in``."""

    @property
    def uncertain(self) -> bool:
        """Whether a person should confirm it."""
        return self.confidence < CONFIRM_BELOW


def where(source: str, fmt: str, line: int, col: int) -> str:
    """A place in the input: ``report.txt:41:1``, or ``report.docx:paragraph 12`` for Word."""
    if fmt == "docx":
        return f"{source}:paragraph {line}"
    return f"{source}:{line}:{col}"


def snippet(text: str, limit: int = 24) -> str:
    """The start of ``text`` on one line, with ``…`` when cut."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def confidence_word(confidence: float) -> str:
    """``sure``, ``likely`` or ``confirm``."""
    if confidence >= 0.9:
        return "sure"
    return "likely" if confidence >= CONFIRM_BELOW else "confirm"


def uncertainty_lines(decisions: Iterable[Decision], source: str, fmt: str) -> list[str]:
    """The decisions to confirm: ``report.txt:41:1: treated as a level-2 heading (long, ends with 。) — confirm``."""
    return [
        f"{where(source, fmt, d.line, d.col)}: treated as {d.became} ({d.reason}) — confirm: “{snippet(d.text)}”"
        for d in sorted(decisions, key=lambda d: (d.line, d.col))
        if d.uncertain
    ]


def explain_lines(decisions: Iterable[Decision], source: str, fmt: str) -> list[str]:
    """Every decision, in input order: where, what the piece became, why and how sure."""
    return [
        f"{where(source, fmt, d.line, d.col)}: {d.became}{f' ({d.detail})' if d.detail else ''}: "
        f"“{snippet(d.text, 30)}” — {d.reason} "
        f"[{confidence_word(d.confidence)} {d.confidence:.2f}]"
        for d in sorted(decisions, key=lambda d: (d.line, d.col))
    ]


def outline_lines(decisions: list[Decision], run_in_level: int, shown: int = 3) -> list[str]:
    """The outline at a glance: headings per level with the first few of each, and each numbering's count.

    ``（一） 14: 12 headings, 2 paragraphs (lines 88, 90)`` shows at once when a
    numbering came out otherwise than the text has it.
    """
    headings = sorted((d for d in decisions if d.level), key=lambda d: (d.line, d.col))
    if not headings:
        return ["outline: no headings"]
    levels: dict[int, list[Decision]] = {}
    for heading in headings:
        levels.setdefault(heading.level, []).append(heading)
    counts = ", ".join(
        f"{'#' * level} {len(found)}{' run-in' if level == run_in_level else ''}"
        for level, found in sorted(levels.items())
    )
    lines = [f"outline: {len(headings)} heading{'s' if len(headings) != 1 else ''} ({counts})"]
    for level, found in sorted(levels.items()):
        first = "; ".join(f"{snippet(d.text, 18)} (line {d.line})" for d in found[:shown])
        more = f"; … {len(found) - shown} more" if len(found) > shown else ""
        lines.append(f"  {'#' * level:<6} {first}{more}")
    kinds: dict[str, list[Decision]] = {}
    for decision in decisions:
        if decision.kind and decision.kind in MARKERS and decision.kind not in ("plain", "caps", "appendix"):
            kinds.setdefault(decision.kind, []).append(decision)
    parts = []
    for kind, found in kinds.items():
        as_headings = sum(1 for d in found if d.level)
        others = [d for d in found if not d.level]
        text = f"{MARKERS[kind]} {len(found)}: {as_headings} heading{'s' if as_headings != 1 else ''}"
        if others:
            lines_shown = ", ".join(str(d.line) for d in others[:6]) + (", …" if len(others) > 6 else "")
            text += f", {len(others)} not (line{'s' if len(others) != 1 else ''} {lines_shown})"
        parts.append(text)
    if parts:
        lines.append("numbered lines: " + "; ".join(parts))
    return lines
