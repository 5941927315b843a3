"""Tests for ctlab.load on in-memory DICOM data: bytes, file objects and uploads."""

from __future__ import annotations

import builtins
import io
import os
import warnings
from types import SimpleNamespace

import numpy as np
import pytest
from pydicom.data import get_testdata_file

from ctlab import load
from ctlab.core.errors import (
    CTLabError,
    InvalidDicomError,
    MemoryBudgetError,
    NoPixelDataError,
    NotHounsfieldError,
    SeriesError,
    SeriesWarning,
)
from tests.helpers.dicom import REAL_FILES, ct_dataset, write


def file_bytes(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def upload_item(name: str, data: bytes):
    """What ipywidgets.FileUpload().value holds: a dict with attribute access."""

    class Bunch(dict):
        __getattr__ = dict.__getitem__

    return Bunch(name=name, type="", size=len(data), content=memoryview(data))


def same_image(a, b) -> None:
    assert a.hu.dtype == b.hu.dtype
    np.testing.assert_array_equal(a.hu, b.hu)
    assert a.spacing == b.spacing
    assert a.windows == b.windows
    assert a.default_window == b.default_window
    assert a.padding_range == b.padding_range
    assert a.slice_positions == b.slice_positions
    assert dict(a.info) == dict(b.info)


def forbid_writes(monkeypatch) -> None:
    """From now on in this test, fail any attempt to open a file for writing."""
    real_open = builtins.open

    def guarded(file, mode="r", *args, **kwargs):
        if any(flag in mode for flag in "wax+"):
            raise AssertionError(f"ctlab tried to write {file!r} (mode {mode!r})")
        return real_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded)
    monkeypatch.setattr(io, "open", guarded)


class TestOneFile:
    @pytest.mark.parametrize("name", REAL_FILES)
    def test_bytes_equal_disk(self, name):
        """A real file's bytes give the same CTImage as the file on disk."""
        path = get_testdata_file(name)
        same_image(load(file_bytes(path), name=name), load(path))

    @pytest.mark.parametrize(
        "wrap",
        [bytearray, memoryview, io.BytesIO, lambda data: [data]],
        ids=["bytearray", "memoryview", "BytesIO", "list of one"],
    )
    def test_every_in_memory_form(self, wrap):
        """bytearray, memoryview, BytesIO and a one-item list all load the same slice."""
        path = get_testdata_file("693_UNCR.dcm")
        same_image(load(wrap(file_bytes(path))), load(path))

    def test_upload_item(self):
        """An ipywidgets FileUpload value (items with .name and .content) loads."""
        path = get_testdata_file("CT_small.dcm")
        image = load([upload_item("CT_small.dcm", file_bytes(path))])
        same_image(image, load(path))

    def test_object_with_name_and_content(self):
        """Any object with name and content attributes counts as an upload."""
        path = get_testdata_file("CT_small.dcm")
        item = SimpleNamespace(name="scan.dcm", content=file_bytes(path))
        same_image(load(item), load(path))

    def test_input_not_modified(self):
        """The uploaded bytes are read in place and left unchanged."""
        data = bytearray(file_bytes(get_testdata_file("CT_small.dcm")))
        before = bytes(data)
        load(data)
        assert bytes(data) == before

    def test_no_identifiers(self):
        """The upload's name is used, but no patient identifier reaches repr or info."""
        image = load(file_bytes(get_testdata_file("CT_small.dcm")), name="mine.dcm")
        text = repr(image) + repr(dict(image.info))
        assert "CompressedSamples" not in text


