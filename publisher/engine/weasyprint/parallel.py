"""A long report laid out and painted by two processes.

A report's parts start on new pages: from a forced page break on, the pages
depend on what comes before only through their page numbers (and the table
of contents, which depends on theirs). So once the document's boxes are
built, the writer forks a worker (:func:`start`) that lays out the pages
from a page break near the middle of the document, starting from the state
this process will reach there but for the page number, which it guesses.
Meanwhile this process lays out the pages before that break
(:func:`.paginate.layout`); when it reaches the break it compares its state
with the one the worker started from (:func:`.paginate.same_state`): the
same but for the page number, the worker's pages are taken and shifted to
their real numbers, as pagination shifts pages after a table of contents
that grew. The table of contents is then made with every page number known,
the worker is told the final numbers and the named strings before its pages
(:meth:`Worker.release`), makes its pages' margin boxes and paints them,
and sends back what painting wrote (the content operators, and the fonts,
glyphs and resources they use): this process replays them into the PDF
(:class:`RemotePage`), as a warm rebuild replays the pages it kept. The PDF
is the one a single process writes, byte for byte (``tests/test_parallel.py``).

Anything the worker cannot do, or any failure of it (an exception, a crash,
a state that does not match), costs only time: this process lays out the
worker's pages itself (:func:`.paginate.materialize`) or never uses them.

The worker is a ``fork`` of this process: it shares the parsed document, its
styles and boxes, the fonts and the imported modules, so it starts at once;
it is made only on Linux, and only when no other Python thread runs and no
library thread is at work (:func:`available`: forking may copy a lock some
thread holds). ``publisher watch`` runs threads, so it lays out in one
process. The worker's memory is mostly pages shared with this process until
either writes them.

This module calls WeasyPrint 70 internals (``remake_page``, the
``page_maker``, ``Stream``, ``Font``) behind the engine's version gate.
"""

from __future__ import annotations

import copy
import gc
import logging
import os
import pickle
import signal
import sys
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from . import floats
from .paginate import ShiftRules, is_placeholder, same_state

MIN_CHARACTERS = 12_000
"""Below this much text (about 10 pages), one process: the fork and the messages cost more than they save
(the 18-page sample, 22,800, is built 0.3-0.4 s faster with a worker on two cores)."""
MAIN_SHARE = 0.42
"""The part of the text this process lays out itself: it also writes the PDF, and makes the contents again."""
CHARACTERS_PER_PAGE = 850
"""A first guess of the worker's first page number (only its parity may matter, and only for some themes)."""
FIGURE_WEIGHT = 400
"""A figure counts as this many characters of text when the document is split."""
UNIT_CONTAINERS = ("body", "main")
"""Elements whose children may start a part on a new page."""


UNSAFE_THREADS = ("[pango]", "gmain", "gdbus", "pool-")
"""Names (prefixes) of library threads that a forked worker could wait for forever (Pango's fontconfig
initialisation, GLib's loops and pools). Other native threads are idle pools that handle a fork (OpenBLAS,
started by numpy when charts are drawn)."""


def available(jobs: int, wait: float = 1.0) -> bool:
    """Whether a worker may be forked now: several jobs asked, Linux, no other Python thread, and no library
    thread a fork could cut in the middle of its work (Pango's fontconfig start-up is waited for)."""
    import threading
    import time

    if jobs < 2 or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    if threading.active_count() > 1:
        return False
    deadline = time.monotonic() + wait
    while True:
        try:
            names = []
            for task in os.listdir("/proc/self/task"):
                with open(f"/proc/self/task/{task}/comm", encoding="utf-8", errors="replace") as comm:
                    names.append(comm.read().strip())
        except OSError:
            return False
        if not any(name.startswith(UNSAFE_THREADS) for name in names):
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


@dataclass
class Boundary:
    """A forced page break between two blocks: where a worker may start."""

    resume_at: Any
    next_page: dict[str, Any]
    before: float
    """Weight (characters) of the document before it."""
    breaks: int
    """Forced breaks before it."""


