"""WeasyPrint's C declarations compiled once per machine (cffi's out-of-line ABI mode).

WeasyPrint 70 declares the Pango, HarfBuzz and fontconfig functions it calls
in ``text/ffi.py`` with ``cffi.FFI().cdef('''…''')``: cffi parses those 450
lines of C with pycparser at every start, and parses each type written as a
string (``ffi.new('PangoRectangle *')``) again the first time it meets it. On
a 2-core machine that was about 0.1 s of importing WeasyPrint and 0.1 to 0.2 s
of laying out, in every cold build.

cffi can compile declarations into tables once (``set_source(name, None)``
and ``emit_python_code``: its "out-of-line ABI mode"), which its C backend
reads at once and from which it makes types without pycparser. This module
does that for WeasyPrint's declarations (plus :data:`EXTRA`, the few the
publisher adds), keeps the tables in ``$XDG_CACHE_HOME/publisher/ffi``, and
runs ``weasyprint/text/ffi.py`` itself, from its own source, with the two
statements that make the FFI replaced by the compiled one (:func:`execute`,
called by :mod:`.libraries` when WeasyPrint is imported; only for the
WeasyPrint versions of the engine's version gate). The libraries are
opened by the same names, in the same order, and WeasyPrint calls the same
functions: the PDF is the same, byte for byte (``tests/test_startup.py``).

An entry is named by a digest of WeasyPrint's ``ffi.py``, :data:`EXTRA`,
cffi's backend version and Python's version, so another version of any of
them gets entries of its own. Anything unexpected (the module's source not as
written for WeasyPrint 70, a cache that cannot be read or written, cffi
refusing the tables) falls back to WeasyPrint's own import, silently: the
shortcut never costs a build.
"""

from __future__ import annotations

import ast
import contextlib
import ctypes
import hashlib
import io
import logging
import marshal
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

FORMAT = 1
"""The version of an entry's layout (part of its name)."""
NAME = "_publisher_weasyprint_ffi"
"""The module name cffi records in the compiled declarations."""
EXTRA = """
    hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode,
                                void *user_data, void *destroy);
    hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);
    hb_font_t * hb_font_create (hb_face_t *face);
    void hb_font_destroy (hb_font_t *font);
"""
"""HarfBuzz functions the publisher calls that WeasyPrint does not declare (:mod:`.incremental` makes faces of
font files a worker sends); declared after WeasyPrint's own, as :mod:`.incremental` does without this module."""

_log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Where the compiled declarations are kept: ``$XDG_CACHE_HOME/publisher/ffi``."""
    from ...files import user_cache

    return user_cache("ffi")


def declarations(source: str) -> tuple[str, int, int] | None:
    """WeasyPrint's declarations in the source of ``text/ffi.py``, and the first and last lines of the two
    statements that make its FFI (``ffi = cffi.FFI()`` then ``ffi.cdef('''…''')``, one after the other at
    the top level, the declarations one string); ``None`` when the source is not written so."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = []
    for made, declared in zip(tree.body, tree.body[1:], strict=False):
        if (
            isinstance(made, ast.Assign)
            and ast.unparse(made) == "ffi = cffi.FFI()"
            and isinstance(declared, ast.Expr)
            and isinstance(declared.value, ast.Call)
            and ast.unparse(declared.value.func) == "ffi.cdef"
            and len(declared.value.args) == 1
            and not declared.value.keywords
            and isinstance(declared.value.args[0], ast.Constant)
            and isinstance(declared.value.args[0].value, str)
        ):
            found.append((declared.value.args[0].value, made.lineno, declared.end_lineno or declared.lineno))
    others = [node for node in ast.walk(tree) if isinstance(node, ast.Attribute) and node.attr in ("cdef", "FFI")]
    if len(found) != 1 or len(others) != 2:  # one FFI, declared once: nothing else may want cffi's parser
        return None
    return found[0]


def compile_declarations(cdef: str) -> dict[str, Any]:
    """The arguments of ``_cffi_backend.FFI`` for ``cdef`` (what cffi's ``emit_python_code`` writes)."""
    import cffi

    builder = cffi.FFI()
    builder.cdef(cdef)
    builder.set_source(NAME, None)
    code = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()):  # cffi says "generating …"
        builder.emit_python_code(code)
    calls = [
        node
        for node in ast.walk(ast.parse(code.getvalue()))
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "_cffi_backend.FFI"
    ]
    if len(calls) != 1 or [ast.literal_eval(arg) for arg in calls[0].args] != [NAME]:
        raise ValueError("cffi wrote an unexpected module")
    return {keyword.arg: ast.literal_eval(keyword.value) for keyword in calls[0].keywords if keyword.arg}


def entry_key(source: bytes) -> str:
    """The name of the entry for the source of ``text/ffi.py`` with this cffi and this Python."""
    import _cffi_backend

    digest = hashlib.blake2b(digest_size=16)
    for part in (str(FORMAT), EXTRA, _cffi_backend.__version__, sys.implementation.cache_tag or "", sys.version):
        digest.update(part.encode() + b"\0")
    digest.update(source)
    return digest.hexdigest()


def _entry(source: bytes, folder: Path) -> tuple[dict[str, Any], int, int] | None:
    """The compiled declarations and the lines to replace, read from ``folder`` or made (and kept there)."""
    path = folder / f"{entry_key(source)}.marshal"
    with contextlib.suppress(OSError, EOFError, ValueError, TypeError):
        kept = marshal.loads(path.read_bytes())
        if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], dict):
            kwargs, first, last = kept
            if isinstance(first, int) and isinstance(last, int):
                return kwargs, first, last
    found = declarations(source.decode("utf-8"))
    if found is None:
        return None
    cdef, first, last = found
    kwargs = compile_declarations(cdef + EXTRA)
    with contextlib.suppress(OSError):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
        try:
            temporary.write_bytes(marshal.dumps((kwargs, first, last)))
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return kwargs, first, last


def execute(module: ModuleType, folder: Path | None = None) -> bool:
    """Run ``weasyprint.text.ffi`` into ``module`` with compiled declarations; ``False`` (``module`` left
    empty) when it cannot, and the caller imports it as WeasyPrint does."""
    from . import importing_supported

    spec = module.__spec__
    origin = spec.origin if spec is not None else None
    if origin is None or not origin.endswith(".py") or not importing_supported(module):
        return False
    try:
        import _cffi_backend

        source = Path(origin).read_bytes()
        entry = _entry(source, cache_dir() if folder is None else folder)
        if entry is None:
            return False
        kwargs, first, last = entry
        ffi = _cffi_backend.FFI(NAME, **kwargs)
        lines = source.decode("utf-8").splitlines(keepends=True)
        if not 1 <= first <= last <= len(lines):
            return False
        lines[first - 1 : last] = ["\n"] * (last - first + 1)  # same line numbers in tracebacks
        code = compile("".join(lines), origin, "exec")
    except Exception:
        _log.debug("compiled declarations not used", exc_info=True)
        return False
    names = dict(vars(module))
    module.ffi = ffi  # type: ignore[attr-defined]
    try:
        exec(code, vars(module))
    except Exception:
        _log.debug("WeasyPrint's ffi module failed with compiled declarations", exc_info=True)
        vars(module).clear()
        vars(module).update(names)
        return False
    # cffi's own FFI keeps every library it opens for as long as it lives; the compiled one does not. A library
    # freed (and closed) in the interpreter's last collection before the Pango objects whose destructors are
    # its functions crashed the process at its end: each library gets a reference never given back, and stays
    # open until the process ends.
    for value in vars(module).values():
        if isinstance(value, _cffi_backend.Lib):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(value))
    return True
