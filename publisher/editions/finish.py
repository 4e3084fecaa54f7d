"""Finishing an edition's PDF with pikepdf: boxes, bookmarks, viewer preferences, dates, imposition.

:func:`finish` runs on the PDF the engine wrote, and its result depends only
on that PDF and the edition: the same source gives byte-identical files.
"""

from __future__ import annotations

import io
import math
import typing
from dataclasses import dataclass
from datetime import UTC, datetime

from ..units import PT_PER_MM
from . import CONFIG_FILE, Edition

if typing.TYPE_CHECKING:
    import pikepdf


def _pdf_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


@dataclass(frozen=True)
class Finished:
    """An edition's PDF after finishing."""

    pdf: bytes
    sheets: int = 0
    """Sheets of paper, for an imposed edition (each printed on both sides)."""
    warnings: tuple[tuple[str, str], ...] = ()
    """(message, hint) of each problem found (low image resolution, size over the limit)."""


def finish(data: bytes, edition: Edition, date: datetime | None) -> Finished:
    """Post-process a PDF that the engine wrote for ``edition``; the result is deterministic.

    Sets the BleedBox to the bleed, the bookmarks' open state, the viewer
    preferences and the dates (Info and XMP), checks image resolutions,
    imposes the booklet, and saves with a file identifier derived from the
    content.
    """
    import pikepdf

    warnings: list[tuple[str, str]] = []
    sheets = 0
    pdf = pikepdf.open(io.BytesIO(data))
    if edition.bleed_mm:
        _set_bleed_box(pdf, edition.bleed_mm * PT_PER_MM)
    if edition.outline_depth:
        _open_outline_to(pdf, edition.outline_depth)
    if edition.show_outline:
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
    if "/AF" in pdf.Root:
        _dedupe_associated_files(pdf)
    if edition.tagged and "/StructTreeRoot" in pdf.Root:
        _scope_table_headers(pdf.Root.StructTreeRoot)
    if edition.min_image_dpi:
        hint = "use an image with more pixels, or a vector drawing (SVG)"
        warnings.extend((message, hint) for message in _low_resolution_images(pdf, edition.min_image_dpi))
    if edition.impose == "saddle-stitch":
        from .impose import impose_saddle_stitch

        pages = len(pdf.pages)
        pdf = impose_saddle_stitch(pdf)
        sheets = math.ceil(pages / 4)
    prefs = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    prefs.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = prefs
    if date is not None:
        _set_dates(pdf, date)
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    size = out.tell()
    if edition.max_mb and size > edition.max_mb * 1_000_000:
        warnings.append(
            (
                f"{edition.name}: the PDF is {size / 1_000_000:.1f} MB, more than max_mb = {edition.max_mb:g}",
                f"lower image_dpi or jpeg_quality in [editions.{edition.name}] of {CONFIG_FILE}",
            )
        )
    return Finished(out.getvalue(), sheets, tuple(warnings))


def _set_bleed_box(pdf: pikepdf.Pdf, bleed: float) -> None:
    """BleedBox = TrimBox grown by ``bleed`` (WeasyPrint puts it up to 10 pt out, whatever the bleed)."""
    import pikepdf

    for page in pdf.pages:
        trim = page.obj.get("/TrimBox")
        if trim is None:
            continue
        left, bottom, right, top = (float(v) for v in trim)
        media = [float(v) for v in page.obj.MediaBox]
        box = [
            max(left - bleed, media[0]),
            max(bottom - bleed, media[1]),
            min(right + bleed, media[2]),
            min(top + bleed, media[3]),
        ]
        page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in box])


def _open_outline_to(pdf: pikepdf.Pdf, depth: int) -> None:
    """Bookmarks of levels below ``depth`` open, the others closed: levels 1..depth show."""
    outlines = pdf.Root.get("/Outlines")
    if outlines is None or "/First" not in outlines:
        return

    def visit(first: pikepdf.Object, level: int) -> int:
        """Set /Count below ``first``; return how many items show at and below this level."""
        shown = 0
        item: pikepdf.Object | None = first
        while item is not None:
            below = visit(item.First, level + 1) if "/First" in item else 0
            if "/First" in item:
                if level < depth:
                    item.Count = below
                    shown += below
                else:
                    item.Count = -below
            shown += 1
            item = item.get("/Next")
        return shown

    outlines.Count = visit(outlines.First, 1)


