"""What the commands show on a terminal and hand to the desktop: links to the files they write, the desktop's
viewer (``--open``), and the names shell completion offers (themes, editions)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import click
from click.shell_completion import CompletionItem

from ..progress import is_terminal


def link(path: Path, shown: str, stream: TextIO | None = None) -> str:
    """``shown``, as a link to ``path`` (an OSC 8 hyperlink) when ``stream`` (default stdout) is a terminal.

    Terminals that know OSC 8 (GNOME Terminal, iTerm2, Windows Terminal, kitty, WezTerm …) make it
    clickable; the others print ``shown`` alone. A pipe or a log file gets ``shown`` without escapes.
    """
    if not is_terminal(stream if stream is not None else sys.stdout):
        return shown
    return f"\033]8;;{path.resolve().as_uri()}\033\\{shown}\033]8;;\033\\"


def open_in_viewer(path: Path) -> str | None:
    """Open ``path`` with the desktop's viewer; ``None`` when it was handed over, else why it could not be."""
    if sys.platform == "win32":  # pragma: no cover - not tested on this platform
        os.startfile(path)  # type: ignore[attr-defined]
        return None
    opener = "open" if sys.platform == "darwin" else "xdg-open"
    program = shutil.which(opener)
    if program is None:
        return f"there is no desktop viewer here ({opener} is not installed)"
    if sys.platform != "darwin" and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        return "there is no desktop here (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    try:
        subprocess.Popen(
            [program, str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"{opener} could not be started: {exc.strerror}"
    return None


# ------------------------------------------------------------------ completion


def _project_of(ctx: click.Context) -> Path:
    """The project of a command line being completed: its PROJECT when click could read it, else the current
    folder (click reads the arguments after the options, so an option being completed hides PROJECT)."""
    given = ctx.params.get("project")
    return Path(given) if given else Path(".")


def complete_theme(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Theme names for ``--theme``: the publisher's and the project's own, with what each is for."""
    from ..theme import describe_themes

    project = _project_of(ctx)
    try:
        themes = describe_themes(project.resolve() if (project / "styles").is_dir() else None)
    except Exception:  # a broken theme.yaml must not break the shell: offer the names alone
        from ..theme import available_themes

        return [CompletionItem(name) for name in available_themes() if name.startswith(incomplete)]
    return [CompletionItem(t.name, help=t.description) for t in themes if t.name.startswith(incomplete)]


def complete_edition(ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Edition names for ``--edition``: the built-in ones and those of the project's ``publisher.toml``."""
    from ..editions import BUILTIN

    editions = dict(BUILTIN)
    try:
        from ..editions.config import load_editions

        editions = load_editions(_project_of(ctx))
    except Exception:  # not a project, or a publisher.toml with a mistake: the built-in editions
        pass
    return [
        CompletionItem(name, help=edition.description)
        for name, edition in sorted(editions.items())
        if name.startswith(incomplete)
    ]
