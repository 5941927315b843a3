"""WindowCompare, TissueOverlay and MultiWindowRGB, headless."""

from __future__ import annotations

import base64
import io

import ipywidgets
import numpy as np
import pytest
import traitlets
from PIL import Image

import ctlab
from ctlab.widgets._controls import PresetMenu
from ctlab.widgets.views import SliceView, WindowControls
from tests.widgets.tree import part, parts


@pytest.fixture(scope="module")
def abdomen():
    return ctlab.data.abdomen()


@pytest.fixture(scope="module")
def phantom():
    return ctlab.data.phantom()


def amounts_table(overlay) -> str:
    """The HTML of the overlay's table of areas and volumes."""
    return next(html.value for html in parts(overlay, ipywidgets.HTML) if "<table>" in html.value)


def composite(rgb) -> SliceView:
    return next(view for view in parts(rgb, SliceView) if view.mode == "rgb")


def channels(rgb) -> list[SliceView]:
    return [view for view in parts(rgb, SliceView) if view.mode != "rgb"]


def png_of(widget) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(widget._repr_mimebundle_()["image/png"])))


class TestWindowCompare:
    def test_default_panels_are_figure_5_and_the_naive_jpeg(self, abdomen):
        """Four panels in the seed's order, each titled with its levels, then the JPEG panel."""
        compare = ctlab.WindowCompare(abdomen)
        assert [w.name for w in compare.windows] == [
            ctlab.PRESETS[key].name for key in ("liver_kidney", "fat", "full_range", "default")
        ]
        titles = [view.title for view in parts(compare, SliceView)]
        assert len(titles) == 5
        fat = ctlab.tissue_levels("fat", tissues=["fat"])["fat"]
        assert f"fat {fat.span}/" in titles[1] and titles[1].endswith("cancellous bone 1/1")
        assert titles[-1].startswith("naive JPEG (quality 75)")

    def test_naive_panel_holds_the_jpeg_of_the_default_window(self, abdomen):
        """The naive panel's pixels are the default window after a JPEG round trip."""
        compare = ctlab.WindowCompare(abdomen)
        naive = parts(compare, SliceView)[-1]
        assert naive.mode == "grey" and naive._dtype == "uint8"
        sent = np.frombuffer(naive.slice_bytes(0), np.uint8).reshape(abdomen.shape)
        expected = ctlab.conversion.jpeg_roundtrip(ctlab.apply_window(abdomen.hu, "default"))
        np.testing.assert_array_equal(sent, expected)

    def test_without_the_naive_panel(self, abdomen):
        """naive_jpeg=False shows only the windows asked for."""
        compare = ctlab.WindowCompare(abdomen, ["fat", "bone"], naive_jpeg=False)
        assert len(parts(compare, SliceView)) == 2

    def test_slice_and_zoom_are_linked(self, phantom):
        """Setting slice_index or zoom reaches every panel."""
        compare = ctlab.WindowCompare(phantom, ["fat", "bone"])
        compare.slice_index, compare.zoom = 3, 200
        assert {view.slice_index for view in parts(compare, SliceView)} == {3}
        assert {view.display_width for view in parts(compare, SliceView)} == {200}
        with pytest.raises(traitlets.TraitError, match=r"slice_index must be in 0\.\.47"):
            compare.slice_index = 48

    def test_dragging_a_panel_retitles_it(self, abdomen):
        """A panel's title follows its window when it is dragged in the browser."""
        compare = ctlab.WindowCompare(abdomen, ["fat"], naive_jpeg=False)
        parts(compare, SliceView)[0].width = 400
        assert compare.windows[0] == ctlab.Window(-80, 400)
        assert parts(compare, SliceView)[0].title.startswith("C -80 / W 400\n-280..120 HU")

    def test_static_fallback(self, abdomen):
        """The display bundle carries a PNG of all panels."""
        assert png_of(ctlab.WindowCompare(abdomen)).width > 800


