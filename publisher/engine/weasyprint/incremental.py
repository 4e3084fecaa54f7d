"""Warm rebuilds that lay out and paint only the pages an edit touched.

A long-lived :class:`~.writer.PdfWriter` (watch mode) keeps a
:class:`LayoutSnapshot` of its last build: the top-level blocks of the HTML (digests),
WeasyPrint's pagination state after each page, the laid-out pages and, on each
page, a record of what painting it wrote into the PDF. After an edit:

1. the first top-level block that differs is found, and the page holding the
   block before it (a sibling's ``:last-child`` may change) is the first page
   laid out again, from the pagination state the previous build had there;
2. pages are laid out until one ends in the same state as before (the same
   place in the box tree, the same counters, nothing carried over): every
   later page is the previous build's page;
3. the rebuild is refused (the caller then lays out everything) when the page
   count, the pages of anchors (the table of contents), the running headers or
   anything WeasyPrint carries across pages changed;
4. pages kept from the previous build are not painted again: their content
   stream is replayed with the fonts, glyph widths and resources it used.
   Resources a page creates (transparency groups, patterns) are named after
   the page's index, so a replayed page never collides with a new one.

The result is the PDF a full build of the new source writes, byte for byte
(``tests/test_incremental.py`` checks it against a build in a fresh process).

This module replaces internals of WeasyPrint 70 (``Page.paint``,
``remake_page``, ``find_stylesheets``, ``Stream`` resource naming,
``Font.subset``) and pydyf's ``Stream.data``: :func:`install` runs only
after :func:`publisher.engine.weasyprint.require` checked the versions.
WeasyPrint's ``context.page_maker`` entries are read through
:func:`_entry`, which names their five fields.
"""

from __future__ import annotations

import copy
import gc
import hashlib
import weakref
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from . import floats
from .fetcher import ProjectFetcher

UNIT_CONTAINERS = ("main",)
"""Elements whose children, not themselves, are top-level blocks."""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


METADATA_ELEMENTS = frozenset({"title", "meta"})
"""Elements of the head that only give the PDF's metadata (``get_html_metadata``)."""


def units(root: Any) -> tuple[list[Any], bytes]:
    """The top-level blocks of an HTML tree and a digest of everything else (head, body attributes)."""
    rest = hashlib.blake2b(digest_size=16)
    rest.update(repr(sorted(root.attrib.items())).encode())
    found: list[Any] = []
    for child in root:
        if _local(child.tag) == "head":
            # Its title and meta elements are the PDF's metadata, read from the new tree at every build: no page
            # shows them (a report's title is on its cover, a block), so changing them lays out no page (a unit
            # of a batch whose name is in the title keeps the pages its name is not on).
            rest.update(repr(sorted(child.attrib.items())).encode())
            for part in child:
                if _local(part.tag) not in METADATA_ELEMENTS:
                    rest.update(_digest(part))
            continue
        if _local(child.tag) != "body":
            rest.update(_digest(child))
            continue
        rest.update(repr(sorted(child.attrib.items())).encode())
        for block in child:
            if _local(block.tag) in UNIT_CONTAINERS:
                rest.update(repr((len(found), block.tag, sorted(block.attrib.items()))).encode())
                found.extend(block)
            else:
                found.append(block)
    return found, rest.digest()


CONTENT_ATTRIBUTES = frozenset({"src", "alt", "title", "id", "href"})
"""Attributes that are content, not structure: no selector of a theme tests their values.

A changed anchor (``id``, ``href``) is caught by the anchor check instead."""


def _digest(element: Any, text: bool = True) -> bytes:
    """Digest of an element and its descendants.

    With ``text=False``, of its structure only: elements and attributes, but not
    the text or the values of :data:`CONTENT_ATTRIBUTES`, so a chart redrawn or a
    sentence rewritten keeps the structure the selectors and counters see.
    """
    parts: list[str] = []
    for node in element.iter():
        parts.append(str(node.tag))
        if node.attrib:
            items = sorted(node.attrib.items())
            if not text:
                items = [(k, "" if k in CONTENT_ATTRIBUTES else v) for k, v in items]
            parts.append(repr(items))
        if text:
            parts.append(node.text or "")
            parts.append(node.tail or "")
    return hashlib.blake2b("\x00".join(parts).encode(), digest_size=16).digest()


@dataclass
class PageInfo:
    """What the snapshot knows about one laid-out page."""

    first_unit: int
    """Index of the first top-level block on the page (-1: none)."""
    last_unit: int
    carry: bool
    """Something (a float, a footnote) continues on the next page."""


@dataclass
class LayoutSnapshot:
    """The state of the last build that the next one may reuse."""

    key: tuple[Any, ...]
    digests: list[bytes]
    """Of each top-level block."""
    skeletons: list[bytes]
    """Of each top-level block's elements and attributes, without the text."""
    pages: list[Any]
    """WeasyPrint ``Page`` objects."""
    page_maker: list[Any]
    string_set: dict[str, dict[int, list[str]]]
    info: list[PageInfo]
    laid_out: list[int] | None = None
    """Indexes of the pages this build laid out; ``None``: all of them."""
    moves: list[Any] = field(default_factory=list)
    """The figures floated forward (:class:`.floats.Move`), in the order they were moved."""
    moved_units: list[tuple[int, int]] = field(default_factory=list)
    """The top-level blocks each move reordered (first, last)."""


