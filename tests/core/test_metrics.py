"""Tests for ctlab.core.metrics: what a window keeps."""

import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ctlab import TISSUES, Window, apply_window
from ctlab.core import metrics
from ctlab.core.errors import InvalidImageError
from ctlab.core.metrics import (
    clipped_fractions,
    grey_levels,
    hu_counts,
    hu_peaks,
    tissue_amounts,
    tissue_levels,
)


class TestGreyLevels:
    def test_fat_in_default_and_fat_windows(self):
        """Fat spans 27 levels in -160..240 (38..64) and all 256 in its own window."""
        assert grey_levels("default", -100, -60) == 27
        assert grey_levels("fat", -100, -60) == 256

    def test_outside_window_collapses(self):
        """A band wholly above the window is one level: white."""
        assert grey_levels("default", 700, 3000) == 1

    def test_matches_apply_window_span(self):
        """The span is the difference of the edges' grey levels plus one."""
        window = Window(-600, 1500, function="sigmoid")
        grey = apply_window(np.array([-900.0, -500.0]), window)
        assert grey_levels(window, -900, -500) == int(grey[1]) - int(grey[0]) + 1

    def test_invert_does_not_matter(self):
        """The span is the same whichever end is white."""
        assert grey_levels(Window(40, 400), -100, -60) == 27

    def test_reversed_range_refused(self):
        """low above high is an error."""
        with pytest.raises(InvalidImageError, match="low must not exceed high"):
            grey_levels("default", 10, -10)


class TestTissueLevels:
    def test_all_ranges_in_order(self):
        """Every TISSUES range is reported, in scale order."""
        levels = tissue_levels("default")
        assert list(levels) == list(TISSUES)
        assert levels["air"].span == 1 and levels["cortical_bone"].span == 1

    def test_fat_window_spans_256_but_uses_40(self):
        """-100..-60 in its own 40-HU window: spans 256 levels, whole HU can use only 40."""
        fat_window_band = tissue_levels("fat", tissues=[TISSUES["fat"]])["fat"]
        assert fat_window_band.span == 256
        whole = np.arange(-100, -59)
        assert fat_window_band.usable <= len(np.unique(apply_window(np.arange(-190, -29), "fat")))
        assert len(np.unique(apply_window(whole, "fat"))) == 40

    def test_usable_never_exceeds_span_or_whole_hu(self):
        """usable <= span and usable <= high - low + 1, for every range and preset."""
        for window in ("fat", "liver_kidney", "default", "full_range", "lung"):
            for band in TISSUES.values():
                levels = tissue_levels(window, tissues=[band])[band.name]
                assert levels.usable <= levels.span
                assert levels.usable <= band.high - band.low + 1

    def test_used_on_an_image(self):
        """Given an image, used counts the distinct levels its pixels in the range take."""
        hu = np.array([-120, -120, -100, -50, 40, 700], dtype=np.int16)
        fat = tissue_levels("default", hu=hu, tissues=["fat"])["fat"]
        assert fat.pixels == 4
        assert fat.used == len(np.unique(apply_window(np.array([-120, -100, -50]), "default")))

    def test_without_image_used_is_none(self):
        """No image, no measurement."""
        levels = tissue_levels("bone", tissues=["cortical_bone"])["cortical_bone"]
        assert levels.used is None and levels.pixels is None
        assert levels.span == 86  # grey 170 (700 HU) to 255


class TestHuPeaks:
    def test_two_gaussians(self):
        """Two well-separated tissues give two peaks at their centres, within 3 HU."""
        rng = np.random.default_rng(1)
        hu = np.concatenate([rng.normal(-100, 15, 20000), rng.normal(100, 15, 20000)])
        peaks = [value for value, _ in hu_peaks(np.rint(hu).astype(np.int16))]
        assert len(peaks) == 2
        assert abs(peaks[0] + 100) <= 3 and abs(peaks[1] - 100) <= 3

    def test_peak_not_at_range_edge(self):
        """A peak is a true maximum: a tissue centred at -102 is not read at a range edge."""
        rng = np.random.default_rng(2)
        hu = np.rint(rng.normal(-102, 12, 50000)).astype(np.int16)
        ((value, _),) = hu_peaks(hu)
        assert abs(value + 102) <= 3

    @pytest.mark.parametrize("dtype", [np.int16, np.uint16])
    def test_sixteen_bit_volume_counted_in_blocks(self, dtype):
        """A 16-bit volume gives the peaks of its int64 copy without making one (4x its size)."""
        rng = np.random.default_rng(3)
        centres = np.where(rng.random(2 * metrics._THREAD_ELEMENTS) < 0.5, 900, 1200)
        hu = np.rint(rng.normal(centres, 20)).astype(dtype)
        tracemalloc.start()
        try:
            peaks = hu_peaks(hu)
            _, peak_bytes = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peaks == hu_peaks(hu.astype(np.int64)) and len(peaks) == 2
        assert peak_bytes < 2 * hu.nbytes

    def test_even_smoothing_refused(self):
        """An even moving average has no centre."""
        with pytest.raises(InvalidImageError, match="smooth must be an odd"):
            hu_peaks(np.zeros(4), smooth=4)


