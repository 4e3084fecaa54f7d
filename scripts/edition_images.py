"""Pictures of two editions for the README: the print edition's pages with their marks, and a booklet sheet.

Builds the ``print`` and ``booklet`` editions of the sample into a temporary
folder and writes ``docs/images/editions-print.png`` (the cover, its band run
into the bleed, and a text page, each with crop and registration marks) and
``docs/images/editions-booklet.png`` (the front of the first two sheets).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image

from publisher.options import BuildOptions
from publisher.pipeline import build_editions, project_editions

REPO = Path(__file__).resolve().parent.parent
BACKGROUND = (214, 210, 204)


def page_image(pdf: Path, page: int, dpi: int, folder: Path) -> Image.Image:
    """One page of ``pdf`` (its whole MediaBox) as an RGB image."""
    stem = folder / f"{pdf.stem}-{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
    )
    return Image.open(f"{stem}.png").convert("RGB")


def side_by_side(images: list[Image.Image], gap: int = 24, vertical: bool = False) -> Image.Image:
    """The images on a neutral background, in a row (or a column)."""
    if vertical:
        width = max(im.width for im in images) + 2 * gap
        height = sum(im.height for im in images) + gap * (len(images) + 1)
    else:
        width = sum(im.width for im in images) + gap * (len(images) + 1)
        height = max(im.height for im in images) + 2 * gap
    sheet = Image.new("RGB", (width, height), BACKGROUND)
    offset = gap
    for im in images:
        sheet.paste(im, (gap, offset) if vertical else (offset, gap))
        offset += (im.height if vertical else im.width) + gap
    return sheet


def main() -> None:
    """Build the two editions and write the two pictures."""
    out = REPO / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        built = {
            r.edition.name: r.output
            for r in build_editions(
                BuildOptions(project=REPO, output=folder), project_editions(REPO, ["print", "booklet"])
            )
            if r.edition is not None
        }
        pages = [page_image(built["print"], page, 60, folder) for page in (1, 5)]
        side_by_side(pages).save(out / "editions-print.png", optimize=True)
        sheets = [page_image(built["booklet"], side, 45, folder) for side in (1, 3)]
        side_by_side(sheets, vertical=True).save(out / "editions-booklet.png", optimize=True)
    for name in ("editions-print.png", "editions-booklet.png"):
        print(f"wrote {(out / name).relative_to(REPO)}")


if __name__ == "__main__":
    main()
