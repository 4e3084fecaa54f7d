"""WeasyPrint's system libraries found from one read of the linker cache.

WeasyPrint 70 opens Pango, GObject, HarfBuzz and fontconfig by trying several
names per library for different platforms (``text/ffi.py``). cffi hands each
name without a path to :func:`ctypes.util.find_library`, which on Linux reads
``ldconfig -p`` and, when that fails, compiles an empty program with ``gcc``
and runs ``ld`` to ask the linker. Most of the names are for other platforms
and fail: 22 lookups, about 15 of them through ``gcc`` and ``ld``, were 0.6 to
0.9 s of every cold build (a third of it) on a 2-core machine.

While ``weasyprint.text.ffi`` is imported, :func:`install` answers those
lookups from one read of ``ldconfig -p`` and skips ``gcc`` and ``ld``. That
loses nothing WeasyPrint needs: each library's list of names ends with its
full soname (``libpango-1.0.so.0``), which the dynamic loader opens itself,
``LD_LIBRARY_PATH`` included. Other callers of ``find_library``, and all of
them once WeasyPrint is loaded, get the standard function. When the module
runs with compiled declarations (:mod:`.prebuilt`), cffi opens each name with
the dynamic loader alone and this lookup is not needed at all.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from importlib.abc import Loader
from types import ModuleType

from . import hooks

MODULE = "weasyprint.text.ffi"
"""The WeasyPrint module that opens the libraries."""

ABI = {"x86_64": "libc6,x86-64", "ppc64": "libc6,64bit", "sparc64": "libc6,64bit", "s390x": "libc6,64bit"}
"""``ldconfig -p``'s ABI label per 64-bit machine, as :mod:`ctypes.util` matches them (other machines: ``libc6``)."""


@functools.cache
def _linker_cache() -> bytes | None:
    """``ldconfig -p``'s listing, or ``None`` where there is no glibc ``ldconfig``."""
    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return listing or None


def find_in_cache(name: str, listing: bytes) -> str | None:
    """The soname of ``lib<name>`` in an ``ldconfig -p`` listing for this machine's ABI (as :mod:`ctypes.util`)."""
    machine = os.uname().machine if sys.maxsize > 2**32 else ""
    abi = ABI.get(machine, "libc6")
    found = re.search(rb"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(os.fsencode(name)), os.fsencode(abi)), listing)
    return os.fsdecode(found.group(1)) if found else None


@contextlib.contextmanager
def _quick_lookup() -> Iterator[None]:
    """:func:`ctypes.util.find_library` answered from the linker cache alone, for the duration."""
    import ctypes.util

    listing = _linker_cache()
    if listing is None:  # not glibc: the standard lookup
        yield
        return
    standard = ctypes.util.find_library

    def find_library(name: str) -> str | None:
        return find_in_cache(name, listing)

    ctypes.util.find_library = find_library
    try:
        yield
    finally:
        ctypes.util.find_library = standard


def _execute(loader: Loader, module: ModuleType) -> None:
    """Runs WeasyPrint's ffi module with compiled declarations (:mod:`.prebuilt`), or else with its own loader
    inside :func:`_quick_lookup`."""
    from . import prebuilt

    if prebuilt.execute(module):
        return
    with _quick_lookup():
        loader.exec_module(module)


def install(platform: str = sys.platform) -> None:
    """Make the coming import of WeasyPrint look its libraries up quickly (Linux); the finder leaves once used."""
    if platform.startswith("linux"):
        hooks.install(MODULE, _execute)
