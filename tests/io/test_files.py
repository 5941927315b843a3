"""Every file ctlab writes goes through ctlab.io.files.write_atomically: whole or not at all."""

from __future__ import annotations

import numpy as np
import pytest

import ctlab
from ctlab.core.errors import ExportError
from ctlab.io.files import PARTIAL, write_atomically
from ctlab.io.write import write_series

HU = np.array([[[-1000, -80], [40, 700]]] * 2, np.int16)


def _leftovers(folder):
    return [path for path in folder.rglob("*") if path.name.endswith(PARTIAL)]


def test_dicom_series_slice_that_cannot_be_written(tmp_path):
    """A folder in a slice's place: the error names the slice file; no partial file stays."""
    (tmp_path / "slice_000.dcm").mkdir()
    with pytest.raises(ExportError, match=f"cannot write {tmp_path / 'slice_000.dcm'}: "):
        write_series(ctlab.CTImage(HU, spacing=(1.0, 1.0, 1.0)), tmp_path, overwrite=True)
    assert not _leftovers(tmp_path)


def test_label_slice_that_cannot_be_written(tmp_path):
    """A folder in a label slice's place: the error names the label file; no partial file stays."""
    blocker = tmp_path / "out" / "labels" / "slice_0000.png"
    blocker.mkdir(parents=True)
    image = ctlab.CTImage(HU, spacing=(1.0, 1.0, 1.0))
    with pytest.raises(ExportError, match=f"cannot write {blocker}: "):
        ctlab.export(image, tmp_path / "out", labels=np.zeros(HU.shape, np.uint8), overwrite=True)
    assert not _leftovers(tmp_path)


def test_an_error_while_writing_leaves_no_file(tmp_path):
    """An error from the writer itself (not the file system) goes to the caller; no file stays."""

    def fail(file):
        file.write(b"half")
        raise ValueError("encoder failed")

    with pytest.raises(ValueError, match="encoder failed"):
        write_atomically(tmp_path / "x.png", fail)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".png", ".npy"])
def test_label_slices_round_trip_exactly(tmp_path, suffix):
    """8- and 16-bit label values come back exactly from the written files."""
    from PIL import Image

    from ctlab.io.labels import save_label_slice

    for labels in (
        np.array([[0, 3], [255, 1]], np.uint8),
        np.array([[0, 300], [65535, 1]], np.uint16),
    ):
        path = tmp_path / f"slice_{labels.dtype}{suffix}"
        save_label_slice(labels, path)
        back = np.load(path) if suffix == ".npy" else np.asarray(Image.open(path))
        np.testing.assert_array_equal(back, labels)
    assert not _leftovers(tmp_path)