# --- Layout ------------------------------------------------------------------


class _Entry(NamedTuple):
    """One item of WeasyPrint 70's ``context.page_maker``: the state before laying out one page."""

    resume_at: Any
    next_page: Any
    right_page: bool
    page_state: Any
    """``(quote_depth, counter_values, counter_scopes)``."""
    remake_state: dict[str, Any]
    """``content_changed``, ``pages_wanted``, ``anchors``, ``content_lookups``."""


def _entry(maker: list[Any], index: int) -> _Entry:
    """``maker[index]`` with its fields named (a change of shape fails here, loudly)."""
    resume_at, next_page, right_page, page_state, remake_state = maker[index]
    return _Entry(resume_at, next_page, right_page, page_state, remake_state)


def _counters(maker: list[Any], index: int) -> Any:
    """The page counter values of ``maker[index]``."""
    return _entry(maker, index).page_state[1]


def _options(options: dict[str, Any]) -> dict[str, Any]:
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.pdf import VARIANTS

    merged: dict[str, Any] = dict(DEFAULT_OPTIONS)
    merged.update(options)
    if variant := merged["pdf_variant"]:
        _, properties = VARIANTS[variant]
        for key, value in tuple(merged.items()):
            if value is None and key in properties:
                merged[key] = properties[key]
    return merged


def _context_and_root(html: Any, font_config: Any, options: dict[str, Any]) -> tuple[Any, Any, Any]:
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure.build import build_formatting_structure

    counter_style = CounterStyle()
    color_profiles: dict[str, Any] = {}
    context = Document._build_layout_context(html, font_config, counter_style, color_profiles, options)
    root_box = build_formatting_structure(
        html.etree_element,
        context.style_for,
        context.get_image_from_uri,
        html.base_url,
        context.target_collector,
        counter_style,
        context.footnotes,
    )
    return context, root_box, color_profiles


def _document(html: Any, pages: list[Any], font_config: Any, color_profiles: Any, options: dict[str, Any]) -> Any:
    from weasyprint.document import Document
    from weasyprint.html import get_html_metadata
    from weasyprint.pdf.metadata import DocumentMetadata

    document = Document(
        pages,
        DocumentMetadata(**get_html_metadata(html)),
        html.url_fetcher,
        font_config,
        color_profiles,
        options["output_intent"],
    )
    document._html = html
    return document


class _ImageContext:
    """What an SVG image needs of a layout context once the layout is done (fonts, images it links to).

    WeasyPrint's ``SVGImage`` keeps its layout context, which holds the styles of every element and the
    HTML tree: a page kept by a warm rebuild would keep its whole build alive, one build more for every
    page last laid out by another build. It is given this instead.
    """

    def __init__(self, context: Any):
        from functools import partial

        self.font_config = context.font_config
        fetch = context.get_image_from_uri
        self.get_image_from_uri = partial(fetch.func, *fetch.args, **{**fetch.keywords, "context": self})


def release_context(context: Any) -> int:
    """Point the SVG images of a finished layout to an :class:`_ImageContext`; how many were changed."""
    from weasyprint.images import SVGImage

    cache = context.get_image_from_uri.keywords.get("cache", {})  # partial(partial(f, cache=...), context=...)
    light = _ImageContext(context)
    changed = 0
    for image in cache.values():
        if isinstance(image, SVGImage) and image._context is context:
            image._context = light
            changed += 1
    return changed


def _carries(context: Any) -> bool:
    return bool(context.reported_footnotes or context.broken_out_of_flow)


def _page_units(page_box: Any, index_of: dict[Any, int]) -> tuple[int, int]:
    """First and last top-level block laid out on a page."""
    low, high = -1, -1

    def scan(box: Any, depth: int) -> None:
        nonlocal low, high
        found = index_of.get(getattr(box, "element", None))
        if found is not None and not getattr(box, "is_for_root_element", False):
            low = found if low < 0 else min(low, found)
            high = max(high, found)
            return
        if depth < 6:
            for child in getattr(box, "children", ()):
                scan(child, depth + 1)

    scan(page_box, 0)
    return low, high


def _index_of(blocks: list[Any]) -> dict[Any, int]:
    index: dict[Any, int] = {}
    for number, block in enumerate(blocks):
        for element in block.iter():
            index[element] = number
    return index


