"""Tests for writing a CTImage as a DICOM CT series (ctlab.io.write)."""

from pathlib import Path

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut

import ctlab
from ctlab.core.errors import ExportError, InvalidImageError
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.write import write_series

SAMPLE_SERIES = Path(__file__).resolve().parents[2] / "sample_data" / "phantom"


@pytest.fixture(scope="module")
def small():
    return make_phantom(n_slices=6, size=64, pixel_spacing=6.0)


@pytest.fixture(scope="module")
def written(small, tmp_path_factory):
    return write_series(small, tmp_path_factory.mktemp("series"))


class TestWriteSeries:
    def test_files(self, written):
        """One file per slice, named in slice order."""
        assert [f.name for f in written] == [f"slice_{k:03d}.dcm" for k in range(6)]

    def test_modality_lut_gives_hu_exactly(self, small, written):
        """pydicom's apply_modality_lut on every file gives back the HU exactly."""
        for index, path in enumerate(written):
            ds = pydicom.dcmread(path)
            assert ds.RescaleSlope == 1 and ds.RescaleIntercept == -1024
            assert ds.RescaleType == "HU" and ds.PixelRepresentation == 1
            np.testing.assert_array_equal(apply_modality_lut(ds.pixel_array, ds), small.hu[index])

    def test_header(self, written):
        """A CT Image Storage file, explicit VR little endian, with the phantom's identity only."""
        ds = pydicom.dcmread(written[0])
        assert ds.file_meta.TransferSyntaxUID == pydicom.uid.ExplicitVRLittleEndian
        assert ds.SOPClassUID == pydicom.uid.CTImageStorage and ds.Modality == "CT"
        assert ds.PatientName == "ctlab^phantom" and ds.PatientID == "PHANTOM"
        assert ds.StudyDate == "" and ds.StudyTime == "" and ds.PatientBirthDate == ""
        assert (ds.WindowCenter, ds.WindowWidth) == (40, 400)
        assert ds.PixelPaddingValue == -3024 + 1024

    def test_geometry(self, small, written):
        """Positions step by the slice spacing along z; the image centre is on the z axis."""
        headers = [pydicom.dcmread(f) for f in written]
        assert [float(h.ImagePositionPatient[2]) for h in headers] == list(small.slice_positions)
        assert [float(v) for v in headers[0].ImagePositionPatient[:2]] == [-189.0, -189.0]
        assert [float(v) for v in headers[0].ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        assert [float(v) for v in headers[0].PixelSpacing] == [6.0, 6.0]
        assert float(headers[0].SliceThickness) == 2.5

    def test_round_trip_through_load(self, small, written):
        """ctlab.load reads the series back with the same HU, spacing and window."""
        loaded = ctlab.load(written[0].parent)
        np.testing.assert_array_equal(loaded.hu, small.hu)
        assert loaded.spacing == small.spacing
        assert loaded.default_window == small.default_window
        np.testing.assert_array_equal(loaded.padding_mask(), small.padding_mask())

    def test_byte_for_byte_reproducible(self, small, written, tmp_path):
        """Writing again gives identical bytes."""
        again = write_series(small, tmp_path)
        assert [f.read_bytes() for f in again] == [f.read_bytes() for f in written]

    def test_uids_unique_to_content(self, written, tmp_path):
        """Another image (another seed) gets other UIDs; slices of a series share one."""
        other = write_series(make_phantom(n_slices=6, size=64, pixel_spacing=6.0, seed=1), tmp_path)
        first, second = pydicom.dcmread(written[0]), pydicom.dcmread(other[0])
        assert first.SOPInstanceUID != second.SOPInstanceUID
        assert first.SeriesInstanceUID != second.SeriesInstanceUID
        headers = [pydicom.dcmread(f) for f in written]
        assert len({h.SeriesInstanceUID for h in headers}) == 1
        assert len({h.SOPInstanceUID for h in headers}) == len(headers)

    def test_decimal_strings_fit(self, tmp_path):
        """A spacing like 1/3 mm is rounded to the 16 characters a DS allows."""
        image = ctlab.CTImage(np.zeros((2, 4, 4), np.int16), spacing=(1 / 3, 0.5, 0.5))
        ds = pydicom.dcmread(write_series(image, tmp_path)[1])
        assert len(str(ds.SliceThickness)) <= 16 and len(str(ds.ImagePositionPatient[2])) <= 16

    def test_single_slice(self, tmp_path):
        """A 2-D image is written as one file."""
        image = ctlab.CTImage(np.full((4, 4), 40, np.int16), spacing=(0.5, 0.5))
        (path,) = write_series(image, tmp_path)
        ds = pydicom.dcmread(path)
        np.testing.assert_array_equal(apply_modality_lut(ds.pixel_array, ds), image.hu)

    def test_refuses_to_overwrite(self, tmp_path):
        """A folder holding DICOM files is refused unless overwrite=True."""
        image = make_phantom(n_slices=1, size=32)
        write_series(image, tmp_path)
        with pytest.raises(ExportError, match="already holds DICOM files.*overwrite=True"):
            write_series(image, tmp_path)
        assert len(write_series(image, tmp_path, overwrite=True)) == 1

    def test_float_refused(self):
        """Float HU would not round-trip."""
        image = ctlab.CTImage(np.zeros((2, 2), np.float32), spacing=(1, 1))
        with pytest.raises(InvalidImageError, match="needs int16 HU"):
            write_series(image, "unused")

    def test_too_bright_refused(self):
        """HU above what intercept -1024 can store are refused."""
        image = ctlab.CTImage(np.full((2, 2), 32000, np.int16), spacing=(1, 1))
        with pytest.raises(InvalidImageError, match="can be stored with intercept"):
            write_series(image, "unused")

    def test_shipped_sample_series_is_current(self, tmp_path):
        """sample_data/phantom is exactly what `python -m ctlab.data` writes today."""
        fresh = write_series(ctlab.data.phantom(), tmp_path)
        shipped = sorted(SAMPLE_SERIES.glob("*.dcm"))
        assert [f.name for f in shipped] == [f.name for f in fresh]
        assert all(f.read_bytes() == (SAMPLE_SERIES / f.name).read_bytes() for f in fresh)
