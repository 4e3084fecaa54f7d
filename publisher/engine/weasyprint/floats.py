"""Figures and tables that float forward to where they fit, while the text after them fills the page.

WeasyPrint 70 has no floats to the next page: a figure (``break-inside:
avoid``) that does not fit under the text ends the page there, and the page
is left short by as much as the figure is tall. :func:`install` wraps
``remake_page``: when a page ends that way, more than :data:`MAX_SHORT_LINES`
body lines short, the figure's box is moved after the paragraph that follows
it in the box tree and the page is laid out again, so that paragraph fills
the page and the figure comes after it, on the next page. That repeats while
the page stays short, and only past paragraphs, lists and quotes: a figure
never passes a heading (it stays in its section), another figure or table
(they keep their order), or a forced break, and it only ever moves forward
(never before the text that refers to it). A move that does not fill the page
more is taken back.

The moves change the order of the boxes, not the HTML: each is recorded on
the layout context (:class:`Move`, ``context._publisher_moves``) so a warm
rebuild (:mod:`.incremental`) can make them again on its fresh boxes.

:func:`short_pages` measures every laid-out page afterwards: how many body
lines it is short of its type area, and why when it is more than
:data:`MAX_SHORT_LINES` (the end of a part, a forced break, a keep rule) —
``publisher build --verbose`` prints it.

This module calls WeasyPrint 70 internals (``remake_page``, the
``page_maker`` entries, the layout context's footnote and out-of-flow
state, box trees) behind the engine's version gate.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass
from typing import Any

MAX_SHORT_LINES = 2.0
"""A page may end this many body lines short of its type area; more, and a figure after it floats forward."""
MAX_MOVES = 12
"""Blocks a figure passes at most to fill one page."""
FLOATS = frozenset({"figure"})
"""Elements that float forward (besides the numbered tables, ``.table-block``)."""
PASSABLE = frozenset({"p", "ul", "ol", "blockquote", "dl"})
"""Elements a floating figure may move past: running text."""
HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
"""Headings a floating figure may move past, with the text they are kept with; never a part's ``h1``."""
FORCED = frozenset({"page", "left", "right", "recto", "verso"})
"""``break-before`` values that start a new page."""


@dataclass(frozen=True)
class Move:
    """A figure's box moved after the ``count`` boxes that followed it: ``parent.children[at]`` to ``[at + count]``."""

    path: tuple[int, ...]
    """Indices of the parent box from the root box."""
    at: int
    count: int = 1


def _classes(box: Any) -> set[str]:
    element = getattr(box, "element", None)
    if element is None:
        return set()
    return set((element.get("class") or "").split())


def _tag(box: Any) -> str:
    return str(getattr(box, "element_tag", "") or "").rsplit("}", 1)[-1]


def floats(box: Any) -> bool:
    """Whether ``box`` may float forward: a figure or a numbered table, not one with a page of its own."""
    classes = _classes(box)
    if "placement-page" in classes or "landscape" in classes:
        return False
    if getattr(box, "style", None) is not None and box.style["break_before"] in FORCED:
        return False
    return _tag(box) in FLOATS or "table-block" in classes


def passable(box: Any) -> bool:
    """Whether a floating figure may move past ``box`` (running text, not starting a page)."""
    if box.style["break_before"] in FORCED or getattr(box, "element", None) is None:
        return False
    return _tag(box) in PASSABLE


def passed(children: list[Any], at: int) -> int:
    """How many boxes the figure ``children[at]`` moves past in one step: the next block of running text, with
    the headings before it (kept with it); 0 when it may not move (the end of its part, another figure)."""
    count = 0
    for child in children[at + 1 :]:
        count += 1
        if passable(child):
            return count
        if _tag(child) not in HEADINGS or child.style["break_before"] in FORCED:
            return 0
    return 0


def line_pitch(box: Any) -> float:
    """The distance between two lines of ``box``'s text, in CSS px."""
    style = box.style
    size = float(style["font_size"])
    height = style["line_height"]
    if height == "normal":
        return 1.2 * size
    if isinstance(height, (int, float)):
        return float(height) * size
    return float(getattr(height, "value", 1.2 * size))


