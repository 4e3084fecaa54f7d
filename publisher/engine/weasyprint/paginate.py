"""Pagination that lays out each page once.

WeasyPrint's ``layout_document`` paginates in loops: the first loop lays out
every page, then the pages whose content depends on page numbers of other
pages (the table of contents: ``target-counter()``) are made again. When the
table of contents then takes one page more or less, every later page is in a
new state (its page number changed), so WeasyPrint lays out every page after
it again: a long report is laid out twice.

:func:`layout` does what ``layout_document`` does, with one shortcut: when a
page made again ends in a state that an old page started from, the same but
for its page number, the old pages from there on are *shifted* instead of
laid out again: their page numbers, sides and the page counters of their
states change, nothing else. That is exact when nothing on those pages
depends on the page number, which :func:`shift_rules` checks on the
document's ``@page`` rules (no ``:nth()``, no page or footnote-area
declarations for ``:left``/``:right`` pages unless the shift is even) and
the splice checks on the pages (no blank pages or left/right breaks across
an odd shift, no page counters in content, which are made again instead).
Page margin boxes (running headers, page numbers) are made after pagination,
as WeasyPrint does, so they show the final numbers.

The result is the list of page boxes ``layout_document`` yields, the same
boxes (``tests/test_paginate.py`` compares the PDFs).

This module calls WeasyPrint 70 internals (``remake_page``,
``initialize_page_maker``, ``make_margin_boxes``, the ``page_maker``
entries) behind the engine's version gate, and :func:`install` replaces
``TargetCollector.cache_target_page_counters``, whose cost grew with the
number of anchors times the number of references (a long contents made
pagination quadratic), by the same steps on an index.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import floats

MAX_LOOPS = 8
"""As WeasyPrint: pagination loops before giving up on page references that keep changing."""

_BREAKS_WITH_SIDE = ("left", "right", "recto", "verso")
_PAGE_AREAS = (None, "@footnote", "@note-area")
"""Pseudo-types of page rules that change the page area (not a margin box)."""


@dataclass
class ShiftRules:
    """What the document's ``@page`` rules allow when pages are shifted."""

    any: bool
    """Pages may be shifted at all (no rule selects pages by their number)."""
    odd: bool
    """Pages may move by an odd number (no page-area declarations for left or right pages)."""


def shift_rules(style_for: Any) -> ShiftRules:
    """Read the ``@page`` rules: may pages be shifted (and by an odd number) instead of laid out again?"""
    any_shift = odd = True
    for sheet, _, _ in style_for._sheets:
        for _, selectors, declarations in sheet.page_rules:
            for _, pseudo_type, selector in selectors:
                if selector.index is not None:
                    any_shift = False
                if selector.side is not None and declarations and pseudo_type in _PAGE_AREAS:
                    odd = False
    return ShiftRules(any_shift, odd and any_shift)


@dataclass
class Stats:
    """What a pagination did."""

    made: int = 0
    """Pages laid out (``remake_page`` calls)."""
    shifted: int = 0
    """Pages kept from an earlier loop with a new page number."""
    loops: int = 0
    shifts: list[int] = field(default_factory=list)
    """The shift of each splice."""
    remote: int = 0
    """Pages laid out by a worker process."""
    floated: int = 0
    """Moves of figures floated forward (:mod:`.floats`), the worker's included."""


class Remote(Protocol):
    """Pages laid out by another process (:mod:`.parallel`), from a page break on."""

    resume_at: Any
    """Where its first page starts (a ``page_maker`` skip stack)."""
    moves: list[Any]
    """The figures it floated forward once merged (:class:`.floats.Move`)."""

    def merge(self, context: Any, at: int, rules: ShiftRules) -> list[Any] | None:
        """Its pages as placeholders if its first page may follow page ``at - 1`` (else ``None``); merges states."""

    def release(self, context: Any, pages: list[Any]) -> None:
        """Pagination is final: send the pages their numbers, or stop the worker if some were laid out here."""


def is_placeholder(page: Any) -> bool:
    """A page laid out by another process, not here."""
    return getattr(page, "remote", False) is True


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple((key, _freeze(item)) for key, item in value.items())
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


