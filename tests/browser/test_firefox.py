"""Saved pages in headless Firefox, from file:// with every other request aborted.

Playwright drives Chromium only here (its Firefox is a build of its own that
cannot be downloaded, and its WebDriver BiDi channel asks Debian's Firefox
ESR for a command it lacks), so puppeteer-core drives Firefox over WebDriver
BiDi (tests/js/firefox_page.js) and this test checks the pixels it reads:
the page inflates its slices with Firefox's DecompressionStream and paints
exactly what ``ctlab.apply_window`` (and ``ctlab.plot.label_pixels`` for the
labels) computes, after opening and after keys, a preset and a label toggle.
Runs where Firefox is installed (``apt-get install firefox-esr``), skips
otherwise.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ctlab
from ctlab.data.synthetic.phantom import make_phantom
from tests.browser.explorer_page import assert_shows, expected_grey
from tests.helpers.label_canvas import expected_pixels
from tests.node_tools import NODE_MODULES, ROOT, npm_ready

pytestmark = pytest.mark.browser

DRIVER = ROOT / "tests" / "js" / "firefox_page.js"


@pytest.fixture(scope="module")
def firefox() -> str:
    """Debian's Firefox ESR (or a firefox on PATH), and node with puppeteer-core."""
    found = shutil.which("firefox-esr") or shutil.which("firefox")
    if found is None:
        pytest.skip("Firefox is not installed (apt-get install -y firefox-esr): no Firefox run")
    npm = npm_ready()
    if not (NODE_MODULES / "puppeteer-core").exists():  # node_modules from before it was added
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, timeout=600)
    return found


def drive(firefox: str, page: Path, steps: list[dict[str, Any]], folder: Path) -> list[dict]:
    """Open ``page`` in Firefox, do ``steps``; the canvas after each (pixels as an array)."""
    steps_file = folder / f"{page.stem}-steps.json"
    steps_file.write_text(json.dumps(steps))
    done = subprocess.run(
        ["node", str(DRIVER), firefox, str(page), str(steps_file)],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(done.stdout)
    assert result["version"].startswith("firefox/"), result["version"]
    assert result["errors"] == [], result["errors"]
    assert [m for m in result["console"] if m.startswith("error")] == [], result["console"]
    assert result["aborted"] == [], f"the page asked the network for {result['aborted']}"
    states = result["states"]
    for state in states:
        flat = np.frombuffer(base64.b64decode(state["pixels"]), np.uint8)
        state["pixels"] = flat.reshape(state["height"], state["width"], 4)
    return states


def test_single_slice_page_windows_exactly_in_firefox(firefox, tmp_path):
    """The abdomen's 512 x 512 page: first paint, a key on the centre slider, a preset."""
    abdomen = ctlab.data.abdomen()
    page = ctlab.WindowExplorer(abdomen).save_html(tmp_path / "abdomen.html")
    states = drive(
        firefox,
        page,
        [
            {"focus": "input.ctlab-slider-center", "press": "ArrowRight"},
            {"select": [".ctlab-preset select", "lung"]},
        ],
        tmp_path,
    )
    first, moved, lung = (state["painted"] for state in states)
    assert (first["center"], first["width"]) == (40, 400)
    assert moved["center"] > 40
    assert (lung["center"], lung["width"]) == (-600, 1500)
    for state in states:
        assert_shows(state["pixels"], expected_grey(abdomen.hu, state["painted"]))


def test_labels_page_paints_labels_exactly_in_firefox(firefox, tmp_path):
    """A labelled phantom volume: outlines, the liver toggled off, another slice; all exact."""
    phantom = make_phantom(n_slices=3, size=128)
    widget = ctlab.WindowExplorer(phantom, labels=phantom.labels, label_names={3: "liver"})
    page = widget.save_html(tmp_path / "labels.html")
    states = drive(
        firefox,
        page,
        [
            {"uncheck": ".ctlab-label-3 input"},
            {"focus": "canvas.ctlab-slice-canvas", "press": "ArrowDown"},
        ],
        tmp_path,
    )
    first, toggled, scrolled = (state["painted"] for state in states)
    assert 3 in first["labels"]["shown"] and 3 not in toggled["labels"]["shown"]
    assert scrolled["slice"] == first["slice"] + 1
    for state in states:
        expected = expected_pixels(phantom, state["painted"])
        np.testing.assert_array_equal(state["pixels"][..., 3], 255)
        np.testing.assert_array_equal(state["pixels"][..., :3], expected)
