"""The loader's fast paths give exactly what the general paths give."""

from __future__ import annotations

import gc
import os
import warnings

import numpy as np
import pytest
from pydicom.data import get_testdata_file
from pydicom.pixels import pixel_array

from ctlab import load
from ctlab.core.errors import InvalidDicomError, SeriesError
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.header import _read_head, read_header
from ctlab.io.pixels import HUConversion, _decode, _native_pixels, _read_stored, check_ct, write_hu
from ctlab.io.write import write_series
from tests.helpers.dicom import ct_dataset, write

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
        monkeypatch.setattr("ctlab.io.pixels._decode", lambda *args, **kwargs: stored)
        conversion = HUConversion(1.0, intercept)
        header = ct_dataset(np.zeros((8, 8), dtype=np.int16))
        header.BitsStored = 8 * np.dtype(dtype).itemsize
        out = np.zeros((8, 8), dtype=np.int16)
        exact = stored.astype(np.int64) + int(intercept)
        fits = exact.min() >= -32768 and exact.max() <= 32767
        assert write_hu(header, tmp_path / "x.dcm", conversion, out).fits_int16 == fits
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


def _elements(header):
    """Every element's tag, VR and value but the pixels, for comparing two parses."""
    return [(e.tag, e.VR, e.value) for e in header if e.tag != 0x7FE00010]


def _whole_file_parse(path, monkeypatch):
    """read_header as it reads a file whose head is not enough: through _ClampedFile."""
    with monkeypatch.context() as patch:
        patch.setattr("ctlab.io.header._read_head", lambda *args: None)
        return read_header(path)


class TestReadHead:
    def test_plain_file_parsed_from_its_head(self, tmp_path, monkeypatch):
        """A slice whose deferred pixels end the file is parsed from its head, as from the file."""
        pixels = np.arange(64 * 64, dtype=np.int16).reshape(64, 64)
        path = write(ct_dataset(pixels), tmp_path / "slice.dcm")
        size = path.stat().st_size
        head = path.read_bytes()[:2048]
        assert size > len(head)
        from_head = _read_head(head, path, size, True, path.stat().st_mtime)
        assert from_head is not None
        assert _elements(from_head) == _elements(_whole_file_parse(path, monkeypatch))
        np.testing.assert_array_equal(_decode(from_head, path), pixels)

    def test_elements_after_the_pixels_read_from_the_file(self, tmp_path, monkeypatch):
        """Elements after Pixel Data are beyond the head: the whole file is parsed and keeps them."""
        pixels = np.zeros((64, 64), dtype=np.int16)
        path = write(
            ct_dataset(pixels, DataSetTrailingPadding=b"\x00" * 8), tmp_path / "padded.dcm"
        )
        monkeypatch.setattr("ctlab.io.header._HEAD_SIZE", 2048)  # the pixels, not the padding
        head = path.read_bytes()[:2048]
        assert _read_head(head, path, path.stat().st_size, True, 0.0) is None
        header = read_header(path)
        assert "DataSetTrailingPadding" in header
        assert _elements(header) == _elements(_whole_file_parse(path, monkeypatch))

    @pytest.mark.parametrize("cut", [-700, -300, -12, -1])
    def test_header_longer_than_the_head(self, cut, tmp_path, monkeypatch):
        """A head ending before the Pixel Data value starts is not enough: the file is parsed."""
        pixels = np.zeros((64, 64), dtype=np.int16)
        path = write(ct_dataset(pixels), tmp_path / "slice.dcm")
        whole = _whole_file_parse(path, monkeypatch)
        start = whole.get_item(0x7FE00010, keep_deferred=True).value_tell
        data, size = path.read_bytes(), path.stat().st_size
        assert _read_head(data[:start], path, size, True, 0.0) is not None
        assert _read_head(data[: start + cut], path, size, True, 0.0) is None
        monkeypatch.setattr("ctlab.io.header._HEAD_SIZE", start + cut)
        assert _elements(read_header(path)) == _elements(whole)

    @pytest.mark.parametrize("name", PLAIN_FILES)
    def test_real_files_equal_whole_file_parse(self, name, monkeypatch):
        """The shipped real CT files give the same header either way."""
        path = get_testdata_file(name, download=False)
        if path is None:
            pytest.skip(f"{name} is not installed")
        assert _elements(read_header(path)) == _elements(_whole_file_parse(path, monkeypatch))


