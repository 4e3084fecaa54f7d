"""Synthetic bold: text asked in bold but drawn by a face that has no bold weight prints bold.

仿宋 and 楷体 faces rarely have a bold weight, yet GB/T 9704 practice sets the
third heading level (``1.``) in bold 仿宋. Fontconfig then matches the regular
face and asks for emboldening, which WeasyPrint ignores since it draws glyphs
itself (WeasyPrint issue #1470): the heading prints regular. This module wraps
WeasyPrint 70's ``draw_first_line`` (behind the engine's version gate,
:func:`publisher.engine.weasyprint.require`): a run in such a face is drawn
with text rendering mode 2 (fill, then stroke the outlines in the text colour)
and a stroke of :data:`STROKE_EM` of the font size, which widens every stem
as a bold weight would. Advances do not change, so the layout is the same;
``pdftotext`` and copy-paste give the same text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

STROKE_EM = 0.04
"""The stroke width, in em: each side of a stem grows by half of it (0.32 pt at 16 pt)."""
BOLD = 600
"""CSS weights from this one up are bold; a face whose own weight (OS/2 ``usWeightClass``) is below it is not."""
FILL_STROKE = 2
"""PDF text rendering mode: fill, then stroke."""


@functools.cache
def install() -> None:
    """Wrap WeasyPrint's ``draw_first_line`` (idempotent)."""
    from weasyprint.draw import text

    from . import require

    require()
    original: Callable[..., Any] = text.draw_first_line

    def draw_first_line(stream: Any, textbox: Any, *args: Any, **kwargs: Any) -> Any:
        if textbox.style["font_weight"] < BOLD:
            return original(stream, textbox, *args, **kwargs)
        bold = _Emboldening(stream, textbox.style)
        try:
            return original(bold, textbox, *args, **kwargs)
        finally:
            bold.finish()

    text.draw_first_line = draw_first_line


def face_weight(font: Any) -> int:
    """The weight a WeasyPrint font's face has (OS/2 ``usWeightClass``; 400 when it does not say)."""
    cached = getattr(font, "publisher_face_weight", None)
    if cached is not None:
        return int(cached)
    from weasyprint.text.ffi import ffi, harfbuzz

    blob = harfbuzz.hb_face_reference_table(font.hb_face, harfbuzz.hb_tag_from_string(b"OS/2", -1))
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        weight = int.from_bytes(ffi.buffer(data, 6)[4:6], "big") if length[0] >= 6 else 400
    finally:
        harfbuzz.hb_blob_destroy(blob)
    font.publisher_face_weight = weight
    return weight


class _Emboldening:
    """A stream that strokes the runs of faces lighter than bold, and passes everything else through."""

    def __init__(self, stream: Any, style: Any) -> None:
        self._stream = stream
        self._style = style
        self._synthetic = False
        self._stroking = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def add_font(self, pango_font: Any) -> Any:
        font, size = self._stream.add_font(pango_font)
        self._synthetic = not font.bitmap and not (font.png or font.svg or font.colr) and face_weight(font) < BOLD
        return font, size

    def set_font_size(self, font: str, size: float) -> None:
        self._stream.set_font_size(font, size)
        if self._synthetic:
            if not self._stroking:
                self._stream.set_color(self._style["color"], stroke=True)
                self._stream.set_text_rendering(FILL_STROKE)
                self._stroking = True
            self._stream.set_line_width(size * STROKE_EM)
        elif self._stroking:
            self._stream.set_text_rendering(0)
            self._stroking = False

    def finish(self) -> None:
        """Back to plain filling: the text rendering mode outlives the text object."""
        if self._stroking:
            self._stream.set_text_rendering(0)
            self._stroking = False
