"""Watch mode: build the report, then rebuild it whenever a source changes.

One long-lived process keeps WeasyPrint and matplotlib imported, one
:class:`~publisher.output.Writer` (one font configuration, fonts loaded once)
and the chart cache, so a rebuild costs only the layout. After each build it

* prints one line: what changed, the pages, the seconds;
* compares the new PDF with the previous good one (:mod:`publisher.diff`)
  and writes ``<name>-changes.html`` beside the PDF;
* with ``--serve``, publishes the PDF and its page images to the preview
  server (:mod:`.serve`), whose pages reload themselves;
* hands freed memory back to the system, so memory stays flat.

A broken edit prints its ``file:line:col`` error; the last good PDF stays
in place (PDFs are only ever replaced atomically) and watching goes on.
Ctrl-C stops cleanly, after the build under way.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import TextIO

import watchfiles

from .. import diff
from ..data import FONTS_DIR, PACKAGE_ROOT, STYLES_DIR
from ..errors import EnvironmentProblem, PublisherError, failure
from ..files import display_path, make_temporary_folder
from ..options import BuildOptions
from ..output import Writer, make_writer, release_memory
from ..pipeline import BuildResult, build
from ..progress import TerminalProgress
from ..source import find_project
from .serve import PreviewPage, PreviewServer, PreviewState

DEBOUNCE_MS = 500
"""Longest time changes are gathered into one rebuild."""
QUIET_MS = 50
"""A rebuild starts once no file has changed for this long (editors save in several steps)."""
IDLE_MS = 200
"""How often the watcher wakes up when nothing changes (to start the first build, to notice Ctrl-C)."""


@dataclass
class WatchOptions:
    """Options of ``publisher watch``."""

    build: BuildOptions = field(default_factory=BuildOptions)
    """What to build, as for ``publisher build``."""
    serve: bool = False
    """Serve a live preview over HTTP."""
    host: str = "127.0.0.1"
    """Address of the preview server: this machine only."""
    port: int = 8000
    """Port of the preview server; 0 picks a free one."""
    changes: bool = True
    """Write ``<name>-changes.html`` against the previous build."""
    debug: bool = False
    """Print tracebacks of internal errors (watching goes on)."""


def watched_paths(root: Path) -> list[Path]:
    """Folders whose changes trigger a rebuild: the sources, the themes and the fonts."""
    candidates = [root / "source", root / "styles", STYLES_DIR, FONTS_DIR]
    found: list[Path] = []
    for path in (p.resolve() for p in candidates if p.is_dir()):
        if not any(path.is_relative_to(other) for other in found):
            found = [other for other in found if not other.is_relative_to(path)] + [path]
    return found


def describe_folder(path: Path, root: Path) -> str:
    """A watched folder as the user knows it: the project's by its name in the project, the publisher's own
    (``publisher/styles``, the fonts) by what they hold."""
    if path == STYLES_DIR.resolve():
        return "the built-in themes"
    if path == FONTS_DIR.resolve():
        return "the bundled fonts"
    return describe_changes([path], root)


def describe_changes(paths: Iterable[Path], root: Path, limit: int = 3) -> str:
    """``source/report.md`` or ``a.yaml, b.yaml +2 more``: the changed files, short."""
    names = []
    for path in sorted(set(paths)):
        for base in (root, PACKAGE_ROOT):
            if path.is_relative_to(base):
                names.append(str(path.relative_to(base)))
                break
        else:
            names.append(str(path))
    shown = ", ".join(names[:limit])
    return shown + (f" +{len(names) - limit} more" if len(names) > limit else "")


class Watcher:
    """Builds a project again and again in one process; see the module docstring."""

    def __init__(self, options: WatchOptions, out: TextIO | None = None, err: TextIO | None = None):
        self.options = options
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.root = find_project(options.build.project)
        self.writer: Writer = make_writer()
        self.progress = TerminalProgress("building", stream=self.err)
        self.stop = threading.Event()
        self.builds = 0
        """Build attempts so far."""
        self.last_good: BuildResult | None = None
        self._snapshot_render = -1
        """The render whose PDF :attr:`snapshot` shows."""
        self.snapshot: diff.Snapshot | None = None
        """Text and page images of the last good PDF."""
        self.workdir = make_temporary_folder("watch")
        """Page images; removed at the end, or by a later session if this one is killed."""
        self.server: PreviewServer | None = None
        self.report: Path | None = None
        """The change report written by this session, if any."""
        self._snapshots_failed = False
        self._warnings: list[str] = []
        self._session = time.strftime("%H%M%S")
        self._good_at = ""
        """Time of the last good build."""

    # ------------------------------------------------------------ output

    def say(self, text: str) -> None:
        """A result line on stdout (after clearing the progress line)."""
        self.progress.clear()
        print(text, file=self.out, flush=True)

    def complain(self, text: str) -> None:
        """An error or warning on stderr."""
        self.progress.clear()
        print(text, file=self.err, flush=True)

    # ------------------------------------------------------------- build

    def rebuild(self, changed: Iterable[Path] = ()) -> bool:
        """Build once; print the outcome; return whether a new PDF was written."""
        self.builds += 1
        changed = list(changed)
        what = f"{describe_changes(changed, self.root)} changed" if changed else "first build"
        stamp = time.strftime("%H:%M:%S")
        try:
            result = build(self.options.build, self.writer, progress=self.progress)
        except PublisherError as exc:
            kept = f"{display_path(self.last_good.output)} kept" if self.last_good else "no PDF yet"
            self.say(f"{stamp} {what} → failed, {kept}")
            self.complain(exc.format())
            self._publish(error=exc.format())
            return False
        except Exception as exc:  # a bug must not end the session: report it and keep watching
            self.say(f"{stamp} {what} → internal error, last good PDF kept")
            if self.options.debug:
                self.complain(traceback.format_exc().rstrip())
            _, text = failure(exc)
            self.complain(text)
            self._publish(error=text.split("\n")[0])
            return False
        line = f"{stamp} {what} → {display_path(result.output)}: {result.pages} pages in {result.seconds:.2f} s"
        laid_out = result.pages_laid_out
        if laid_out < result.pages:
            line += f" ({laid_out} laid out, {result.pages - laid_out} kept)"
        if result.charts_drawn:
            line += f", {result.charts_drawn} chart{'s' if result.charts_drawn != 1 else ''} drawn"
        warnings = [warning.format() for warning in result.warnings.warnings]
        repeated = bool(warnings) and warnings == self._warnings
        if repeated:
            line += f" ({len(warnings)} warning{'s' if len(warnings) != 1 else ''} as before)"
        self.say(line)
        if not repeated:
            for warning in warnings:
                self.complain(warning)
        self._warnings = warnings
        self.last_good = result
        self._good_at = stamp
        self._after_build(result)
        return True

    def _after_build(self, result: BuildResult) -> None:
        """Page images, change report and preview for a new PDF; never fatal."""
        if not (self.options.serve or self.options.changes) or self._snapshots_failed:
            self._publish()
            return
        previous = self.snapshot
        # Pages the writer kept byte for byte since the build the last images are of need no new image.
        same = previous is not None and self._snapshot_render == result.serial - 1
        unchanged = result.pages_kept if same else frozenset()
        try:
            self.progress("page images")
            snapshot = diff.take_snapshot(
                result.output, self.workdir / f"build-{self.builds}", previous, unchanged=unchanged
            )
            comparison = None
            if previous is not None and self.options.changes:
                self.progress("comparing with the previous build")
                comparison = diff.compare(previous, snapshot)
                report = result.output.with_name(f"{result.output.stem}-changes.html")
                diff.write_report(comparison, report)
                self.report = report
                self.say(f"         changes: {comparison.summary()} → {display_path(report)}")
        except EnvironmentProblem as exc:
            self._snapshots_failed = True
            self.complain(f"warning: no page images or change reports in this session: {exc.message}")
            if exc.hint:
                self.complain(f"  hint: {exc.hint}")
            self._publish()
            return
        except PublisherError as exc:  # a page too large to show (publisher.diff): this build has no images
            self.complain(f"warning: no page images of this build: {exc.message}")
            self._publish()
            return
        except Exception as exc:  # the PDF is written; a failed comparison only loses the report
            self.complain(f"warning: could not compare with the previous build: {type(exc).__name__}: {exc}")
            if self.options.debug:
                self.complain(traceback.format_exc().rstrip())
            self._publish()
            return
        finally:
            self.progress.clear()
        self.snapshot = snapshot
        self._snapshot_render = result.serial
        self._publish(changed=comparison.changed_pages() if comparison else [])
        self._forget_old_snapshots(keep={snapshot.pages[0].image.parent} if snapshot.pages else set())

    def _forget_old_snapshots(self, keep: set[Path]) -> None:
        folders = sorted(self.workdir.glob("build-*"), key=lambda p: int(p.name.split("-")[1]))
        for folder in folders[:-2]:
            if folder not in keep:
                shutil.rmtree(folder, ignore_errors=True)

    def _publish(self, error: str | None = None, changed: Iterable[int] = ()) -> None:
        if self.server is None:
            return
        snapshot, good = self.snapshot, self.last_good
        scale = (snapshot.dpi if snapshot else diff.DPI) / 72
        pages = tuple(
            PreviewPage(p.number, p.digest, p.image, round(p.width * scale), round(p.height * scale))
            for p in (snapshot.pages if snapshot else [])
        )
        status = f"{good.pages} pages · built {self._good_at} in {good.seconds:.2f} s" if good else "no PDF yet"
        self.server.publish(
            PreviewState(
                build_id=f"{self._session}-{self.builds}",
                title=good.document.meta.title if good else self.root.name,
                pdf=good.output if good else None,
                pages=pages,
                changed=frozenset(changed),
                status=status,
                error=error,
                report=self.report,
            )
        )

    # -------------------------------------------------------------- loop

    def changes(self) -> Iterator[set[Path]]:
        """Sets of changed files, until :attr:`stop` is set.

        An empty set comes every :data:`IDLE_MS` when nothing changed; the
        first comes as soon as the file watcher runs, so a first build started
        then misses no edit made while it runs.
        """
        ignored = [self.root / "out"]
        output = self.options.build.output
        if output is not None:
            ignored.append((output if output.suffix.lower() != ".pdf" else output.parent).resolve())

        class SourceFilter(watchfiles.DefaultFilter):
            def __call__(self, change: watchfiles.Change, path: str) -> bool:
                if path.endswith(".part") or any(Path(path).is_relative_to(p) for p in ignored):
                    return False
                return bool(super().__call__(change, path))

        for batch in watchfiles.watch(
            *watched_paths(self.root),
            watch_filter=SourceFilter(),
            debounce=DEBOUNCE_MS,
            step=QUIET_MS,
            stop_event=self.stop,
            rust_timeout=IDLE_MS,
            yield_on_timeout=True,
            raise_interrupt=False,
        ):
            kinds: dict[Path, set[watchfiles.Change]] = {}
            for change, path in batch:
                kinds.setdefault(Path(path), set()).add(change)
            # An editor's or sed's temporary file, created and gone again, is no change.
            yield {p for p, k in kinds.items() if p.exists() or watchfiles.Change.added not in k}

    def run(self) -> int:
        """Build, then rebuild on every change until Ctrl-C (or :attr:`stop`). Returns the exit code."""
        restore = self._install_signal_handlers()
        try:
            if self.options.serve:
                server = PreviewServer(self.options.host, self.options.port)
                server.start()
                self.server = server
                self.say(f"serving the preview at {server.url} (this machine only)")
            started = False
            for changed in self.changes():
                if self.stop.is_set():
                    break
                if not started:
                    self.rebuild()
                    release_memory()
                    folders = ", ".join(describe_folder(p, self.root) for p in watched_paths(self.root))
                    self.say(f"watching {folders} for changes; Ctrl-C stops")
                    started = True
                elif changed:
                    self.rebuild(changed)
                    release_memory()
        finally:
            restore()
            self.close()
        self.say("stopped watching")
        return 0

    def close(self) -> None:
        """Stop the preview server and remove the page images."""
        if self.server is not None:
            self.server.close()
        self.server = None
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _install_signal_handlers(self) -> Callable[[], None]:
        """Ctrl-C (or SIGTERM) finishes the build under way, then stops; a second Ctrl-C stops at once."""
        if threading.current_thread() is not threading.main_thread():
            return lambda: None

        def handler(signum: int, frame: FrameType | None) -> None:
            if self.stop.is_set():
                raise KeyboardInterrupt
            self.stop.set()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}

        def restore() -> None:
            for sig, old in previous.items():
                signal.signal(sig, old)

        return restore


def watch(options: WatchOptions) -> int:
    """Run ``publisher watch``; returns the exit code."""
    return Watcher(options).run()
