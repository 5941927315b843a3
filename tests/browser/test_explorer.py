"""WindowExplorer in JupyterLab and Chromium: what the canvas shows, and Python following it."""

from __future__ import annotations

import json

import numpy as np
import pytest

import ctlab
from tests.browser.explorer_page import (
    CANVAS,
    HANDLE,
    PRESET,
    ROOT,
    STATE_CELL,
    assert_shows,
    erode,
    expected_grey,
    kernel_state,
    wait_until_painted,
)
from tests.helpers import harness

pytestmark = pytest.mark.browser


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
    """4 x ArrowRight raise the centre by 20 HU (steps of 5 HU at W 400): darker, exact, Python follows."""
    before = harness.canvas_pixels(explorer, CANVAS)
    start = harness.painted(explorer, CANVAS)["center"]
    explorer.locator(HANDLE).focus()
    for _ in range(4):
        explorer.keyboard.press("ArrowRight")
    painted = wait_until_painted(explorer, center=start + 20)
    after = harness.canvas_pixels(explorer, CANVAS)
    assert harness.region_mean(after) < harness.region_mean(before)
    assert_shows(after, expected_grey(hu, painted))
    output = harness.run_cell_until(
        explorer, STATE_CELL, lambda out: json.loads(out.splitlines()[-1])["center"] == start + 20
    )
    assert json.loads(output.splitlines()[-1])["center"] == start + 20
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
