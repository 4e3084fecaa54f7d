"""Dot leaders: one run of text a line, filling to the line's real end.

WeasyPrint 70 fills a ``leader()`` with one copy of its text box per leader
unit: a line of the table of contents carries about 110 boxes, each laid out,
kept and drawn as a text run of its own, and a report with thousands of
headings spent most of its time there. It also measures the line from the
wrong place when the line is indented: a hanging entry (negative
``text-indent``) got a leader that stopped short by the indent.

:func:`install` replaces ``handle_leader`` where the inline layout calls it:

- the line ends where its block's content ends, whatever its indent;
- the units sit on a grid counted from the block's padding edge on the right,
  the same on every line of the same size, so the dots of all entries stand
  in columns; a unit is set where it fits between the text and what follows
  the leader (the gap and the page number);
- the units are one text box holding the unit repeated: one box and one run
  a line.

This module calls WeasyPrint 70 internals (``handle_leader``,
``leader_index``, ``split_first_line``, text boxes) behind the engine's version gate.
"""

from __future__ import annotations

import functools
from typing import Any


def _one_run(context: Any, unit_box: Any, count: int, position_x: float) -> Any:
    """A text box of the leader's unit repeated ``count`` times, starting at ``position_x``."""
    from weasyprint.text.line_break import split_first_line

    text = unit_box.text * count
    layout, *_ = split_first_line(text, unit_box.style, context, None, 0, is_line_start=False)
    merged = unit_box.copy_with_text(text)
    merged.pango_layout = layout
    merged.width = unit_box.width * count
    merged.position_x = position_x
    return merged


def handle_leader(context: Any, line: Any, containing_block: Any) -> None:
    """Fill the leader of ``line`` (if it has one) up to the end of the line; move what follows it there."""
    from weasyprint.layout.leader import leader_index

    index, leader_box = leader_index(line)
    extra_width = 0.0
    if index is not None and leader_box.children:
        (unit_box,) = leader_box.children
        if unit_box.width <= 0:
            return
        end = containing_block.content_box_x() + containing_block.width
        flow = [child for child in line.children if child.is_in_normal_flow()]
        begin = flow[0].position_x if flow else line.position_x  # after the text-indent, if any
        extra_width = end - begin - sum(child.margin_width() for child in flow)
        for shape in context.excluded_shapes:
            if shape.position_y + shape.height > line.position_y:
                extra_width -= shape.width
        available = max(extra_width, 0.0) + unit_box.width
        line.width = end - line.position_x
        unit = unit_box.width
        grid = end + containing_block.padding_right
        start, stop = leader_box.position_x, leader_box.position_x + available
        last = grid - unit * int((grid - stop) // unit + (1 if (grid - stop) % unit else 0))
        count = int((last - start) // unit + 1e-6)
        leader_box.children = (_one_run(context, unit_box, count, last - count * unit),) if count > 0 else ()
        if line.style["direction"] == "rtl":
            leader_box.translate(dx=-extra_width)

    # As WeasyPrint: widen the leader's parent boxes, move the boxes after it.
    box = line
    while index is not None:
        for child in box.children[index[0] + 1 :]:
            if child.is_in_normal_flow():
                child.translate(dx=extra_width if line.style["direction"] == "ltr" else -extra_width)
        box = box.children[index[0]]
        box.width += extra_width
        index = index[1]


@functools.cache
def install() -> None:
    """Replace WeasyPrint's ``handle_leader`` where the inline layout calls it (idempotent)."""
    from weasyprint.layout import inline

    from . import require

    require()
    inline.handle_leader = handle_leader
