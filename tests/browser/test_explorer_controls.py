"""WindowExplorer's window controls in Chromium: every standard window by mouse and keyboard."""

from __future__ import annotations

import json
import math

import pytest

import ctlab
from ctlab.widgets.views import control_reach
from tests.browser.explorer_page import (
    CANVAS,
    HISTOGRAM,
    ROOT,
    STATE_CELL,
    WIDTH_SLIDER,
    assert_shows,
    clipped_controls,
    expected_grey,
    thumb_point,
    wait_until_painted,
)
from tests.helpers import harness

pytestmark = pytest.mark.browser

READOUTS = f"{ROOT} .ctlab-readouts"


def width_position(width: float, reach: tuple[float, float]) -> float:
    """Where the logarithmic width slider (0..1000) puts ``width``."""
    return math.log(width / reach[0]) / math.log(reach[1] / reach[0]) * 1000


def test_mouse_drag_reaches_the_fat_and_brain_widths(explorer, hu, console, screenshots):
    """Dragging the width thumb to W 40 and to W 80 sets them exactly (the slider is logarithmic)."""
    _, reach = control_reach(ctlab.data.abdomen())
    for target in (40, 80, 1500):
        x, y = thumb_point(explorer, WIDTH_SLIDER)
        explorer.mouse.move(x, y)
        explorer.mouse.down()
        goal, _ = thumb_point(explorer, WIDTH_SLIDER, width_position(target, reach))
        explorer.mouse.move(goal, y, steps=6)
        explorer.mouse.up()
        painted = wait_until_painted(explorer, width=target)
        assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    harness.screenshot(explorer.locator(ROOT), screenshots / "explorer-width-dragged.png")
    assert console.errors == []


def test_keys_step_with_the_width(explorer, console):
    """Arrows move the width by about 1.5% of it, PageUp/PageDown ten times that."""
    explorer.locator(WIDTH_SLIDER).focus()
    explorer.keyboard.press("ArrowLeft")
    wait_until_painted(explorer, width=395)
    explorer.keyboard.press("PageDown")
    wait_until_painted(explorer, width=345)
    explorer.keyboard.press("PageUp")
    wait_until_painted(explorer, width=395)
    explorer.locator(f"{ROOT} input.ctlab-slider-center").focus()
    explorer.keyboard.press("PageDown")
    wait_until_painted(explorer, center=-10)
    assert console.errors == []


def test_number_boxes_set_a_standard_window_exactly(explorer, hu, console):
    """Typing C -80 and W 40 in the boxes gives the fat window; the preset menu names it."""
    for name, value in (("center", "-80"), ("width", "40")):
        box = explorer.locator(f"{ROOT} input.ctlab-number-{name}")
        box.fill(value)
        box.press("Enter")
    painted = wait_until_painted(explorer, center=-80, width=40)
    assert_shows(harness.canvas_pixels(explorer, CANVAS), expected_grey(hu, painted))
    output = harness.run_cell_until(
        explorer, STATE_CELL, lambda out: json.loads(out.splitlines()[-1])["preset"] == "fat"
    )
    assert json.loads(output.splitlines()[-1])["window_range"] == [-100, -60]
    assert console.errors == []


def test_a_window_above_the_image_is_still_shown(explorer, console, screenshots):
    """C 3000: the histogram points to the window off its right edge; the readout says all black."""
    harness.append_and_run(explorer, "ex.center = 3000")
    wait_until_painted(explorer, center=3000)
    explorer.wait_for_function(
        f"() => document.querySelector('{HISTOGRAM}').dataset.offscale === 'right'"
    )
    readout = explorer.locator(READOUTS).inner_text()
    assert "window above every HU in this slice: all black" in readout
    window = explorer.locator(f"{ROOT} .ctlab-window-controls").get_attribute("data-window")
    assert window == str(ctlab.Window(3000, 400))
    harness.screenshot(explorer.locator(ROOT), screenshots / "explorer-window-off-scale.png")
    harness.append_and_run(explorer, "ex.center = -1500")
    wait_until_painted(explorer, center=-1500)
    readout = explorer.locator(READOUTS).inner_text()
    assert "window below every HU in this slice: all white" in readout
    assert explorer.locator(HISTOGRAM).get_attribute("data-offscale") == "left"
    assert console.errors == []


def test_every_window_is_written_the_same_way(explorer, console):
    """The histogram's title, the controls and Python's str(Window) agree at C 336 / W 397.5."""
    harness.append_and_run(explorer, "ex.center, ex.width = 336, 397.5")
    wait_until_painted(explorer, center=336, width=397.5)
    text = str(ctlab.Window(336, 397.5))
    assert text == "C 336 / W 397.5 HU (137.25..534.75)"
    assert explorer.locator(f"{ROOT} .ctlab-window-controls").get_attribute("data-window") == text
    label = explorer.locator(HISTOGRAM).get_attribute("aria-label")
    assert text in label
    assert explorer.locator(f"{ROOT} input.ctlab-number-low").input_value() == "137.25"
    assert explorer.locator(f"{ROOT} input.ctlab-number-high").input_value() == "534.75"
    assert console.errors == []


def test_no_control_is_clipped(explorer, console, screenshots):
    """At the default notebook width every control lies inside the cell's output, unclipped."""
    problems = clipped_controls(explorer, ROOT)
    assert problems == []
    harness.screenshot(explorer.locator(ROOT), screenshots / "explorer-controls.png")
    assert console.errors == []
