"""The widgets' JavaScript as code of its own: Node unit tests, lint, and bundles up to date.

``node --test tests/js/`` checks the browser's VOI tables against golden
tables written here by ``ctlab.apply_window`` (linear, linear_exact and
sigmoid, inverted or not) in well under a second, so parity no longer waits
for a Chromium run; biome lints and checks formatting; esbuild's bundles in
``ctlab/widgets/static/`` must be what the sources build to. Node packages
come from the npm registry through ``package-lock.json`` (``npm ci``).
Without Node these tests skip, except under CI, where they must run.
"""

from __future__ import annotations

import filecmp
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

import ctlab
from tests.node_tools import npm_ready

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "ctlab" / "widgets" / "static"
WINDOWS = [(40, 400), (-80, 40), (60, 40), (-600, 1500), (0.5, 1), (37.5, 3), (1000, 2), (40, 4000)]
FLOAT_HU = [-1024.0, -160.5, -160.25, -0.5, 0.0, 0.49, 39.5, 40.5, 239.75, 240.0, 3071.5, None]


@pytest.fixture(scope="module")
def npm() -> str:
    """npm with the project's node_modules installed (npm ci) when missing."""
    return npm_ready()


def golden_tables() -> dict:
    """apply_window's grey levels for every int16 HU in -2048..3071 (``int_hu`` gives the
    first and last) and for some float HU (``None`` is NaN)."""
    int_hu = np.arange(-2048, 3072, dtype=np.int16)
    floats = np.array([np.nan if v is None else v for v in FLOAT_HU], dtype=np.float64)
    tables = []
    for center, width in WINDOWS:
        for function in ("linear", "linear_exact", "sigmoid"):
            window = ctlab.Window(center, width, function=function)
            for invert in (False, True):
                tables.append(
                    {
                        "center": center,
                        "width": width,
                        "function": function,
                        "invert": invert,
                        "int_hu": [int(int_hu[0]), int(int_hu[-1])],
                        "int_grey": ctlab.apply_window(int_hu, window, invert=invert).tolist(),
                        "float_hu": FLOAT_HU,
                        "float_grey": ctlab.apply_window(floats, window, invert=invert).tolist(),
                    }
                )
    windows = [
        {"center": c, "width": w, "text": str(ctlab.Window(c, w))}
        for c, w in [*WINDOWS, (336, 397.5), (336.125, 397.5), (-1024, 1), (3000, 400)]
    ]
    tissues = [
        {"name": t.name, "color": t.color, "label": t.label, "low": t.low, "high": t.high}
        for t in ctlab.TISSUES.values()
    ]
    return {"tables": tables, "windows": windows, "tissues": tissues, "labels": label_cases()}


def label_cases() -> list[dict]:
    """ctlab.plot.label_pixels on a small map (labels touching each other and the edges, a
    uint16 value, a label left out), outlined and filled at several opacities."""
    rng = np.random.default_rng(15)
    grey = rng.integers(0, 256, (9, 11), dtype=np.uint8)
    labels = np.zeros((9, 11), np.uint16)
    labels[1:6, 1:6] = 1
    labels[3:9, 4:9] = 2
    labels[0:3, 8:11] = 300
    labels[7, 0] = 3
    colors = {1: "#E69F00", 2: "#56B4E9", 300: "#CC79A7", 3: "#009E73"}
    cases = []
    for outline, opacity in [(True, 0.5), (False, 0.5), (False, 0.3), (False, 0.85), (False, 1.0)]:
        for shown in (colors, {v: c for v, c in colors.items() if v != 2}):
            rgb = ctlab.plot.label_pixels(grey, labels, shown, outline=outline, opacity=opacity)
            cases.append(
                {
                    "rows": 9,
                    "cols": 11,
                    "grey": grey.ravel().tolist(),
                    "labels": labels.ravel().tolist(),
                    "colors": [[v, c] for v, c in shown.items()],
                    "outline": outline,
                    "opacity": opacity,
                    "rgb": rgb.reshape(-1, 3).tolist(),
                }
            )
    return cases


def test_voi_tables_match_apply_window_in_node(npm, tmp_path):
    """node --test: the JS VOI tables and window text equal ctlab's, for every case."""
    golden = tmp_path / "golden.json"
    golden.write_text(json.dumps(golden_tables()))
    run = subprocess.run(
        [npm, "test", "--silent"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CTLAB_GOLDEN": str(golden)},
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "# fail 0" in run.stdout and "# skipped 0" in run.stdout


def test_javascript_is_linted_and_formatted(npm):
    """biome check (lint and format) passes on the widgets' JavaScript and its tests."""
    run = subprocess.run(
        [npm, "run", "--silent", "lint"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_bundles_are_up_to_date(npm, tmp_path):
    """esbuild builds the committed bundles in ctlab/widgets/static/ from the sources, byte for byte."""
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    sources = sorted(f"ctlab/widgets/{path.name}" for path in STATIC.glob("*.js"))
    run = subprocess.run(
        [
            str(esbuild),
            *sources,
            "--bundle",
            "--format=esm",
            "--target=es2020",
            f"--outdir={tmp_path}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    stale = [
        path.name for path in STATIC.glob("*.js") if not filecmp.cmp(path, tmp_path / path.name)
    ]
    assert stale == [], f"run `npm run build` and commit ctlab/widgets/static/: {stale} differ"
