"""``publisher check --fix``: the normalisation rules applied to the source files.

The build applies :mod:`.normalize` to the text it typesets; this module
finds the same corrections in ``source/report.md`` itself, with their
``file:line:col``, and can write them back (keeping a backup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Pos, PublisherError
from ..files import write_atomic
from ..source import Source
from .normalize import normalize

_FENCE = re.compile(r"^\s*(```|~~~)")
_MASKED = re.compile(r"`[^`]*`|\]\([^)]*\)|<[a-z]+://[^>]*>|^\s*!\[[^\]]*\]\(chart:[^)]*\)\s*$")


@dataclass(frozen=True)
class Fix:
    """One correction in a source file."""

    pos: Pos
    old: str
    new: str
    rule: str

    def format(self) -> str:
        shown_old = self.old.replace(" ", "␣")
        return f"{self.pos}: {self.rule}: '{shown_old}' → '{self.new}'"


def find_fixes(source: Source) -> tuple[list[Fix], str]:
    """The corrections of the report body, and the whole file with them applied."""
    lines = source.main.text.split("\n")
    first = source.body_line - 1  # 0-based index of the first body line
    fixes: list[Fix] = []
    out = lines[:first]
    in_fence = False
    for index in range(first, len(lines)):
        line = lines[index]
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or _FENCE.match(line):
            out.append(line)
            continue
        masked = _MASKED.sub(lambda m: "\x00" * len(m[0]), line)
        _, changes = normalize(masked, source.meta.lang)
        new_line = list(line)
        for change in sorted(changes, key=lambda c: c.offset, reverse=True):
            new_line[change.offset : change.offset + len(change.old)] = list(change.new)
        for change in changes:
            fixes.append(Fix(Pos(source.main.path, index + 1, change.offset + 1), change.old, change.new, change.rule))
        out.append("".join(new_line))
    return fixes, "\n".join(out)


def apply_fixes(source: Source, text: str) -> Path:
    """Write ``text`` over the report, keeping the old file as ``report.md.bak`` (``.bak.N`` if taken)."""
    path = source.root / source.main.path
    backup = path.with_name(path.name + ".bak")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.bak.{n}")
        n += 1
    try:
        backup.write_bytes(path.read_bytes())
    except OSError as exc:
        raise PublisherError(
            f"cannot keep a backup of {source.main.path}: {exc.strerror}", Pos(source.main.path)
        ) from None
    write_atomic(path, text.encode("utf-8"))
    return backup
