"""Progress for long-running work: shown on a terminal, silent everywhere else.

A :class:`TerminalProgress` is a callable that takes a step name (the
``progress`` argument of :func:`publisher.build.build` has that shape) and
rewrites one status line on the terminal. When the stream is not a terminal
(a pipe, a log file, CI) it prints nothing, so logs hold only the real output.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """One status line, rewritten in place on a terminal; a no-op elsewhere."""

    def __init__(self, label: str = "building", stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.label = label
        """Word shown before each step, e.g. ``building: pdf…``."""
        self.enabled = is_terminal(self.stream) if enabled is None else enabled
        """Whether anything is printed (default: only on a terminal)."""
        self._shown = False
        self._started = time.perf_counter()

    def __call__(self, step: str) -> None:
        """Show that ``step`` is under way."""
        if not self.enabled:
            return
        if not self._shown:
            self._started = time.perf_counter()
        elapsed = time.perf_counter() - self._started
        self.stream.write(f"\r\033[K{self.label}: {step}… {elapsed:.1f} s")
        self.stream.flush()
        self._shown = True

    def count(self, step: str, done: int, total: int) -> None:
        """Show ``done`` of ``total`` items of ``step`` (pages, charts)."""
        self(f"{step} {done}/{total}")

    def clear(self) -> None:
        """Erase the status line (call before printing a result line)."""
        if self.enabled and self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
        self._shown = False


def is_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal (a pipe, a file or a closed stream is not)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real file
        return False
