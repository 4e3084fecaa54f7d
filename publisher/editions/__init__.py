"""Editions: one source, several outputs, each made for one job.

An :class:`Edition` says how a report is turned into one file: for a PDF, page
bleed and printer's marks, the PDF variant (PDF/A, PDF/UA), tags, the output
intent, attached source files, bookmarks, booklet imposition; or another
format (``docx``: a Word document). Five are built in (:data:`BUILTIN`:
``print``, ``meeting``, ``archive``, ``booklet``, ``docx``); a project changes
them, or adds its own, in ``publisher.toml`` (:mod:`.config`).

An edition is plain data (picklable): the theme turns it into CSS (its
``edition.html.j2`` template), the writer into engine options, and
:mod:`.finish` post-processes the engine's PDF (boxes, bookmarks, dates,
imposition) so that the same source gives byte-identical PDFs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..errors import Pos, PublisherError, did_you_mean
from ..model import Meta
from ..units import CSS_LENGTH_HINT, MAX_CSS_LENGTH_MM, absurd_css_lengths

CONFIG_FILE = "publisher.toml"
"""The project configuration file, at the project root."""

PDF_VARIANTS = (
    "pdf/a-1b",
    "pdf/a-2b",
    "pdf/a-3b",
    "pdf/a-2u",
    "pdf/a-3u",
    "pdf/a-4u",
    "pdf/a-1a",
    "pdf/a-2a",
    "pdf/a-3a",
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/x-1a",
    "pdf/x-3",
    "pdf/x-4",
    "pdf/x-5g",
)
"""The ``pdf_variant`` values WeasyPrint 70 knows."""

FORMATS = ("pdf", "docx")
"""What an edition can be written as (each has a writer in :data:`publisher.output.WRITERS`)."""
PDF_ONLY = (
    "bleed_mm",
    "marks",
    "pdf_variant",
    "tagged",
    "output_intent",
    "output_profile",
    "attach_source",
    "impose",
    "duplex",
    "outline_depth",
    "show_outline",
    "image_dpi",
    "jpeg_quality",
    "min_image_dpi",
)
"""Edition keys that only mean something for a PDF."""
MARKS = ("", "crop", "cross", "crop cross")
IMPOSITIONS = ("", "saddle-stitch")
OUTPUT_INTENTS = ("", "srgb")
PAPERS = ("", "A4", "A5")


@dataclass(frozen=True)
class Edition:
    """How one PDF of the report is made. Every field can be set in ``publisher.toml``."""

    name: str
    """The edition's name; the PDF is ``out/<report name>-<edition name>.pdf``."""
    format: str = "pdf"
    """``pdf``, or ``docx`` for a Word document (``out/<report name>.docx`` for the edition named ``docx``)."""
    description: str = ""
    """What the edition is for (shown by the docs and ``--help``)."""
    paper: str = ""
    """``A4`` or ``A5``: typeset the report on this paper; empty: the front matter's ``paper``."""
    bleed_mm: float = 0
    """Bleed in mm: backgrounds that touch the page edge run this far past it; ``BleedBox``."""
    marks: str = ""
    """Printer's marks outside the bleed: ``crop``, ``cross``, ``crop cross`` or empty."""
    pdf_variant: str = ""
    """A WeasyPrint PDF variant (``pdf/a-3b``, ``pdf/ua-1`` …); empty: plain PDF."""
    tagged: bool = False
    """Write a structure tree (tagged PDF) for screen readers and reflow."""
    output_intent: str = ""
    """``srgb``: declare the colours as sRGB with an output intent; empty: none."""
    output_profile: str = ""
    """An ICC profile of the printing condition (CMYK), relative to the project: the output intent."""
    attach_source: bool = False
    """Attach the project's source (a zip and a manifest) so ``publisher extract`` gets it back."""
    impose: str = ""
    """``saddle-stitch``: two pages a sheet side in booklet order; empty: one page a page."""
    duplex: bool = False
    """Printed on both sides of the paper: the contents start on a right-hand page (the cover's back is blank)."""
    outline_depth: int = 0
    """Bookmark levels shown when the PDF opens (2: parts and chapters); 0: all open."""
    show_outline: bool = False
    """Open the PDF with the bookmarks panel showing."""
    image_dpi: int = 0
    """Downsample raster images to this resolution; 0: keep them as they are."""
    jpeg_quality: int = 0
    """JPEG quality (1-95) for recompressed images; 0: WeasyPrint's default."""
    min_image_dpi: int = 0
    """Warn about raster images printed at a lower resolution than this; 0: no check."""
    max_mb: float = 0
    """Warn when the PDF is larger than this many megabytes; 0: no limit."""
    css: str = ""
    """More CSS for this edition, after the theme's."""

    @property
    def media_bleed_mm(self) -> float:
        """How far the PDF's MediaBox reaches past the trim: the bleed, plus room for the marks.

        WeasyPrint draws crop marks in the outer half of the CSS bleed area, so
        with marks the area is ``2 × bleed + 2 mm``: the marks then sit 1 mm
        outside the bleed and never print on the bleed's background.
        """
        if self.marks:
            return 2 * self.bleed_mm + 2
        return self.bleed_mm