def _weight(box: Any) -> float:
    element = getattr(box, "element", None)
    if element is None:
        return 0.0
    text = sum(len(piece) for piece in element.itertext())
    figures = sum(1 for node in element.iter() if str(node.tag).rsplit("}", 1)[-1] in ("figure", "img", "svg"))
    return float(text + FIGURE_WEIGHT * figures)


def boundaries(root_box: Any, context: Any) -> tuple[list[Boundary], float]:
    """The forced page breaks between the blocks of ``body`` and ``main`` (as block layout finds them), and the
    document's weight."""
    from weasyprint.layout.block import block_level_page_break, block_level_page_name, force_page_break

    found: list[Boundary] = []
    total = 0.0

    def walk(box: Any, path: list[int], depth: int) -> None:
        nonlocal total
        previous = None
        for index, child in enumerate(box.children):
            if not (child.is_in_normal_flow() or child.is_floated()):
                continue
            if previous is not None:
                page_break = block_level_page_break(previous, child)
                page_name = block_level_page_name(previous, child)
                if page_name or force_page_break(page_break, context):
                    resume_at: Any = None
                    for key in reversed([*path, index]):
                        resume_at = {key: resume_at}
                    if page_name is None:
                        page_name = previous.page_values()[1] or box.style["page"]
                    found.append(Boundary(resume_at, {"break": page_break, "page": page_name}, total, len(found)))
            previous = child
            if depth < len(UNIT_CONTAINERS) and getattr(child, "element_tag", None) == UNIT_CONTAINERS[depth]:
                walk(child, [*path, index], depth + 1)
            else:
                total += _weight(child)

    walk(root_box, [], 0)
    return found, total


def _lookups_before(context: Any, boundary: Boundary, root_box: Any) -> bool:
    """Whether every page-number reference (``target-counter()``, ``counter(page)`` in content) is before the break."""
    positions = _positions(root_box)
    limit = _path(boundary.resume_at)
    for (box, _), item in context.target_collector.counter_lookup_items.items():
        if not (item.missing_counters or item.missing_target_counters):
            continue
        where = positions.get(id(box))
        if where is None or where >= limit:
            return False
    return True


def _path(resume_at: Any) -> tuple[int, ...]:
    path: list[int] = []
    while resume_at:
        (key, resume_at), *_ = resume_at.items()
        path.append(key)
    return tuple(path)


def _positions(root_box: Any) -> dict[int, tuple[int, ...]]:
    """The place in the box tree of every box (by id): its path of child indexes."""
    found: dict[int, tuple[int, ...]] = {}
    stack: list[tuple[Any, tuple[int, ...]]] = [(root_box, ())]
    while stack:
        box, path = stack.pop()
        found[id(box)] = path
        for index, child in enumerate(getattr(box, "children", ())):
            stack.append((child, (*path, index)))
    return found


def choose(root_box: Any, context: Any) -> Boundary | None:
    """The page break to start a worker at, or ``None`` when the document is too short or has none after its
    page-number references."""
    found, total = boundaries(root_box, context)
    if total < MIN_CHARACTERS:
        return None
    candidates = [b for b in found if 0.25 * total <= b.before <= 0.75 * total]
    candidates.sort(key=lambda b: abs(b.before - MAIN_SHARE * total))
    for boundary in candidates[:3]:
        if _lookups_before(context, boundary, root_box):
            return boundary
    return None


# --- The worker ----------------------------------------------------------------


@dataclass
class LaidOut:
    """What the worker sends once it has laid out its pages."""

    start: int
    """Its guess of its first page's index."""
    entries: list[Any]
    """``page_maker`` entries: before its first page (with that page's anchors), then after each page."""
    page_types: list[Any]
    carry: list[bool]
    problem: str | None = None
    """Why its pages cannot be used (then they are not)."""
    moves: list[Any] = field(default_factory=list)
    """The figures it floated forward (:class:`.floats.Move`): this process makes the same moves on its boxes."""


