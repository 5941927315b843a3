"""WindowExplorer in JupyterLab and Chromium: what the canvas shows, and Python following it."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import ctlab
from tests.browser import harness

pytestmark = pytest.mark.browser

ROOT = ".ctlab-window-explorer"
CANVAS = f"{ROOT} canvas.ctlab-slice-canvas"
HANDLE = f"{ROOT} .ctlab-center .noUi-handle"
PRESET = f"{ROOT} .ctlab-preset select"

BUILD = (
    "import json\n"
    "import ctlab\n"
    "abdomen = ctlab.data.abdomen()\n"
    "ex = ctlab.WindowExplorer(abdomen)\n"
    "ex"
)
STATE = (
    "print(json.dumps({'center': ex.center, 'width': ex.width, 'function': ex.function,"
    " 'invert': ex.invert, 'preset': ex.preset}))"
)
STATE_CELL = 1


@pytest.fixture(scope="module")
def hu() -> np.ndarray:
    """The abdominal slice in HU, as the kernel loads it."""
    return ctlab.data.abdomen().hu


@pytest.fixture
def explorer(open_cells) -> Any:
    """A page showing ``WindowExplorer(ctlab.data.abdomen())``, painted."""
    page = open_cells([BUILD, STATE])
    page.wait_for_selector(f"{CANVAS}[data-painted]", timeout=30_000)
    return page


def kernel_state(page: Any) -> dict[str, Any]:
    """The explorer's traitlets as the kernel sees them now (runs the state cell again)."""
    return json.loads(harness.run_cell(page, STATE_CELL).strip().splitlines()[-1])


def wait_until_painted(page: Any, **expected: Any) -> dict[str, Any]:
    """Wait until the canvas's data-painted attribute shows these values; return it."""
    page.wait_for_function(
        """([selector, expected]) => {
            const value = document.querySelector(selector)?.getAttribute('data-painted');
            if (!value) return false;
            const painted = JSON.parse(value);
            return Object.entries(expected).every(([key, v]) => painted[key] === v);
        }""",
        arg=[CANVAS, expected],
        timeout=15_000,
    )
    return harness.painted(page, CANVAS)


def expected_grey(hu: np.ndarray, painted: dict[str, Any]) -> np.ndarray:
    """What ctlab.apply_window gives for the window the canvas says it shows."""
    window = ctlab.Window(center=painted["center"], width=painted["width"])
    return ctlab.apply_window(
        hu, window, function=painted["function"], invert=bool(painted["invert"])
    )


def assert_shows(pixels: np.ndarray, grey: np.ndarray) -> None:
    """The canvas is opaque grey (R = G = B) and its grey levels are exactly ``grey``."""
    assert pixels.shape == (*grey.shape, 4)
    np.testing.assert_array_equal(pixels[..., 3], 255)
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 1])
    np.testing.assert_array_equal(pixels[..., 0], pixels[..., 2])
    mismatched = int(np.count_nonzero(pixels[..., 0] != grey))
    assert mismatched == 0, f"{mismatched} of {grey.size} pixels differ from apply_window"


def erode(mask: np.ndarray) -> np.ndarray:
    """Pixels of ``mask`` whose four neighbours are in ``mask`` too."""
    inner = mask.copy()
    inner[1:] &= mask[:-1]
    inner[:-1] &= mask[1:]
    inner[:, 1:] &= mask[:, :-1]
    inner[:, :-1] &= mask[:, 1:]
    return inner


def test_first_paint_is_the_default_window(explorer, hu, console):
    """The first paint is 40/400 and every pixel equals apply_window(hu, ex.window)."""
    state = kernel_state(explorer)
    assert (state["center"], state["width"]) == (40.0, 400.0)
    painted = harness.painted(explorer, CANVAS)
    assert (painted["center"], painted["width"]) == (state["center"], state["width"])
    pixels = harness.canvas_pixels(explorer, CANVAS)
    grey = pixels[..., 0]
    assert grey.std() > 10 and len(np.unique(grey)) > 100, "the canvas is blank"
    window = ctlab.Window(center=state["center"], width=state["width"])
    assert_shows(pixels, ctlab.apply_window(hu, window, function=state["function"]))
    assert console.errors == []


def test_arrow_keys_on_the_centre_slider(explorer, hu, console, screenshots):
    """20 x ArrowRight raise the centre by 10 HU (half-HU steps): darker, exact, Python follows."""
    before = harness.canvas_pixels(explorer, CANVAS)
    start = harness.painted(explorer, CANVAS)["center"]
    explorer.locator(HANDLE).focus()
    for _ in range(20):
        explorer.keyboard.press("ArrowRight")
    painted = wait_until_painted(explorer, center=start + 10)
    after = harness.canvas_pixels(explorer, CANVAS)
    assert harness.region_mean(after) < harness.region_mean(before)
    assert_shows(after, expected_grey(hu, painted))
    output = harness.run_cell_until(
        explorer, STATE_CELL, lambda out: json.loads(out.splitlines()[-1])["center"] == start + 10
    )
    assert json.loads(output.splitlines()[-1])["center"] == start + 10
    shot = harness.screenshot(explorer.locator(ROOT), screenshots / "explorer-after-arrow-keys.png")
    assert shot.stat().st_size > 0
    assert console.errors == []


def test_fat_preset_brightens_the_fat(explorer, hu, console, screenshots):
    """Choosing the fat preset turns fat (-100..-60 HU) from near-black to mid-grey."""
    fat = erode((hu >= -100) & (hu <= -60))
    assert fat.sum() > 1000
    before = harness.canvas_pixels(explorer, CANVAS)[..., 0][fat].mean()
    explorer.locator(PRESET).select_option(label=ctlab.PRESETS["fat"].name)
    fat_window = ctlab.PRESETS["fat"]
    painted = wait_until_painted(explorer, center=fat_window.center, width=fat_window.width)
    pixels = harness.canvas_pixels(explorer, CANVAS)
    assert_shows(pixels, expected_grey(hu, painted))
    after = pixels[..., 0][fat].mean()
    assert before < 64, f"fat was {before:.0f} in the default window"
    assert 64 < after < 192, f"fat is {after:.0f} in the fat window, not mid-grey"
    assert after - before > 40
    state = kernel_state(explorer)
    assert (state["center"], state["width"]) == (fat_window.center, fat_window.width)
    assert state["preset"] == "fat"
    harness.screenshot(explorer.locator(ROOT), screenshots / "explorer-fat-preset.png")
    assert console.errors == []


def test_setting_center_from_python_repaints(explorer, hu, console):
    """``ex.center = 100`` in a cell repaints the canvas at 100/400."""
    before = harness.canvas_pixels(explorer, CANVAS)
    harness.append_and_run(explorer, "ex.center = 100")
    painted = wait_until_painted(explorer, center=100)
    after = harness.canvas_pixels(explorer, CANVAS)
    assert not np.array_equal(after, before)
    assert_shows(after, expected_grey(hu, painted))
    assert console.errors == []
