"""Notebook 2 (window and level) in JupyterLab: run it, drag the explorer's centre slider.

Also makes the README's picture, ``docs/images/notebook-02-window-explorer.png`` (written
there only when ``CTLAB_README_IMAGES=1``, so that a test run leaves the repository alone).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ctlab
from tests.browser.explorer_page import thumb_point
from tests.helpers import harness

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = "02-window-and-level.ipynb"
README_IMAGE = "notebook-02-window-explorer.png"
ROOT = ".ctlab-window-explorer"
CANVAS = f"{ROOT} canvas.ctlab-slice-canvas"
HANDLE = f"{ROOT} input.ctlab-slider-center"


@pytest.mark.skipif(
    not (REPO / "notebooks" / NOTEBOOK).exists(), reason=f"notebooks/{NOTEBOOK} is not written yet"
)
def test_notebook_02_explorer_follows_a_mouse_drag(lab, page, console, screenshots, readme_image):
    """Dragging the centre slider of notebook 2's first explorer to the right darkens its canvas."""
    harness.copy_notebooks(REPO / "notebooks", lab.root)
    harness.open_notebook(page, lab, f"notebooks/{NOTEBOOK}")
    harness.run_all_cells(page, timeout=150)
    explorer = page.locator(ROOT).first
    explorer.scroll_into_view_if_needed()
    page.wait_for_selector(f"{CANVAS}[data-painted]", timeout=30_000)
    before = harness.canvas_pixels(page, CANVAS)
    start = harness.painted(page, CANVAS)["center"]

    handle = page.locator(HANDLE).first
    handle.scroll_into_view_if_needed()
    x, y = thumb_point(page, f"{ROOT} >> nth=0 >> input.ctlab-slider-center")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 10, y, steps=5)  # about 8 HU per pixel over the abdomen's HU
    page.mouse.up()

    harness.wait_for_pixels_change(page, CANVAS, before)
    page.wait_for_timeout(300)  # let the last drag step paint
    after = harness.canvas_pixels(page, CANVAS)
    painted = harness.painted(page, CANVAS)
    assert painted["center"] > start
    assert harness.region_mean(after) < harness.region_mean(before)
    assert after[..., 0].std() > 10, "the canvas is blank after the drag"
    # Notebook 2 explores ctlab.data.abdomen(): the pixels are exactly that slice, windowed.
    window = ctlab.Window(center=painted["center"], width=painted["width"])
    grey = ctlab.apply_window(ctlab.data.abdomen().hu, window, function=painted["function"])
    np.testing.assert_array_equal(after[..., 0], grey)

    shot = harness.screenshot(explorer, screenshots / README_IMAGE)
    assert shot.stat().st_size < 300_000
    readme_image(shot)
    assert console.errors == []
