"""Change report: what changed between two PDFs of a report, page by page.

A reviewer signing off a new version of meeting materials needs to know which
pages changed and how. :func:`take_snapshot` reads what the comparison needs
from one PDF through :mod:`publisher.pdfread` (the text lines and their
positions, page images); :func:`compare` then

* diffs the text of the whole document line by line and, inside changed
  lines, character by character, so a rewritten phrase is reported as exactly
  that phrase even when the paragraph re-wraps or moves to another page;
* diffs the page images pixel by pixel (Pillow) and turns the changed pixels
  into boxes, so figures whose drawing changed are found too;
* sorts every page into ``changed`` (text or drawing), ``moved`` (the same
  text laid out differently, e.g. pushed down by an edit above), ``added``,
  ``removed`` or ``unchanged``.

:func:`write_report` writes one self-contained HTML file: a summary, the text
changes with deletions and insertions marked, and the changed pages side by
side with the changed areas outlined.
"""

from __future__ import annotations

import base64
import bisect
import difflib
import errno
import hashlib
import io
import math
import os
import re
import shutil
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from . import pdfread
from .errors import EnvironmentProblem, PublisherError
from .limits import MAX_DIFF_PAGE_MM, MAX_DIFF_PAGES
from .units import PT_PER_MM
from .webpages import clip

DPI = 100
"""Resolution of page images: sharp enough to read body text on screen."""
THRESHOLD = 24
"""Smallest difference of a colour channel (0–255) that counts as a change."""
CELL = 8
"""Changed pixels are grouped in cells of this many pixels ..."""
REACH = 2
"""... and cells up to this many cells apart form one changed area."""
MIN_DRAWING_PIXELS = 40
"""Fewer changed pixels outside text than this are not a changed drawing (at :data:`DPI`)."""
LEADER = re.compile(r"(?:\s*[.·…]){4,}\s*")
"""Dot leaders (``. . . .``), read as one `` … ``."""
MIN_MOVED_LINE = 4
"""Only lines this long (text, captions; not a chart's labels) tell how far a page's content moved."""
MERGE_GAP = 3
"""Text changes fewer than this many characters apart are reported as one."""
CONTEXT = 14
"""Characters of unchanged text shown around a change."""
MAX_SHOWN = 400
"""Longest text shown for one change in the report."""
CAPTION = re.compile(r"^\s*(图|图表|表|Figure|Fig\.)\s*\d+")
"""A figure caption line, used to name a changed drawing."""


class Box(NamedTuple):
    """A rectangle, top-left origin: in points for text, in pixels for image areas."""

    x0: float
    y0: float
    x1: float
    y1: float

    def scaled(self, factor: float) -> Box:
        """The same rectangle in other units."""
        return Box(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)


@dataclass(frozen=True)
class TextLine:
    """One line of text on a page, as :mod:`publisher.pdfread` reads it."""

    page: int
    """1-based page number."""
    text: str
    box: Box
    """Position on the page, in points."""


@dataclass
class Page:
    """What the comparison knows of one page."""

    number: int
    """1-based page number."""
    width: float
    """Width in points."""
    height: float
    """Height in points."""
    lines: list[TextLine]
    """Lines of the body, in reading order."""
    furniture: list[TextLine]
    """Lines in the top and bottom margins: running headers, page numbers."""
    image: Path
    """The page as a PNG at :data:`DPI`."""
    digest: str
    """Hash of the image pixels: equal digests mean identical pages."""


@dataclass
class Snapshot:
    """One PDF read for comparison."""

    pdf: Path
    pages: list[Page]
    dpi: int = DPI

    def lines(self) -> list[TextLine]:
        """All text lines in reading order."""
        return [line for page in self.pages for line in page.lines]


@dataclass
class TextChange:
    """Text removed and/or added at one place."""

    old_page: int | None
    """Page of the removed text in the old PDF (or where the addition goes)."""
    new_page: int | None
    """Page of the added text in the new PDF (or where the removal was)."""
    removed: str
    added: str
    before: str
    """Unchanged text just before the change (new version)."""
    after: str
    """Unchanged text just after the change (new version)."""
    old_boxes: list[tuple[int, Box]] = field(default_factory=list)
    """Where the removed text was: (old page, box in points)."""
    new_boxes: list[tuple[int, Box]] = field(default_factory=list)
    """Where the added text is, or a caret where text was removed: (new page, box in points)."""

    def describe(self, limit: int = 60) -> str:
        """One short line: ``“实现41个” → “实现42个”``, ``added “…” after “…”``, ``removed “…” after “…”``."""
        before, after = _near(self.before, last=True), _near(self.after, last=False)
        if self.removed and self.added:
            if max(len(self.removed), len(self.added)) <= 6:  # a short edit reads better with its words around it
                return f"“{before}{self.removed}{after}” → “{before}{self.added}{after}”"
            return f"“{clip(self.removed, limit)}” → “{clip(self.added, limit)}”"
        word, text = ("added", self.added) if self.added else ("removed", self.removed)
        where = f" after “{before}”" if before else (f" before “{after}”" if after else "")
        return f"{word} “{clip(text, limit)}”{where}"


