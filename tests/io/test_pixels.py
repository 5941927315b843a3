"""Tests for ctlab.io.pixels through ctlab.load: byte order, signedness, rescale extremes."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.pixels import apply_modality_lut
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian

from ctlab import load
from ctlab.core.errors import DataPitfallWarning, InvalidDicomError
from tests.error_cases import CHEST, ct_file, enhanced_ct
from tests.helpers.dicom import ct_dataset, write


def _chest_as(path, syntax, **write_options):
    """pydicom's chest slice rewritten with ``syntax``; pydicom's HU of the written file."""
    ds = pydicom.dcmread(CHEST)
    stored = ds.pixel_array
    ds.file_meta.TransferSyntaxUID = syntax
    if syntax == ExplicitVRBigEndian:
        ds.PixelData = stored.astype(">i2").tobytes()
    pydicom.dcmwrite(path, ds, force_encoding=True, **write_options)
    written = pydicom.dcmread(path)
    return path, apply_modality_lut(written.pixel_array, written)


class TestByteOrder:
    def test_explicit_vr_big_endian_file(self, tmp_path):
        """Explicit VR Big Endian CT gives pydicom's HU (-896..1167), not byte-swapped values."""
        path, expected = _chest_as(
            tmp_path / "be.dcm", ExplicitVRBigEndian, little_endian=False, implicit_vr=False
        )
        image = load(path)
        assert (expected.min(), expected.max()) == (-896, 1167)
        np.testing.assert_array_equal(image.hu, expected)

    def test_explicit_vr_big_endian_bytes(self, tmp_path):
        """The same file uploaded as bytes gives the same HU."""
        path, expected = _chest_as(
            tmp_path / "be.dcm", ExplicitVRBigEndian, little_endian=False, implicit_vr=False
        )
        np.testing.assert_array_equal(load(path.read_bytes()).hu, expected)


class TestPixelRepresentationContradicted:
    """PixelRepresentation (0028,0103) that the values contradict is detected and undone."""

    def _load(self, tmp_path, stored, *, representation, **header):
        ds = ct_dataset(stored, **header)
        ds.PixelRepresentation = representation
        return load(write(ds, tmp_path / "mislabelled.dcm"))

    def test_signed_labelled_unsigned(self, tmp_path):
        """Signed HU in an 'unsigned' 16-bit file: air stored as 64536 reads -1000, not metal."""
        hu = np.array([[-1000, -100, 40, 1500]], dtype=np.int16)
        with pytest.warns(
            DataPitfallWarning,
            match=r"mislabelled\.dcm says unsigned pixels .* but its values are signed: read as "
            r"unsigned they would give 40 to 65436 HU, .* ctlab read them as signed",
        ):
            image = self._load(tmp_path, hu.view(np.uint16), representation=0, intercept=0.0)
        np.testing.assert_array_equal(image.hu, hu)

    def test_signed_padding_labelled_unsigned_12_bit(self, tmp_path):
        """Signed padding (-2000) in an 'unsigned 12-bit' file is padding, not 1072 HU 'bone'."""
        stored = np.array([[-2000, 24, 1064, 2024]], dtype=np.int16)
        with pytest.warns(DataPitfallWarning, match="its values are signed") as record:
            image = self._load(
                tmp_path, stored.view(np.uint16), representation=0, BitsStored=12, HighBit=11
            )
        assert not any("overlay" in str(w.message) for w in record)
        np.testing.assert_array_equal(image.hu, [[-3024, -1000, 40, 1000]])
        assert image.padding_range == (-3024.0, -1025.0)

    def test_unsigned_labelled_signed(self, tmp_path):
        """Unsigned values near 32768 (intercept -32768) in a 'signed' file give -1000, not -66000."""
        stored = np.array([[31768, 32808, 34268]], dtype=np.uint16)
        with pytest.warns(
            DataPitfallWarning,
            match=r"says signed pixels .* its values are unsigned: read as signed they would "
            r"give -65496 to -1000 HU",
        ):
            image = self._load(
                tmp_path, stored.view(np.int16), representation=1, intercept=-32768.0
            )
        np.testing.assert_array_equal(image.hu, [[-1000, 40, 1500]])

    def test_unsigned_12_bit_labelled_signed(self, tmp_path):
        """Unsigned 12-bit values above 2047 in a 'signed 12-bit' file are not sign-extended."""
        stored = np.array([[24, 1064, 3071, 4095]], dtype=np.int16)
        with pytest.warns(DataPitfallWarning, match="its values are unsigned") as record:
            image = self._load(tmp_path, stored, representation=1, BitsStored=12, HighBit=11)
        assert not any("overlay" in str(w.message) for w in record)
        np.testing.assert_array_equal(image.hu, stored - 1024)

    @pytest.mark.parametrize(
        ("stored", "representation", "intercept"),
        [
            ([[-32768, -1000, 40]], 1, 0.0),  # signed, -32768 outside the scanned field
            ([[-2000, 0, 1064]], 1, -1024.0),  # signed padding -2000 beside unsigned-looking data
            ([[31768, 32808]], 0, -32768.0),  # unsigned with intercept -32768
            ([[0, 4095]], 0, -1024.0),  # the usual unsigned 12-bit
        ],
    )
    def test_consistent_headers_kept(self, tmp_path, stored, representation, intercept):
        """Values the header explains are read as declared, without a warning."""
        dtype = np.int16 if representation else np.uint16
        pixels = np.array(stored, dtype=dtype)
        image = self._load(tmp_path, pixels, representation=representation, intercept=intercept)
        np.testing.assert_array_equal(image.hu, pixels.astype(np.int64) + int(intercept))


