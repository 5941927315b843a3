"""The harness itself, on a plain ipywidgets slider: keyboard in the browser, value in Python."""

import numpy as np
import pytest

from tests.helpers import harness

pytestmark = pytest.mark.browser


def test_keyboard_moves_an_intslider_and_python_sees_it(open_cells, console):
    """Three ArrowRight presses on an IntSlider's handle raise its Python value from 5 to 8."""
    page = open_cells(
        [
            "import ipywidgets\n"
            "slider = ipywidgets.IntSlider(value=5, min=0, max=10)\n"
            "slider.add_class('smoke-slider')\n"
            "slider",
            "print(slider.value)",
        ]
    )
    assert harness.cell_output_text(page, 1).strip() == "5"
    handle = page.locator(".smoke-slider .noUi-handle")
    handle.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    assert float(handle.get_attribute("aria-valuenow")) == 8
    assert harness.run_cell_until(page, 1, lambda out: out.strip() == "8").strip() == "8"
    assert console.errors == []


def test_canvas_pixels_reads_back_what_was_painted(page):
    """canvas_pixels returns exactly the RGBA values a page painted with putImageData."""
    rng = np.random.default_rng(0)
    expected = rng.integers(0, 256, size=(37, 53), dtype=np.uint8)
    page.set_content("<canvas class='probe' width='53' height='37'></canvas>")
    page.evaluate(
        """(grey) => {
            const canvas = document.querySelector('canvas.probe');
            const image = new ImageData(canvas.width, canvas.height);
            grey.forEach((g, i) => { image.data.set([g, g, g, 255], 4 * i); });
            canvas.getContext('2d').putImageData(image, 0, 0);
        }""",
        expected.ravel().tolist(),
    )
    pixels = harness.canvas_pixels(page, "canvas.probe")
    assert pixels.shape == (37, 53, 4)
    np.testing.assert_array_equal(pixels[..., 0], expected)
    np.testing.assert_array_equal(pixels[..., 3], 255)
    assert harness.region_mean(pixels, slice(0, 10)) == pytest.approx(expected[:10].mean())


def test_run_all_cells_reports_the_cell_that_raised(open_cells):
    """A cell that raises stops run_all_cells with the cell's number and its error."""
    with pytest.raises(harness.HarnessError, match=r"cell 1: ZeroDivisionError"):
        open_cells(["x = 1", "x / 0", "print('never runs')"])