@dataclass
class Release:
    """What the worker needs to finish its pages once pagination is final."""

    first: int
    """Index of its first page."""
    entries: list[Any]
    """Final ``page_maker`` entries from before its first page to after its last."""
    page_types: list[Any]
    string_set: dict[str, dict[int, list[str]]]
    """Named strings of the pages before its own."""
    keep: bool
    """Also send what a warm rebuild needs (the pages' blocks)."""


@dataclass
class PageData:
    """A page the worker laid out and painted, as this process writes it."""

    width: float
    height: float
    bleed: dict[str, float]
    links: list[tuple[str, Any, Any]]
    anchors: dict[str, Any]
    bookmarks: list[Any]
    record: Any
    """The :class:`.incremental.PaintRecord` of its painting."""
    units: tuple[int, int] = (-1, -1)
    """First and last top-level block on it (for warm rebuilds)."""
    gap: float | None = None
    """The empty height at the foot of its type area (:func:`.floats.gap`), for ``build --verbose``; ``None``
    for an empty page."""


@dataclass
class Painted:
    pages: list[PageData]
    string_set: dict[str, dict[int, list[str]]]
    """Named strings of its pages."""
    logs: list[tuple[int, str]] = field(default_factory=list)


class _Logs(logging.Handler):
    """WeasyPrint's warnings in the worker, to be logged again by this process."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


def _start_entry(boundary: Boundary, start: int, template: Any) -> Any:
    """The ``page_maker`` entry the worker starts from: the break's, with a guessed page number."""
    _, _, right_page, page_state, _ = template
    depth, counters, scopes, _ = copy.deepcopy(page_state)
    counters = {**counters, "page": [start]}
    scopes = copy.deepcopy(scopes)
    for scope in scopes[:1]:
        scope.add("page")
    return (
        boundary.resume_at,
        dict(boundary.next_page),
        right_page ^ bool(start % 2),
        (depth, counters, scopes, []),
        {"content_changed": False, "pages_wanted": False, "anchors": [], "content_lookups": []},
    )


def _work(
    channel: Any,
    html: Any,
    root_box: Any,
    context: Any,
    boundary: Boundary,
    options: dict[str, Any],
    color_profiles: dict[str, Any],
) -> None:
    """The worker: lay out from ``boundary`` to the end, wait for the final numbers, finish, paint, send."""
    from weasyprint.layout import page as page_module

    from . import paginate

    gc.freeze()  # the inherited objects are not scanned, so their memory stays shared
    logs = _Logs()
    logging.getLogger("weasyprint").addHandler(logs)
    start = max(1, round(boundary.before / CHARACTERS_PER_PAGE) + boundary.breaks)
    maker = context.page_maker
    entry = _start_entry(boundary, start, maker[0])
    filler = (None, maker[0][1], maker[0][2], maker[0][3], dict(entry[4], anchors=[], content_lookups=[]))
    context.page_maker = maker = [filler] * start + [entry]
    context._publisher_carry = {}
    context.rendered_notes = []
    inherited = len(floats.moves(context))
    pages: list[Any] = []
    index = start
    while True:
        page, resume_at = page_module.remake_page(index, context, root_box, html)
        pages.append(page)
        index += 1
        if resume_at is None and not context.reported_footnotes:
            break
        maker[index][4].update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
    problem = _problem(context, pages, start)
    carry = [context._publisher_carry.get(start + n, True) for n in range(len(pages))]
    moved = floats.moves(context)[inherited:]
    channel.send(LaidOut(start, maker[start : index + 1], [page.page_type for page in pages], carry, problem, moved))
    if problem:
        return
    release = channel.recv()
    if not isinstance(release, Release):
        return
    first = release.first
    context.page_maker = [filler] * first + list(release.entries)
    context.string_set = defaultdict(lambda: defaultdict(list))
    for name, values in release.string_set.items():
        for number, assigned in values.items():
            context.string_set[name][number] = list(assigned)
    from weasyprint.layout.page import set_page_type_computed_styles

    for page, page_type in zip(pages, release.page_types, strict=True):
        page.page_type = page_type
        set_page_type_computed_styles(page_type, html, context.style_for)
    placed = [_Placeholder(None)] * first + pages
    numbers = list(range(first, first + len(pages)))
    paginate.named_strings(context, placed, numbers)
    paginate.margins(context, placed, numbers)
    data = _paint(html, pages, first, options, color_profiles, release.keep)
    strings = {
        name: {n: list(v) for n, v in values.items() if n > first}
        for name, values in context.string_set.items()
        if any(n > first for n in values)
    }
    channel.send(Painted(data, strings, logs.records))


