"""What a window keeps: grey levels per tissue, clipping, histograms, amounts.

These are the numbers behind the lesson. In the -160..240 default window the
-100..-60 HU of the fat *window* span 27 of the 256 grey levels; in the fat
window itself they span all 256, but their whole HU can use only 40 of
them (:class:`TissueLevels` keeps span, usable and used apart).
"""

from __future__ import annotations

import functools
import math
import os
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.arrays import bool_mask, grey_array, hu_array
from ctlab.core.errors import InvalidArgumentError, InvalidImageError, shown
from ctlab.core.hounsfield import TISSUES, Tissue, resolve_tissue, tissue_mask
from ctlab.core.image import check_spacing
from ctlab.core.voi import apply_window
from ctlab.core.window import VOIFunction, Window, resolve_window

__all__ = [
    "MAX_BINS",
    "TissueLevels",
    "clipped_fractions",
    "contrast",
    "contrast_to_noise",
    "dice",
    "grey_levels",
    "hu_counts",
    "hu_per_grey_level",
    "levels_used",
    "texture",
    "tissue_amounts",
    "tissue_levels",
]

# Elements per block when counting 16-bit values, and how they are counted.
# numpy sorts 16-bit integers with AVX-512 (x86-simd-sort) on CPUs with the
# AVX512_ICL feature set. On some of them (an Intel Xeon) sorting a block and
# measuring its runs of equal values beats np.bincount, which first copies the
# block to intp (8 bytes a value) and scans it twice; on others with the same
# feature set (an AMD EPYC) sorting is several times slower. So the method is
# measured once, on the first large image; without that SIMD sort, sorting is
# always far slower and bincount is used. The block sizes are the fastest
# measured for each (bench/MEASUREMENTS.md).
# The integer types _value_counts16 counts.
_SIXTEEN_BIT = (np.dtype(np.int16), np.dtype(np.uint16))
_SORT_BLOCK = 1 << 21
_COUNT_BLOCK = 1 << 20
# Fewer elements than this are counted on one thread.
_THREAD_ELEMENTS = 1 << 22


