"""The benchmark command runs and reports (smoke tests: they assert no speed)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_quick_run_writes_table_json_and_plot(tmp_path):
    """bench/run.py --quick --no-browser prints the table and writes results and a plot."""
    out = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--no-browser",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "| apply_window 64x64 int16 |" in result.stdout
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] and len(report["rows"]) >= 10
    assert {"what", "ratio", "target", "passed", "details"} <= set(report["rows"][0])
    measured = [row for row in report["rows"] if row["ctlab_ms"] is not None]
    assert measured and all(row["ctlab_ms"] > 0 for row in measured)
    latency = [row for row in report["rows"] if row["target"].startswith(("p50", ">= 12 repaints"))]
    assert len(latency) == 8  # 6 in JupyterLab, 2 in the saved page
    assert all(row["passed"] is None and "--no-browser" in row["note"] for row in latency)
    sizes = [row for row in report["rows"] if row["what"].startswith("saved page (save_html)")]
    assert len(sizes) == 2 and all(row["passed"] for row in sizes)
    assert out.with_suffix(".png").stat().st_size > 1000


def test_only_a_missed_live_target_fails_the_run():
    """An information row (apply_window against a memory copy) never sets the exit code."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from run import Row, exit_code
    finally:
        sys.path.remove(str(ROOT / "bench"))
    information = Row("copy", 1.0, "memcpy", 0.1, 10.0, "information", None, information=True)
    met = Row("histogram", 1.0, "np.histogram", 4.0, 0.25, "<= 0.5x", True)
    missed = Row("histogram", 1.0, "np.histogram", 1.0, 1.0, "<= 0.5x", False)
    not_measured = Row("slider", None, "interact", None, None, "p50 <= 16 ms", None)
    assert exit_code([information, met, not_measured]) == 0
    assert exit_code([information, missed]) == 1


@pytest.mark.browser
@pytest.mark.slow
def test_browser_latencies_are_measured():
    """bench/browser.py times every row in JupyterLab + Chromium, each move getting a result."""
    from tests.helpers import harness

    if harness.chromium_path() is None:
        pytest.skip(harness.INSTALL_HINT)
    # A process of its own: Playwright's sync API cannot start twice in one
    # process, and the browser tests' session may already hold it.
    script = (
        "import json, sys\n"
        f"sys.path.insert(0, {str(ROOT / 'bench')!r})\n"
        "from dataclasses import asdict\n"
        "from browser import measure\n"
        "results = measure(3, slices=12)\n"
        "print(json.dumps({name: asdict(latency) for name, latency in results.items()}))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    held = {name: results.pop(name) for name in ("held", "held_far")}
    assert set(results) == {
        "explorer",
        "pattern",
        "width_drag",
        "scroll_first",
        "scroll",
        "explorer_far",
        "pattern_far",
        "width_drag_far",
        "frame",
    }
    for name, scroll in held.items():
        assert scroll["reached"] and scroll["painted"] >= 1, (name, scroll)
    for name, latency in results.items():
        assert latency["n"] == 3 and latency["timeouts"] == 0, (name, latency)
        assert 0 < latency["in_page_p50"] <= latency["p50"] <= latency["p95"] <= latency["max"], (
            name,
            latency,
        )


def test_bench_imports_no_test_module():
    """bench/ imports from tests/ only the shared helpers (tests.helpers), never a test module."""
    import ast

    imported = set()
    for path in sorted((ROOT / "bench").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                imported.update((path.name, alias.name) for alias in node.names)
    from_tests = {(name, module) for name, module in imported if module.split(".")[0] == "tests"}
    assert from_tests, "bench/ imports nothing from tests/ any more: this test checks nothing"
    assert {module for _, module in from_tests} <= {"tests.helpers", "tests.helpers.latency_proxy"}
