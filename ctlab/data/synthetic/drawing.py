"""What ctlab's synthetic images share: how they are drawn and what they become.

Both the phantom and the hidden figures are drawn at ``SUPERSAMPLE`` times
the output resolution and averaged down, so edges get the intermediate
values of real partial-volume voxels, while labels take the fine value at
each output pixel's centre. Either becomes a :class:`~ctlab.core.image.CTImage`
with the same kind of ``info`` a loaded scan has.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from ctlab.core.image import CTImage
from ctlab.core.window import PRESETS

__all__ = [
    "SUPERSAMPLE",
    "average_down",
    "centre_samples",
    "paint_ellipse",
    "smooth_noise",
    "synthetic_image",
]

#: Fine-grid samples per output pixel along each axis.
SUPERSAMPLE = 2


def average_down(fine: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The mean of each ``SUPERSAMPLE`` x ``SUPERSAMPLE`` block of a 2-D fine grid.

    Examples
    --------
    >>> average_down(np.array([[0.0, 2.0], [4.0, 6.0]])).tolist()
    [[3.0]]
    """
    rows, cols = fine.shape[0] // SUPERSAMPLE, fine.shape[1] // SUPERSAMPLE
    return fine.reshape(rows, SUPERSAMPLE, cols, SUPERSAMPLE).mean(axis=(1, 3))


def centre_samples(fine: npt.NDArray[np.generic]) -> npt.NDArray[np.generic]:
    """The fine-grid value at each output pixel's centre: for labels, which cannot be averaged.

    Examples
    --------
    >>> centre_samples(np.array([[0, 1], [2, 3]])).tolist()
    [[3]]
    """
    middle = SUPERSAMPLE // 2
    return fine[middle::SUPERSAMPLE, middle::SUPERSAMPLE]


def paint_ellipse(
    labels: npt.NDArray[np.uint8],
    coordinates: npt.NDArray[np.float64],
    center: tuple[float, float],
    axes: tuple[float, float],
    value: int,
) -> None:
    """Set ``value`` inside an axis-aligned ellipse (mm), touching only its bounding box.

    ``labels`` is square; ``coordinates`` (increasing, mm) is the position of
    its rows and of its columns; ``center`` is (x, y) and ``axes`` the two
    semi-axes, in mm.

    Examples
    --------
    >>> labels = np.zeros((5, 5), np.uint8)
    >>> paint_ellipse(labels, np.arange(5.0) - 2, (0, 0), (1, 1), 7)
    >>> int(labels.sum() // 7)
    5
    """
    (cx, cy), (ax, ay) = center, axes
    first_col = np.searchsorted(coordinates, cx - ax, side="left")
    last_col = np.searchsorted(coordinates, cx + ax, side="right")
    first_row = np.searchsorted(coordinates, cy - ay, side="left")
    last_row = np.searchsorted(coordinates, cy + ay, side="right")
    dx = ((coordinates[first_col:last_col] - cx) / ax) ** 2
    dy = ((coordinates[first_row:last_row] - cy) / ay) ** 2
    box = labels[first_row:last_row, first_col:last_col]
    box[dy[:, None] + dx[None, :] <= 1.0] = value


def smooth_noise(rng: np.random.Generator, shape: tuple[int, int], sigma: float) -> np.ndarray:
    """Gaussian-filtered white noise scaled to unit standard deviation.

    Examples
    --------
    >>> noise = smooth_noise(np.random.default_rng(0), (32, 32), sigma=1.5)
    >>> noise.shape, round(float(noise.std()), 6)
    ((32, 32), 1.0)
    """
    white = rng.standard_normal(shape)
    fy = np.fft.fftfreq(shape[0])[:, None]
    fx = np.fft.rfftfreq(shape[1])[None, :]
    kernel = np.exp(-2 * (np.pi * sigma) ** 2 * (fx**2 + fy**2))
    field = np.fft.irfft2(np.fft.rfft2(white) * kernel, s=shape)
    return field / field.std()


def synthetic_image(
    hu: npt.NDArray[np.int16],
    spacing: tuple[float, ...],
    *,
    description: str,
    labels: npt.NDArray[np.uint8],
    label_names: Mapping[int, str],
    padding_hu: float | None = None,
    slice_positions: tuple[float, ...] = (),
) -> CTImage:
    """A synthetic CT image with ground-truth labels and the default 40/400 window.

    Parameters
    ----------
    hu : ndarray of int16
        The image.
    spacing : tuple of float
        Millimetres between pixel (and slice) centres, as in ``CTImage``.
    description : str
        What the image is, for ``info``.
    labels : ndarray of uint8
        Ground-truth label of each pixel, same shape as ``hu``.
    label_names : mapping of int to str
        Name of each label value.
    padding_hu : float, optional
        The value stored outside the reconstruction circle, if any.
    slice_positions : tuple of float, optional
        Positions of the slices of a volume, mm.

    Returns
    -------
    CTImage

    Examples
    --------
    >>> hu = np.zeros((2, 2), np.int16)
    >>> image = synthetic_image(
    ...     hu, (1.0, 1.0), description="test", labels=np.zeros((2, 2), np.uint8),
    ...     label_names={0: "water"})
    >>> image.info["description"], image.default_window.center, image.default_window.width
    ('test', 40.0, 400.0)
    """
    info: dict[str, object] = {
        "modality": "CT",
        "description": description,
        "shape": hu.shape,
        "spacing_mm": spacing,
        "manufacturer": "ctlab",
    }
    padding_range = None
    if padding_hu is not None:
        padding_range = (float(padding_hu), float(padding_hu))
        info["padding_hu"] = padding_range
    info["corrections"] = []
    return CTImage(
        hu,
        spacing=spacing,
        default_window=PRESETS["default"],
        windows=(PRESETS["default"],),
        info=info,
        labels=labels,
        label_names=label_names,
        padding_range=padding_range,
        slice_positions=slice_positions,
    )