def _snapshot(
    key: tuple[Any, ...], blocks: list[Any], document: Any, context: Any, carry: dict[int, bool]
) -> LayoutSnapshot | None:
    """What a later build may reuse, or ``None`` when this document cannot be rebuilt in parts."""
    if any(pages for pages in context.running_elements.values() if any(pages.values())):
        return None  # running elements move between pages: always lay out everything
    if any(page._page_box.fixed_boxes for page in document.pages if page._page_box is not None):
        return None
    index_of = _index_of(blocks)
    info = []
    for number, page in enumerate(document.pages):
        if page._page_box is None:  # laid out by a worker (:mod:`.parallel`)
            first, last = page._publisher_units
        else:
            first, last = _page_units(page._page_box, index_of)
        info.append(PageInfo(first, last, carry.get(number, True)))
    string_set = {name: {n: list(v) for n, v in pages.items()} for name, pages in context.string_set.items()}
    digests = [_digest(block) for block in blocks]
    skeletons = [_digest(block, text=False) for block in blocks]
    return LayoutSnapshot(
        key,
        digests,
        skeletons,
        list(document.pages),
        copy.deepcopy(context.page_maker),
        string_set,
        info,
        moves=floats.moves(context),
        moved_units=_moved_units(context, index_of),
    )


def _moved_units(context: Any, index_of: dict[Any, int]) -> list[tuple[int, int]]:
    """The top-level blocks each figure that floated forward swapped with (first, last; -1: not a block's)."""
    found = []
    for elements in floats.moved_elements(context):
        units = [index_of.get(element, -1) for element in elements]
        found.append((min(units), max(units)))
    return found


def render(
    html: Any, font_config: Any, options: dict[str, Any], key: tuple[Any, ...], keep: bool = True, jobs: int = 1
) -> tuple[Any, LayoutSnapshot | None]:
    """Lay out the whole document, as WeasyPrint does; with ``keep``, also return what a later build may reuse.

    With ``jobs`` > 1, a long document's second part is laid out and painted
    by a worker process (:mod:`.parallel`).
    """
    from weasyprint.document import Page
    from weasyprint.layout import initialize_page_maker

    from . import paginate, parallel

    options = _options(options)
    context, root_box, color_profiles = _context_and_root(html, font_config, options)
    # The styles and boxes live as long as the layout: the collector need not walk them again and again
    # (a full collection walks every object; the box tree of a long report is most of them).
    gc.freeze()
    context._publisher_carry = {}
    context._publisher_keep = keep
    initialize_page_maker(context, root_box)
    worker = parallel.start(html, root_box, context, options, color_profiles, jobs) if jobs > 1 else None
    try:
        page_boxes = paginate.layout(html, root_box, context, remote=worker)
        pages = [None if paginate.is_placeholder(box) else Page(box) for box in page_boxes]
        if worker is not None:
            parallel.prepaint(pages, options, color_profiles)
            collected = worker.collect()
            if collected is None:
                if worker.problem:
                    import logging

                    logging.getLogger(__name__).debug("layout worker not used: %s", worker.problem)
                page_boxes = paginate.materialize(html, root_box, context, page_boxes)
                pages = [page or Page(page_boxes[number]) for number, page in enumerate(pages)]
            else:
                remote, strings = collected
                pages[len(pages) - len(remote) :] = remote
                for name, values in strings.items():
                    for number, found in values.items():
                        context.string_set[name][number] = found
    finally:
        if worker is not None:
            worker.stop()
        gc.unfreeze()
    document = _document(html, pages, font_config, color_profiles, options)
    document._publisher_maker = context.page_maker
    release_context(context)
    if not keep:
        return document, None
    blocks, head = units(html.etree_element)
    snap = _snapshot((*key, head), blocks, document, context, context._publisher_carry)
    return document, snap


