"""One WeasyPrint module run by the publisher's own code when it is first imported.

:func:`install` puts a finder first on :data:`sys.meta_path` that finds one
module with the other finders and hands its loader to a function of the
publisher's, which runs the module (with the loader, or otherwise); the finder
leaves once it has found its module, so later imports are Python's own.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType

Execute = Callable[[Loader, ModuleType], None]
"""Runs a module: its own loader, the module."""


class _Loader(Loader):
    """The module's own loader, its running handed to :data:`Execute`."""

    def __init__(self, loader: Loader, execute: Execute):
        self.loader = loader
        self.execute = execute

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.execute(self.loader, module)


class _Finder(MetaPathFinder):
    """Finds one module with the other finders and wraps its loader; leaves once it has."""

    def __init__(self, name: str, execute: Execute):
        self.name = name
        self.execute = execute

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.name:
            return None
        with contextlib.suppress(ValueError):
            sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader, self.execute)
                return spec
        return None


def install(name: str, execute: Execute) -> None:
    """Have ``execute`` run the module ``name`` when it is first imported (nothing if it already is, or is
    about to be)."""
    if name in sys.modules or any(isinstance(f, _Finder) and f.name == name for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _Finder(name, execute))
