"""Where a loaded image's voxels are in the patient: its 4 x 4 affine in DICOM's LPS.

Built from the headers the loader already reads: Image Orientation (Patient)
(0020,0037), Image Position (Patient) (0020,0032) and Pixel Spacing
(0028,0030), per frame for enhanced multi-frame CT (Plane Orientation and
Plane Position Sequences, PS3.3 C.7.6.16.2.3-4). The convention is
PS3.3 C.7.6.2.1.1: moving along a row (increasing column index) follows the
first three direction cosines, moving down a column (increasing row index)
the last three.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from ctlab.io.frames import frame_header
from ctlab.io.series import SliceFile, finite_vector, slice_normal

__all__ = ["flip_axis", "header_affine"]


def _affine(
    first: Dataset | Mapping[str, Any],
    last: Dataset | Mapping[str, Any],
    n_slices: int,
    spacing: tuple[float, ...],
) -> npt.NDArray[np.float64] | None:
    cosines = finite_vector(first.get("ImageOrientationPatient"), 6)
    origin = finite_vector(first.get("ImagePositionPatient"), 3)
    normal = slice_normal(first)
    if cosines is None or origin is None or normal is None:
        return None
    row_step, col_step = spacing[-2:]
    affine = np.eye(4)
    affine[:3, 2] = cosines[:3] * col_step
    affine[:3, 1] = cosines[3:] * row_step
    end = finite_vector(last.get("ImagePositionPatient"), 3)
    if n_slices > 1 and end is not None and float((end - origin) @ normal) > 0:
        # The measured step, not normal x spacing: a tilted gantry's slices
        # are sheared, and this keeps every voxel where the scanner put it.
        affine[:3, 0] = (end - origin) / (n_slices - 1)
    else:
        affine[:3, 0] = normal * (spacing[0] if len(spacing) == 3 else 1.0)
    affine[:3, 3] = origin
    return affine


def header_affine(
    files: list[SliceFile], frames: int, spacing: tuple[float, ...]
) -> npt.NDArray[np.float64] | None:
    """The affine of an image as stored, before any flip; None if the header lacks geometry.

    Parameters
    ----------
    files : list of SliceFile
        The slices in the loader's order (increasing position along the
        normal), or one multi-frame file.
    frames : int
        Number of frames of a single multi-frame file (1 otherwise); its
        frames are taken in increasing position, as the loader sorts them.
    spacing : tuple of float
        The image's spacing in mm (2 entries for a slice, 3 for a volume).
    """
    if len(files) == 1 and frames > 1:
        header = files[0].header
        planes = [frame_header(header, frame) for frame in range(frames)]
        normal = slice_normal(planes[0])
        points = [finite_vector(p["ImagePositionPatient"], 3) for p in planes]
        if normal is None or any(point is None for point in points):
            return None
        along = [float(point @ normal) for point in points]
        order = np.argsort(np.asarray(along), kind="stable")
        return _affine(planes[order[0]], planes[order[-1]], frames, spacing)
    return _affine(files[0].header, files[-1].header, len(files), spacing)


def flip_axis(affine: npt.NDArray[np.float64], axis: int, length: int) -> npt.NDArray[np.float64]:
    """The affine of the grid reversed along ``axis`` (0 slice, 1 row, 2 col) of ``length`` voxels.

    Examples
    --------
    >>> flip_axis(np.eye(4), 2, 5)[2].tolist()
    [0.0, 0.0, -1.0, 4.0]
    """
    flipped: npt.NDArray[np.float64] = affine.copy()
    flipped[:3, 3] += (length - 1) * affine[:3, axis]
    flipped[:3, axis] = -affine[:3, axis]
    return flipped
