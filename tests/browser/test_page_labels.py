"""Labels in saved pages and in the display bundle's page, offline, pixel for pixel.

The page carries the label slices beside the HU slices and runs the same
slice_view.js as the live widget, so the oracle is the live widget's
(tests/helpers/label_canvas.py): ``ctlab.plot.label_pixels`` over
``ctlab.apply_window`` for what the canvas says it paints.
"""

from __future__ import annotations

import pytest

import ctlab
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.widgets.labels import label_layer
from ctlab.widgets.page import page_iframe
from tests.helpers import harness
from tests.helpers.label_canvas import assert_canvas_is, expected_pixels, painted_with
from tests.helpers.pages import CANVAS

pytestmark = pytest.mark.browser

SIZE = 128


@pytest.fixture(scope="module")
def phantom() -> ctlab.CTImage:
    """A small synthetic phantom with its ground-truth labels (seeded)."""
    return make_phantom(n_slices=3, size=SIZE)


def test_saved_explorer_page_draws_labels_like_the_widget(offline, phantom, tmp_path, screenshots):
    """Outlined, one label toggled off and on, filled at 0.5 then 0.3, another slice: exact."""
    widget = ctlab.WindowExplorer(phantom, labels=phantom.labels, label_names={3: "liver"})
    page = offline(widget.save_html(tmp_path / "labels.html"))
    values = [record["value"] for record in label_layer(phantom.labels, phantom).records]
    painted = painted_with(page, CANVAS, shown=values, outline=True, opacity=0.5)
    outlined = expected_pixels(phantom, painted)
    assert_canvas_is(page, CANVAS, outlined)
    harness.screenshot(page, screenshots / "page-labels-outline.png")

    page.locator(".ctlab-label-3 input").uncheck()
    painted = painted_with(page, CANVAS, shown=[v for v in values if v != 3])
    without_liver = expected_pixels(phantom, painted)
    assert_canvas_is(page, CANVAS, without_liver)
    assert (without_liver != outlined).any(), "toggling the liver changed nothing"

    page.locator(".ctlab-label-3 input").check()
    page.locator(".ctlab-label-outline input").uncheck()
    painted = painted_with(page, CANVAS, shown=values, outline=False, opacity=0.5)
    assert_canvas_is(page, CANVAS, expected_pixels(phantom, painted))

    page.locator("input.ctlab-range-label-opacity").fill("0.3")
    painted = painted_with(page, CANVAS, outline=False, opacity=0.3)
    assert_canvas_is(page, CANVAS, expected_pixels(phantom, painted))
    start = painted["slice"]
    page.locator(CANVAS).focus()
    page.keyboard.press("ArrowDown")
    page.wait_for_function(
        "([s, i]) => JSON.parse(document.querySelector(s).getAttribute('data-painted')).slice === i",
        arg=[CANVAS, start + 1],
    )
    painted = painted_with(page, CANVAS, outline=False, opacity=0.3)
    assert_canvas_is(page, CANVAS, expected_pixels(phantom, painted))
    harness.screenshot(page, screenshots / "page-labels-filled.png")


def test_display_bundle_page_of_tissue_overlay_draws_labels(
    offline, phantom, tmp_path, screenshots
):
    """The text/html of TissueOverlay's display bundle: labels exact, a toggle repaints."""
    widget = ctlab.TissueOverlay(
        phantom, labels=phantom.labels, tissues=[], window="liver", slice_index=0
    )
    widget.label_outline = False
    bundle = widget._repr_mimebundle_()
    assert bundle["text/html"] == page_iframe(widget)
    path = tmp_path / "bundle.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>bundle</title></head>"
        f"<body>{bundle['text/html']}</body></html>",
        encoding="utf-8",
    )
    page = offline(path)
    frame = page.locator("iframe.ctlab-page-frame").element_handle().content_frame()
    values = [record["value"] for record in label_layer(phantom.labels, phantom).records]
    painted = painted_with(frame, CANVAS, shown=values, outline=False, opacity=0.5)
    assert painted["slice"] == 0
    filled = expected_pixels(phantom, painted)
    assert_canvas_is(frame, CANVAS, filled)
    frame.locator(f".ctlab-label-{values[0]} input").uncheck()
    painted = painted_with(frame, CANVAS, shown=values[1:], outline=False)
    fewer = expected_pixels(phantom, painted)
    assert_canvas_is(frame, CANVAS, fewer)
    assert (fewer != filled).any(), f"toggling label {values[0]} changed nothing"
    harness.screenshot(page.locator("iframe.ctlab-page-frame"), screenshots / "bundle-labels.png")
