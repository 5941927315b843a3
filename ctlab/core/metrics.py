"""What a window keeps: grey levels per tissue, clipping, histograms, amounts.

These are the numbers behind the lesson: in the -160..240 default window
fat spans about 27 of the 256 grey levels; in the fat window, all 256.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidImageError
from ctlab.core.hounsfield import TISSUES, Tissue, resolve_tissue, tissue_mask
from ctlab.core.voi import apply_window
from ctlab.core.window import VOIFunction, Window

__all__ = [
    "clipped_fractions",
    "grey_levels",
    "hu_histogram",
    "tissue_amounts",
    "tissue_grey_levels",
]

# Elements per block when counting 16-bit values: bincount makes an intp
# (8-byte) copy of its input, so counting a whole volume at once would cost
# four times the volume in memory.
_COUNT_BLOCK = 1 << 20


def grey_levels(
    window: Window | str, low: float, high: float, *, function: VOIFunction | None = None
) -> int:
    """How many of the 256 grey levels an HU range spans in a window.

    The range's darkest and brightest grey and every level between them:
    its share of the display's contrast. A range wholly below or above the
    window collapses to 1 level (all black or all white).

    Parameters
    ----------
    window : Window or str
        The window or a preset name.
    low, high : float
        The HU range, e.g. a tissue band's edges.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.

    Returns
    -------
    int
        Between 1 and 256.

    Notes
    -----
    Integer HU can fill at most ``high - low + 1`` distinct levels of that
    span; the span is what sets how far apart the band's values are drawn.

    Examples
    --------
    >>> grey_levels("default", -100, -60)
    27
    >>> grey_levels("fat", -100, -60)
    256
    """
    if not low <= high:
        raise InvalidImageError(f"low must not exceed high, got low={low}, high={high}")
    edges = apply_window(np.array([low, high], dtype=np.float64), window, function=function)
    return abs(int(edges[1]) - int(edges[0])) + 1


def tissue_grey_levels(
    window: Window | str,
    *,
    function: VOIFunction | None = None,
    tissues: Iterable[Tissue | str] | None = None,
) -> dict[str, int]:
    """Grey levels each tissue band of :data:`ctlab.TISSUES` spans in a window.

    Parameters
    ----------
    window : Window or str
        The window or a preset name.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.
    tissues : iterable of Tissue or str, optional
        Bands to report; default all of :data:`ctlab.TISSUES`.

    Returns
    -------
    dict of str to int
        Tissue name to grey levels (1..256), in the order given.

    Examples
    --------
    >>> levels = tissue_grey_levels("default")
    >>> levels["fat"], levels["soft_tissue"], levels["cortical_bone"]
    (27, 52, 1)
    """
    bands = [resolve_tissue(t) for t in (TISSUES.values() if tissues is None else tissues)]
    return {
        band.name: grey_levels(window, band.low, band.high, function=function) for band in bands
    }


def _masked(hu: npt.ArrayLike, mask: npt.ArrayLike | None) -> npt.NDArray[np.number]:
    values = np.asarray(hu)
    if mask is None:
        return values
    mask = np.asarray(mask, dtype=bool)
    if mask.shape != values.shape:
        raise InvalidImageError(f"mask shape {mask.shape} differs from hu shape {values.shape}")
    return values[mask]


def clipped_fractions(
    hu: npt.ArrayLike,
    window: Window | str,
    *,
    function: VOIFunction | None = None,
    mask: npt.ArrayLike | None = None,
) -> tuple[float, float]:
    """Fractions of pixels a window draws pure black and pure white.

    Parameters
    ----------
    hu : array_like
        Hounsfield units.
    window : Window or str
        The window or a preset name.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.
    mask : array_like of bool, optional
        Pixels to count (e.g. not padding); default all.

    Returns
    -------
    (black, white) : tuple of float
        Fractions in 0..1 of the counted pixels at grey level 0 and 255;
        (0.0, 0.0) when no pixel is counted.

    Examples
    --------
    >>> clipped_fractions([-1000, -80, 40, 1000], "default")
    (0.25, 0.25)
    """
    values = _masked(hu, mask)
    if values.size == 0:
        return (0.0, 0.0)
    grey = apply_window(values, window, function=function)
    total = grey.size
    return (
        int(np.count_nonzero(grey == 0)) / total,
        int(np.count_nonzero(grey == 255)) / total,
    )


def _value_counts16(values: npt.NDArray[Any]) -> tuple[npt.NDArray[np.int64], int]:
    """Counts of every int16/uint16 value, indexed from the smallest possible value."""
    unsigned = values.view(np.uint16) if values.dtype == np.int16 else values
    flat = unsigned.reshape(-1)
    counts = np.zeros(1 << 16, dtype=np.int64)
    for start in range(0, flat.size, _COUNT_BLOCK):
        counts += np.bincount(flat[start : start + _COUNT_BLOCK], minlength=1 << 16)
    if values.dtype == np.int16:
        # Bit patterns 0x8000.. are -32768..-1: rotate into value order.
        return np.roll(counts, 1 << 15), -(1 << 15)
    return counts, 0


def hu_histogram(
    hu: npt.ArrayLike,
    *,
    bins: int | npt.ArrayLike | None = None,
    mask: npt.ArrayLike | None = None,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Histogram of Hounsfield units, exact and fast for 16-bit images.

    Parameters
    ----------
    hu : array_like
        Hounsfield units.
    bins : int or array_like, optional
        As in :func:`numpy.histogram`: a number of equal bins over the data
        range, or the bin edges. Default: integer-aligned bins (edges at
        half-integers) of a whole number of HU, at most 512 of them.
    mask : array_like of bool, optional
        Pixels to count, e.g. ``~image.padding_mask()``.

    Returns
    -------
    counts : ndarray of int64
    edges : ndarray of float64
        ``len(counts) + 1`` edges; bins are half-open ``[a, b)`` except the
        last, which includes its right edge, as in :func:`numpy.histogram`.

    Notes
    -----
    int16 and uint16 images are counted once per HU value (``bincount`` in
    blocks), then summed into bins: the same counts as
    :func:`numpy.histogram`, in a fraction of its time.

    Examples
    --------
    >>> import numpy as np
    >>> counts, edges = hu_histogram(np.array([-1000, -1000, 0, 40], dtype=np.int16), bins=2)
    >>> counts.tolist(), edges.tolist()
    ([2, 2], [-1000.0, -480.0, 40.0])
    """
    values = _masked(hu, mask)
    if values.dtype.kind not in "iuf":
        raise InvalidImageError(f"hu must hold numbers, got dtype {values.dtype}")
    if values.size == 0:
        raise InvalidImageError("hu has no pixels to count (empty array or empty mask)")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        values = values[np.isfinite(values)]
    low, high = values.min(), values.max()
    if bins is None:
        step = max(1, math.ceil((float(high) - float(low) + 1) / 512))
        n_bins = math.ceil((float(high) - float(low) + 1) / step)
        edges = float(math.floor(low)) - 0.5 + step * np.arange(n_bins + 1, dtype=np.float64)
    elif isinstance(bins, (int, np.integer)):
        edges = np.histogram_bin_edges(values[:1], bins=int(bins), range=(low, high))
    else:
        edges = np.asarray(bins, dtype=np.float64)
    if values.dtype not in (np.dtype(np.int16), np.dtype(np.uint16)):
        counts, edges = np.histogram(values, bins=edges)
        return counts.astype(np.int64), edges
    value_counts, first_value = _value_counts16(values)
    # below[k] = number of pixels with value < first_value + k.
    below = np.concatenate(([0], np.cumsum(value_counts)))
    # A pixel of integer value v is in [a, b) when ceil(a) <= v < ceil(b);
    # the last bin also takes v == b.
    cut = np.ceil(edges) - first_value
    cut[-1] = np.floor(edges[-1]) + 1 - first_value
    cut = np.clip(cut, 0, below.size - 1).astype(np.int64)
    counts = np.diff(below[cut])
    return counts, edges


