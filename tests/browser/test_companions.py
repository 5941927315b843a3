"""WindowCompare, TissueOverlay and MultiWindowRGB in JupyterLab and Chromium: their canvases."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import ctlab
from tests.helpers import harness

pytestmark = pytest.mark.browser

CANVAS = "canvas.ctlab-slice-canvas"


@pytest.fixture(scope="module")
def hu() -> np.ndarray:
    """The abdominal slice in HU, as the kernel loads it."""
    return ctlab.data.abdomen().hu


def show(open_cells, root: str, expression: str) -> tuple[Any, str, int]:
    """Display ``expression`` built on the abdomen; wait until all its canvases are painted."""
    page = open_cells([f"import ctlab\nabdomen = ctlab.data.abdomen()\n{expression}"])
    selector = f"{root} {CANVAS}"
    page.wait_for_selector(selector, timeout=30_000)
    page.wait_for_function(
        """(selector) => {
            const canvases = [...document.querySelectorAll(selector)];
            return canvases.length > 0 && canvases.every(c => c.hasAttribute('data-painted'));
        }""",
        arg=selector,
        timeout=30_000,
    )
    return page, selector, page.locator(selector).count()


def window_of(painted: dict[str, Any]) -> ctlab.Window:
    return ctlab.Window(center=painted["center"], width=painted["width"])


def assert_not_blank(pixels: np.ndarray) -> None:
    channels = pixels[..., :3]
    assert channels.std() > 5 and len(np.unique(channels)) > 2, "the canvas is blank"


def test_window_compare_panels_match_their_windows(open_cells, hu, console, screenshots):
    """Every windowed panel of WindowCompare equals apply_window at the window it shows."""
    page, selector, count = show(
        open_cells, ".ctlab-window-compare", "ctlab.WindowCompare(abdomen)"
    )
    shown = set()
    for index in range(count):
        pixels = harness.canvas_pixels(page, selector, index)
        assert_not_blank(pixels)
        painted = harness.painted(page, selector, index)
        if painted.get("mode", "window") != "window":
            continue  # the naive-JPEG panel shows decoded JPEG grey levels, not a window
        grey = ctlab.apply_window(hu, window_of(painted), function=painted["function"])
        np.testing.assert_array_equal(pixels[..., 0], grey)
        np.testing.assert_array_equal(pixels[..., 2], grey)
        shown.add((painted["center"], painted["width"]))
    wanted = {
        (ctlab.PRESETS[name].center, ctlab.PRESETS[name].width)
        for name in ("liver_kidney", "fat", "full_range", "default")
    }
    assert wanted <= shown
    harness.screenshot(page.locator(".ctlab-window-compare"), screenshots / "window-compare.png")
    assert console.errors == []


def test_tissue_overlay_colours_the_bands_only(open_cells, hu, console, screenshots):
    """TissueOverlay: pixels outside the tissue bands are the plain window, inside coloured."""
    page, selector, count = show(
        open_cells, ".ctlab-tissue-overlay", "ctlab.TissueOverlay(abdomen)"
    )
    assert count >= 1
    pixels = harness.canvas_pixels(page, selector)
    assert_not_blank(pixels)
    painted = harness.painted(page, selector)
    grey = ctlab.apply_window(hu, window_of(painted), function=painted["function"])
    names = ("fat", "soft_tissue", "cancellous_bone", "cortical_bone")
    inside = np.zeros(hu.shape, dtype=bool)
    for name in names:
        inside |= (hu >= ctlab.TISSUES[name].low) & (hu <= ctlab.TISSUES[name].high)
    assert inside.sum() > 1000
    for channel in range(3):
        np.testing.assert_array_equal(pixels[..., channel][~inside], grey[~inside])
    spread = pixels[..., :3].max(axis=-1).astype(int) - pixels[..., :3].min(axis=-1)
    assert (spread[inside] > 0).all(), "some tissue-band pixels are plain grey"
    harness.screenshot(page.locator(".ctlab-tissue-overlay"), screenshots / "tissue-overlay.png")
    assert console.errors == []


def test_multiwindow_rgb_channels_are_the_three_windows(open_cells, hu, console, screenshots):
    """MultiWindowRGB's canvas is exactly multiwindow(hu, windows) in R, G and B."""
    windows = ("abdomen_soft_tissue", "fat", "bone")
    page, selector, count = show(
        open_cells, ".ctlab-multiwindow-rgb", f"ctlab.MultiWindowRGB(abdomen, windows={windows!r})"
    )
    expected = ctlab.multiwindow(hu, windows)
    modes = [harness.painted(page, selector, index).get("mode") for index in range(count)]
    assert modes.count("rgb") == 1, f"expected one composite canvas, painted modes {modes}"
    pixels = harness.canvas_pixels(page, selector, modes.index("rgb"))
    assert_not_blank(pixels)
    np.testing.assert_array_equal(pixels[..., :3], expected)
    np.testing.assert_array_equal(pixels[..., 3], 255)
    # Beside it, one panel per channel, tinted in that channel's colour only.
    tinted = [index for index, mode in enumerate(modes) if mode != "rgb"]
    assert len(tinted) == 3
    for channel, index in enumerate(tinted):
        panel = harness.canvas_pixels(page, selector, index)
        np.testing.assert_array_equal(panel[..., channel], expected[..., channel])
        others = [c for c in range(3) if c != channel]
        np.testing.assert_array_equal(panel[..., others], 0)
    harness.screenshot(page.locator(".ctlab-multiwindow-rgb"), screenshots / "multiwindow-rgb.png")
    assert console.errors == []