class TestRescaleExtremes:
    @pytest.mark.parametrize(
        ("header", "tag"),
        [
            ({"slope": "1e19"}, r"RescaleSlope \(0028,1053\) is 1e\+19"),
            ({"intercept": "1e40"}, r"RescaleIntercept \(0028,1052\) is 1e\+40"),
            ({"slope": "-3e5"}, r"RescaleSlope \(0028,1053\) is -300000"),
        ],
    )
    def test_refused_naming_the_tag(self, tmp_path, header, tag):
        """A rescale no CT has is a CTLabError naming the tag, not OverflowError or inf HU."""
        path = ct_file(tmp_path / "r.dcm", **header)
        with pytest.raises(InvalidDicomError, match=tag + r" in .*r\.dcm, far beyond"):
            load(path)

    def test_per_frame_refused(self, tmp_path):
        """The same in an enhanced CT's Pixel Value Transformation Sequence."""
        path = write(enhanced_ct("1e19"), tmp_path / "e.dcm")
        with pytest.raises(InvalidDicomError, match=r"RescaleSlope .* in frame 1 of .*e\.dcm"):
            load(path)


class TestDeflated:
    def _deflated(self, path):
        ds = pydicom.dcmread(CHEST)
        ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
        pydicom.dcmwrite(path, ds, enforce_file_format=True)
        written = pydicom.dcmread(path)
        return path, apply_modality_lut(written.pixel_array, written)

    def test_file(self, tmp_path):
        """Deflated Explicit VR Little Endian gives pydicom's HU, not 'damaged'."""
        path, expected = self._deflated(tmp_path / "deflated.dcm")
        np.testing.assert_array_equal(load(path).hu, expected)

    def test_bytes(self, tmp_path):
        """The same file uploaded as bytes."""
        path, expected = self._deflated(tmp_path / "deflated.dcm")
        np.testing.assert_array_equal(load(path.read_bytes()).hu, expected)

    def test_series(self, tmp_path):
        """A folder of deflated slices loads as a volume."""
        folder = tmp_path / "scan"
        folder.mkdir()
        for index in range(3):
            ds = ct_dataset(np.full((3, 4), index, np.int16), position=2.5 * index)
            ds.file_meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
            ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = f"1.2.3.{index}"
            write(ds, folder / f"IM{index}")
        image = load(folder)
        np.testing.assert_array_equal(image.hu[:, 0, 0], [-1024, -1023, -1022])


class TestSigned12BitWithoutSignExtension:
    @pytest.mark.parametrize(
        ("signed_values", "intercept"),
        [([-2000, -1000, 40, 1000], 0.0), ([-976, 24, 1064, 2000], -1024.0)],
    )
    def test_kept_signed(self, tmp_path, signed_values, intercept):
        """Signed 12-bit values stored without sign extension (high bits zero) stay signed."""
        values = np.array([signed_values], dtype=np.int16)
        hu = values + int(intercept)
        stored = (values.view(np.uint16) & np.uint16(0x0FFF)).view(np.int16)
        ds = ct_dataset(stored, intercept=intercept, BitsStored=12, HighBit=11)
        with pytest.warns(DataPitfallWarning) as record:
            image = load(write(ds, tmp_path / "s12.dcm"))
        assert not any("its values are unsigned" in str(w.message) for w in record)
        np.testing.assert_array_equal(image.hu, hu)
