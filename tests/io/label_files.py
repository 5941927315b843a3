"""Segmentation files written from a label map, for the load_labels tests: NIfTI, SEG, RTSTRUCT."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import highdicom as hd
import nibabel as nib
import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence as DicomSequence
from pydicom.uid import ExplicitVRLittleEndian, RTStructureSetStorage, generate_uid

from ctlab import CTImage
from ctlab.io.geometry import flip_axis

LPS_TO_RAS = np.diag([-1.0, -1.0, 1.0, 1.0])


def reoriented(
    labels: np.ndarray,
    affine: np.ndarray,
    *,
    flips: Sequence[int] = (),
    order: Sequence[int] = (0, 1, 2),
) -> tuple[np.ndarray, np.ndarray]:
    """The same voxels stored flipped along ``flips`` then with axes ``order``: same places in mm."""
    for axis in flips:
        labels = np.flip(labels, axis)
        affine = flip_axis(affine, axis, labels.shape[axis])
    return np.ascontiguousarray(labels.transpose(order)), affine[:, [*order, 3]]


def write_nifti(
    labels: np.ndarray,
    affine_lps: np.ndarray,
    path: Path,
    *,
    ras: bool = True,
    sform: bool = True,
    dtype: type = np.uint8,
) -> Path:
    """A NIfTI of ``labels`` (axes as the affine's columns); the affine in RAS unless ``ras=False``."""
    affine = LPS_TO_RAS @ affine_lps if ras else affine_lps
    image = nib.Nifti1Image(labels.astype(dtype), affine)
    if not sform:
        image.set_sform(None, code=0)
        image.set_qform(None, code=0)
    nib.save(image, path)
    return path


def nifti_xyz(image: CTImage, labels: np.ndarray, path: Path, **kwargs) -> Path:
    """A NIfTI with array axes (col, row, slice), as converters write them, and a RAS affine."""
    assert image.affine is not None
    data, affine = reoriented(labels, image.affine, order=(2, 1, 0))
    return write_nifti(data, affine, path, **kwargs)


def write_seg(
    ct_files: Sequence[Path],
    labels: np.ndarray,
    names: Mapping[int, str],
    path: Path,
    *,
    fractional: bool = False,
    **extra: str,
) -> Path:
    """A DICOM SEG made by highdicom: one segment per entry of ``names`` (segment numbers 1..n)."""
    sources = [pydicom.dcmread(f) for f in ct_files]
    descriptions = [
        hd.seg.SegmentDescription(
            segment_number=number,
            segment_label=name,
            segmented_property_category=hd.sr.CodedConcept(
                "91723000", "SCT", "Anatomical Structure"
            ),
            segmented_property_type=hd.sr.CodedConcept("85756007", "SCT", "Tissue"),
            algorithm_type=hd.seg.SegmentAlgorithmTypeValues.MANUAL,
        )
        for number, name in names.items()
    ]
    if fractional:
        pixels = np.stack([(labels == n).astype(np.float32) for n in names], axis=-1)
    else:
        pixels = labels.astype(np.uint8)
    seg = hd.seg.Segmentation(
        source_images=sources,
        pixel_array=pixels,
        segmentation_type="FRACTIONAL" if fractional else "BINARY",
        segment_descriptions=descriptions,
        series_instance_uid=hd.UID(),
        series_number=20,
        sop_instance_uid=hd.UID(),
        instance_number=1,
        manufacturer="ctlab tests",
        manufacturer_model_name="label_files",
        software_versions="1",
        device_serial_number="1",
    )
    for keyword, value in extra.items():
        setattr(seg, keyword, value)
    seg.save_as(path)
    return path


def run_contours(mask: np.ndarray) -> list[np.ndarray]:
    """Closed contours around each run of a 2-D mask's rows, through pixel corners: (row, col)."""
    contours = []
    for row in range(mask.shape[0]):
        line = np.concatenate([[0], mask[row].astype(np.int8), [0]])
        starts = np.flatnonzero(np.diff(line) == 1)
        stops = np.flatnonzero(np.diff(line) == -1)
        for start, stop in zip(starts, stops, strict=True):
            top, bottom, left, right = row - 0.5, row + 0.5, start - 0.5, stop - 0.5
            contours.append(np.array([[top, left], [top, right], [bottom, right], [bottom, left]]))
    return contours


def write_rtstruct(
    image: CTImage,
    rois: Mapping[int, tuple[str, Mapping[int, list[np.ndarray]]]],
    path: Path,
    *,
    colors: Mapping[int, tuple[int, int, int]] | None = None,
    **extra: str,
) -> Path:
    """An RT Structure Set: ROI number -> (name, {slice: [contours as (row, col) pixel indices]})."""
    assert image.affine is not None
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = RTStructureSetStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = RTStructureSetStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "RTSTRUCT"
    ds.StructureSetLabel = "test"
    for keyword, value in extra.items():
        setattr(ds, keyword, value)
    roi_items, contour_items = [], []
    for number, (name, slices) in rois.items():
        roi = Dataset()
        roi.ROINumber, roi.ROIName = number, name
        roi_items.append(roi)
        item = Dataset()
        item.ReferencedROINumber = number
        if colors and number in colors:
            item.ROIDisplayColor = list(colors[number])
        contours = []
        for k, polygons in slices.items():
            for polygon in polygons:
                index = np.column_stack([np.full(len(polygon), k), polygon, np.ones(len(polygon))])
                points = (image.affine @ index.T)[:3].T
                contour = Dataset()
                contour.ContourGeometricType = "CLOSED_PLANAR"
                contour.NumberOfContourPoints = len(points)
                contour.ContourData = [f"{v:.6g}" for v in points.reshape(-1)]
                contours.append(contour)
        item.ContourSequence = DicomSequence(contours)
        contour_items.append(item)
    ds.StructureSetROISequence = DicomSequence(roi_items)
    ds.ROIContourSequence = DicomSequence(contour_items)
    ds.save_as(path, enforce_file_format=True)
    return path


def rtstruct_from_labels(
    image: CTImage, labels: np.ndarray, names: Mapping[int, str], path: Path, **kwargs
) -> Path:
    """Each label of ``names`` as an ROI of run contours: rasterising them gives ``labels`` back."""
    volume = labels if labels.ndim == 3 else labels[np.newaxis]
    rois = {
        value: (
            name,
            {
                k: run_contours(volume[k] == value)
                for k in range(len(volume))
                if (volume[k] == value).any()
            },
        )
        for value, name in names.items()
    }
    return write_rtstruct(image, rois, path, **kwargs)