def rerender(
    html: Any, font_config: Any, options: dict[str, Any], key: tuple[Any, ...], previous: LayoutSnapshot
) -> tuple[Any, LayoutSnapshot] | None:
    """Lay out only the pages an edit changed; ``None`` when the whole document must be laid out."""
    from weasyprint.document import Page
    from weasyprint.layout.page import remake_page

    from . import paginate

    blocks, head = units(html.etree_element)
    if (*key, head) != previous.key:
        return None
    digests = [_digest(block) for block in blocks]
    changed = next(
        (i for i, (a, b) in enumerate(zip(digests, previous.digests, strict=False)) if a != b),
        min(len(digests), len(previous.digests)),
    )
    same_end = 0
    while (
        same_end < min(len(digests), len(previous.digests)) - changed
        and digests[-1 - same_end] == previous.digests[-1 - same_end]
    ):
        same_end += 1
    changed_end = len(previous.digests) - same_end
    # Pages after the edit are kept only when it changed text alone: then no
    # selector (h2 + p, :last-child), counter (footnotes, lists) or block index
    # of the blocks after it can have changed.
    skeletons = [_digest(block, text=False) for block in blocks]
    text_only = len(digests) == len(previous.digests) and all(
        skeletons[n] == previous.skeletons[n] for n in range(changed, changed_end)
    )
    count = len(previous.pages)
    if changed == len(digests) == len(previous.digests):
        first = count  # nothing changed: every page is kept
    else:
        since = max(changed - 1, 0)
        first = next((n for n, page in enumerate(previous.info) if page.last_unit >= since), count - 1)
        while first > 0 and previous.info[first - 1].carry:
            first -= 1

    if changed < len(digests) or len(digests) != len(previous.digests):
        for low, high in previous.moved_units:
            if low < 0 or (high >= changed - 1 and (low <= changed_end or not text_only)):
                return None  # a figure floated past the edit: where it goes now, only a full layout says

    options = _options(options)
    context, root_box, color_profiles = _context_and_root(html, font_config, options)
    floats.record(context, root_box, previous.moves)
    maker = copy.deepcopy(previous.page_maker)
    for index in range(len(maker)):
        _entry(maker, index).remake_state.update(content_changed=False, pages_wanted=False, content_lookups=[])
    context.page_maker = maker
    context.rendered_notes = []
    collector = context.target_collector
    for number in range(count):
        for anchor in _entry(maker, number).remake_state["anchors"]:
            collector.cache_target_page_counters(anchor, _counters(maker, number + 1), number, maker)
    old_anchors = {n: list(_entry(maker, n).remake_state["anchors"]) for n in range(count)}
    for name, pages in previous.string_set.items():
        for n, values in pages.items():
            if n <= first:
                context.string_set[name][n] = list(values)

    made: dict[int, Any] = {}
    carries: dict[int, bool] = {}
    number = first
    while number < count:
        _entry(maker, number).remake_state.update(
            content_changed=False, pages_wanted=False, anchors=[], content_lookups=[]
        )
        before = maker[number + 1] if number + 1 < len(maker) else None
        page_box, resume_at = remake_page(number, context, root_box, html)
        made[number] = page_box
        carry = carries[number] = _carries(context)
        if resume_at is None and not context.reported_footnotes:
            if number + 1 != count:
                return None  # the document got shorter
            break
        if number + 1 >= count:
            return None  # the document got longer
        if (
            text_only
            and maker[number + 1] is before
            and not carry
            and not previous.info[number].carry
            and previous.info[number + 1].first_unit >= changed_end
        ):
            break  # this page ends where it ended before and the rest of the text is the same
        number += 1
    if len(floats.moves(context)) != len(previous.moves):
        return None  # a figure floated forward that did not before: the kept pages have it where it was
    # A page laid out again before the pages its references point to (the contents, laid out again with the
    # cover a batch's unit changed) learns their numbers afterwards: it is made again, as WeasyPrint's next
    # loop would, and must end where it ended.
    for _ in range(paginate.MAX_LOOPS):
        again = [n for n in sorted(made) if _entry(maker, n).remake_state["content_changed"]]
        if not again:
            break
        for n in again:
            _entry(maker, n).remake_state.update(
                content_changed=False, pages_wanted=False, anchors=[], content_lookups=[]
            )
            before = maker[n + 1] if n + 1 < len(maker) else None
            made[n], _ = remake_page(n, context, root_box, html)
            if maker[n + 1] is not before or _carries(context) != carries[n]:
                return None  # it ends elsewhere now: the pages after it would move
    states = [_entry(maker, index).remake_state for index in range(len(maker))]
    if any(state["content_changed"] or state["pages_wanted"] for state in states):
        return None  # a page number a page refers to has changed (the table of contents)
    for n in made:
        if states[n]["anchors"] != old_anchors[n]:
            return None  # an anchor moved to another page
        if made[n].fixed_boxes:
            return None

    # Bookmarks and named strings of the new pages, then their margin boxes (as layout_document does).
    paginate.named_strings(context, made, sorted(made))  # the pages laid out again: one bookmark per element
    for name, pages in previous.string_set.items():
        for n, values in pages.items():
            if n - 1 in made and context.string_set[name].get(n) != values:
                return None  # a running header changed: later pages would show the old one
    for name in context.string_set:
        if any(context.string_set[name].get(n + 1) for n in made) and name not in previous.string_set:
            return None
    for name, pages in previous.string_set.items():
        for n, values in pages.items():
            if n > first and n - 1 not in made:
                context.string_set[name][n] = list(values)

    paginate.margins(context, made, sorted(made))

    kept = [Page(made[n]) if n in made else previous.pages[n] for n in range(count)]
    document = _document(html, kept, font_config, color_profiles, options)
    document._publisher_maker = context.page_maker
    release_context(context)
    index_of = _index_of(blocks)
    info = [
        PageInfo(*_page_units(made[n], index_of), carries[n]) if n in made else old
        for n, old in enumerate(previous.info)
    ]
    string_set = {name: {n: list(v) for n, v in pages.items()} for name, pages in context.string_set.items()}
    snap = LayoutSnapshot(
        (*key, head),
        digests,
        skeletons,
        kept,
        maker,
        string_set,
        info,
        sorted(made),
        floats.moves(context),
        _moved_units(context, index_of),
    )
    return document, snap


def record_carry(remake_page: Any) -> Any:
    """Wrap WeasyPrint's ``remake_page`` to note which pages end with something carried over."""

    def wrapped(index: int, context: Any, root_box: Any, html: Any) -> Any:
        result = remake_page(index, context, root_box, html)
        carry = getattr(context, "_publisher_carry", None)
        if carry is not None:
            carry[index] = _carries(context)
        return result

    wrapped._publisher = True  # type: ignore[attr-defined]
    return wrapped


