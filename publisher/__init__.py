"""publisher: print-ready Chinese report PDFs from Markdown and chart specs.

The public API (``docs/api.md``)::

    import publisher

    result = publisher.build("reports/2021", theme="gongwen")
    results = publisher.build_editions("reports/2021", ["print", "archive"])
    report = publisher.check("reports/2021")
    imported = publisher.import_report("报告.docx", "reports/2022")
    edits = publisher.update_from_word("reports/2021", "改过的.docx", write=True)
    project = publisher.extract("report-archive.pdf", "reports/2021-back")

The command line (:mod:`publisher.commands.cli`) calls these and nothing else.
"""

from __future__ import annotations

import typing

from .api import (
    CheckResult,
    Settings,
    ThemeCheck,
    build,
    build_editions,
    build_with,
    check,
    extract,
    import_report,
    restore_from_word,
    update_from_word,
)
from .data import VERSION as __version__
from .editions import Edition
from .errors import Diagnostics, EnvironmentProblem, Pos, PublisherError
from .options import BuildOptions

if typing.TYPE_CHECKING:
    from .importer import ImportReport, WordUpdate
    from .pipeline import BuildResult


def __getattr__(name: str) -> typing.Any:
    """The result types of the heavier modules, imported when first asked for."""
    if name == "BuildResult":
        from .pipeline import BuildResult

        return BuildResult
    if name == "ImportReport":
        from .importer import ImportReport

        return ImportReport
    if name == "WordUpdate":
        from .importer import WordUpdate

        return WordUpdate
    raise AttributeError(f"module 'publisher' has no attribute {name!r}")


__all__ = [
    "BuildOptions",
    "BuildResult",
    "CheckResult",
    "Diagnostics",
    "Edition",
    "EnvironmentProblem",
    "ImportReport",
    "Pos",
    "PublisherError",
    "Settings",
    "ThemeCheck",
    "WordUpdate",
    "__version__",
    "build",
    "build_editions",
    "build_with",
    "check",
    "extract",
    "import_report",
    "restore_from_word",
    "update_from_word",
]