class TestSeriesInMemory:
    def test_folder_as_list_of_bytes(self, series_folder, volume_pixels):
        """A folder's files as a list of bytes give the same volume as the folder."""
        from_disk = load(series_folder)
        uploads = [file_bytes(p) for p in sorted(series_folder.iterdir())]
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            from_memory = load(uploads)
        same_image(from_memory, from_disk)
        np.testing.assert_array_equal(from_memory.hu, volume_pixels - 1024)

    def test_phantom_series_as_uploads(self, tmp_path):
        """The phantom written as a series, uploaded as FileUpload items, loads back equal."""
        import ctlab

        folder = ctlab.data.phantom_series(tmp_path / "p")
        uploads = [upload_item(p.name, file_bytes(p)) for p in sorted(folder.iterdir())]
        same_image(load(uploads), load(folder))

    def test_junk_upload_skipped_with_its_count(self, series_folder):
        """A non-DICOM upload among the slices is skipped, as in a folder, with a warning."""
        uploads = [upload_item(p.name, file_bytes(p)) for p in sorted(series_folder.iterdir())]
        uploads.append(upload_item("notes.txt", b"scan notes\n" * 30))
        with pytest.warns(SeriesWarning, match=r"skipped 1 not DICOM in the 11 uploaded files"):
            image = load(uploads)
        assert image.shape == (10, 12, 16)

    def test_duplicate_named_by_upload(self, tmp_path, volume_pixels):
        """A duplicate slice is named by its upload's name."""
        uploads = [
            upload_item(
                f"s{k}.dcm",
                file_bytes(write(ct_dataset(volume_pixels[k], position=k), tmp_path / f"s{k}")),
            )
            for k in range(3)
        ]
        twin = write(ct_dataset(volume_pixels[1], position=1.0, instance=9), tmp_path / "twin")
        uploads.append(upload_item("twin.dcm", file_bytes(twin)))
        with pytest.warns(SeriesWarning, match=r"twin\.dcm is at the same position"):
            assert load(uploads).shape == (3, 12, 16)

    def test_memory_limit(self, series_folder):
        """The memory limit applies to uploads, naming them."""
        uploads = [file_bytes(p) for p in sorted(series_folder.iterdir())]
        with pytest.raises(MemoryBudgetError, match=r"the 10 uploaded files: 10 x 12 x 16"):
            load(uploads, memory_limit=1000)


class TestBadUploads:
    def test_empty(self):
        """Empty bytes are InvalidDicomError naming the upload."""
        with pytest.raises(InvalidDicomError, match=r"^empty\.dcm is empty \(0 bytes\)"):
            load(b"", name="empty.dcm")

    @pytest.mark.parametrize("content", [b"hello, I am a text file\n" * 20, bytes(range(256)) * 4])
    def test_not_dicom(self, content):
        """Text or random bytes are not DICOM, and the message names the upload."""
        with pytest.raises(
            InvalidDicomError, match=r"^x\.dcm .*not a DICOM file|^x\.dcm has a damaged"
        ):
            load(content, name="x.dcm")

    @pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.99])
    def test_truncated(self, fraction):
        """A real file cut short raises a CTLabError naming the upload."""
        data = file_bytes(get_testdata_file("CT_small.dcm"))
        with pytest.raises(CTLabError, match=r"cut\.dcm"):
            load([upload_item("cut.dcm", data[: int(len(data) * fraction)])])

    def test_same_error_kinds_as_files(self, tmp_path):
        """Each bad file gives the same CTLabError class from bytes as from disk."""
        report = ct_dataset(np.zeros((2, 2), np.int16))
        del report.PixelData
        liar = ct_dataset(np.zeros((4, 4), np.int16))
        liar.Rows = 30000
        cases = {
            "report.dcm": report,
            "mr.dcm": ct_dataset(np.zeros((2, 2), np.int16), modality="MR"),
            "zero.dcm": ct_dataset(np.zeros((2, 2), np.int16), slope=0.0),
            "liar.dcm": liar,
        }
        kinds = set()
        for name, dataset in cases.items():
            path = write(dataset, tmp_path / name)
            with pytest.raises(CTLabError) as from_disk:
                load(path)
            with pytest.raises(CTLabError, match=name.replace(".", r"\.")) as from_memory:
                load(file_bytes(path), name=name)
            assert type(from_memory.value) is type(from_disk.value), name
            assert str(from_memory.value) == str(from_disk.value).replace(str(path), name)
            kinds.add(type(from_memory.value))
        assert kinds == {NoPixelDataError, NotHounsfieldError, InvalidDicomError}

    def test_header_length_clamped(self):
        """An element claiming more bytes than the upload is refused before it is read."""
        data = bytearray(file_bytes(get_testdata_file("CT_small.dcm")))
        # The Pixel Data length field (explicit VR OW: 4 reserved bytes, then the length).
        at = data.rfind(b"\xe0\x7f\x10\x00")
        data[at + 8 : at + 12] = (0x7FFFFFF0).to_bytes(4, "little")
        with pytest.raises(InvalidDicomError, match=r"^big\.dcm: element \(7FE0,0010\) declares"):
            load(data, name="big.dcm")

    def test_text_file_object_refused(self):
        """A file object opened in text mode says to open it in binary mode."""
        with pytest.raises(InvalidDicomError, match=r"scan\.dcm holds str, not bytes.*'rb'"):
            load(io.StringIO("DICM"), name="scan.dcm")

    def test_unnamed_items_are_numbered(self):
        """Unnamed bytes in a list are called 'uploaded file #k'."""
        with pytest.raises(SeriesError, match=r"no CT images in the 2 uploaded files .*upload the"):
            load([b"junk" * 100, b"more junk" * 100])

    def test_paths_and_bytes_not_mixed(self, series_folder):
        """A list mixing paths and bytes is refused, naming the path's position."""
        first = sorted(series_folder.iterdir())[0]
        with pytest.raises(SeriesError, match=r"item 2 of the list .* is a path"):
            load([file_bytes(first), first])

    def test_name_with_a_path_refused(self):
        """name= with a path is an error: a path names itself."""
        with pytest.raises(CTLabError, match=r"name='x' is for in-memory data"):
            load(get_testdata_file("CT_small.dcm"), name="x")

    def test_other_types_refused(self):
        """Something that is neither a path nor bytes is a CTLabError saying what to pass."""
        with pytest.raises(CTLabError, match=r"cannot read a int; pass a path"):
            load(3)  # type: ignore[arg-type]