# --- Painting ----------------------------------------------------------------


@dataclass
class _Recorder:
    token: int
    resources: Any
    count: int = 0
    alphas: dict[str, Any] = field(default_factory=dict)
    images: dict[str, Any] = field(default_factory=dict)
    page_images: set[str] = field(default_factory=set)
    font_order: list[Any] = field(default_factory=list)
    """Keys of the fonts the page uses, in the order it first used them."""
    replayable: bool = True


@dataclass
class PaintRecord:
    """What painting one page wrote: content operators, the resources and glyphs they use."""

    token: int
    scale: float
    ops: list[Any]
    added: dict[str, dict[str, Any]]
    """Resources the page created (groups, patterns, states), as they were before the PDF was written."""
    alphas: dict[str, Any]
    fonts: dict[str, tuple[Any, dict[int, int], dict[int, str]]]
    images: dict[str, tuple[Any, bool, set[float]]]
    page_images: set[str]


_recording: ContextVar[_Recorder | None] = ContextVar("publisher_recording", default=None)
_KINDS = ("ExtGState", "XObject", "Pattern", "Shading")


class _Usage(dict):  # type: ignore[type-arg]
    """A font's glyph map seen through one page: records every glyph the page reads or adds."""

    def __init__(self, base: dict[Any, Any]):
        super().__init__()
        self.base = base

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        if key in self.base:
            dict.__setitem__(self, key, self.base[key])
            return True
        return False

    def __getitem__(self, key: Any) -> Any:
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, self.base[key])
        return dict.__getitem__(self, key)

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if key in self else default

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self.base[key] = value


def _token(stream: Any) -> _Recorder | None:
    recorder = _recording.get()
    if recorder is not None and stream._resources is recorder.resources:
        return recorder
    return None


def _pdf_copy(value: Any) -> Any:
    """A copy of a PDF object made for one file, to be written into another.

    Writing a PDF replaces objects in resource dictionaries by references into
    that file, so what a page created is copied before the first write and again
    for each replay. Only what pydyf writes is kept.
    """
    import pydyf

    if isinstance(value, pydyf.Stream):
        return pydyf.Stream(list(value.stream), _pdf_copy(value.extra), value.compress)
    if isinstance(value, pydyf.Dictionary):
        return pydyf.Dictionary({key: _pdf_copy(item) for key, item in value.items()})
    if isinstance(value, pydyf.Array):
        return pydyf.Array(_pdf_copy(item) for item in value)
    if isinstance(value, dict):
        return {key: _pdf_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_pdf_copy(item) for item in value]
    return value


def _paint_recorded(page: Any, stream: Any, scale: float, token: int, paint: Any) -> PaintRecord | None:
    fonts = stream._fonts
    resources = stream._resources
    before = {kind: set(resources[kind]) for kind in _KINDS}
    start = len(stream.stream)
    views: dict[str, tuple[Any, _Usage, _Usage]] = {}
    missing = {key: len(font.missing) for key, font in fonts.items()}
    for key, font in fonts.items():
        widths, to_unicode = _Usage(font.widths), _Usage(font.to_unicode)
        views[key] = (font, widths, to_unicode)
        font.widths, font.to_unicode = widths, to_unicode
    recorder = _Recorder(token, resources)
    reset = _recording.set(recorder)
    try:
        paint(page, stream, scale)
    finally:
        _recording.reset(reset)
        for font, widths, to_unicode in views.values():
            font.widths, font.to_unicode = widths.base, to_unicode.base
    used: dict[str, tuple[Any, dict[int, int], dict[int, str]]] = {}
    for key, font in fonts.items():
        if len(font.missing) != missing.get(key, 0):
            recorder.replayable = False  # .notdef glyphs get numbers in document order
    for key in recorder.font_order:
        font = fonts[key]
        if key in views:
            _, widths, to_unicode = views[key]
            used[key] = (_pristine(font), dict(widths), dict(to_unicode))
        else:
            used[key] = (_pristine(font), dict(font.widths), dict(font.to_unicode))
    if not recorder.replayable:
        return None
    added = {
        kind: {name: _pdf_copy(resources[kind][name]) for name in resources[kind] if name not in before[kind]}
        for kind in _KINDS
        if kind != "ExtGState"
    }
    added["ExtGState"] = {
        name: _pdf_copy(value)
        for name, value in resources["ExtGState"].items()
        if name not in before["ExtGState"] and name not in recorder.alphas
    }
    for name in recorder.page_images:
        added["XObject"].pop(name, None)
    return PaintRecord(
        token,
        scale,
        stream.stream[start:],
        added,
        dict(recorder.alphas),
        used,
        dict(recorder.images),
        set(recorder.page_images),
    )