def tissue_amounts(
    hu: npt.ArrayLike,
    *,
    spacing: tuple[float, ...],
    tissues: Iterable[Tissue | str] | None = None,
    mask: npt.ArrayLike | None = None,
) -> dict[str, float]:
    """How much of each tissue band an image holds, by HU threshold.

    Parameters
    ----------
    hu : array_like
        A slice (2-D) or a volume (3-D) in HU.
    spacing : tuple of float
        Millimetres per pixel along each axis.
    tissues : iterable of Tissue or str, optional
        Bands to measure; default all of :data:`ctlab.TISSUES`.
    mask : array_like of bool, optional
        Pixels to consider (e.g. not padding).

    Returns
    -------
    dict of str to float
        Area in cm^2 for a slice, volume in mL for a volume.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.full((10, 10), -80, dtype=np.int16)
    >>> tissue_amounts(hu, spacing=(1.0, 1.0), tissues=["fat", "water"])
    {'fat': 1.0, 'water': 0.0}
    """
    values = np.asarray(hu)
    if values.ndim not in (2, 3) or len(spacing) != values.ndim:
        raise InvalidImageError(
            f"need a 2-D or 3-D hu with one spacing per axis, got shape {values.shape} "
            f"and spacing {spacing}"
        )
    # mm^2 -> cm^2 is /100; mm^3 -> mL is /1000.
    unit = 100.0 if values.ndim == 2 else 1000.0
    voxel = float(np.prod(spacing)) / unit
    selected = None if mask is None else np.asarray(mask, dtype=bool)
    amounts = {}
    for tissue in TISSUES.values() if tissues is None else tissues:
        band = resolve_tissue(tissue)
        inside = tissue_mask(values, band)
        if selected is not None:
            inside &= selected
        amounts[band.name] = int(np.count_nonzero(inside)) * voxel
    return amounts
