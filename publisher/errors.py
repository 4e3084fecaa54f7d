"""User-facing errors and warnings.

Every problem a report author can cause is a :class:`PublisherError` with the
position it comes from, a message and a hint. The CLI prints it as
``path:line:col: message`` plus the hint and exits with :attr:`exit_code`;
tracebacks are only for bugs (or ``--debug``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

# Documented exit codes (README, "Exit codes").
EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2
EXIT_ENVIRONMENT = 3
EXIT_INTERNAL = 70


@dataclass(frozen=True)
class Pos:
    """A place in a source file: 1-based line and column."""

    path: Path
    """The file, as given (usually relative to the project)."""
    line: int = 1
    """1-based line number."""
    col: int = 1
    """1-based column number (in characters)."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"

    def shifted(self, lines: int = 0, col: int | None = None) -> Pos:
        """The position ``lines`` further down, optionally at another column."""
        return Pos(self.path, self.line + lines, self.col if col is None else col)


class PublisherError(Exception):
    """A problem in the user's input or environment, reported without traceback."""

    exit_code = EXIT_USER_ERROR

    def __init__(self, message: str, pos: Pos | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint

    def format(self) -> str:
        """The text the CLI prints: ``pos: error: message`` and an indented hint (control characters escaped)."""
        where = f"{self.pos}: " if self.pos else ""
        text = f"{where}error: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return printable(text)


class EnvironmentProblem(PublisherError):
    """Something missing on the machine (a library, a writable folder)."""

    exit_code = EXIT_ENVIRONMENT


@dataclass
class Warning_:
    """A recoverable problem; ``--strict`` turns it into an error."""

    message: str
    pos: Pos | None = None
    hint: str | None = None

    def format(self) -> str:
        where = f"{self.pos}: " if self.pos else ""
        text = f"{where}warning: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return printable(text)


@dataclass
class Diagnostics:
    """Warnings collected during one build, in the order they were found."""

    warnings: list[Warning_] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the build decided that a reader may ask about (``publisher build --verbose``): not warnings."""

    def note(self, message: str) -> None:
        self.notes.append(message)

    def warn(self, message: str, pos: Pos | None = None, hint: str | None = None) -> None:
        self.warnings.append(Warning_(message, pos, hint))

    def fail_if_strict(self, strict: bool) -> None:
        """Under ``--strict``, raise the first warning as the error."""
        if strict and self.warnings:
            first = self.warnings[0]
            raise PublisherError(f"{first.message} (--strict)", first.pos, first.hint)


def failure(exc: BaseException) -> tuple[int, str]:
    """The exit code and the message for a failure: the documented mapping (README, "Errors").

    A :class:`PublisherError` is its own message and exit code; anything else
    is a bug in the publisher (exit code 70), told briefly with a hint.
    """
    if isinstance(exc, PublisherError):
        return exc.exit_code, exc.format()
    text = (
        f"internal error: {type(exc).__name__}: {exc}\n  hint: run again with --debug for the traceback and report it"
    )
    return EXIT_INTERNAL, printable(text)


_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
"""What a message must not send to a terminal as it is: control characters (BEL rings, ESC starts a colour or
moves the cursor; a NUL), and the bidirectional controls that reorder what follows (RLO, U+202E)."""
_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1B: "ESC", 0x7F: "DEL", 0x202E: "RLO", 0x202D: "LRO"}


def printable(text: str) -> str:
    """``text`` with every control character shown by name or code (``<NUL>``, ``<ESC>``, ``<U+202E RLO>``):
    a message echoes the user's input, and that input must not drive the terminal. Line breaks and tabs stay."""

    def shown(match: re.Match[str]) -> str:
        code = ord(match[0])
        name = _NAMES.get(code)
        if code < 0x100:
            return f"<{name}>" if name else f"<0x{code:02X}>"
        return f"<U+{code:04X} {name}>" if name else f"<U+{code:04X}>"

    return _UNPRINTABLE.sub(shown, text)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest valid choice, or listing them all."""
    options = sorted(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'? (valid: {', '.join(options)})"
    return f"valid: {', '.join(options)}" if options else None
