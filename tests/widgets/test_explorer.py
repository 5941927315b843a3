"""WindowExplorer and link_windows, headless: the traitlets model and what it sends the browser."""

from __future__ import annotations

import base64
import io
import zlib

import ipywidgets
import numpy as np
import pytest
import traitlets
from PIL import Image

import ctlab
from ctlab.widgets._controls import PresetMenu
from ctlab.widgets.views import HistogramView, SliceView, WindowControls
from tests.widgets.tree import part, parts


@pytest.fixture(scope="module")
def abdomen():
    return ctlab.data.abdomen()


@pytest.fixture()
def explorer(abdomen):
    return ctlab.WindowExplorer(abdomen)


class TestTraitlets:
    def test_starts_on_the_default_window_without_a_header_window(self, explorer):
        """The abdomen's header has no window: the explorer opens on -160..240."""
        assert (explorer.center, explorer.width, explorer.preset) == (40.0, 400.0, "default")
        assert explorer.window == ctlab.PRESETS["default"]

    def test_starts_on_the_header_window(self):
        """The head slice's header window (40/100) comes first and is where it starts."""
        head = ctlab.WindowExplorer(ctlab.data.head())
        assert head.preset == "header 1"
        assert head.window == ctlab.data.head().default_window

    def test_setting_center_and_width_reaches_the_view(self, explorer):
        """Setting traitlets from Python updates the slice view the browser reads."""
        explorer.center, explorer.width = 100, 250
        view = part(explorer, SliceView)
        assert (view.center, view.width) == (100.0, 250.0)

    def test_view_changes_come_back(self, explorer):
        """A change made in the browser (the slice view's model) shows on the explorer."""
        view = part(explorer, SliceView)
        view.center = -300
        view.width = 1500
        assert explorer.window == ctlab.Window(-300, 1500)
        assert explorer.window_range == (-1050.0, 450.0)

    def test_center_sets_window_range(self, explorer):
        """After ``center = 100`` the low..high edges follow in Python, with no browser."""
        explorer.center = 100
        assert explorer.window_range == (-100.0, 300.0)

    def test_window_range_sets_center_and_width(self, explorer):
        """Setting window_range moves centre and width, and the slice view with them."""
        explorer.window_range = (0, 100)
        assert (explorer.center, explorer.width) == (50.0, 100.0)
        view = part(explorer, SliceView)
        assert (view.center, view.width) == (50.0, 100.0)
        assert explorer.preset == ""

    @pytest.mark.parametrize("edges", [(10, 10.5), (100, 0), (-9000, 9000)])
    def test_window_range_refuses_unusable_edges(self, explorer, edges):
        """Edges less than 1 HU apart, reversed or beyond reach are a TraitError; nothing moves."""
        with pytest.raises(traitlets.TraitError, match="window_range|width must|center must"):
            explorer.window_range = edges
        assert explorer.window == ctlab.PRESETS["default"]

    def test_one_window_in_the_browser(self, explorer):
        """The histogram and the controls hold no window: they read the slice view's."""
        view = part(explorer, SliceView)
        assert part(explorer, HistogramView).source is view
        assert part(explorer, WindowControls).source is view
        assert not {"center", "width", "window_range"} & set(part(explorer, HistogramView).keys)

    def test_observe_sees_changes(self, explorer):
        """observe() on center fires once per change, with old and new values."""
        seen = []
        explorer.observe(lambda change: seen.append((change["old"], change["new"])), "center")
        explorer.center = 70
        assert seen == [(40.0, 70.0)]

    @pytest.mark.parametrize("width", [0, 0.5, -5, float("nan"), 1e6])
    def test_rejects_unusable_width(self, explorer, width):
        """A width below 1 HU, not finite or beyond the sliders is a clear TraitError."""
        with pytest.raises(traitlets.TraitError, match="width must be >= 1 HU"):
            explorer.width = width
        assert explorer.width == 400.0

    def test_rejects_center_out_of_reach(self, explorer):
        """A centre beyond the sliders' reach is refused, naming the range."""
        with pytest.raises(traitlets.TraitError, match=r"center must be .* in -1536\.\.3584"):
            explorer.center = 10_000

    def test_rejects_unknown_preset(self, explorer):
        """An unknown preset key names the known ones."""
        with pytest.raises(traitlets.TraitError, match="preset must be one of"):
            explorer.preset = "kidney"

    def test_function_invert_log_reach_the_views(self, explorer):
        """function, invert and log reach the slice view and the histogram; counts start on a log scale."""
        histogram = part(explorer, HistogramView)
        assert explorer.log is True and histogram.log is True
        explorer.function = "sigmoid"
        explorer.invert = True
        explorer.log = False
        view = part(explorer, SliceView)
        assert view.function == "sigmoid"
        assert view.invert is True
        assert histogram.log is False
        assert explorer.window.function == "sigmoid"

    def test_bad_window_argument(self, abdomen):
        """An unknown preset name at construction is a CTLabError naming the presets."""
        with pytest.raises(ctlab.CTLabError, match="no preset named 'kidneys'"):
            ctlab.WindowExplorer(abdomen, window="kidneys")

    def test_bad_slice_argument(self, abdomen):
        """A slice that is not there is refused at construction."""
        with pytest.raises(IndexError, match="out of range"):
            ctlab.WindowExplorer(abdomen, slice_index=3)


