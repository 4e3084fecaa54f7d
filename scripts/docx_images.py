"""A picture of the Word edition for docs/editions.md: the sample's .docx as LibreOffice prints it.

Builds the ``docx`` edition of the sample, has LibreOffice (headless) turn
it into a PDF with a fontconfig that sees only the publisher's fonts, and
writes ``docs/images/editions-docx.png``: the cover, the KPI cards and a text
page. Needs LibreOffice (``make test`` installs it).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from edition_images import page_image, side_by_side

from publisher import fontstore
from publisher.editions import BUILTIN
from publisher.options import BuildOptions
from publisher.pipeline import build
from tests.test_docx import fontconfig, libreoffice_pdf

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    """Build, convert and picture the Word document."""
    out = REPO / "docs" / "images" / "editions-docx.png"
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        made = build(BuildOptions(project=REPO, output=folder, edition=BUILTIN["docx"]))
        pdf = libreoffice_pdf(made.output, folder / "lo", fontconfig(folder / "fc", [fontstore.font_dir()]))
        pages = [page_image(pdf, number, 50, folder) for number in (1, 3, 5)]
        side_by_side(pages).save(out, optimize=True)
    print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
