"""The WeasyPrint engine: the one place that touches WeasyPrint and pydyf.

Modules:

- :mod:`.writer`: :class:`~.writer.PdfWriter`, the PDF writer (a
  :class:`~publisher.output.Writer`), which keeps one font configuration and
  the last build's pages alive between builds;
- :mod:`.fetcher`: the URL fetcher that serves project, theme and font files only;
- :mod:`.subset`: the bundled fonts cut down to a report's characters;
- :mod:`.justify`: CJK justification (replaces WeasyPrint line-layout internals);
- :mod:`.actualtext`: each line of CJK text carries its text as ``ActualText``, so spacing never
  comes out as spaces in copy-paste (wraps WeasyPrint's inline drawing);
- :mod:`.headings`: headings of several lines broken into balanced lines (wraps WeasyPrint's line layout);
- :mod:`.bold`: synthetic bold for faces without a bold weight (wraps WeasyPrint's text drawing);
- :mod:`.incremental`: warm rebuilds that lay out only the touched pages
  (replaces WeasyPrint layout and painting internals, and pydyf's stream writing);
- :mod:`.info`: library versions for ``publisher --info``;
- :mod:`.libraries`: WeasyPrint's system libraries found from one read of the
  linker cache (installed when this package is imported, before WeasyPrint is);
- :mod:`.prebuilt`: WeasyPrint's C declarations compiled once per machine, so
  importing WeasyPrint parses no C (used by :mod:`.libraries`);
- :mod:`.deferred`: fontTools' subsetter and instancer, which WeasyPrint imports, loaded
  when first used (installed with :mod:`.libraries`);
- :mod:`.hooks`: the finder both use to run one WeasyPrint module their way.

The replacements of internals (:mod:`.justify`, :mod:`.actualtext`, :mod:`.headings`, :mod:`.bold`,
:mod:`.incremental`) were written against the versions in :data:`WEASYPRINT` and :data:`PYDYF`. They are
installed only when a writer that needs them is made, and only after
:func:`require` has checked the installed versions: another version is a
clear error, never a silently wrong PDF.
"""

from __future__ import annotations

import sys
from types import ModuleType

from . import deferred, libraries

libraries.install()
deferred.install()

WEASYPRINT = ("70.",)
"""WeasyPrint versions (prefixes) the patches were written and tested against."""
PYDYF = ("0.11.", "0.12.", "0.13.")
"""pydyf versions (prefixes) the patches were written and tested against (pinned in pyproject.toml)."""
PYDYF_NEEDS = ("_to_bytes", "Stream", "Dictionary", "Array")
"""pydyf names :mod:`.incremental` relies on."""


def importing_supported(module: ModuleType) -> bool:
    """Whether ``module`` is part of a WeasyPrint of :data:`WEASYPRINT` being imported (its package sets its
    version before it imports its modules): the gate of what runs WeasyPrint's modules otherwise."""
    package = sys.modules.get(module.__name__.partition(".")[0])
    return str(getattr(package, "__version__", "")).startswith(WEASYPRINT)


def require() -> None:
    """Raise :class:`~publisher.errors.EnvironmentProblem` unless WeasyPrint and pydyf are supported versions."""
    from ...errors import EnvironmentProblem

    try:
        import pydyf
        import weasyprint
    except ImportError as exc:  # a broken installation, e.g. Pango missing
        raise EnvironmentProblem(
            f"WeasyPrint cannot be loaded: {exc}",
            hint="install the system libraries (make system-deps) and the package (pip install publisher)",
        ) from None
    found = {"WeasyPrint": (str(weasyprint.__version__), WEASYPRINT), "pydyf": (str(pydyf.__version__), PYDYF)}
    for name, (version, supported) in found.items():
        if not version.startswith(supported):
            raise EnvironmentProblem(
                f"this publisher supports {name} {', '.join(s + 'x' for s in supported)}; "
                f"{name} {version} is installed",
                hint="install the versions pinned in pyproject.toml (pip install publisher, or pip install -e . in a "
                "checkout); a new version needs publisher/engine/weasyprint/ ported and tested",
            )
    missing = [name for name in PYDYF_NEEDS if not hasattr(pydyf, name)]
    if missing:
        raise EnvironmentProblem(
            f"pydyf {pydyf.__version__} lacks {', '.join(missing)}, which publisher/engine/weasyprint/ uses",
            hint="install the pydyf version pinned in pyproject.toml",
        )
