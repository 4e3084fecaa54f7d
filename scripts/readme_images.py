"""Pictures for the README: pages of the sample side by side, docs/images/pages.png (the report theme: the KPI
page and a page with charts) and docs/images/pages-gongwen.png (the GB/T 9704 theme: the first page with the
KPI table, a page with a chart); and the first page and the first text page of the project `publisher new`
writes (docs/images/new-report.png)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
PUBLISHER = Path(sys.executable).parent / "publisher"


def sheet(pdf: Path, pages: tuple[int, ...], out: Path) -> None:
    """``pages`` of ``pdf`` at 70 dpi on a grey ground."""
    images = []
    with tempfile.TemporaryDirectory() as tmp:
        for page in pages:
            stem = Path(tmp) / f"p{page}"
            subprocess.run(
                ["pdftoppm", "-r", "70", "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
                check=True,
            )
            images.append(Image.open(f"{stem}.png").convert("RGB"))
    gap = 24
    width = sum(im.width for im in images) + gap * (len(images) + 1)
    height = max(im.height for im in images) + 2 * gap
    picture = Image.new("RGB", (width, height), (214, 210, 204))
    x = gap
    for im in images:
        picture.paste(im, (x, gap))
        x += im.width + gap
    picture.save(out, optimize=True)
    print(f"wrote {out.relative_to(REPO)}")


def new_report() -> None:
    """`publisher new myreport` built as it comes: its cover and its first page of text."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([str(PUBLISHER), "new", "myreport"], cwd=tmp, check=True, capture_output=True)
        subprocess.run([str(PUBLISHER), "build", "--strict"], cwd=Path(tmp) / "myreport", check=True)
        sheet(Path(tmp) / "myreport" / "out" / "myreport.pdf", (1, 3), REPO / "docs" / "images" / "new-report.png")


def main(pdf: Path = REPO / "out" / "zumiao-2021-work-report.pdf") -> None:
    sheet(pdf, (3, 6), REPO / "docs" / "images" / "pages.png")
    with tempfile.TemporaryDirectory() as tmp:
        gongwen = Path(tmp) / "gongwen.pdf"
        subprocess.run([str(PUBLISHER), "build", str(REPO), "--theme", "gongwen", "-o", str(gongwen)], check=True)
        sheet(gongwen, (1, 11), REPO / "docs" / "images" / "pages-gongwen.png")
    new_report()


if __name__ == "__main__":
    main(Path(sys.argv[1])) if len(sys.argv) > 1 else main()