def _native_case(tmp_path, pixels, name="slice.dcm", **change):
    """A written slice, its header and HU conversion, as the loader has them."""
    path = write(ct_dataset(pixels, **change), tmp_path / name)
    header = read_header(path)
    return path, header, check_ct(header, path)


def _through_pydicom(monkeypatch):
    """Make write_hu decode every slice through pydicom, never reading it straight into out."""
    monkeypatch.setattr("ctlab.io.pixels._read_stored", lambda *args: None)


class TestReadStored:
    @pytest.mark.parametrize("dtype", [np.int16, np.uint16])
    @pytest.mark.parametrize("intercept", [-1024.0, 0.0, 7.0])
    def test_equals_write_hu(self, dtype, intercept, tmp_path, monkeypatch):
        """Read straight into the volume, the HU equal write_hu's through pydicom."""
        rng = np.random.default_rng(11)
        pixels = rng.integers(0, 4000, (64, 48)).astype(dtype)
        path, header, conversion = _native_case(tmp_path, pixels, intercept=intercept)
        fast = np.empty((64, 48), dtype=np.int16)
        assert _read_stored(header, path, fast) is not None
        lowest = write_hu(header, path, conversion, fast).lowest
        _through_pydicom(monkeypatch)
        general = np.empty((64, 48), dtype=np.int16)
        assert write_hu(read_header(path), path, conversion, general).fits_int16
        np.testing.assert_array_equal(fast, general)
        np.testing.assert_array_equal(fast, pixels.astype(np.int64) + int(intercept))
        assert lowest == general.min()

    @pytest.mark.parametrize(
        ("stored", "change"),
        [
            (np.full((64, 48), 5000, dtype=np.uint16), {"BitsStored": 12}),  # high bits
            (np.full((64, 48), 32000, dtype=np.int16), {"RescaleIntercept": 1000}),  # > int16
            (np.full((64, 48), 100, dtype=np.int16), {"RescaleSlope": 2}),
            (np.full((64, 48), 100, dtype=np.int16), {"RescaleIntercept": 0.5}),
        ],
    )
    def test_pitfalls_and_other_rescales_as_through_pydicom(
        self, stored, change, tmp_path, monkeypatch
    ):
        """Pitfalls, other rescales and HU beyond int16 give what they give through pydicom."""
        path, header, _ = _native_case(tmp_path, stored, **change)
        assert _read_stored(header, path, np.empty(stored.shape, dtype=np.int16)) is not None
        results = []
        for reads_straight in (True, False):
            if not reads_straight:
                _through_pydicom(monkeypatch)
            conversion = check_ct(read_header(path), path)
            out = np.empty(stored.shape, dtype=np.int16)
            written = write_hu(read_header(path), path, conversion, out)
            if not written.fits_int16:  # as the loader does: float32 from then on
                out = np.empty(stored.shape, dtype=np.float32)
                written = write_hu(read_header(path), path, conversion, out)
            results.append((out, written.lowest, conversion.corrections))
        (fast, fast_lowest, fast_notes), (general, general_lowest, general_notes) = results
        np.testing.assert_array_equal(fast, general)
        assert fast.dtype == general.dtype
        assert fast_lowest == general_lowest and fast_notes == general_notes

    @pytest.mark.parametrize(
        ("stored", "change"),
        [
            (np.full((64, 48), 100, dtype=np.int16), {"BitsStored": 20}),
            (np.full((8, 8), 100, dtype=np.int16), {}),  # pixels too small to be deferred
        ],
    )
    def test_anything_less_plain_left_to_pydicom(self, stored, change, tmp_path):
        """Odd bit depths and pixels already in the header are not read straight from disk."""
        path, header, _ = _native_case(tmp_path, stored, **change)
        assert _read_stored(header, path, np.empty(stored.shape, dtype=np.int16)) is None

    def test_float_volume_or_other_shape_left_to_pydicom(self, tmp_path):
        """Only an int16 row of the header's shape is filled."""
        path, header, _ = _native_case(tmp_path, np.zeros((64, 48), dtype=np.int16))
        assert _read_stored(header, path, np.empty((64, 48), np.float32)) is None
        assert _read_stored(header, path, np.empty((48, 64), np.int16)) is None

    def test_file_changed_or_cut_after_its_header_was_read(self, tmp_path):
        """A file rewritten or truncated since read_header goes to pydicom, which reports it."""
        path, header, _ = _native_case(tmp_path, np.zeros((64, 48), dtype=np.int16))
        out = np.empty((64, 48), dtype=np.int16)
        data = path.read_bytes()
        path.write_bytes(data[:-100])
        os.utime(path, (header.timestamp, header.timestamp))
        assert path.stat().st_mtime == header.timestamp  # so only the length differs
        assert _read_stored(header, path, out) is None  # short read
        path.write_bytes(data)
        os.utime(path, (0, header.timestamp + 10))
        assert _read_stored(header, path, out) is None  # modified


