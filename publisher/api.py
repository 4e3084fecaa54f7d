"""The public Python API: what the command line calls, and what scripts and batch workers call.

Every function takes plain arguments and returns a result object; user
mistakes raise :class:`~publisher.errors.PublisherError` (with ``pos`` and
``hint``), problems of the machine :class:`~publisher.errors.EnvironmentProblem`.
Nothing is printed. See ``docs/api.md``.
"""

from __future__ import annotations

import dataclasses
import tempfile
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack

from .editions import Edition
from .errors import Diagnostics, Pos, PublisherError
from .options import BuildOptions

if typing.TYPE_CHECKING:
    from .checks import Rule
    from .editions.archive import Extracted
    from .importer import ImportReport, WordUpdate
    from .numbering import Target
    from .output import Writer
    from .pipeline import BuildResult
    from .typeset.lint import Fix

Progress = Callable[[str], None]


class Settings(typing.TypedDict, total=False):
    """The build options a caller of :func:`build`, :func:`build_editions` and :func:`check` may give."""

    theme: str | None
    """Theme name (default: the front matter's ``theme``, else ``report``)."""
    output: str | Path | None
    """The file (``.pdf``, ``.docx``) or folder to write (default ``PROJECT/out/``)."""
    strict: bool
    """The first warning is the error, before anything is written."""
    cache: bool
    """Reuse drawn charts and font subsets (default ``True``)."""
    cache_dir: str | Path | None
    """Where they are kept (default ``PROJECT/out/.cache``)."""
    allow_remote: bool
    """Allow http(s) images and resources."""
    allow_missing_glyphs: bool
    """Warn instead of failing on characters no font has."""
    jobs: int | None
    """Processes that lay out a long report (default two on a machine with two cores; 1 for this process only)."""
    params: Mapping[str, object] | None
    """Values of the report's parameters (docs/batch.md)."""


def _options(project: str | Path, settings: Settings) -> BuildOptions:
    """The one place where the API's keyword arguments become :class:`~publisher.options.BuildOptions`."""
    output = settings.get("output")
    cache_dir = settings.get("cache_dir")
    return BuildOptions(
        project=Path(project),
        output=None if output is None else Path(output),
        theme=settings.get("theme"),
        strict=settings.get("strict", False),
        cache=settings.get("cache", True),
        cache_dir=None if cache_dir is None else Path(cache_dir),
        allow_remote=settings.get("allow_remote", False),
        allow_missing_glyphs=settings.get("allow_missing_glyphs", False),
        jobs=settings.get("jobs"),
        params=tuple((str(k), str(v)) for k, v in (settings.get("params") or {}).items()),
    )


def build(
    project: str | Path = ".",
    *,
    edition: str | Edition | None = None,
    writer: Writer | None = None,
    progress: Progress | None = None,
    **settings: Unpack[Settings],
) -> BuildResult:
    """Build the report in ``project`` into ``PROJECT/out/<name>.pdf`` (or ``output``).

    ``edition`` is an edition's name (built in, or from ``publisher.toml``) or
    an :class:`~publisher.editions.Edition`. Keep one ``writer``
    (:func:`publisher.output.make_writer`) to rebuild cheaply in one process.
    The other keywords are :class:`Settings`: ``theme``, ``output``,
    ``strict``, ``cache``, ``cache_dir``, ``allow_remote``,
    ``allow_missing_glyphs``, ``jobs``, ``params``.
    """
    options = _options(project, settings)
    if isinstance(edition, str):
        from .pipeline import project_editions

        [edition] = project_editions(options.project, [edition])
    return build_with(dataclasses.replace(options, edition=edition), writer, progress)


def build_with(options: BuildOptions, writer: Writer | None = None, progress: Progress | None = None) -> BuildResult:
    """Build from :class:`~publisher.options.BuildOptions`: what a worker process runs (the options pickle)."""
    from .pipeline import build as run
    from .pipeline import quiet

    return run(options, writer, progress or quiet)


def build_editions(
    project: str | Path = ".",
    editions: Sequence[str] | None = None,
    *,
    writer: Writer | None = None,
    progress: Progress | None = None,
    **settings: Unpack[Settings],
) -> list[BuildResult]:
    """Build the named editions (all for ``None``) into ``out/<name>-<edition>.pdf``; the source is read once.

    The keywords are those of :func:`build`.
    """
    from .pipeline import build_editions as run
    from .pipeline import project_editions, quiet

    options = _options(project, settings)
    chosen = project_editions(options.project, None if editions is None else list(editions))
    return run(options, chosen, writer, progress or quiet)


@dataclass(frozen=True)
class ThemeCheck:
    """A check the theme registers (``theme.yaml``), run on a build of the report."""

    name: str
    title: str
    pages: int
    rules: list[Rule]

    @property
    def ok(self) -> bool:
        return all(rule.ok for rule in self.rules)


