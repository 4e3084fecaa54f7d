"""Text → HTML with the spans the Chinese rules need; the text itself is unchanged.

* Chinese–Western spacing: a Latin or digit run next to Han is wrapped in
  ``<span class="aut-l">`` (Han before it) / ``aut-r`` (Han after it); the
  theme gives these spans a ¼-em margin, which :mod:`.justify` removes at a
  line start or end.
* Punctuation compression: of two adjacent full-width marks (``。”``, ``，“``,
  ``）、``, ``》，``, ``”。``) one is wrapped in ``<span class="halt">`` and set
  half-width with the OpenType ``halt`` feature: the pair takes 1.5 em. The
  first mark is compressed, except two opening marks (``（“``), where the second is.
* Break opportunities around quotes: UAX #14 forbids a break on either side of
  ``“”‘’`` (class QU), so ``市委“515”战略`` would move to the next line whole and
  leave a gap. A zero-width space before an opening and after a closing quote
  next to Han restores the break; WeasyPrint draws it as nothing, so it is not in
  the PDF's text.
* ``——`` is kept with the character before it (``<span class="nobr">``), so no
  line starts with a dash (UAX #14 allows a break before it).
"""

from __future__ import annotations

import itertools
import re

from markupsafe import Markup, escape

from .chars import FULL_WIDTH_MARKS, LATIN_RUN, OPENING, is_han


def _halted(text: str) -> set[int]:
    """Indices of the marks to set half-width (zero-width spaces do not separate a pair)."""
    chosen: set[int] = set()
    visible = [i for i, char in enumerate(text) if char != "\u200b"]
    for i, j in itertools.pairwise(visible):
        a, b = text[i], text[j]
        if a in FULL_WIDTH_MARKS and b in FULL_WIDTH_MARKS:
            chosen.add(j if (a in OPENING and b in OPENING) else i)
    return chosen


def _latin_runs(text: str) -> dict[int, tuple[int, str]]:
    """Start index → (end index, classes) of the runs spaced from Han."""
    runs: dict[int, tuple[int, str]] = {}
    for match in LATIN_RUN.finditer(text):
        start, end = match.span()
        classes = []
        if start > 0 and is_han(text[start - 1]):
            classes.append("aut-l")
        if end < len(text) and is_han(text[end]):
            classes.append("aut-r")
        if classes:
            runs[start] = (end, " ".join(classes))
    return runs


def _dash_groups(text: str, runs: dict[int, tuple[int, str]]) -> dict[int, int]:
    """Start → end of the character-plus-dashes groups that must not break."""
    groups: dict[int, int] = {}
    i = text.find("——")
    while i > 0:
        start = i - 1
        while start > 0 and (text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] == ".")):
            start -= 1  # keep a whole Latin word or number with the dash
        for run_start, (run_end, _) in runs.items():
            if run_start <= start < run_end:
                start = run_start
        end = i + 2
        while text.startswith("—", end):
            end += 1
        groups[start] = end
        i = text.find("——", end)
    return groups


_QUOTE_BREAKS = re.compile(
    "(?<=[^“‘（《〈【「『\\s\u200b])(?=[“‘])|(?<=[”’])(?=[^”’）》〉】」』，。、；：？！\\s\u200b])"
)


def typeset(text: str, lang: str = "zh-CN", compress: bool = True, autospace: bool = True) -> Markup:
    """``text`` as escaped HTML with spacing, compression and no-break spans."""
    if not lang.lower().startswith("zh") or not text:
        return escape(text)
    text = _QUOTE_BREAKS.sub("\u200b", text)
    halted = _halted(text) if compress else set()
    runs = _latin_runs(text) if autospace else {}
    groups = _dash_groups(text, runs)
    out: list[str] = []
    group_end = -1
    i = 0
    while i < len(text):
        if i in groups and group_end < 0:
            out.append('<span class="nobr">')
            group_end = groups[i]
        if i in runs:
            end, classes = runs[i]
            out.append(f'<span class="{classes}">{escape(text[i:end])}</span>')
            i = end
        elif i in halted:
            out.append(f'<span class="halt">{escape(text[i])}</span>')
            i += 1
        else:
            j = i + 1
            while j < len(text) and j not in runs and j not in halted and j not in groups and j != group_end:
                j += 1
            out.append(str(escape(text[i:j])))
            i = j
        if group_end >= 0 and i >= group_end:
            out.append("</span>")
            group_end = -1
    if group_end >= 0:
        out.append("</span>")
    return Markup("".join(out))


def spaced_plain(text: str, lang: str = "zh-CN") -> str:
    """``text`` with a four-per-em space (U+2005, ¼ em) between Han and a Latin or digit run: the
    Chinese–Western spacing of a text that takes no markup (a running head, made by CSS ``string-set``
    from an attribute); at a running head's size ¼ em is also less than ¼ of the body size."""
    if not lang.lower().startswith("zh") or not text:
        return text
    out: list[str] = []
    at = 0
    for start, (end, classes) in sorted(_latin_runs(text).items()):
        out.append(text[at:start])
        before = "\u2005" if "aut-l" in classes else ""
        after = "\u2005" if "aut-r" in classes else ""
        out.append(before + text[start:end] + after)
        at = end
    out.append(text[at:])
    return "".join(out)


_TAIL = re.compile(r"([^<>&\s\u200b])([^<>&\s\u200b])((?:</span>)*)$")


def keep_last_two(markup: Markup) -> Markup:
    """Keep the last two characters of a heading together, so no line holds one character alone."""
    text = str(markup)
    match = _TAIL.search(text)
    if match is None or (not is_han(match[2]) and not is_han(match[1])):
        return markup
    start = match.start()
    return Markup(f'{text[:start]}<span class="nobr">{match[1]}{match[2]}</span>{match[3]}')