class TestPresets:
    def test_menu_lists_header_windows_first_then_all_presets(self):
        """Header windows first, every PRESETS entry under its label, then 'custom'."""
        head = ctlab.WindowExplorer(ctlab.data.head())
        menu = part(head, PresetMenu)
        options = menu.options
        assert options[0] == ("header 1: C 40 / W 100", "header 1")
        assert menu.tooltip == "header 1 (from the file's header): C 40 / W 100 HU (-10..90)"
        assert [key for _, key in options[1:-1]] == list(ctlab.PRESETS)
        assert [label for label, _ in options[1:5]] == [
            "Fig. 5a liver and kidney (40..80)",
            "Fig. 5b fat (-100..-60)",
            "Fig. 5c full dynamic range (-1000..1000)",
            "Fig. 5d default transfer function (-160..240)",
        ]
        assert options[-1] == ("custom", "")

    def test_choosing_a_preset_sets_the_window(self, explorer):
        """Choosing 'fat' in the menu sets -80/40 on the explorer and the view."""
        menu = part(explorer, PresetMenu)
        menu.value = "fat"
        assert explorer.preset == "fat"
        assert explorer.window == ctlab.PRESETS["fat"]
        view = part(explorer, SliceView)
        assert (view.center, view.width) == (-80.0, 40.0)
        assert menu.tooltip == str(ctlab.PRESETS["fat"])

    def test_moving_the_window_leaves_the_preset(self, explorer):
        """Once the window moves off the preset, the menu says custom."""
        explorer.preset = "bone"
        explorer.center = 401
        assert explorer.preset == "" and part(explorer, PresetMenu).value == ""

    def test_header_preset_brings_its_function(self):
        """A header window carries its VOI function into the explorer."""
        image = ctlab.CTImage(
            np.zeros((4, 4), np.int16),
            spacing=(1, 1),
            default_window=ctlab.Window(50, 350, function="sigmoid"),
            windows=(ctlab.Window(50, 350, function="sigmoid"),),
        )
        explorer = ctlab.WindowExplorer(image)
        assert explorer.function == "sigmoid"
        menu = next(d for d in parts(explorer, ipywidgets.Dropdown) if "sigmoid" in d.options)
        assert menu.options[0] == "sigmoid"

    def test_reset_returns_to_the_start(self, explorer):
        """reset() restores the starting window and function and clears invert."""
        explorer.preset = "lung"
        explorer.function, explorer.invert = "linear_exact", True
        explorer.reset()
        assert explorer.window == ctlab.PRESETS["default"]
        assert (explorer.preset, explorer.function, explorer.invert) == ("default", "linear", False)