@dataclass
class CheckResult:
    """What :func:`check` found."""

    project: Path
    warnings: Diagnostics
    charts: int
    """Chart specs read."""
    figures: int
    """Charts placed in the text."""
    numbers_checked: int
    """Chart and table numbers compared with the text."""
    fixes: list[Fix] = field(default_factory=list)
    """Typography corrections the build makes in the PDF (and ``fix=True`` writes into the source)."""
    backup: Path | None = None
    """With ``fix=True`` and corrections: the copy of the source before they were written."""
    theme_checks: list[ThemeCheck] = field(default_factory=list)
    """The theme's checks (none under ``strict`` with warnings: the report is not built then)."""
    unreferred: list[Target] = field(default_factory=list)
    """Numbered figures and tables no ``[@id]`` refers to, in reading order (a note, not a warning)."""

    @property
    def ok(self) -> bool:
        """No warning, and every rule of the theme's checks met."""
        return not self.warnings.warnings and all(check.ok for check in self.theme_checks)


def check(
    project: str | Path = ".",
    *,
    theme: str | None = None,
    strict: bool = False,
    fix: bool = False,
    allow_remote: bool = False,
    allow_missing_glyphs: bool = False,
    allow_substitute_fonts: bool = False,
) -> CheckResult:
    """Check the report without keeping a PDF: source, chart specs, figures against the text, typography.

    Then (unless ``strict`` and there are warnings) the checks the theme
    registers (e.g. GB/T 9704 for ``gongwen``) measure a build made in a
    temporary folder; ``allow_substitute_fonts`` lets them pass a role set in
    an open substitute face. ``fix=True`` writes the typography corrections
    into the source, keeping a backup.
    """
    from .charts.crosscheck import stated_numbers
    from .charts.fit import check_fit
    from .parse import build_model
    from .pipeline import build as run_build
    from .pipeline import prepare
    from .typeset.lint import apply_fixes, find_fixes

    options = _options(
        project,
        Settings(theme=theme, strict=strict, allow_remote=allow_remote, allow_missing_glyphs=allow_missing_glyphs),
    )
    prepared = prepare(options)
    result = CheckResult(
        prepared.source.root,
        prepared.diagnostics,
        len(prepared.specs),
        len(prepared.document.figures()),
        prepared.numbers_checked,
        unreferred=list(prepared.unreferred),
    )
    source = prepared.source
    stated = stated_numbers(source.body, Pos(source.main.path), source.body_line)
    check_fit(prepared.specs.values(), stated, prepared.diagnostics)
    if prepared.document.meta.lang.startswith("zh"):
        # the text as written: the build's walk over the text nodes, before its normalisation
        source = prepared.source
        written = build_model(
            dataclasses.replace(source, meta=dataclasses.replace(source.meta, normalize=False)), Diagnostics()
        )
        result.fixes, fixed_text = find_fixes(source, written)
        if fix and result.fixes:
            result.backup = apply_fixes(prepared.source, fixed_text)
    if (strict and prepared.diagnostics.warnings) or not prepared.theme.checks:
        return result
    from .checks import CHECKS, Subject

    with tempfile.TemporaryDirectory() as tmp:
        built = run_build(dataclasses.replace(options, output=Path(tmp) / "check.pdf"))
        subject = Subject(built.output, prepared.theme.tokens, prepared.document.meta.lang, allow_substitute_fonts)
        for name in prepared.theme.checks:
            found = CHECKS[name]
            result.theme_checks.append(ThemeCheck(name, found.title, built.pages, found.run(subject)))
    return result


def import_report(
    file: str | Path, output: str | Path | None = None, *, force: bool = False, strict: bool = False
) -> ImportReport:
    """Import a ``.txt``, ``.md`` or ``.docx`` report as a project in ``output`` (default: the file's name, here).

    ``strict``: raise :class:`~publisher.importer.UncertainImport` and write nothing when a decision of the
    import needs a person to confirm it (the report it carries lists them). A Word document the publisher
    wrote (``--edition docx``) is better given to :func:`restore_from_word` (``publisher import`` does that).
    """
    from .importer import import_file

    path = Path(file)
    out = Path(output) if output is not None else Path(path.stem or "report")
    return import_file(path, out, force=force, strict=strict)


def restore_from_word(file: str | Path, output: str | Path | None = None, *, force: bool = False) -> WordUpdate:
    """The project a Word document the publisher wrote (``--edition docx``) was made from, with the edits made in
    Word, into ``output`` (default: the file's name, here): its source, chart specs and data, themes and
    ``publisher.toml`` as they were, ``source/report.md`` with the document's text."""
    from .importer.update import restore_project

    path = Path(file)
    return restore_project(path, Path(output) if output is not None else Path(path.stem or "report"), force=force)


def update_from_word(project: str | Path, file: str | Path, *, write: bool = False) -> WordUpdate:
    """Compare the Word edition ``file`` (edited in Word or WPS) with the source of ``project``: the changes,
    each with its place in ``source/report.md``; ``write=True`` makes them there (the old report is kept as
    ``report.md.bak``). Chart specs are never changed."""
    from .importer.update import update_project

    return update_project(Path(project), Path(file), write=write)


def extract(pdf: str | Path, output: str | Path | None = None) -> Extracted:
    """``publisher extract``: write the project attached to an archive edition PDF into ``output`` (a new or
    empty folder; default: the report's name, here), every file checked against the manifest."""
    from .editions.archive import extract as run

    return run(Path(pdf), None if output is None else Path(output))


__all__ = [
    "CheckResult",
    "PublisherError",
    "Settings",
    "ThemeCheck",
    "build",
    "build_editions",
    "build_with",
    "check",
    "extract",
    "import_report",
    "restore_from_word",
    "update_from_word",
]
