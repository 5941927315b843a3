"""labels= on WindowExplorer and TissueOverlay, headless: checks, traits, what travels, privacy."""

from __future__ import annotations

import json
import zlib

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgb

import ctlab
from ctlab.core.errors import LabelError
from ctlab.core.labels import OKABE_ITO
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.write import write_series
from ctlab.widgets.page import page_html
from ctlab.widgets.views import RangeControl, SliceView
from tests.io.label_files import write_seg
from tests.widgets.tree import part, parts

WIDGETS = [ctlab.WindowExplorer, ctlab.TissueOverlay]


@pytest.fixture(scope="module")
def phantom():
    return make_phantom(n_slices=4, size=32)


def request(view, indices):
    """Ask ``view`` for slices as the browser does; return what it sends back."""
    sent = []
    view.send = lambda content, buffers: sent.append((content, buffers))
    view._answer(view, {"type": "request", "indices": indices}, [])
    assert len(sent) == 1
    return sent[0]


@pytest.mark.parametrize("widget", WIDGETS)
class TestLabelsArgument:
    def test_array_named_and_coloured(self, widget, phantom):
        """A bare array: every label present is listed, named by label_names, Okabe-Ito colours."""
        shown = widget(phantom, labels=phantom.labels, label_names={3: "liver"})
        values = sorted(int(v) for v in np.unique(phantom.labels) if v)
        records = part(shown, SliceView)._labels
        assert [r["value"] for r in records] == values
        assert {r["value"]: r["name"] for r in records}[3] == "liver"
        assert {r["value"]: r["name"] for r in records}[values[0]] == f"label {values[0]}"
        palette = [OKABE_ITO[k % len(OKABE_ITO)] for k in range(len(values))]
        assert [r["color"] for r in records] == palette
        assert shown.labels_shown == values and shown.label_outline is True

    def test_label_map_names_and_colours(self, widget, phantom):
        """A LabelMap's names and colours; label_colors overrides one."""
        labels = ctlab.LabelMap(
            phantom.labels.astype(np.uint8),
            names={3: "liver", 5: "kidney"},
            colors={3: "#112233", 5: "#445566"},
            affine=np.eye(4),
        )
        shown = widget(phantom, labels=labels, label_colors={5: "#abcdef"})
        records = {r["value"]: r for r in part(shown, SliceView)._labels}
        assert (records[3]["name"], records[3]["color"]) == ("liver", "#112233")
        assert records[5]["color"] == "#ABCDEF"

    def test_floats_refused_naming_the_argument(self, widget, phantom):
        """Float labels: a CTLabError that names labels and says how to load them."""
        with pytest.raises(LabelError, match=r"labels must be integers.*load_labels"):
            widget(phantom, labels=phantom.labels.astype(np.float32))

    def test_wrong_shape_refused(self, widget, phantom):
        """Labels of another shape: the image's shape is in the message."""
        with pytest.raises(LabelError, match=r"image's shape \(4, 32, 32\)"):
            widget(phantom, labels=phantom.labels[:2])

    def test_bad_colour_refused(self, widget, phantom):
        """A colour that is not #RRGGBB: the message names label_colors and the value."""
        with pytest.raises(LabelError, match=r"label_colors\[3\] must be a colour"):
            widget(phantom, labels=phantom.labels, label_colors={3: "red"})

    def test_negative_labels_refused(self, widget, phantom):
        """Negative label values cannot travel as uint16: refused."""
        with pytest.raises(LabelError, match=r"labels must lie in 0..65535"):
            widget(phantom, labels=phantom.labels.astype(np.int16) - 1)


class TestTraitsAndControls:
    def test_toggles_and_traits_follow_each_other(self, phantom):
        """A checkbox per label with its name; unticking one hides it in the view, and back."""
        explorer = ctlab.WindowExplorer(phantom, labels=phantom.labels, label_names={3: "liver"})
        view = part(explorer, SliceView)
        box = next(b for b in parts(explorer, ipywidgets.Checkbox) if b.description == "liver (3)")
        box.value = False
        assert 3 not in explorer.labels_shown and 3 not in view.labels_shown
        explorer.labels_shown = [3]
        assert box.value and view.labels_shown == [3]

    def test_style_and_opacity_reach_the_view(self, phantom):
        """label_outline and label_opacity are the view's; opacity outside 0..1 is refused."""
        overlay = ctlab.TissueOverlay(phantom, labels=phantom.labels)
        view = part(overlay, SliceView)
        overlay.label_outline, overlay.label_opacity = False, 0.25
        assert (view.label_outline, view.label_opacity) == (False, 0.25)
        with pytest.raises(Exception, match="label_opacity must be between 0 and 1"):
            overlay.label_opacity = 2
        sliders = [r for r in parts(overlay, RangeControl) if r.name == "label-opacity"]
        assert sliders and sliders[0].aria_label == "opacity of the filled labels, 0 to 1"

    def test_swatches_have_accessible_names(self, phantom):
        """Each label's colour swatch says its colour to a screen reader."""
        explorer = ctlab.WindowExplorer(phantom, labels=phantom.labels)
        swatches = [h.value for h in parts(explorer, ipywidgets.HTML) if "ctlab-swatch" in h.value]
        assert len(swatches) == len(part(explorer, SliceView)._labels)
        assert all('role="img" aria-label="colour ' in s for s in swatches)
        assert 'aria-label="colour orange (#E69F00)"' in swatches[0]

    def test_without_labels_nothing_changes(self, phantom):
        """No labels=: no label state, no label controls, the slice message as before."""
        explorer = ctlab.WindowExplorer(phantom)
        view = part(explorer, SliceView)
        assert (view._labels, view._label_dtype) == ([], "")
        content, buffers = request(view, [0])
        assert "label_dtype" not in content and len(buffers) == 1