@dataclass
class PageDiff:
    """How one page changed."""

    number: int
    """Page number: in the new PDF, or in the old one for a removed page."""
    status: str
    """``unchanged``, ``changed``, ``moved``, ``added`` or ``removed``."""
    text: list[TextChange] = field(default_factory=list)
    """Changes of the body text located on this page."""
    furniture: list[TextChange] = field(default_factory=list)
    """Changes of running headers and footers."""
    drawings: list[tuple[str, Box]] = field(default_factory=list)
    """Changed drawings (named by the nearest caption) and their areas, in pixels."""
    areas: list[Box] = field(default_factory=list)
    """Every area whose pixels differ, including what merely moved, in pixels."""

    def kinds(self) -> list[str]:
        """What changed: ``text``, the drawings' names, ``header/footer``."""
        out = ["text"] if self.text else []
        out.extend(name for name, _ in self.drawings if name not in out)
        if self.furniture and not out:
            out.append("header/footer")
        return out


@dataclass
class Comparison:
    """The result of comparing two snapshots."""

    old: Snapshot
    new: Snapshot
    pages: list[PageDiff]
    text: list[TextChange]
    """Every text change, in document order."""

    def with_status(self, *statuses: str) -> list[PageDiff]:
        """Pages in one of ``statuses``."""
        return [p for p in self.pages if p.status in statuses]

    def changed_pages(self) -> list[int]:
        """Numbers of the pages whose content changed (text, drawings, added or removed pages)."""
        return [p.number for p in self.with_status("changed", "added", "removed")]

    def details(self, limit: int = 20) -> list[str]:
        """Lines for a terminal: each change of content, with its page."""
        lines = []
        for page in self.with_status("changed", "added", "removed"):
            where = f"p. {page.number}" + ("" if page.status == "changed" else f" ({page.status})")
            lines += [f"{where}: {change.describe()}" for change in page.text]
            lines += [f"{where}: drawing changed: {name}" for name in dict.fromkeys(n for n, _ in page.drawings)]
            if page.furniture and not page.text:
                lines += [f"{where}: running header/footer: {change.describe()}" for change in page.furniture]
        if len(lines) > limit:
            lines = [*lines[:limit], f"… and {len(lines) - limit} more (see the report)"]
        return lines

    def summary(self) -> str:
        """One line for a terminal: which pages changed and how."""
        parts = []
        changed = self.with_status("changed")
        if changed:
            parts.append("changed " + ", ".join(f"p. {p.number} ({', '.join(p.kinds())})" for p in changed))
        for status in ("moved", "added", "removed"):
            numbers = [p.number for p in self.with_status(status)]
            if numbers:
                parts.append(f"{status} p. {page_ranges(numbers)}")
        if len(self.old.pages) != len(self.new.pages):
            parts.append(f"{len(self.old.pages)} → {len(self.new.pages)} pages")
        return "; ".join(parts) if parts else "no visible change"


# --------------------------------------------------------------------- reading

MARGIN = 0.085
"""Lines within this fraction of the page height from the top or bottom edge are running headers/footers."""


A4_PT2 = 210 * 297 * PT_PER_MM**2
"""The area of an A4 page in square points: the unit of :data:`publisher.limits.MAX_DIFF_PAGES`."""
PDF_HINT = "give the paths of two PDF files"
PARTS_HINT = f"compare the parts that changed: PDFs of at most {MAX_DIFF_PAGES:,} pages each"


def check_budget(pdf: Path) -> int:
    """Number of pages of ``pdf``; a user error if it is not a readable PDF or more than ``publisher diff``
    renders: a page larger than :data:`~publisher.limits.MAX_DIFF_PAGE_MM` on a side, more pages than
    :data:`~publisher.limits.MAX_DIFF_PAGES`, or pages larger than A4 covering more A4 pages than that.
    Only the page sizes are read: nothing is rendered yet."""
    with pdfread.open_pdf(pdf, hint=PDF_HINT) as document:
        sizes = document.page_sizes()
    if len(sizes) > MAX_DIFF_PAGES:
        raise PublisherError(
            f"'{pdf}' has {len(sizes):,} pages: publisher diff compares at most {MAX_DIFF_PAGES:,}", hint=PARTS_HINT
        )
    for index, (width, height) in enumerate(sizes):
        _check_page_size(pdf, index + 1, width, height)
    paper = sum(max(1, math.ceil(width * height / A4_PT2 - 0.01)) for width, height in sizes)
    if paper > MAX_DIFF_PAGES:
        raise PublisherError(
            f"'{pdf}': its {len(sizes):,} pages cover as much paper as {paper:,} A4 pages: publisher diff compares "
            f"at most {MAX_DIFF_PAGES:,} A4 pages' worth",
            hint=PARTS_HINT,
        )
    return len(sizes)


