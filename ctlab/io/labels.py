"""Label maps laid on a loaded scan: NIfTI, DICOM SEG and RT Structure Sets.

:func:`load_labels` reads a segmentation and returns it on the voxel grid of
a :class:`~ctlab.CTImage`, without resampling: the file's grid must be the
scan's grid (or, for a DICOM SEG, a block of it), up to axis order, flips
and a tolerance in mm. The grids are compared through their affines, in
DICOM's patient coordinates (LPS, PS3.3 C.7.6.2.1.1); NIfTI's world
coordinates are RAS, so its x and y axes change sign on the way in.

The readers are in :mod:`ctlab.io.label_formats`; this module aligns,
combines and names what they read.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import LabelError
from ctlab.core.image import CTImage
from ctlab.core.labels import LabelMeasurement, default_label_colors, measure_labels
from ctlab.io.files import write_atomically
from ctlab.io.geometry import flip_axis

__all__ = ["TOTALSEGMENTATOR_EXAMPLE", "LabelMap", "load_labels"]

#: The first labels of TotalSegmentator's ``total`` task (v2), as an example
#: of a user mapping for ``load_labels(..., names=...)``: NIfTI files carry
#: no names; the tool lists them in ``class_map["total"]`` of its
#: ``totalsegmentator/map_to_binary.py`` (v1's ``total_v1`` numbers differ).
TOTALSEGMENTATOR_EXAMPLE: Mapping[int, str] = {
    1: "spleen",
    2: "kidney_right",
    3: "kidney_left",
    4: "gallbladder",
    5: "liver",
    6: "stomach",
    7: "pancreas",
}

# Two directions closer than this angle are the same axis: resampling-free
# alignment allows nothing in between.
_SAME_AXIS_COSINE = math.cos(math.radians(0.5))
_AXES = ("slices", "rows", "columns")


@dataclass(frozen=True, eq=False)
class LabelMap:
    """A label map on a scan's voxel grid, with the name and colour of each label.

    Made by :func:`load_labels`. Holds no patient identifiers.

    Attributes
    ----------
    labels : ndarray of uint8 or uint16
        One label value per voxel, 0 = background; the shape and axis
        order of the scan's ``hu`` (read-only).
    names : dict of int to str
        Label value -> name, for every label value the map may hold.
    colors : dict of int to str
        Label value -> ``"#RRGGBB"`` colour, from the file where it gives
        one, else :data:`ctlab.core.labels.OKABE_ITO`.
    affine : ndarray
        4 x 4 voxel-to-patient (LPS, mm) matrix of ``labels``, as
        :attr:`ctlab.CTImage.affine` (the scan's own when aligned to one).
    info : dict
        Format and file name; what was combined or dropped.
    """

    labels: npt.NDArray[np.integer]
    names: dict[int, str]
    colors: dict[int, str]
    affine: npt.NDArray[np.float64]
    info: dict[str, Any] = field(default_factory=dict)

    def mask(self, label: int | str) -> npt.NDArray[np.bool_]:
        """True where the label is, by value or by name (a new array).

        Raises
        ------
        LabelError
            If no label has that value or name.
        """
        if isinstance(label, str):
            values = [value for value, name in self.names.items() if name == label]
            if not values:
                raise LabelError(
                    f"no label named {label!r}; the names are {sorted(self.names.values())}"
                )
            label = values[0]
        if label not in self.names:
            raise LabelError(f"no label {label!r}; the values are {sorted(self.names)}")
        return np.asarray(self.labels == label)

    def measure(self, image: CTImage) -> list[LabelMeasurement]:
        """Voxels, volume, HU statistics and window of each label over ``image``.

        Padding voxels are left out; see :func:`ctlab.measure_labels`.
        """
        return measure_labels(
            image.hu,
            self.labels,
            spacing=image.spacing,
            names=self.names,
            mask=~image.padding_mask(),
        )

    def __repr__(self) -> str:
        size = " x ".join(str(n) for n in self.labels.shape)
        shown = ", ".join(f"{v}: {n}" for v, n in list(self.names.items())[:6])
        more = ", ..." if len(self.names) > 6 else ""
        return (
            f"<LabelMap {self.info.get('format', '')} {self.info.get('file', '')}: {size}, "
            f"{len(self.names)} labels {{{shown}{more}}}>"
        )


@dataclass
class RawLabels:
    """What a reader found, before alignment: a label volume on the file's own grid.

    ``labels`` has axes in the order of ``affine``'s first three columns
    (LPS); ``whole`` is False when the file may cover only a block of the
    scan (a DICOM SEG without its empty frames).
    """

    labels: npt.NDArray[np.integer]
    affine: npt.NDArray[np.float64]
    names: dict[int, str]
    colors: dict[int, str]
    info: dict[str, Any]
    whole: bool = True


def load_labels(
    path: str | os.PathLike[str],
    like: CTImage | None = None,
    *,
    names: Mapping[int, str] | Mapping[str, str] | None = None,
    tolerance: float = 0.01,
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
) -> LabelMap:
    """Read a segmentation and lay it on a loaded scan's voxel grid.

    Parameters
    ----------
    path : path-like
        A NIfTI label map (``.nii``, ``.nii.gz``: one integer label per
        voxel), a DICOM SEG (binary or fractional, any number of
        segments) or a DICOM RT Structure Set (contours).
    like : CTImage, optional
        The scan the labels belong to, e.g. from :func:`ctlab.load`. The
        result has exactly ``like.hu``'s shape and axis order. Without it,
        the labels come on the file's own grid (NIfTI axes reversed, so an
        axial map reads as slice, row, column); an RT Structure Set needs it.
    names : mapping, optional
        Which labels to keep and what to call them: label value -> name
        (``{1: "spleen", 5: "liver"}``, e.g. from a tool's label table such
        as :data:`TOTALSEGMENTATOR_EXAMPLE`), or the file's segment / ROI
        name -> name (``{"Liver": "liver"}``). Labels not listed are left
        out (0). Default: every label, named by the file (a NIfTI has no
        names: ``"label 1"``...).
    tolerance : float
        How far, in mm, the file's voxel centres may lie from the scan's;
        default 0.01 mm (float32 rounding in NIfTI headers is far below it).
        Nothing is resampled: a grid further off is an error.
    source : path-like or list, optional
        Where ``like`` was loaded from (file, folder or files). With it, a
        DICOM SEG is checked against the scan's Series Instance UID, and
        one without frame positions is matched by its referenced SOP
        Instance UIDs. The UIDs are compared, never kept or shown.

    Returns
    -------
    LabelMap
        ``labels`` (uint8, or uint16 above 255 labels), ``names``,
        ``colors``; overlapping segments or ROIs are painted largest first,
        so a structure inside another (an organ inside the body outline)
        stays visible.

    Raises
    ------
    LabelError
        The file cannot be read, holds no usable affine, holds non-integer
        or negative labels, an empty segment, a grid other than the scan's
        (the message says what differs and by how much), a series other
        than the scan's, or contours outside the scan.
    FileNotFoundError
        If ``path`` does not exist.

    Notes
    -----
    NIfTI: the sform is used when its code is set, else the qform; a file
    with neither has no position in the patient and is refused. RAS is
    turned into LPS by negating x and y. DICOM SEG: read with highdicom,
    positions from the Plane Position Sequence (PS3.3 C.8.20); fractional
    segments are on where they are at least 0.5. RT Structure Set
    (PS3.3 C.8.8.6): each closed planar contour is filled on the CT slice
    it lies on (within a quarter of the slice spacing); all contours of an
    ROI on one slice combine by the even-odd rule, so a contour inside
    another is a hole and separate contours are separate islands. A pixel
    is inside when its centre is (a centre exactly on an edge counts on
    the top and left edges, not on the bottom and right ones, as in
    scan-line filling, so contours that share an edge share no pixel).
    Mixing up RAS and LPS in a NIfTI is caught when the scan's grid is
    off-centre, as it usually is; on a grid centred on the z axis the
    mistake is a mirror image that fits the grid exactly.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import nibabel as nib
    >>> import ctlab
    >>> phantom = ctlab.data.phantom()
    >>> lps_to_ras = np.diag([-1.0, -1.0, 1.0, 1.0])
    >>> nifti = nib.Nifti1Image(
    ...     phantom.labels.transpose(2, 1, 0), lps_to_ras @ phantom.affine[:, [2, 1, 0, 3]])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "truth.nii.gz"
    >>> nib.save(nifti, path)
    >>> truth = load_labels(path, like=phantom, names={3: "liver", 5: "kidney"})
    >>> bool((truth.labels == np.where(np.isin(phantom.labels, [3, 5]), phantom.labels, 0)).all())
    True
    >>> truth.names
    {3: 'liver', 5: 'kidney'}
    """
    from ctlab.io.label_formats import read_labels

    file = Path(path)
    if not file.exists():
        raise FileNotFoundError(f"{file} does not exist")
    if not (isinstance(tolerance, (int, float)) and math.isfinite(tolerance) and tolerance >= 0):
        raise LabelError(f"tolerance must be a distance in mm >= 0, got {tolerance!r}")
    raw = read_labels(file, like=like, source=source, tolerance=tolerance)
    raw = _renamed(raw, names, file)
    if like is None:
        labels, affine = raw.labels, np.array(raw.affine, dtype=np.float64)
    else:
        try:
            labels = onto_grid(raw.labels, raw.affine, like, file, tolerance, whole=raw.whole)
        except LabelError as error:
            if raw.info.get("format") != "DICOM SEG" or source is not None:
                raise
            raise LabelError(
                f"{error}. A SEG made on another series does not fit either: pass "
                "source=<the scan's file or folder> to check the series it references"
            ) from None
        labels = labels if like.is_volume else labels[0]
        affine = np.array(like.affine)
    present = set(np.unique(labels).tolist()) - {0}
    missing = sorted(set(raw.names) - present)
    if missing and raw.info.get("format") != "NIfTI":
        what = ", ".join(f"{v} {raw.names[v]!r}" for v in missing)
        raise LabelError(
            f"{file}: segment {what} covers no voxel of the scan (an empty segment, or "
            "one hidden by larger ones); leave it out with names= listing the labels to keep"
        )
    out = _smallest_dtype(labels)
    out.flags.writeable = False
    affine.flags.writeable = False
    return LabelMap(out, dict(raw.names), dict(raw.colors), affine, dict(raw.info))


def _renamed(
    raw: RawLabels, names: Mapping[int, str] | Mapping[str, str] | None, file: Path
) -> RawLabels:
    """Keep the labels ``names`` lists, under its names (by value or by the file's name)."""
    if names is None:
        return raw
    if not isinstance(names, Mapping) or not names:
        raise LabelError(
            f"names must be a non-empty mapping of label value or name to name, got {names!r}"
        )
    kept: dict[int, str] = {}
    for key, new_name in names.items():
        if isinstance(key, str):
            matches = [v for v, n in raw.names.items() if n == key]
            if not matches:
                raise LabelError(
                    f"{file} has no label named {key!r}; it has {sorted(raw.names.values())}"
                )
            kept[matches[0]] = str(new_name)
        elif isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if raw.info.get("format") != "NIfTI" and int(key) not in raw.names:
                raise LabelError(f"{file} has no label {key}; it has {sorted(raw.names)}")
            kept[int(key)] = str(new_name)
        else:
            raise LabelError(f"names keys are label values or names, got {key!r}")
    labels = np.where(np.isin(raw.labels, list(kept)), raw.labels, 0)
    colors = {
        value: raw.colors.get(value, fallback)
        for value, fallback in default_label_colors(kept).items()
    }
    return RawLabels(labels, raw.affine, kept, colors, raw.info, raw.whole)


def _smallest_dtype(labels: npt.NDArray[Any]) -> npt.NDArray[np.integer]:
    """uint8 when the labels fit it, else uint16 (the readers refuse anything larger)."""
    top = int(labels.max()) if labels.size else 0
    return labels.astype(np.uint8 if top <= 255 else np.uint16)


def onto_grid(
    labels: npt.NDArray[np.integer],
    affine: npt.NDArray[np.float64],
    like: CTImage,
    file: Path,
    tolerance: float,
    *,
    whole: bool = True,
) -> npt.NDArray[np.integer]:
    """A 3-D label volume moved onto ``like``'s grid by axis swaps and flips only.

    ``labels``' axes follow the columns of ``affine`` (LPS). Returns an
    array of shape ``(like.n_slices, rows, cols)``. With ``whole`` the
    file's grid must be the scan's; otherwise it may be a block of it.

    Raises
    ------
    LabelError
        Naming what differs (direction, spacing, shape, position) and by
        how much.
    """
    assert like.affine is not None
    target = np.asarray(like.affine)
    shape = (like.n_slices, *like.hu.shape[-2:])
    ct_steps, file_steps = target[:3, :3], affine[:3, :3]
    ct_spacing = np.linalg.norm(ct_steps, axis=0)
    file_spacing = np.linalg.norm(file_steps, axis=0)
    cosines = (ct_steps / ct_spacing).T @ (file_steps / file_spacing)
    order = np.argmax(np.abs(cosines), axis=1)
    best = np.abs(cosines[np.arange(3), order])
    if sorted(order.tolist()) != [0, 1, 2] or (best < _SAME_AXIS_COSINE).any():
        angle = math.degrees(math.acos(min(1.0, float(best.min()))))
        raise LabelError(
            f"{file} is on a grid turned {angle:.1f} degrees against the scan's (its voxel axes "
            "are not the scan's up to order and sign); ctlab does not resample labels: "
            "resample them onto the scan's grid with nearest-neighbour interpolation first"
        )
    for axis in range(3):
        ours, theirs = ct_spacing[axis], file_spacing[order[axis]]
        if labels.shape[order[axis]] == 1:
            continue  # a single slice: its step to a next slice means nothing
        drift = abs(ours - theirs) * (max(shape[axis], labels.shape[order[axis]]) - 1)
        if drift > tolerance:
            raise LabelError(
                f"{file} has a voxel spacing of {theirs:.4g} mm along the scan's "
                f"{_AXES[axis]}, the scan {ours:.4g} mm ({abs(ours - theirs):.4g} mm apart, "
                f"{drift:.3g} mm over the grid); these labels were made on another grid: "
                "export them on the scan's grid (no resampling happens here)"
            )
    moved = labels.transpose(order)
    moved_affine = affine[:, [*order.tolist(), 3]]
    for axis in range(3):
        if cosines[axis, order[axis]] < 0:
            moved = np.flip(moved, axis)
            moved_affine = flip_axis(moved_affine, axis, moved.shape[axis])
    start = np.linalg.solve(target, moved_affine[:, 3])[:3]
    offset = np.rint(start)
    off_mm = float(np.linalg.norm(ct_steps @ (start - offset)))
    if whole and tuple(moved.shape) != shape:
        theirs_shape = " x ".join(str(n) for n in moved.shape)
        raise LabelError(
            f"{file} holds {theirs_shape} voxels (in the scan's order: slices x rows x "
            f"columns), the scan {' x '.join(str(n) for n in shape)}; the labels were made "
            "on another scan or cropped: use the label map made for this scan"
        )
    if off_mm > tolerance or (whole and offset.any()):
        distance = float(np.linalg.norm(ct_steps @ start))
        where = ", ".join(f"{v:.2f}" for v in moved_affine[:3, 3])
        ours = ", ".join(f"{v:.2f}" for v in target[:3, 3])
        raise LabelError(
            f"{file} starts at ({where}) mm (LPS), the scan at ({ours}) mm: "
            f"{distance:.3g} mm apart (tolerance {tolerance:g} mm); the labels belong to "
            "another scan or series, or were shifted: use the label map made for this scan"
        )
    first = offset.astype(int)
    last = first + moved.shape
    if (first < 0).any() or (last > shape).any():
        raise LabelError(
            f"{file} reaches outside the scan: its voxels span {first.tolist()} .. "
            f"{(last - 1).tolist()} in the scan's (slice, row, column) indices, the scan "
            f"0 .. {[n - 1 for n in shape]}; it was made on another series"
        )
    if whole:
        return np.ascontiguousarray(moved)
    placed = np.zeros(shape, dtype=moved.dtype)
    placed[first[0] : last[0], first[1] : last[1], first[2] : last[2]] = moved
    return placed


def label_array(labels: LabelMap | npt.ArrayLike, image: CTImage) -> npt.NDArray[np.integer]:
    """The label values of ``labels`` as an integer array of ``image.hu``'s shape.

    Raises
    ------
    LabelError
        If the shape differs from the image's or the values are not integers.
    """
    array = np.asarray(labels.labels if isinstance(labels, LabelMap) else labels)
    if array.shape != image.hu.shape or array.dtype.kind not in "iu":
        raise LabelError(
            f"labels must be integers of the image's shape {image.hu.shape}, got {array.dtype} "
            f"{array.shape}; load them with ctlab.load_labels(path, like=image)"
        )
    return array


def save_label_slice(labels: npt.NDArray[np.integer], path: Path) -> None:
    """One slice of label values, exactly: an 8- or 16-bit grey PNG, or ``.npy`` by its suffix."""
    from PIL import Image

    if path.suffix == ".npy":
        write_atomically(path, partial(np.save, arr=labels, allow_pickle=False))
    elif labels.dtype.itemsize == 1 or int(labels.max(initial=0)) <= 255:
        grey = Image.fromarray(labels.astype(np.uint8), mode="L")
        write_atomically(path, partial(grey.save, format="PNG"))
    else:
        # 16-bit grey ("I;16"), the mode Pillow gives uint16 arrays.
        grey = Image.fromarray(labels.astype(np.uint16))
        write_atomically(path, partial(grey.save, format="PNG"))
