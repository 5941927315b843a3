"""The readers behind :func:`ctlab.load_labels`: NIfTI, DICOM SEG, RT Structure Set.

Each gives a :class:`~ctlab.io.labels.RawLabels` on the file's own grid (for
an RT Structure Set, already the scan's grid: contours have no grid).
nibabel and highdicom raise many kinds of exceptions on a damaged file;
each reader turns every one of them into a :class:`LabelError` naming the
file, because that is what a user can act on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from ctlab.core.errors import CTLabError, LabelError
from ctlab.core.image import CTImage
from ctlab.core.labels import default_label_colors
from ctlab.io.geometry import header_affine
from ctlab.io.header import read_header
from ctlab.io.labels import RawLabels, onto_grid
from ctlab.io.series import find_series, order_slices

__all__ = ["fill_even_odd", "read_labels"]

# A DICOM UID: digits in four or more dot-separated parts.
_UID = re.compile(r"\b\d+(?:\.\d+){3,}\b")
# RAS (NIfTI's world) <-> LPS (DICOM's patient coordinates): x and y change sign.
_RAS_TO_LPS = np.diag([-1.0, -1.0, 1.0, 1.0])


def read_labels(
    file: Path,
    *,
    like: CTImage | None,
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,
    tolerance: float,
) -> RawLabels:
    """Read a NIfTI, DICOM SEG or RT Structure Set file (chosen by name, then by Modality)."""
    name = file.name.lower()
    if name.endswith((".nii", ".nii.gz")):
        return _read_nifti(file, like, tolerance)
    try:
        header = read_header(file, defer_pixels=False)
    except CTLabError as error:
        raise LabelError(
            f"{error}. load_labels reads NIfTI (.nii, .nii.gz), DICOM SEG and RT Structure "
            "Set files"
        ) from None
    modality = str(header.get("Modality", "") or "")
    if modality == "SEG":
        return _read_seg(header, file, like, source)
    if modality == "RTSTRUCT":
        return _read_rtstruct(header, file, like)
    raise LabelError(
        f"{file} is a DICOM {modality or 'object without Modality'}, not a segmentation; "
        "load_labels reads NIfTI label maps, DICOM SEG (Modality SEG) and RT Structure Sets "
        "(Modality RTSTRUCT)"
    )


@contextmanager
def _reading(file: Path, what: str) -> Iterator[None]:
    try:
        yield
    except CTLabError:
        raise
    except Exception as error:  # damaged files make the libraries raise anything
        # Their messages may quote UIDs, which identify a study: never shown.
        reason = _UID.sub("<UID>", str(error))
        raise LabelError(
            f"{file} is not a readable {what} ({type(error).__name__}: {reason}); "
            "check that the file is complete, or export it again"
        ) from None


# ---------------------------------------------------------------- NIfTI


def _read_nifti(file: Path, like: CTImage | None, tolerance: float) -> RawLabels:
    import nibabel as nib

    with _reading(file, "NIfTI file"):
        image = nib.load(file)
        if not isinstance(image, (nib.Nifti1Image, nib.Nifti2Image)):
            raise TypeError(f"nibabel read a {type(image).__name__}, not NIfTI-1 or NIfTI-2")
        header = image.header
        if int(header["sform_code"]) > 0:
            affine = image.get_sform()
        elif int(header["qform_code"]) > 0:
            affine = image.get_qform()
        else:
            raise LabelError(
                f"{file} has no usable affine (sform_code and qform_code are 0), so where its "
                "voxels are in the patient is unknown; write it with the scan's affine "
                "(e.g. nibabel.Nifti1Image(labels, affine) from the CT's NIfTI)"
            )
        affine = np.asarray(affine, dtype=np.float64)
        shape = tuple(int(n) for n in image.shape)
    if not np.isfinite(affine).all() or abs(np.linalg.det(affine[:3, :3])) < 1e-9:
        raise LabelError(
            f"{file} has an unusable affine {affine.round(4).tolist()} (not finite or "
            "singular); write it with the scan's affine"
        )
    while len(shape) > 3 and shape[-1] == 1:
        shape = shape[:-1]
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3:
        raise LabelError(
            f"{file} holds a {len(shape)}-D array {shape}; a label map is 3-D with one integer "
            "label per voxel (for one channel per label, combine them with argmax first)"
        )
    lps = _RAS_TO_LPS @ affine
    if like is not None:
        # The grid is checked before the voxels are read: a wrong file fails fast.
        onto_grid(np.broadcast_to(np.uint8(0), shape), lps, like, file, tolerance, whole=True)
    with _reading(file, "NIfTI file"):
        data = np.asanyarray(image.dataobj).reshape(shape)
    labels = _integer_labels(data, file)
    values = [int(v) for v in np.unique(labels) if v]
    names = {value: f"label {value}" for value in values}
    info = {"format": "NIfTI", "file": file.name}
    if like is None:
        # Reversed axes read (slice, row, column) for the usual axial map.
        return RawLabels(
            np.ascontiguousarray(labels.transpose(2, 1, 0)),
            lps[:, [2, 1, 0, 3]],
            names,
            default_label_colors(values),
            info,
        )
    return RawLabels(labels, lps, names, default_label_colors(values), info)


def _integer_labels(data: npt.NDArray[Any], file: Path) -> npt.NDArray[np.integer]:
    if data.dtype.kind == "b":
        return data.astype(np.uint8)
    if data.dtype.kind == "f":
        finite = np.isfinite(data)
        whole = finite.all() and bool((data == np.round(data)).all())
        if not whole:
            bad = data[~finite | (data != np.round(data))][0]
            raise LabelError(
                f"{file} holds non-integer values (e.g. {bad:g}), so it is not a label map: "
                "a probability map, or labels resampled with linear interpolation. Threshold "
                "it (or take the argmax), or resample with nearest-neighbour interpolation"
            )
    elif data.dtype.kind not in "iu":
        raise LabelError(f"{file} holds {data.dtype} values; a label map holds integers")
    if data.size and float(data.min()) < 0:
        raise LabelError(
            f"{file} holds negative label {data.min():g}; labels are 0 (background) and "
            "positive integers: renumber them"
        )
    if data.size and float(data.max()) > np.iinfo(np.uint16).max:
        raise LabelError(
            f"{file} holds label value {data.max():g}; ctlab keeps labels up to 65535 (uint16): "
            "renumber the labels"
        )
    return data.astype(np.uint16) if data.dtype.kind == "f" else data


# ---------------------------------------------------------------- DICOM SEG


def _hex(rgb: Sequence[Any]) -> str:
    red, green, blue = (min(255, max(0, int(c))) for c in rgb)
    return f"#{red:02X}{green:02X}{blue:02X}"


def _read_seg(
    header: Dataset,
    file: Path,
    like: CTImage | None,
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None,
) -> RawLabels:
    import highdicom as hd

    with _reading(file, "DICOM SEG"):
        seg = hd.seg.Segmentation.from_dataset(header, copy=False)
        numbers = [int(item.SegmentNumber) for item in seg.SegmentSequence]
        names, colors = {}, {}
        for item in seg.SegmentSequence:
            number = int(item.SegmentNumber)
            names[number] = str(item.get("SegmentLabel", "") or f"segment {number}")
            lab = item.get("RecommendedDisplayCIELabValue")
            if lab is not None:
                colors[number] = _hex(hd.color.CIELabColor.from_dicom_value(lab).to_rgb())
    colors = {**default_label_colors(numbers), **colors}
    fractional = str(seg.segmentation_type.value) == "FRACTIONAL"
    info = {
        "format": "DICOM SEG",
        "file": file.name,
        "segmentation_type": str(seg.segmentation_type.value),
    }
    ordered = None if source is None or like is None else _scan_instances(seg, file, like, source)
    with _reading(file, "DICOM SEG"):
        try:
            volume = seg.get_volume(
                segment_numbers=numbers, combine_segments=False, rescale_fractional=True
            )
            array, affine = np.asarray(volume.array), np.asarray(volume.affine, np.float64)
            whole = False  # empty frames may be left out: a block of the scan
            if array.ndim == 3:
                array = array[..., np.newaxis]
        except (ValueError, RuntimeError) as error:
            if ordered is None:
                raise LabelError(
                    f"{file}'s frames do not form one volume by their positions ({error}); "
                    "pass source=<the scan's file or folder> to match them by their "
                    "referenced SOP Instance UIDs"
                ) from None
            uids, affine = ordered
            whole = True
            array = np.asarray(
                seg.get_pixels_by_source_instance(
                    uids, segment_numbers=numbers, combine_segments=False
                )
            )
    on = array >= 0.5 if fractional else array > 0
    masks = [
        (number, {k: on[k, ..., channel] for k in range(len(on)) if on[k, ..., channel].any()})
        for channel, number in enumerate(numbers)
    ]
    labels = paint_slices(masks, on.shape[:3])
    return RawLabels(labels, affine, names, colors, info, whole=whole)


def _scan_instances(
    seg: Any,
    file: Path,
    like: CTImage,
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
) -> tuple[list[str], npt.NDArray[np.float64]]:
    """Check the SEG references the scan's series; its instances in order, and their affine.

    UIDs are compared here and never kept or shown: they identify a study.
    """
    given = [source] if isinstance(source, (str, os.PathLike)) else list(source)
    series, _ = find_series(given)
    referenced = {
        str(item.get("SeriesInstanceUID", "")) for item in seg.get("ReferencedSeriesSequence", [])
    }
    if series.uid not in referenced:
        raise LabelError(
            f"{file} references another series than the scan in {given[0]} (the scan's Series "
            "Instance UID is not in its Referenced Series Sequence (0008,1115)); load the CT "
            "series the segmentation was made on"
        )
    files, _, spacing, _ = order_slices(series)
    step = (spacing or 1.0,) if len(files) > 1 else ()
    pixel = tuple(float(v) for v in files[0].header.get("PixelSpacing", (1.0, 1.0)))
    affine = header_affine(files, 1, (*step, *pixel))
    # A scan without positions was loaded in this order onto the default grid.
    return [str(f.header.SOPInstanceUID) for f in files], (
        np.asarray(like.affine) if affine is None else affine
    )


def paint_slices(
    masks: Sequence[tuple[int, Mapping[int, npt.NDArray[np.bool_]]]], shape: tuple[int, ...]
) -> npt.NDArray[np.uint16]:
    """One label volume from per-slice masks that may overlap: largest first, smaller on top.

    Parameters
    ----------
    masks : sequence of (value, {slice index: 2-D bool mask})
        Only the slices a label covers.
    shape : tuple of int
        (slices, rows, cols) of the result.

    Examples
    --------
    >>> body = {0: np.ones((1, 3), bool)}
    >>> organ = {0: np.array([[False, True, False]])}
    >>> paint_slices([(2, organ), (1, body)], (1, 1, 3)).tolist()
    [[[1, 2, 1]]]
    """
    labels = np.zeros(shape, dtype=np.uint16)
    sizes = [sum(int(m.sum()) for m in slices.values()) for _, slices in masks]
    for index in np.argsort([-size for size in sizes], kind="stable"):
        value, slices = masks[index]
        for k, mask in slices.items():
            labels[k][mask] = value
    return labels


# ---------------------------------------------------------------- RT Structure Set


def fill_even_odd(
    polygons: Sequence[npt.NDArray[np.float64]], rows: int, cols: int
) -> npt.NDArray[np.bool_]:
    """Pixels whose centres lie inside closed polygons, by the even-odd rule.

    A point is inside when a ray from it crosses the polygons' edges an odd
    number of times: a polygon inside another makes a hole, separate ones
    are separate islands (the rule RT Structure Sets are drawn with).

    Parameters
    ----------
    polygons : sequence of (n, 2) arrays
        Vertices as (row, column) in pixel indices (fractions allowed).
    rows, cols : int
        Size of the mask.

    Returns
    -------
    ndarray of bool, shape (rows, cols)

    Examples
    --------
    >>> square = np.array([[-0.5, -0.5], [-0.5, 4.5], [4.5, 4.5], [4.5, -0.5]])
    >>> hole = np.array([[0.5, 0.5], [0.5, 3.5], [3.5, 3.5], [3.5, 0.5]])
    >>> int(fill_even_odd([square, hole], 5, 5).sum()), int(fill_even_odd([square], 5, 5).sum())
    (16, 25)
    """
    mask = np.zeros((rows, cols), dtype=bool)
    if not polygons:
        return mask
    start = np.concatenate([p for p in polygons])
    end = np.concatenate([np.roll(p, -1, axis=0) for p in polygons])
    r0, c0, r1, c1 = start[:, 0], start[:, 1], end[:, 0], end[:, 1]
    sloped = r0 != r1  # a horizontal edge crosses no row of centres
    r0, c0, r1, c1 = r0[sloped], c0[sloped], r1[sloped], c1[sloped]
    # Each edge crosses the rows of centres r with low <= r < high (half-open:
    # a vertex shared by two edges is counted once).
    first = np.clip(np.ceil(np.minimum(r0, r1)), 0, rows)
    stop = np.clip(np.ceil(np.maximum(r0, r1)), 0, rows)
    counts = (stop - first).astype(np.int64)
    if not counts.sum():
        return mask
    edge = np.repeat(np.arange(counts.size), counts)
    offsets = np.arange(edge.size) - np.repeat(np.cumsum(counts) - counts, counts)
    row = first[edge] + offsets
    x = c0[edge] + (row - r0[edge]) * (c1[edge] - c0[edge]) / (r1[edge] - r0[edge])
    order = np.lexsort((x, row))
    row, x = row[order].astype(np.int64), x[order]
    # Closed polygons cross every row an even number of times: consecutive
    # crossings pair up into the intervals inside.
    inside_from = np.clip(np.ceil(x[0::2]), 0, cols).astype(np.int64)
    inside_to = np.clip(np.ceil(x[1::2]), 0, cols).astype(np.int64)
    steps = np.zeros((rows, cols + 1), dtype=np.int32)
    np.add.at(steps, (row[0::2], inside_from), 1)
    np.add.at(steps, (row[0::2], inside_to), -1)
    return np.cumsum(steps[:, :cols], axis=1) > 0


def _read_rtstruct(header: Dataset, file: Path, like: CTImage | None) -> RawLabels:
    if like is None:
        raise LabelError(
            f"{file} is an RT Structure Set: its contours are drawn in mm and need a scan's "
            "grid; pass like=<the CT it was drawn on> (from ctlab.load)"
        )
    assert like.affine is not None
    affine = np.asarray(like.affine)
    inverse = np.asarray(np.linalg.inv(affine), dtype=np.float64)
    shape = (like.n_slices, *like.hu.shape[-2:])
    slice_step = float(np.linalg.norm(affine[:3, 0]))
    masks: list[tuple[int, dict[int, npt.NDArray[np.bool_]]]] = []
    names: dict[int, str] = {}
    colors: dict[int, str] = {}
    with _reading(file, "RT Structure Set"):
        rois = {
            int(item.ROINumber): str(item.get("ROIName", "") or f"ROI {item.ROINumber}")
            for item in header.get("StructureSetROISequence", [])
        }
        for item in header.get("ROIContourSequence", []):
            number = int(item.ReferencedROINumber)
            name = rois.get(number, f"ROI {number}")
            polygons: dict[int, list[npt.NDArray[np.float64]]] = {}
            for contour in item.get("ContourSequence", []):
                if str(contour.get("ContourGeometricType", "")) != "CLOSED_PLANAR":
                    continue  # points and open lines enclose nothing
                points = np.asarray([float(v) for v in contour.ContourData], np.float64)
                if points.size < 9 or points.size % 3:
                    continue
                index = _contour_indices(points.reshape(-1, 3), inverse)
                k = _contour_slice(index, shape, slice_step, file, name)
                polygons.setdefault(k, []).append(index[:, 1:])
            if not polygons:
                continue
            if number < 1 or number > np.iinfo(np.uint16).max:
                raise LabelError(
                    f"{file}: ROI {name!r} has ROI Number {number}; ctlab uses ROI Numbers as "
                    "label values, which must be 1..65535"
                )
            names[number] = name
            color = item.get("ROIDisplayColor")
            if color is not None and len(color) == 3:
                colors[number] = _hex(color)
            masks.append(
                (number, {k: fill_even_odd(p, shape[1], shape[2]) for k, p in polygons.items()})
            )
    if not masks:
        raise LabelError(f"{file} holds no closed planar contour: nothing to fill")
    colors = {**default_label_colors(list(names)), **colors}
    info = {"format": "RT Structure Set", "file": file.name}
    return RawLabels(paint_slices(masks, shape), affine, names, colors, info)


def _contour_indices(
    points: npt.NDArray[np.float64], inverse: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    homogeneous = np.concatenate([points, np.ones((len(points), 1))], axis=1)
    return cast("npt.NDArray[np.float64]", (inverse @ homogeneous.T)[:3].T)


def _contour_slice(
    index: npt.NDArray[np.float64],
    shape: tuple[int, ...],
    slice_step: float,
    file: Path,
    name: str,
) -> int:
    """The scan slice a contour lies on; a LabelError if it lies outside the scan."""
    nearest = int(np.rint(index[:, 0].mean()))
    off = float(np.abs(index[:, 0] - nearest).max()) * slice_step
    rows_span = (index[:, 1].min(), index[:, 1].max())
    cols_span = (index[:, 2].min(), index[:, 2].max())
    outside = (
        not 0 <= nearest < shape[0]
        or rows_span[1] < -0.5
        or rows_span[0] > shape[1] - 0.5
        or cols_span[1] < -0.5
        or cols_span[0] > shape[2] - 0.5
    )
    if outside:
        raise LabelError(
            f"{file}: a contour of ROI {name!r} lies outside the scan (at slice {nearest}, "
            f"rows {rows_span[0]:.1f}..{rows_span[1]:.1f}, columns {cols_span[0]:.1f}.."
            f"{cols_span[1]:.1f}; the scan has {shape[0]} x {shape[1]} x {shape[2]}); the "
            "structure set was drawn on another scan: pass like=<that CT>"
        )
    if off > slice_step / 4:
        raise LabelError(
            f"{file}: a contour of ROI {name!r} lies {off:.2f} mm off the nearest slice of the "
            f"scan (slices {slice_step:g} mm apart); it was drawn on another scan or an "
            "oblique plane: pass like=<the CT it was drawn on>"
        )
    return nearest
