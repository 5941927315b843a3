"""labels= in JupyterLab and Chromium: the canvas is the label overlay, pixel for pixel.

The expected pixels are ``ctlab.plot.label_pixels`` (the static figure's
outline and blending rule) over ``ctlab.apply_window``, computed here in numpy
for the window, slice, labels and style the canvas says it shows.
"""

from __future__ import annotations

from typing import Any

import pytest

import ctlab
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.widgets.labels import label_layer
from tests.helpers import harness
from tests.helpers.axe import violations
from tests.helpers.label_canvas import assert_canvas_is, expected_pixels, painted_with

pytestmark = pytest.mark.browser

SIZE = 128
BUILD = (
    "import ctlab\n"
    "from ctlab.data.synthetic.phantom import make_phantom\n"
    f"phantom = make_phantom(n_slices=3, size={SIZE})\n"
    "shown = ctlab.{widget}(phantom, labels=phantom.labels, label_names={{3: 'liver'}}{extra})\n"
    "shown"
)


@pytest.fixture(scope="module")
def phantom() -> ctlab.CTImage:
    """The same synthetic phantom the kernel builds (seeded: identical arrays)."""
    return make_phantom(n_slices=3, size=SIZE)


def open_widget(
    open_cells, root: str, widget: str, extra: str = "", then: tuple[str, ...] = ()
) -> tuple[Any, str]:
    """Show ``widget`` on the phantom with its labels (``then``: cells run after it)."""
    page = open_cells([BUILD.format(widget=widget, extra=extra), *then])
    selector = f"{root} canvas.ctlab-slice-canvas"
    page.wait_for_selector(f"{selector}[data-painted]", timeout=30_000)
    return page, selector


def test_explorer_outlines_toggles_and_fills_pixel_exactly(
    open_cells, phantom, console, screenshots
):
    """Outlines, then liver toggled off, then filled: each time the canvas equals numpy's."""
    root = ".ctlab-window-explorer"
    page, selector = open_widget(open_cells, root, "WindowExplorer")
    values = [record["value"] for record in label_layer(phantom.labels, phantom).records]
    assert 3 in values
    painted = painted_with(page, selector, shown=values, outline=True)
    expected = expected_pixels(phantom, painted)
    assert_canvas_is(page, selector, expected)
    liver_outline = ctlab.plot.label_outlines(phantom.labels[painted["slice"]]) & (
        phantom.labels[painted["slice"]] == 3
    )
    assert liver_outline.sum() > 20, "the liver is not on this slice"
    harness.screenshot(page.locator(root), screenshots / "labels-outline.png")

    # The liver's toggle, clicked in the browser: its outline goes, the rest stay.
    page.locator(f"{root} .ctlab-label-3 input").click()
    painted = painted_with(page, selector, shown=[v for v in values if v != 3])
    without_liver = expected_pixels(phantom, painted)
    assert_canvas_is(page, selector, without_liver)
    assert (without_liver[liver_outline] != expected[liver_outline]).any()

    # Filled, at the default opacity, liver back on.
    page.locator(f"{root} .ctlab-label-3 input").click()
    page.locator(f"{root} .ctlab-label-outline input").click()
    painted = painted_with(page, selector, shown=values, outline=False, opacity=0.5)
    assert_canvas_is(page, selector, expected_pixels(phantom, painted))
    harness.screenshot(page.locator(root), screenshots / "labels-filled.png")
    assert console.errors == []


def test_tissue_overlay_fills_labels_on_another_slice(
    open_cells, phantom, axe_script, console, screenshots
):
    """TissueOverlay (no tissue bands), filled at 0.3 and moved a slice: still pixel-exact;
    the label controls pass axe-core (WCAG 2.1 AA) with no serious or critical problem."""
    root = ".ctlab-tissue-overlay"
    page, selector = open_widget(
        open_cells,
        root,
        "TissueOverlay",
        extra=", tissues=[], window='liver'",
        then=("shown.label_opacity = 0.3\nshown.slice_index = 0",),
    )
    page.locator(f"{root} .ctlab-label-outline input").click()
    painted = painted_with(page, selector, outline=False, opacity=0.3)
    assert painted["slice"] == 0
    assert_canvas_is(page, selector, expected_pixels(phantom, painted))
    harness.screenshot(page.locator(root), screenshots / "labels-tissue-overlay.png")
    page.add_script_tag(path=axe_script)
    found = violations(page, f"{root} .ctlab-labels")
    assert not [v for v in found if v["impact"] in ("serious", "critical")], found
    names = page.locator(f"{root} .ctlab-labels input[type=checkbox]").evaluate_all(
        "boxes => boxes.map(box => box.closest('label')?.textContent.trim() ?? '')"
    )
    assert "liver (3)" in names and all(names), names
    assert console.errors == []
