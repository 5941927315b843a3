"""The loader's fast paths give exactly what the general paths give."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from pydicom.data import get_testdata_file
from pydicom.pixels import pixel_array

from ctlab.core.errors import InvalidDicomError
from ctlab.io.dicom import HUConversion, _decode, _native_pixels, read_header, to_hu
from tests.io.conftest import ct_dataset, write

PLAIN_FILES = ["CT_small.dcm", "693_UNCR.dcm", "693_UNCI.dcm", "explicit_VR-UN.dcm"]


class TestNativePixels:
    @pytest.mark.parametrize("name", PLAIN_FILES)
    def test_real_files_equal_pydicom(self, name):
        """Uncompressed real CT files decode to pydicom's values and shape."""
        path = get_testdata_file(name, download=False)
        if path is None:
            pytest.skip(f"{name} is not installed")
        header = read_header(path)
        expected = pixel_array(header, correct_unused_bits=False)
        np.testing.assert_array_equal(_decode(header, path), expected)
        assert _decode(header, path).dtype == expected.dtype

    @pytest.mark.parametrize("dtype", [np.int16, np.uint16])
    def test_signed_and_unsigned_equal_pydicom(self, dtype, tmp_path):
        """Both pixel representations take the fast path and equal pydicom's decoder."""
        rng = np.random.default_rng(3)
        pixels = rng.integers(np.iinfo(dtype).min, np.iinfo(dtype).max, (6, 5)).astype(dtype)
        header = read_header(write(ct_dataset(pixels), tmp_path / "slice.dcm"))
        assert _native_pixels(header) is not None
        np.testing.assert_array_equal(_native_pixels(header), pixels)
        np.testing.assert_array_equal(pixel_array(header, correct_unused_bits=False), pixels)

    @pytest.mark.parametrize(
        "change",
        [
            {"BitsStored": 20},
            {"SamplesPerPixel": 3},
            {"PixelRepresentation": 2},
            {"NumberOfFrames": 2},
            {"Rows": 7},
        ],
    )
    def test_anything_unusual_goes_to_pydicom(self, change, tmp_path):
        """Odd headers or a length not exactly Rows x Columns x 2 leave the fast path."""
        pixels = np.zeros((6, 5), dtype=np.int16)
        header = read_header(write(ct_dataset(pixels, **change), tmp_path / "odd.dcm"))
        assert _native_pixels(header) is None


class TestToHuInt16:
    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16])
    @pytest.mark.parametrize("intercept", [-1024.0, 0.0, 1000.0, -32768.0, 40000.0])
    def test_equals_int64_arithmetic_or_refuses(self, dtype, intercept, tmp_path, monkeypatch):
        """int16 addition gives the exact HU, or False when they do not fit int16."""
        info = np.iinfo(dtype)
        stored = np.linspace(info.min, info.max, 64).astype(dtype).reshape(8, 8)
        monkeypatch.setattr("ctlab.io.dicom._decode", lambda *args, **kwargs: stored)
        conversion = HUConversion(1.0, intercept)
        header = ct_dataset(np.zeros((8, 8), dtype=np.int16))
        header.BitsStored = 8 * np.dtype(dtype).itemsize
        out = np.zeros((8, 8), dtype=np.int16)
        exact = stored.astype(np.int64) + int(intercept)
        fits = exact.min() >= -32768 and exact.max() <= 32767
        assert to_hu(header, tmp_path / "x.dcm", conversion, out) == fits
        if fits:
            np.testing.assert_array_equal(out, exact)
        else:
            assert not out.any()


class TestConvertedValues:
    def test_damaged_value_after_a_good_one_still_refused(self, tmp_path):
        """A value seen intact in one file is still converted, and refused, when damaged in the next."""
        pixels = np.zeros((4, 4), dtype=np.int16)
        good = write(ct_dataset(pixels), tmp_path / "good.dcm")
        assert read_header(good).SamplesPerPixel == 1  # converted and remembered
        data = good.read_bytes()
        samples = b"\x28\x00\x02\x00US\x02\x00\x01\x00"  # (0028,0002) US, 2 bytes: 1
        assert data.count(samples) == 1
        damaged = tmp_path / "damaged.dcm"
        damaged.write_bytes(data.replace(samples, b"\x28\x00\x02\x00US\x03\x00\x01\x00\x00"))
        with pytest.raises(InvalidDicomError, match="damaged.dcm"):
            read_header(damaged)

    def test_values_that_warned_are_not_skipped(self, tmp_path):
        """A value pydicom warns about is converted in every file, so no warning escapes later."""
        pixels = np.zeros((4, 4), dtype=np.int16)
        headers = []
        for instance in (1, 2):
            ds = ct_dataset(pixels, instance=instance)
            ds.add_new(0x00200012, "IS", 1)
            ds[0x00200012]._value = "1.5"  # Acquisition Number: pydicom warns, not an integer
            headers.append(read_header(write(ds, tmp_path / f"{instance}.dcm")))
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            assert headers[1].AcquisitionNumber == 1.5

    def test_headers_read_twice_have_the_same_values(self):
        """Skipping a known value changes nothing a reader of the header sees."""
        path = get_testdata_file("CT_small.dcm", download=False)
        first, second = read_header(path), read_header(path)
        assert [(e.tag, e.VR, e.value) for e in first if e.tag != 0x7FE00010] == [
            (e.tag, e.VR, e.value) for e in second if e.tag != 0x7FE00010
        ]