class TestWhatTravels:
    def test_label_slices_follow_the_hu_slices(self, phantom):
        """One request: HU slices, then the same slices' labels, uint8, deflated, exact."""
        explorer = ctlab.WindowExplorer(phantom, labels=phantom.labels)
        content, buffers = request(part(explorer, SliceView), [2, 0])
        assert content["label_dtype"] == "uint8" and content["indices"] == [2, 0]
        assert len(buffers) == 4
        for k, index in enumerate([2, 0]):
            labels = np.frombuffer(zlib.decompress(buffers[2 + k]), np.uint8)
            np.testing.assert_array_equal(labels.reshape(32, 32), phantom.labels[index])

    def test_many_labels_travel_as_uint16(self, phantom):
        """Label values above 255 travel as little-endian uint16."""
        labels = phantom.labels.astype(np.int32) * 100
        overlay = ctlab.TissueOverlay(phantom, labels=labels)
        content, buffers = request(part(overlay, SliceView), [1])
        assert content["label_dtype"] == "uint16"
        sent = np.frombuffer(zlib.decompress(buffers[1]), "<u2").reshape(32, 32)
        np.testing.assert_array_equal(sent, labels[1])

    def test_a_single_slice_with_labels(self):
        """A 2-D image with 2-D labels: slice 0 carries them."""
        hu = np.zeros((8, 8), np.int16)
        labels = np.zeros((8, 8), np.uint8)
        labels[2:5, 2:5] = 1
        _content, buffers = request(part(ctlab.WindowExplorer(hu, labels=labels), SliceView), [0])
        np.testing.assert_array_equal(
            np.frombuffer(zlib.decompress(buffers[1]), np.uint8).reshape(8, 8), labels
        )

    def test_state_holds_no_label_pixels(self, phantom):
        """The label volume goes by request only: the state stays small."""
        view = part(ctlab.WindowExplorer(phantom, labels=phantom.labels), SliceView)
        state = view.get_state()
        assert all(not isinstance(value, (bytes, memoryview)) for value in state.values())
        rest = {key: value for key, value in state.items() if key not in ("_esm", "_css")}
        assert len(json.dumps(rest, default=str)) < phantom.labels.size


def test_no_identifiers_in_the_widget_state(tmp_path):
    """A SEG with planted identifiers: neither they nor the file name reach any widget state,
    nor its saved page."""
    phantom = make_phantom(n_slices=4, size=16)
    files = write_series(phantom, tmp_path / "ct")
    scan = ctlab.load(tmp_path / "ct")
    numbers = np.where(phantom.labels == 3, 1, 0).astype(np.uint8)
    seg = write_seg(
        sorted(files),
        numbers,
        {1: "liver"},
        tmp_path / "PLANTEDFILE.dcm",
        PatientName="PLANTED^SEGNAME",
        PatientID="PLANTEDID",
        SeriesDescription="PLANTED SEG DESCRIPTION",
    )
    labels = ctlab.load_labels(seg, like=scan)
    for widget in WIDGETS:
        shown = widget(scan, labels=labels)
        states = [w.get_state() for w in parts(shown, ipywidgets.Widget)]
        text = json.dumps(states, default=repr)
        assert "PLANTED" not in text
        assert "liver" in text
        page = page_html(shown)
        assert "PLANTED" not in page and "liver (1)" in page


