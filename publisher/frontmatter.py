"""The front matter of a Markdown file: a YAML block between ``---`` lines at the very top.

One reader for the report source (:mod:`publisher.source`, where the block is
required) and for Markdown being imported (:mod:`publisher.importer.markdown`,
where it is optional).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = re.compile(r"^---[ \t]*$")
CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class FrontMatter:
    """A file split at its front matter."""

    yaml: str
    """The YAML between the fences (it starts on line 2)."""
    body: str
    """Everything after the closing fence."""
    body_line: int
    """The 1-based line on which :attr:`body` starts."""
    closed: bool = True
    """Whether a closing fence was found (if not, :attr:`yaml` runs to the end and :attr:`body` is empty)."""


def split(text: str) -> FrontMatter | None:
    """``text`` split at its front matter, or ``None`` when it does not start with one."""
    lines = text.split("\n")
    if not lines or not OPEN.match(lines[0]):
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if CLOSE.match(line)), None)
    if end is None:
        return FrontMatter("\n".join(lines[1:]), "", len(lines) + 1, closed=False)
    return FrontMatter("\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2)
