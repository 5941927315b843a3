"""The teaching notebooks run top to bottom headless, and are stored clean."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("*.ipynb"))
ALL = NOTEBOOKS + SOLUTIONS


def ids(paths):
    return [str(p.relative_to(ROOT / "notebooks")) for p in paths]


def execute(path: Path, tmp_path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    return notebook


def outputs_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            parts.append(output.get("text", ""))
            parts.append(json.dumps(output.get("data", {}).get("text/markdown", "")))
            parts.append(json.dumps(output.get("data", {}).get("text/plain", "")))
    return "\n".join(parts)


def test_there_are_notebooks():
    """The sequence starts with notebook 01, and every notebook has a solution."""
    assert NOTEBOOKS and NOTEBOOKS[0].name.startswith("01-")
    assert [p.name for p in SOLUTIONS] == [p.name for p in NOTEBOOKS]


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_runs_headless_within_a_minute(path, tmp_path):
    """Every cell runs without error, in under a minute, with figures as PNG."""
    start = time.perf_counter()
    notebook = execute(path, tmp_path)
    assert time.perf_counter() - start < 60
    pngs = sum(
        "image/png" in output.get("data", {})
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    )
    assert pngs >= 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("exercise", "solution"), list(zip(NOTEBOOKS, SOLUTIONS, strict=True)), ids=ids(NOTEBOOKS)
)
def test_check_cells(exercise, solution, tmp_path):
    """Unedited, the check says 'Not yet'; the solution's check says 'Correct'."""
    assert "Not yet" in outputs_text(execute(exercise, tmp_path))
    assert "Correct" in outputs_text(execute(solution, tmp_path))


@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_stored_clean(path):
    """No outputs or execution counts; kernel python3; public API only; no absolute paths."""
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata["kernelspec"]["name"] == "python3"
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        assert not cell.outputs and cell.execution_count is None
        assert not re.search(r"ctlab\.(core|io|widgets)\b", cell.source), cell.source
        assert not re.search(r"['\"]/(home|tmp|Users|work)/", cell.source), cell.source
        assert "http" not in cell.source


def test_readme_lists_every_notebook():
    """The README's notebook table links every notebook of the sequence."""
    readme = (ROOT / "README.md").read_text()
    missing = [p.name for p in NOTEBOOKS if f"(notebooks/{p.name})" not in readme]
    assert not missing, f"add to the README's notebook table: {missing}"


def test_teaching_guide_lists_every_notebook():
    """docs/teaching.md's sessions and extras link every notebook of the sequence."""
    guide = (ROOT / "docs" / "teaching.md").read_text()
    missing = [p.name for p in NOTEBOOKS if f"(../notebooks/{p.name})" not in guide]
    assert not missing, f"add to docs/teaching.md: {missing}"


# Every lesson, and its solution, is projected in class: every cell carries slideshow metadata.
@pytest.mark.parametrize("path", ALL, ids=ids(ALL))
def test_converts_to_a_slide_deck(path):
    """`jupyter nbconvert --to slides` gives one slide per marked cell, titled, imports skipped."""
    from nbconvert import SlidesExporter

    notebook = nbformat.read(path, as_version=4)
    kinds = [cell.metadata.get("slideshow", {}).get("slide_type") for cell in notebook.cells]
    assert kinds[0] == "slide" and kinds.count("slide") >= 5
    assert all(kind in {"slide", "subslide", "fragment", "skip", "notes", "-"} for kind in kinds)
    body, _ = SlidesExporter().from_filename(str(path))
    assert body.count("<section") >= kinds.count("slide") + kinds.count("subslide")
    title = notebook.cells[0].source.splitlines()[0].lstrip("# ")
    assert title in body
    assert "import ctlab" not in body  # the set-up cell is skipped
