"""Landscape pages turned: a portrait sheet like every other page, shown landscape by the viewer.

WeasyPrint lays a wide table out on a page of the named page ``landscape``
(the page size turned, its running head and folio along the long edges) and
writes that page wider than high. A book has one sheet size: a printer, an
imposition (the booklet) and a print shop expect every page portrait. So the
written PDF's landscape pages become portrait pages whose content is turned a
quarter counter-clockwise (the table's top towards the spine side, as books
set it) with ``/Rotate 90``: a viewer turns them back and shows the page as it
was laid out, running head and folio reading upright; on paper the sheet is
portrait like its neighbours. Link rectangles and the destinations of links,
bookmarks and named destinations on those pages are turned with the content.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pikepdf


def turned_pages(sizes: list[tuple[float, float]]) -> list[int]:
    """Indexes of the pages wider than high in a document whose first page is higher than wide."""
    if not sizes or sizes[0][0] >= sizes[0][1]:
        return []
    return [index for index, (width, height) in enumerate(sizes) if width > height]


def turn_pages(data: bytes, indexes: list[int]) -> bytes:
    """The PDF ``data`` with the pages at ``indexes`` (0-based, each wider than high) turned; deterministic."""
    if not indexes:
        return data
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(data))
    turns: dict[tuple[int, int], float] = {}
    for index in indexes:
        page = pdf.pages[index]
        _, y0, _, y1 = (float(v) for v in page.obj.MediaBox)
        shift = y0 + y1
        # (x, y) -> (shift - y, x): a quarter turn counter-clockwise, moved back onto the sheet.
        page.contents_add(pikepdf.Stream(pdf, f"q 0 1 -1 0 {_num(shift)} 0 cm\n".encode()), prepend=True)
        page.contents_add(pikepdf.Stream(pdf, b"\nQ\n"), prepend=False)
        for box in ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
            if box in page.obj:
                page.obj[box] = _turn_rect([float(v) for v in page.obj[box]], shift)
        page.obj.Rotate = (int(page.obj.get("/Rotate", 0)) + 90) % 360
        for annot in page.obj.get("/Annots", []):
            if "/Rect" in annot:
                annot.Rect = _turn_rect([float(v) for v in annot.Rect], shift)
        turns[page.obj.objgen] = shift
    _turn_destinations(pdf, turns)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, compress_streams=True)
    return out.getvalue()


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _turn_point(x: float, y: float, shift: float) -> tuple[float, float]:
    return shift - y, x


def _turn_rect(rect: list[float], shift: float) -> Any:
    import pikepdf

    ax, ay = _turn_point(rect[0], rect[1], shift)
    bx, by = _turn_point(rect[2], rect[3], shift)
    return pikepdf.Array([min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)])


def _turn_destinations(pdf: pikepdf.Pdf, turns: dict[tuple[int, int], float]) -> None:
    """Turn the ``/XYZ`` points of every destination on a turned page (outline, links, named destinations)."""
    import pikepdf

    def turn(dest: Any) -> None:
        if not isinstance(dest, pikepdf.Array) or len(dest) < 4 or not isinstance(dest[0], pikepdf.Dictionary):
            return
        shift = turns.get(dest[0].objgen)
        if shift is None or dest[1] != pikepdf.Name.XYZ:
            return
        try:
            x, y = _turn_point(float(dest[2]), float(dest[3]), shift)
        except (TypeError, ValueError):  # a null coordinate: the viewer keeps its own
            return
        dest[2], dest[3] = x, y

    def action(holder: Any) -> None:
        if "/Dest" in holder:
            turn(holder.Dest)
        if "/A" in holder and holder.A.get("/S") == pikepdf.Name.GoTo and "/D" in holder.A:
            turn(holder.A.D)

    seen: set[tuple[int, int]] = set()

    def outline(item: Any) -> None:
        while item is not None and item.objgen not in seen:
            seen.add(item.objgen)
            action(item)
            if "/First" in item:
                outline(item.First)
            item = item.get("/Next")

    if "/Outlines" in pdf.Root and "/First" in pdf.Root.Outlines:
        outline(pdf.Root.Outlines.First)
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            action(annot)
    names = pdf.Root.get("/Names")
    if names is not None and "/Dests" in names:
        _walk_name_tree(names.Dests, turn)
    if "/Dests" in pdf.Root:
        for _, dest in pdf.Root.Dests.items():
            turn(dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest)


def _walk_name_tree(node: Any, visit: Any) -> None:
    import pikepdf

    for kid in node.get("/Kids", []):
        _walk_name_tree(kid, visit)
    pairs = node.get("/Names", [])
    for position in range(1, len(pairs), 2):
        dest = pairs[position]
        visit(dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest)
