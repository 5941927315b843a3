"""Tests for ctlab.plot: figures show exactly what the core computes."""

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import ctlab
from ctlab import TISSUES, apply_window, plot
from ctlab.core.errors import InvalidArgumentError, InvalidWindowError


@pytest.fixture(scope="module")
def phantom():
    from ctlab.data.synthetic.phantom import make_phantom

    return make_phantom(n_slices=3, size=64)


def render(figure, path):
    """Draw to PNG and return the RGBA pixels."""
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=50)
    from PIL import Image

    return np.asarray(Image.open(path))


class TestShowSlice:
    def test_pixels_are_apply_window(self, phantom):
        """The drawn image is apply_window's uint8, pinned to 0..255."""
        ax = plot.show_slice(phantom, "fat", slice_index=1, invert=True)
        image = ax.images[0]
        np.testing.assert_array_equal(
            image.get_array(), apply_window(phantom.hu[1], "fat", invert=True)
        )
        assert image.get_clim() == (0, 255)
        assert ax.get_title() == str(ctlab.PRESETS["fat"])

    def test_middle_slice_by_default(self, phantom):
        """Without slice_index the middle slice is shown."""
        ax = plot.show_slice(phantom, "default", scale_bar=False)
        np.testing.assert_array_equal(
            ax.images[0].get_array(), apply_window(phantom.hu[1], "default")
        )


class TestHistogram:
    def test_counts_leave_padding_out(self, phantom):
        """The histogram counts every non-padding voxel."""
        figure = plot.histogram_figure(phantom, window="default")
        histogram = next(ax for ax in figure.axes if ax.get_label() == "histogram")
        counts = histogram.patches[0].get_data().values
        assert counts.sum() == phantom.valid_hu().size

    def test_bands_window_and_transfer_curve(self, phantom):
        """Bands in TISSUES colours, the window shaded, the transfer curve is apply_window."""
        figure = plot.histogram_figure(phantom, window="lung", function="sigmoid")
        by_label = {ax.get_label(): ax for ax in figure.axes}
        from matplotlib.colors import to_rgb

        colours = {tuple(np.round(p.get_facecolor()[:3], 3)) for p in by_label["bands"].patches}
        in_range = [band for band in TISSUES.values() if band.low <= phantom.valid_hu().max()]
        assert colours == {tuple(np.round(to_rgb(band.color), 3)) for band in in_range}
        curve = next(
            line for line in by_label["histogram"].lines if line.get_label() == "transfer curve"
        )
        hu_axis, grey = curve.get_data()
        np.testing.assert_array_equal(grey, apply_window(hu_axis, "lung", function="sigmoid"))
        shading = next(p for p in by_label["histogram"].patches if p.get_alpha() == 0.3)
        extent = shading.get_bbox()
        assert (extent.x0, extent.x1) == (ctlab.PRESETS["lung"].low, ctlab.PRESETS["lung"].high)

    @pytest.mark.parametrize("stage", ["abdomen", "hidden_figures"])
    @pytest.mark.parametrize("kind", ["histogram", "soft tissues", "explorer"])
    def test_labels_never_overlap(self, stage, kind, tmp_path):
        """Every band and peak named; no tissue, peak or window name or title overprints another."""
        image = getattr(ctlab.data, stage)()
        windows = ["liver_kidney", "fat", "full_range", "default"]
        hu_range = (-250, 300) if kind == "soft tissues" else None
        if kind == "explorer":
            figure = plot.explorer_figure(image, "default")
        else:
            figure = plot.histogram_figure(
                image, window="default", windows=windows, hu_range=hu_range
            )
        render(figure, tmp_path / "labels.png")
        renderer = figure.canvas.get_renderer()
        kinds = ("band label", "peak label", "window label")
        labels = [
            (text.get_label(), text.get_text().strip(), text.get_window_extent(renderer), ax)
            for ax in figure.axes
            for text in ax.texts
            if text.get_label() in kinds
        ]
        titles = [
            ("title", ax.get_title(), ax.title.get_window_extent(renderer), ax)
            for ax in figure.axes
            if ax.get_title()
        ]
        everything = labels + titles
        for i, (_, first, a, _) in enumerate(everything):
            for _, second, b, _ in everything[i + 1 :]:
                assert not a.overlaps(b), (first, a, second, b)
        # Peak labels stay inside the histogram's axes.
        for label_kind, text, box, ax in labels:
            if label_kind == "peak label":
                inside = ax.get_window_extent(renderer)
                assert inside.x0 - 0.5 <= box.x0 and box.x1 <= inside.x1 + 0.5, text
        # Every band drawn is named, and every peak.
        valid = image.valid_hu()
        low, high = hu_range or (valid.min(), valid.max())
        valid = valid[(valid >= low) & (valid <= high)]
        names = {text for label_kind, text, *_ in labels if label_kind == "band label"}
        assert names == {t.label for t in TISSUES.values() if t.high >= low and t.low <= high}
        peaks = sorted(float(text) for label_kind, text, *_ in labels if label_kind == "peak label")
        assert peaks == [hu for hu, _ in ctlab.hu_peaks(valid)]

    def test_log_counts_and_peaks_by_default(self):
        """Counts are on a log axis by default, and the fat and soft-tissue peaks are marked."""
        figure = plot.histogram_figure(ctlab.data.abdomen())
        histogram = next(ax for ax in figure.axes if ax.get_label() == "histogram")
        assert histogram.get_yscale() == "log"
        peaks = [float(t.get_text()) for t in histogram.texts if t.get_label() == "peak label"]
        assert any(-130 <= p <= -80 for p in peaks) and any(80 <= p <= 120 for p in peaks)

    def test_peaks_marked_even_for_a_few_pixels(self):
        """Four pixels: each smoothed peak count rounds to 0, yet every peak is marked on the log axis."""
        hu = np.array([[-1000, -80], [40, 1000]], np.int16)
        figure = plot.histogram_figure(ctlab.CTImage(hu, spacing=(1.0, 1.0)))
        histogram = next(ax for ax in figure.axes if ax.get_label() == "histogram")
        labels = [t for t in histogram.texts if t.get_label() == "peak label"]
        assert [float(t.get_text()) for t in labels] == [hu for hu, _ in ctlab.hu_peaks(hu)]
        bottom, top = histogram.get_ylim()
        assert all(bottom <= label.xy[1] <= top for label in labels)

    def test_windows_drawn_on_the_hu_axis(self):
        """Each Figure 5 window is named over the HU axis."""
        figure = plot.histogram_figure(ctlab.data.abdomen(), windows=["liver_kidney", "fat"])
        histogram = next(ax for ax in figure.axes if ax.get_label() == "histogram")
        names = [t.get_text().strip() for t in histogram.texts if t.get_label() == "window label"]
        assert names == [ctlab.PRESETS["liver_kidney"].name, ctlab.PRESETS["fat"].name]

    def test_renders_non_blank(self, phantom, tmp_path):
        """The figure renders to a PNG with content."""
        pixels = render(
            plot.histogram_figure(phantom, window="default", log=True), tmp_path / "h.png"
        )
        assert pixels.std() > 10


