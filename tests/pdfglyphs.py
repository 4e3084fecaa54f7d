"""Read back from a PDF which glyph every piece of text was drawn with (for the font coverage tests)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pikepdf
from fontTools.ttLib import TTFont


@dataclass
class PdfFont:
    """One font of a PDF: its embedded program's glyph count, family and the text of each glyph id."""

    name: str
    glyph_count: int
    family: str
    to_unicode: dict[int, str]
    bitmap: bool
    used: set[int] = field(default_factory=set)
    """Glyph ids the pages draw with it."""


def _to_unicode(cmap: bytes) -> dict[int, str]:
    """The glyph id → text pairs of a ToUnicode CMap (``bfchar`` and ``bfrange`` entries)."""
    text = cmap.decode("latin-1")
    pairs: dict[int, str] = {}

    def utf16(hexa: str) -> str:
        return bytes.fromhex(hexa).decode("utf-16-be")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for gid, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            pairs[int(gid, 16)] = utf16(uni)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(uni, 16)
            for offset, gid in enumerate(range(int(start, 16), int(end, 16) + 1)):
                pairs[gid] = chr(first + offset)
    return pairs


def _program(font: pikepdf.Object) -> tuple[int, str]:
    """Glyph count and family (name ID 1) of an embedded font program."""
    descriptor = font.get("/FontDescriptor")
    if descriptor is None and "/DescendantFonts" in font:
        descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    if descriptor is None:
        return 0, ""
    for key in ("/FontFile2", "/FontFile3", "/FontFile"):
        if key in descriptor:
            data = descriptor[key].read_bytes()
            break
    else:
        return 0, ""
    try:
        program = TTFont(io.BytesIO(data), lazy=True)
    except Exception:  # a bare CFF program: no name table
        return 0, ""
    family = program["name"].getDebugName(1) if "name" in program else ""
    return program["maxp"].numGlyphs, family or ""


def _strings(operands: Sequence[object]) -> Iterator[bytes]:
    for operand in operands:
        if isinstance(operand, pikepdf.String):
            yield bytes(operand)
        elif isinstance(operand, pikepdf.Array):
            yield from _strings(list(operand))


def read_glyphs(pdf_path: Path) -> dict[str, PdfFont]:
    """Every font of the PDF with the glyph ids its pages draw."""
    fonts: dict[str, PdfFont] = {}
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            resources: Any = page.Resources.get("/Font", {})
            current: PdfFont | None = None
            for instruction in pikepdf.parse_content_stream(page):
                if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                    continue  # an inline image
                operands, op = list(instruction.operands), str(instruction.operator)
                if op == "Tf":
                    key = str(operands[0])
                    font = resources[key]
                    name = str(font.get("/BaseFont", key))
                    if name not in fonts:
                        bitmap = str(font.Subtype) == "/Type3"
                        count, family = (0, "") if bitmap else _program(font)
                        cmap = _to_unicode(font.ToUnicode.read_bytes()) if "/ToUnicode" in font else {}
                        fonts[name] = PdfFont(name, count, family, cmap, bitmap)
                    current = fonts[name]
                elif op in ("Tj", "TJ", "'", '"') and current is not None:
                    width = 1 if current.bitmap else 2
                    for data in _strings(operands):
                        current.used.update(
                            int.from_bytes(data[i : i + width], "big") for i in range(0, len(data), width)
                        )
    return fonts


def notdefs(fonts: dict[str, PdfFont]) -> list[str]:
    """Glyphs drawn as .notdef: glyph 0, or an id past the embedded font's glyphs (WeasyPrint's stand-in)."""
    found = []
    for font in fonts.values():
        if font.bitmap:
            continue
        for gid in sorted(font.used):
            if gid == 0 or gid >= font.glyph_count:
                found.append(f"{font.name}: glyph {gid} ({font.to_unicode.get(gid, '?')!r})")
    return found


def drawn_text(fonts: dict[str, PdfFont]) -> set[str]:
    """Every character the PDF draws with a real glyph (from the ToUnicode maps of the glyphs used)."""
    chars: set[str] = set()
    for font in fonts.values():
        for gid in font.used:
            if font.bitmap or 0 < gid < font.glyph_count:
                chars.update(font.to_unicode.get(gid, ""))
    return chars


@dataclass(frozen=True)
class Run:
    """A piece of text as a page draws it: its text, the text rendering mode and the stroke width in em."""

    page: int
    text: str
    mode: int
    stroke_em: float


def runs(pdf_path: Path) -> list[Run]:
    """Every string the pages show, with the text rendering mode (``Tr``) and line width (``w``) in force."""
    fonts = read_glyphs(pdf_path)
    found: list[Run] = []
    with pikepdf.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            resources: Any = page.Resources.get("/Font", {})
            font: PdfFont | None = None
            size, mode, width = 1.0, 0, 1.0
            for instruction in pikepdf.parse_content_stream(page):
                if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                    continue
                operands, op = list(instruction.operands), str(instruction.operator)
                if op == "Tf":
                    font = fonts[str(resources[str(operands[0])].get("/BaseFont", operands[0]))]
                    size = float(operands[1])
                elif op == "Tr":
                    mode = int(operands[0])
                elif op == "w":
                    width = float(operands[0])
                elif op in ("Tj", "TJ") and font is not None:
                    step = 1 if font.bitmap else 2
                    text = "".join(
                        font.to_unicode.get(int.from_bytes(data[i : i + step], "big"), "")
                        for data in _strings(operands)
                        for i in range(0, len(data), step)
                    )
                    found.append(Run(number, text, mode, width / size))
    return found
