"""``publisher check --fix``: the normalisation rules applied to the source files.

The build applies :mod:`.normalize` to the text it typesets; this module
finds the same corrections in ``source/report.md`` itself, with their
``file:line:col``, and can write them back (keeping a backup).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .. import paths
from ..errors import Pos, PublisherError
from ..files import write_atomic
from ..model import Document
from ..source import MAX_SOURCE_BYTES, Source
from .normalize import Change, normalize


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


def find_fixes(source: Source, document: Document) -> tuple[list[Fix], str]:
    """The corrections of the report body, and the whole file with them applied.

    ``document`` is the report as parsed *without* normalisation: the same
    walk over its text nodes as the build's (:meth:`Document.texts`), so code
    blocks, inline code and addresses are left alone exactly as in the PDF.
    Each changed text is found in the source from its block's line on; a text
    that is not written there as is (escapes, entities) is left for the author.
    """
    lines = source.main.text.split("\n")
    edits: dict[int, list[tuple[int, Change]]] = {}
    fixes: list[Fix] = []
    cursor = (0, 0)
    for pos, text in document.texts():
        _, changes = normalize(text, source.meta.lang)
        start = max(cursor, (pos.line - 1, 0))
        found = _find(lines, text, start)
        if found is None:
            continue
        row, col = found
        cursor = (row, col + len(text))
        for change in changes:
            edits.setdefault(row, []).append((col, change))
            fixes.append(
                Fix(Pos(source.main.path, row + 1, col + change.offset + 1), change.old, change.new, change.rule)
            )
    out = list(lines)
    for row, found_edits in edits.items():
        line = list(out[row])
        for col, change in sorted(found_edits, key=lambda e: e[0] + e[1].offset, reverse=True):
            at = col + change.offset
            line[at : at + len(change.old)] = list(change.new)
        out[row] = "".join(line)
    return sorted(fixes, key=lambda f: (f.pos.line, f.pos.col)), "\n".join(out)


def _find(lines: list[str], text: str, start: tuple[int, int], reach: int = 40) -> tuple[int, int] | None:
    """Where ``text`` is written, from ``start`` (row, column) on, within ``reach`` lines."""
    row, col = start
    for index in range(row, min(row + reach, len(lines))):
        at = lines[index].find(text, col if index == row else 0)
        if at >= 0:
            return index, at
    return None


def apply_fixes(source: Source, text: str) -> Path:
    """Write ``text`` over the report, keeping the old file as ``report.md.bak`` (``.bak.N`` if taken).

    The backup is a new file (never written through a symlink of that name);
    the report keeps its line ends (CRLF stays CRLF) and its permissions.
    """
    if source.params:
        raise PublisherError(
            "the report has parameters: its text was filled in for this build, fixes would overwrite the {{…}}",
            Pos(source.main.path),
            "fix it by hand where `publisher check` points",
        )
    root = source.root
    path = root / source.main.path
    old = paths.read_bytes(root, source.main.path, MAX_SOURCE_BYTES)
    backup = path.with_name(path.name + ".bak")
    n = 1
    while True:
        if os.path.lexists(backup):  # a file, or a symlink (dangling or not): never written through
            backup = path.with_name(f"{path.name}.bak.{n}")
            n += 1
            continue
        try:
            fd = os.open(backup, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            break
        except FileExistsError:
            backup = path.with_name(f"{path.name}.bak.{n}")
            n += 1
        except OSError as exc:
            raise PublisherError(
                f"cannot keep a backup of {source.main.path}: {exc.strerror}", Pos(source.main.path)
            ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(old)
    os.chmod(backup, stat.S_IMODE(os.stat(path).st_mode))
    if b"\r\n" in old:
        text = text.replace("\n", "\r\n")
    if old.startswith(b"\xef\xbb\xbf"):
        text = "\ufeff" + text
    write_atomic(path, text.encode("utf-8"), root=root)
    return backup