def _numpy_sorts_16bit_with_simd() -> bool:
    """Whether numpy's CPU dispatch has the AVX-512 sort for 16-bit integers."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy 1.x: counting is right everywhere it was measured
        return False
    return bool(__cpu_features__.get("AVX512_ICL", False))


@functools.cache
def _sorting_counts_faster() -> bool:
    """Whether sorting counts 16-bit values faster than np.bincount on this machine.

    Measured once per process on a block of CT-like values (best of three
    each, a few milliseconds); both methods give the same counts.
    """
    if not _numpy_sorts_16bit_with_simd():
        return False
    block = np.random.default_rng(0).normal(0, 400, _SORT_BLOCK).astype(np.int16)

    def best(count: Any, blocks: list[npt.NDArray[Any]]) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            for part in blocks:
                count(part)
            times.append(time.perf_counter() - start)
        return min(times)

    halves = [block[:_COUNT_BLOCK], block[_COUNT_BLOCK:]]
    return best(_sorted_counts, [block]) < best(_bincounts, halves)


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
    for name, value in (("low", low), ("high", high)):
        if not _is_real(value) or math.isnan(value):
            raise InvalidArgumentError(
                f"{name} must be a number of HU, got {shown(value)}; "
                "e.g. grey_levels('default', -100, -60) for the fat band"
            )
    if not low <= high:
        raise InvalidImageError(f"low must not exceed high, got low={low}, high={high}")
    edges = apply_window(np.array([low, high], dtype=np.float64), window, function=function)
    return abs(int(edges[1]) - int(edges[0])) + 1


@dataclass(frozen=True)
class TissueLevels:
    """The grey levels one tissue range gets in a window.

    Three numbers that are easy to confuse, kept apart:

    Attributes
    ----------
    tissue : str
        Key of the range in :data:`ctlab.TISSUES`.
    span : int
        Grey levels from the range's darkest grey to its brightest, both
        included (1..256): its share of the display's contrast.
    usable : int
        Distinct grey levels the range's *integer* HU can take: at most its
        number of whole HU (``high - low + 1``) and at most ``span``. A 40-HU
        range spans 256 levels in a 40-HU window but can use only 40 of them.
    used : int or None
        Distinct grey levels the image's pixels in the range take; None when
        no image was given.
    pixels : int or None
        Pixels of the image in the range; None when no image was given.

    Examples
    --------
    >>> TissueLevels("fat", span=256, usable=40, used=None, pixels=None).usable
    40
    """

    tissue: str
    span: int
    usable: int
    used: int | None
    pixels: int | None


def tissue_levels(
    window: Window | str,
    *,
    hu: npt.ArrayLike | None = None,
    mask: npt.ArrayLike | None = None,
    function: VOIFunction | None = None,
    tissues: Iterable[Tissue | str] | None = None,
) -> dict[str, TissueLevels]:
    """Grey levels each tissue range spans, can use and (on an image) uses in a window.

    Parameters
    ----------
    window : Window or str
        The window or a preset name.
    hu : array_like, optional
        An image in HU: with it, ``used`` and ``pixels`` are measured on the
        pixels whose HU lie in each range.
    mask : array_like of bool, optional
        Pixels of ``hu`` to count (e.g. not padding); default all.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.
    tissues : iterable of Tissue or str, optional
        Ranges to report; default all of :data:`ctlab.TISSUES`.

    Returns
    -------
    dict of str to TissueLevels
        In the order given.

    Notes
    -----
    ``usable`` is counted exactly: every whole HU of the range is windowed
    and the distinct grey levels counted. ``span`` is what sets how far
    apart the range's values are drawn; ``usable`` how many different greys
    it can show; ``used`` what one image really shows.

    Examples
    --------
    >>> levels = tissue_levels("fat", tissues=["fat"])["fat"]
    >>> levels.span, levels.usable
    (256, 40)
    >>> d = tissue_levels("default", tissues=["fat"])["fat"]
    >>> d.span, d.usable
    (84, 84)
    >>> import numpy as np
    >>> tissue_levels("fat", hu=np.array([-90, -90, -80, 40]), tissues=["fat"])["fat"].used
    2
    """
    resolved = resolve_window(window)
    bands = [resolve_tissue(t) for t in (TISSUES.values() if tissues is None else tissues)]
    values = None if hu is None else _masked(hu, mask)
    result = {}
    for band in bands:
        whole_hu = np.arange(band.low, band.high + 1, dtype=np.float64)
        usable = len(np.unique(apply_window(whole_hu, resolved, function=function)))
        used = pixels = None
        if values is not None:
            inside = values[(values >= band.low) & (values <= band.high)]
            pixels = int(inside.size)
            used = len(np.unique(apply_window(inside, resolved, function=function)))
        result[band.name] = TissueLevels(
            band.name,
            span=grey_levels(resolved, band.low, band.high, function=function),
            usable=usable,
            used=used,
            pixels=pixels,
        )
    return result


def _is_real(value: object) -> bool:
    """A real number (Python or numpy), not a bool, a string or an array."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(
        value, (bool, np.bool_)
    )


def _masked(hu: npt.ArrayLike, mask: npt.ArrayLike | None) -> npt.NDArray[Any]:
    values = np.asarray(hu)
    return values if mask is None else values[bool_mask(mask, values.shape)]


