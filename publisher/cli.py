"""The ``publisher`` command line: thin commands over the library."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import EXIT_INTERNAL, Diagnostics, PublisherError

F = TypeVar("F", bound=Callable[..., Any])


def _print_warnings(diagnostics: Diagnostics) -> None:
    for warning in diagnostics.warnings:
        click.echo(warning.format(), err=True)


def run_user_command(debug: bool, func: Callable[[], int | None]) -> None:
    """Run a command body: user errors become one clean message and an exit code."""
    try:
        code = func() or 0
    except PublisherError as exc:
        if debug:
            raise
        click.echo(exc.format(), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so briefly unless --debug
        if debug:
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("  hint: run again with --debug for the traceback and report it", err=True)
        sys.exit(EXIT_INTERNAL)
    sys.exit(code)


def _info(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from .info import info_lines

    for line in info_lines():
        click.echo(line)
    ctx.exit(0)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="publisher")
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


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Output .pdf file or folder (default PROJECT/out/<name>.pdf).",
)
@click.option("--theme", help="Theme name (default: front matter `theme`, else 'report').")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--no-cache", is_flag=True, help="Draw every chart again instead of reusing out/.cache.")
@click.option("--allow-remote", is_flag=True, help="Allow http(s) images and resources (off by default).")
@click.pass_context
def build(
    ctx: click.Context,
    project: Path,
    output: Path | None,
    theme: str | None,
    strict: bool,
    no_cache: bool,
    allow_remote: bool,
) -> None:
    """Build the report in PROJECT into a PDF."""

    def body() -> int:
        from .build import BuildOptions
        from .build import build as run_build

        interactive = sys.stderr.isatty()
        options = BuildOptions(
            project=project, output=output, theme=theme, strict=strict, cache=not no_cache, allow_remote=allow_remote
        )
        result = run_build(options, progress=_progress_printer() if interactive else _quiet)
        if interactive:
            click.echo("\r\033[K", nl=False, err=True)
        _print_warnings(result.warnings)
        shown = _display_path(result.pdf)
        click.echo(f"wrote {shown}: {result.pages} pages in {result.seconds:.2f} s")
        return 0

    run_user_command(ctx.obj["debug"], body)


@main.command()
@click.argument("project", type=click.Path(path_type=Path), default=".")
@click.option("--theme", help="Theme name (default: front matter `theme`, else 'report').")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--allow-remote", is_flag=True, help="Accept http(s) images (off by default).")
@click.pass_context
def check(ctx: click.Context, project: Path, theme: str | None, strict: bool, allow_remote: bool) -> None:
    """Check PROJECT without typesetting: source, chart specs, figures against the text."""

    def body() -> int:
        from .build import BuildOptions, prepare

        prepared = prepare(BuildOptions(project=project, theme=theme, strict=strict, allow_remote=allow_remote))
        diagnostics = prepared.diagnostics
        _print_warnings(diagnostics)
        figures = len(prepared.document.figures())
        summary = (
            f"{len(prepared.specs)} chart specs, {figures} figures, "
            f"{prepared.numbers_checked} chart numbers checked against the text"
        )
        if diagnostics.warnings:
            click.echo(f"check: {len(diagnostics.warnings)} warning(s); {summary}")
            return 1 if strict else 0
        click.echo(f"check: ok; {summary}")
        return 0

    run_user_command(ctx.obj["debug"], body)


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _quiet(_step: str) -> None:
    pass


def _progress_printer() -> Callable[[str], None]:
    def show(step: str) -> None:
        click.echo(f"\r\033[Kbuilding: {step}…", nl=False, err=True)

    return show
