"""The explorer's histogram in JupyterLab and Chromium: every band and peak named, no label overprinted.

The histogram canvas lists the boxes it drew in its ``data-labels``
attribute; here they are checked against what Python knows (the reference
tissue ranges in the histogram's HU span, ``ctlab.hu_peaks``), against each
other (no two overlap), and against the canvas's pixels (text is there), on
the abdomen and on the hidden-figures stage, at the explorer's width and at
narrow widths.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import ctlab
from tests.helpers import harness

pytestmark = pytest.mark.browser

ROOT = ".ctlab-window-explorer"
VIEW = f"{ROOT} .ctlab-histogram-view"
CANVAS = f"{VIEW} canvas.ctlab-histogram-canvas"
STAGES = {"abdomen": "ctlab.data.abdomen()", "hidden_figures": "ctlab.data.hidden_figures()"}
# The explorer's own width, then what a narrow notebook column leaves.
WIDTHS = (470, 360, 300, 240)


def overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    """Do two boxes {x, y, w, h} overlap (touching is not overlapping)?"""
    return bool(
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def expected_bands(image: ctlab.CTImage) -> set[str]:
    """The reference tissue ranges inside the histogram's HU span: the bands it draws."""
    _, edges = ctlab.hu_counts(image.valid_hu())
    return {
        name
        for name, tissue in ctlab.TISSUES.items()
        if tissue.high >= edges[0] and tissue.low <= edges[-1]
    }


def drawn_labels(page: Any, width: int) -> dict[str, Any]:
    """The data-labels of the histogram once it is laid out at ``width`` px."""
    page.wait_for_function(
        """([selector, width]) => {
            const canvas = document.querySelector(selector);
            return canvas?.style.width === `${width}px` && canvas.hasAttribute('data-labels');
        }""",
        arg=[CANVAS, width],
        timeout=15_000,
    )
    return json.loads(page.locator(CANVAS).get_attribute("data-labels"))


def check_labels(page: Any, labels: dict[str, Any], image: ctlab.CTImage) -> None:
    """No two labels overlap, every drawn band and every peak is named, and text is drawn there."""
    bands, legend, peaks = labels["bands"], labels["legend"], labels["peaks"]
    # Every band drawn, each named in full or by a key the legend spells out.
    assert {band["name"] for band in bands} == expected_bands(image)
    keys = {entry["key"]: entry["name"] for entry in legend}
    for band in bands:
        if band["placement"] == "key":
            assert keys[band["text"]] == band["name"], band
        else:
            assert band["text"] == ctlab.TISSUES[band["name"]].label, band
    assert len(keys) == len(legend) == sum(band["placement"] == "key" for band in bands)
    # Every peak named once, by its HU.
    named = sorted(hu for peak in peaks for hu in peak["hus"])
    assert named == sorted(hu for hu, _ in ctlab.hu_peaks(image.valid_hu()))
    for peak in peaks:
        assert peak["text"] == ", ".join(f"{hu:g}" for hu in peak["hus"])
    spoken = page.locator(CANVAS).get_attribute("aria-label")
    assert spoken.endswith(f"; peaks at {', '.join(f'{hu:g}' for hu in named)} HU"), spoken
    # No two label boxes overlap, and no band's name covers another band's bar.
    boxes = [
        *((band["text"], band["box"]) for band in bands),
        *((entry["text"], entry["box"]) for entry in legend),
        *((peak["text"], peak["box"]) for peak in peaks),
    ]
    for i, (first, a) in enumerate(boxes):
        for second, b in boxes[i + 1 :]:
            assert not overlaps(a, b), f"{first!r} {a} overlaps {second!r} {b}"
    for band in bands:
        for other in bands:
            if other is not band:
                assert not overlaps(band["box"], other["bar"]), (band["name"], other["name"])
    # Each label is on the canvas, and something is written in its box.
    canvas = page.locator(CANVAS)
    size = canvas.bounding_box()
    pixels = harness.canvas_pixels(page, CANVAS)
    scale = pixels.shape[1] / size["width"]
    for text, box in boxes:
        assert box["x"] >= 0 and box["x"] + box["w"] <= size["width"] + 0.5, (text, box)
        assert box["y"] >= 0 and box["y"] + box["h"] <= size["height"] + 0.5, (text, box)
        region = pixels[
            int(box["y"] * scale) : int((box["y"] + box["h"]) * scale),
            int(box["x"] * scale) : int((box["x"] + box["w"]) * scale),
            :3,
        ].reshape(-1, 3)
        background = np.median(region, axis=0)
        ink = np.abs(region.astype(int) - background).sum(axis=1) > 150
        assert ink.sum() >= 4, f"nothing written in the box of {text!r} {box}"


@pytest.mark.parametrize("stage", list(STAGES))
def test_every_band_and_peak_named_without_overlap(open_cells, stage, screenshots, console):
    """At the explorer's width and narrower: all bands and peaks named, no label overprinted."""
    page = open_cells(
        [f"import ctlab\nstage = {STAGES[stage]}\nex = ctlab.WindowExplorer(stage)\nex"]
    )
    page.wait_for_selector(f"{CANVAS}[data-painted]", timeout=30_000)
    image = getattr(ctlab.data, stage)()
    for width in WIDTHS:
        if width != WIDTHS[0]:
            harness.append_and_run(page, f"ex._histogram.display_width = {width}")
        labels = drawn_labels(page, width)
        harness.screenshot(page.locator(VIEW), screenshots / f"histogram-{stage}-{width}.png")
        check_labels(page, labels, image)
        if width == WIDTHS[0]:
            # At the explorer's own width the abdomen's bands are all named in full.
            assert stage != "abdomen" or labels["legend"] == [], labels["legend"]
            assert all(len(peak["hus"]) == 1 for peak in labels["peaks"]), "no peak merged"
    assert console.errors == []