def _check_page_size(pdf: Path, number: int, width: float, height: float) -> None:
    if max(width, height) > MAX_DIFF_PAGE_MM * PT_PER_MM:
        raise PublisherError(
            f"'{pdf}': page {number} is {width / PT_PER_MM:,.0f} × {height / PT_PER_MM:,.0f} mm: publisher diff "
            f"compares pages of at most {MAX_DIFF_PAGE_MM:,} mm a side",
            hint="publisher diff compares the pages of reports (A4, A3, a booklet's sheets): is this the right PDF?",
        )


def read_lines(page: pdfread.Page, number: int) -> list[TextLine]:
    """The text lines of one page, in reading order, with their boxes in points."""
    lines = []
    for line in page.lines():
        text = LEADER.sub(" … ", " ".join(line.text.split()))  # a TOC's dot leaders: their length is layout
        if text.strip():
            lines.append(TextLine(number, text, Box(line.x0, line.top, line.x1, line.bottom)))
    return lines


def take_snapshot(
    pdf: Path,
    folder: Path,
    previous: Snapshot | None = None,
    dpi: int = DPI,
    unchanged: Collection[int] = (),
) -> Snapshot:
    """Read ``pdf``'s text lines and render its pages to PNGs in ``folder`` (:mod:`publisher.pdfread`).

    Pages whose pixels equal a page of ``previous`` reuse its PNG (a hard
    link), so a watch rebuild encodes only the pages that changed. Pages
    listed in ``unchanged`` (1-based; a warm rebuild wrote them byte for byte
    as before) are not rendered at all: they take ``previous``'s image.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    with pdfread.open_pdf(pdf, hint=PDF_HINT) as document:
        count = len(document)
        kept = {n for n in unchanged if previous is not None and len(previous.pages) == count and 1 <= n <= count}
        reuse = {page.digest: page.image for page in previous.pages} if previous else {}
        for page in document.pages():
            number = page.index + 1
            lines = read_lines(page, number)
            height = page.height
            _check_page_size(pdf, number, page.width, height)  # before its image is made
            furniture = [x for x in lines if x.box.y1 <= MARGIN * height or x.box.y0 >= (1 - MARGIN) * height]
            body = [x for x in lines if x not in furniture]
            target = folder / f"page-{number:03d}.png"
            if number in kept and previous is not None:
                image, digest = _link_page(previous.pages[number - 1], target)
            else:
                image, digest = _store_page(page.render(dpi), target, reuse)
            pages.append(Page(number, page.width, height, body, furniture, image, digest))
    return Snapshot(pdf, pages, dpi)


def _link_page(page: Page, target: Path) -> tuple[Path, str]:
    target.unlink(missing_ok=True)
    try:
        os.link(page.image, target)
    except OSError:
        shutil.copyfile(page.image, target)
    return target, page.digest


def _store_page(rgb: Image.Image, target: Path, reuse: dict[str, Path]) -> tuple[Path, str]:
    digest = hashlib.blake2b(rgb.tobytes(), digest_size=16).hexdigest()
    target.unlink(missing_ok=True)
    same = reuse.get(digest)
    if same is not None and same.exists():
        try:
            os.link(same, target)
        except OSError:
            shutil.copyfile(same, target)
    else:
        rgb.save(target, "PNG", compress_level=1)
    return target, digest


# ----------------------------------------------------------------------- text


def _cjk(char: str) -> bool:
    return ord(char) >= 0x2E80


_STOP = r"[\s,.;:!?，。；：！？、“”‘’（）()·…]"


def _near(text: str, last: bool, size: int = 5) -> str:
    """A few characters of context up to punctuation; across a TOC's leader as ``第4节 … ``."""
    if last:
        leader = re.search(r"\s*…\s*$", text)
        if leader:
            word = re.split(_STOP, text[: leader.start()])[-1]
            return f"{word[-size:]} … " if word else ""
        return re.split(_STOP, text)[-1][-size:]
    leader = re.match(r"\s*…\s*", text)
    if leader:
        word = re.split(_STOP, text[leader.end() :])[0]
        return f" … {word[:size]}" if word else ""
    return re.split(_STOP, text)[0][:size]


