"""Pictures of every chart kind for docs/charts.md.

Builds the gallery project ``docs/gallery`` (one kind per page, A5) with the
real pipeline, then crops each figure out of its page into
``docs/images/charts/<kind>.png``.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pdfplumber
from pdfplumber.pdf import PDF
from PIL import Image

from publisher.options import BuildOptions
from publisher.pipeline import build, prepare

REPO = Path(__file__).resolve().parent.parent
GALLERY = REPO / "docs" / "gallery"
OUT = REPO / "docs" / "images" / "charts"
DPI = 110


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pdf_path = Path(tmp) / "gallery.pdf"
        options = BuildOptions(project=GALLERY, output=pdf_path, cache=False)
        result = build(options)
        specs = prepare(options).specs
        kinds = [specs[f.chart_id].type for f in result.document.figures()]
        with pdfplumber.open(pdf_path) as pdf:
            for number, kind in enumerate(kinds, start=1):
                page_index, top, bottom = _figure_box(pdf, number)
                stem = Path(tmp) / f"page{page_index}"
                subprocess.run(
                    ["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", str(page_index + 1),
                     "-l", str(page_index + 1), str(pdf_path), str(stem)],
                    check=True,
                )  # fmt: skip
                image = Image.open(f"{stem}.png").convert("RGB")
                scale = DPI / 72
                width = image.width
                box = (int(width * 0.06), int(top * scale), int(width * 0.94), int(bottom * scale))
                image.crop(box).save(OUT / f"{kind}.png", optimize=True)
                print(f"wrote {(OUT / f'{kind}.png').relative_to(REPO)}")


def _figure_box(pdf: PDF, number: int) -> tuple[int, float, float]:
    """Page index and vertical extent (pt) of figure ``number``: below the serif text, to the last mark."""
    for index, page in enumerate(pdf.pages):
        words = page.extract_words(extra_attrs=["fontname"])
        text = "".join(w["text"] for w in words)
        if f"图{number}" not in text.replace(" ", "") or index < 2:
            continue
        footer = float(page.height) - 45
        serif = [float(w["bottom"]) for w in words if "Serif" in w["fontname"] and float(w["top"]) < footer]
        top = max(serif) + 4
        marks = [float(w["bottom"]) for w in words if float(w["top"]) < footer]
        marks += [float(r["bottom"]) for r in page.rects if float(r["top"]) < footer]
        return index, top, max(marks) + 6
    raise SystemExit(f"figure {number} not found")


if __name__ == "__main__":
    main()
