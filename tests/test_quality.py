"""Lint, types and layering, checked with the rest of the suite."""

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