class _Text:
    """Lines joined into one string (CJK lines without a space between them), with where each line starts."""

    def __init__(self, lines: Sequence[TextLine]):
        self.lines = list(lines)
        parts: list[str] = []
        self.starts: list[int] = []
        length, previous = 0, ""
        for line in self.lines:
            separator = "" if not previous or (_cjk(previous[-1]) and _cjk(line.text[0])) else " "
            parts += [separator, line.text]
            self.starts.append(length + len(separator))
            length += len(separator) + len(line.text)
            previous = line.text
        self.text = "".join(parts)

    def span(self, first: int, end: int) -> tuple[int, int]:
        """Character range of lines ``first`` to ``end`` (exclusive)."""
        if first == end:
            position = self.starts[first] if first < len(self.starts) else len(self.text)
            return position, position
        return self.starts[first], self.starts[end - 1] + len(self.lines[end - 1].text)

    def line_at(self, offset: int) -> int:
        """Index of the line holding character ``offset``."""
        return min(max(bisect.bisect_right(self.starts, offset) - 1, 0), len(self.lines) - 1)

    def page_at(self, offset: int) -> int | None:
        """Page of the line holding character ``offset``."""
        return self.lines[self.line_at(offset)].page if self.lines else None

    def boxes(self, start: int, end: int) -> list[tuple[int, Box]]:
        """Where characters ``start`` to ``end`` are drawn; a caret for an empty range.

        Positions inside a line are interpolated by character count: exact for
        CJK text, close enough for Latin.
        """
        if not self.lines:
            return []
        out = []
        for index in range(self.line_at(start), self.line_at(max(start, end - 1)) + 1):
            line, begin = self.lines[index], self.starts[index]
            count = max(1, len(line.text))
            c0, c1 = (min(max(v - begin, 0), count) for v in (start, end))
            width = line.box.x1 - line.box.x0
            x0, x1 = line.box.x0 + width * c0 / count, line.box.x0 + width * c1 / count
            if x1 - x0 < 3:
                x0, x1 = x0 - 1.5, x0 + 1.5
            out.append((line.page, Box(x0, line.box.y0, x1, line.box.y1)))
        return out


def _char_ops(a: str, b: str) -> list[tuple[int, int, int, int]]:
    """Changed character ranges ``(a0, a1, b0, b1)``; changes a few characters apart are merged."""
    if len(a) * len(b) > 4_000_000:  # a rewritten chapter: report it whole
        return [(0, len(a), 0, len(b))]
    merged: list[tuple[int, int, int, int]] = []
    for tag, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if merged and a0 - merged[-1][1] < MERGE_GAP:
            merged[-1] = (merged[-1][0], a1, merged[-1][2], b1)
        else:
            merged.append((a0, a1, b0, b1))
    return merged


_PUNCTUATION = set("，。；：！？、,.;:!?")


def _slide(a: str, b: str, k0: int, k1: int, l0: int, l1: int) -> tuple[int, int, int, int]:
    """Move a pure insertion or deletion that starts with punctuation to end with it instead.

    ``增强。|新增……安排。|街道`` and ``增强|。新增……安排|。街道`` are the same
    edit; a reader expects the first, a sentence with its full stop.
    """
    if k0 == k1:  # insertion
        while l1 < len(b) and b[l0] == b[l1] and b[l0] in _PUNCTUATION:
            k0, k1, l0, l1 = k0 + 1, k1 + 1, l0 + 1, l1 + 1
    elif l0 == l1:  # deletion
        while k1 < len(a) and a[k0] == a[k1] and a[k0] in _PUNCTUATION:
            k0, k1, l0, l1 = k0 + 1, k1 + 1, l0 + 1, l1 + 1
    return k0, k1, l0, l1


def text_changes(old: Sequence[TextLine], new: Sequence[TextLine]) -> list[TextChange]:
    """Text removed and added between two documents, located on their pages.

    Lines are matched first, so text that only moved (re-wrapped, pushed to
    the next page) is not a change; inside the lines that differ, characters
    are compared, so the change is the words that were edited.
    """
    a, b = _Text(old), _Text(new)
    matcher = difflib.SequenceMatcher(None, [x.text for x in old], [x.text for x in new], autojunk=False)
    changes = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a0, a1 = a.span(i1, i2)
        b0, b1 = b.span(j1, j2)
        for k0, k1, l0, l1 in _char_ops(a.text[a0:a1], b.text[b0:b1]):
            k0, k1, l0, l1 = _slide(a.text, b.text, a0 + k0, a0 + k1, b0 + l0, b0 + l1)
            removed, added = a.text[k0:k1], b.text[l0:l1]
            if not removed.strip() and not added.strip():
                continue  # only spacing
            changes.append(
                TextChange(
                    old_page=a.page_at(k0),
                    new_page=b.page_at(l0),
                    removed=removed,
                    added=added,
                    before=b.text[max(0, l0 - CONTEXT) : l0],
                    after=b.text[l1 : l1 + CONTEXT],
                    old_boxes=a.boxes(k0, k1) if removed else [],
                    new_boxes=b.boxes(l0, l1),
                )
            )
    return changes


