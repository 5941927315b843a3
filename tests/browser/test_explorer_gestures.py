"""WindowExplorer gestures in Chromium: drag to window, box to auto-window, range slider, slices."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import ctlab
from tests.browser.explorer_page import (
    CANVAS,
    ROOT,
    STATE_CELL,
    assert_shows,
    expected_grey,
    kernel_state,
    wait_until_painted,
)
from tests.helpers import harness

pytestmark = pytest.mark.browser


def canvas_box(page: Any) -> dict[str, float]:
    return page.locator(CANVAS).bounding_box()


def test_drag_on_the_image_windows_it(explorer, hu, console):
    """Dragging right widens the window, dragging down raises the level; Python follows."""
    box = canvas_box(explorer)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    explorer.mouse.move(x, y)
    explorer.mouse.down()
    explorer.mouse.move(x + 40, y + 20, steps=8)
    explorer.mouse.up()
    explorer.wait_for_function(
        f"() => JSON.parse(document.querySelector('{CANVAS}').dataset.painted).width > 400"
    )
    painted = harness.painted(explorer, CANVAS)
    assert painted["width"] > 400 and painted["center"] > 40
    assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    output = harness.run_cell_until(
        explorer,
        STATE_CELL,
        lambda out: json.loads(out.splitlines()[-1])["width"] == painted["width"],
    )
    state = json.loads(output.splitlines()[-1])
    assert (state["center"], state["width"], state["preset"]) == (
        painted["center"],
        painted["width"],
        "",
    )
    assert console.errors == []


def test_box_sets_the_window_from_the_region(explorer, hu, console):
    """A shift-drag box sets low..high to the 1st..99th HU percentiles inside it (numpy's)."""
    box = canvas_box(explorer)
    left, top = box["x"] + box["width"] * 0.35, box["y"] + box["height"] * 0.45
    explorer.keyboard.down("Shift")
    explorer.mouse.move(left, top)
    explorer.mouse.down()
    explorer.mouse.move(left + box["width"] * 0.15, top + box["height"] * 0.1, steps=6)
    explorer.mouse.up()
    explorer.keyboard.up("Shift")
    explorer.wait_for_selector(f"{CANVAS}[data-roi]")
    roi = json.loads(explorer.locator(CANVAS).get_attribute("data-roi"))
    (r0, r1), (c0, c1) = roi["rows"], roi["cols"]
    inside = hu[r0:r1, c0:c1]
    low, high = (round(float(v), 2) for v in np.percentile(inside, [1, 99]))
    painted = wait_until_painted(explorer, center=(low + high) / 2, width=high - low)
    assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    state = kernel_state(explorer)
    assert state["center"] == pytest.approx((low + high) / 2)
    assert console.errors == []


def test_low_box_moves_centre_and_width(explorer, hu, console):
    """Typing -150 in the low box narrows the width by 10 and raises the centre by 5."""
    low = explorer.locator(f"{ROOT} input.ctlab-number-low")
    low.fill("-150")
    low.press("Enter")
    painted = wait_until_painted(explorer, center=45, width=390)
    assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    assert explorer.locator(f"{ROOT} input.ctlab-number-center").input_value() == "45"
    assert explorer.locator(f"{ROOT} input.ctlab-number-width").input_value() == "390"
    output = harness.run_cell_until(
        explorer, STATE_CELL, lambda out: json.loads(out.splitlines()[-1])["width"] == 390
    )
    assert json.loads(output.splitlines()[-1])["center"] == 45
    assert console.errors == []


def test_function_menu_redraws_with_linear_exact(explorer, hu, console):
    """Choosing linear_exact repaints with the exact DICOM LINEAR_EXACT grey levels."""
    explorer.locator(f"{ROOT} .ctlab-function select").select_option("linear_exact")
    painted = wait_until_painted(explorer, function="linear_exact")
    assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    curve = explorer.locator(f"{ROOT} canvas.ctlab-histogram-canvas").get_attribute("data-painted")
    assert json.loads(curve)["function"] == "linear_exact"
    assert console.errors == []


def test_slices_scroll_with_keys_and_wheel(open_cells, console):
    """On a volume, arrow keys and the wheel step through slices; each is windowed exactly."""
    page = open_cells(
        [
            "import ctlab\nvolume = ctlab.data.phantom()\nex = ctlab.WindowExplorer(volume)\nex",
            "print(ex.slice_index)",
        ]
    )
    page.wait_for_selector(f"{CANVAS}[data-painted]", timeout=30_000)
    start = harness.painted(page, CANVAS)["slice"]
    assert start == 24
    page.locator(CANVAS).focus()
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    painted = wait_until_painted(page, slice=27)
    volume = ctlab.data.phantom().hu
    assert_shows(harness.canvas_pixels(page, CANVAS), expected_grey(volume[27], painted))
    box = canvas_box(page)
    page.mouse.move(box["x"] + 50, box["y"] + 50)
    page.mouse.wheel(0, -100)
    wait_until_painted(page, slice=26)
    readout = page.locator(f"{ROOT} .ctlab-readouts").inner_text()
    assert "slice 27 of 48" in readout and "mm" in readout
    output = harness.run_cell_until(page, 1, lambda out: out.strip().endswith("26"))
    assert output.strip().endswith("26")
    assert console.errors == []
