"""The benchmark command runs and reports (a smoke test: it asserts no speed)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_run_writes_table_json_and_plot(tmp_path):
    """bench/run.py --quick prints the table and writes results and a plot."""
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode in (0, 1), result.stderr
    assert "| apply_window 64x64 int16 |" in result.stdout
    report = json.loads(out.read_text())
    assert report["machine"]["cores"] and len(report["rows"]) >= 10
    assert {"what", "ratio", "target", "passed"} <= set(report["rows"][0])
    assert out.with_suffix(".png").stat().st_size > 1000