def _groups(resume_at: Any, groups: list[Any]) -> list[Any]:
    """The page groups a page starting at ``resume_at`` is still in (the others end before it)."""
    from weasyprint.layout.page import _includes_resume_at

    return [group for group in groups if _includes_resume_at(resume_at, group[2])]


def same_state(old: Any, new: Any, shift: int, rules: ShiftRules) -> bool:
    """Whether a page laid out from the ``page_maker`` entry ``old`` is valid from ``new``, ``shift`` pages later."""
    old_resume, old_next, old_right, old_state, _ = old
    new_resume, new_next, new_right, new_state, _ = new
    if old_resume != new_resume or old_next != new_next:
        return False
    if shift % 2 and (not rules.odd or old_next["break"] in _BREAKS_WITH_SIDE):
        return False
    if old_right != (new_right ^ bool(shift % 2)):
        return False
    old_depth, old_counters, old_scopes, old_groups = old_state
    new_depth, new_counters, new_scopes, new_groups = new_state
    if old_depth != new_depth or old_scopes != new_scopes:
        return False
    if old_counters.keys() != new_counters.keys() or "page" not in old_counters:
        return False
    if any(old_counters[name] != new_counters[name] for name in old_counters if name != "page"):
        return False
    old_page, new_page = old_counters["page"], new_counters["page"]
    if len(old_page) != 1 or len(new_page) != 1 or old_page[0] + shift != new_page[0]:
        return False
    return _groups(old_resume, old_groups) == _groups(new_resume, new_groups)


def _shifted_entry(entry: Any, shift: int) -> Any:
    resume_at, next_page, right_page, page_state, remake_state = entry
    depth, counters, scopes, groups = copy.deepcopy(page_state)
    counters["page"] = [counters["page"][0] + shift]
    return (resume_at, next_page, right_page ^ bool(shift % 2), (depth, counters, scopes, groups), remake_state)


