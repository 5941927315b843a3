"""save_html and the page in the display bundle (the browser side: tests/browser/test_pages.py)."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest

import ctlab
from ctlab.widgets.page import kept_slices, page_html


def page_data(text: str) -> dict:
    found = re.search(r'id="ctlab-page-data">(.*?)</script>', text, re.S)
    assert found is not None
    return json.loads(found.group(1).replace("<\\/", "</"))


@pytest.fixture(scope="module")
def volume() -> ctlab.CTImage:
    rng = np.random.default_rng(5)
    return ctlab.CTImage(
        rng.integers(-1000, 1500, (20, 16, 16)).astype(np.int16), spacing=(2.0, 1.0, 1.0)
    )


def test_page_is_self_contained(volume, tmp_path):
    """One file: no src/href to anything, the browser code and the slices inline."""
    written = ctlab.WindowExplorer(volume).save_html(tmp_path / "lesson.html")
    text = written.read_text()
    assert not re.search(r"""(src|href)=["'](?!data:)""", text)
    assert "import " not in text.split('<script type="module">')[1].split("\n")[0]
    data = page_data(text)
    assert len(data["slices"]) == 20
    views = [m for m in data["models"].values() if "_page_slices" in m]
    assert views and views[0]["_shape"] == [20, 16, 16]


def test_max_slices_keeps_evenly_spaced_slices_and_says_so(volume):
    text = page_html(ctlab.WindowExplorer(volume, slice_index=10), max_slices=5)
    data = page_data(text)
    view = next(m for m in data["models"].values() if "_page_slices" in m)
    assert view["_shape"] == [5, 16, 16]
    assert kept_slices(20, 5) == [0, 5, 10, 14, 19]
    assert view["slice_index"] == 2  # slice 10 is the third kept one
    assert "5 evenly spaced slices of the 20-slice volume" in text


def test_views_of_one_image_share_its_slices(volume):
    """MultiWindowRGB shows one image in four views: the page carries its slices once."""
    data = page_data(page_html(ctlab.MultiWindowRGB(volume)))
    assert len(data["slices"]) == 20


def test_display_bundle_carries_the_page_the_png_and_the_widget(volume):
    bundle = ctlab.TissueOverlay(volume)._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"]
    frame = bundle["text/html"]
    assert frame.startswith("<iframe") and "srcdoc=" in frame
    source = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert page_data(source)["behaviours"]


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_page_carries_label_slices_and_toggles(volume, dtype):
    """Label slices (uint8/uint16, deflated like the HU) for the kept slices, and the toggles."""
    import base64
    import zlib

    labels = np.zeros(volume.shape, dtype)
    labels[:, 4:8, 4:8] = 300 if dtype == np.uint16 else 3
    labels[:, 10:12, 2:6] = 1
    widget = ctlab.WindowExplorer(volume, labels=labels)
    data = page_data(page_html(widget, max_slices=5))
    view = next(m for m in data["models"].values() if "_page_slices" in m)
    assert view["_label_dtype"] == np.dtype(dtype).name
    keys = view["_page_label_slices"]
    assert len(keys) == 5 and not set(keys) & set(view["_page_slices"])
    for key, index in zip(keys, kept_slices(20, 5), strict=True):
        raw = zlib.decompress(base64.b64decode(data["slices"][key]))
        np.testing.assert_array_equal(
            np.frombuffer(raw, f"<{np.dtype(dtype).str[1:]}"), labels[index].ravel()
        )
    (toggles,) = [b for b in data["behaviours"] if b["kind"] == "labels"]
    assert toggles["view"] == widget._view.model_id
    assert [value for _, value in toggles["boxes"]] == widget.labels_shown
    assert [box for box, _ in toggles["boxes"]] == [
        widget._label_boxes[value].model_id for value in widget.labels_shown
    ]


def test_page_without_labels_has_no_label_slices(volume):
    data = page_data(page_html(ctlab.TissueOverlay(volume)))
    assert not any("_page_label_slices" in m for m in data["models"].values())
    assert not [b for b in data["behaviours"] if b["kind"] == "labels"]
