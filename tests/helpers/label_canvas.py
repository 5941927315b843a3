"""Label overlays on a slice canvas: wait for a label style, and compare with numpy, pixel for pixel."""

from __future__ import annotations

from typing import Any

import numpy as np

import ctlab
from ctlab.widgets.labels import label_layer
from tests.helpers import harness


def painted_with(page: Any, selector: str, **labels: Any) -> dict[str, Any]:
    """Wait until the canvas says it shows the labels with these settings; return what it shows."""
    page.wait_for_function(
        """([selector, expected]) => {
            const value = document.querySelector(selector)?.getAttribute('data-painted');
            const shown = value && JSON.parse(value).labels;
            return Boolean(shown) && Object.entries(expected).every(
                ([key, v]) => JSON.stringify(shown[key]) === JSON.stringify(v));
        }""",
        arg=[selector, labels],
        timeout=15_000,
    )
    painted = harness.painted(page, selector)
    assert painted is not None
    return painted


def expected_pixels(phantom: ctlab.CTImage, painted: dict[str, Any]) -> np.ndarray:
    """What the canvas must show: label_pixels over apply_window for what it says it paints."""
    index = painted["slice"]
    window = ctlab.Window(painted["center"], painted["width"])
    grey = ctlab.apply_window(phantom.hu[index], window, function=painted["function"])
    colors = {
        record["value"]: record["color"]
        for record in label_layer(phantom.labels, phantom).records
        if record["value"] in painted["labels"]["shown"]
    }
    return ctlab.plot.label_pixels(
        grey,
        phantom.labels[index],
        colors,
        outline=painted["labels"]["outline"],
        opacity=painted["labels"]["opacity"],
    )


def assert_canvas_is(page: Any, selector: str, expected: np.ndarray) -> None:
    """The canvas is opaque and its RGB equals ``expected`` at every pixel."""
    pixels = harness.canvas_pixels(page, selector)
    np.testing.assert_array_equal(pixels[..., 3], 255)
    differ = int(np.count_nonzero((pixels[..., :3] != expected).any(axis=-1)))
    assert differ == 0, f"{differ} of {expected.shape[0] * expected.shape[1]} pixels differ"