class TestWindowControls:
    def test_centre_slider_spans_the_image_and_every_preset(self, abdomen, explorer):
        """The centre slider reaches the abdomen's HU and every preset's centre, in round numbers."""
        controls = part(explorer, WindowControls)
        low, high = controls.center_reach
        hu = abdomen.valid_hu()
        assert low <= hu.min() and high >= hu.max()
        assert all(low <= w.center <= high for w in ctlab.PRESETS.values())
        assert low % 50 == 0 and high % 50 == 0

    def test_width_slider_reaches_from_1_hu_to_every_preset(self, explorer):
        """The width slider runs from 1 HU past the widest preset (on a log scale in the browser)."""
        low, high = part(explorer, WindowControls).width_reach
        assert low == 1 and high >= max(w.width for w in ctlab.PRESETS.values())

    def test_drags_click_into_standard_and_header_windows(self):
        """The standard windows and the file's own are detents for a drag."""
        head = ctlab.WindowExplorer(ctlab.data.head())
        detents = part(head, WindowControls)._detents
        assert {40.0, 80.0, 1500.0, 100.0} <= set(detents["width"])
        assert {-600.0, -80.0, 40.0} <= set(detents["center"])


class TestLinkWindows:
    def test_linked_explorers_share_the_window(self, abdomen):
        """After link_windows, moving either explorer moves both; unlink() frees them."""
        a = ctlab.WindowExplorer(abdomen, window="fat")
        b = ctlab.WindowExplorer(ctlab.data.chest())
        tie = ctlab.link_windows(a, b)
        assert b.window == a.window == ctlab.PRESETS["fat"]
        b.center = -50
        assert a.center == -50
        tie.unlink()
        a.center = 0
        assert b.center == -50

    def test_link_refuses_other_objects(self, explorer):
        """Only explorers can be linked; the message says so."""
        with pytest.raises(ctlab.CTLabError, match="ties two WindowExplorers"):
            ctlab.link_windows(explorer, object())


class TestWhatTheBrowserGets:
    def test_slices_travel_as_exact_int16_bytes(self, abdomen, explorer):
        """The browser receives the HU themselves, little-endian int16, once per slice."""
        data = np.frombuffer(part(explorer, SliceView).slice_bytes(0), dtype="<i2")
        data = data.reshape(abdomen.shape)
        np.testing.assert_array_equal(data, abdomen.hu)

    def test_state_carries_no_pixels(self, explorer):
        """No synced trait holds pixel data: slices go by request, not in the state."""
        state = part(explorer, SliceView).get_state()
        assert all(not isinstance(value, (bytes, memoryview)) for value in state.values())

    def test_volume_of_1000_slices_sends_one_slice_on_demand(self):
        """A 1000-slice volume: nothing slice-sized is sent up front; a request gets one slice."""
        volume = ctlab.CTImage(
            np.zeros((1000, 64, 64), np.int16),
            spacing=(1.0, 0.5, 0.5),
            slice_positions=tuple(float(z) for z in range(1000)),
        )
        explorer = ctlab.WindowExplorer(volume)
        assert explorer.slice_index == 500
        sent = []
        view = part(explorer, SliceView)
        view.send = lambda content, buffers: sent.append((content, buffers))
        view._answer(view, {"type": "request", "indices": [999, 1000, -1, "x", 998]}, [])
        view._answer(view, {"type": "request", "indices": [1000]}, [])
        assert len(sent) == 1
        content, buffers = sent[0]
        assert content == {
            "type": "slices",
            "indices": [999, 998],
            "dtype": "int16",
            "encoding": "deflate",
        }
        assert [len(zlib.decompress(buffer)) for buffer in buffers] == [64 * 64 * 2] * 2

    def test_slices_travel_deflated_and_inflate_to_the_hu(self, abdomen, explorer):
        """A slice on the wire is zlib-deflated and inflates to the exact HU bytes."""
        view = part(explorer, SliceView)
        wire = view.wire_bytes(0)
        assert len(wire) < len(view.slice_bytes(0))
        assert zlib.decompress(wire) == bytes(view.slice_bytes(0))

    def test_one_request_asks_for_at_most_16_slices(self):
        """A request for 40 slices gets the first 16 (the browser asks for a few at a time)."""
        volume = ctlab.CTImage(np.zeros((40, 8, 8), np.int16), spacing=(1.0, 1.0, 1.0))
        view = part(ctlab.WindowExplorer(volume), SliceView)
        sent = []
        view.send = lambda content, buffers: sent.append((content, buffers))
        view._answer(view, {"type": "request", "indices": list(range(40))}, [])
        assert sent[0][0]["indices"] == list(range(16)) and len(sent[0][1]) == 16

    @pytest.mark.parametrize(
        ("dtype", "wire"),
        [(np.int16, "int16"), (np.uint16, "int16"), (np.int32, "int16"), (np.float32, "float32")],
    )
    def test_wire_types_keep_values_exact(self, dtype, wire):
        """Integer HU go as int16 when they fit; floats keep their precision."""
        hu = np.array([[0, 24], [1064, 4095]]).astype(dtype)
        view = SliceView(ctlab.CTImage(hu, spacing=(1, 1)))
        assert view._dtype == wire
        values = np.frombuffer(view.slice_bytes(0), dtype="<i2" if wire == "int16" else "<f4")
        np.testing.assert_array_equal(values.reshape(hu.shape), hu)

    def test_integers_beyond_int16_travel_as_float64(self):
        """uint16 values above 32767 are not wrapped: they travel as float64."""
        view = SliceView(ctlab.CTImage(np.array([[0, 40000]], np.uint16), spacing=(1, 1)))
        assert view._dtype == "float64"

    def test_histogram_counts_match_the_core(self, abdomen, explorer):
        """The histogram the browser draws has the counts of ctlab.hu_counts."""
        counts, edges = ctlab.hu_counts(abdomen.valid_hu())
        sent = np.frombuffer(part(explorer, HistogramView)._counts, dtype="<f8")
        np.testing.assert_array_equal(sent, counts)
        assert part(explorer, HistogramView)._hist_start == edges[0]

    def test_histogram_peaks_are_the_cores(self, abdomen, explorer):
        """The peaks the browser marks are ctlab.hu_peaks of the pixels the histogram counts."""
        sent = [tuple(peak) for peak in part(explorer, HistogramView)._peaks]
        assert sent == ctlab.hu_peaks(abdomen.valid_hu())
        assert any(-130 <= hu <= -80 for hu, _ in sent) and any(80 <= hu <= 120 for hu, _ in sent)

    def test_readout_tissues_and_bands(self, explorer):
        """The histogram knows every tissue band and the five read out under it."""
        names = {band["name"] for band in part(explorer, HistogramView)._tissues}
        assert names == set(ctlab.TISSUES)
        readouts = [band["name"] for band in part(explorer, HistogramView)._readout_tissues]
        assert readouts == [
            "fat",
            "soft_tissue",
            "liver_portal_venous",
            "cancellous_bone",
            "cortical_bone",
        ]