def _dedupe_associated_files(pdf: pikepdf.Pdf) -> None:
    """Each file once in the catalog's ``/AF`` (WeasyPrint 70 lists every attachment twice)."""
    import pikepdf

    unique: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    for spec in pdf.Root.AF:
        if spec.is_indirect and spec.objgen in seen:
            continue
        if spec.is_indirect:
            seen.add(spec.objgen)
        unique.append(spec)
    pdf.Root.AF = pikepdf.Array(unique)


def _scope_table_headers(root: pikepdf.Object) -> None:
    """Give every table header cell (``/TH``) a ``/Scope``: ``Column`` in a ``/THead`` row, else ``Row``.

    WeasyPrint tags header cells but does not say what they head; PDF/UA-1
    checkers then cannot tell which data cells a header belongs to.
    """
    import pikepdf

    seen: set[tuple[int, int]] = set()
    todo: list[tuple[pikepdf.Object, str]] = [(root, "")]
    while todo:
        node, section = todo.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kind = str(node.get("/S", ""))
        if kind == "/TH":
            attributes = node.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary) or attributes.get("/O") != pikepdf.Name.Table:
                attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if "/Scope" not in attributes:
                attributes.Scope = pikepdf.Name.Column if section == "/THead" else pikepdf.Name.Row
            node.A = attributes
        if kind in ("/THead", "/TBody", "/TFoot", "/Table"):
            section = kind
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and ("/S" in kid or "/K" in kid):
                todo.append((kid, section))


def _set_dates(pdf: pikepdf.Pdf, when: datetime) -> None:
    """Creation and modification dates in the Info dictionary, and in the XMP metadata if there is any."""
    import pikepdf

    if "/Metadata" in pdf.Root:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["xmp:CreateDate"] = _xmp_date(when)
            xmp["xmp:ModifyDate"] = _xmp_date(when)
            xmp["xmp:MetadataDate"] = _xmp_date(when)
    pdf.docinfo[pikepdf.Name.CreationDate] = pikepdf.String(_pdf_date(when))
    pdf.docinfo[pikepdf.Name.ModDate] = pikepdf.String(_pdf_date(when))


def _low_resolution_images(pdf: pikepdf.Pdf, minimum: int) -> list[str]:
    """Messages for raster images drawn at fewer than ``minimum`` pixels per inch."""
    import pikepdf

    found: dict[str, float] = {}

    def walk(content: pikepdf.Object, resources: pikepdf.Object | None, ctm: tuple[float, ...], page: int) -> None:
        stack: list[tuple[float, ...]] = []
        xobjects = resources.get("/XObject") if resources is not None else None
        for instruction in pikepdf.parse_content_stream(content, "q Q cm Do"):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            op, operands = str(instruction.operator), instruction.operands
            if op == "q":
                stack.append(ctm)
            elif op == "Q" and stack:
                ctm = stack.pop()
            elif op == "cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)
            elif op == "Do" and xobjects is not None and str(operands[0]) in xobjects:
                xobject = xobjects[str(operands[0])]
                if xobject.get("/Subtype") == "/Image":
                    width_in = math.hypot(ctm[0], ctm[1]) / 72
                    height_in = math.hypot(ctm[2], ctm[3]) / 72
                    if width_in and height_in:
                        dpi = min(int(xobject.Width) / width_in, int(xobject.Height) / height_in)
                        key = f"page {page}"
                        found[key] = min(found.get(key, dpi), dpi)
                elif xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(v) for v in xobject.get("/Matrix", pikepdf.Array([1, 0, 0, 1, 0, 0])))
                    walk(xobject, xobject.get("/Resources", resources), _multiply(matrix, ctm), page)

    for number, page in enumerate(pdf.pages, start=1):
        walk(page.obj, page.obj.get("/Resources"), (1, 0, 0, 1, 0, 0), number)
    return [
        f"an image on {where} prints at {dpi:.0f} dpi, less than the {minimum} dpi a print shop needs"
        for where, dpi in found.items()
        if dpi < minimum
    ]


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product ``a × b`` (``a`` applied first)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )
