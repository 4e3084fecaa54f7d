"""Source normalisation for Chinese text (GB/T 15834 punctuation, GB/T 15835 numbers).

Rules, applied in this order:

1. ``fullwidth-alnum``: full-width digits and Latin letters become half-width (``２０２１`` → ``2021``).
2. ``space``: typed spaces between Han and Latin/digits are dropped; the publisher
   spaces them itself (¼ em, never at a line edge).
3. ``punct``: half-width ``,;:?!`` after Han or a full-width mark, or between a
   number or Latin word and Han, become full-width; ``(…)`` around Han text
   becomes ``（…）``. Left alone: ``1:500``, ``1,200.5``, URLs, ``PM2.5``, Latin text.
4. ``quotes``: straight ``"…"`` / ``'…'`` around Han text become ``“…”`` / ``‘…’``.

:func:`normalize` returns the new text and every change with its offset, so
``publisher check`` can report them as ``file:line:col`` and ``--fix`` can
rewrite the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Document, map_text
from .chars import CJK_PUNCT, HAN

_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_SPACE = re.compile(f"(?<=[{HAN}])[ \u00a0]+(?=[A-Za-z0-9])|(?<=[A-Za-z0-9%])[ \u00a0]+(?=[{HAN}])")
_HALF_PUNCT = re.compile(f"(?<=[{HAN}{CJK_PUNCT}])[,;:?!]|(?<=[A-Za-z0-9%])[,;:?!](?=[{HAN}])")
_PARENS = re.compile(r"\(([^()\n]*)\)")
_DQUOTES = re.compile(r'"([^"\n]*)"')
_SQUOTES = re.compile(r"(?<![A-Za-z])'([^'\n]*)'(?![A-Za-z])")
_HAN = re.compile(f"[{HAN}]")
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+|www\.\S+", re.I)
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


@dataclass(frozen=True)
class Change:
    """One normalisation: ``old`` at ``offset`` of the original text became ``new``."""

    offset: int
    """Index in the original text."""
    old: str
    """What was there."""
    new: str
    """What replaces it."""
    rule: str
    """The rule that made the change."""


def _substitutions(text: str, free: Callable[[int, int], bool], quotes: tuple[str, str, str, str]) -> list[Change]:
    """One-for-one character changes found in ``text`` (widths, brackets, quotes)."""
    found: list[Change] = []
    for match in _FULLWIDTH_ALNUM.finditer(text):
        for k, char in enumerate(match[0]):
            found.append(Change(match.start() + k, char, chr(ord(char) - 0xFEE0), "fullwidth-alnum"))
    for match in _HALF_PUNCT.finditer(text):
        if free(*match.span()):
            found.append(Change(match.start(), match[0], _FULL[match[0]], "punct"))
    for match in _PARENS.finditer(text):
        if _HAN.search(match[1]) and free(*match.span()):
            found.append(Change(match.start(), "(", "（", "punct"))
            found.append(Change(match.end() - 1, ")", "）", "punct"))
    for pattern, (left, right) in ((_DQUOTES, quotes[:2]), (_SQUOTES, quotes[2:])):
        for match in pattern.finditer(text):
            if _HAN.search(match[1]) and free(*match.span()):
                found.append(Change(match.start(), match[0][0], left, "quotes"))
                found.append(Change(match.end() - 1, match[0][-1], right, "quotes"))
    return found


def normalize(text: str, lang: str = "zh-CN") -> tuple[str, list[Change]]:
    """Normalise Chinese text; returns the new text and the changes (offsets in ``text``).

    Straight quotes become “” ‘’ in Simplified Chinese and 「」 『』 in Traditional
    Chinese (``zh-TW``, ``zh-HK``, ``zh-Hant``).
    """
    from ..i18n import script

    quotes = ("「", "」", "『", "』") if script(lang) == "zh-Hant" else ("“", "”", "‘", "’")
    protected = [m.span() for m in _URL.finditer(text)]

    def free(start: int, end: int) -> bool:
        return not any(a < end and start < b for a, b in protected)

    # One-for-one substitutions until nothing changes: a bracket made full-width
    # can make the comma after it Chinese too (``）,`` → ``），``).
    work = list(text)
    changes: dict[int, Change] = {}
    for _ in range(4):
        found = [c for c in _substitutions("".join(work), free, quotes) if work[c.offset] != c.new]
        if not found:
            break
        for change in found:
            work[change.offset] = change.new
            first = changes.get(change.offset)
            changes[change.offset] = Change(change.offset, first.old if first else text[change.offset], change.new,
                                            first.rule if first else change.rule)  # fmt: skip
    current = "".join(work)
    removed = [m for m in _SPACE.finditer(current) if free(*m.span())]
    for match in removed:
        changes[match.start()] = Change(match.start(), match[0], "", "space")
    out: list[str] = []
    position = 0
    for match in removed:
        out.append(current[position : match.start()])
        position = match.end()
    out.append(current[position:])
    return "".join(out), sorted(changes.values(), key=lambda c: c.offset)


def normalized(doc: Document) -> Document:
    """A copy of ``doc`` with the text of every text node normalised (the source files are untouched)."""
    return map_text(doc, lambda text: normalize(text, doc.meta.lang)[0])
