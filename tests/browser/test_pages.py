"""Saved pages (save_html) opened from file:// with every network request aborted.

The page runs the widgets' own browser code on the embedded slices: what it
paints must be exactly what ``ctlab.apply_window`` computes, keys, sliders,
presets and slice scrolling must repaint, and nothing may be fetched.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import ctlab
from tests.helpers import harness
from tests.helpers.pages import CANVAS, assert_exact, wait_painted

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def abdomen() -> ctlab.CTImage:
    return ctlab.data.abdomen()


@pytest.fixture(scope="module")
def phantom() -> ctlab.CTImage:
    return ctlab.data.phantom()


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, abdomen, phantom) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    widgets = {
        "explorer": ctlab.WindowExplorer(abdomen),
        "volume": ctlab.WindowExplorer(phantom, slice_index=20),
        "compare": ctlab.WindowCompare(abdomen),
        "rgb": ctlab.MultiWindowRGB(abdomen),
        "overlay": ctlab.TissueOverlay(abdomen),
    }
    return {name: widget.save_html(folder / f"{name}.html") for name, widget in widgets.items()}


def test_explorer_page_windows_exactly_from_keys_sliders_presets(
    offline, pages, abdomen, screenshots
):
    page = offline(pages["explorer"])
    hu = abdomen.hu
    start = assert_exact(page, hu)
    assert (start["center"], start["width"]) == (40, 400)
    harness.screenshot(page, screenshots / "page-explorer.png")

    page.locator("input.ctlab-slider-center").focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    moved = assert_exact(page, hu)
    assert moved["center"] > 40 and moved["width"] == 400
    assert page.locator(".ctlab-preset select").input_value() == ""  # custom now

    page.locator(".ctlab-preset select").select_option("lung")
    wait_painted(page, center=-600, width=1500)
    assert_exact(page, hu)

    page.locator(".ctlab-function select").select_option("sigmoid")
    wait_painted(page, function="sigmoid")
    assert_exact(page, hu)

    page.locator(".ctlab-invert input").check()
    wait_painted(page, invert=True)
    assert_exact(page, hu)

    # The width slider dragged by the pointer, and a number typed in a box.
    page.locator("input.ctlab-slider-width").fill("300")
    assert_exact(page, hu)
    page.locator("input.ctlab-number-center").fill("55")
    page.locator("input.ctlab-number-center").press("Enter")
    wait_painted(page, center=55)
    assert_exact(page, hu)
    # The histogram follows the same model.
    histogram = page.locator("canvas.ctlab-histogram-canvas").get_attribute("data-painted")
    assert '"center":55' in histogram

    page.locator(".ctlab-reset button").click()
    wait_painted(page, center=40, width=400, function="linear", invert=False)
    assert_exact(page, hu)
    assert page.locator(".ctlab-preset select").input_value() == "default"


def test_explorer_page_drag_and_pointer(offline, pages, abdomen):
    page = offline(pages["explorer"])
    wait_painted(page)
    canvas = page.locator(CANVAS)
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_function(
        "() => document.querySelector('.ctlab-pointer').textContent.includes('HU')"
    )
    page.mouse.down()
    page.mouse.move(x + 60, y + 30, steps=4)
    page.mouse.up()
    dragged = assert_exact(page, abdomen.hu)
    assert (dragged["center"], dragged["width"]) != (40, 400)

    # Shift-drag a box: the window comes from the HU inside it.
    page.keyboard.down("Shift")
    page.mouse.move(x - 40, y - 40)
    page.mouse.down()
    page.mouse.move(x + 40, y + 40, steps=4)
    page.mouse.up()
    page.keyboard.up("Shift")
    boxed = assert_exact(page, abdomen.hu)
    assert (boxed["center"], boxed["width"]) != (dragged["center"], dragged["width"])


def test_volume_page_scrolls_slices(offline, pages, phantom, screenshots):
    page = offline(pages["volume"])
    shown = wait_painted(page, slice=20)
    assert_exact_slice = assert_exact(page, phantom.hu[20])
    assert assert_exact_slice == shown
    page.locator(CANVAS).focus()
    page.keyboard.press("ArrowDown")
    wait_painted(page, slice=21)
    assert_exact(page, phantom.hu[21])
    slider = page.locator("input.ctlab-range-slice")
    slider.fill("40")
    wait_painted(page, slice=40)
    assert_exact(page, phantom.hu[40])
    harness.screenshot(page, screenshots / "page-volume.png")


@pytest.mark.parametrize("name", ["compare", "rgb", "overlay"])
def test_other_widget_pages_paint(offline, pages, abdomen, name, screenshots):
    page = offline(pages[name])
    count = page.locator(CANVAS).count()
    assert count >= 1
    for index in range(count):
        wait_painted(page, index)
        pixels = harness.canvas_pixels(page, CANVAS, index)
        assert pixels[..., :3].std() > 10, f"canvas {index} of the {name} page is blank"
    harness.screenshot(page, screenshots / f"page-{name}.png")
    if name == "compare":
        assert_exact(page, abdomen.hu, 0)
    if name == "rgb":
        # A channel's preset moves the composite too.
        before = harness.canvas_pixels(page, CANVAS, 0)
        page.locator(".ctlab-red select").select_option("lung")
        harness.wait_for_pixels_change(page, CANVAS, before, index=0)
    if name == "overlay":
        before = harness.canvas_pixels(page, CANVAS, 0)
        page.locator(".ctlab-tissue-lung input").check()
        harness.wait_for_pixels_change(page, CANVAS, before, index=0)