class TestTissueOverlay:
    def test_overlay_records_follow_the_tissue_list(self, abdomen):
        """The browser gets each chosen band's HU range and colour; checkboxes follow."""
        overlay = ctlab.TissueOverlay(abdomen, tissues=["fat", "cortical_bone"])
        assert part(overlay, SliceView).overlay == [
            {"name": "fat", "low": -190, "high": -30, "color": ctlab.TISSUES["fat"].color},
            {
                "name": "cortical_bone",
                "low": 700,
                "high": 3000,
                "color": ctlab.TISSUES["cortical_bone"].color,
            },
        ]
        water = next(
            box for box in parts(overlay, ipywidgets.Checkbox) if "water" in box.description
        )
        water.value = True
        assert overlay.tissues == ["fat", "water", "cortical_bone"]  # in TISSUES order
        assert [r["name"] for r in part(overlay, SliceView).overlay] == overlay.tissues

    def test_areas_match_tissue_amounts(self, abdomen):
        """Areas in cm² are tissue_amounts on this slice, padding left out."""
        overlay = ctlab.TissueOverlay(abdomen)
        expected = ctlab.tissue_amounts(
            abdomen.hu,
            spacing=abdomen.spacing,
            tissues=overlay.tissues,
            mask=~abdomen.padding_mask(),
        )
        assert overlay.amounts() == expected
        assert f"{expected['fat']:.1f} cm²" in amounts_table(overlay)

    def test_volumes_for_a_volume(self, phantom):
        """For a volume, the table adds each tissue's volume in mL."""
        overlay = ctlab.TissueOverlay(phantom, tissues=["fat"])
        volume = overlay.amounts(whole_volume=True)["fat"]
        assert volume > 0 and f"{volume:.1f} mL" in amounts_table(overlay)

    def test_window_and_opacity_reach_the_view(self, abdomen):
        """center, width and opacity set from Python reach the canvas view."""
        overlay = ctlab.TissueOverlay(abdomen)
        overlay.center, overlay.width, overlay.opacity = -80, 40, 0.8
        view = part(overlay, SliceView)
        assert (view.center, view.width, view.opacity) == (-80, 40, 0.8)
        assert part(overlay, PresetMenu).value == ""  # set by hand: "custom"
        assert overlay.window_range == (-100.0, -60.0)
        assert part(overlay, WindowControls).source is view

    @pytest.mark.parametrize(
        ("name", "value", "message"),
        [
            ("opacity", 1.5, "opacity must be between 0 and 1"),
            ("tissues", ["bones"], "no tissue band named 'bones'"),
            ("width", 0, "width must be >= 1 HU"),
        ],
    )
    def test_invalid_values(self, abdomen, name, value, message):
        """Bad values are TraitErrors that say what is allowed."""
        overlay = ctlab.TissueOverlay(abdomen)
        with pytest.raises(traitlets.TraitError, match=message):
            setattr(overlay, name, value)

    def test_static_fallback_legend_gives_areas(self, abdomen):
        """figure() is the plot's overlay with the areas in its legend."""
        overlay = ctlab.TissueOverlay(abdomen, tissues=["fat"])
        legend = overlay.figure().axes[0].get_legend().get_texts()[0].get_text()
        assert legend == f"fat: {overlay.amounts()['fat']:.1f} cm²"
        assert png_of(overlay).width > 300


class TestMultiWindowRGB:
    def test_composite_is_multiwindow(self, abdomen):
        """The composite's channel windows are the three windows, in R, G, B order."""
        rgb = ctlab.MultiWindowRGB(abdomen, windows=["abdomen_soft_tissue", "fat", "bone"])
        records = composite(rgb).rgb_windows
        assert [(r["center"], r["width"]) for r in records] == [(50, 400), (-80, 40), (400, 1800)]
        assert [view.tint for view in channels(rgb)] == ["#ff0000", "#00ff00", "#0000ff"]

    def test_setting_windows_moves_the_channels(self, abdomen):
        """Assigning windows updates each channel view and the composite."""
        rgb = ctlab.MultiWindowRGB(abdomen)
        rgb.windows = (ctlab.PRESETS["lung"], ctlab.PRESETS["fat"], ctlab.PRESETS["bone"])
        assert (channels(rgb)[0].center, channels(rgb)[0].width) == (-600, 1500)
        assert composite(rgb).rgb_windows[0]["center"] == -600

    def test_moving_a_channel_changes_windows(self, abdomen):
        """Dragging a channel in the browser (its view's trait) updates windows and composite."""
        rgb = ctlab.MultiWindowRGB(abdomen)
        channels(rgb)[1].center = 100
        assert rgb.windows[1].center == 100
        assert composite(rgb).rgb_windows[1]["center"] == 100

    def test_needs_three_windows(self, abdomen):
        """Two windows are refused with a message saying three are needed."""
        with pytest.raises(ctlab.CTLabError, match="exactly 3 windows"):
            ctlab.MultiWindowRGB(abdomen, windows=["fat", "bone"])
        rgb = ctlab.MultiWindowRGB(abdomen)
        with pytest.raises(traitlets.TraitError, match="exactly 3 windows"):
            rgb.windows = (ctlab.PRESETS["fat"],)

    def test_static_fallback(self, abdomen):
        """figure() draws the composite and three channels; the bundle carries it as PNG."""
        rgb = ctlab.MultiWindowRGB(abdomen)
        assert len(rgb.figure().axes) == 4
        assert png_of(rgb).width > 600
