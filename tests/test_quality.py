"""Lint, types and layering, checked with the rest of the suite."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_clean():
    """ruff finds nothing in the repository (notebooks excepted, see pyproject)."""
    result = run(sys.executable, "-m", "ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_layers_point_one_way():
    """import-linter: core imports numpy only; io adds pydicom, plot matplotlib; no arrow back."""
    result = run(str(BIN / "lint-imports"), "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed():
    """mypy passes on the whole package, strictly on the core and io layers."""
    result = run(sys.executable, "-m", "mypy", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("module", ["ctlab", "ctlab.cli"])
def test_import_ctlab_stays_light(module):
    """import ctlab (and the CLI) load no matplotlib, ipywidgets, JPEG decoders, nibabel, highdicom."""
    code = (
        f"import sys, {module}; "
        "heavy = [m for m in ('matplotlib', 'ipywidgets', 'anywidget', 'pylibjpeg', 'openjpeg',"
        " 'nibabel', 'highdicom')"
        " if m in sys.modules]; print(heavy)"
    )
    result = run(sys.executable, "-c", code)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def imported_modules(path: Path) -> set[str]:
    """Every module an import in ``path`` may name (``from a import b`` names ``a`` and ``a.b``)."""
    package = path.relative_to(ROOT).parent.parts
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join((*base, *(node.module.split(".") if node.module else ())))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def is_test_module(name: str) -> bool:
    """``name`` is a file pytest collects as a test module (default test_*.py, *_test.py) or a conftest."""
    path = ROOT.joinpath(*name.split(".")).with_suffix(".py")
    stem = path.stem
    return path.is_file() and (
        stem.startswith("test_") or stem.endswith("_test") or stem == "conftest"
    )


def test_no_module_imports_a_test_module():
    """Nothing in tests/ or bench/ imports a test module or a conftest: shared helpers live in
    helper modules (tests/helpers/, tests/browser/explorer_page.py, ...) or in fixtures."""
    sources = sorted([*(ROOT / "tests").rglob("*.py"), *(ROOT / "bench").rglob("*.py")])
    imports = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in sources
        for name in sorted(imported_modules(path))
        if is_test_module(name)
    ]
    assert imports == [], "\n".join(imports)