class TestStaticViews:
    def test_repr_bundle_has_a_png_of_the_current_state(self, explorer):
        """Without a widget front end, the display bundle still carries a PNG."""
        bundle = explorer._repr_mimebundle_()
        assert "application/vnd.jupyter.widget-view+json" in bundle
        picture = Image.open(io.BytesIO(base64.b64decode(bundle["image/png"])))
        assert picture.format == "PNG" and picture.width > 400

    def test_figure_reads_out_the_grey_levels_of_the_window(self, explorer):
        """figure() shows the current window; its readout gives tissue_levels' span/usable/used."""
        explorer.preset = "fat"
        figure = explorer.figure()
        readout = next(ax for ax in figure.axes if ax.get_label() == "readouts").texts[0]
        fat = ctlab.tissue_levels(
            "fat", hu=explorer.image.hu, mask=~explorer.image.padding_mask(), tissues=["fat"]
        )["fat"]
        assert f"fat {fat.span}/{fat.usable}/{fat.used}" in readout.get_text()
        shown = next(ax for ax in figure.axes if ax.images).images[0].get_array()
        np.testing.assert_array_equal(shown, ctlab.apply_window(explorer.image.hu, "fat"))

    def test_to_png_writes_the_view(self, explorer, tmp_path):
        """to_png writes a PNG at the given path and returns it."""
        path = explorer.to_png(tmp_path / "view.png")
        assert path == tmp_path / "view.png"
        assert Image.open(path).format == "PNG"

    def test_repr_is_short_and_names_the_window(self, explorer):
        """repr says which window is shown."""
        assert repr(explorer) == "<WindowExplorer C 40 / W 400 HU (-160..240) [linear]>"
