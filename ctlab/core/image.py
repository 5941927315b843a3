"""CTImage: Hounsfield units with the geometry and header facts needed to show them."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidImageError, shown
from ctlab.core.window import Window

__all__ = ["CTImage", "as_image", "check_spacing"]


def check_spacing(spacing: Any, shape: tuple[int, ...]) -> tuple[float, ...]:
    """``spacing`` as floats, checked: one finite, positive value in mm per axis of ``shape``.

    Raises
    ------
    InvalidImageError
        If ``spacing`` is not a sequence of that many finite, positive numbers.

    Examples
    --------
    >>> check_spacing([0.5, 0.5], (2, 2))
    (0.5, 0.5)
    """
    try:
        values = tuple(float(s) for s in spacing)
    except (TypeError, ValueError, OverflowError):
        values = ()
    if (
        isinstance(spacing, (str, bytes))
        or len(values) != len(shape)
        or not all(math.isfinite(s) and s > 0 for s in values)
    ):
        example = ", ".join(["0.7"] * len(shape))
        raise InvalidImageError(
            f"spacing needs one positive value in mm per axis of hu {shape}, "
            f"got {shown(spacing)}; e.g. spacing=({example})"
        )
    return values


def _frozen(array: npt.NDArray[Any] | None) -> npt.NDArray[Any] | None:
    if array is None:
        return None
    array = np.asarray(array)
    if array.flags.writeable:
        array = array.view()
        array.flags.writeable = False
    return array


def _checked_affine(affine: npt.ArrayLike) -> npt.NDArray[np.float64]:
    try:
        matrix = np.array(affine, dtype=np.float64)
    except (TypeError, ValueError):
        matrix = np.full((1, 1), np.nan)
    if (
        matrix.shape != (4, 4)
        or not np.isfinite(matrix).all()
        or not np.array_equal(matrix[3], [0.0, 0.0, 0.0, 1.0])
        or abs(np.linalg.det(matrix[:3, :3])) < 1e-9
    ):
        raise InvalidImageError(
            "affine must be a finite 4 x 4 matrix with last row (0, 0, 0, 1) and an "
            f"invertible 3 x 3 part, got {affine!r}"
        )
    return matrix


@dataclass(frozen=True, eq=False, repr=False)
class CTImage:
    """A CT slice or volume in Hounsfield units.

    Made by :func:`ctlab.load` or :mod:`ctlab.data`; you can also build one
    from your own array.

    Parameters
    ----------
    hu : ndarray
        Hounsfield units: ``(rows, cols)`` for a slice, ``(slices, rows, cols)``
        for a volume. int16 when the rescale is exact, else float32. Stored
        read-only.
    spacing : tuple of float
        Millimetres between pixel centres along each axis of ``hu``. For a
        volume the first entry is the slice spacing measured from the slice
        positions, not the Slice Thickness tag.
    default_window : Window, optional
        The header's first window, None if it has none.
    windows : tuple of Window
        Every window the header suggests, in header order.
    info : mapping
        A redacted summary (modality, description, size, spacing,
        manufacturer...). Never holds patient identifiers.
    labels : ndarray of uint8, optional
        Ground-truth label map of the same shape as ``hu`` (the phantom);
        ``label_names`` maps each label value to a tissue name.
    padding_range : tuple of float, optional
        Inclusive HU range marking pixels outside the scanned field
        (Pixel Padding Value, or out-of-field values such as -2000 or -3024).
        Those pixels are left out of statistics and histograms.
    slice_positions : tuple of float
        Position of each slice along the slice normal, in mm (one entry for a
        single slice when the header gives it, else empty).
    affine : ndarray, optional
        4 x 4 matrix from voxel indices to DICOM patient coordinates in mm
        (LPS: +x towards the patient's left, +y posterior, +z towards the
        head; PS3.3 C.7.6.2.1.1): ``affine @ (slice, row, col, 1)`` is the
        centre of voxel ``hu[slice, row, col]``, in the axis order of ``hu``.
        A single slice is a volume of one slice: its index is
        ``(0, row, col)``. :func:`ctlab.load` builds it from Image Position
        and Orientation (Patient); default: an axial grid with ``spacing``,
        rows towards +y, columns towards +x, slices towards +z, the image
        centre on the z axis and the first slice at ``slice_positions[0]``
        (0 if unknown). Stored read-only.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import CTImage
    >>> image = CTImage(np.array([[-1000, 0], [40, 1000]], dtype=np.int16), spacing=(0.5, 0.5))
    >>> image.shape, image.is_volume
    ((2, 2), False)
    >>> image.origin, image.direction[:, 2].tolist()  # columns run towards the left (+x)
    ((-0.25, -0.25, 0.0), [1.0, 0.0, 0.0])
    """

    hu: npt.NDArray[Any]
    spacing: tuple[float, ...]
    default_window: Window | None = None
    windows: tuple[Window, ...] = ()
    info: Mapping[str, Any] = field(default_factory=dict)
    labels: npt.NDArray[np.uint8] | None = None
    label_names: Mapping[int, str] = field(default_factory=dict)
    padding_range: tuple[float, float] | None = None
    slice_positions: tuple[float, ...] = ()
    affine: npt.NDArray[np.float64] | None = None

    def __post_init__(self) -> None:
        hu = _frozen(self.hu)
        assert hu is not None
        if hu.ndim not in (2, 3):
            raise InvalidImageError(f"hu must be 2-D or 3-D, got shape {hu.shape}")
        if hu.dtype.kind not in "iuf":
            raise InvalidImageError(f"hu must hold numbers, got dtype {hu.dtype}")
        if 0 in hu.shape:
            raise InvalidImageError(
                f"hu has no pixels (shape {hu.shape}); a CT image needs at least one row, "
                "one column and one slice"
            )
        spacing = check_spacing(self.spacing, hu.shape)
        labels = _frozen(self.labels)
        if labels is not None and labels.shape != hu.shape:
            raise InvalidImageError(f"labels shape {labels.shape} differs from hu shape {hu.shape}")
        object.__setattr__(self, "hu", hu)
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "spacing", spacing)
        object.__setattr__(self, "info", MappingProxyType(dict(self.info)))
        object.__setattr__(self, "label_names", MappingProxyType(dict(self.label_names)))
        object.__setattr__(self, "windows", tuple(self.windows))
        object.__setattr__(self, "slice_positions", tuple(float(p) for p in self.slice_positions))
        affine = self._default_affine() if self.affine is None else _checked_affine(self.affine)
        object.__setattr__(self, "affine", _frozen(affine))

    def _default_affine(self) -> npt.NDArray[np.float64]:
        """The axial grid ``write_series`` writes: centre on the z axis, slices towards +z."""
        rows, cols = self.hu.shape[-2:]
        slice_step, row_step, col_step = (1.0, *self.spacing) if self.hu.ndim == 2 else self.spacing
        affine = np.diag([col_step, row_step, slice_step, 1.0])[:, [2, 1, 0, 3]]
        first = self.slice_positions[0] if self.slice_positions else 0.0
        affine[:3, 3] = (-(cols - 1) / 2 * col_step, -(rows - 1) / 2 * row_step, first)
        return affine

    @property
    def origin(self) -> tuple[float, float, float]:
        """Patient coordinates (LPS, mm) of the centre of the first voxel ``hu[0, 0, 0]``."""
        assert self.affine is not None
        x, y, z = (float(v) for v in self.affine[:3, 3])
        return x, y, z

    @property
    def direction(self) -> npt.NDArray[np.float64]:
        """Direction cosines: column ``a`` is the unit LPS vector along axis ``a`` of the grid.

        Axes in the order of :attr:`affine` (slice, row, col). A new array.
        """
        assert self.affine is not None
        steps = self.affine[:3, :3]
        return np.asarray(steps / np.linalg.norm(steps, axis=0), dtype=np.float64)

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle by the constructor's arguments (``info`` and ``label_names`` as plain dicts).

        A mappingproxy cannot be pickled; rebuilding through ``__init__``
        makes the copy read-only again, so a CTImage crosses to
        ``multiprocessing`` and PyTorch ``DataLoader`` workers intact.
        """
        return (
            type(self),
            (
                self.hu,
                self.spacing,
                self.default_window,
                self.windows,
                dict(self.info),
                self.labels,
                dict(self.label_names),
                self.padding_range,
                self.slice_positions,
            ),
        )

    @property
    def shape(self) -> tuple[int, ...]:
        """Shape of :attr:`hu`."""
        return tuple(self.hu.shape)

    @property
    def is_volume(self) -> bool:
        """True for a stack of slices."""
        return self.hu.ndim == 3

    @property
    def n_slices(self) -> int:
        """Number of slices (1 for a single slice)."""
        return self.hu.shape[0] if self.is_volume else 1

    def slice_or_middle(self, index: int | None = None) -> int:
        """``index`` checked to name a slice, or the middle slice when it is None.

        The slice a figure, a widget or the command line shows unless told.

        Raises
        ------
        IndexError
            For a slice that is not there, naming the range.

        Examples
        --------
        >>> import numpy as np
        >>> image = CTImage(np.zeros((5, 2, 2), np.int16), spacing=(1, 1, 1))
        >>> image.slice_or_middle(), image.slice_or_middle(4)
        (2, 4)
        """
        chosen = self.n_slices // 2 if index is None else index
        self.slice_hu(chosen)  # IndexError naming the range for a slice that is not there
        return chosen

    def slice_hu(self, index: int) -> npt.NDArray[Any]:
        """The HU of one slice (a read-only view); ``index`` must be 0 for a slice."""
        if not -self.n_slices <= index < self.n_slices:
            raise IndexError(f"slice index {index} out of range for {self.n_slices} slices")
        return self.hu[index] if self.is_volume else self.hu

    def padding_mask(self, slice_index: int | None = None) -> npt.NDArray[np.bool_]:
        """True where a pixel is padding (outside the scanned field).

        For the whole image, or only slice ``slice_index`` (so a figure of one
        slice does not scan the whole volume).
        """
        hu = self.hu if slice_index is None else self.slice_hu(slice_index)
        if self.padding_range is None:
            return np.zeros(hu.shape, dtype=bool)
        low, high = self.padding_range
        return (hu >= low) & (hu <= high)

    def valid_hu(self) -> npt.NDArray[Any]:
        """The HU of every pixel that is not padding, flattened (for statistics).

        Raises
        ------
        InvalidImageError
            If every pixel is padding: there is nothing to count or show.
        """
        if self.padding_range is None:
            return self.hu.reshape(-1)
        values = self.hu[~self.padding_mask()]
        if values.size == 0 and self.hu.size:
            low, high = self.padding_range
            extent = "volume" if self.is_volume else "slice"
            raise InvalidImageError(
                f"this {extent} holds only padding: every pixel is {low:g} to {high:g} HU, "
                "the value scanners store outside the scanned field, so there is no tissue "
                "to count or show. Load a slice from the middle of the scan, or the whole "
                "series (pass its folder to ctlab.load)"
            )
        return values

    def __repr__(self) -> str:
        size = " x ".join(str(n) for n in self.shape)
        spacing = " x ".join(f"{s:g}" for s in self.spacing)
        window = f", default window {self.default_window}" if self.default_window else ""
        what = self.info.get("description") or self.info.get("modality") or "CT"
        return f"<CTImage {what}: {size} voxels, {spacing} mm, {self.hu.dtype}{window}>"


def as_image(image: CTImage | npt.ArrayLike) -> CTImage:
    """``image`` itself, or a bare HU array wrapped as a CTImage with 1 mm pixels.

    What every figure and widget does with its ``image`` argument, so a
    numpy array works wherever a loaded scan does.

    Examples
    --------
    >>> import numpy as np
    >>> as_image(np.zeros((2, 3), np.int16)).spacing
    (1.0, 1.0)
    """
    if isinstance(image, CTImage):
        return image
    array = np.asarray(image)
    return CTImage(array, spacing=(1.0,) * array.ndim)
