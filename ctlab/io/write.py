"""Write a CTImage as a real DICOM CT series, byte-for-byte reproducibly.

Used to ship the phantom as ``sample_data/phantom/`` and to give tests and
notebooks a series on disk. Regenerate the shipped copy with::

    python -m ctlab.data sample_data/phantom
"""

from __future__ import annotations

import hashlib
import os
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, CTImageStorage, ExplicitVRLittleEndian, generate_uid
from pydicom.valuerep import DSfloat

from ctlab.core.errors import ExportError, InvalidImageError
from ctlab.core.image import CTImage
from ctlab.io.files import write_atomically

__all__ = ["write_series"]

# ctlab's UIDs are derived from a digest of the content (not random, not
# dated), under pydicom's UID root: the same image gives the same files, and
# different images (another seed) never share a UID.
_UID_PREFIX = "1.2.826.0.1.3680043.8.498."
_IMPLEMENTATION_UID = UID(_UID_PREFIX + "1")
_RESCALE_INTERCEPT = -1024
_EMPTY_TYPE_2 = (
    "StudyDate",
    "StudyTime",
    "ReferringPhysicianName",
    "PatientBirthDate",
    "PatientSex",
    "StudyID",
    "AccessionNumber",
    "KVP",
    "AcquisitionNumber",
    "PositionReferenceIndicator",
)
# What every file ctlab writes says alike: a signed 16-bit axial CT slice,
# stored value + intercept = HU, of a patient named as the phantom.
_FILE_META = {
    "MediaStorageSOPClassUID": CTImageStorage,
    "TransferSyntaxUID": ExplicitVRLittleEndian,
    "ImplementationClassUID": _IMPLEMENTATION_UID,
    "ImplementationVersionName": "CTLAB_0_1",
}
_EVERY_SLICE = {
    "SpecificCharacterSet": "ISO_IR 100",
    "ImageType": ["DERIVED", "SECONDARY", "AXIAL"],
    "SOPClassUID": CTImageStorage,
    "Modality": "CT",
    "Manufacturer": "ctlab",
    "PatientName": "ctlab^phantom",
    "PatientID": "PHANTOM",
    # Type 2 attributes must be present; empty keeps the files dateless.
    **dict.fromkeys(_EMPTY_TYPE_2, ""),
    "PatientPosition": "HFS",
    "SeriesNumber": 1,
    "ImageOrientationPatient": [1, 0, 0, 0, 1, 0],
    "SamplesPerPixel": 1,
    "PhotometricInterpretation": "MONOCHROME2",
    "BitsAllocated": 16,
    "BitsStored": 16,
    "HighBit": 15,
    "PixelRepresentation": 1,
    "RescaleIntercept": _RESCALE_INTERCEPT,
    "RescaleSlope": 1,
    "RescaleType": "HU",
}


def _ds(value: float) -> DSfloat:
    # A Decimal String holds at most 16 characters: 1/3 mm must be rounded.
    return DSfloat(float(value), auto_format=True)


def _uid(*parts: object) -> UID:
    return generate_uid(prefix=_UID_PREFIX, entropy_srcs=[str(p) for p in parts])


def _dataset(tags: dict[str, Any]) -> Dataset:
    """A dataset holding ``tags``, each set by keyword (pydicom picks the VR)."""
    ds = Dataset()
    for keyword, value in tags.items():
        setattr(ds, keyword, value)
    return ds


