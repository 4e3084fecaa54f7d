"""Continued tables: the ``续表 N`` line over a table's continuation, and only there.

A numbered table's header (``table.html.j2``) starts with a row of class
``table-continued`` (``续表 1``, and the unit) before its header rows.
WeasyPrint repeats a table's header on every page the table runs over; this
module wraps WeasyPrint 70's ``table_layout`` so that the first part of a
table (the one under its caption) is laid out without that row, and every
later part with it: as LaTeX's ``longtable`` sets ``\\endfirsthead`` and
``\\endhead``.

The theme hides the row (``display: none``), so WeasyPrint unpatched never
prints it; the PDF writer, with this module installed, shows it again with
the user stylesheet :data:`SHOW_CONTINUED` (``!important`` wins over the
theme's rule).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

CONTINUED_CLASS = "table-continued"
"""The class of the header row shown only on a table's continuation."""
SHOW_CONTINUED = f"tr.{CONTINUED_CLASS} {{ display: table-row !important; }}"
"""The stylesheet the patched writer adds, so the row is laid out at all."""


@functools.cache
def install() -> None:
    """Wrap WeasyPrint's ``table_layout`` where the block layout calls it (idempotent)."""
    from weasyprint.layout import block

    from . import require

    require()
    original: Callable[..., Any] = block.table_layout

    def table_layout(
        context: Any,
        table: Any,
        bottom_space: float,
        skip_stack: Any,
        containing_block: Any,
        page_is_empty: bool,
        absolute_boxes: list[Any],
        fixed_boxes: list[Any],
    ) -> Any:
        args = (bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes, fixed_boxes)
        header = table.children[0] if table.children and table.children[0].is_header else None
        if skip_stack is not None or header is None or not header.children or not _continued(header.children[0]):
            return original(context, table, *args)
        # The first part: the header without its continuation row (the box is put back as it was after).
        children = table.children
        table.children = [header.copy_with_children(header.children[1:]), *children[1:]]
        try:
            return original(context, table, *args)
        finally:
            table.children = children

    block.table_layout = table_layout


def _continued(row: Any) -> bool:
    element = getattr(row, "element", None)
    classes = element.get("class", "") if element is not None else ""
    return CONTINUED_CLASS in str(classes).split()