def _furniture_changes(old: Page, new: Page) -> list[TextChange]:
    before, after = [x.text for x in old.furniture], [x.text for x in new.furniture]
    if before == after:
        return []
    removed = " · ".join(t for t in before if t not in after)
    added = " · ".join(t for t in after if t not in before)
    boxes = [(new.number, x.box) for x in new.furniture if x.text not in before]
    old_boxes = [(old.number, x.box) for x in old.furniture if x.text not in after]
    return [TextChange(old.number, new.number, removed, added, "", "", old_boxes, boxes)]


# ------------------------------------------------------------------- pixels


def change_mask(old: Image.Image, new: Image.Image) -> Image.Image:
    """A black-and-white image: white where the two page images differ."""
    size = (max(old.width, new.width), max(old.height, new.height))
    return _difference(_pad(old, size), _pad(new, size)).point(lambda v: 255 if v > THRESHOLD else 0)


def changed_areas(mask: Image.Image) -> list[Box]:
    """Boxes (in pixels) around the changed pixels of ``mask``; pixels close together share a box."""
    size = mask.size
    cells = mask.reduce(CELL).point(lambda v: 255 if v else 0)
    grown = cells.filter(ImageFilter.MaxFilter(2 * REACH + 1))
    width, height = cells.size
    on, near = cells.tobytes(), grown.tobytes()
    seen = bytearray(width * height)
    boxes: list[Box] = []
    for start, value in enumerate(on):
        if not value or seen[start]:
            continue
        stack, xs, ys = [start], [], []
        seen[start] = 1
        while stack:
            index = stack.pop()
            y, x = divmod(index, width)
            if on[index]:
                xs.append(x)
                ys.append(y)
            for nx, ny in ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1)):
                other = ny * width + nx
                if 0 <= nx < width and 0 <= ny < height and near[other] and not seen[other]:
                    seen[other] = 1
                    stack.append(other)
        pad = 3
        boxes.append(
            Box(
                max(0, min(xs) * CELL - pad),
                max(0, min(ys) * CELL - pad),
                min(size[0], (max(xs) + 1) * CELL + pad),
                min(size[1], (max(ys) + 1) * CELL + pad),
            )
        )
    return boxes


def _difference(a: Image.Image, b: Image.Image) -> Image.Image:
    """Per pixel, the largest difference of the three colour channels."""
    red, green, blue = ImageChops.difference(a, b).split()
    return ImageChops.lighter(ImageChops.lighter(red, green), blue)