class _Pagination:
    def __init__(self, context: Any, root_box: Any, html: Any, rules: ShiftRules, stats: Stats):
        self.context = context
        self.root_box = root_box
        self.html = html
        self.rules = rules
        self.stats = stats

    def make_all_pages(self, pages: list[Any], remote: Remote | None = None) -> list[Any]:
        """WeasyPrint's ``make_all_pages``, which shifts old pages where it can instead of making them again.

        On the first loop, the pages of ``remote`` are taken as they are once
        this process reaches the page break they start at.
        """
        from weasyprint.layout import page as page_module

        context = self.context
        old_maker = [(*entry[:4], copy.deepcopy(entry[4])) for entry in context.page_maker]
        old_pages = list(pages)
        starts: dict[Any, list[int]] = {}
        if self.rules.any:
            for index, entry in enumerate(old_maker[: len(old_pages)]):
                if index:
                    starts.setdefault(_freeze(entry[0]), []).append(index)
        made: list[Any] = []
        index = 0
        context.rendered_notes = []
        while True:
            remake_state = context.page_maker[index][-1]
            if index >= len(pages) or remake_state["content_changed"] or remake_state["pages_wanted"]:
                remake_state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
                before = context.page_maker[index + 1] if index + 1 < len(context.page_maker) else None
                page, resume_at = page_module.remake_page(index, context, self.root_box, self.html)
                self.stats.made += 1
                reported = context.reported_footnotes
                made.append(page)
                after = context.page_maker[index + 1]
                if after is not before and resume_at is not None and not reported and old_pages:
                    pages = self._splice(index + 1, made, pages, old_maker, old_pages, starts)
                if (
                    remote is not None
                    and resume_at is not None
                    and after[0] == remote.resume_at
                    and not reported
                    and not context.broken_out_of_flow
                ):
                    tail = remote.merge(context, index + 1, self.rules)
                    if tail is not None:
                        # Its figures floated forward: the same moves here, so these boxes are its boxes.
                        floats.record(context, self.root_box, remote.moves)
                    remote = None
                    if tail is not None:
                        made.extend(tail)
                        self.stats.remote = len(tail)
                        return made
            else:
                resume_at = context.page_maker[index + 1][0]
                reported = None
                made.append(pages[index])
            index += 1
            if resume_at is None and not reported:
                context.page_maker = context.page_maker[: index + 1]
                context.broken_out_of_flow.clear()
                context.reported_footnotes.clear()
                return made

    def _splice(
        self,
        at: int,
        made: list[Any],
        pages: list[Any],
        old_maker: list[Any],
        old_pages: list[Any],
        starts: dict[Any, list[int]],
    ) -> list[Any]:
        """If the new state before page ``at`` is an old page's, the same but for its number: shift the old pages."""
        maker = self.context.page_maker
        new = maker[at]
        for old in starts.get(_freeze(new[0]), ()):
            shift = at - old
            if not same_state(old_maker[old], new, shift, self.rules):
                continue
            tail = old_pages[old:]
            if shift % 2 and any(page.page_type.blank for page in tail):
                continue
            self._shift(at, old, shift, old_maker, tail)
            return made[:at] + self._shifted_pages(tail, shift, at)
        return pages

    def _shift(self, at: int, old: int, shift: int, old_maker: list[Any], tail: list[Any]) -> None:
        context = self.context
        maker = context.page_maker
        resume_at, next_page, right_page, page_state, _ = maker[at]
        maker[at] = (resume_at, next_page, right_page, page_state, copy.deepcopy(old_maker[old][4]))
        del maker[at + 1 :]
        maker.extend(_shifted_entry(entry, shift) for entry in old_maker[old + 1 :])
        carry = getattr(context, "_publisher_carry", None)
        if carry is not None:  # what :func:`.incremental.record_carry` noted of each page
            before = dict(carry)
            for number in range(len(tail)):
                carry[at + number] = before.get(old + number, True)
        self.stats.shifted += len(tail)
        self.stats.shifts.append(shift)
        # Counter lookups on the shifted pages (their page index) and anchors (their page counters).
        collector = context.target_collector
        lookups = {id(item): item for item in collector.counter_lookup_items.values()}
        for number in range(at, at + len(tail)):
            state = maker[number][4]
            for lookup_id in state["content_lookups"]:
                item = lookups.get(lookup_id)
                if item is None:
                    continue
                item.page_maker_index = number
                if item.missing_counters:
                    state["content_changed"] = True  # a page counter in the content: make the page again
        for number in range(at, at + len(tail)):
            counters = maker[number + 1][3][1]
            for anchor in maker[number][4]["anchors"]:
                collector.cache_target_page_counters(anchor, counters, number, maker)

    def _shifted_pages(self, tail: list[Any], shift: int, at: int) -> list[Any]:
        from weasyprint.layout.page import set_page_type_computed_styles

        for number, page in enumerate(tail, start=at):
            side = page.page_type.side
            if shift % 2:
                side = "left" if side == "right" else "right"
            page.page_type = page.page_type._replace(side=side, index=number)
            set_page_type_computed_styles(page.page_type, self.html, self.context.style_for)
        return tail


def layout(
    html: Any, root_box: Any, context: Any, stats: Stats | None = None, remote: Remote | None = None
) -> list[Any]:
    """Lay out the document as WeasyPrint's ``layout_document``, each page once where page numbers allow it.

    With ``remote``, the pages from its page break on come from another
    process: they are placeholders in the list returned (see
    :func:`is_placeholder`), already numbered, and that process makes their
    margin boxes; the context's ``page_maker`` has their states. Call
    ``initialize_page_maker`` before starting ``remote``.
    """
    stats = stats if stats is not None else Stats()
    if not getattr(context, "page_maker", None):
        from weasyprint.layout import initialize_page_maker

        initialize_page_maker(context, root_box)
    pagination = _Pagination(context, root_box, html, shift_rules(context.style_for), stats)
    pages: list[Any] = []
    original_footnotes: list[Any] = []
    actual_total_pages = 0
    for loop in range(MAX_LOOPS):
        stats.loops = loop + 1
        if loop > 0:
            context.footnotes = original_footnotes.copy()
        initial_total_pages = actual_total_pages
        if loop == 0:
            original_footnotes = context.footnotes.copy()
        pages = pagination.make_all_pages(pages, remote if loop == 0 else None)
        actual_total_pages = len(pages)
        reloop_content = reloop_pages = False
        for _, _, _, page_state, remake_state in context.page_maker:
            page_state[1]["pages"] = [actual_total_pages]
            if remake_state["content_changed"]:
                reloop_content = True
            if remake_state["pages_wanted"]:
                reloop_pages = initial_total_pages != actual_total_pages
        if not reloop_content and not reloop_pages:
            break
    stats.floated = len(floats.moves(context))
    local = [number for number, page in enumerate(pages) if not is_placeholder(page)]
    named_strings(context, pages, local)
    if remote is not None:
        remote.release(context, pages)
    margins(context, pages, local)
    return pages


