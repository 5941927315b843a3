"""Saved widget pages opened offline in Chromium, and checks that their canvases window exactly."""

from __future__ import annotations

from typing import Any

import numpy as np

from tests.browser.explorer_page import assert_shows, expected_grey
from tests.helpers import harness

#: Every ctlab slice canvas in a page (a saved page holds one widget; a site page several).
CANVAS = "canvas.ctlab-slice-canvas"


def wait_painted(page: Any, index: int = 0, **expected: Any) -> dict[str, Any]:
    """Wait until the ``index``-th slice canvas says it shows ``expected``; return what it shows."""
    page.wait_for_function(
        """([selector, index, expected]) => {
            const value = document.querySelectorAll(selector)[index]?.getAttribute('data-painted');
            if (!value) return false;
            const painted = JSON.parse(value);
            return Object.entries(expected).every(([key, v]) => painted[key] === v);
        }""",
        arg=[CANVAS, index, expected],
        timeout=10_000,
    )
    shown = harness.painted(page, CANVAS, index)
    assert shown is not None
    return shown


def assert_exact(page: Any, hu: np.ndarray, index: int = 0) -> dict[str, Any]:
    """The canvas shows exactly apply_window of ``hu`` for the window it says it paints."""
    shown = wait_painted(page, index)
    assert_shows(harness.canvas_pixels(page, CANVAS, index), expected_grey(hu, shown))
    return shown
