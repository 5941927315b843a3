"""Tests for the procedural phantom, the series writer and the sample data."""

import hashlib

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut

import ctlab
from ctlab import TISSUES, load
from ctlab.core.errors import ExportError, InvalidImageError
from ctlab.io.phantom import LABELS, make_phantom
from ctlab.io.write import write_series


@pytest.fixture(scope="module")
def small():
    return make_phantom(n_slices=12, size=128, pixel_spacing=3.0)


class TestMakePhantom:
    def test_shape_dtype_spacing_window(self, small):
        """A 12 x 128 x 128 int16 volume with its spacing, labels and the 40/400 window."""
        assert small.shape == (12, 128, 128) and small.hu.dtype == np.int16
        assert small.spacing == (2.5, 3.0, 3.0)
        assert small.labels.shape == small.shape and small.label_names == LABELS
        assert small.default_window == ctlab.PRESETS["default"]

    def test_deterministic(self):
        """The same seed gives the same bytes; another seed does not."""

        def digest(image):
            return hashlib.sha256(image.hu.tobytes() + image.labels.tobytes()).hexdigest()

        first = make_phantom(n_slices=3, size=64)
        assert digest(first) == digest(make_phantom(n_slices=3, size=64))
        assert digest(first) != digest(make_phantom(n_slices=3, size=64, seed=1))

    def test_every_structure_present(self, small):
        """All labelled structures appear somewhere in the volume."""
        assert set(np.unique(small.labels)) == set(LABELS)

    @pytest.mark.parametrize("name", ["fat", "lung", "cancellous_bone", "cortical_bone"])
    def test_labels_inside_their_tissue_band(self, small, name):
        """Most voxels of a labelled tissue lie in its TISSUES band (noise and edges aside)."""
        label = next(v for v, n in LABELS.items() if n == name)
        hu = small.hu[small.labels == label]
        band = TISSUES[name]
        inside = np.mean((hu >= band.low) & (hu <= band.high))
        assert inside > 0.6 and band.low <= np.median(hu) <= band.high

    def test_organ_values(self, small):
        """Liver, kidney, muscle and aorta have realistic mean HU."""
        means = {n: small.hu[small.labels == v].mean() for v, n in LABELS.items()}
        assert 50 < means["liver"] < 70 and 30 < means["kidney"] < 60
        assert 35 < means["muscle"] < 60 and 200 < means["aorta"] < 280

    def test_partial_volume_edges(self, small):
        """Voxels at the fat/air boundary take values between the two."""
        hu = small.hu[small.labels == 0]
        between = np.count_nonzero((hu > -800) & (hu < -200))
        assert between > 100

    def test_trabecular_texture(self, small):
        """The trabecular bone is textured, not flat: its spread exceeds the noise."""
        trabecular = small.hu[small.labels == 9]
        assert trabecular.std() > 40

    def test_padding_outside_field(self, small):
        """Corners outside the reconstruction circle are -3024 and marked as padding."""
        assert small.hu[0, 0, 0] == -3024 and small.padding_range == (-3024.0, -3024.0)
        assert small.valid_hu().min() >= -1024


class TestWriteSeries:
    def test_round_trip_through_pydicom_and_load(self, small, tmp_path):
        """Written files give back the HU exactly, with positions, spacing and window."""
        files = write_series(small, tmp_path)
        assert len(files) == 12
        ds = pydicom.dcmread(files[3])
        np.testing.assert_array_equal(apply_modality_lut(ds.pixel_array, ds), small.hu[3])
        loaded = load(tmp_path)
        np.testing.assert_array_equal(loaded.hu, small.hu)
        assert loaded.spacing == small.spacing and loaded.default_window == small.default_window
        assert loaded.padding_range == (-3024.0, -1025.0)

    def test_byte_for_byte_reproducible(self, tmp_path):
        """Writing twice gives identical bytes."""
        image = make_phantom(n_slices=2, size=32)
        first = [f.read_bytes() for f in write_series(image, tmp_path / "a")]
        second = [f.read_bytes() for f in write_series(image, tmp_path / "b")]
        assert first == second

    def test_refuses_to_overwrite(self, tmp_path):
        """A folder holding DICOM files is refused unless overwrite=True."""
        image = make_phantom(n_slices=1, size=32)
        write_series(image, tmp_path)
        with pytest.raises(ExportError, match="already holds DICOM files"):
            write_series(image, tmp_path)
        write_series(image, tmp_path, overwrite=True)

    def test_float_refused(self):
        """Float HU would not round-trip."""
        image = ctlab.CTImage(np.zeros((2, 2), np.float32), spacing=(1, 1))
        with pytest.raises(InvalidImageError, match="needs int16 HU"):
            write_series(image, "unused")

    def test_shipped_sample_series_is_current(self, tmp_path):
        """sample_data/phantom is exactly what the command writes today."""
        from pathlib import Path

        shipped = Path(__file__).resolve().parents[2] / "sample_data" / "phantom"
        fresh = write_series(ctlab.data.phantom(), tmp_path)
        assert [f.read_bytes() for f in fresh] == [(shipped / f.name).read_bytes() for f in fresh]


class TestSampleData:
    def test_real_slices(self):
        """The real slices load with their sizes and plausible HU."""
        assert ctlab.data.abdomen().shape == (512, 512)
        assert ctlab.data.abdomen().hu.min() == -1024
        assert ctlab.data.chest().shape == (128, 128)
        assert ctlab.data.head().default_window == ctlab.Window(40, 100)

    def test_abdomen_has_fat_and_bone(self):
        """The abdomen has a fat peak and bone, as the seed's Figure 5 needs."""
        hu = ctlab.data.abdomen().valid_hu()
        assert np.mean(ctlab.tissue_mask(hu, "fat")) > 0.03
        assert np.count_nonzero(hu > 700) > 100

    def test_cached_and_immutable(self):
        """Calls return the same read-only image."""
        assert ctlab.data.phantom() is ctlab.data.phantom()
        assert not ctlab.data.phantom().hu.flags.writeable

    def test_phantom_series(self, tmp_path):
        """phantom_series writes a loadable series."""
        folder = ctlab.data.phantom_series(tmp_path / "p")
        assert load(folder).shape == (48, 256, 256)
