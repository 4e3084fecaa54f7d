"""The options of one build, shared by the command line, the Python API and batch workers.

:class:`BuildOptions` is plain, frozen data: it can be pickled and sent to a
worker process, and a build made from it needs nothing else (no callbacks).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from .editions import Edition
from .errors import PublisherError
from .paths import WRITE_HINT, inside, writable

CACHE_ENV = "PUBLISHER_CACHE_DIR"
"""An environment variable: keep every project's cache below this folder (one subfolder per project)
instead of in ``PROJECT/out/.cache`` (a CI cache, a read-only project, the tests)."""


OUTPUT_SUFFIXES = (".pdf", ".docx")
"""The files the writers make: ``-o`` with one of these names a file, never a folder."""


@dataclass(frozen=True)
class BuildOptions:
    """Options of one build; the CLI and the Python API share them."""

    project: Path = Path(".")
    """The report project folder."""
    output: Path | None = None
    """A file (``.pdf``) or a folder; default ``PROJECT/out/<name>.pdf``."""
    theme: str | None = None
    """Theme name; default the front matter's ``theme``."""
    strict: bool = False
    """Treat warnings as errors."""
    cache: bool = True
    """Reuse charts drawn and fonts cut down by earlier builds (in :attr:`cache_dir`)."""
    cache_dir: Path | None = None
    """Where drawn charts and font subsets are kept; default ``PROJECT/out/.cache`` (see :data:`CACHE_ENV`)."""
    allow_remote: bool = False
    """Let the report load ``http(s)`` resources (off: only project files)."""
    allow_missing_glyphs: bool = False
    """Warn instead of failing when a character is in no font of its role."""
    edition: Edition | None = None
    """Build this edition (its paper, CSS, PDF settings and finishing) into ``<name>-<edition>``."""
    jobs: int | None = None
    """Processes that lay out a long report (``None``: two where the machine has two cores; 1: this process only)."""
    params: tuple[tuple[str, str], ...] = ()
    """Values of the report's parameters (``--param name=value``, a row of ``publisher batch``)."""

    def output_path(self, root: Path, name: str, suffix: str = ".pdf") -> Path:
        """Where the output of the report ``name`` in project ``root`` goes.

        An edition adds its name (``<name>-print.pdf``), but for the one named
        after its format (``<name>.docx``).
        """
        if self.edition is not None and self.edition.name != self.edition.format:
            name = f"{name}-{self.edition.name}"
        if self.output is None:
            return writable(root / "out" / f"{name}{suffix}", root)
        if self.output.suffix.lower() == suffix:
            return writable(self.output, None)
        if self.output.suffix.lower() in OUTPUT_SUFFIXES and not self.output.is_dir():
            # `-o report.pdf --edition docx`: a file of another format, never a folder of that name
            raise PublisherError(
                f"-o {self.output}: this edition writes a {suffix} file, not a {self.output.suffix} file",
                hint=f"name the output with {suffix} (-o {self.output.with_suffix(suffix).name}), or give a folder",
            )
        if self.output.exists() and not self.output.is_dir():
            raise PublisherError(
                f"-o {self.output}: a file, not a folder (and not a {suffix} file)",
                hint=f"name the output with {suffix} (-o report{suffix}), or give a folder to write it in (-o out/)",
            )
        return writable(self.output / f"{name}{suffix}", None)

    def cache_folder(self, root: Path) -> Path | None:
        """The cache folder for project ``root``, or ``None`` when caching is off."""
        if not self.cache:
            return None
        if self.cache_dir is not None:
            return self.cache_dir
        shared = os.environ.get(CACHE_ENV)
        if shared:
            return Path(shared) / hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
        return inside(root, Path("out") / ".cache", what="cache folder", hint=WRITE_HINT, folder=True)
