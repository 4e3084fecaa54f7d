"""Versions of the typesetting libraries WeasyPrint uses (``publisher --info``)."""

from __future__ import annotations

import ctypes
import ctypes.util

from .subset import harfbuzz_subset_available


def library_versions() -> dict[str, str]:
    """WeasyPrint, Pango, HarfBuzz and whether HarfBuzz can subset fonts."""
    import weasyprint
    from weasyprint.text.ffi import pango

    def lib_version(name: str, func: str) -> str:
        found = ctypes.util.find_library(name)
        if not found:
            return "not found"
        lib = ctypes.CDLL(found)
        getattr(lib, func).restype = ctypes.c_char_p
        return str(getattr(lib, func)().decode())

    p = int(pango.pango_version())
    return {
        "WeasyPrint": weasyprint.__version__,
        "Pango": f"{p // 10000}.{p // 100 % 100}.{p % 100}",
        "HarfBuzz": lib_version("harfbuzz", "hb_version_string"),
        "HarfBuzz subset": "native (libharfbuzz-subset)"
        if harfbuzz_subset_available()
        else "MISSING: fontTools fallback, slow",
    }
