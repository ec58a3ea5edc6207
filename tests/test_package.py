"""The package's shape, as a newcomer relies on it: what imports what."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from build_digest.pipeline import STAGES


def test_the_pipeline_runs_without_importing_mkdocs() -> None:
    # Any renderer takes the pipeline's output: loading the pipeline must not load MkDocs.
    script = (
        "import sys, build_digest.pipeline;"
        " loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'mkdocs');"
        " print(','.join(loaded))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""


PACKAGE = Path(__file__).resolve().parent.parent / "build_digest"
MAX_MODULE_LINES = 800
"""Past this a module holds more than one family of steps: split it (issue 24)."""
_STAGE_HEAD = re.compile(r"Stage (\d+) \(([a-z ]+)\)")


def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name)."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        names[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return names


def _runtime_imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules ``name`` imports when it runs (imports only for type checking
    are no cycle: they never execute)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            targets = [f"{base}.{alias.name}" for alias in node.names]
            if node.module:  # "from . import x" names modules, not the package itself
                targets.append(base)
            found.update(t for t in targets if t in known)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
    found.discard(name)
    return found


def test_the_package_has_no_import_cycle() -> None:
    modules = _modules()
    graph = {name: _runtime_imports(name, path, set(modules)) for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            cycle = " -> ".join((*trail[trail.index(name) :], name))
            raise AssertionError(f"import cycle: {cycle}")
        if name in done:
            return
        for target in sorted(graph[name]):
            visit(target, (*trail, name))
        done.add(name)

    for name in sorted(graph):
        visit(name, ())


def test_no_module_is_longer_than_a_newcomer_can_read() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long


def test_every_module_s_docstring_names_its_stage_as_the_pipeline_lists_it() -> None:
    stages = {i: stage for i, stage in enumerate(STAGES, start=1)}
    for name, path in _modules().items():
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        first = " ".join(doc.split("\n\n")[0].split())
        short = name.removeprefix("build_digest.").split(".")[0]
        if short == "build_digest":
            continue  # the package's own (empty) __init__
        if short == "pipeline":
            assert " -> ".join(s.name for s in STAGES[:-2]) in " ".join(doc.split())
            continue
        named = [(int(n), s) for n, s in _STAGE_HEAD.findall(first)]
        if not named:
            assert first.startswith(("Shared by the stages:", "Around the stages:")), name
            assert not any(short in s.modules for s in STAGES), f"{name} is in STAGES"
            continue
        assert first.startswith("Stage "), name
        for number, stage in named:
            assert stages[number].name == stage, (name, number, stage)
        assert any(short in stages[n].modules for n, _ in named), name


def test_the_readme_lists_the_stages_as_the_pipeline_runs_them() -> None:
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| ([a-z ]+) \| ([^|]+) \|", readme, re.M)
    assert [(int(n), s.strip()) for n, s, _ in rows] == [
        (i, stage.name) for i, stage in enumerate(STAGES, start=1)
    ]
    for (_, _, modules), stage in zip(rows, STAGES, strict=True):
        assert [m.strip(" `") for m in modules.split(",")] == list(stage.modules)
