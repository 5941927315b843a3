"""CTImage.affine from the loader: series, flipped slices, enhanced multi-frame, samples."""

from __future__ import annotations

import numpy as np
import pytest
from pydicom.dataset import Dataset

import ctlab
from ctlab import CTImage
from ctlab.core.errors import InvalidImageError
from ctlab.io.loader import load
from tests.helpers.dicom import ct_dataset, write


def voxel_centre(image: CTImage, index: tuple[int, int, int]) -> np.ndarray:
    return (image.affine @ np.array([*index, 1.0]))[:3]


class TestSeriesAffine:
    def test_clean_series(self, series_folder):
        """Slice k of the series is at z = 2.5 k; pixel (r, c) at (-10 + 0.75 c, -20 + 0.5 r)."""
        image = load(series_folder)
        np.testing.assert_allclose(voxel_centre(image, (3, 2, 5)), [-10 + 0.75 * 5, -20 + 1.0, 7.5])
        assert image.origin == (-10.0, -20.0, 0.0)
        np.testing.assert_allclose(image.direction, [[0, 0, 1], [0, 1, 0], [1, 0, 0]])
        assert image.info["geometry"] == "from the header"

    def test_flipped_rows_and_columns_follow_the_pixels(self, tmp_path, volume_pixels):
        """A slice stored right-to-left and bottom-to-top is flipped, and so is its affine."""
        pixels = volume_pixels[0]
        ds = ct_dataset(pixels, ImageOrientationPatient=[-1, 0, 0, 0, -1, 0])
        image = load(write(ds, tmp_path / "flipped.dcm"))
        assert "rows" in image.info["reoriented"] and "columns" in image.info["reoriented"]
        rows, cols = pixels.shape
        # The stored pixel (0, 0) is at the header's position, now at (rows-1, cols-1).
        assert image.hu[rows - 1, cols - 1] == pixels[0, 0] - 1024
        np.testing.assert_allclose(voxel_centre(image, (0, rows - 1, cols - 1)), [-10, -20, 0])
        np.testing.assert_allclose(image.direction[:, 1:], [[0, 1], [1, 0], [0, 0]])

    def test_enhanced_multiframe(self, tmp_path):
        """Frames sorted by position: the affine starts at the lowest frame and steps 5 mm."""
        frames = np.zeros((3, 4, 5), np.int16)
        ds = ct_dataset(frames[0], position=None)
        ds.NumberOfFrames = 3
        ds.PixelData = frames.tobytes()
        shared, orientation = Dataset(), Dataset()
        orientation.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        shared.PlaneOrientationSequence = [orientation]
        ds.SharedFunctionalGroupsSequence = [shared]
        per_frame = []
        for z in (10.0, 0.0, 5.0):
            item, position = Dataset(), Dataset()
            position.ImagePositionPatient = [1, 2, z]
            item.PlanePositionSequence = [position]
            per_frame.append(item)
        ds.PerFrameFunctionalGroupsSequence = per_frame
        image = load(write(ds, tmp_path / "enhanced.dcm"))
        np.testing.assert_allclose(voxel_centre(image, (2, 0, 0)), [1, 2, 10])
        np.testing.assert_allclose(voxel_centre(image, (0, 3, 4)), [1 + 4 * 0.75, 2 + 3 * 0.5, 0])

    def test_no_geometry_is_assumed_and_said(self, tmp_path, volume_pixels):
        """Without Image Position (Patient) the default axial grid is used, and info says so."""
        image = load(write(ct_dataset(volume_pixels[0], position=None), tmp_path / "a.dcm"))
        assert image.info["geometry"].startswith("assumed")
        np.testing.assert_allclose(image.direction, [[0, 0, 1], [0, 1, 0], [1, 0, 0]])


class TestSamples:
    def test_phantom_keeps_its_written_geometry(self, tmp_path):
        """The phantom's affine equals the one the loader reads back from its DICOM series."""
        phantom = ctlab.data.phantom()
        loaded = load(ctlab.data.phantom_series(tmp_path / "series"))
        np.testing.assert_array_equal(loaded.affine, phantom.affine)

    @pytest.mark.parametrize("name", ["abdomen", "chest", "head", "hidden_figures"])
    def test_samples_have_affines(self, name):
        """Every sample carries a 4 x 4 affine with unit direction cosines."""
        image = getattr(ctlab.data, name)()
        assert image.affine.shape == (4, 4) and not image.affine.flags.writeable
        np.testing.assert_allclose(np.linalg.norm(image.direction, axis=0), 1.0)


class TestCTImageAffine:
    def test_default_slice_axis(self):
        """A 2-D image's slice axis steps 1 mm along +z."""
        image = CTImage(np.zeros((3, 4), np.int16), spacing=(0.5, 0.25))
        np.testing.assert_allclose(image.affine[:3, 0], [0, 0, 1])
        assert image.origin == (-0.375, -0.5, 0.0)

    def test_given_affine_is_kept_read_only(self):
        """A given affine is copied as float64 and frozen."""
        affine = np.diag([2.0, -1.0, 1.0, 1.0])
        image = CTImage(np.zeros((2, 2, 2), np.int16), spacing=(2, 1, 1), affine=affine)
        affine[0, 0] = 7
        assert image.affine[0, 0] == 2.0 and not image.affine.flags.writeable

    @pytest.mark.parametrize(
        "affine", [np.eye(3), np.zeros((4, 4)), np.diag([1.0, 1, 1, 2]), [[1, 2], "x"]]
    )
    def test_bad_affine(self, affine):
        """An affine that is not an invertible homogeneous 4 x 4 matrix is refused."""
        with pytest.raises(InvalidImageError, match="affine must be"):
            CTImage(np.zeros((2, 2), np.int16), spacing=(1, 1), affine=affine)
