"""The one path policy: which files the publisher reads and writes for a project.

A report project is untrusted input (README, "Security"): it may arrive as a
zip, or out of an archive PDF. Every file the publisher reads for it — the
source, chart specs, data, images, themes, ``publisher.toml``, caches — goes
through :func:`read_bytes` (or :func:`regular_file` when another library
opens it), and every file it writes through :func:`writable`:

- a path is resolved with its symlinks and must stay inside its root (the
  project, the publisher's own themes, the cache folder): a symlink leaving
  the project is refused like ``..`` or an absolute path;
- only regular files are read (no FIFO, device or folder), checked with
  ``stat`` before they are opened and again on the open file, and read with a
  size cap, so ``/dev/zero`` or a pipe never stalls a build;
- writes go to regular files (or new names) inside the project, or to an
  output the user named (``-o``); the final rename replaces a symlink, never
  writes through it.

Every refusal is a :class:`~publisher.errors.PublisherError` with the place
that named the file, when there is one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Pos, PublisherError

_KINDS = {
    stat.S_IFDIR: "a folder",
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
    stat.S_IFSOCK: "a socket",
}


WRITE_HINT = "the publisher writes only inside the project (out/ must not be a symlink leaving it) or where -o says"


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def shown(root: Path, path: Path) -> Path:
    """``path`` relative to ``root`` when it is below it (for messages), else as given."""
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def inside(
    root: Path,
    path: Path | str,
    pos: Pos | None = None,
    what: str = "file",
    hint: str | None = None,
    name: str | None = None,
    folder: bool = False,
) -> Path:
    """``path`` (relative to ``root``, or absolute) resolved with its symlinks; refused unless inside ``root``.

    ``what`` says what the file is in messages (``image``, ``CSV file``),
    ``name`` how it was written (default ``path``), ``pos`` where (default:
    the file itself, unless it is a ``folder``).
    """
    base = root.resolve()
    given = Path(path)
    name = str(given) if name is None else name
    full = given if given.is_absolute() else base / given
    try:
        resolved = full.resolve()
    except (OSError, RuntimeError):  # a symlink loop
        raise PublisherError(f"{what} '{name}' cannot be resolved (a symlink loop?)", pos) from None
    if not resolved.is_relative_to(base):
        link = _symlink_on_the_way(base, full)
        how = f" (the symlink '{link}' points out of it)" if link is not None else ""
        raise PublisherError(
            f"{what} '{name}' is outside the project{how}",
            pos or (None if folder else Pos(shown(base, full))),
            hint or "copy the file into the project and refer to it there",
        )
    return resolved


def _symlink_on_the_way(base: Path, full: Path) -> Path | None:
    """The first symlink on the way from ``base`` to ``full`` (written below it without ``..``), if any."""
    if ".." in full.parts or not full.is_relative_to(base):
        return None
    current = base
    for part in full.relative_to(base).parts:
        current = current / part
        if current.is_symlink():
            return current.relative_to(base)
    return None


def regular_file(
    root: Path,
    path: Path | str,
    pos: Pos | None = None,
    what: str = "file",
    limit: int | None = None,
    name: str | None = None,
) -> Path:
    """``path`` resolved inside ``root`` and checked to be an existing regular file (at most ``limit`` bytes).

    For a file another library opens (an image, a font): the publisher does
    not read it itself, but has checked what it is first.
    """
    resolved = inside(root, path, pos, what, name=name)
    name = str(path) if name is None else name
    place = pos or Pos(shown(root.resolve(), resolved))
    try:
        found = resolved.stat()
    except FileNotFoundError:
        raise PublisherError(f"{what} not found: {name}", place) from None
    except OSError as exc:
        raise PublisherError(f"cannot read {name}: {exc.strerror}", place) from None
    if not stat.S_ISREG(found.st_mode):
        raise PublisherError(f"{what} '{name}' is {_kind(found.st_mode)}, not a file", place)
    if limit is not None and found.st_size > limit:
        raise too_large(found.st_size, limit, place)
    return resolved


def too_large(size: int, limit: int, pos: Pos | None) -> PublisherError:
    """The error for a file of ``size`` bytes over ``limit``."""
    return PublisherError(
        f"file is {_amount(size)}, more than the {_amount(limit)} limit",
        pos,
        "check that this is the right file; the limits are listed in the README",
    )


def _amount(size: int) -> str:
    if size >= 1024 * 1024 and size % (1024 * 1024) == 0:
        return f"{size // 1024 // 1024} MiB"
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MiB"
    return f"{size // 1024} KiB" if size >= 1024 else f"{size} bytes"


def read_bytes(
    root: Path, path: Path | str, limit: int, pos: Pos | None = None, what: str = "file", name: str | None = None
) -> bytes:
    """The bytes of a regular file inside ``root``, at most ``limit`` of them.

    Checked before it is opened (:func:`regular_file`), opened without
    blocking and without following a symlink swapped in meanwhile, checked
    again on the open file, and read with the cap.
    """
    resolved = regular_file(root, path, pos, what, limit, name)
    name = str(path) if name is None else name
    place = pos or Pos(shown(root.resolve(), resolved))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(resolved, flags)
    except OSError as exc:
        raise PublisherError(f"cannot read {name}: {exc.strerror}", place) from None
    with os.fdopen(fd, "rb") as handle:
        opened = os.fstat(handle.fileno())
        if not stat.S_ISREG(opened.st_mode):
            raise PublisherError(f"{what} '{name}' is {_kind(opened.st_mode)}, not a file", place)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise too_large(len(data), limit, place)
    return data


def writable(target: Path, root: Path | None) -> Path:
    """``target`` checked as a place to write a file; ``root`` is the folder it must stay in (``None``: a place
    the user named, such as ``-o``).

    The folder it goes in must resolve inside ``root`` (a symlinked ``out/``
    pointing elsewhere is refused); an existing ``target`` must be a regular
    file or a symlink (which the atomic rename replaces, never follows).
    """
    if root is not None:
        base = root.resolve()
        parent = target.parent.absolute()
        inside(base, parent, what="folder", hint=WRITE_HINT, name=str(shown(root.absolute(), parent)), folder=True)
    try:
        found = target.lstat()
    except OSError:
        return target  # a new file (or a folder that cannot be made: writing it says why)
    if not (stat.S_ISREG(found.st_mode) or stat.S_ISLNK(found.st_mode)):
        raise PublisherError(
            f"will not write '{target}': it is {_kind(found.st_mode)}",
            hint="give the name of a file to write (-o report.pdf) or of a folder to write it in (-o out/)",
        )
    return target
