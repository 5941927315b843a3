"""Tests for ctlab.measure_labels and Window.from_hu: hand-checkable answers."""

import numpy as np
import pytest

import ctlab
from ctlab import Window, measure_labels
from ctlab.core.errors import InvalidImageError, InvalidWindowError


class TestWindowFromHu:
    def test_percentiles_as_numpy(self):
        """low and high are numpy's percentiles (linear interpolation), rounded to 0.01 HU."""
        values = np.array([-100.0, 0.0, 10.0, 1000.0])
        window = Window.from_hu(values, percentile=10)
        low, high = np.percentile(values, [10, 90])
        assert (window.low, window.high) == (round(low, 2), round(high, 2))

    def test_full_range_and_nan(self):
        """percentile 0 spans min..max; NaN are left out."""
        assert Window.from_hu([np.nan, -50, 50], percentile=0) == Window(0, 100)

    def test_uniform_region_is_one_hu_wide(self):
        """A region of one value gives the narrowest window, 1 HU, centred on it."""
        assert Window.from_hu(np.full(10, -80)) == Window(-80, 1)

    @pytest.mark.parametrize("percentile", [-1, 50, 75])
    def test_bad_percentile(self, percentile):
        """The percentile must be in 0..50."""
        with pytest.raises(InvalidWindowError, match="percentile must be in 0..50"):
            Window.from_hu([1, 2, 3], percentile=percentile)


class TestMeasureLabels:
    def test_hand_checked(self):
        """Two labels on a 2 x 3 slice of 2 x 5 mm pixels: counts, volumes, HU."""
        hu = np.array([[-100, -90, -80], [40, 60, 1000]], np.int16)
        labels = np.array([[1, 1, 1], [2, 2, 0]], np.uint8)
        fat, soft = measure_labels(hu, labels, spacing=(2.0, 5.0), names={1: "fat", 2: "soft"})
        assert (fat.value, fat.name, fat.voxels) == (1, "fat", 3)
        assert fat.volume_ml == pytest.approx(3 * 10 / 1000)
        assert (fat.mean, fat.median) == (-90.0, -90.0)
        assert dict(fat.percentiles)[25.0] == -95.0
        assert soft.mean == 50.0 and soft.window == Window.from_hu([40, 60])

    def test_mask_leaves_voxels_out(self):
        """Voxels outside the mask (padding) are not counted."""
        hu = np.array([[-3024, 40], [40, 40]], np.int16)
        labels = np.ones((2, 2), np.uint8)
        (only,) = measure_labels(hu, labels, spacing=(1, 1), mask=hu > -1024)
        assert only.voxels == 3 and only.mean == 40.0

    def test_named_but_absent(self):
        """A named label with no voxel is reported empty, without a window."""
        (absent,) = measure_labels(
            np.zeros((2, 2)), np.zeros((2, 2), int), spacing=(1, 1), names={4: "x"}
        )
        assert absent.voxels == 0 and absent.window is None and np.isnan(absent.mean)

    @pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32])
    def test_label_dtypes(self, dtype):
        """Any integer label dtype is measured the same."""
        (one,) = measure_labels(
            np.arange(4.0).reshape(2, 2), np.ones((2, 2), dtype), spacing=(1, 1)
        )
        assert one.voxels == 4 and one.median == 1.5

    def test_volume_matches_the_phantom(self):
        """On the phantom, the liver's volume is its voxel count times the voxel volume."""
        phantom = ctlab.data.phantom()
        measured = {
            m.name: m
            for m in measure_labels(
                phantom.hu, phantom.labels, spacing=phantom.spacing, names=phantom.label_names
            )
        }
        voxels = int((phantom.labels == 3).sum())
        assert measured["liver"].voxels == voxels
        assert measured["liver"].volume_ml == pytest.approx(voxels * 2.5 * 1.5 * 1.5 / 1000)

    def test_bad_input(self):
        """Shape, dtype and spacing are checked."""
        with pytest.raises(InvalidImageError, match="labels shape"):
            measure_labels(np.zeros((2, 2)), np.zeros((3, 3), int), spacing=(1, 1))
        with pytest.raises(InvalidImageError, match="labels must be integers"):
            measure_labels(np.zeros((2, 2)), np.zeros((2, 2)), spacing=(1, 1))
        with pytest.raises(InvalidImageError, match="spacing needs one positive"):
            measure_labels(np.zeros((2, 2)), np.zeros((2, 2), int), spacing=(1, 0))
