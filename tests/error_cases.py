"""Crafted inputs that make ctlab meet one error or warning each.

Small DICOM files and folders built with pydicom (on top of
``tests.helpers.dicom.ct_dataset``) or cut from pydicom's own test files, used
by ``tests/test_error_catalogue_entries.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, MediaStorageDirectoryStorage, RLELossless

import ctlab
from ctlab import CTImage
from tests.helpers.dicom import ct_dataset, write

__all__ = [
    "ABDOMEN_J2K",
    "CHEST",
    "ct_file",
    "dicomdir",
    "enhanced_ct",
    "label_scan",
    "quiet_pydicom",
    "rle_chest",
    "series",
    "with_pixel_data_length",
]

#: pydicom's small chest CT slice (128 x 128, uncompressed).
CHEST = get_testdata_file("CT_small.dcm", download=False)
#: pydicom-data's abdominal CT slice (512 x 512, JPEG 2000 in two fragments).
ABDOMEN_J2K = get_testdata_file("explicit_VR-UN.dcm", download=False)

_PIXEL_DATA_OW = b"\xe0\x7f\x10\x00OW\x00\x00"


@contextmanager
def quiet_pydicom() -> Iterator[None]:
    """Silence pydicom's own UserWarnings about the invalid values a test writes on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def ct_file(
    path: Path, pixels: np.ndarray | None = None, *, missing: Sequence[str] = (), **kwargs
) -> Path:
    """Write one small CT slice (default 3 x 4 zeros) with ``kwargs`` as in ``ct_dataset``.

    ``missing`` names elements (keywords) to leave out of the file.
    """
    pixels = np.zeros((3, 4), np.int16) if pixels is None else pixels
    with quiet_pydicom():
        ds = ct_dataset(pixels, **kwargs)
        for keyword in missing:
            delattr(ds, keyword)
        return write(ds, path)


def series(folder: Path, count: int = 3, **kwargs) -> Path:
    """A folder of ``count`` CT slices 2.5 mm apart (``kwargs`` go to every slice)."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        options = {"position": 2.5 * index, "instance": index + 1, **kwargs}
        ct_file(folder / f"IM{index:04d}", **options)
    return folder


def enhanced_ct(slope: object, *, frames: int = 2) -> Dataset:
    """An enhanced multi-frame CT whose per-frame Pixel Value Transformation has ``slope``."""
    pixels = np.zeros((frames, 3, 4), np.int16)
    with quiet_pydicom():
        ds = ct_dataset(pixels[0], position=None, slope=None, intercept=None)
        ds.NumberOfFrames = frames
        ds.PixelData = pixels.tobytes()
        per_frame = []
        for frame in range(frames):
            item, position, transform = Dataset(), Dataset(), Dataset()
            position.ImagePositionPatient = [0, 0, float(frame)]
            item.PlanePositionSequence = [position]
            transform.RescaleSlope, transform.RescaleIntercept = slope, -1024
            item.PixelValueTransformationSequence = [transform]
            per_frame.append(item)
        ds.PerFrameFunctionalGroupsSequence = per_frame
    return ds


def with_pixel_data_length(path: Path, length: int) -> Path:
    """Rewrite the declared length of the (explicit VR, OW) Pixel Data element of ``path``."""
    data = bytearray(path.read_bytes())
    start = data.index(_PIXEL_DATA_OW) + len(_PIXEL_DATA_OW)
    data[start : start + 4] = length.to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def rle_chest(path: Path, **header) -> Path:
    """The chest slice RLE-compressed, with the ``header`` values changed."""
    ds = pydicom.dcmread(CHEST)
    ds.compress(RLELossless)
    for keyword, value in header.items():
        setattr(ds, keyword, value)
    ds.save_as(path, enforce_file_format=True)
    return path


def label_scan(folder: Path) -> tuple[CTImage, list[Path]]:
    """A 4 x 16 x 16 phantom written as a DICOM series into ``folder`` and loaded back."""
    from ctlab.data.synthetic.phantom import make_phantom
    from ctlab.io.write import write_series

    files = write_series(make_phantom(n_slices=4, size=16), folder)
    return ctlab.load(folder), files


def dicomdir(path: Path) -> Path:
    """A minimal DICOMDIR at ``path``: the Media Storage Directory SOP Class, no records."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = MediaStorageDirectoryStorage
    meta.MediaStorageSOPInstanceUID = "1.2.3.4.5"
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.FileSetID = "SCAN"
    ds.DirectoryRecordSequence = []
    ds.save_as(path, enforce_file_format=True)
    return path