class TestNothingWritten:
    def test_no_file_opened_for_writing(self, monkeypatch, series_folder):
        """Loading a slice and a series from memory opens nothing for writing."""
        uploads = [file_bytes(p) for p in sorted(series_folder.iterdir())]
        single = file_bytes(get_testdata_file("explicit_VR-UN.dcm"))
        forbid_writes(monkeypatch)
        assert load(uploads).shape == (10, 12, 16)
        assert load(single, name="abdomen.dcm").shape == (512, 512)

    def test_no_file_created(self, tmp_path, monkeypatch):
        """A load from memory creates no file in the working folder, HOME or TMPDIR."""
        for variable in ("HOME", "TMPDIR", "TMP", "TEMP"):
            monkeypatch.setenv(variable, str(tmp_path))
        monkeypatch.chdir(tmp_path)
        data = file_bytes(get_testdata_file("693_UNCR.dcm"))
        load(data, name="head.dcm")
        load([upload_item("head.dcm", data)])
        assert os.listdir(tmp_path) == []

    def test_no_file_looked_up_by_upload_name(self, tmp_path, monkeypatch):
        """A file on disk with the upload's name is never read instead of the upload."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "scan.dcm").write_bytes(b"not the upload")
        data = file_bytes(get_testdata_file("CT_small.dcm"))
        same_image(load(data, name="scan.dcm"), load(get_testdata_file("CT_small.dcm")))


def outcome(source, **kwargs) -> tuple[str, str]:
    """('loaded', shape and HU checksum) or ('refused', error class) for one load."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = load(source, **kwargs)
        except CTLabError as error:
            return "refused", type(error).__name__
    return "loaded", f"{image.shape} {int(np.asarray(image.hu, dtype=np.int64).sum())}"


class TestDamagedBytesLikeDamagedFiles:
    @pytest.mark.parametrize("name", ["CT_small.dcm", "693_UNCR.dcm"])
    def test_mutations_same_outcome(self, tmp_path, name):
        """Cut, overwritten or flipped bytes end the same from memory as from disk."""
        data = file_bytes(get_testdata_file(name))
        rng = np.random.default_rng(11)
        for case in range(40):
            damaged = bytearray(data)
            kind = case % 3
            if kind == 0:
                damaged = damaged[: int(rng.integers(1, len(data)))]
            elif kind == 1:
                at = int(rng.integers(0, min(len(data), 2000)))
                damaged[at : at + 4] = rng.integers(0, 256, 4, dtype=np.uint8).tobytes()
            else:
                for at in rng.integers(0, len(data), 8):
                    damaged[int(at)] ^= 1 << int(rng.integers(0, 8))
            path = tmp_path / f"case{case}.dcm"
            path.write_bytes(bytes(damaged))
            from_disk = outcome(path)
            from_memory = outcome(bytes(damaged), name=path.name)
            assert from_memory == from_disk, (case, from_disk, from_memory)
