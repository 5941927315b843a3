"""The abdomen WindowExplorer page of the browser tests: selectors, cells and checks."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

import ctlab
from tests.helpers import harness

ROOT = ".ctlab-window-explorer"
CANVAS = f"{ROOT} canvas.ctlab-slice-canvas"
HANDLE = f"{ROOT} input.ctlab-slider-center"
WIDTH_SLIDER = f"{ROOT} input.ctlab-slider-width"
HISTOGRAM = f"{ROOT} canvas.ctlab-histogram-canvas"
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
    " 'invert': ex.invert, 'preset': ex.preset,"
    " 'window_range': ex.window_range}))"
)
STATE_CELL = 1


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


def thumb_point(page: Any, selector: str, position: float | None = None) -> tuple[float, float]:
    """Screen point of a range input's thumb (at ``position`` of its 0..max track if given)."""
    box = page.locator(selector).bounding_box()
    where = page.eval_on_selector(
        selector, "(input) => [Number(input.value), Number(input.min), Number(input.max)]"
    )
    value, low, high = where
    fraction = ((value if position is None else position) - low) / (high - low)
    thumb = 16  # Chromium's range thumb is 16 px wide: its centre travels width - 16
    return box["x"] + thumb / 2 + fraction * (box["width"] - thumb), box["y"] + box["height"] / 2


def clipped_controls(page: Any, root: str) -> list[str]:
    """Controls (and labels) of ``root`` reaching past its cell's output, or clipping their text."""
    return page.evaluate(
        """(root) => {
            const found = [];
            for (const widget of document.querySelectorAll(root)) {
                const edge = widget.closest('.jp-OutputArea-output').getBoundingClientRect().right;
                for (const control of widget.querySelectorAll(
                    'input, select, button, output, label, .widget-readout')) {
                    const box = control.getBoundingClientRect();
                    if (box.width === 0) continue;  // inside a closed fold
                    const name = control.className || control.tagName;
                    if (box.right > edge + 0.5) found.push(`${name} ends at ${box.right} > ${edge}`);
                    // Cut off by a box that hides what overflows it?
                    let box_ = control.parentElement;
                    while (box_ && box_ !== widget.parentElement
                           && getComputedStyle(box_).overflowX === 'visible') box_ = box_.parentElement;
                    const inner = box_ ? box_.getBoundingClientRect().right : edge;
                    if (box.right > inner + 0.5) found.push(`${name} cut off at ${inner}`);
                    if (control.scrollWidth > control.clientWidth + 1 && control.tagName !== 'SELECT')
                        found.push(`${name} clips its text`);
                }
            }
            return found;
        }""",
        root,
    )