def _problem(context: Any, pages: list[Any], start: int) -> str | None:
    """Why the worker's pages cannot be used as they are, if they cannot."""
    if any(pages_ for pages_ in context.running_elements.values() if any(pages_.values())):
        return "running elements"
    if any(page.fixed_boxes for page in pages):
        return "fixed boxes"
    for number in range(start, start + len(pages)):
        if context.page_maker[number][4]["pages_wanted"]:
            return "a page refers to the page count"
    return None


def _paint(
    html: Any, pages: list[Any], first: int, options: dict[str, Any], color_profiles: dict[str, Any], keep: bool
) -> list[PageData]:
    """Paint the pages as the PDF writer would, recording what they write."""
    from weasyprint.document import Page

    from . import incremental

    made = []
    for number, box in enumerate(pages, start=first):
        page = Page(box)
        page._publisher_index = number
        made.append(page)
    painter = Painter(options, color_profiles)
    index_of = incremental._index_of(incremental.units(html.etree_element)[0]) if keep else {}
    found = []
    for page in made:
        painter.paint(page)
        record = page._publisher_paint
        if record is None:
            raise RuntimeError(f"page {page._publisher_index + 1} cannot be replayed")
        if page.forms != {None: []} or any(link[0] == "attachment" for link in page.links):
            raise RuntimeError("forms and attachments are painted by the main process")
        units = incremental._page_units(page._page_box, index_of) if keep else (-1, -1)
        found.append(
            PageData(
                page.width,
                page.height,
                dict(page.bleed),
                [(kind, target, rectangle) for kind, target, rectangle, _ in page.links],
                dict(page.anchors),
                list(page.bookmarks),
                incremental.portable(record),
                units,
                floats.gap(page._page_box) if page._page_box.children else None,
            )
        )
    return found


class Painter:
    """Paints pages into streams made as :func:`weasyprint.pdf.generate_pdf` makes them, to record them."""

    def __init__(self, options: dict[str, Any], color_profiles: dict[str, Any]):
        import pydyf
        from tinycss2.color5 import D50, D65

        self.options = options
        self.compress = not options["uncompressed_pdf"]
        self.color_profiles: dict[str, Any] = dict(color_profiles)
        if options["output_intent"] == "srgb":
            from importlib.resources import files

            import weasyprint.pdf
            from weasyprint.css import ColorProfile

            self.color_profiles["srgb"] = ColorProfile(
                (files(weasyprint.pdf) / "sRGB2014.icc").open("rb"),
                "sRGB2014.icc",
                "relative-colorimetric",
                (["r"], ["g"], ["b"]),
            )
        pdf = pydyf.PDF()
        color_space = pydyf.Dictionary(
            {
                "lab-d50": pydyf.Array(
                    ("/Lab", pydyf.Dictionary({"WhitePoint": pydyf.Array(D50), "Range": pydyf.Array((-125, 125) * 2)}))
                ),
                "lab-d65": pydyf.Array(
                    ("/Lab", pydyf.Dictionary({"WhitePoint": pydyf.Array(D65), "Range": pydyf.Array((-125, 125) * 2)}))
                ),
            }
        )
        for key, profile in self.color_profiles.items():
            stream = pydyf.Stream([profile.content], pydyf.Dictionary({"N": len(profile.components)}))
            pdf.add_object(stream)
            profile.pdf_reference = stream.reference
            color_space[key] = pydyf.Array(("/ICCBased", stream.reference))
        pdf.add_object(color_space)
        self.resources = pydyf.Dictionary(
            {
                "ExtGState": pydyf.Dictionary(),
                "XObject": pydyf.Dictionary(),
                "Pattern": pydyf.Dictionary(),
                "Shading": pydyf.Dictionary(),
                "ColorSpace": color_space.reference,
            }
        )
        self.fonts: dict[Any, Any] = {}
        self.images: dict[Any, Any] = {}

    def paint(self, page: Any, zoom: float = 1) -> None:
        from weasyprint.pdf.stream import Stream

        scale = zoom * 0.75
        width = scale * (page.width + page.bleed["left"] + page.bleed["right"])
        height = scale * (page.height + page.bleed["top"] + page.bleed["bottom"])
        left = -scale * page.bleed["left"]
        top = -scale * page.bleed["top"]
        rectangle = (left / scale, top / scale, width / scale, height / scale)
        stream = Stream(
            self.fonts,
            rectangle,
            self.resources,
            self.images,
            None,
            self.color_profiles,
            self.options["output_intent"],
            compress=self.compress,
        )
        stream.transform(d=-1, f=(page.height * scale))
        page.paint(stream, scale)