class TestClippedFractions:
    def test_by_hand(self):
        """-1000 is black, 1000 white, the rest between."""
        assert clipped_fractions([-1000, -80, 40, 1000], "default") == (0.25, 0.25)

    def test_mask_and_empty(self):
        """A mask restricts the count; nothing counted gives zeros."""
        hu = np.array([-1000, 1000, 1000])
        assert clipped_fractions(hu, "default", mask=[False, True, True]) == (0.0, 1.0)
        assert clipped_fractions(hu, "default", mask=[False] * 3) == (0.0, 0.0)

    def test_mask_shape_checked(self):
        """A mask of another shape is refused."""
        with pytest.raises(InvalidImageError, match="mask shape"):
            clipped_fractions(np.zeros((2, 2)), "default", mask=np.ones(3, bool))


class TestHuHistogram:
    @settings(max_examples=100, deadline=None)
    @given(
        hnp.arrays(np.int32, st.integers(1, 300), elements=st.integers(-2000, 3000)),
        st.sampled_from([np.int16, np.uint16, np.int32, np.float32]),
        st.one_of(st.none(), st.integers(1, 600)),
    )
    def test_equals_numpy_histogram(self, values, dtype, bins):
        """Counts equal np.histogram's with the same edges, for every type."""
        hu = (values + 2000).astype(dtype) if dtype == np.uint16 else values.astype(dtype)
        counts, edges = hu_counts(hu, bins=bins)
        expected, _ = np.histogram(hu, bins=edges)
        np.testing.assert_array_equal(counts, expected)
        assert counts.sum() == hu.size

    def test_counting_method_is_measured_once(self, monkeypatch):
        """Without numpy's SIMD int16 sort, bincount; with it, whichever measured faster, once."""
        metrics._sorting_counts_faster.cache_clear()
        monkeypatch.setattr(metrics, "_numpy_sorts_16bit_with_simd", lambda: False)
        assert metrics._sorting_counts_faster() is False
        metrics._sorting_counts_faster.cache_clear()
        monkeypatch.setattr(metrics, "_numpy_sorts_16bit_with_simd", lambda: True)
        monkeypatch.setattr(metrics, "_sorted_counts", lambda block: time.sleep(0.05))
        assert metrics._sorting_counts_faster() is False  # sorting made slow: bincount wins
        metrics._sorting_counts_faster.cache_clear()

    @pytest.mark.parametrize("by_sorting", [True, False])
    @pytest.mark.parametrize("dtype", [np.int16, np.uint16])
    def test_both_counting_methods_on_blocks_and_threads(self, monkeypatch, by_sorting, dtype):
        """Sorting and bincount count every 16-bit value alike, across blocks and threads."""
        info = np.iinfo(dtype)
        rng = np.random.default_rng(5)
        values = rng.integers(info.min, info.max, 5000, endpoint=True).astype(dtype)
        values[:40] = info.min  # a run, as padding makes
        values[-3:] = info.max
        values[100:900] = values[99]
        monkeypatch.setattr(metrics, "_SORT_BLOCK", 700)
        monkeypatch.setattr(metrics, "_COUNT_BLOCK", 700)
        monkeypatch.setattr(metrics, "_THREAD_ELEMENTS", 1000)
        counts, low = metrics._value_counts16(values, by_sorting=by_sorting)
        assert low == info.min and counts.size == 1 << 16
        np.testing.assert_array_equal(counts, np.bincount(values.astype(np.int64) - low))
        counts, low = metrics._value_counts16(values[40:-3], by_sorting=by_sorting)
        assert low == values[40:-3].min() and low + counts.size - 1 == values[40:-3].max()
        np.testing.assert_array_equal(counts, np.bincount(values[40:-3].astype(np.int64) - low))

    def test_explicit_edges_and_closed_last_bin(self):
        """Given edges are used; the last bin includes its right edge."""
        hu = np.array([0, 10, 20, 30], dtype=np.int16)
        counts, edges = hu_counts(hu, bins=[0, 10, 30])
        assert counts.tolist() == [1, 3] and edges.tolist() == [0, 10, 30]

    def test_default_bins_are_integer_aligned(self):
        """Default edges sit at half-integers, at most 512 bins."""
        hu = np.arange(-1024, 3072, dtype=np.int16)
        counts, edges = hu_counts(hu)
        assert len(counts) <= 512 and np.all(edges % 1 == 0.5)
        assert counts.sum() == hu.size

    def test_mask_leaves_padding_out(self):
        """Masked-out pixels (padding) are not counted."""
        hu = np.array([-3024, -3024, 0, 40], dtype=np.int16)
        counts, edges = hu_counts(hu, mask=hu > -1024)
        assert counts.sum() == 2 and edges[0] > -1024

    def test_empty_refused(self):
        """An empty selection cannot be counted."""
        with pytest.raises(InvalidImageError, match="no pixels to count"):
            hu_counts(np.zeros(3, np.int16), mask=np.zeros(3, bool))


class TestTissueAmounts:
    def test_area_of_a_slice(self):
        """100 fat pixels of 1 mm^2 are 1 cm^2."""
        hu = np.full((10, 10), -80, dtype=np.int16)
        assert tissue_amounts(hu, spacing=(1, 1), tissues=["fat"]) == {"fat": 1.0}

    def test_volume_in_millilitres(self):
        """1000 voxels of 1 mm^3 are 1 mL; 2 mm slices double it."""
        hu = np.full((10, 10, 10), 60, dtype=np.int16)
        assert tissue_amounts(hu, spacing=(2, 1, 1), tissues=["liver"]) == {"liver": 2.0}

    def test_spacing_must_match(self):
        """One spacing per axis is required."""
        with pytest.raises(InvalidImageError, match="one positive value in mm per axis"):
            tissue_amounts(np.zeros((2, 2)), spacing=(1.0,))
