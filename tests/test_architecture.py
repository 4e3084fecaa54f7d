"""The shape of the package: the engine fence, and no import from a stage up to a command.

Read from the code's own imports (``ast``), so a new module that crosses a
line fails here, not in review.
"""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import publisher
from publisher.editions import BUILTIN
from publisher.options import BuildOptions

from .conftest import REPO

PACKAGE = REPO / "publisher"


def _imports(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports (relative imports resolved)."""
    module = ".".join(path.relative_to(REPO).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if path.name == "__init__.py":
        module = module.removesuffix(".__init__")
        package = module
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.add(name)
            found.update(f"{name}.{alias.name}" for alias in node.names)
    return found


def _modules() -> dict[str, set[str]]:
    return {str(path.relative_to(REPO)): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_only_the_engine_package_touches_weasyprint_and_pydyf() -> None:
    for path, imports in _modules().items():
        touches = {name for name in imports if name.split(".")[0] in ("weasyprint", "pydyf")}
        if touches:
            assert path.startswith("publisher/engine/weasyprint/"), (path, touches)


def test_nothing_below_the_commands_imports_them() -> None:
    for path, imports in _modules().items():
        if path.startswith("publisher/commands/") or path == "publisher/__main__.py":
            continue
        assert not any(name.startswith("publisher.commands") for name in imports), path


def test_the_stages_do_not_import_the_engine_or_the_api() -> None:
    """Stages and features reach a writer only through publisher.output (which names it by string)."""
    top = ("publisher.engine", "publisher.api", "publisher.pipeline")
    for path, imports in _modules().items():
        if path.startswith(("publisher/engine/", "publisher/commands/")) or path in (
            "publisher/api.py",
            "publisher/batch.py",  # many builds, through the API: a layer beside it
            "publisher/__init__.py",
            "publisher/info.py",
        ):
            continue
        top_here: tuple[str, ...] = ("publisher.engine", "publisher.api") if path == "publisher/pipeline.py" else top
        assert not any(name.startswith(top_here) for name in imports), (path, imports & set(top_here))


def test_build_options_pickle_for_worker_processes(tmp_path: Path) -> None:
    options = BuildOptions(project=tmp_path, output=tmp_path / "x.pdf", edition=BUILTIN["booklet"], strict=True)
    assert pickle.loads(pickle.dumps(options)) == options


def test_the_api_is_what_the_package_exports() -> None:
    for name in ("build", "build_editions", "build_with", "check", "import_report", "BuildOptions", "BuildResult",
                 "CheckResult", "ImportReport", "PublisherError", "EnvironmentProblem"):  # fmt: skip
        assert getattr(publisher, name) is not None
    documented = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    for name in ("build(", "build_editions(", "build_with(", "check(", "import_report("):
        assert f"`{name}" in documented, name
