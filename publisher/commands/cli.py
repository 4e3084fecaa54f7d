"""The ``publisher`` command line: each command reads its arguments, calls the API and prints the result."""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import NoReturn

import click

from ..data import VERSION
from ..errors import Diagnostics, failure
from ..files import display_path
from ..progress import TerminalProgress
from .terminal import complete_edition, complete_theme, link, open_in_viewer


def _print_warnings(diagnostics: Diagnostics) -> None:
    for warning in diagnostics.warnings:
        click.echo(warning.format(), err=True)


class Terminated(BaseException):
    """``SIGTERM`` arrived: unwinds like Ctrl-C, so that every ``finally`` removes its temporary files."""


_MAIN_PID = os.getpid()

GC_THRESHOLD = 50_000
"""Allocations between young-generation collections in a command's process (Python's default: 700)."""


def _terminate(signum: int, _frame: object) -> None:
    if os.getpid() != _MAIN_PID:  # a forked worker inherited the handler: it dies as it would have
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise Terminated


def run_user_command(debug: bool, func: Callable[[], int | None]) -> None:
    """Run a command body: errors become one clean message and their exit code (:func:`publisher.errors.failure`).

    Ctrl-C exits 130 and ``SIGTERM`` 143, both after unwinding (temporary files removed on the way out).
    """
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    try:
        signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread (a command run from a test's thread): its caller owns the signals
        pass
    try:
        code = func() or 0
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Terminated:
        click.echo("terminated", err=True)
        sys.exit(143)
    except BrokenPipeError:  # output piped into `head` and closed
        sys.exit(0)
    except Exception as exc:
        if debug:
            raise
        code, text = failure(exc)
        click.echo(text, err=True)
        sys.exit(code)
    sys.exit(code)


def _info(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from ..info import info_lines

    for line in info_lines():
        click.echo(line)
    ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(VERSION, prog_name="publisher")
@click.option(
    "--info",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_info,
    help="Show library versions and which font file serves each role.",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Typeset Chinese reports from Markdown and chart specs into print-ready PDF."""
    ctx.obj = {"debug": debug}
    collect_less()


def collect_less() -> None:
    """Set the garbage collector for builds (every command, ``publisher watch`` too; the benches call it).

    A build makes a few hundred thousand objects that live until it ends (styles, boxes, pages): with the
    default threshold the collector walks them again and again (0.15-0.2 s of the sample's cold build, and
    0.3-0.4 s of a warm rebuild of 68 pages, which keeps the last build's pages).
    """
    gc.set_threshold(GC_THRESHOLD, 50, 100)


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output .pdf file or folder (default PROJECT/out/<name>.pdf).",
)
@click.option(
    "--theme",
    shell_complete=complete_theme,
    help="Theme name (default: front matter `theme`, else 'report'; `publisher themes` lists them).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--no-cache", is_flag=True, help="Draw every chart again instead of reusing out/.cache.")
@click.option("--allow-remote", is_flag=True, help="Allow http(s) images and resources (off by default).")
@click.option("--allow-missing-glyphs", is_flag=True, help="Warn instead of failing on characters no font has.")
@click.option(
    "--edition",
    "editions",
    multiple=True,
    metavar="NAME",
    shell_complete=complete_edition,
    help="Build this edition (print, meeting, archive, booklet, docx, or one of publisher.toml) into "
    "out/<name>-<edition>.pdf (docx: out/<name>.docx, a Word document); repeatable.",
)
@click.option("--all-editions", is_flag=True, help="Build every edition.")
@click.option("--open", "open_", is_flag=True, help="Open the PDF in the desktop's viewer when it is written.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that lay out a long report (default: 2 on a machine with two cores or more; 1: one process).",
)
@click.option(
    "--param",
    "params",
    multiple=True,
    callback=lambda _ctx, _param, value: _params(value),
    metavar="NAME=VALUE",
    help="A value of the report's parameters (front matter `params:`); repeat for several.",
)
@click.option("-v", "--verbose", is_flag=True, help="Also say how pages were composed (pages left short, and why).")
@click.pass_context
def build(
    ctx: click.Context,
    project: Path,
    output: Path | None,
    theme: str | None,
    strict: bool,
    no_cache: bool,
    allow_remote: bool,
    allow_missing_glyphs: bool,
    editions: tuple[str, ...],
    all_editions: bool,
    jobs: int | None,
    params: dict[str, str],
    open_: bool,
    verbose: bool,
) -> None:
    """Build the report in PROJECT into a PDF."""

    def body() -> int:
        from .. import api

        progress = TerminalProgress("building")
        given = api.Settings(
            theme=theme,
            output=output,
            strict=strict,
            cache=not no_cache,
            allow_remote=allow_remote,
            allow_missing_glyphs=allow_missing_glyphs,
            jobs=jobs,
            params=params,
        )
        if editions or all_editions:
            from ..pipeline import merged_warnings

            chosen = None if all_editions else list(editions)
            built = api.build_editions(project, chosen, progress=progress, **given)
            progress.clear()
            _print_warnings(merged_warnings(built))
        else:
            built = [api.build(project, progress=progress, **given)]
            progress.clear()
            _print_warnings(built[0].warnings)
        for result in built:
            if verbose:
                for note in result.warnings.notes:
                    click.echo(f"{display_path(result.output)}: {note}", err=True)
            click.echo(f"wrote {link(result.output, display_path(result.output))}: {result.summary()}")
        if open_:
            first = built[0].output
            why = open_in_viewer(first)
            if why is not None:
                click.echo(f"--open: {why}; the file is {first.resolve()}", err=True)
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option(
    "--data",
    "data",
    type=click.Path(path_type=Path),
    required=True,
    help="A .csv or .xlsx file: one row per unit, the first row naming the columns (the report's parameters).",
)
@click.option("--sheet", default="", help="The sheet of an Excel file (default: the first).")
@click.option("--key", default="", help="The column that names each report (default: the first).")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the PDFs (default PROJECT/out/batch).",
)
@click.option(
    "--jobs", type=click.IntRange(min=1), default=None, help="Worker processes (default: the number of cores)."
)
@click.option("--scheduler", default=None, help="Build on a Dask cluster: its scheduler's address, tcp://HOST:8786.")
@click.option("--force", is_flag=True, help="Build every row, even those whose PDF is up to date.")
@click.pass_context
def batch(
    ctx: click.Context,
    project: Path,
    data: Path,
    sheet: str,
    key: str,
    output: Path | None,
    jobs: int | None,
    scheduler: str | None,
    force: bool,
) -> None:
    """Build one report per row of a spreadsheet of units (docs/batch.md)."""

    def body() -> int:
        import time

        from ..batch import Outcome, read_units, run_batch, summary_lines
        from ..source import find_project

        root = find_project(project)
        units = read_units(root, data, sheet, key)
        folder = output if output is not None else root / "out" / "batch"
        start = time.perf_counter()
        total = len(units)
        count = 0

        def report(outcome: Outcome) -> None:
            nonlocal count
            count += 1
            elapsed = time.perf_counter() - start
            rate = count / elapsed if elapsed > 0 else 0.0
            left = f", about {(total - count) / rate:.0f} s left" if rate > 0 and count < total else ""
            what = f"{outcome.pages} pages in {outcome.seconds:.1f} s" if outcome.status == "built" else outcome.status
            click.echo(f"[{count}/{total}] {outcome.key}: {what} ({rate * 60:.1f} a minute{left})", err=True)

        done = run_batch(root, units, folder, jobs, scheduler, report, force)
        for line in summary_lines(done, time.perf_counter() - start):
            click.echo(line, err=True)
        return 1 if done.failed else 0

    run_user_command(ctx.obj["debug"], body)


def _params(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, given = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{value}': write NAME=VALUE, e.g. --param unit=祖庙街道")
        out[name.strip()] = given
    return out


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option(
    "--theme",
    shell_complete=complete_theme,
    help="Theme name (default: front matter `theme`, else 'report'; `publisher themes` lists them).",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--allow-remote", is_flag=True, help="Accept http(s) images (off by default).")
@click.option("--fix", is_flag=True, help="Write the typography corrections into the source (keeps a .bak).")
@click.option("--allow-missing-glyphs", is_flag=True, help="Warn instead of failing on characters no font has.")
@click.option(
    "--allow-substitute-fonts",
    is_flag=True,
    help="gongwen: pass a role set in an open substitute instead of the face GB/T 9704 names.",
)
@click.pass_context
def check(
    ctx: click.Context,
    project: Path,
    theme: str | None,
    strict: bool,
    allow_remote: bool,
    fix: bool,
    allow_missing_glyphs: bool,
    allow_substitute_fonts: bool,
) -> None:
    """Check PROJECT without typesetting: source, chart specs, figures against the text; the theme's own checks."""

    def body() -> int:
        from .. import api

        found = api.check(
            project,
            theme=theme,
            strict=strict,
            fix=fix,
            allow_remote=allow_remote,
            allow_missing_glyphs=allow_missing_glyphs,
            allow_substitute_fonts=allow_substitute_fonts,
        )
        _print_warnings(found.warnings)
        for target in found.unreferred:  # a note, not a warning: many reports never refer to their figures
            click.echo(f"{target.pos}: note: {target.label} ({target.key}) is never referred to in the text", err=True)
        if found.unreferred:
            click.echo("  hint: where the text speaks of one, refer to it with [@id] (docs/tables.md)", err=True)
        if found.backup is not None:
            for item in found.fixes:
                click.echo(item.format())
            click.echo(f"check: fixed {len(found.fixes)} places in source/report.md (backup: {found.backup.name})")
        elif found.fixes:
            click.echo(
                f"check: {len(found.fixes)} typography corrections are made in the PDF; "
                "`publisher check --fix` writes them into the source"
            )
        summary = (
            f"{found.charts} chart specs, {found.figures} figures, "
            f"{found.numbers_checked} chart and table numbers checked against the text"
        )
        if found.warnings.warnings:
            click.echo(f"check: {len(found.warnings.warnings)} warning(s); {summary}")
            if strict:
                return 1
        else:
            click.echo(f"check: ok; {summary}")
        for theme_check in found.theme_checks:
            click.echo(f"{theme_check.title} compliance ({theme_check.pages} pages):")
            for rule in theme_check.rules:
                mark = "ok  " if rule.ok else "FAIL"
                click.echo(f"  {mark} {rule.name}: expected {rule.expected}; measured {rule.measured}")
            met = sum(1 for rule in theme_check.rules if rule.ok)
            click.echo(f"check: {met} of {len(theme_check.rules)} {theme_check.title.split('-')[0]} rules met")
        return 0 if all(theme_check.ok for theme_check in found.theme_checks) else 1

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option("--serve", is_flag=True, help="Also serve a live preview (PDF and pages) on 127.0.0.1.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port of the preview (0: any free port).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output .pdf file or folder (default PROJECT/out/<name>.pdf).",
)
@click.option(
    "--theme",
    shell_complete=complete_theme,
    help="Theme name (default: front matter `theme`, else 'report'; `publisher themes` lists them).",
)
@click.pass_context
def watch(ctx: click.Context, project: Path, serve: bool, port: int, output: Path | None, theme: str | None) -> None:
    """Build PROJECT, then rebuild it whenever a source changes (Ctrl-C stops).

    Each build prints one line; a broken edit prints its error and keeps the
    last good PDF. Every new PDF is compared with the previous one in
    <name>-changes.html beside it.
    """

    def body() -> int:
        from ..options import BuildOptions
        from .watch import WatchOptions
        from .watch import watch as run_watch

        options = BuildOptions(project=project, output=output, theme=theme)
        return run_watch(WatchOptions(options, serve=serve, port=port, debug=ctx.obj["debug"]))

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="The HTML report (default NEW-changes.html beside NEW).",
)
@click.pass_context
def diff(ctx: click.Context, old: Path, new: Path, output: Path | None) -> None:
    """Compare two PDFs page by page and write an HTML change report.

    Lists the pages whose text or drawings changed, with the words removed
    and added, and shows each changed page before and after, the changed
    areas outlined.
    """

    def body() -> int:
        from ..diff import diff_pdfs

        report = output or new.with_name(f"{new.stem}-changes.html")
        progress = TerminalProgress("comparing")
        comparison = diff_pdfs(old, new, report, progress)
        progress.clear()
        click.echo(comparison.summary())
        for line in comparison.details():
            click.echo(f"  {line}")
        click.echo(f"wrote {display_path(report)}")
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Project folder to create (default: the file's name without its extension, in the current folder).",
)
@click.option("--force", is_flag=True, help="Write into OUTPUT even if it is not empty (same-named files replaced).")
@click.option("--explain", is_flag=True, help="Print why each line of FILE became what it became.")
@click.option("--strict", is_flag=True, help="Fail (and write nothing) when a decision needs a person to confirm it.")
@click.option(
    "--update",
    "project",
    type=click.Path(path_type=Path),
    metavar="PROJECT",
    help="FILE is PROJECT's Word edition, edited: show the changes made in Word (with --write, make them).",
)
@click.option("--write", is_flag=True, help="With --update: write the changes into PROJECT's source/report.md.")
@click.pass_context
def import_(
    ctx: click.Context,
    file: Path,
    output: Path | None,
    force: bool,
    explain: bool,
    strict: bool,
    project: Path | None,
    write: bool,
) -> None:
    """Import FILE (.txt, .md or .docx) as a report project that `publisher build` turns into a PDF.

    It prints what it dropped and joined, the outline it found and the decisions
    a person should confirm, each with its place in FILE. A .docx written by
    `publisher build --edition docx` gives back its project, with the edits made
    in Word; `--update PROJECT` compares it with PROJECT's source instead.
    """
    if write and project is None:
        raise click.UsageError("--write goes with --update PROJECT")

    def body() -> int:
        from .. import api
        from ..importer import ImportReport, UncertainImport, WordUpdate

        source = display_path(file)

        def show(report: ImportReport | WordUpdate, written: bool = True) -> None:
            if explain:
                for line in report.explain(source):
                    click.echo(line)
            for line in report.summary(source):
                click.echo(line, err=True)
            if written:
                for rel in report.files:
                    click.echo(f"wrote {display_path(report.out_dir / rel)}")
                click.echo(f"next: publisher build {display_path(report.out_dir)}")

        if project is not None:
            update = api.update_from_word(project, file, write=write)
            show(update, written=False)
            return 1 if strict and update.uncertain() else 0
        from ..importer.exported import is_exported

        if is_exported(file):
            show(api.restore_from_word(file, output, force=force))
            return 0
        try:
            report = api.import_report(file, output, force=force, strict=strict)
        except UncertainImport as exc:
            show(exc.report, written=False)
            raise
        show(report)
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.group()
def fonts() -> None:
    """The full font faces beside the bundled subsets (all CJK ideographs, symbols, emoji, office substitutes)."""


@fonts.command("install")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path),
    help="Install into this folder (default: $PUBLISHER_FONT_DIR, else ~/.local/share/publisher/fonts).",
)
@click.pass_context
def fonts_install(ctx: click.Context, folder: Path | None) -> None:
    """Take the full faces out of Debian's font packages (nothing is installed on the system)."""

    def body() -> int:
        from ..fontstore import PACKAGE_VERSIONS, install

        report = install(folder, progress=lambda line: click.echo(line, err=True))
        for name in report.differs:
            click.echo(
                f"warning: {name} is not the file the publisher was tested with: PDFs made here may differ "
                "from other machines'",
                err=True,
            )
        if report.differs:
            expected = ", ".join(f"{name} {version}" for name, version in PACKAGE_VERSIONS.items())
            click.echo(f"  hint: the recorded files are those of Debian 12's {expected}", err=True)
        done = len(report.copied) + len(report.downloaded)
        click.echo(f"fonts: {'installed' if done else 'already installed'} in {display_path(report.folder)}")
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("pdf", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="New or empty folder for the project (default: the report's name, here).",
)
@click.pass_context
def extract(ctx: click.Context, pdf: Path, output: Path | None) -> None:
    """Get back the project attached to an archive edition PDF."""

    def body() -> int:
        from .. import api

        done = api.extract(pdf, output)
        click.echo(
            f"extracted {len(done.files)} files into {display_path(done.folder)} (made with publisher {done.made_by}):"
        )
        for line in done.contents():
            click.echo(f"  {line}")
        click.echo(
            "it came from someone else: building reads only files inside the folder and runs no code from it, "
            "but read it before you print it"
        )
        click.echo(f"rebuild: publisher build {display_path(done.folder)} --edition {done.edition}")
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option(
    "--theme",
    default="report",
    show_default=True,
    shell_complete=complete_theme,
    help="The theme (`publisher themes` lists them).",
)
@click.option(
    "--lang",
    type=click.Choice(["zh-CN", "zh-Hant", "en"]),
    default="zh-CN",
    show_default=True,
    help="The report's language: Simplified or Traditional Chinese, or English (the template's text too).",
)
@click.option("--title", default=None, help="The report's title (default: 工作报告, 工作報告 or Annual Report).")
@click.option("--force", is_flag=True, help="Write into FOLDER even if it is not empty (same-named files replaced).")
@click.pass_context
def new(ctx: click.Context, folder: Path, theme: str, lang: str, title: str | None, force: bool) -> None:
    """Start a report in FOLDER: a small project that builds at once and shows how each part is written.

    The front matter lists every key with what it does, the text a heading of
    each level, a footnote, a chart, a table and cross-references;
    publisher.toml the editions.
    """

    def body() -> int:
        from ..starter import create

        made = create(folder, theme=theme, lang=lang, title=title, force=force)
        click.echo(f"created {display_path(made.folder)}: a report in the '{made.theme}' theme, {made.lang}")
        for rel in made.files:
            click.echo(f"  {rel}")
        here = Path.cwd().resolve()
        click.echo("next:")
        if made.folder.resolve() != here:
            click.echo(f"  cd {_shell_word(display_path(made.folder))}")
        click.echo("  publisher watch --serve    (a live preview; `publisher build` writes the PDF)")
        return 0

    run_user_command(ctx.obj["debug"], body)


def _shell_word(text: str) -> str:
    import shlex

    return shlex.quote(text)


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.pass_context
def themes(ctx: click.Context, project: Path) -> None:
    """List the themes PROJECT can use (the publisher's and its own styles/), with what each is for."""

    def body() -> int:
        from ..theme import describe_themes

        root = project.resolve() if (project / "styles").is_dir() else None
        found = describe_themes(root)
        width = max(len(t.name) for t in found)
        origin_width = max(len(t.origin) for t in found)
        for theme in found:
            what = theme.description or f"(no description: add `description:` to styles/{theme.name}/theme.yaml)"
            click.echo(f"{theme.name:<{width}}  {theme.origin:<{origin_width}}  {what}")
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion(shell: str) -> None:
    """Print the script that completes publisher's commands, options, themes and editions in SHELL.

    \b
    bash:  eval "$(publisher completion bash)"    (in ~/.bashrc)
    zsh:   eval "$(publisher completion zsh)"     (in ~/.zshrc)
    fish:  publisher completion fish > ~/.config/fish/completions/publisher.fish
    """
    from click.shell_completion import get_completion_class

    cls = get_completion_class(shell)
    assert cls is not None  # click knows the three shells of the Choice
    click.echo(cls(main, {}, "publisher", "_PUBLISHER_COMPLETE").source())


def run() -> None:
    """The ``publisher`` program (its console script and ``python -m publisher``): :func:`main`, then
    :func:`leave` with its exit status. Tests call :func:`main` (click's runner), which returns."""
    try:
        main()
    except SystemExit as exc:
        leave(exc.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """End the process with ``code`` as :func:`sys.exit` would, without taking the interpreter apart.

    At exit Python frees every object one by one: a build's styles, boxes, pages and Pango layouts took
    0.25-0.6 s after the PDF was written (a sixth of a cold build on a 2-core machine), for memory the
    system takes back at once. So what an exit must do is done here: the ``atexit`` functions (temporary
    folders, logging, multiprocessing), the standard streams flushed; then :func:`os._exit`. While another
    thread runs, Python's own exit (which waits for it).
    """
    import atexit
    import threading

    if threading.active_count() > 1:
        raise SystemExit(code)
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
    except (OSError, ValueError):  # a closed pipe (`| head`), a closed stream
        status = status or 120  # as Python's own exit when it cannot flush stdout
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