_UNPORTABLE = ("hb_font", "hb_face", "_publisher_face_data")
"""``Font`` attributes that are HarfBuzz objects of one process."""
_faces: dict[bytes, tuple[Any, Any, Any]] = {}
"""HarfBuzz faces made from the font files sent by a worker, by digest."""
_face_keys: dict[int, tuple[bytes, bytes]] = {}
"""Digests of font files already seen (one font file arrives once per message, shared by its pages)."""


def _op_bytes(op: Any) -> bytes:
    """A content-stream item as pydyf's ``Stream.data`` writes it: most are bytes, but marked content (the
    ActualText of :mod:`.actualtext`) adds a ``str`` tag and a ``Dictionary`` of properties."""
    import pydyf

    if isinstance(op, bytes):
        return op
    if isinstance(op, pydyf.Object):
        return bytes(op.data)
    if isinstance(op, float):
        return (str(int(op)) if op.is_integer() else f"{op:f}".rstrip("0")).encode("ascii")
    return str(op).encode("ascii")


def portable(record: PaintRecord) -> PaintRecord:
    """``record`` as it can be pickled to another process: operators as one byte string, fonts as plain state."""
    fonts = {
        key: ({name: value for name, value in vars(font).items() if name not in _UNPORTABLE}, widths, to_unicode)
        for key, (font, widths, to_unicode) in record.fonts.items()
    }
    ops = [b"\n".join(_op_bytes(op) for op in record.ops)] if record.ops else []
    return PaintRecord(
        record.token, record.scale, ops, record.added, record.alphas, fonts, record.images, record.page_images
    )


def local(record: PaintRecord) -> PaintRecord:
    """A record from :func:`portable` with its fonts made again in this process."""
    from weasyprint.pdf.fonts import Font

    fonts = {}
    for key, (state, widths, to_unicode) in record.fonts.items():
        font = Font.__new__(Font)
        vars(font).update(state)
        font._publisher_face_data, font.hb_face, font.hb_font = _face(state["file_content"], state["index"])
        fonts[key] = (font, widths, to_unicode)
    return PaintRecord(
        record.token, record.scale, record.ops, record.added, record.alphas, fonts, record.images, record.page_images
    )


def _face(data: bytes, index: int) -> tuple[Any, Any, Any]:
    """A HarfBuzz face and font of a font file sent by a worker (the data is kept alive with them)."""
    from weasyprint.text.ffi import ffi, harfbuzz

    known = _face_keys.get(id(data))
    if known is not None and known[0] is data:
        key = known[1]
    else:
        key = hashlib.blake2b(data, digest_size=20).digest()
        if len(_face_keys) >= 64:
            _face_keys.clear()
        _face_keys[id(data)] = (data, key)
    key += index.to_bytes(4, "little")
    found = _faces.get(key)
    if found is not None:
        return found
    if not hasattr(harfbuzz, "hb_face_create"):
        from .prebuilt import EXTRA

        ffi.cdef(EXTRA)
    buffer = ffi.from_buffer(data)
    blob = harfbuzz.hb_blob_create(buffer, len(data), 1, ffi.NULL, ffi.NULL)  # 1: read-only, not copied
    face = ffi.gc(harfbuzz.hb_face_create(blob, index), harfbuzz.hb_face_destroy)
    harfbuzz.hb_blob_destroy(blob)  # the face holds its own reference
    font = ffi.gc(harfbuzz.hb_font_create(face), harfbuzz.hb_font_destroy)
    if len(_faces) >= 32:
        _faces.clear()
    found = _faces[key] = ((data, buffer), face, font)
    return found


def _pristine(font: Any) -> Any:
    """A copy of a ``Font`` as it is before writing, which subsets it in place, and with no glyph used."""
    template = copy.copy(font)
    template.widths, template.to_unicode, template.missing = {}, {}, {}
    template.variations = dict(font.variations)
    template.used_in_forms = False
    return template


def _replay(record: PaintRecord, stream: Any) -> bool:
    """Write a recorded page into ``stream``; ``False`` (nothing written) if its glyph widths disagree."""
    fonts = stream._fonts
    for key, (_, widths, _) in record.fonts.items():
        font = fonts.get(key)
        if font is None:
            continue
        for glyph, width in widths.items():
            if font.widths.get(glyph, width) != width:
                return False
    for key, (template, widths, to_unicode) in record.fonts.items():
        font = fonts.get(key)
        if font is None:
            font = fonts[key] = _pristine(template)
        for glyph, width in widths.items():
            font.widths.setdefault(glyph, width)
        for glyph, text in to_unicode.items():
            font.to_unicode.setdefault(glyph, text)
    resources = stream._resources
    for name, value in record.alphas.items():
        resources["ExtGState"].setdefault(name, _pdf_copy(value))
    for kind, objects in record.added.items():
        for name, value in objects.items():
            resources[kind][name] = _pdf_copy(value)
    images = stream._images
    for name, (image, interpolate, ratios) in record.images.items():
        entry = images.get(name)
        if entry is None:
            images[name] = {"image": image, "interpolate": interpolate, "dpi_ratios": set(ratios), "x_object": None}
        else:
            entry["dpi_ratios"] |= ratios
    for name in record.page_images:
        resources["XObject"].setdefault(name, None)
    stream.stream.extend(record.ops)
    return True


