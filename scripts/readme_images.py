"""Render two pages of the sample PDF side by side for the README (docs/images/pages.png)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent


def main(pdf: Path = REPO / "out" / "zumiao-2021-work-report.pdf", pages: tuple[int, ...] = (3, 8)) -> None:
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
    sheet = Image.new("RGB", (width, height), (214, 210, 204))
    x = gap
    for im in images:
        sheet.paste(im, (x, gap))
        x += im.width + gap
    out = REPO / "docs" / "images" / "pages.png"
    sheet.save(out, optimize=True)
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main(Path(sys.argv[1])) if len(sys.argv) > 1 else main()