def materialize(html: Any, root_box: Any, context: Any, pages: list[Any]) -> list[Any]:
    """Lay out here the placeholders of ``pages`` (their worker failed), from the states pagination left."""
    from weasyprint.layout import page as page_module

    numbers = [number for number, page in enumerate(pages) if is_placeholder(page)]
    if not numbers:
        return pages
    maker = context.page_maker
    made = list(pages)
    for number in numbers:
        expected = maker[number + 1]
        maker[number][4].update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
        made[number], _ = page_module.remake_page(number, context, root_box, html)
        found = maker[number + 1]
        if found is not expected and found[:4] != expected[:4]:
            raise RuntimeError(f"page {number + 1} does not end where its worker said")
    named_strings(context, made, numbers)
    margins(context, made, numbers)
    return made


def named_strings(context: Any, pages: Any, numbers: list[int]) -> None:
    """Named strings and bookmarks of pages ``numbers`` (``pages[number]``: a list or a dict), in order (the first
    part of finishing, as WeasyPrint)."""
    links = _links(context.target_collector)
    bookmarked = getattr(context, "_publisher_bookmarked", None)
    if bookmarked is None:
        bookmarked = context._publisher_bookmarked = {"": [], "::before": [], "::after": []}
    for number in numbers:
        page = pages[number]
        counters = context.page_maker[number + 1][3][1]
        for child in page.descendants():
            if child.bookmark_label:
                suffix = next((end for end in ("::before", "::after") if child.element_tag.endswith(end)), "")
                if child.element in bookmarked[suffix]:
                    child.bookmark_label = ""
                else:
                    bookmarked[suffix].append(child.element)
            if child.missing_link:
                for box, css_token, item in links.get(id(child.missing_link), ()):
                    if css_token == "bookmark-label" and not child.bookmark_label:
                        continue
                    item.parse_again(counters)
                    if css_token == "bookmark-label":
                        child.bookmark_label = box.bookmark_label
            string_sets = child.string_set
            if string_sets and string_sets != "none":
                for name, text in string_sets:
                    context.string_set[name][number + 1].append(text)


def _links(collector: Any) -> dict[int, list[tuple[Any, str, Any]]]:
    """The lookups other than ``content`` (string-set, bookmark-label) of each box, in WeasyPrint's order.

    WeasyPrint scans every lookup for every box that has one: a long table of
    contents made that quadratic.
    """
    items = collector.counter_lookup_items
    found: tuple[int, dict[int, list[tuple[Any, str, Any]]]] | None = getattr(collector, "_publisher_links", None)
    if found is not None and found[0] == len(items):
        return found[1]
    index: dict[int, list[tuple[Any, str, Any]]] = {}
    for (box, css_token), item in items.items():
        if css_token != "content":
            index.setdefault(id(box), []).append((box, css_token, item))
    collector._publisher_links = (len(items), index)
    return index


