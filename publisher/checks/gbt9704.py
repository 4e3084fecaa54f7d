"""GB/T 9704-2012 compliance, measured on a built PDF: the check the ``gongwen`` theme registers."""

from __future__ import annotations

import collections
import itertools
import re
from pathlib import Path
from typing import Any

from ..pdfread import Char, open_pdf
from ..typeset.chars import FULL_WIDTH_MARKS, is_han
from ..typeset.measure import body_lines
from ..units import PT_PER_MM as MM
from . import Rule, Subject

LEFT_MM, RIGHT_MM, TOP_MM, AREA_HEIGHT_MM = 28.0, 210.0 - 26.0, 37.0, 225.0
LINES_PER_PAGE, CHARS_PER_LINE, BODY_PT, TITLE_PT, FOLIO_PT = 22, 28, 16.0, 22.0, 14.0


def compliance(pdf_path: Path) -> list[Rule]:
    """Measure ``pdf_path`` against the GB/T 9704 layout rules."""
    rules: list[Rule] = []
    with open_pdf(pdf_path) as pdf:
        pages = [(page.width, page.height, page.chars()) for page in pdf.pages()]
    sizes = {(round(width), round(height)) for width, height, _ in pages}
    rules.append(Rule("paper", "A4 210 × 297 mm", ", ".join(f"{w / MM:.0f} × {h / MM:.0f} mm" for w, h in sizes),
                      sizes == {(595, 842)}))  # fmt: skip
    title = [c for c in pages[0][2] if abs(c.size - TITLE_PT) < 0.3] if pages else []
    rules.append(Rule("title 2号 (22 pt)", "22 pt, centred", f"{len(title)} characters at 22 pt", bool(title)))
    folios = _folios([chars for _, _, chars in pages])
    lines = body_lines(pdf_path, BODY_PT, fonts=("",))
    per_page = collections.Counter(line.page for line in lines)
    most = max(per_page.values(), default=0)
    full = [page for page, n in per_page.items() if n == most]
    rules.append(Rule("lines per full page", f"{LINES_PER_PAGE}", f"{most} on {len(full)} of {len(per_page)} pages",
                      most == LINES_PER_PAGE))  # fmt: skip
    left = min((line.start for line in lines), default=0) / MM
    rules.append(Rule("left margin (订口)", f"{LEFT_MM:.0f} mm", f"{left:.1f} mm", abs(left - LEFT_MM) < 0.5))
    right = max((line.x1 for line in lines), default=0) / MM
    rules.append(Rule("type area width", "156 mm", f"{right - left:.1f} mm", abs(right - RIGHT_MM) < 0.6))
    tops = [min(line.top for line in lines if line.page == page) / MM for page in full]
    bottoms = [max(c.bottom for line in lines if line.page == page for c in line.chars) / MM for page in full]
    inside = all(t >= TOP_MM - 0.1 for t in tops) and all(b <= TOP_MM + AREA_HEIGHT_MM + 0.1 for b in bottoms)
    rules.append(Rule("type area height", "225 mm from 37 mm", f"text from {min(tops, default=0):.1f} to "
                      f"{max(bottoms, default=0):.1f} mm", inside))  # fmt: skip
    counts = collections.Counter(
        len(line.text)
        for line in lines
        if all(is_han(c) or c in FULL_WIDTH_MARKS for c in line.text)
        and not any(a in FULL_WIDTH_MARKS and b in FULL_WIDTH_MARKS for a, b in itertools.pairwise(line.text))
        and abs(line.start - LEFT_MM * MM) < 1
        and abs(line.x1 - RIGHT_MM * MM) < 1
    )
    # The grid holds 28; a line whose last character had to move to the next line with a
    # mark that may not start a line (避头尾) holds fewer, spread to the full width.
    chars = counts.most_common(1)[0][0] if counts else 0
    fewer = sum(n for length, n in counts.items() if length < chars)
    rules.append(Rule("characters per line", f"{CHARS_PER_LINE}, never more",
                      f"{chars} on {counts[chars]} full Chinese lines ({fewer} lines spread by line-break rules), "
                      f"at most {max(counts, default=0)}",
                      chars == CHARS_PER_LINE and max(counts, default=0) == CHARS_PER_LINE))  # fmt: skip
    size = collections.Counter(round(line.size, 1) for line in lines).most_common(1)
    rules.append(Rule("body 3号 (16 pt)", "16 pt", f"{size[0][0] if size else 0} pt", bool(size)))
    rules.append(_folio_rule(folios))
    return rules


