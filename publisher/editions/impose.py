"""Booklet imposition: pages two-up on sheets, in saddle-stitch order.

A saddle-stitched booklet of ``n`` pages (``n`` a multiple of 4, blank pages
added at the end) is ``n / 4`` sheets folded once and nested. Printed on both
sides (flip on the short edge), sheet ``s`` (from 0) carries pages
``n - 2s`` | ``2s + 1`` on its front and ``2s + 2`` | ``n - 2s - 1`` on its
back. A5 pages go on A4 landscape sheets (297 mm for two 148 mm pages: the
fold is in the middle, 0.5 mm to spare at each side).
"""

from __future__ import annotations

import typing

if typing.TYPE_CHECKING:
    import pikepdf

Side = tuple[int | None, int | None]
"""The 0-based page indexes on the left and right half of one sheet side; ``None``: blank."""


def saddle_stitch_order(pages: int) -> list[Side]:
    """The sheet sides of a booklet of ``pages`` pages, front then back of each sheet, outermost sheet first."""
    total = -(-pages // 4) * 4

    def page(number: int) -> int | None:
        return number - 1 if number <= pages else None

    sides: list[Side] = []
    for sheet in range(total // 4):
        sides.append((page(total - 2 * sheet), page(2 * sheet + 1)))
        sides.append((page(2 * sheet + 2), page(total - 2 * sheet - 1)))
    return sides


ISO_SHEETS = {"A3": (1190.55, 841.89), "A4": (841.89, 595.28), "A5": (595.28, 419.53)}
"""Landscape ISO sheets (pt): two pages of the next size fit on one, with 1 mm to spare."""


def sheet_size(width: float, height: float) -> tuple[float, float]:
    """The sheet for two pages side by side: the landscape ISO sheet it fits on (A5 pages: A4), else just 2 pages."""
    for size in ISO_SHEETS.values():
        if 0 <= size[0] - 2 * width < 3 * 72 / 25.4 and abs(size[1] - height) < 72 / 25.4:
            return size
    return 2 * width, height


def impose_saddle_stitch(src: pikepdf.Pdf) -> pikepdf.Pdf:
    """A new PDF whose pages are the booklet's sheet sides, the fold in the middle of each."""
    import pikepdf

    if not src.pages:
        return src
    box = [float(v) for v in src.pages[0].obj.get("/TrimBox", src.pages[0].obj.MediaBox)]
    width, height = box[2] - box[0], box[3] - box[1]
    sheet_width, sheet_height = sheet_size(width, height)
    fold = sheet_width / 2
    bottom = (sheet_height - height) / 2
    out = pikepdf.new()
    # As the sheet is printed: a turned (landscape) page stays a portrait page with its content sideways.
    forms = [out.copy_foreign(page.as_form_xobject(handle_transformations=False)) for page in src.pages]
    for left, right in saddle_stitch_order(len(src.pages)):
        xobjects = pikepdf.Dictionary()
        content = b""
        for slot, (index, x) in enumerate(((left, fold - width), (right, fold))):
            if index is None:
                continue
            form = forms[index]
            bbox = [float(v) for v in form.BBox]
            name = f"/Page{slot}"
            xobjects[name] = form
            content += f"q 1 0 0 1 {x - bbox[0]:.4f} {bottom - bbox[1]:.4f} cm {name} Do Q\n".encode()
        sheet = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=pikepdf.Array([0, 0, round(sheet_width, 4), round(sheet_height, 4)]),
            Resources=pikepdf.Dictionary(XObject=xobjects),
            Contents=out.make_stream(content),
        )
        out.pages.append(pikepdf.Page(sheet))
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer"):
        if key in src.docinfo:
            out.docinfo[key] = src.docinfo[key]
    if "/Lang" in src.Root:
        out.Root.Lang = src.Root.Lang
    return out