def resumed_child(root_box: Any, resume_at: Any) -> tuple[tuple[int, ...], Any, int] | None:
    """The box the next page starts with, when it starts at the top of it: its parent's path, parent, index."""
    box, stack = root_box, resume_at
    path: list[int] = []
    while isinstance(stack, dict) and len(stack) == 1:
        ((index, sub),) = stack.items()
        children = getattr(box, "children", None)
        if children is None or not isinstance(index, int) or index >= len(children):
            return None
        if sub is None:
            return tuple(path), box, index
        path.append(index)
        box, stack = children[index], sub
    return None


def _bottoms(page: Any) -> tuple[float, float]:
    """Where the type area of a laid-out page ends (above its footnotes) and where its content ends."""
    root = page.children[0]
    area_bottom = page.content_box_y() + page.height
    for area in page.children[1:]:
        if type(area).__name__ == "FootnoteAreaBox" and area.children:
            area_bottom = min(area_bottom, area.position_y)
    content = root.content_box_y()

    # The boxes of the last lines and pictures, not of the blocks around them: a block broken by the
    # page break is as tall as the page.
    def walk(box: Any) -> None:
        nonlocal content
        for child in getattr(box, "children", ()):
            if not hasattr(child, "border_height") or child.is_absolutely_positioned():
                continue
            if _tag(child) == "tr" or child.children is None or type(child).__name__ == "LineBox" or not child.children:
                content = max(content, child.border_box_y() + child.border_height())
            else:
                walk(child)

    walk(root)
    if content == root.content_box_y():
        return area_bottom, area_bottom  # nothing in the flow (a cover of positioned boxes): not short
    return area_bottom, content


def gap(page: Any) -> float:
    """The empty height at the foot of a laid-out page's type area, in CSS px."""
    area_bottom, content = _bottoms(page)
    return max(0.0, area_bottom - content)


def _save(context: Any, index: int) -> dict[str, Any]:
    maker = context.page_maker
    return {
        "length": len(maker),
        "next": maker[index + 1] if index + 1 < len(maker) else None,
        "remake": copy.copy(maker[index][4]),
        "lists": {k: list(v) for k, v in maker[index][4].items() if isinstance(v, list)},
        "reported": list(context.reported_footnotes),
        "footnotes": list(context.footnotes),
        "broken": dict(context.broken_out_of_flow),
        "running": {name: {n: list(v) for n, v in pages.items()} for name, pages in context.running_elements.items()},
    }


def _restore(context: Any, index: int, saved: dict[str, Any]) -> None:
    maker = context.page_maker
    del maker[saved["length"] :]
    if saved["next"] is not None:
        maker[index + 1] = saved["next"]
    state = maker[index][4]
    state.clear()
    state.update(saved["remake"])
    state.update({k: list(v) for k, v in saved["lists"].items()})
    context.reported_footnotes = list(saved["reported"])
    context.footnotes[:] = saved["footnotes"]
    context.broken_out_of_flow = dict(saved["broken"])
    for name, pages in context.running_elements.items():
        before = saved["running"].get(name, {})
        for number in list(pages):
            if number in before:
                pages[number] = list(before[number])
            else:
                pages[number] = []


def _parent(root_box: Any, move: Move) -> Any:
    parent = root_box
    for index in move.path:
        parent = parent.children[index]
    return parent


def _swap(root_box: Any, move: Move) -> tuple[Any, Any]:
    """Make ``move``; return the elements of the figure and of the last box it passed."""
    children = _parent(root_box, move).children
    children.insert(move.at + move.count, children.pop(move.at))
    return children[move.at + move.count].element, children[move.at + move.count - 1].element


def _unswap(root_box: Any, move: Move) -> None:
    children = _parent(root_box, move).children
    children.insert(move.at, children.pop(move.at + move.count))


def record(context: Any, root_box: Any, moves: list[Move]) -> None:
    """Make ``moves`` on ``root_box`` (a fresh box tree of the same document, or one another process did not
    see them on) and note them on ``context``."""
    for move in moves:
        elements = _swap(root_box, move)
        _moves(context).append(move)
        _moved(context).append(elements)


def _moves(context: Any) -> list[Move]:
    found: list[Move] | None = getattr(context, "_publisher_moves", None)
    if found is None:
        found = context._publisher_moves = []
    return found


def _moved(context: Any) -> list[tuple[Any, Any]]:
    found: list[tuple[Any, Any]] | None = getattr(context, "_publisher_moved", None)
    if found is None:
        found = context._publisher_moved = []
    return found


