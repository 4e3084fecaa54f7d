"""Copy-paste gives the source text: each line of CJK text carries its own text as ``ActualText``.

The Chinese rules move glyphs apart: ¼ em between Han and Latin or digits, the
letter-spacing of justification, a half-width mark. Text extractors
(``pdftotext``, a viewer's copy-paste) guess word spaces from gaps between
glyphs, so ``投资1亿元`` set with its spacing comes out as ``投资 1 亿元``
although the PDF has no space character there. This module wraps WeasyPrint
70's ``draw_inline_level`` (behind the engine's version gate,
:func:`publisher.engine.weasyprint.require`): a line box that holds CJK text
is drawn inside a marked-content sequence ``/Span <</ActualText (…)>> BDC …
EMC`` whose ``ActualText`` is the line's text as the report has it; poppler,
Acrobat and PDFium extract that instead of guessing from positions. Glyph
positions, the structure tags of a tagged PDF (which nest inside) and the
drawing itself are unchanged.

A gap that is not Chinese–Western spacing, such as the margin after the
``图 1`` of a caption, is a word boundary: the text has a space there.

A line that holds anything but text (an inline image, an inline block such as
a KPI card, a float) is drawn as before: ``ActualText`` would replace the text
drawn inside those too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ...typeset.chars import IS_CJK
from .justify import AUTOSPACE_CLASSES

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u00ad"))
"""Characters WeasyPrint draws as nothing (zero-width space, soft hyphen): not in the text."""


@functools.cache
def install() -> None:
    """Wrap WeasyPrint's ``draw_inline_level`` (idempotent)."""
    import pydyf
    from weasyprint import draw
    from weasyprint.formatting_structure import boxes

    from . import require

    require()
    original: Callable[..., Any] = draw.draw_inline_level

    def draw_inline_level(stream: Any, page: Any, box: Any, *args: Any, **kwargs: Any) -> Any:
        text = line_text(box) if isinstance(box, boxes.LineBox) else None
        if text is None:
            return original(stream, page, box, *args, **kwargs)
        stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            return original(stream, page, box, *args, **kwargs)
        finally:
            stream.end_marked_content()

    draw.draw_inline_level = draw_inline_level


def line_text(line: Any) -> str | None:
    """The text a line box draws, when it holds CJK text and nothing but text; else ``None``."""
    pieces: list[str] = []
    if not _collect(line, pieces):
        return None
    text = "".join(pieces).translate(_INVISIBLE).strip(" ")
    return text if IS_CJK.search(text) else None


def _collect(box: Any, pieces: list[str]) -> bool:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        if box.style["visibility"] == "visible":
            pieces.append(box.text)
        return True
    if isinstance(box, boxes.LineBox):
        return all(_collect(child, pieces) for child in box.children)
    if not isinstance(box, boxes.InlineBox):
        return False
    separated = not _is_autospace(box)
    if separated and box.margin_left + box.padding_left + box.border_left_width > 0:
        pieces.append(" ")
    if not all(_collect(child, pieces) for child in box.children):
        return False
    if separated and box.margin_right + box.padding_right + box.border_right_width > 0:
        pieces.append(" ")
    return True


def _is_autospace(box: Any) -> bool:
    element = getattr(box, "element", None)
    classes = (element.get("class") or "").split() if element is not None and box.element_tag == "span" else []
    return any(name in classes for name in AUTOSPACE_CLASSES)