class TestLoadFastPath:
    def test_series_equals_general_path(self, tmp_path, monkeypatch):
        """A phantom series loads to the same HU with and without reading straight into it."""
        files = write_series(make_phantom(n_slices=4, size=64), tmp_path / "series")
        taken = []

        def spy(*args):
            taken.append(_read_stored(*args))
            return taken[-1]

        monkeypatch.setattr("ctlab.io.pixels._read_stored", spy)
        fast = load(tmp_path / "series")
        assert len(taken) == len(files) and not any(stored is None for stored in taken)
        _through_pydicom(monkeypatch)
        general = load(tmp_path / "series")
        np.testing.assert_array_equal(fast.hu, general.hu)
        assert fast.hu.dtype == general.hu.dtype == np.int16
        assert fast.padding_range == general.padding_range

    def test_lowest_hu_marks_padding(self, tmp_path):
        """The lowest HU of slices read straight into the volume marks what lies below -1024."""
        folder = tmp_path / "series"
        folder.mkdir()
        stored = np.full((3, 64, 64), 1024, dtype=np.int16)  # 0 HU
        stored[1, :4, :4] = -976  # -2000 HU, outside the scanned field
        for index, pixels in enumerate(stored):
            write(ct_dataset(pixels, position=2.0 * index), folder / f"{index}.dcm")
        image = load(folder)
        assert image.hu.min() == -2000
        assert image.padding_range == (-2000.0, -1025.0)


class TestCollectorPaused:
    def test_paused_while_loading(self, series_folder, monkeypatch):
        """The garbage collector is off while the headers are read."""
        seen = []

        def spy(*args, **kwargs):
            seen.append(gc.isenabled())
            return read_header(*args, **kwargs)

        monkeypatch.setattr("ctlab.io.series.read_header", spy)
        load(series_folder)
        assert seen and not any(seen)

    def test_back_on_after_a_load_or_an_error(self, series_folder, tmp_path):
        """load switches the collector back on when it returns and when it raises."""
        assert gc.isenabled()
        load(series_folder)
        assert gc.isenabled()
        (tmp_path / "notes").mkdir()
        (tmp_path / "notes" / "notes.txt").write_text("not DICOM")
        with pytest.raises(SeriesError, match="no CT images"):
            load(tmp_path / "notes")
        assert gc.isenabled()

    def test_callers_choice_kept(self, series_folder):
        """A collector the caller switched off stays off."""
        gc.disable()
        try:
            load(series_folder)
            assert not gc.isenabled()
        finally:
            gc.enable()


class TestOrderSlicesOrientation:
    def _series(self, folder, orientations):
        folder.mkdir()
        pixels = np.zeros((4, 4), dtype=np.int16)
        for index, orientation in enumerate(orientations):
            ds = ct_dataset(pixels, position=2.0 * index, instance=index + 1)
            if orientation is None:
                del ds.ImageOrientationPatient
            else:
                ds.ImageOrientationPatient = orientation
            write(ds, folder / f"{index}.dcm")
        return folder

    def test_cosines_written_differently_still_one_volume(self, tmp_path):
        """Slightly different cosines get their own normal, and parallel ones load."""
        axial, nearly = [1, 0, 0, 0, 1, 0], [1, 0, 0, 0, 0.9999999, 0.0004]
        image = load(self._series(tmp_path / "s", [axial, nearly, axial]))
        assert image.shape == (3, 4, 4)

    @pytest.mark.parametrize(
        "odd", [[0, 1, 0, 0, 0, -1], None, [1, 0, 0, 0, 1, float("nan")], [1, 0, 0]]
    )
    def test_other_or_unusable_orientation_refused(self, odd, tmp_path):
        """A slice with another, a missing or an unusable orientation is not part of the volume."""
        folder = self._series(tmp_path / "s", [[1, 0, 0, 0, 1, 0], odd, [1, 0, 0, 0, 1, 0]])
        with pytest.raises(SeriesError, match="mixes slice orientations"):
            load(folder)
