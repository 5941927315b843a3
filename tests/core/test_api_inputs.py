"""Bad inputs to the public API (other than load) raise a CTLabError naming the argument.

Issue 11, item 11: each of these used to escape as TypeError, OverflowError,
IndexError or ValueError from numpy, or gave a silent wrong answer.
"""

from __future__ import annotations

import numpy as np
import pytest

import ctlab
from ctlab.core.errors import (
    CTLabError,
    InvalidArgumentError,
    InvalidImageError,
    InvalidWindowError,
)
from ctlab.core.metrics import MAX_BINS

HU16 = np.array([[-1000, -80], [40, 1000]], dtype=np.int16)
HU32 = HU16.astype(np.float32)


class TestWindowInputs:
    def test_center_beyond_float(self):
        """An integer too large for a float names center and says it is too large."""
        with pytest.raises(InvalidWindowError, match=r"center is too large .* \(401 characters\)"):
            ctlab.Window(10**400, 400)

    def test_width_beyond_float(self):
        """The same for width."""
        with pytest.raises(InvalidWindowError, match="width is too large"):
            ctlab.Window(40, -(10**400))

    def test_from_range_beyond_float(self):
        """from_range names low and high and quotes the value shortened."""
        with pytest.raises(
            InvalidWindowError, match=r"low and high must be finite .*got 0 and 1000"
        ):
            ctlab.Window.from_range(0, 10**400)


class TestWindowCollections:
    def test_multiwindow_takes_a_generator(self):
        """A generator of windows is read once, the same as the list."""
        names = ["brain", "subdural", "bone"]
        from_generator = ctlab.multiwindow(HU16, (name for name in names))
        np.testing.assert_array_equal(from_generator, ctlab.multiwindow(HU16, names))

    def test_multiwindow_empty_generator(self):
        """An empty generator is refused as empty."""
        with pytest.raises(InvalidWindowError, match="windows is empty"):
            ctlab.multiwindow(HU16, (name for name in []))

    def test_compare_windows_none(self):
        """WindowCompare(windows=None) names the argument and gives an example."""
        with pytest.raises(InvalidWindowError, match=r"windows must be .* got None; e\.g\."):
            ctlab.WindowCompare(HU16, windows=None)

    def test_compare_takes_a_generator(self):
        """WindowCompare takes an iterator of windows as well as a list."""
        compare = ctlab.WindowCompare(HU16, windows=iter(["fat", "bone"]), naive_jpeg=False)
        assert [w.center for w in compare.windows] == [-80.0, 400.0]


class TestGreyLevels:
    @pytest.mark.parametrize("bad", [None, "fat", float("nan")])
    def test_bound_not_a_number(self, bad):
        """low or high that is not a number of HU is named."""
        with pytest.raises(InvalidArgumentError, match="low must be a number of HU"):
            ctlab.grey_levels("default", bad, 100)
        with pytest.raises(InvalidArgumentError, match="high must be a number of HU"):
            ctlab.grey_levels("default", -100, bad)


class TestHistogramInputs:
    def test_only_nan_and_inf(self):
        """No finite value: say so, not numpy's zero-size reduction error."""
        with pytest.raises(InvalidImageError, match="no finite value"):
            ctlab.hu_counts(np.array([np.nan, np.inf, -np.inf]))

    @pytest.mark.parametrize("hu", [HU16, HU32], ids=["int16", "float32"])
    @pytest.mark.parametrize("bins", [0, -3, 10**9, MAX_BINS + 1])
    def test_bin_count_out_of_range(self, hu, bins):
        """A count of bins outside 1..MAX_BINS names bins and the limit."""
        with pytest.raises(InvalidArgumentError, match=rf"from 1 to {MAX_BINS}, got {bins}"):
            ctlab.hu_counts(hu, bins=bins)

    @pytest.mark.parametrize("hu", [HU16, HU32], ids=["int16", "float32"])
    @pytest.mark.parametrize(
        "bins",
        ["auto", 2.5, [], [np.nan, 1], [5, 1, 0], [1, 1], [[0, 1]], True],
        ids=["auto", "float", "empty", "nan-edge", "descending", "repeated", "2-D", "bool"],
    )
    def test_bad_bins(self, hu, bins):
        """Strings, fractions, too few, non-finite, non-increasing edges: refused, bins named."""
        with pytest.raises(InvalidArgumentError, match=r"bins must be .* increasing bin edges"):
            ctlab.hu_counts(hu, bins=bins)

    def test_most_bins_allowed(self):
        """MAX_BINS bins is still counted (the limit is inclusive)."""
        counts, _ = ctlab.hu_counts(HU16, bins=MAX_BINS)
        assert counts.size == MAX_BINS and counts.sum() == HU16.size

    def test_increasing_edges_still_work(self):
        """Edges as a list are taken, for 16-bit and float images alike."""
        for hu in (HU16, HU32):
            counts, _ = ctlab.hu_counts(hu, bins=[-1024, 0, 1024])
            assert counts.tolist() == [2, 2]


class TestTissueInputs:
    @pytest.mark.parametrize(
        "spacing", [("a", "b"), "ab", (-1.0, 1.0), (float("nan"), 1.0), (1.0,), None, 1.0]
    )
    def test_tissue_amounts_bad_spacing(self, spacing):
        """Text, negative, NaN, missing spacing: named, with an example."""
        with pytest.raises(InvalidImageError, match=r"spacing needs one positive .* e\.g\."):
            ctlab.tissue_amounts(HU16, spacing=spacing)

    def test_tissue_amounts_mask_shape(self):
        """A mask of another shape is refused before numpy's broadcasting error."""
        with pytest.raises(InvalidImageError, match=r"mask shape \(3, 3\) differs"):
            ctlab.tissue_amounts(HU16, spacing=(1.0, 1.0), mask=np.ones((3, 3), bool))

    @pytest.mark.parametrize("bad", [None, "fat", [40], np.array([40])])
    def test_tissue_at_needs_one_number(self, bad):
        """tissue_at names hu and points to tissue_mask for arrays."""
        with pytest.raises(InvalidArgumentError, match="hu must be one number of HU.*tissue_mask"):
            ctlab.tissue_at(bad)

    def test_tissue_at_numpy_number(self):
        """A numpy scalar is a number."""
        assert ctlab.tissue_at(np.int16(-80)).name == "fat"


class TestCTImageInputs:
    @pytest.mark.parametrize("spacing", [None, 1.0, ("a", "b"), (0.5, 0.5, 0.5), (0.5, np.inf)])
    def test_bad_spacing(self, spacing):
        """spacing that is not one positive number per axis is named with an example."""
        with pytest.raises(
            InvalidImageError, match=r"spacing needs .* e\.g\. spacing=\(0\.7, 0\.7\)"
        ):
            ctlab.CTImage(HU16, spacing=spacing)

    @pytest.mark.parametrize("shape", [(0, 0), (0, 4), (0, 4, 4)])
    def test_no_pixels(self, shape):
        """An image with no pixels is refused at construction, not later by a widget."""
        with pytest.raises(InvalidImageError, match=r"hu has no pixels \(shape"):
            ctlab.CTImage(np.zeros(shape, np.int16), spacing=(1.0,) * len(shape))

    def test_widgets_refuse_empty_array(self):
        """A widget given a bare 0x0 array gets the same CTLabError."""
        with pytest.raises(CTLabError, match="hu has no pixels"):
            ctlab.WindowExplorer(np.zeros((0, 0), np.int16))