BUILTIN: dict[str, Edition] = {
    "print": Edition(
        name="print",
        description="for the print shop: 3 mm bleed, crop and registration marks, TrimBox and BleedBox",
        bleed_mm=3,
        marks="crop cross",
        output_intent="srgb",
        min_image_dpi=300,
        duplex=True,
    ),
    "meeting": Edition(
        name="meeting",
        description="for screens and office printers: small, tagged PDF/UA-1, linked, bookmarks open to level 2",
        pdf_variant="pdf/ua-1",
        tagged=True,
        outline_depth=2,
        show_outline=True,
        image_dpi=150,
        jpeg_quality=85,
        max_mb=2,
    ),
    "archive": Edition(
        name="archive",
        description="for the archive: PDF/A-3b with the report's source attached",
        pdf_variant="pdf/a-3b",
        attach_source=True,
    ),
    "booklet": Edition(
        name="booklet",
        description="A5 pages two-up on A4 landscape in saddle-stitch order, for duplex office printing",
        paper="A5",
        impose="saddle-stitch",
        duplex=True,
    ),
    "docx": Edition(
        name="docx",
        format="docx",
        description="a Word document colleagues can edit, and `publisher import --update` reads back",
    ),
}
"""The built-in editions, before ``publisher.toml`` changes them."""


def check_edition(edition: Edition, root: Path, where: Callable[[str], Pos | None] = lambda _: None) -> None:
    """Check the values that have a fixed set of choices, and the files an edition names."""
    choices: dict[str, Sequence[str]] = {
        "format": FORMATS,
        "paper": PAPERS,
        "marks": MARKS,
        "impose": IMPOSITIONS,
        "output_intent": OUTPUT_INTENTS,
        "pdf_variant": ("", *PDF_VARIANTS),
    }
    for key, valid in choices.items():
        value = getattr(edition, key)
        if value not in valid:
            raise PublisherError(
                f"editions.{edition.name}.{key}: '{value}' is not one of {', '.join(repr(v) for v in valid if v)}",
                where(key),
                did_you_mean(value, [v for v in valid if v]),
            )
    if edition.format != "pdf":
        for key in PDF_ONLY:
            if getattr(edition, key) != getattr(Edition(edition.name), key):
                raise PublisherError(
                    f"editions.{edition.name}.{key}: only a PDF has it, this edition is a {edition.format}",
                    where(key),
                    'remove it, or make the edition a PDF (format = "pdf")',
                )
    for key in ("bleed_mm", "outline_depth", "image_dpi", "jpeg_quality", "min_image_dpi", "max_mb"):
        if not math.isfinite(getattr(edition, key)):
            raise PublisherError(
                f"editions.{edition.name}.{key}: must be a number, not {getattr(edition, key)}",
                where(key),
                "TOML's nan and inf are not sizes: write a number",
            )
        if getattr(edition, key) < 0:
            raise PublisherError(f"editions.{edition.name}.{key}: must not be negative", where(key))
    if edition.bleed_mm > 20:
        raise PublisherError(f"editions.{edition.name}.bleed_mm: at most 20 mm", where("bleed_mm"), "3 mm is usual")
    for _line, _col, length in absurd_css_lengths(edition.css):
        raise PublisherError(
            f"editions.{edition.name}.css: the length {length} is larger than {MAX_CSS_LENGTH_MM // 1000} m",
            where("css"),
            CSS_LENGTH_HINT,
        )
    if edition.jpeg_quality > 95:
        raise PublisherError(f"editions.{edition.name}.jpeg_quality: at most 95", where("jpeg_quality"))
    if edition.marks and not edition.bleed_mm:
        raise PublisherError(
            f"editions.{edition.name}: marks need a bleed",
            where("marks"),
            "set bleed_mm (3 is usual); the marks are drawn outside it",
        )
    if edition.attach_source and edition.pdf_variant in ("pdf/a-1b", "pdf/a-1a", "pdf/a-2b", "pdf/a-2a", "pdf/a-2u"):
        raise PublisherError(
            f"editions.{edition.name}: PDF/A-1 and PDF/A-2 forbid attaching the source",
            where("attach_source"),
            'use pdf_variant = "pdf/a-3b"',
        )
    if edition.output_profile:
        profile = (root / edition.output_profile).resolve()
        if not profile.is_relative_to(root) or not profile.is_file():
            raise PublisherError(
                f"editions.{edition.name}.output_profile: no file '{edition.output_profile}' in the project",
                where("output_profile"),
                "give the print shop's ICC profile (e.g. a FOGRA39 or GRACoL CMYK profile) relative to the project",
            )


def select(editions: Mapping[str, Edition], names: Sequence[str] | None) -> list[Edition]:
    """The editions named (in the order given, once each), or all of them for ``None``."""
    if names is None:
        return list(editions.values())
    chosen: list[Edition] = []
    for name in names:
        if name not in editions:
            raise PublisherError(
                f"unknown edition '{name}'", hint=did_you_mean(name, editions) or f"define it in {CONFIG_FILE}"
            )
        if editions[name] not in chosen:
            chosen.append(editions[name])
    return chosen


# ----------------------------------------------------------------- dates


def source_date(meta: Meta, environ: Mapping[str, str]) -> datetime | None:
    """The date written into the PDFs: ``SOURCE_DATE_EPOCH``, else the front matter's ``date`` or ``year``.

    ``date: 2022年1月`` gives 2022-01-01, ``year: 2021`` gives 2021-01-01
    (midnight UTC). Without any of them the PDFs carry no date at all, which is
    just as reproducible.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise PublisherError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, got '{epoch}'",
                hint="e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
            )
        return datetime.fromtimestamp(int(epoch), UTC)
    found = re.search(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?", meta.date)
    if found:
        year, month, day = int(found.group(1)), int(found.group(2) or 1), int(found.group(3) or 1)
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            pass
    if meta.year:
        return datetime(meta.year, 1, 1, tzinfo=UTC)
    return None