class TestCompareWindows:
    def test_figure_5_panels(self, phantom, tmp_path):
        """Four Figure 5 panels plus the naive-JPEG one, titled with grey levels."""
        figure = plot.compare_windows(phantom, naive_jpeg=True)
        assert len(figure.axes) == 5
        titles = [ax.get_title() for ax in figure.axes]
        assert "fat 256/" in titles[1] and "naive JPEG" in titles[4] and "fat 84/" in titles[4]
        rows, cols = plot.body_box(phantom.hu[1])
        for ax, name in zip(
            figure.axes, ["liver_kidney", "fat", "full_range", "default"], strict=False
        ):
            np.testing.assert_array_equal(
                ax.images[0].get_array(), apply_window(phantom.hu[1], name)[rows, cols]
            )
        assert render(figure, tmp_path / "c.png").std() > 10

    def test_titles_report_the_tissues_asked_for(self, phantom):
        """`tissues=` replaces the default tissue lines of every panel's title."""
        figure = plot.compare_windows(phantom, ["fat", "bone"], tissues=("lung", "cortical_bone"))
        titles = [ax.get_title() for ax in figure.axes]
        assert all("lung " in t and "cortical bone " in t for t in titles)
        assert not any("liver, portal venous" in t for t in titles)

    def test_crop_leaves_the_couch_out(self):
        """On the real abdomen the crop ends at the back (row 400), above the couch (rows 380-480)."""
        rows, _cols = plot.body_box(ctlab.data.abdomen().hu)
        assert rows.stop < 420 and rows.start > 100

    def test_clipped_panel_says_so(self):
        """A panel drawn all white is framed and labelled, not mistaken for a missing image."""
        figure = plot.compare_windows(np.full((16, 16), 500, np.int16), ["fat"], crop=False)
        assert [t.get_text() for t in figure.axes[0].texts] == ["all white: clipped"]


