"""Files the publisher writes and names: one atomic write, one way to show a path."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import EnvironmentProblem

PART_SUFFIX = ".part"
"""The suffix of a file being written (``.<name>.<pid>.<random>.part`` beside it)."""
STALE_PART_SECONDS = 24 * 3600
"""A ``.part`` file whose writer cannot be told alive is removed once it is this old."""
DISK_FULL_HINT = "free some space on that disk (or write elsewhere with -o), then build again"


def user_cache(kind: str) -> Path:
    """The publisher's folder of ``kind`` in the user's cache: ``$XDG_CACHE_HOME/publisher/KIND``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "publisher" / kind


def write_atomic(output: Path, data: bytes, durable: bool = True, root: Path | None = None) -> None:
    """Write ``data`` to a temporary file beside ``output`` and rename it into place.

    Readers see the old file or the new one, never half of one; two writers
    never share a temporary file, and the temporary file is removed on every
    way out (an error, Ctrl-C, ``SIGTERM``: :mod:`publisher.commands.cli`
    turns it into an exception), and the ``.part`` files of writers killed
    earlier (``kill -9``) are removed from the folder. ``durable`` also flushes the file to disk
    before the rename (for what the user keeps; a cache does without). A file
    replaced keeps its permissions. ``root``: the folder ``output`` must stay in
    (the path policy, :func:`publisher.paths.writable`); ``None`` for a place
    the user named.

    Raises :class:`~publisher.errors.EnvironmentProblem` when the folder cannot
    be written or the disk is full.
    """
    from .paths import writable

    writable(output, root)
    mode = _mode_of(output)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(output.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.{os.getpid()}.", suffix=PART_SUFFIX, dir=output.parent)
    except OSError as exc:
        raise _problem(
            f"cannot write to {output.parent}", exc, "choose another folder with -o, or fix its permissions"
        ) from None
    renamed = False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, output)
        renamed = True
    except OSError as exc:
        raise _problem(f"cannot write {output}", exc) from None
    finally:
        if not renamed:
            Path(tmp).unlink(missing_ok=True)


def _mode_of(output: Path) -> int:
    """The permissions of the regular file ``output`` replaces, else ``0o644`` less the umask."""
    try:
        found = output.lstat()
    except OSError:
        found = None
    if found is not None and stat.S_ISREG(found.st_mode):
        return stat.S_IMODE(found.st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o644 & ~umask


def _problem(what: str, exc: OSError, hint: str | None = None) -> EnvironmentProblem:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return EnvironmentProblem(f"{what}: the disk is full", hint=DISK_FULL_HINT)
    return EnvironmentProblem(f"{what}: {exc.strerror}", hint=hint)


def remove_stale_parts(folder: Path) -> list[Path]:
    """Remove the ``.part`` files of writers that were killed (``kill -9``, a power cut) from ``folder``.

    A ``.part`` file is stale when the process that named it is gone (its id
    is in the name), or when it is older than :data:`STALE_PART_SECONDS`; a
    build running at the same time keeps its own. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        candidates = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(PART_SUFFIX)]
    except OSError:
        return removed
    now = time.time()
    for path in candidates:
        try:
            found = path.lstat()
        except OSError:
            continue
        if not stat.S_ISREG(found.st_mode):
            continue
        if _writer_alive(path.name) and now - found.st_mtime < STALE_PART_SECONDS:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def _writer_alive(name: str) -> bool:
    """Whether the process whose id is in the ``.part`` file's name still runs (unknown: yes)."""
    parts = name.split(".")  # "", the output's name (maybe with dots), pid, random letters, "part"
    if len(parts) < 5 or not parts[-3].isdigit():
        return False  # written before names carried the process id: a leftover
    return _process_alive(int(parts[-3]))


def _process_alive(pid: int) -> bool:
    """Whether the process ``pid`` runs (another user's process: yes)."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


TEMPORARY_PREFIX = "publisher-"
"""The start of the name of a temporary folder: ``publisher-<kind>-<pid>-<random>``."""


def make_temporary_folder(kind: str) -> Path:
    """A new folder ``publisher-<kind>-<pid>-<random>`` in the system's temporary folder (``TMPDIR``).

    The folders named so by processes that were killed (``kill -9``, a power
    cut: nothing ran to remove them) are removed first; the caller removes its
    own (:func:`temporary_folder` does, on every way out).
    """
    base = Path(tempfile.gettempdir())
    remove_stale_folders(base)
    try:
        return Path(tempfile.mkdtemp(prefix=f"{TEMPORARY_PREFIX}{kind}-{os.getpid()}-", dir=base))
    except OSError as exc:
        raise _problem(
            f"cannot make a temporary folder in {base}", exc, "set TMPDIR to a folder you can write to"
        ) from None


@contextlib.contextmanager
def temporary_folder(kind: str) -> Iterator[Path]:
    """:func:`make_temporary_folder`, removed with all it holds when the block ends: normally, by an error,
    Ctrl-C or ``SIGTERM`` (:mod:`publisher.commands.cli` turns it into an exception)."""
    folder = make_temporary_folder(kind)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_stale_folders(base: Path) -> list[Path]:
    """Remove the folders ``publisher-<kind>-<pid>-<random>`` in ``base`` whose process is gone; returns what
    was removed. Only this user's real folders (not symlinks) named with a process id are touched."""
    removed: list[Path] = []
    try:
        candidates = [p for p in base.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]
    except OSError:
        return removed
    for path in candidates:
        kind, _, rest = path.name[len(TEMPORARY_PREFIX) :].partition("-")
        pid = rest.partition("-")[0]
        if not (kind.isalpha() and pid.isdigit()):
            continue
        try:
            found = path.lstat()
        except OSError:
            continue
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or _process_alive(int(pid)):
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def put_verified(folder: Path, key: str, suffix: str, data: bytes) -> Path:
    """Store ``data`` in the cache ``folder`` under ``key``: content-addressed, named ``<key>.<sha256>.<suffix>``.

    :func:`get_verified` accepts the entry only while its content still has
    that hash. Raises :class:`~publisher.errors.EnvironmentProblem` when the
    folder cannot be written (a cache that cannot be written only costs time:
    callers go on without it).
    """
    path = folder / f"{key}.{_digest(data)}{suffix}"
    if not path.is_file():
        write_atomic(path, data, durable=False, root=folder)
    return path


def get_verified(folder: Path, key: str, suffix: str, limit: int) -> tuple[Path, bytes] | None:
    """The entry :func:`put_verified` stored under ``key``, or ``None``.

    An entry is accepted only if it is a regular file inside ``folder`` (no
    symlink, FIFO or device), at most ``limit`` bytes, and its content has the
    hash in its name; one that fails is removed, so the caller makes it again.
    """
    from .errors import PublisherError
    from .paths import read_bytes

    try:
        found = sorted(folder.glob(f"{key}.*{suffix}"))
    except OSError:
        return None
    for path in found:
        digest = path.name[len(key) + 1 : len(path.name) - len(suffix)]
        if len(digest) != DIGEST_LENGTH:
            continue
        try:
            data = read_bytes(folder, path.name, limit)
        except PublisherError:
            data = None
        if data is not None and _digest(data) == digest:
            return folder.resolve() / path.name, data
        try:
            path.unlink()
        except OSError:
            pass
    return None


DIGEST_LENGTH = 32


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]


def display_path(path: Path) -> str:
    """``path`` as the user should read it: relative to the current folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
