"""fontTools' subsetter and variable-font instancer, loaded only when WeasyPrint uses them.

``weasyprint.pdf.fonts`` imports :mod:`fontTools.subset` (to subset fonts when
libharfbuzz-subset is missing) and ``instantiateVariableFont`` from
:mod:`fontTools.varLib.instancer` (to make a static font of a variable one).
With the OpenType layout tables, ``varLib`` and lxml they import, that was
0.15 to 0.2 s of every cold build on a 2-core machine, for code a build of
the publisher's fonts (subset with HarfBuzz, none variable) never runs.

While ``weasyprint.pdf.fonts`` is imported (:func:`install`, for the
WeasyPrint versions of the engine's version gate), :mod:`fontTools.subset` is
imported lazily (:class:`importlib.util.LazyLoader`: the module is run when
one of its names is first used, by WeasyPrint or anyone), and the name
``instantiateVariableFont`` it takes from the instancer is
:func:`instantiate_variable_font`, which imports fontTools' function when a
variable font is met and calls it. What WeasyPrint does, and the PDF, do not
change.
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Iterator
from importlib.abc import Loader
from types import ModuleType
from typing import Any

from . import hooks

MODULE = "weasyprint.pdf.fonts"
"""The WeasyPrint module that imports them."""
SUBSET = "fontTools.subset"
INSTANCER = "fontTools.varLib.instancer"


def instantiate_variable_font(*args: Any, **kwargs: Any) -> Any:
    """fontTools' ``instantiateVariableFont``, imported on the first call."""
    from fontTools.varLib.instancer import instantiateVariableFont

    return instantiateVariableFont(*args, **kwargs)


def import_lazily(name: str) -> None:
    """Put a lazy module ``name`` in :data:`sys.modules` (its parent package imported, as usual), unless the
    module is there already or cannot be found."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, module)


@contextlib.contextmanager
def _stand_in(name: str, **names: Any) -> Iterator[None]:
    """A module ``name`` with ``names`` in :data:`sys.modules` for the duration (unless the real one is there)."""
    if name in sys.modules:
        yield
        return
    module = ModuleType(name, "stands in for the module while weasyprint.pdf.fonts is imported")
    vars(module).update(names)
    sys.modules[name] = module
    try:
        yield
    finally:
        if sys.modules.get(name) is module:
            del sys.modules[name]


def _execute(loader: Loader, module: ModuleType) -> None:
    from . import importing_supported

    if not importing_supported(module):
        loader.exec_module(module)
        return
    import_lazily(SUBSET)
    with _stand_in(INSTANCER, instantiateVariableFont=instantiate_variable_font):
        loader.exec_module(module)


def install() -> None:
    """Have the coming import of ``weasyprint.pdf.fonts`` defer fontTools' subsetter and instancer."""
    hooks.install(MODULE, _execute)