class _Memo:
    """Results of pure, costly steps of writing a PDF, by digest of their input; bounded in bytes."""

    def __init__(self, limit: int):
        self.limit = limit
        self.size = 0
        self.items: dict[Any, bytes] = {}

    def get(self, key: Any) -> bytes | None:
        value = self.items.pop(key, None)
        if value is not None:
            self.items[key] = value  # most recently used last
        return value

    def put(self, key: Any, value: bytes) -> None:
        if key in self.items:
            return
        self.items[key] = value
        self.size += len(value)
        while self.size > self.limit and self.items:
            oldest = next(iter(self.items))
            self.size -= len(self.items.pop(oldest))


_compressed = _Memo(64 << 20)
"""Deflated streams: the pages and fonts an edit did not change compress to the same bytes."""
_subsets = _Memo(64 << 20)
"""Font subsets, by font file and glyphs."""


def _digest_bytes(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


# --- Styles ------------------------------------------------------------------

_stylesheets: weakref.WeakKeyDictionary[Any, dict[Any, Any]] = weakref.WeakKeyDictionary()
"""Parsed stylesheets by font configuration (their ``@font-face`` rules are registered there)."""

_UNCACHED_RULES = ("@import", "@layer", "layer(", "@counter-style", "@color-profile")
"""A stylesheet with one of these is parsed every build: they fetch other files or
register in tables that WeasyPrint makes anew for each document."""


def _stylesheet_cache(find_stylesheets: Any) -> Any:
    """Wrap WeasyPrint's ``find_stylesheets`` so a stylesheet that did not change is not parsed again.

    Parsed sheets are kept with the font configuration (their ``@font-face``
    rules are registered there), by text, base URL, media and the folders the
    URL fetcher allows (a linked file by its text too). Each sheet keeps its
    own ``@page`` rules.
    """
    from weasyprint import CSS
    from weasyprint.css import get_child_text, media_queries
    from weasyprint.html import element_has_link_type, parse_url
    from weasyprint.logger import LOGGER
    from weasyprint.urls import URLFetchingError

    def parse(cache: dict[Any, Any], key: Any, text: str | None, **kwargs: Any) -> Any:
        if key is not None and text is not None and not any(rule in text for rule in _UNCACHED_RULES):
            found = cache.get(key)
            if found is None:
                found = cache[key] = CSS(page_rules=[], **{**kwargs, "layers": []})
            return found
        return CSS(page_rules=[], **kwargs)

    def wrapped(
        wrapper_element: Any,
        device_media_type: str,
        url_fetcher: Any,
        base_url: Any,
        font_config: Any,
        counter_style: Any,
        color_profiles: Any,
        page_rules: Any,
        layers: Any,
    ) -> Any:
        cache = _stylesheets.setdefault(font_config, {})
        roots = url_fetcher.cache_key if isinstance(url_fetcher, ProjectFetcher) else None
        common = dict(
            url_fetcher=url_fetcher,
            media_type=device_media_type,
            font_config=font_config,
            counter_style=counter_style,
            color_profiles=color_profiles,
        )
        for wrapper in wrapper_element.query_all("style", "link"):
            element = wrapper.etree_element
            if element.get("type", "text/css").split(";", 1)[0].strip() != "text/css":
                continue
            media = [m.strip() for m in (element.get("media", "").strip() or "all").split(",")]
            if not media_queries.evaluate_media_query(media, device_media_type):
                continue
            if element.tag == "style":
                content = get_child_text(element)
                key: tuple[Any, ...] | None = (
                    ("style", content, base_url, device_media_type, roots) if roots is not None else None
                )
                yield parse(cache, key, content, string=content, base_url=base_url, layers=layers, **common)
            elif element.tag == "link" and element.get("href"):
                if not element_has_link_type(element, "stylesheet") or element_has_link_type(element, "alternate"):
                    continue
                href = parse_url(element.get("href"), base_url)
                if href is None:
                    continue
                key, text = None, None
                if roots is not None and href.startswith("file:"):
                    from urllib.request import url2pathname

                    path = Path(url2pathname(href.removeprefix("file:")))
                    try:
                        text = path.read_text(encoding="utf-8", errors="replace")
                    except OSError:
                        pass
                    else:
                        key = ("link", href, text, device_media_type, roots)
                        assert isinstance(url_fetcher, ProjectFetcher)
                        url_fetcher.read.add(path.resolve())
                try:
                    yield parse(cache, key, text, url=href, layers=layers, _check_mime_type=True, **common)
                except URLFetchingError as exception:  # as WeasyPrint: a stylesheet that cannot be fetched is skipped
                    LOGGER.error("Failed to load stylesheet at %s: %s", href, exception)

    wrapped._publisher = True  # type: ignore[attr-defined]
    return wrapped


def install() -> None:
    """Patch WeasyPrint 70 so pages can be recorded and replayed, and resources are named per page. Idempotent."""
    import pydyf
    from weasyprint.document import Page
    from weasyprint.layout import page as page_module
    from weasyprint.pdf.fonts import Font
    from weasyprint.pdf.stream import Stream

    if getattr(Page.paint, "_publisher", False):
        return
    from . import require

    require()
    if not getattr(page_module.remake_page, "_publisher", False):
        page_module.remake_page = record_carry(page_module.remake_page)
    from . import paginate

    paginate.install()
    from weasyprint import css as css_module

    if not getattr(css_module.find_stylesheets, "_publisher", False):
        css_module.find_stylesheets = _stylesheet_cache(css_module.find_stylesheets)

    paint = Page.paint

    def page_paint(self: Any, stream: Any, scale: float = 1) -> None:
        token = getattr(self, "_publisher_index", None)
        if token is None or stream._tags is not None or self.forms != {None: []}:
            paint(self, stream, scale)
            return
        record: PaintRecord | None = getattr(self, "_publisher_paint", None)
        if record is not None and record.token == token and record.scale == scale and _replay(record, stream):
            return
        self._publisher_paint = _paint_recorded(self, stream, scale, token, paint)

    page_paint._publisher = True  # type: ignore[attr-defined]
    Page.paint = page_paint

    def named(kind: str, prefix: str, create: Any) -> Any:
        def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
            made = create(self, *args, **kwargs)
            recorder = _token(self)
            if recorder is not None:
                del self._resources[kind][made.id]
                made.id = f"{prefix}{recorder.token}_{recorder.count}"
                recorder.count += 1
                self._resources[kind][made.id] = made
            return made

        return wrapped

    Stream.add_group = named("XObject", "x", Stream.add_group)
    Stream.add_pattern = named("Pattern", "p", Stream.add_pattern)
    Stream.add_shading = named("Shading", "s", Stream.add_shading)

    def set_state(self: Any, state: Any) -> None:
        recorder = _token(self)
        if recorder is None:
            key = f"s{len(self._resources['ExtGState'])}"
        else:
            key = f"s{recorder.token}_{recorder.count}"
            recorder.count += 1
        self._resources["ExtGState"][key] = state
        pydyf.Stream.set_state(self, key)

    Stream.set_state = set_state

    set_alpha = Stream.set_alpha

    def record_alpha(self: Any, alpha: float, stroke: bool = False, fill: Any = None) -> None:
        set_alpha(self, alpha, stroke, fill)
        recorder = _token(self)
        if recorder is not None:
            for key in (self._current_alpha, self._current_alpha_stroke):
                if key is not None and key not in recorder.alphas:
                    recorder.alphas[key] = _pdf_copy(self._resources["ExtGState"][key])

    Stream.set_alpha = record_alpha

    add_image = Stream.add_image

    def record_image(self: Any, image: Any, interpolate: bool, ratio: float) -> str:
        name = add_image(self, image, interpolate, ratio)
        recorder = _recording.get()
        if recorder is not None:
            entry = self._images[name]
            recorder.images[name] = (entry["image"], entry["interpolate"], set(entry["dpi_ratios"]))
            if self._resources is recorder.resources:
                recorder.page_images.add(name)
        return str(name)

    Stream.add_image = record_image

    add_font = Stream.add_font

    def record_font(self: Any, pango_font: Any) -> Any:
        result = add_font(self, pango_font)
        recorder = _recording.get()
        if recorder is not None:
            font = result[0]
            if not any(self._fonts.get(key) is font for key in recorder.font_order):
                recorder.font_order.extend(key for key, value in self._fonts.items() if value is font)
        return result

    Stream.add_font = record_font

    def stream_data(self: Any) -> bytes:
        stream = b"\n".join(pydyf._to_bytes(item) for item in self.stream)
        extra = pydyf.Dictionary(self.extra.copy())
        if self.compress:
            extra["Filter"] = "/FlateDecode"
            key = _digest_bytes(stream)
            packed = _compressed.get(key)
            if packed is None:
                compressor = zlib.compressobj(level=9)
                packed = compressor.compress(stream) + compressor.flush()
                _compressed.put(key, packed)
            stream = packed
        extra["Length"] = len(stream)
        return b"\n".join((extra.data, b"stream", stream, b"endstream"))

    pydyf.Stream.data = property(stream_data)

    subset = Font.subset

    def memo_subset(self: Any, to_unicode: dict[int, str], hinting: bool) -> None:
        if not to_unicode:
            return
        key = (_digest_bytes(self.file_content), self.index, tuple(sorted(to_unicode)), hinting, bool(self.missing))
        found = _subsets.get(key)
        if found is not None:
            self.file_content = found
            return
        subset(self, to_unicode, hinting)
        _subsets.put(key, self.file_content)

    Font.subset = memo_subset


def number_pages(document: Any) -> None:
    """Give each page its index: its recorded painting is replayed only at the same place."""
    for number, page in enumerate(document.pages):
        page._publisher_index = number
