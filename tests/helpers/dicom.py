"""Tiny DICOM files built with pydicom: the CT slices the io, fuzz, privacy and error tests craft."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage, generate_uid

SERIES_UID = "1.2.826.0.1.3680043.8.498.1"

#: The real CT slices pydicom and pydicom-data ship that the io tests load.
REAL_FILES = ["CT_small.dcm", "explicit_VR-UN.dcm", "693_UNCR.dcm"]


def ct_dataset(
    pixels: np.ndarray,
    *,
    position: float | None = 0.0,
    slope: float | None = 1.0,
    intercept: float | None = -1024.0,
    modality: str = "CT",
    series_uid: str = SERIES_UID,
    series_number: int = 1,
    instance: int = 1,
    **extra,
) -> Dataset:
    """A minimal, valid CT (or other modality) slice holding ``pixels`` as stored values."""
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage if modality == "CT" else MRImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid(entropy_srcs=[series_uid, str(instance)])
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = modality
    ds.PatientName = "Doe^Jane"
    ds.PatientID = "ID-SECRET-42"
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = series_number
    ds.SeriesDescription = f"test series {series_number}"
    ds.InstanceNumber = instance
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 1 if pixels.dtype == np.int16 else 0
    ds.PixelSpacing = [0.5, 0.75]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    if position is not None:
        ds.ImagePositionPatient = [-10.0, -20.0, position]
    if slope is not None:
        ds.RescaleSlope = slope
    if intercept is not None:
        ds.RescaleIntercept = intercept
    for keyword, value in extra.items():
        setattr(ds, keyword, value)
    ds.PixelData = np.ascontiguousarray(pixels).tobytes()
    return ds


def write(ds: Dataset, path: Path) -> Path:
    """Save ``ds`` as a DICOM file (with preamble and meta header) at ``path``."""
    ds.save_as(path, enforce_file_format=True)
    return path