def margins(context: Any, pages: Any, numbers: list[int]) -> None:
    """Fixed boxes, margin boxes and backgrounds of pages ``numbers`` (the named strings of all before them known).

    ``pages`` is the list of all pages, or a dict of some pages without fixed boxes.
    """
    from weasyprint.layout import layout_fixed_boxes, make_margin_boxes
    from weasyprint.layout.background import layout_backgrounds

    fixed = isinstance(pages, list) and any(page.fixed_boxes for page in pages)
    for number in numbers:
        page = pages[number]
        root, footnote_area, note_area = page.children
        if fixed:
            root.children = [
                *layout_fixed_boxes(context, pages[:number], page),
                *root.children,
                *layout_fixed_boxes(context, pages[number + 1 :], page),
            ]
        context.current_page = number + 1
        state = context.page_maker[number + 1][3]
        page_children = [root]
        if footnote_area.children:
            page_children.append(footnote_area)
        if note_area.children:
            page_children.append(note_area)
        page_children.extend(make_margin_boxes(context, page, state))
        page.children = tuple(page_children)
        layout_backgrounds(page, context.get_image_from_uri)


def _empty_running_head(box: Any) -> bool:
    """A margin box whose content is only named strings, all empty on its page: not drawn, nor its rule.

    (A chapter's opening page shows no running head: ``string(part, first-except)`` is empty there.)
    """
    content = box.style["content"]
    if not isinstance(content, (list, tuple)) or not content:
        return False
    if any(not isinstance(item, tuple) or item[0] != "string()" for item in content):
        return False
    return not any(getattr(child, "text", "") for child in box.descendants())


def install() -> None:
    """Replace ``TargetCollector.cache_target_page_counters`` by the same steps on an index of references, and
    leave out the margin boxes of :func:`_empty_running_head` (where WeasyPrint and :func:`margins` make them)."""
    from weasyprint import layout as layout_module
    from weasyprint.css.targets import TargetCollector

    if not getattr(layout_module.make_margin_boxes, "_publisher", False):
        make_margin_boxes = layout_module.make_margin_boxes

        def shown_margin_boxes(context: Any, page: Any, state: Any) -> Any:
            for box in make_margin_boxes(context, page, state):
                if not _empty_running_head(box):
                    yield box

        shown_margin_boxes._publisher = True  # type: ignore[attr-defined]
        layout_module.make_margin_boxes = shown_margin_boxes

    if getattr(TargetCollector.cache_target_page_counters, "_publisher", False):
        return

    def cache_target_page_counters(
        self: Any, anchor_name: str, page_counter_values: Any, page_maker_index: int, page_maker: list[Any]
    ) -> None:
        if self.collecting:
            return
        item = self.target_lookup_items.get(anchor_name)
        if not item or item.state != "up-to-date":
            return
        item.page_maker_index = page_maker_index
        if item.cached_page_counter_values == page_counter_values:
            return
        item.cached_page_counter_values = copy.deepcopy(page_counter_values)
        for lookup, missing_counters in _references(self).get(anchor_name, ()):
            if lookup.page_maker_index is None or lookup.page_maker_index >= len(page_maker):
                lookup.pending = True
                continue
            for counter_name in missing_counters:
                if page_counter_values.get(counter_name) is not None:
                    page_maker[lookup.page_maker_index][-1]["content_changed"] = True
                    # As WeasyPrint: with the lookup's own cached values.
                    lookup.parse_again(lookup.cached_page_counter_values)
                    break

    cache_target_page_counters._publisher = True  # type: ignore[attr-defined]
    TargetCollector.cache_target_page_counters = cache_target_page_counters


def _references(collector: Any) -> dict[str, list[tuple[Any, Any]]]:
    """The ``content`` lookups that refer to each anchor, in WeasyPrint's order (made once pagination starts)."""
    items = collector.counter_lookup_items
    found: tuple[int, dict[str, list[tuple[Any, Any]]]] | None = getattr(collector, "_publisher_references", None)
    if found is not None and found[0] == len(items):
        return found[1]
    index: dict[str, list[tuple[Any, Any]]] = {}
    for (_, css_token), lookup in items.items():
        if css_token != "content":
            continue
        for anchor, missing in lookup.missing_target_counters.items():
            index.setdefault(anchor, []).append((lookup, missing))
    collector._publisher_references = (len(items), index)
    return index