class TestOverlay:
    def test_areas_and_colours(self, phantom):
        """Legend areas equal tissue_amounts on non-padding pixels; masks take the band colour."""
        ax = plot.overlay_tissues(phantom, "default", ["fat"], opacity=1.0)
        hu = phantom.hu[1]
        valid = ~phantom.padding_mask()[1]
        area = ctlab.tissue_amounts(hu, spacing=phantom.spacing[1:], tissues=["fat"], mask=valid)
        assert ax.get_legend().get_texts()[0].get_text() == f"fat: {area['fat']:.1f} cm²"
        rgb = ax.images[0].get_array()
        fat = ctlab.tissue_mask(hu, "fat") & valid
        from matplotlib.colors import to_rgb

        np.testing.assert_allclose(rgb[fat][0], to_rgb(TISSUES["fat"].color))

    def test_bad_opacity(self, phantom):
        """Opacity outside 0..1 is refused."""
        with pytest.raises(InvalidArgumentError, match="opacity"):
            plot.overlay_tissues(phantom, "default", opacity=2)


class TestMultiwindow:
    def test_composite_is_multiwindow(self, phantom):
        """The composite is ctlab.multiwindow; each channel panel keeps its channel only."""
        figure = plot.multiwindow_figure(phantom)
        np.testing.assert_array_equal(
            figure.axes[0].images[0].get_array(),
            ctlab.multiwindow(phantom.hu[1], ["brain", "subdural", "bone"]),
        )
        green = figure.axes[2].images[0].get_array()
        assert green[..., 0].max() == 0 and green[..., 2].max() == 0

    def test_needs_three(self, phantom):
        """Two windows are not RGB."""
        with pytest.raises(InvalidWindowError, match="exactly 3"):
            plot.multiwindow_figure(phantom, ["brain", "bone"])


class TestExplorerFigure:
    def test_readouts(self, phantom, tmp_path):
        """The readouts give clipping and the grey levels of the lesson."""
        figure = plot.explorer_figure(phantom, "default")
        readouts = next(ax for ax in figure.axes if ax.get_label() == "readouts")
        text = readouts.texts[0].get_text()
        assert "fat 84/84/" in text and "clipped:" in text and "1.56 HU per grey level" in text
        assert render(figure, tmp_path / "e.png").std() > 10

    def test_hounsfield_scale(self, tmp_path):
        """One bar per tissue range, labelled with its range and phase, on a linear axis."""
        ax = plot.hounsfield_scale()
        assert len(ax.patches) == len(TISSUES) and ax.get_xscale() == "linear"
        assert any("fat  -190..-30 HU" in t.get_text() for t in ax.texts)
        assert any("liver (unenhanced)  50..70 HU" in t.get_text() for t in ax.texts)


class TestOverlayLabels:
    def test_outline_pixels_in_label_colour(self):
        """Outlines are drawn opaque in the label's colour; the inside keeps the windowed grey."""
        hu = np.full((7, 7), 40, np.int16)
        labels = np.zeros((7, 7), np.uint8)
        labels[1:6, 1:6] = 4
        ax = ctlab.plot.overlay_labels(hu, labels, "default", colors={4: "#FF0000"})
        rgb = ax.images[0].get_array()
        np.testing.assert_allclose(rgb[1, 1], [1.0, 0.0, 0.0])
        grey = ctlab.apply_window(hu, "default")[3, 3] / 255
        np.testing.assert_allclose(rgb[3, 3], [grey] * 3)

    def test_filled_blends_with_opacity(self):
        """Filled labels mix the colour and the grey by the opacity."""
        hu = np.zeros((3, 3), np.int16)
        labels = np.ones((3, 3), np.uint8)
        ax = ctlab.plot.overlay_labels(
            hu, labels, "default", outline=False, opacity=0.25, colors={1: "#0000FF"}
        )
        grey = ctlab.apply_window(hu, "default")[0, 0] / 255
        np.testing.assert_allclose(
            ax.images[0].get_array()[1, 1], [0.75 * grey] * 2 + [0.75 * grey + 0.25]
        )

    def test_wrong_labels(self):
        """Labels of another shape are refused."""
        with pytest.raises(ctlab.CTLabError, match="labels must be integers of the image's shape"):
            ctlab.plot.overlay_labels(
                np.zeros((3, 3), np.int16), np.zeros((2, 2), np.uint8), "default"
            )