def clipped_fractions(
    values: npt.ArrayLike,
    window: Window | str | None = None,
    *,
    function: VOIFunction | None = None,
    mask: npt.ArrayLike | None = None,
) -> tuple[float, float]:
    """Fractions of pixels drawn pure black (0) and pure white (255).

    Inside a tissue mask, black and white are the pixels whose differences
    were thrown away. Give HU and the window that draws them, or an 8-bit
    image already drawn (``window=None``), whose window may be unknown or
    come from a naive conversion.

    Parameters
    ----------
    values : array_like
        Hounsfield units, or grey levels (uint8) when ``window`` is None.
    window : Window or str, optional
        The window or a preset name that draws the HU.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.
    mask : array_like of bool, optional
        Pixels to count (e.g. not padding); default all.

    Returns
    -------
    (black, white) : tuple of float
        Fractions in 0..1 of the counted pixels at grey level 0 and 255;
        (0.0, 0.0) when no pixel is counted.

    Raises
    ------
    InvalidImageError
        For grey levels that are not uint8 when no window is given, or a
        mask of the wrong shape or type.

    Examples
    --------
    >>> clipped_fractions([-1000, -80, 40, 1000], "default")
    (0.25, 0.25)
    >>> import numpy as np
    >>> clipped_fractions(np.array([0, 0, 100, 255], np.uint8))
    (0.5, 0.25)
    """
    if window is None:
        grey = grey_array(values)
        grey = grey[bool_mask(mask, grey.shape)]
    else:
        hu = np.asarray(values)
        hu = hu[bool_mask(mask, hu.shape)]
        if hu.size == 0:
            return (0.0, 0.0)
        grey = apply_window(hu, window, function=function)
    if grey.size == 0:
        return (0.0, 0.0)
    return (
        int(np.count_nonzero(grey == 0)) / grey.size,
        int(np.count_nonzero(grey == 255)) / grey.size,
    )


_Counts = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]


def _sorted_counts(block: npt.NDArray[Any]) -> _Counts:
    """The values of a 16-bit block and their counts, read off the runs of its sorted copy."""
    ordered = np.sort(block)
    run_starts = np.flatnonzero(ordered[1:] != ordered[:-1]) + 1
    run_starts = np.concatenate(([0], run_starts))
    return ordered[run_starts].astype(np.int64), np.diff(run_starts, append=ordered.size)


def _bincounts(block: npt.NDArray[Any]) -> _Counts:
    """The values of a 16-bit block and their counts, by np.bincount of the bit patterns."""
    counts = np.bincount(block.view(np.uint16), minlength=1 << 16)
    patterns = np.flatnonzero(counts)
    values = patterns.astype(np.uint16).view(block.dtype).astype(np.int64)
    return values, counts[patterns].astype(np.int64, copy=False)