class TestStaticPicture:
    """figure() and the display bundle's PNG draw the labels the widget shows, as it shows them."""

    @staticmethod
    def slice_image(figure):
        axes = next((ax for ax in figure.axes if ax.get_label() == "slice"), figure.axes[0])
        return np.asarray(axes.images[0].get_array()), axes

    def test_explorer_figure_outlines_the_shown_labels(self, phantom):
        """Outlines of the labels shown, exactly label_pixels over apply_window; a toggle shows."""
        explorer = ctlab.WindowExplorer(phantom, labels=phantom.labels, label_names={3: "liver"})
        records = part(explorer, SliceView)._labels
        index = explorer.slice_index
        grey = ctlab.apply_window(phantom.hu[index], explorer.window)
        colors = {r["value"]: r["color"] for r in records}
        rgb, axes = self.slice_image(explorer.figure())
        expected = ctlab.plot.label_pixels(grey, phantom.labels[index], colors)
        np.testing.assert_array_equal(np.floor(rgb * 255 + 0.5).astype(np.uint8), expected)
        assert "liver" in [t.get_text() for t in axes.get_legend().get_texts()]

        explorer.labels_shown = [v for v in colors if v != 3]
        rgb, axes = self.slice_image(explorer.figure())
        liver = phantom.labels[index] == 3
        assert liver.any()
        np.testing.assert_array_equal(np.floor(rgb[liver] * 255 + 0.5)[:, 0], grey[liver])
        assert "liver" not in [t.get_text() for t in axes.get_legend().get_texts()]

    def test_overlay_figure_fills_labels_over_the_bands(self, phantom):
        """Filled at the widget's opacity over the tissue colours; the bands' legend stays."""
        overlay = ctlab.TissueOverlay(phantom, labels=phantom.labels, tissues=["fat"])
        overlay.label_outline, overlay.label_opacity = False, 0.25
        plain = ctlab.plot.overlay_tissues(
            phantom, overlay.window, ["fat"], slice_index=overlay.slice_index
        )
        under = np.asarray(plain.images[0].get_array()) * 255
        rgb, axes = self.slice_image(overlay.figure())
        labels = phantom.labels[overlay.slice_index]
        record = part(overlay, SliceView)._labels[0]
        where = labels == record["value"]
        colour = np.asarray(to_rgb(record["color"])) * 255
        np.testing.assert_allclose(rgb[where] * 255, 0.75 * under[where] + 0.25 * colour)
        np.testing.assert_allclose(rgb[labels == 0], under[labels == 0] / 255)
        texts = [t.get_text() for t in axes.get_legend().get_texts()]
        assert texts[0].startswith("fat") and texts[1] == record["name"]

    def test_bundle_png_shows_the_labels(self, phantom):
        """The display bundle's PNG changes when the labels are hidden."""
        explorer = ctlab.WindowExplorer(phantom, labels=phantom.labels)
        with_labels = explorer._repr_mimebundle_()["image/png"]
        explorer.labels_shown = []
        assert explorer._repr_mimebundle_()["image/png"] != with_labels
        assert (
            explorer._repr_mimebundle_()["image/png"]
            == ctlab.WindowExplorer(phantom)._repr_mimebundle_()["image/png"]
        )

    def test_a_single_slice_figure_draws_its_labels(self):
        """A 2-D image with 2-D labels: slice 0's labels in the picture."""
        hu = np.zeros((8, 8), np.int16)
        labels = np.zeros((8, 8), np.uint8)
        labels[2:5, 2:5] = 1
        explorer = ctlab.WindowExplorer(hu, labels=labels, label_colors={1: "#FF0000"})
        rgb, _ = self.slice_image(explorer.figure())
        np.testing.assert_array_equal(rgb[2, 2], [1.0, 0.0, 0.0])
        np.testing.assert_array_equal(rgb[3, 3], rgb[0, 0])


class TestColoursAgreeWithFigures:
    def test_a_label_keeps_its_colour_on_every_slice_and_view(self):
        """overlay_labels counts colours over the whole map as the widgets do, not per slice."""
        hu = np.zeros((2, 6, 6), np.int16)
        labels = np.zeros((2, 6, 6), np.uint8)
        labels[0, :, :3], labels[:, :, 3:] = 2, 5  # label 2 on slice 0 only
        image = ctlab.CTImage(hu, spacing=(1.0, 1.0, 1.0))
        records = part(ctlab.WindowExplorer(image, labels=labels), SliceView)._labels
        widget_colours = {record["value"]: record["color"] for record in records}
        assert widget_colours == {2: OKABE_ITO[0], 5: OKABE_ITO[1]}
        for index in (0, 1):
            legend = ctlab.plot.overlay_labels(image, labels, "default", slice_index=index)
            drawn = {
                text.get_text(): handle.get_facecolor()
                for text, handle in zip(
                    legend.get_legend().get_texts(), legend.get_legend().legend_handles, strict=True
                )
            }
            assert to_rgb(drawn["label 5"]) == to_rgb(widget_colours[5])
