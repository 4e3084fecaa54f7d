"""What a cold build pays before it typesets: library lookups, template compilation, a second process.

The figures are in ``bench/bench_build.py``; these tests check the
mechanisms, each in a fresh process where it matters.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from publisher import html
from publisher.engine.weasyprint import libraries, paginate, prebuilt
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import REPO, pdftotext

LISTING = b"""1234 libs found in cache `/etc/ld.so.cache'
\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibpango-1.0.so.0 (libc6) => /lib/i386-linux-gnu/libpango-1.0.so.0
\tlibharfbuzz.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libharfbuzz.so.0
"""


def test_a_library_is_found_by_its_name_in_the_linker_cache() -> None:
    if os.uname().machine != "x86_64":
        pytest.skip("the listing is an x86-64 one")
    assert libraries.find_in_cache("pango-1.0", LISTING) == "libpango-1.0.so.0"
    assert libraries.find_in_cache("harfbuzz", LISTING) == "libharfbuzz.so.0"
    assert libraries.find_in_cache("pangoft2-1.0", LISTING) == "libpangoft2-1.0.so.0"
    assert libraries.find_in_cache("gobject-2.0-0", LISTING) is None  # another platform's name: not found, quickly
    assert libraries.find_in_cache("harfbuzz-vector", LISTING) is None


def test_weasyprint_loads_without_asking_the_compiler(tmp_path: Path) -> None:
    """In a fresh process, importing WeasyPrint through the engine runs neither gcc nor ld, and leaves
    ctypes and the import system as they were."""
    script = textwrap.dedent(
        """
        import ctypes.util, subprocess, sys
        standard = ctypes.util.find_library
        commands = []
        real = subprocess.Popen.__init__
        def spy(self, args, *a, **k):
            commands.append(args[0] if isinstance(args, (list, tuple)) else args)
            real(self, args, *a, **k)
        subprocess.Popen.__init__ = spy
        import publisher.engine.weasyprint
        from publisher.engine.weasyprint import prebuilt
        prebuilt.declarations = lambda source: None  # WeasyPrint's own import of its libraries
        import weasyprint
        from weasyprint.text.ffi import pango
        print(sorted(set(commands)))
        assert ctypes.util.find_library is standard, "find_library left replaced"
        assert not any(type(f).__name__ == "_Finder" for f in sys.meta_path), "finder left installed"
        """
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))  # no compiled declarations
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "gcc" not in done.stdout and "ld" not in done.stdout.replace("ldconfig", ""), done.stdout
    if sys.platform.startswith("linux") and Path("/sbin/ldconfig").exists():
        assert done.stdout.count("ldconfig") == 1  # one read of the cache for all the libraries


def test_built_in_templates_are_compiled_once_per_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    html._environment.cache_clear()
    try:
        build(BuildOptions(project=REPO, output=tmp_path / "a.pdf", cache_dir=tmp_path / "charts"), PdfWriter())
        cached = sorted((tmp_path / "cache" / "publisher" / "templates").iterdir())
        assert cached, "no compiled template kept"
        assert oct((tmp_path / "cache" / "publisher" / "templates").stat().st_mode & 0o777) == "0o700"
        for entry in cached:  # a damaged entry is compiled again, not an error
            entry.write_bytes(b"garbage")
        html._environment.cache_clear()
        build(BuildOptions(project=REPO, output=tmp_path / "b.pdf", cache_dir=tmp_path / "charts"), PdfWriter())
        assert all(entry.read_bytes() != b"garbage" for entry in cached)
    finally:
        html._environment.cache_clear()


def test_a_projects_own_templates_are_never_loaded_as_compiled_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A project's templates travel with it: they are compiled from their source each time (sandboxed)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    project = tmp_path / "p"
    (project / "source").mkdir(parents=True)
    (project / "source" / "report.md").write_text("---\ntitle: 模板\n---\n\n## 一\n\n正文。\n", encoding="utf-8")
    (project / "styles" / "report" / "templates").mkdir(parents=True)
    (project / "styles" / "report" / "templates" / "cover.html.j2").write_text(
        '<section class="cover"><h1>{{ meta.title }}（本项目的封面）</h1></section>\n', encoding="utf-8"
    )
    html._environment.cache_clear()
    try:
        build(BuildOptions(project=project, output=tmp_path / "p.pdf"), PdfWriter())
    finally:
        html._environment.cache_clear()
    assert "本项目的封面" in pdftotext(tmp_path / "p.pdf")
    folder = tmp_path / "cache" / "publisher" / "templates"
    assert not folder.exists() or not any(folder.iterdir()), "a project's template was kept as compiled code"


def test_the_sample_is_laid_out_by_two_processes_on_two_cores(tmp_path: Path, stats: list[paginate.Stats]) -> None:
    """The 18-page sample is long enough for a worker (a cold build on two cores), and the PDF is the same."""
    two = build(BuildOptions(project=REPO, output=tmp_path / "two.pdf", jobs=2), PdfWriter(incremental=False))
    assert stats[-1].remote > 0, "no worker for the sample"
    one = build(BuildOptions(project=REPO, output=tmp_path / "one.pdf", jobs=1), PdfWriter(incremental=False))
    assert stats[-1].remote == 0
    assert two.output.read_bytes() == one.output.read_bytes()


BUILD_AND_TELL = """
import sys
from pathlib import Path
import publisher.engine.weasyprint
from publisher.engine.weasyprint import prebuilt
if sys.argv[2] == "fallback":
    prebuilt.declarations = lambda source: None  # as if WeasyPrint's ffi.py were written otherwise
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build
from weasyprint.text.ffi import ffi
build(BuildOptions(project=Path(sys.argv[3]), output=Path(sys.argv[1])), PdfWriter())
print(type(ffi).__module__, type(ffi).__name__, "pycparser" in sys.modules)
"""


def _build_and_tell(tmp_path: Path, name: str, mode: str = "", cache: str = "cache") -> tuple[bytes, str]:
    """A build of the sample in a fresh process with the cache folder ``cache``: the PDF and what made its FFI."""
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / cache))
    pdf = tmp_path / f"{name}.pdf"
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_TELL, str(pdf), mode, str(REPO)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return pdf.read_bytes(), done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="used on Linux only")
def test_weasyprint_declarations_are_compiled_once_and_give_the_same_pdf(tmp_path: Path) -> None:
    """The first build compiles WeasyPrint's C declarations into the cache; the next one uses them without
    loading cffi's C parser at all; with a WeasyPrint whose ffi module is not as expected, WeasyPrint's own
    import. The three PDFs are the same, byte for byte."""
    first, made = _build_and_tell(tmp_path, "first")
    assert made == "_cffi_backend FFI True"  # compiled here (with pycparser), then used
    entries = list((tmp_path / "cache" / "publisher" / "ffi").iterdir())
    assert len(entries) == 1 and entries[0].suffix == ".marshal"
    again, used = _build_and_tell(tmp_path, "again")
    assert used == "_cffi_backend FFI False"
    plain, fallback = _build_and_tell(tmp_path, "plain", "fallback", cache="empty")
    assert fallback == "cffi.api FFI True"
    assert first == again == plain


FFI_SOURCE = """import cffi

ffi = cffi.FFI()
ffi.cdef('''
    typedef ... hb_blob_t; typedef ... hb_face_t; typedef ... hb_font_t;
    const char * pango_version_string (void);
''')
pango = ffi.dlopen('libpango-1.0.so.0')
VERSION = ffi.string(pango.pango_version_string())
"""


def test_a_weasyprint_ffi_module_written_otherwise_is_left_to_its_own_import() -> None:
    declared = (
        "\n    typedef ... hb_blob_t; typedef ... hb_face_t; typedef ... hb_font_t;\n"
        "    const char * pango_version_string (void);\n"
    )
    assert prebuilt.declarations(FFI_SOURCE) == (declared, 3, 7)
    twice = FFI_SOURCE + "ffi.cdef('int g_type_init(void);')\n"
    from_a_name = FFI_SOURCE.replace("ffi.cdef('''", "DECLARED = ('''").replace("''')", "''')\nffi.cdef(DECLARED)")
    with_options = FFI_SOURCE.replace("cffi.FFI()", "cffi.FFI(backend=None)")
    for source in (twice, from_a_name, with_options, "ffi = ("):
        assert prebuilt.declarations(source) is None, source


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the library's Linux name")
def test_a_module_is_run_with_compiled_declarations_or_left_as_it_was(tmp_path: Path) -> None:
    import importlib.util

    import _cffi_backend

    path = tmp_path / "ffi_module.py"
    spec = importlib.util.spec_from_file_location("weasyprint.text.test_ffi", path)  # of a gated WeasyPrint
    assert spec is not None
    path.write_text(FFI_SOURCE, encoding="utf-8")
    module = importlib.util.module_from_spec(spec)
    assert prebuilt.execute(module, tmp_path / "cache")
    assert type(module.ffi) is _cffi_backend.FFI
    assert module.VERSION.startswith(b"1.")
    assert len(list((tmp_path / "cache").iterdir())) == 1
    for broken in (
        FFI_SOURCE.replace("(void);", "(void"),  # cffi refuses the declarations
        FFI_SOURCE.replace("ffi.string(", "ffi.cdef('int x;') or ffi.string("),  # wants the parser later
        FFI_SOURCE.replace("VERSION =", "raise OSError('no Pango')\nVERSION ="),  # the module fails
    ):
        path.write_text(broken, encoding="utf-8")
        other = importlib.util.module_from_spec(spec)
        before = dict(vars(other))
        assert not prebuilt.execute(other, tmp_path / "cache")
        assert vars(other) == before


DEFERRED = """
import sys
import publisher.engine.weasyprint
import weasyprint
from weasyprint.pdf import fonts
from publisher.engine.weasyprint import deferred
assert type(sys.modules["fontTools.subset"]).__name__ == "_LazyModule", "fontTools.subset was run"
assert "fontTools.varLib.instancer" not in sys.modules and "fontTools.ttLib.tables.otTables" not in sys.modules
assert fonts.instantiateVariableFont is deferred.instantiate_variable_font
from fontTools.ttLib import TTFont
try:
    fonts.instantiateVariableFont(TTFont(sys.argv[1]), {"wght": 700})
except ValueError as error:
    print(error)  # fontTools' own function ran
from fontTools.varLib.instancer import instantiateVariableFont
assert instantiateVariableFont.__module__ == "fontTools.varLib.instancer"
options = fonts.subset.Options(notdef_outline=True)  # the lazy module runs on its first use
assert type(sys.modules["fontTools.subset"]).__name__ == "module" and options.notdef_outline
print("ok")
"""


def test_fonttools_subsetter_and_instancer_are_loaded_when_weasyprint_uses_them(tmp_path: Path) -> None:
    """Importing WeasyPrint through the engine leaves fontTools' subsetter unrun and its instancer unimported;
    both work when used (the sample's build, whose PDF the other tests compare, uses neither)."""
    font = REPO / "assets" / "fonts" / "PublisherKai-Regular.ttf"
    done = subprocess.run([sys.executable, "-c", DEFERRED, str(font)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["Missing required table fvar", "ok"]


LIBRARIES_OUTLIVE = """
import gc, sys
from publisher.engine.weasyprint import require
require()
import weasyprint.text.ffi as ffi_module
from weasyprint.text.fonts import FontConfiguration
assert type(ffi_module.ffi).__module__ == "_cffi_backend", "the compiled declarations were not used"
for _ in range(3):  # font maps, with g_object_unref as destructor, left to the collector as at the end
    cycle = [FontConfiguration()]
    cycle.append(cycle)
    del cycle
for module in list(sys.modules.values()):  # every name of the libraries gone, as the interpreter's end does
    if getattr(module, "__name__", "").startswith("weasyprint"):
        for name in ("gobject", "pango", "pangoft2", "fontconfig", "harfbuzz", "harfbuzz_subset", "harfbuzz_vector"):
            vars(module).pop(name, None)
gc.collect()
print("survived")
"""


def test_the_libraries_outlive_the_objects_they_free() -> None:
    """The full suite crashed at its end (a segmentation fault in the last collection): with the compiled
    declarations, a library could be closed before the Pango objects whose destructors it holds."""
    done = subprocess.run([sys.executable, "-c", LIBRARIES_OUTLIVE], capture_output=True, text=True)
    assert (done.returncode, done.stdout.strip()) == (0, "survived"), done.stderr[-2000:]


LAZY_SUBSET = """
import io, sys
from pathlib import Path
from fontTools.ttLib import TTFont
from publisher.engine.weasyprint import deferred
from publisher.engine.weasyprint.subset import _fonttools_subset
assert "fontTools.subset" not in sys.modules
deferred.import_lazily("fontTools.subset")
assert type(sys.modules["fontTools.subset"]).__name__ == "_LazyModule"
data = _fonttools_subset(Path(sys.argv[1]), {"同", "力"}, 0)
print(sorted(TTFont(io.BytesIO(data)).getBestCmap()))
"""


def test_the_fonttools_subsetter_works_when_loaded_lazily() -> None:
    """The publisher's own fontTools subsetting (without libharfbuzz-subset) with the lazy module, in a process
    of its own: fontTools' subsetter adds methods to its table classes once per process."""
    font = REPO / "assets" / "fonts" / "PublisherKai-Regular.ttf"
    done = subprocess.run([sys.executable, "-c", LAZY_SUBSET, str(font)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(sorted([ord("同"), ord("力")]))


LEAVE = """
import atexit, sys, threading, time
from pathlib import Path
from publisher.commands.cli import leave
out = Path(sys.argv[1])
atexit.register(out.with_suffix(".atexit").write_text, "ran")
sys.stdout.write("buffered, no newline")
if sys.argv[2] == "thread":
    threading.Thread(target=lambda: (time.sleep(0.3), out.with_suffix(".thread").write_text("ran"))).start()
    leave(4)
leave(sys.argv[2] if sys.argv[2] == "message" else int(sys.argv[2]))
"""


@pytest.mark.parametrize(
    ("how", "status", "stderr"), [("3", 3, ""), ("0", 0, ""), ("message", 1, "message\n"), ("thread", 4, "")]
)
def test_the_program_leaves_as_sys_exit_would(tmp_path: Path, how: str, status: int, stderr: str) -> None:
    """``leave`` (the end of ``python -m publisher`` and of the console script) gives the status sys.exit
    would, runs the atexit functions, flushes stdout, and waits for another thread through Python's own exit."""
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-c", LEAVE, str(out), how], capture_output=True, text=True)
    assert (done.returncode, done.stdout, done.stderr) == (status, "buffered, no newline", stderr)
    assert out.with_suffix(".atexit").read_text() == "ran"
    if how == "thread":
        assert out.with_suffix(".thread").read_text() == "ran"


def test_the_program_exits_with_the_status_of_the_command(tmp_path: Path) -> None:
    """``python -m publisher`` ends through ``leave``: a missing project is the same status and message as
    with click's runner, and a build writes its PDF."""
    from click.testing import CliRunner

    from publisher.commands.cli import main

    missing = tmp_path / "missing"
    expected = CliRunner().invoke(main, ["build", str(missing)])
    done = subprocess.run([sys.executable, "-m", "publisher", "build", str(missing)], capture_output=True, text=True)
    assert expected.exit_code != 0
    assert (done.returncode, done.stderr) == (expected.exit_code, expected.output)
    pdf = tmp_path / "sample.pdf"
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    built = subprocess.run(
        [sys.executable, "-m", "publisher", "build", str(REPO), "-o", str(pdf)],
        capture_output=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    assert built.returncode == 0 and pdf.read_bytes().startswith(b"%PDF")
    # WeasyPrint removes its fonts' temporary folder in __del__, which os._exit skips: removed at exit instead
    assert sorted(p.name for p in scratch.iterdir()) == []
