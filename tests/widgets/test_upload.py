"""Tests for ScanUpload: the warning first, uploads loaded in memory, errors as messages."""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pytest
from pydicom.data import get_testdata_file

import ctlab
from ctlab.widgets.upload import ScanUpload, summary_text
from tests.helpers.dicom import ct_dataset, write


def upload_value(*files: tuple[str, bytes]) -> list[dict]:
    """What the browser sends: FileUpload value items for (name, bytes) pairs."""
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    return [
        {
            "name": name,
            "type": "",
            "size": len(data),
            "content": memoryview(data),
            "last_modified": now,
        }
        for name, data in files
    ]


def read(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


@pytest.fixture
def widget():
    return ScanUpload()


@pytest.fixture
def volume_pixels() -> np.ndarray:
    """Stored values of a 6-slice 12 x 16 volume (HU = stored - 1024)."""
    return np.random.default_rng(3).integers(0, 3000, size=(6, 12, 16)).astype(np.int16)


@pytest.fixture
def series_files(tmp_path, volume_pixels) -> list[tuple[str, bytes]]:
    """The volume as (name, bytes) of one file per slice, names in shuffled order."""
    names = np.random.default_rng(1).permutation(len(volume_pixels))
    files = []
    for index, pixels in enumerate(volume_pixels):
        path = write(
            ct_dataset(pixels, position=2.5 * index, instance=index + 1),
            tmp_path / f"IM{names[index]:04d}",
        )
        files.append((path.name, read(path)))
    return files


class TestLayout:
    def test_warning_comes_first(self, widget):
        """The patient-data warning is the first child, above the upload button."""
        warning, button = widget.children[:2]
        assert warning is widget.warning
        assert "ctlab-upload-button" in button._dom_classes
        text = warning.value
        for phrase in (
            "Patient data",
            "De-identify scans before they go on a shared server",
            "Binder",
            "never writes",
            "to disk",
            "memory only",
            "Nothing identifying is shown",
        ):
            assert phrase in text, phrase

    def test_button_accepts_several_files_of_any_name(self, widget):
        """Several files at once; no filter, so DICOM files without extension can be chosen."""
        button = widget.children[1]
        assert button.multiple is True
        assert button.accept == ""

    def test_nothing_loaded_yet(self, widget):
        """Before an upload there is no image, no summary and no message."""
        assert widget.image is None and widget.summary == "" and widget.message == ""
        assert "ctlab-scan-upload" in widget._dom_classes


class TestUpload:
    def test_real_file(self, widget):
        """Uploading CT_small.dcm gives the same image as loading it from disk."""
        path = get_testdata_file("CT_small.dcm")
        widget.children[1].value = upload_value(("CT_small.dcm", read(path)))
        expected = ctlab.load(path)
        np.testing.assert_array_equal(widget.image.hu, expected.hu)
        assert widget.message == ""
        assert widget.summary == summary_text(expected)
        assert widget.summary.startswith(repr(expected))
        assert "rescale_intercept: -1024.0" in widget.summary

    def test_summary_shown_redacted(self, widget, tmp_path):
        """The summary on screen holds the technical facts and no patient identifier."""
        path = write(ct_dataset(np.zeros((4, 4), np.int16)), tmp_path / "IM1")
        widget.children[1].value = upload_value(("IM1", read(path)))
        shown = widget.children[2].value
        assert "4 x 4 voxels" in shown and "spacing_mm" in shown
        for identifier in ("Doe^Jane", "ID-SECRET-42"):
            assert identifier not in shown and identifier not in widget.summary

    def test_series(self, widget, series_files, volume_pixels):
        """A series uploaded as many files loads as one volume."""
        widget.children[1].value = upload_value(*series_files)
        np.testing.assert_array_equal(widget.image.hu, volume_pixels - 1024)

    def test_raw_files_dropped(self, widget):
        """Once read, the uploaded bytes are cleared from the button's value."""
        data = read(get_testdata_file("CT_small.dcm"))
        widget.children[1].value = upload_value(("CT_small.dcm", data))
        assert widget.children[1].value == ()
        assert widget.image is not None

    def test_image_is_observable(self, widget):
        """Observers of image hear about a new scan."""
        seen = []
        widget.observe(lambda change: seen.append(change["new"]), names="image")
        widget.children[1].value = upload_value(
            ("CT_small.dcm", read(get_testdata_file("CT_small.dcm")))
        )
        assert len(seen) == 1 and seen[0].shape == (128, 128)

    def test_skipped_files_noted(self, widget, series_files):
        """A stray non-DICOM file among the slices is skipped, and the note is shown."""
        widget.children[1].value = upload_value(*series_files, ("notes.txt", b"notes\n" * 50))
        assert widget.image.shape == (6, 12, 16)
        assert "skipped 1 not DICOM in the 7 uploaded files" in widget.message

    def test_nothing_written(self, widget, tmp_path, monkeypatch):
        """An upload leaves the working folder, HOME and TMPDIR empty."""
        data = read(get_testdata_file("CT_small.dcm"))
        for variable in ("HOME", "TMPDIR", "TMP", "TEMP"):
            monkeypatch.setenv(variable, str(tmp_path))
        monkeypatch.chdir(tmp_path)
        widget.children[1].value = upload_value(("CT_small.dcm", data))
        assert widget.image is not None and os.listdir(tmp_path) == []


class TestErrors:
    def test_not_dicom(self, widget):
        """A text file gives its CTLabError message, naming it, and no traceback."""
        widget.children[1].value = upload_value(("notes.txt", b"hello\n" * 100))
        assert widget.image is None
        assert widget.message.startswith("notes.txt is not a DICOM file")
        (output,) = widget.children[3].outputs
        assert output["output_type"] == "stream" and output["text"] == widget.message
        assert "Traceback" not in output["text"]

    def test_mr_refused(self, widget, tmp_path):
        """An MR image says only CT has HU."""
        path = write(ct_dataset(np.zeros((2, 2), np.int16), modality="MR"), tmp_path / "mr.dcm")
        widget.children[1].value = upload_value(("mr.dcm", read(path)))
        assert "mr.dcm is magnetic resonance" in widget.message

    def test_error_after_success_clears_image(self, widget):
        """A failed upload after a good one leaves no stale image or summary."""
        good = read(get_testdata_file("CT_small.dcm"))
        widget.children[1].value = upload_value(("CT_small.dcm", good))
        widget.children[1].value = upload_value(("cut.dcm", good[:200]))
        assert widget.image is None and widget.children[2].value == ""
        assert "cut.dcm" in widget.message

    def test_memory_limit(self, series_files):
        """memory_limit is passed to ctlab.load; the refusal is a message."""
        widget = ScanUpload(memory_limit=100)
        widget.children[1].value = upload_value(*series_files)
        assert "the memory_limit you set" in widget.message and widget.image is None
