"""Outputs: the protocol every writer follows, and the writers there are.

A :class:`Writer` takes the rendered document (:class:`~publisher.html.Rendered`:
the HTML, the model and the drawn charts) and the build's options, and writes
one artefact atomically: the previous file stays whole until the new one is
complete. A writer object may keep state between builds (the PDF writer keeps
its font configuration and the last build's pages), so one process can
rebuild cheaply; a new output format is one module with a writer class, named
in :data:`WRITERS`.
"""

from __future__ import annotations

import ctypes
import gc
import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .errors import Diagnostics, PublisherError, did_you_mean
from .html import Rendered
from .options import BuildOptions


@dataclass(frozen=True)
class Written:
    """What a writer wrote."""

    path: Path
    pages: int
    """Pages of the document (before imposition)."""
    size: int
    """Size of the file in bytes."""
    sheets: int = 0
    """Sheets of paper of an imposed edition (each printed on both sides)."""
    pages_laid_out: int = 0
    """Pages typeset by this build; the others were kept from the writer's previous build."""
    pages_kept: frozenset[int] = frozenset()
    """Numbers (1-based) of the pages written exactly as in the writer's previous build."""
    serial: int = 0
    """How many documents this writer object has rendered, this one included."""


class Writer(Protocol):
    """Writes a rendered document as one file."""

    suffix: str
    """The file name extension of what it writes, e.g. ``.pdf``."""
    office_charts: bool
    """Charts drawn for an office document: text as outlines and a PNG besides
    (:attr:`~publisher.charts.ChartStyle.office`), not for the engine's fonts."""

    def write(self, document: Rendered, options: BuildOptions, target: Path, diagnostics: Diagnostics) -> Written:
        """Write ``document`` to ``target`` atomically; add warnings to ``diagnostics``.

        Under ``options.strict`` a warning raises
        :class:`~publisher.errors.PublisherError` before anything is written.
        """
        ...


WRITERS: dict[str, str] = {
    "pdf": "publisher.engine.weasyprint.writer:PdfWriter",
    "docx": "publisher.engine.docx.writer:DocxWriter",
}
"""Output formats and the writer class of each (``module:Class``, imported when first used)."""


def make_writer(format: str = "pdf") -> Writer:
    """A new writer for ``format``."""
    if format not in WRITERS:
        raise PublisherError(f"unknown output format '{format}'", hint=did_you_mean(format, WRITERS))
    module, _, name = WRITERS[format].partition(":")
    made: Writer = getattr(importlib.import_module(module), name)()
    return made


def release_memory() -> None:
    """Collect garbage and give freed heap back to the system (glibc ``malloc_trim``), between two builds of
    one long-lived process (``publisher watch``, a batch worker).

    A build leaves about 30,000 objects in reference cycles (WeasyPrint's boxes and styles) that the collector
    reaches only in a full collection, which the build's own allocations make rarer and rarer: a batch worker
    grew 10 MiB a report without it (20 reports: 156 to 346 MiB; 162 to 164 MiB with it). WeasyPrint frees most
    of a layout but glibc keeps the pages; trimming keeps the resident size flat.
    """
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)