def moves(context: Any) -> list[Move]:
    """The moves made in this layout so far, in order."""
    return list(getattr(context, "_publisher_moves", None) or [])


def moved_elements(context: Any) -> list[tuple[Any, Any]]:
    """For each move: the elements of the figure and of the block it passed."""
    return list(getattr(context, "_publisher_moved", None) or [])


def _candidate(context: Any, index: int, root_box: Any, page: Any, resume_at: Any) -> tuple[Move, float] | None:
    """The move that would let the text after a figure fill page ``index``, and the page's gap now."""
    if resume_at is None or context.page_maker[index + 1][1]["break"] != "any" or context.reported_footnotes:
        return None
    found = resumed_child(root_box, resume_at)
    if found is None:
        return None
    path, parent, at = found
    children = parent.children
    count = passed(children, at) if floats(children[at]) else 0
    if not count:
        return None
    empty = gap(page)
    if empty < (MAX_SHORT_LINES + 1) * line_pitch(children[at + count]):
        return None
    return Move(path, at, count), empty


def float_forward(remake_page: Any) -> Any:
    """Wrap ``remake_page`` so a page left short by a figure is filled with the text after it."""

    def wrapped(index: int, context: Any, root_box: Any, html: Any) -> Any:
        saved = _save(context, index)
        page, resume_at = remake_page(index, context, root_box, html)
        for _ in range(MAX_MOVES):
            found = _candidate(context, index, root_box, page, resume_at)
            if found is None:
                break
            move, empty = found
            elements = _swap(root_box, move)
            _restore(context, index, saved)
            page, resume_at = remake_page(index, context, root_box, html)
            if gap(page) >= empty - 0.5:  # the text did not fill the page more: put the figure back
                _unswap(root_box, move)
                _restore(context, index, saved)
                page, resume_at = remake_page(index, context, root_box, html)
                break
            _moves(context).append(move)
            _moved(context).append(elements)
        return page, resume_at

    return wrapped


@functools.cache
def install() -> None:
    """Wrap WeasyPrint's ``remake_page`` with :func:`float_forward` (idempotent)."""
    from weasyprint.layout import page as page_module

    from . import require

    require()
    page_module.remake_page = float_forward(page_module.remake_page)


@dataclass(frozen=True)
class ShortPage:
    """A page that ends more than :data:`MAX_SHORT_LINES` body lines short of its type area."""

    number: int
    """1-based."""
    lines: int
    """Whole body lines missing."""
    reason: str


def body_pitch(pages: list[Any]) -> float | None:
    """The line pitch of the body text: of the first paragraph of the document's ``main``."""
    for page in pages:
        stack = [page]
        while stack:
            box = stack.pop()
            if _tag(box) == "main":
                for child in box.children:
                    if _tag(child) == "p":
                        return line_pitch(child)
                continue
            stack.extend(reversed(getattr(box, "children", None) or []))
    return None


def short_pages(document: Any) -> list[ShortPage]:
    """The pages of a laid-out document that end more than :data:`MAX_SHORT_LINES` body lines short, with why.

    Lines missing are whole body lines that would fit under the page's last line or picture.
    """
    boxes = [getattr(page, "_page_box", None) for page in document.pages]
    maker = getattr(document, "_publisher_maker", None) or []
    pitch = body_pitch([box for box in boxes if box is not None])
    if not pitch:
        return []
    found: list[ShortPage] = []
    for number, (page, box) in enumerate(zip(document.pages, boxes, strict=True)):
        if box is None:  # laid out by the worker (:mod:`.parallel`), which measured it
            empty = getattr(page, "_publisher_gap", None)
        elif getattr(box, "remote", False) or not box.children:
            empty = None
        else:
            empty = gap(box)
        if empty is None:
            continue
        missing = int(empty / pitch + 0.02)
        if missing <= MAX_SHORT_LINES:
            continue
        if number + 1 >= len(boxes):
            reason = "the end of the document"
        elif number + 1 < len(maker) and (maker[number + 1][1]["break"] != "any" or maker[number + 1][1]["page"]):
            reason = "the end of a part (a page break follows)"
        else:
            reason = "a keep rule: what follows may not be split or moved onto this page"
        found.append(ShortPage(number + 1, missing, reason))
    return found