def font_rules(tokens: dict[str, Any], lang: str, allow_substitutes: bool = False) -> list[Rule]:
    """The face drawing each role against the one GB/T 9704 names (theme token ``official-faces``).

    A role drawn by one of the publisher's own families (an open substitute)
    fails, unless substitutes are allowed.
    """
    from ..fonts import roles, substitutes

    replaced = {item.role: item for item in substitutes(tokens, lang)}
    resolved = roles(tokens, lang)
    rules = []
    for role, face in (tokens.get("official-faces") or {}).items():
        chain = resolved.get(str(role), [])
        names = [font.family for font in chain if not font.bundled]
        served = next((font for font in chain if font.path is not None), None)
        expected = f"{face} ({', '.join(names[:3])} …)"
        if served is None or served.path is None:
            rules.append(Rule(f"{role} face {face}", expected, "no font", False))
        elif str(role) in replaced:
            allowed = ", allowed by --allow-substitute-fonts" if allow_substitutes else ""
            measured = f"{served.family} ({served.path.name}), a substitute{allowed}"
            rules.append(Rule(f"{role} face {face}", expected, measured, allow_substitutes))
        else:
            rules.append(Rule(f"{role} face {face}", expected, f"{served.family} ({served.path})", True))
    return rules


def _folios(pages: list[list[Char]]) -> list[tuple[int, str, float, float, float]]:
    found = []
    bottom = (TOP_MM + AREA_HEIGHT_MM) * MM
    for index, page in enumerate(pages):
        chars = [c for c in page if abs(c.size - FOLIO_PT) < 0.3 and c.top > bottom]
        if chars:
            text = "".join(c.text for c in chars)
            found.append((index, text, min(c.x0 for c in chars), max(c.x1 for c in chars), min(c.top for c in chars)))
    return found


def _folio_rule(folios: list[tuple[int, str, float, float, float]]) -> Rule:
    problems = []
    for index, text, x0, x1, top in folios:
        number = index + 1
        if re.sub(r"\s", "", text) != f"—{number}—":
            problems.append(f"page {number}: '{text}'")
        elif number % 2 and abs(x1 - (RIGHT_MM * MM - FOLIO_PT)) > 1.5:
            problems.append(f"page {number}: ends {x1 / MM:.1f} mm, expected one character inside the right edge")
        elif not number % 2 and abs(x0 - (LEFT_MM * MM + FOLIO_PT)) > 1.5:
            problems.append(f"page {number}: starts {x0 / MM:.1f} mm, expected one character inside the left edge")
        elif top / MM < TOP_MM + AREA_HEIGHT_MM + 7 - 0.1:
            problems.append(f"page {number}: {top / MM - TOP_MM - AREA_HEIGHT_MM:.1f} mm below the type area")
    measured = "; ".join(problems[:3]) if problems else f"{len(folios)} pages: — N —, odd right, even left, 7 mm below"
    return Rule("page numbers 4号", "— N — 14 pt, odd right / even left, one character in, 7 mm below",
                measured, bool(folios) and not problems)  # fmt: skip


def check(subject: Subject) -> list[Rule]:
    """The layout rules measured on the PDF, then the face of every role (the check ``gongwen`` registers)."""
    return compliance(subject.pdf) + font_rules(subject.tokens, subject.lang, subject.allow_substitute_fonts)