def drawn_extents(figure):
    """Draw ``figure`` with Agg; return its renderer (for window extents in pixels)."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def blocks(count: int, size: int = 128) -> np.ndarray:
    """A label map of ``count`` separate squares, labelled 1..count."""
    labels = np.zeros((size, size), np.uint8)
    step, side = size // 5, size // 8
    for value in range(1, count + 1):
        row, column = divmod(value - 1, 4)
        top, left = side + step * row, side + step * column
        labels[top : top + side, left : left + side] = value
    return labels


ORGANS = ["liver", "spleen", "left kidney", "right kidney", "aorta", "inferior vena cava"]
ORGANS += ["pancreas", "stomach", "gallbladder", "vertebra", "small bowel", "colon", "bladder"]


class TestDrawLabelsLegend:
    @pytest.mark.parametrize("count", [5, 11, 13])
    def test_many_labels_legend_beside_the_image(self, count, tmp_path):
        """More than four entries: the legend lies wholly outside the slice, inside the figure."""
        hu = np.full((128, 128), 40, np.int16)
        names = dict(enumerate(ORGANS[:count], start=1))
        ax = ctlab.plot.overlay_labels(hu, blocks(count), "default", names=names)
        renderer = drawn_extents(ax.figure)
        legend = ax.get_legend().get_window_extent(renderer)
        assert len(ax.get_legend().get_texts()) == count
        for area in (ax.get_window_extent(renderer), ax.images[0].get_window_extent(renderer)):
            assert not legend.overlaps(area), (legend, area)
        assert ax.figure.bbox.contains(legend.x0, legend.y0)
        assert ax.figure.bbox.contains(legend.x1, legend.y1)
        assert render(ax.figure, tmp_path / "labels.png").std() > 10

    def test_many_labels_in_the_explorer_figure_hide_nothing(self):
        """In the explorer's figure, 12 labels' legend covers neither slice, histogram nor readouts."""
        hu = np.full((128, 128), 40, np.int16)
        figure = plot.explorer_figure(hu, "default")
        slice_ax = next(ax for ax in figure.axes if ax.get_label() == "slice")
        colors = {value: "#E69F00" for value in range(1, 13)}
        ctlab.plot.draw_labels(slice_ax, blocks(12), colors, names=dict(enumerate(ORGANS, 1)))
        renderer = drawn_extents(figure)
        legend = slice_ax.get_legend().get_window_extent(renderer)
        for ax in figure.axes:
            assert not legend.overlaps(ax.get_window_extent(renderer)), ax.get_label()
        assert figure.bbox.contains(legend.x0, legend.y0)

    def test_few_labels_keep_the_corner(self):
        """Up to four entries (tissue bands included) stay in the slice's lower right corner."""
        hu = np.full((128, 128), 40, np.int16)
        ax = ctlab.plot.overlay_labels(hu, blocks(3), "default")
        renderer = drawn_extents(ax.figure)
        legend = ax.get_legend().get_window_extent(renderer)
        area = ax.get_window_extent(renderer)
        assert area.x0 < legend.x0 < legend.x1 < area.x1
        assert area.y0 < legend.y0 < legend.y1 < area.y0 + area.height / 2

    def test_entries_already_there_count(self, phantom):
        """Tissue bands' entries plus labels beyond four move the whole legend out, bands first."""
        ax = plot.overlay_tissues(phantom, "default", ["fat", "soft_tissue"], slice_index=1)
        ctlab.plot.draw_labels(ax, blocks(3, 64), {1: "#FF0000", 2: "#00FF00", 3: "#0000FF"})
        texts = [t.get_text() for t in ax.get_legend().get_texts()]
        assert texts[0].startswith("fat") and texts[2:] == ["label 1", "label 2", "label 3"]
        renderer = drawn_extents(ax.figure)
        legend = ax.get_legend().get_window_extent(renderer)
        assert not legend.overlaps(ax.get_window_extent(renderer))
