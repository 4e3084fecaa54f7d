"""Reading Markdown from another tool: headings kept, text kept as written.

Front matter keys that the publisher knows are kept (a few common others are
renamed: ``tags`` → ``keywords``, ``description`` → ``subject``); the rest are
reported. A single ``#`` heading at the top is the title. Paragraphs broken
over several lines are joined (the publisher reads a line break in a paragraph
as nothing, right for Chinese, wrong between English words). Blocks other than
headings and paragraphs (lists, tables, code, quotes, footnotes) are kept as
they are. Pictures next to the file are copied into ``source/images/``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import frontmatter
from ..errors import Pos, PublisherError
from ..model import Meta
from ..parse import markdown_parser
from .model import Span, Unit
from .writer import escape_text

RENAMED = {"tags": "keywords", "description": "subject", "language": "lang", "authors": "author"}
META_KEYS = {f.name for f in dataclasses.fields(Meta)}
_IMAGE = re.compile(r"!\[([^\]]*)\]\((<[^>]+>|[^)\s]+)((?:\s+\"[^\"]*\")?)\)")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|[0-9]{1,9}[.)])(?:\s|$)")


@dataclass
class MarkdownDocument:
    """What was read from a Markdown file."""

    units: list[Unit]
    """Headings (``hint`` ``heading``), paragraphs (raw spans) and other blocks (``hint`` ``raw``)."""
    meta: dict[str, object] = field(default_factory=dict)
    """Front matter keys the publisher knows."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Pictures copied into the project."""
    notes: list[str] = field(default_factory=list)
    """What the user should know (front matter keys left out, pictures not found)."""
    has_headings: bool = False
    """The text has Markdown headings (then they give the structure)."""


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str, int]:
    """Front matter (as a mapping), the body, and the line the body starts on."""
    front = frontmatter.split(text)
    if front is None or not front.closed:
        return {}, text, 1
    try:
        data = yaml.safe_load(front.yaml)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 2
        raise PublisherError(
            f"the front matter is not valid YAML: {getattr(exc, 'problem', exc)}",
            Pos(path, line, 1),
            "fix the YAML block between the '---' lines at the top, or delete it",
        ) from None
    if not isinstance(data, dict):
        data = {}
    return {str(k): v for k, v in data.items()}, front.body, front.body_line


def _join_paragraph(source: str, lang: str) -> str:
    parts = [p.strip() for p in source.split("\n")]
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if lang == "en" or (
            out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        ):
            out = f"{out} {part}"
        else:
            out += part
    return out


def _join_list(lines: list[str], lang: str) -> list[str]:
    """List items broken over several lines, joined (nested items and blank lines kept)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not _LIST_MARKER.match(line):
            sep = " " if lang == "en" else ""
            out[-1] = out[-1].rstrip() + sep + line.strip()
        else:
            out.append(line)
    return out


def read_markdown(text: str, path: Path, lang: str) -> MarkdownDocument:
    """Markdown → units; ``lang`` decides how broken lines are joined."""
    front, body, first_line = split_front_matter(text, path)
    meta: dict[str, object] = {}
    notes: list[str] = []
    for key, value in front.items():
        name = RENAMED.get(key, key)
        if name in META_KEYS and name not in ("name", "theme"):
            meta[name] = value
        elif name in ("name", "theme"):
            notes.append(f"front matter key '{key}' left out (the new project has its own {name})")
        else:
            notes.append(f"front matter key '{key}' left out (not a publisher key)")
    lines = body.split("\n")
    tokens = markdown_parser().parse(body)
    units: list[Unit] = []
    covered: set[int] = set()
    images: dict[str, bytes] = {}
    level = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.map is None or token.nesting == -1:
            i += 1
            continue
        start, end = token.map
        covered.update(range(start, end))
        line = start + first_line
        if token.type == "heading_open":
            content = tokens[i + 1].content
            units.append(Unit([Span(content, raw=True)], line, "heading", int(token.tag[1])))
        elif token.type == "paragraph_open":
            content = _join_paragraph(tokens[i + 1].content, lang)
            units.append(Unit([Span(content, raw=True)], line))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            units.append(Unit([Span("\n".join(_join_list(lines[start:end], lang)), raw=True)], line, "raw"))
        else:
            units.append(Unit([Span("\n".join(lines[start:end]).rstrip(), raw=True)], line, "raw"))
        level = max(level, 1 if token.type == "heading_open" else 0)
        i += 1
    # Lines no block covers: footnote definitions and link reference definitions, kept in place.
    extra: list[Unit] = []
    block: list[str] = []
    block_start = 0
    for number, source_line in enumerate([*lines, ""]):
        if number in covered or not source_line.strip():
            if block:
                extra.append(Unit([Span("\n".join(block), raw=True)], block_start + first_line, "raw"))
                block = []
            continue
        if not block:
            block_start = number
        block.append(source_line)
    units = sorted([*units, *extra], key=lambda u: u.line)
    top = [u for u in units if u.hint == "heading" and u.level == 1]
    if units and len(top) == 1 and units[0] is top[0]:
        units[0].hint = "title"  # a single "# …" at the top is the document's title
    for unit in units:
        span = unit.spans[0]
        span.text = _IMAGE.sub(lambda m: _image(m, path, images, notes), span.text)
    return MarkdownDocument(units, meta, images, notes, has_headings=level > 0)


def _image(match: re.Match[str], path: Path, images: dict[str, bytes], notes: list[str]) -> str:
    """A picture the Markdown file uses, copied into the project; one that cannot be becomes text."""
    alt, target, title = match.group(1), match.group(2), match.group(3)
    address = target.strip("<>")
    if address.startswith("chart:"):
        return match.group(0)
    source = None if re.match(r"^[a-z][a-z0-9+.-]*:|^/", address, re.IGNORECASE) else (path.parent / address)
    if source is None or not source.resolve().is_file():
        where = "is not a local file" if source is None else f"was not found next to {path.name}"
        notes.append(f"picture '{address}' {where}: left in the text as [{alt or 'picture'}: {address}]")
        return escape_text(f"[{alt or 'picture'}: {address}]")
    source = source.resolve()
    name = f"images/{source.name}"
    if f"source/{name}" in images and images[f"source/{name}"] != source.read_bytes():
        name = f"images/{len(images) + 1}-{source.name}"
    images[f"source/{name}"] = source.read_bytes()
    return f"![{alt}]({name.replace(' ', '%20')}{title})"
