"""Balanced headings: a heading of several lines breaks into lines of similar length, at a comma if it can.

WeasyPrint fills each line as far as it goes, so a long heading ends with a
word alone on its last line (``…群众幸福指数不断`` / ``提升``). This module wraps
WeasyPrint 70's ``iter_line_boxes`` for headings (``h1``–``h6``; behind the
engine's version gate, :func:`publisher.engine.weasyprint.require`): the lines
are laid out first as usual; when there are two or more, they are laid out
again in a narrower measure that keeps their number:

* two lines: the break goes after a ``，`` ``；`` or ``：`` (else a ``、``) of
  the first line where the second line is no longer than the first and at
  least a third of it; of those, the most balanced;
* otherwise (no such mark, or three lines and more): the narrowest measure
  that keeps the number of lines, found by bisection, which balances them.

The box keeps its full width (rules and backgrounds are unchanged); centred
and right-aligned lines are moved to where the full measure puts them.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

BREAK_AFTER = ("，；：,;:", "、")
"""Marks a heading preferably breaks after: a clause's end first, then an enumeration's comma."""
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
PRECISION_EM = 0.25
"""The bisection stops when the measure is known within this fraction of the font size."""
SLACK_EM = 0.2
"""A measure this much wider than a chosen first line: less than any character, so nothing more fits."""

Lines = list[tuple[Any, Any]]


@functools.cache
def install() -> None:
    """Wrap WeasyPrint's ``iter_line_boxes`` as block layout calls it (idempotent)."""
    from weasyprint.layout import block

    from . import require

    require()
    original: Callable[..., Iterator[tuple[Any, Any]]] = block.iter_line_boxes

    def iter_line_boxes(
        context: Any,
        box: Any,
        position_y: float,
        bottom_space: float,
        skip_stack: Any,
        containing_block: Any,
        *rest: Any,
    ) -> Iterator[tuple[Any, Any]]:
        if skip_stack is not None or getattr(containing_block, "element_tag", None) not in HEADINGS:
            return original(context, box, position_y, bottom_space, skip_stack, containing_block, *rest)

        def run(width: float) -> Lines:
            full = containing_block.width
            containing_block.width = width
            try:
                lines = list(original(context, box, position_y, bottom_space, None, containing_block, *rest))
            finally:
                containing_block.width = full
            _realign(lines, containing_block, full - width)
            return lines

        return iter(balanced(context, run, containing_block.width, containing_block.style["font_size"]))

    block.iter_line_boxes = iter_line_boxes


def balanced(context: Any, run: Callable[[float], Lines], full: float, em: float) -> Lines:
    """The lines of a heading in the measure that balances them (``run`` lays them out in a width)."""
    lines = run(full)
    count = len(lines)
    if count < 2 or lines[-1][1] is not None:
        return lines
    widths = [_content_width(line) for line, _ in lines]
    if count == 2:
        for marks in BREAK_AFTER:
            for x in _comma_breaks(context, lines[0][0], widths, marks):
                candidate = run(x + SLACK_EM * em)
                if len(candidate) == 2 and _text(candidate[0][0]).rstrip("\u200b").endswith(tuple(marks)):
                    return candidate
    low, high = sum(widths) / count, full
    while high - low > PRECISION_EM * em:
        middle = (low + high) / 2
        if len(run(middle)) == count:
            high = middle
        else:
            low = middle
    return run(high)


def _comma_breaks(context: Any, line: Any, widths: list[float], marks: str) -> list[float]:
    """Widths of the first line cut after each of its ``marks`` that leaves a good second line, best first."""
    total = sum(widths)
    found = []
    for box in _leaves(line):
        for index, char in enumerate(box.text):
            if char in marks:
                x = box.position_x - line.position_x + _text_width(context, box, box.text[: index + 1])
                rest = total - x
                if x / 3 <= rest <= x and x < widths[0] - 1e-3:
                    found.append(x)
    return sorted(found)


def _text_width(context: Any, box: Any, text: str) -> float:
    from weasyprint.text.line_break import create_layout, line_size

    layout = create_layout(text, box.style, context, max_width=None, justification_spacing=0)
    first_line, _ = layout.get_first_line()
    width, _ = line_size(first_line, box.style)
    layout.deactivate()
    return float(width)


def _leaves(box: Any) -> Iterator[Any]:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    elif isinstance(box, boxes.LineBox | boxes.InlineBox):
        for child in box.children:
            yield from _leaves(child)


def _text(line: Any) -> str:
    return "".join(box.text for box in _leaves(line))


def _content_width(line: Any) -> float:
    children = [child for child in line.children if child.is_in_normal_flow()]
    if not children:
        return 0.0
    return float(max(c.position_x + c.margin_width() for c in children) - line.position_x)


def _realign(lines: Lines, block: Any, narrowed: float) -> None:
    """Move centred or right-aligned lines laid out ``narrowed`` narrower to their place in the full measure."""
    if narrowed <= 0 or block.style["direction"] == "rtl":
        return
    for index, (line, _) in enumerate(lines):
        align = block.style["text_align_all"]
        if index == len(lines) - 1 and block.style["text_align_last"] != "auto":
            align = block.style["text_align_last"]
        if align == "center":
            line.translate(narrowed / 2, 0)
        elif align in ("end", "right"):
            line.translate(narrowed, 0)