# --- This process ------------------------------------------------------------------


class _LinkBox:
    """What WeasyPrint's PDF writer keeps on a link's box (its annotation)."""

    link_annotation: Any = None


def remote_page(data: PageData, number: int) -> Any:
    """A page the worker laid out and painted: its painting is replayed."""
    from weasyprint.document import Page

    from . import incremental

    page = Page.__new__(Page)
    page.width, page.height, page.bleed = data.width, data.height, data.bleed
    page.links = [(kind, target, rectangle, _LinkBox()) for kind, target, rectangle in data.links]
    page.anchors = data.anchors
    page.bookmarks = data.bookmarks
    page.forms = {None: []}
    page._page_box = None
    page._publisher_index = number
    page._publisher_paint = incremental.local(data.record)
    page._publisher_units = data.units
    page._publisher_gap = data.gap
    return page


@dataclass
class _Placeholder:
    """A page laid out by the worker, in this process's list of pages."""

    page_type: Any
    fixed_boxes: list[Any] = field(default_factory=list)
    remote: bool = True


class Worker:
    """The forked worker, from this process's side (a :class:`.paginate.Remote`)."""

    def __init__(self, pid: int, channel: Any, boundary: Boundary):
        self.pid = pid
        self.channel = channel
        self.boundary = boundary
        self.resume_at = boundary.resume_at
        self.laid_out: LaidOut | None = None
        self.first = -1
        self.count = 0
        self.released = False
        self.problem: str | None = None
        self.moves: list[Any] = []

    def _receive(self) -> Any:
        try:
            return self.channel.recv()
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self.problem = f"the worker stopped: {exc!r}"
            return None

    def merge(self, context: Any, at: int, rules: ShiftRules) -> list[Any] | None:
        """Take the worker's pages after page ``at - 1`` if it started from this state (but for the number)."""
        laid_out = self._receive()
        if isinstance(laid_out, tuple):  # ("error", traceback)
            self.problem = laid_out[1]
            return None
        if not isinstance(laid_out, LaidOut):
            return None
        if laid_out.problem:
            self.problem = laid_out.problem
            return None
        maker = context.page_maker
        shift = at - laid_out.start
        if not same_state(laid_out.entries[0], maker[at], shift, rules):
            self.problem = "the worker's first page starts in another state"
            return None
        if shift % 2 and any(page_type.blank for page_type in laid_out.page_types):
            self.problem = "blank pages"
            return None
        self.laid_out = laid_out
        self.moves = laid_out.moves
        self.first, self.count = at, len(laid_out.page_types)
        from .paginate import _shifted_entry

        resume_at, next_page, right_page, page_state, _ = maker[at]
        maker[at] = (resume_at, next_page, right_page, page_state, copy.deepcopy(laid_out.entries[0][4]))
        del maker[at + 1 :]
        maker.extend(_shifted_entry(entry, shift) for entry in laid_out.entries[1:])
        carry = getattr(context, "_publisher_carry", None)
        if carry is not None:
            for number, value in enumerate(laid_out.carry):
                carry[at + number] = value
        # As make_page would have done for each page: the anchors' page counters (the table of contents).
        collector = context.target_collector
        for number in range(at, at + self.count):
            for anchor in maker[number][4]["anchors"]:
                collector.cache_target_page_counters(anchor, maker[number + 1][3][1], number, maker)
        return [
            _Placeholder(page_type._replace(index=at + number, side=_side(page_type, shift)))
            for number, page_type in enumerate(laid_out.page_types)
        ]

    def release(self, context: Any, pages: list[Any]) -> None:
        """Send the final numbers of the worker's pages, if they are still its own, or stop it."""
        numbers = [number for number, page in enumerate(pages) if is_placeholder(page)]
        if not numbers or self.laid_out is None:
            self.stop()
            return
        first = numbers[0]
        if numbers != list(range(first, len(pages))) or len(numbers) != self.count:
            self.stop()  # pages of the worker were laid out here again: lay out the rest here too
            return
        strings = {
            name: {number: list(values) for number, values in by_page.items() if number <= first}
            for name, by_page in context.string_set.items()
        }
        release = Release(
            first,
            context.page_maker[first:],
            [page.page_type for page in pages[first:]],
            strings,
            getattr(context, "_publisher_keep", True),
        )
        try:
            self.channel.send(release)
        except (OSError, pickle.PicklingError) as exc:
            self.problem = f"the worker stopped: {exc!r}"
            self.stop()
            return
        self.first = first
        self.released = True

    def collect(self) -> tuple[list[Any], dict[str, dict[int, list[str]]]] | None:
        """The worker's painted pages and named strings, or ``None`` (then they are laid out here)."""
        if not self.released:
            self.stop()
            return None
        painted = self._receive()
        self.stop()
        if isinstance(painted, tuple):
            self.problem = painted[1]
            return None
        if not isinstance(painted, Painted) or len(painted.pages) != self.count:
            return None
        logger = logging.getLogger("weasyprint")
        for level, message in painted.logs:
            logger.log(level, "%s", message)
        pages = [remote_page(data, self.first + number) for number, data in enumerate(painted.pages)]
        return pages, painted.string_set

    def stop(self) -> None:
        """End the worker (it may be waiting, or still working) and reap it."""
        if self.pid <= 0:
            return
        try:
            self.channel.close()
        except OSError:
            pass
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        self.pid = -1