def _value_counts16(
    values: npt.NDArray[Any], *, by_sorting: bool | None = None
) -> tuple[npt.NDArray[np.int64], int]:
    """Counts of each int16/uint16 value from the smallest present to the largest, and the smallest.

    Blocks are counted on every core for large images: np.sort and most of
    np.bincount release the GIL. Each block reports only the values it
    holds, and the totals span only the range present, so sorting a small
    image costs no pass over all 65536 possible values.
    """
    flat = values.reshape(-1)
    if by_sorting is None:
        # Small images never pay for the measurement: one block costs little either way.
        by_sorting = flat.size > _THREAD_ELEMENTS and _sorting_counts_faster()
    count, size = (_sorted_counts, _SORT_BLOCK) if by_sorting else (_bincounts, _COUNT_BLOCK)
    blocks = [flat[start : start + size] for start in range(0, flat.size, size)]
    threads = min(os.cpu_count() or 1, len(blocks), flat.size // _THREAD_ELEMENTS + 1)
    if threads > 1:
        with ThreadPoolExecutor(threads) as pool:
            counted = list(pool.map(count, blocks))
    else:  # starting a thread would cost more than counting a slice
        counted = [count(block) for block in blocks]
    low = min(int(block_values.min()) for block_values, _ in counted)
    high = max(int(block_values.max()) for block_values, _ in counted)
    totals = np.zeros(high - low + 1, dtype=np.int64)
    for block_values, block_counts in counted:
        totals[block_values - low] += block_counts  # a block's values are distinct
    return totals, low


#: The most bins :func:`hu_counts` draws: one per value a 16-bit image can
#: hold. More add no detail to a CT histogram and only cost time.
MAX_BINS = 1 << 16


def _bin_count(bins: int | np.integer) -> int:
    if not 1 <= bins <= MAX_BINS:
        raise InvalidArgumentError(
            f"bins must be a whole number of bins from 1 to {MAX_BINS}, got {shown(bins)}; "
            "leave bins=None for one bin per HU (at most 512 bins)"
        )
    return int(bins)


def _bin_edges(bins: object) -> npt.NDArray[np.float64]:
    try:
        edges = np.asarray(bins, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        edges = np.empty(0)
    if (
        isinstance(bins, (str, bytes))
        or edges.ndim != 1
        or not 2 <= edges.size <= MAX_BINS + 1
        or not np.isfinite(edges).all()
        or not (np.diff(edges) > 0).all()
    ):
        raise InvalidArgumentError(
            f"bins must be a whole number of bins or 2 to {MAX_BINS + 1} finite, increasing bin "
            f"edges in HU, got {shown(bins)}; numpy's rules such as 'auto' are not taken: "
            "leave bins=None for one bin per HU"
        )
    return edges


def hu_counts(
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
        range (1 to :data:`MAX_BINS`, 65536), or the bin edges (finite,
        strictly increasing). Default: integer-aligned bins (edges at
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
    int16 and uint16 images are counted once per HU value, in blocks on
    every core (by sorting where numpy sorts 16-bit integers with AVX-512,
    else by ``bincount``), then summed into bins: the same counts as
    :func:`numpy.histogram`, in a fraction of its time.

    Examples
    --------
    >>> import numpy as np
    >>> counts, edges = hu_counts(np.array([-1000, -1000, 0, 40], dtype=np.int16), bins=2)
    >>> counts.tolist(), edges.tolist()
    ([2, 2], [-1000.0, -480.0, 40.0])
    """
    values = _masked(hu_array(hu), mask)
    if values.size == 0:
        raise InvalidImageError("hu has no pixels to count (empty array or empty mask)")
    if values.dtype.kind == "f" and not np.isfinite(values).all():
        values = values[np.isfinite(values)]
        if values.size == 0:
            raise InvalidImageError(
                "hu holds no finite value to count (all NaN or infinite); "
                "check how the array was made, e.g. a division by zero"
            )
    sixteen_bit = values.dtype in _SIXTEEN_BIT
    if sixteen_bit:
        value_counts, low = _value_counts16(values)  # the range, without two more passes
        high = low + value_counts.size - 1
    else:
        low, high = values.min(), values.max()
    if bins is None:
        step = max(1, math.ceil((float(high) - float(low) + 1) / 512))
        n_bins = math.ceil((float(high) - float(low) + 1) / step)
        edges = float(math.floor(low)) - 0.5 + step * np.arange(n_bins + 1, dtype=np.float64)
    elif _is_real(bins) and isinstance(bins, (int, np.integer)):
        edges = np.histogram_bin_edges(values[:1], bins=_bin_count(bins), range=(low, high))
    else:
        edges = _bin_edges(bins)
    if not sixteen_bit:
        counts, edges = np.histogram(values, bins=edges)
        return counts.astype(np.int64), edges
    # below[k] = number of pixels with value < low + k. Summing only the
    # range present keeps small images fast: a cumsum of all 65536 values
    # would cost more than np.histogram of a small slice.
    below = np.concatenate(([0], np.cumsum(value_counts)))
    # A pixel of integer value v is in [a, b) when ceil(a) <= v < ceil(b);
    # the last bin also takes v == b.
    cut = np.ceil(edges) - low
    cut[-1] = np.floor(edges[-1]) + 1 - low
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
    if values.ndim not in (2, 3):
        raise InvalidImageError(
            f"hu must be a 2-D slice or a 3-D volume to measure amounts, got shape {values.shape}"
        )
    # mm^2 -> cm^2 is /100; mm^3 -> mL is /1000.
    unit = 100.0 if values.ndim == 2 else 1000.0
    voxel = math.prod(check_spacing(spacing, values.shape)) / unit
    selected = None if mask is None else bool_mask(mask, values.shape)
    amounts = {}
    for tissue in TISSUES.values() if tissues is None else tissues:
        band = resolve_tissue(tissue)
        inside = tissue_mask(values, band)
        if selected is not None:
            inside &= selected
        amounts[band.name] = int(np.count_nonzero(inside)) * voxel
    return amounts


def hu_peaks(
    hu: npt.ArrayLike,
    *,
    mask: npt.ArrayLike | None = None,
    smooth: int = 15,
    min_share: float = 0.0005,
    dip: float = 0.75,
    min_separation: int = 40,
) -> list[tuple[float, int]]:
    """The peaks of an image's HU histogram: the tissues that fill large areas.

    Counts whole HU, smooths the counts with a moving average of ``smooth`` HU
    (so that single-HU noise makes no peak) and keeps the local maxima that
    stand out: at least ``min_share`` of the pixels per HU, at least
    ``min_separation`` HU from every higher peak and separated from it by a
    valley lower than ``dip`` times their own height. A peak is a true
    maximum of the smoothed histogram, never the edge of a tissue range.

    Parameters
    ----------
    hu : array_like
        Hounsfield units (rounded to whole HU).
    mask : array_like of bool, optional
        Pixels to count (e.g. ``~image.padding_mask()``); default all.
    smooth : int
        Width of the moving average in HU, odd, at least 1.
    min_share : float
        Smallest smoothed count per HU a peak needs, as a fraction of all
        counted pixels.
    dip : float
        How deep the valley to a higher peak must be, as a fraction of the
        peak's own height (0..1).
    min_separation : int
        HU a peak must be from every higher peak (air's double peak near
        -1000 HU is one peak).

    Returns
    -------
    list of (hu, count)
        Peaks from the lowest HU to the highest: the HU of the maximum and
        the smoothed count there (pixels per HU, rounded).

    Raises
    ------
    InvalidImageError
        For an even or non-positive ``smooth``, or no pixels to count.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> hu = np.concatenate([rng.normal(-100, 10, 5000), rng.normal(60, 10, 5000)])
    >>> [round(h, -1) for h, _ in hu_peaks(hu)]
    [-100.0, 60.0]
    """
    if smooth < 1 or smooth % 2 == 0:
        raise InvalidImageError(f"smooth must be an odd number of HU >= 1, got {smooth}")
    values = _masked(hu, mask)
    if values.dtype.kind == "f":
        values = np.rint(values[np.isfinite(values)])
    if values.size == 0:
        raise InvalidImageError("hu has no pixels to count (empty array or empty mask)")
    if values.dtype in _SIXTEEN_BIT:
        # In blocks on every core, as hu_counts counts: no int64 copy of a whole volume.
        value_counts, low = _value_counts16(values)
    else:
        low = int(values.min())
        value_counts = np.bincount((values - low).astype(np.int64).reshape(-1))
    counts = value_counts.astype(np.float64)
    smoothed = np.convolve(np.pad(counts, smooth // 2), np.ones(smooth) / smooth, mode="valid")
    # Local maxima: not lower than either neighbour.
    left = np.concatenate(([-1.0], smoothed[:-1]))
    right = np.concatenate((smoothed[1:], [-1.0]))
    candidates = np.flatnonzero(
        (smoothed >= left) & (smoothed >= right) & (smoothed >= min_share * values.size)
    )
    chosen: list[int] = []
    for index in sorted(candidates.tolist(), key=lambda i: -smoothed[i]):
        height = smoothed[index]
        # A plateau or a shoulder of a higher peak is not a peak of its own.
        if all(
            abs(index - other) >= min_separation
            and smoothed[min(index, other) : max(index, other) + 1].min() < dip * height
            for other in chosen
        ):
            chosen.append(index)
    return [(float(low + i), round(float(smoothed[i]))) for i in sorted(chosen)]


def _selected(
    values: npt.ArrayLike, mask: npt.ArrayLike | None, name: str = "mask"
) -> npt.NDArray[Any]:
    array = hu_array(values, "values")
    return array[bool_mask(mask, array.shape, name)]


def _require_pixels(values: npt.NDArray[Any], what: str) -> None:
    if values.size == 0:
        raise InvalidImageError(f"{what} selects no pixel; there is nothing to measure")


def levels_used(grey: npt.ArrayLike, *, mask: npt.ArrayLike | None = None) -> int:
    """How many distinct grey levels an 8-bit image uses (inside a mask).

    The grey levels a tissue actually keeps: its HU spread over this many
    shades, whatever the window promised.

    Parameters
    ----------
    grey : array_like of uint8
    mask : array_like of bool, optional
        Pixels to count, same shape as ``grey``; default all.

    Returns
    -------
    int
        ``len(np.unique(grey[mask]))``: 0..256, 0 for an empty mask.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.array([0, 0, 7, 255], np.uint8)
    >>> levels_used(grey), levels_used(grey, mask=grey > 0)
    (3, 2)
    """
    values = grey_array(grey)
    inside = values[bool_mask(mask, values.shape)]
    return int(np.count_nonzero(np.bincount(inside.reshape(-1), minlength=256)))


def hu_per_grey_level(
    hu: npt.ArrayLike, grey: npt.ArrayLike, *, mask: npt.ArrayLike | None = None
) -> float:
    """How many different CT numbers share one grey level, on average.

    ``distinct HU values / distinct grey levels`` inside the mask. 1.0
    means no two CT numbers were merged (the window is at least as fine as
    the scanner's 1 HU steps); 40.0 for 40 fat values drawn all black
    means all of them were merged into one shade.

    Parameters
    ----------
    hu : array_like
        The HU the grey image was made from. Floating-point HU are rounded
        to whole HU first (the scanner's precision); NaN is left out.
    grey : array_like of uint8
        The 8-bit image, same shape.
    mask : array_like of bool, optional
        Pixels to measure (e.g. a tissue mask); default all.

    Returns
    -------
    float
        At least 1.0 when ``grey`` was made from ``hu`` by a monotone
        conversion of integer HU.

    Raises
    ------
    InvalidImageError
        For mismatched shapes, non-uint8 ``grey`` or an empty selection.

    Notes
    -----
    For a band wider than the window's step this tends to
    ``width / 255``, the HU per grey level of the window itself.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.arange(-100, -60, dtype=np.int16)  # 40 values of the fat band
    >>> hu_per_grey_level(hu, np.zeros(40, np.uint8))
    40.0
    >>> from ctlab import apply_window
    >>> hu_per_grey_level(hu, apply_window(hu, "fat"))
    1.0
    """
    values = np.asarray(hu)
    levels = grey_array(grey)
    if values.shape != levels.shape:
        raise InvalidImageError(f"hu shape {values.shape} differs from grey shape {levels.shape}")
    inside = bool_mask(mask, values.shape)
    selected = _selected(values, inside)
    if selected.dtype.kind == "f":
        keep = np.isfinite(selected)
        selected = np.rint(selected[keep])
        grey_inside = levels[inside][keep]
    else:
        grey_inside = levels[inside]
    _require_pixels(selected, "the mask")
    return len(np.unique(selected)) / levels_used(grey_inside)


def _two_regions(
    values: npt.ArrayLike, mask_a: npt.ArrayLike, mask_b: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    a = _selected(values, mask_a, "mask_a").astype(np.float64)
    b = _selected(values, mask_b, "mask_b").astype(np.float64)
    _require_pixels(a, "mask_a")
    _require_pixels(b, "mask_b")
    return a, b


def contrast(values: npt.ArrayLike, mask_a: npt.ArrayLike, mask_b: npt.ArrayLike) -> float:
    """Difference of the mean values of two regions: ``mean(a) - mean(b)``.

    In grey levels for an 8-bit image, in HU for HU: how far apart two
    tissues (fat and muscle, say) are drawn.

    Parameters
    ----------
    values : array_like
        Grey levels or HU.
    mask_a, mask_b : array_like of bool
        The two regions, same shape as ``values``.

    Returns
    -------
    float

    Raises
    ------
    InvalidImageError
        For a mask of the wrong shape or type, or one that selects nothing.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.array([10, 20, 200, 220], np.uint8)
    >>> contrast(grey, grey > 100, grey < 100)
    195.0
    """
    a, b = _two_regions(values, mask_a, mask_b)
    return float(a.mean() - b.mean())


def contrast_to_noise(values: npt.ArrayLike, mask_a: npt.ArrayLike, mask_b: npt.ArrayLike) -> float:
    """Contrast-to-noise ratio of two regions.

    ``(mean(a) - mean(b)) / sqrt((var(a) + var(b)) / 2)``: the difference
    of means in units of the pooled standard deviation (population
    variances). Unlike :func:`contrast` it does not depend on the units,
    so an 8-bit image and its HU can be compared directly; clipping and
    coarse grey levels change it.

    Parameters
    ----------
    values : array_like
        Grey levels or HU.
    mask_a, mask_b : array_like of bool
        The two regions.

    Returns
    -------
    float
        0.0 when the means are equal; ``inf`` (with the sign of the
        difference) when both regions are constant but differ.

    Raises
    ------
    InvalidImageError
        For a mask of the wrong shape or type, or one that selects nothing.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([0, 2, 10, 12])
    >>> contrast_to_noise(values, values > 5, values < 5)
    10.0
    """
    a, b = _two_regions(values, mask_a, mask_b)
    difference = float(a.mean() - b.mean())
    pooled = float(np.sqrt((a.var() + b.var()) / 2))
    if difference == 0:
        return 0.0
    if pooled == 0:
        return float(np.copysign(np.inf, difference))
    return difference / pooled


def texture(values: npt.ArrayLike, *, mask: npt.ArrayLike | None = None) -> float:
    """Standard deviation inside a mask: how much texture is left.

    Inside a vertebra the trabecular bone makes the HU vary by a hundred
    or more; a window that draws all of it white leaves a standard
    deviation near 0. Compare in HU (after :func:`grey_to_hu`) or in grey
    levels of the same conversion.

    Parameters
    ----------
    values : array_like
        Grey levels or HU; NaN is left out.
    mask : array_like of bool, optional
        Region to measure; default all.

    Returns
    -------
    float
        Population standard deviation (``numpy.std``, ``ddof=0``).

    Raises
    ------
    InvalidImageError
        For a mask of the wrong shape or type, or an empty selection.

    Examples
    --------
    >>> import numpy as np
    >>> texture(np.array([100, 300, 255, 255], np.int16), mask=np.array([1, 1, 0, 0], bool))
    100.0
    """
    selected = _selected(values, mask).astype(np.float64)
    selected = selected[np.isfinite(selected)]
    _require_pixels(selected, "the mask")
    return float(selected.std())


def dice(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Dice overlap of two segmentations: ``2 |A and B| / (|A| + |B|)``.

    Parameters
    ----------
    a, b : array_like of bool
        Two masks of the same shape, e.g. a threshold result and the
        ground truth (``labels == value``).

    Returns
    -------
    float
        0.0 (no overlap) .. 1.0 (identical). Two empty masks agree
        perfectly: 1.0.

    Raises
    ------
    InvalidImageError
        If a mask is not bool or the shapes differ.

    Examples
    --------
    >>> import numpy as np
    >>> dice(np.array([1, 1, 0, 0], bool), np.array([0, 1, 1, 0], bool))
    0.5
    """
    first = np.asarray(a)
    second = bool_mask(b, first.shape, "b")
    first = bool_mask(first, first.shape, "a")
    total = int(np.count_nonzero(first)) + int(np.count_nonzero(second))
    if total == 0:
        return 1.0
    return 2 * int(np.count_nonzero(first & second)) / total
