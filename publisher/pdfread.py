"""Reading PDFs: the one place the product reads a PDF back (pypdfium2, PDFium's Python binding).

What reads a PDF: the change report and the live preview (:mod:`publisher.diff`:
text lines with their places, page images), the GB/T 9704 check and the
typography measurements (:mod:`publisher.typeset.measure`: every character
with its box, size and font). All of it goes through this module, and this
module through PDFium: one library renders and reads text in this process (no
poppler subprocesses, no second parser), fast enough to read every page after
each ``watch`` rebuild. Writing and editing PDFs (finishing an edition,
imposing a booklet, attaching the archive's source and reading it back under a
size cap) is pikepdf's job, in :mod:`publisher.editions`; see
``docs/architecture.md``.

Coordinates are PDF points with the origin at the page's top left, ``y``
growing downwards, like a reader's eye (and pdfplumber's ``top``/``bottom``).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import PublisherError

if TYPE_CHECKING:
    import pypdfium2 as pdfium
    from PIL import Image


@dataclass(frozen=True)
class Char:
    """One printed character."""

    text: str
    x0: float
    """Left edge: the origin of the glyph."""
    x1: float
    """Right edge: the origin plus the advance the font gives the glyph."""
    top: float
    """Top of the em box (the baseline less the font's ascent-to-em share)."""
    bottom: float
    """``top`` plus the font size."""
    size: float
    """Font size in points, as printed (the text and page transformations applied)."""
    font: str
    """The font's PostScript name, subset tag included (``XHLVVO+Publisher-FangSong``)."""


@dataclass(frozen=True)
class TextLine:
    """One line of text as PDFium groups the characters, in the order they are painted."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float


class Page:
    """One page of an open PDF."""

    def __init__(self, page: pdfium.PdfPage, index: int):
        self._page = page
        self.index = index
        """0-based."""
        self.width, self.height = (float(v) for v in page.get_size())
        self._glyphs = False

    def _textpage(self) -> pdfium.PdfTextPage:
        """The page's text as drawn: a marked-content sequence's ``ActualText`` (each CJK line of a report
        carries one, :mod:`publisher.engine.weasyprint.actualtext`) is removed from the page's objects, in
        memory, first. PDFium would give its characters instead of the glyphs, spread evenly over narrow boxes
        (a 16 pt body line measured 15.7 pt a character, a line's box a third of its width)."""
        import pypdfium2.raw as raw

        if not self._glyphs:
            page = self._page.raw
            _drop_actual_text([raw.FPDFPage_GetObject(page, i) for i in range(raw.FPDFPage_CountObjects(page))])
            self._glyphs = True
        return self._page.get_textpage()

    def chars(self) -> list[Char]:
        """The printed characters in painting order (spaces and line ends PDFium infers are left out), each
        glyph at its place (see :meth:`_textpage`)."""
        import pypdfium2.raw as raw

        out: list[Char] = []
        text = self._textpage()
        name = ctypes.create_string_buffer(256)
        matrix = raw.FS_MATRIX()
        descent, advance = ctypes.c_float(), ctypes.c_float()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        try:
            for i in range(text.count_chars()):
                if raw.FPDFText_IsGenerated(text.raw, i):
                    continue
                char = text.get_text_range(i, 1)
                raw.FPDFText_GetMatrix(text.raw, i, matrix)
                size = raw.FPDFText_GetFontSize(text.raw, i) * math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
                left, _bottom, right, _top = (float(v) for v in text.get_charbox(i, loose=True))
                raw.FPDFText_GetCharOrigin(text.raw, i, ox, oy)
                font = raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(text.raw, i))
                raw.FPDFText_GetFontInfo(text.raw, i, name, len(name), None)
                below = -float(descent.value) if font and raw.FPDFFont_GetDescent(font, size, descent) else 0.0
                # PDFium's box reaches to where the next character starts: the glyph's advance plus
                # the letter spacing justification put after it. The advance alone is the width the
                # font gives the character (found by its Unicode value: where a font has two glyphs
                # for one character, a tabular and a proportional 5, the narrower box stands).
                if font and len(char) == 1 and raw.FPDFFont_GetGlyphWidth(font, ord(char), size, advance):
                    right = min(right, left + float(advance.value))
                bottom = self.height - oy.value + below
                font_name = name.value.decode("utf-8", errors="replace")
                out.append(Char(char, left, right, bottom - size, bottom, size, font_name))
        finally:
            text.close()
        return out

    def lines(self) -> list[TextLine]:
        """The page's text lines, as PDFium's text layout finds them from the glyphs (spaces guessed from
        gaps: ``投资 1 亿元``), with their boxes."""
        out: list[TextLine] = []
        text = self._textpage()
        try:
            count = text.count_chars()
            start = 0
            whole = text.get_text_range(0, count) if count else ""
            for end in range(count + 1):
                if end < count and whole[end] not in "\r\n":
                    continue
                if end > start:
                    boxes = [text.get_charbox(i, loose=True) for i in range(start, end) if not whole[i].isspace()]
                    if boxes:
                        out.append(
                            TextLine(
                                whole[start:end],
                                float(min(b[0] for b in boxes)),
                                self.height - float(max(b[3] for b in boxes)),
                                float(max(b[2] for b in boxes)),
                                self.height - float(min(b[1] for b in boxes)),
                            )
                        )
                start = end + 1
        finally:
            text.close()
        return out

    def render(self, dpi: float) -> Image.Image:
        """The page as an RGB image at ``dpi``."""
        bitmap = self._page.render(scale=dpi / 72)
        try:
            image: Image.Image = bitmap.to_pil().convert("RGB")
            return image
        finally:
            bitmap.close()


def _drop_actual_text(objects: list[Any]) -> None:
    """Remove ``ActualText`` from the marked content of ``objects`` (PDFium page objects), in forms too."""
    import pypdfium2.raw as raw

    for obj in objects:
        for index in range(raw.FPDFPageObj_CountMarks(obj)):
            # the marks of one sequence are shared by its objects: the first removal serves them all
            raw.FPDFPageObjMark_RemoveParam(obj, raw.FPDFPageObj_GetMark(obj, index), b"ActualText")
        if raw.FPDFPageObj_GetType(obj) == raw.FPDF_PAGEOBJ_FORM:
            _drop_actual_text([raw.FPDFFormObj_GetObject(obj, i) for i in range(raw.FPDFFormObj_CountObjects(obj))])


class Document:
    """An open PDF (see :func:`open_pdf`)."""

    def __init__(self, pdf: pdfium.PdfDocument, path: Path):
        self._pdf = pdf
        self.path = path

    def __len__(self) -> int:
        return len(self._pdf)

    def page_sizes(self) -> list[tuple[float, float]]:
        """Width and height of every page in points, read without loading the pages."""
        sizes = []
        for index in range(len(self._pdf)):
            width, height = self._pdf.get_page_size(index)
            sizes.append((float(width), float(height)))
        return sizes

    def page(self, index: int) -> Page:
        """The page at 0-based ``index``."""
        return Page(self._pdf[index], index)

    def pages(self) -> Iterator[Page]:
        """Every page in order."""
        for index in range(len(self._pdf)):
            yield self.page(index)


@contextlib.contextmanager
def open_pdf(path: Path, hint: str = "give the path of a PDF file") -> Iterator[Document]:
    """``path`` opened for reading; a missing file or one that is not a readable PDF is a user error."""
    import pypdfium2 as pdfium

    if not path.is_file():
        raise PublisherError(f"'{path}' does not exist or is not a file", hint=hint)
    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        raise PublisherError(f"'{path}' is not a readable PDF ({exc})", hint=hint) from None
    try:
        yield Document(pdf, path)
    finally:
        pdf.close()


def page_count(path: Path, hint: str = "give the path of a PDF file") -> int:
    """Number of pages of ``path`` (a user error if it is not a readable PDF)."""
    with open_pdf(path, hint) as pdf:
        return len(pdf)