def _pad(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    canvas = Image.new("RGB", size, "white")
    canvas.paste(image, (0, 0))
    return canvas


def _moved_here(target: Image.Image, area: Box, source: Image.Image, dy: int, text: Image.Image) -> bool:
    """Whether ``area`` of ``target`` shows the drawing ``source`` showed ``dy`` pixels higher.

    ``text`` masks the text of both pages (already compared as text); the
    comparison is coarse enough to forgive sub-pixel offsets.
    """
    x0, y0, x1, y1 = (round(v) for v in area)
    if y0 - dy < 0 or y1 - dy > source.height or x1 > source.width or x1 - x0 < 4 or y1 - y0 < 4:
        return False
    a = target.crop((x0, y0, x1, y1))
    b = source.crop((x0, y0 - dy, x1, y1 - dy))
    white = Image.new("RGB", a.size, "white")
    ignore = text.crop((x0, y0, x1, y1))
    a.paste(white, (0, 0), ignore)
    b.paste(white, (0, 0), ignore)
    histogram = _difference(a.reduce(4), b.reduce(4)).point(lambda v: 255 if v > 2 * THRESHOLD else 0).histogram()
    return histogram[255] <= 0.01 * max(1, (a.width // 4) * (a.height // 4))


def _shifted_text(
    images: _Images, which: str, number: int, other: str, page: int, dy: int, scale: float
) -> Image.Image:
    """The text of page ``number`` and of ``page`` of the other PDF moved ``dy`` pixels down, as one mask."""
    here = images.text(which, number, scale)
    there = Image.new("L", here.size, 0)
    there.paste(images.text(other, page, scale), (0, dy))
    return ImageChops.lighter(here, there)


def _blank(image: Image.Image, area: Box) -> bool:
    """Whether ``area`` of ``image`` is empty paper."""
    crop = image.crop(tuple(round(v) for v in area))  # type: ignore[arg-type]
    return (
        _difference(crop, Image.new("RGB", crop.size, "white")).point(lambda v: v > THRESHOLD and 255).getbbox() is None
    )


class _Images:
    """Page images loaded on demand; :meth:`forget_before` drops the ones no longer needed."""

    def __init__(self, old: Snapshot, new: Snapshot):
        self.snapshots = {"old": old, "new": new}
        self.loaded: dict[tuple[str, int], Image.Image] = {}

    def get(self, which: str, number: int) -> Image.Image:
        key = (which, number)
        if key not in self.loaded:
            with Image.open(self.snapshots[which].pages[number - 1].image) as image:
                self.loaded[key] = image.convert("RGB")
        return self.loaded[key]

    def text(self, which: str, number: int, scale: float) -> Image.Image:
        """A mask of the boxes of all text lines of a page, slightly enlarged."""
        key = (f"{which}-text", number)
        if key not in self.loaded:
            page = self.snapshots[which].pages[number - 1]
            image = self.get(which, number)
            mask = Image.new("L", image.size, 0)
            draw = ImageDraw.Draw(mask)
            for line in page.lines + page.furniture:
                box = line.box.scaled(scale)
                draw.rectangle((box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2), fill=255)
            self.loaded[key] = mask
        return self.loaded[key]

    def forget_before(self, number: int) -> None:
        for key in [k for k in self.loaded if k[1] < number]:
            del self.loaded[key]


# ---------------------------------------------------------------- comparing


def compare(old: Snapshot, new: Snapshot) -> Comparison:
    """Compare two snapshots: text changes, changed areas and a status for every page."""
    changes = text_changes(old.lines(), new.lines())
    images = _Images(old, new)
    pages: list[PageDiff] = []
    for number in range(1, max(len(old.pages), len(new.pages)) + 1):
        images.forget_before(number - 1)
        if number > len(old.pages):
            pages.append(PageDiff(number, "added", [c for c in changes if c.new_page == number]))
        elif number > len(new.pages):
            pages.append(PageDiff(number, "removed", [c for c in changes if c.old_page == number and not c.added]))
        elif old.pages[number - 1].digest == new.pages[number - 1].digest:
            pages.append(PageDiff(number, "unchanged"))
        else:
            before, after = old.pages[number - 1], new.pages[number - 1]
            mask = change_mask(images.get("old", number), images.get("new", number))
            areas = changed_areas(mask)
            here = [c for c in changes if c.new_page == number]
            furniture = _furniture_changes(before, after)
            drawings = _changed_drawings(old, new, number, mask, images)
            same_body = _same_layout(before, after)
            if not here and not drawings and same_body and not furniture:
                # pixels changed where neither text nor layout did: a colour, a rule, a drawing without text
                drawings = [("a drawing", area) for area in areas]
            content = bool(here or drawings or (furniture and same_body))
            pages.append(PageDiff(number, "changed" if content else "moved", here, furniture, drawings, areas))
    return Comparison(old, new, pages, changes)


def _line_key(line: TextLine) -> tuple[str, int, int]:
    return line.text, round(line.box.x0), round(line.box.y0)


def _same_layout(old: Page, new: Page) -> bool:
    return [_line_key(line) for line in old.lines] == [_line_key(line) for line in new.lines]


def _changed_drawings(
    old: Snapshot, new: Snapshot, number: int, mask: Image.Image, images: _Images
) -> list[tuple[str, Box]]:
    """The changed drawings of a page, named by the nearest caption, with their areas.

    Changed pixels inside the boxes of lines that differ (changed, re-wrapped
    or moved, on either page) are text. Each patch of what is left is a
    drawing (a chart, a rule, a heading's bar) that changed, unless the old
    page, or a neighbouring one, shows the same pixels at an offset by which
    lines of text moved.
    """
    scale = new.dpi / 72
    page_old, page_new = old.pages[number - 1], new.pages[number - 1]
    old_keys = {_line_key(line) for line in page_old.lines + page_old.furniture}
    new_keys = {_line_key(line) for line in page_new.lines + page_new.furniture}
    differing = [line for line in page_new.lines + page_new.furniture if _line_key(line) not in old_keys]
    differing += [line for line in page_old.lines + page_old.furniture if _line_key(line) not in new_keys]
    text = Image.new("L", mask.size, 0)
    draw = ImageDraw.Draw(text)
    for line in differing:
        box = line.box.scaled(scale)
        draw.rectangle((box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2), fill=255)
    residue = ImageChops.subtract(mask, text)
    now, before = images.get("new", number), images.get("old", number)
    came_from = _shift_candidates(old, page_new, scale)
    went_to = _shift_candidates(new, page_old, scale)
    captions = [line for line in page_new.lines if CAPTION.match(line.text)]
    found: list[tuple[str, Box]] = []
    for area in changed_areas(residue):
        crop = residue.crop(tuple(round(v) for v in area))  # type: ignore[arg-type]
        inner = crop.getbbox()
        if inner is None or crop.histogram()[255] < MIN_DRAWING_PIXELS:
            continue  # specks at the edge of text
        part = Box(area.x0 + inner[0], area.y0 + inner[1], area.x0 + inner[2], area.y0 + inner[3])
        # Moved, not changed: what is here now was elsewhere before, and what was here is elsewhere now.
        arrived = _blank(now, part) or any(
            _moved_here(now, part, images.get("old", p), dy, _shifted_text(images, "new", number, "old", p, dy, scale))
            for p, dy in came_from
        )
        left = _blank(before, part) or any(
            _moved_here(
                before, part, images.get("new", p), dy, _shifted_text(images, "old", number, "new", p, dy, scale)
            )
            for p, dy in went_to
        )
        if arrived and left:
            continue
        name = "a drawing"
        if captions:
            middle = (part.y0 + part.y1) / 2 / scale
            nearest = min(captions, key=lambda line: abs((line.box.y0 + line.box.y1) / 2 - middle))
            name = clip(nearest.text, 40)
        found.append((name, part))
    return found


def _shift_candidates(source: Snapshot, page: Page, scale: float) -> list[tuple[int, int]]:
    """Where the content of ``page`` may have come from: (page of ``source``, pixels moved down) pairs.

    Each line of ``page`` found on the same or a neighbouring page of
    ``source`` suggests one; the most common first.
    """
    counts: dict[tuple[int, int], int] = {}
    for number in (page.number - 1, page.number, page.number + 1):
        if not 1 <= number <= len(source.pages):
            continue
        by_text: dict[str, list[TextLine]] = {}
        for line in source.pages[number - 1].lines:
            by_text.setdefault(line.text, []).append(line)
        for line in page.lines:
            if len(line.text) < MIN_MOVED_LINE:
                continue  # a chart's labels move when the chart changes: only text lines tell a reflow
            for before in by_text.get(line.text, []):
                if abs(before.box.x0 - line.box.x0) < 1:
                    key = (number, round((line.box.y0 - before.box.y0) * scale))
                    counts[key] = counts.get(key, 0) + 1
    return sorted(counts, key=lambda k: -counts[k])[:8]


# ------------------------------------------------------------------- report


def page_ranges(numbers: Iterable[int]) -> str:
    """``[1, 2, 3, 5]`` → ``"1–3, 5"``."""
    out: list[str] = []
    run: list[int] = []
    for n in sorted(numbers):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [n]
    if run:
        out.append(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]))
    return ", ".join(out)


MARK = (214, 30, 30)
"""Outline of what changed: edited text, changed drawings."""
MOVED = (150, 150, 150)
"""Outline of areas that differ only because their content moved."""


def _png_uri(path: Path, marks: Sequence[Box], moved: Sequence[Box], scale: float = 1.0) -> str:
    """The page image with changes outlined, as a ``data:`` URI."""
    with Image.open(path) as image:
        rgb = image.convert("RGB")
    if marks or moved:
        overlay = Image.new("RGBA", rgb.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        for box in moved:
            draw.rectangle(tuple(box), fill=(0, 0, 0, 10), outline=(*MOVED, 255), width=1)
        for box in marks:
            draw.rectangle(tuple(box), fill=(255, 200, 0, 90), outline=(*MARK, 255), width=3)
        rgb = Image.alpha_composite(rgb.convert("RGBA"), overlay).convert("RGB")
    if scale != 1.0:
        rgb = rgb.resize((round(rgb.width * scale), round(rgb.height * scale)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    rgb.save(buffer, "PNG", compress_level=3)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _marks(changes: Iterable[TextChange], side: str, page: int, scale: float) -> list[Box]:
    out = []
    for change in changes:
        for number, box in change.old_boxes if side == "old" else change.new_boxes:
            if number == page:
                out.append(Box(box.x0 - 2, box.y0 - 2, box.x1 + 2, box.y1 + 2).scaled(scale))
    return out


@dataclass(frozen=True)
class _Side:
    caption: str
    image: str | None
    """The page with its changes outlined, as a ``data:`` URI; ``None`` for a page that is not there."""


@dataclass(frozen=True)
class _Pair:
    sides: tuple[_Side, _Side]


@dataclass(frozen=True)
class _Row:
    page: PageDiff
    edits: list[str]
    """What changed, a few words each (the summary table)."""
    drawings: list[str]
    pair: _Pair | None
    """The page before and after (none past the report's page limit)."""


def render_report(comparison: Comparison, max_pages: int = 40) -> str:
    """The change report as one self-contained HTML page (images inline; template ``changes.html.j2``)."""
    from .data import VERSION
    from .webpages import render

    old, new = comparison.old, comparison.new
    content = []
    for index, page in enumerate(comparison.with_status("changed", "added", "removed")):
        edits = [c.describe() for c in page.text[:3]] + [f"drawing: {n}" for n in _names(page)]
        if len(page.text) > 3:
            edits.append(f"{len(page.text) - 3} more text changes")
        if page.furniture and not page.text:
            edits.append("running header/footer")
        pair = _pair(comparison, page) if index < max_pages else None
        content.append(_Row(page, edits, _names(page), pair))
    moved = comparison.with_status("moved")
    return render(
        "changes.html.j2",
        old={"name": old.pdf.name, "path": str(old.pdf), "pages": len(old.pages), "time": _mtime(old.pdf)},
        new={"name": new.pdf.name, "path": str(new.pdf), "pages": len(new.pages), "time": _mtime(new.pdf)},
        verdict=_verdict(comparison),
        content=content,
        moved=[_Row(page, [], [], _pair(comparison, page, scale=0.6)) for page in moved[:max_pages]],
        moved_pages=page_ranges(p.number for p in moved),
        unchanged_pages=page_ranges(p.number for p in comparison.with_status("unchanged")),
        max_pages=max_pages,
        max_shown=MAX_SHOWN,
        version=VERSION,
        written=datetime.now().strftime("%Y-%m-%d %H:%M:%S"),
    )


def _names(page: PageDiff) -> list[str]:
    names: list[str] = []
    for name, _ in page.drawings:
        if name not in names:
            names.append(name)
    return names


def _verdict(comparison: Comparison) -> str:
    content = comparison.with_status("changed", "added", "removed")
    parts = []
    if content:
        parts.append(f"Content changed on page {page_ranges(p.number for p in content)}")
    moved = comparison.with_status("moved")
    if moved:
        parts.append(f"page {page_ranges(p.number for p in moved)} only moved")
    if len(comparison.old.pages) != len(comparison.new.pages):
        parts.append(f"{len(comparison.old.pages)} → {len(comparison.new.pages)} pages")
    count = len(comparison.text)
    parts.append(f"{count} text change{'s' if count != 1 else ''}")
    return "; ".join(parts) + "."


def _pair(comparison: Comparison, page: PageDiff, scale: float = 1.0) -> _Pair:
    number = page.number
    px = comparison.new.dpi / 72
    drawn = [area for _, area in page.drawings]
    moved = [area for area in page.areas if area not in drawn]
    sides = []
    for side, snapshot, word, missing in (
        ("old", comparison.old, "Before", "added"),
        ("new", comparison.new, "After", "removed"),
    ):
        if page.status == missing:
            sides.append(_Side(f"{word} · {'no such page' if side == 'old' else 'page removed'}", None))
            continue
        marks = _marks(page.text + page.furniture, side, number, px) + drawn
        sides.append(_Side(f"{word} · page {number}", _png_uri(snapshot.pages[number - 1].image, marks, moved, scale)))
    return _Pair((sides[0], sides[1]))


def _mtime(path: Path) -> str:
    try:
        return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M:%S")
    except OSError:
        return "no longer on disk"


def write_report(comparison: Comparison, output: Path) -> None:
    """Write the HTML change report to ``output`` atomically."""
    from .files import write_atomic

    if output.suffix.lower() not in (".html", ".htm"):
        raise PublisherError(f"report '{output}' must be an .html file", hint="e.g. -o changes.html")
    write_atomic(output, render_report(comparison).encode("utf-8"))


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def diff_pdfs(old: Path, new: Path, output: Path, progress: Progress = _quiet) -> Comparison:
    """Compare two PDFs and write the HTML report to ``output`` (the ``publisher diff`` command).

    Both PDFs are held to the budget (:func:`check_budget`) before a page is rendered. The page images
    live in a temporary folder removed on every way out (:func:`publisher.files.temporary_folder`).
    """
    from .files import temporary_folder

    for path in (old, new):
        check_budget(path)
    with temporary_folder("diff") as tmp:
        try:
            progress(f"reading {old.name}")
            before = take_snapshot(old, tmp / "old")
            progress(f"reading {new.name}")
            after = take_snapshot(new, tmp / "new")
            progress("comparing")
            comparison = compare(before, after)
        except OSError as exc:  # the page images: the inputs were read above, the report is written below
            full = exc.errno in (errno.ENOSPC, errno.EDQUOT)
            raise EnvironmentProblem(
                f"cannot write the page images to {tmp.parent}: {'the disk is full' if full else exc.strerror}",
                hint="free some space there, or set TMPDIR to a folder on a disk with room",
            ) from None
        progress("writing the report")
        write_report(comparison, output)
    return comparison