def write_series(
    image: CTImage,
    folder: str | os.PathLike[str],
    *,
    description: str = "",
    overwrite: bool = False,
) -> list[Path]:
    """Write every slice of an image as a DICOM CT file.

    Stored values are signed with RescaleIntercept -1024 and padding stored
    as -2000, as many scanners write them; positions, orientation, spacing
    and the default window go in the header. Dates and times are left empty
    and the UIDs derive from a digest of the HU, so the same image gives the
    same bytes every time and another image never reuses a UID; the patient
    is ``ctlab^phantom``.

    Parameters
    ----------
    image : CTImage
        int16 HU (a float image is refused: it would not round-trip).
    folder : path-like
        Created if missing; must hold no ``.dcm`` files unless ``overwrite``.
    description : str
        Series Description; default ``image.info["description"]``.
    overwrite : bool
        Replace existing files of the same names.

    Returns
    -------
    list of Path
        The files written, ``slice_000.dcm`` upwards.

    Raises
    ------
    InvalidImageError
        If the HU are not int16 or do not fit the signed 16-bit store.
    ExportError
        If the folder already holds DICOM files and ``overwrite`` is False.

    Examples
    --------
    >>> import tempfile
    >>> from ctlab.data.synthetic.phantom import make_phantom
    >>> files = write_series(make_phantom(n_slices=2, size=32), tempfile.mkdtemp())
    >>> [f.name for f in files]
    ['slice_000.dcm', 'slice_001.dcm']
    """
    if image.hu.dtype != np.int16:
        raise InvalidImageError(
            f"write_series needs int16 HU, got {image.hu.dtype}; round the HU to whole "
            "numbers and convert them with .astype(np.int16) first"
        )
    if image.hu.size and int(image.hu.max()) > 32767 + _RESCALE_INTERCEPT:
        raise InvalidImageError(
            f"HU up to {32767 + _RESCALE_INTERCEPT} can be stored with intercept "
            f"{_RESCALE_INTERCEPT}; got {image.hu.max()}: clip the HU to "
            f"{32767 + _RESCALE_INTERCEPT} first (np.minimum)"
        )
    target = Path(folder)
    if target.is_dir() and any(target.glob("*.dcm")) and not overwrite:
        raise ExportError(
            f"{target} already holds DICOM files; choose an empty folder or pass overwrite=True"
        )
    target.mkdir(parents=True, exist_ok=True)

    volume = image.hu if image.is_volume else image.hu[np.newaxis]
    spacing = image.spacing if image.is_volume else (1.0, *image.spacing)
    positions = image.slice_positions or tuple(spacing[0] * k for k in range(len(volume)))
    text = description or str(image.info.get("description", "")) or "ctlab series"
    content = hashlib.sha256(volume.astype("<i2").tobytes())
    content.update(repr((volume.shape, spacing, positions, text)).encode())
    key = content.hexdigest()
    study_uid, series_uid, frame_uid = (_uid(kind, key) for kind in ("study", "series", "frame"))
    # The image centre sits on the z axis, where scanners put the isocentre.
    corner = [-(volume.shape[2] - 1) / 2 * spacing[2], -(volume.shape[1] - 1) / 2 * spacing[1]]
    window = image.default_window
    padding = image.padding_range
    this_series: dict[str, Any] = {
        "SeriesDescription": text,
        "StudyInstanceUID": study_uid,
        "SeriesInstanceUID": series_uid,
        "FrameOfReferenceUID": frame_uid,
        "SliceThickness": _ds(spacing[0]),
        "SpacingBetweenSlices": _ds(spacing[0]),
        "PixelSpacing": [_ds(spacing[1]), _ds(spacing[2])],
    }
    if window is not None:
        this_series |= {"WindowCenter": _ds(window.center), "WindowWidth": _ds(window.width)}
    if padding is not None and padding[0] == padding[1]:
        this_series["PixelPaddingValue"] = int(padding[0]) - _RESCALE_INTERCEPT

    files = []
    for index, hu_slice in enumerate(volume):
        instance_uid = _uid("instance", key, index)
        ds = _dataset(
            {
                **_EVERY_SLICE,
                **this_series,
                "SOPInstanceUID": instance_uid,
                "InstanceNumber": index + 1,
                "ImagePositionPatient": [_ds(v) for v in (*corner, positions[index])],
                "Rows": hu_slice.shape[0],
                "Columns": hu_slice.shape[1],
                "PixelData": (hu_slice.astype(np.int32) - _RESCALE_INTERCEPT)
                .astype("<i2")
                .tobytes(),
            }
        )
        ds.file_meta = FileMetaDataset(
            _dataset({**_FILE_META, "MediaStorageSOPInstanceUID": instance_uid})
        )
        path = target / f"slice_{index:03d}.dcm"
        write_atomically(path, partial(ds.save_as, enforce_file_format=True))
        files.append(path)
    return files