def _side(page_type: Any, shift: int) -> str:
    side = str(page_type.side)
    if shift % 2:
        return "left" if side == "right" else "right"
    return side


def prepaint(pages: list[Any], options: dict[str, Any], color_profiles: dict[str, Any]) -> None:
    """Paint this process's pages (``None``: the worker's) now, while the worker paints its own: the PDF writer
    replays them."""
    painter = Painter(options, color_profiles)
    for number, page in enumerate(pages):
        if page is not None:
            page._publisher_index = number
            painter.paint(page)


def default_jobs() -> int:
    """Processes that lay out a long report: two where there are two cores (one worker is all there is)."""
    return min(2, os.cpu_count() or 1)


def start(
    html: Any, root_box: Any, context: Any, options: dict[str, Any], color_profiles: dict[str, Any], jobs: int
) -> Worker | None:
    """Fork a worker that lays out the second part of the document, or ``None`` when it is not worth it."""
    from multiprocessing import Pipe

    if jobs < 2 or options.get("pdf_tags"):
        return None
    # Where to split first: a short document has no worker, and need not wait for Pango's threads.
    boundary = choose(root_box, context)
    if boundary is None or not available(jobs):
        return None
    ours, theirs = Pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the worker
        status = 0
        try:
            ours.close()
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            try:
                _work(theirs, html, root_box, context, boundary, options, color_profiles)
            except BaseException:
                try:
                    theirs.send(("error", traceback.format_exc()))
                except BaseException:
                    pass
                status = 1
        finally:
            os._exit(status)
    theirs.close()
    return Worker(pid, ours, boundary)
