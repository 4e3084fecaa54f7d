"""Files the publisher writes and names: one atomic write, one way to show a path."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import EnvironmentProblem


def write_atomic(output: Path, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to a temporary file beside ``output`` and rename it into place.

    Readers see the old file or the new one, never half of one; two writers
    never share a temporary file. ``durable`` also flushes the file to disk
    before the rename (for what the user keeps; a cache does without).
    Raises :class:`~publisher.errors.EnvironmentProblem` when the folder cannot
    be written.
    """
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write to {output.parent}: {exc.strerror}",
            hint="choose another folder with -o, or fix its permissions",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise EnvironmentProblem(f"cannot write {output}: {exc.strerror}") from None


def display_path(path: Path) -> str:
    """``path`` as the user should read it: relative to the current folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
