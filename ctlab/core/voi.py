"""VOI LUT functions: Hounsfield units to 8-bit grey levels.

These are exactly the windowing functions of DICOM PS3.3 C.11.2.1.2, with the
output range fixed to 0..255. Integer images of 8 or 16 bits go through a
lookup table built once per window (and cached), so windowing costs one
table look-up per pixel and no temporary larger than the output.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from ctlab.core.arrays import hu_array
from ctlab.core.errors import InvalidArgumentError, InvalidWindowError, shown
from ctlab.core.window import VOIFunction, Window, check_function, resolve_window, resolve_windows

__all__ = ["apply_window", "apply_window_float", "grey_lut", "multiwindow"]

_GREY_MAX = 255.0
# Elements per block on the floating-point path: float64 temporaries stay
# at 512 KiB whatever the volume size.
_BLOCK = 1 << 16
# Elements per np.take call on the table path. np.take copies its indices
# to intp (8 bytes each): a block's copy is 128 KiB, half the output of a
# 512 x 512 slice, never a copy of the whole volume.
_TAKE_BLOCK = 1 << 14
# Elements per thread before a second thread pays off: below it, faulting in
# the fresh output dominates (measurements: bench/MEASUREMENTS.md).
_THREAD_ELEMENTS = 1 << 23
# Elements per np.take call when threads share the work: each call holds the
# GIL for its Python overhead, so with small blocks two threads mostly wait
# for each other. Each thread's intp copy is then 512 KiB.
_THREAD_BLOCK = 1 << 16


def _grey(
    hu: npt.NDArray[np.float64], window: Window, function: VOIFunction
) -> npt.NDArray[np.float64]:
    """The VOI function of PS3.3 C.11.2.1.2 with ymin=0, ymax=255, unrounded."""
    center, width = window.center, window.width
    if function == "sigmoid":
        with np.errstate(over="ignore"):  # exp overflows to inf far below c: grey 0
            return _GREY_MAX / (1.0 + np.exp(-4.0 * (hu - center) / width))
    if function == "linear_exact":
        grey = ((hu - center) / width + 0.5) * _GREY_MAX
    elif width == 1:
        # LINEAR with w = 1 is a step at c - 0.5 (its ramp has zero length).
        return np.where(hu <= center - 0.5, 0.0, _GREY_MAX)
    else:
        grey = ((hu - (center - 0.5)) / (width - 1) + 0.5) * _GREY_MAX
    # Clipping the ramp equals the standard's "if x <= ... else if x > ..."
    # branches: the ramp is exactly 0 and 255 at the two thresholds.
    return np.clip(grey, 0.0, _GREY_MAX, out=grey)


def _to_uint8(grey: npt.NDArray[np.float64], invert: bool) -> npt.NDArray[np.uint8]:
    # Round half up (as JavaScript's Math.round does, so the browser matches);
    # NaN input has no grey level and is drawn black.
    rounded = np.floor(grey + 0.5)
    rounded[np.isnan(rounded)] = 0.0
    if invert:
        rounded = _GREY_MAX - rounded
    return rounded.astype(np.uint8)


# The integer types windowed by table look-up, and the unsigned type whose
# bit pattern indexes the table.
_LUT_INDEX: dict[np.dtype[Any], np.dtype[Any]] = {
    np.dtype(np.int8): np.dtype(np.uint8),
    np.dtype(np.uint8): np.dtype(np.uint8),
    np.dtype(np.int16): np.dtype(np.uint16),
    np.dtype(np.uint16): np.dtype(np.uint16),
}


@lru_cache(maxsize=64)
def _cached_lut(
    window: Window, function: VOIFunction, invert: bool, dtype: np.dtype
) -> npt.NDArray[np.uint8]:
    index_type = _LUT_INDEX[dtype]
    # Entry i of the table is the grey level of the value whose bit pattern is i.
    values = np.arange(2 ** (8 * dtype.itemsize), dtype=np.int64).astype(index_type).view(dtype)
    lut = _to_uint8(_grey(values.astype(np.float64), window, function), invert)
    lut.flags.writeable = False
    return lut


def grey_lut(
    window: Window | str,
    *,
    function: VOIFunction | None = None,
    invert: bool = False,
    dtype: npt.DTypeLike = np.int16,
) -> npt.NDArray[np.uint8]:
    """The lookup table :func:`apply_window` uses for one integer type.

    Parameters
    ----------
    window : Window or str
        A window or the name of a preset.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default ``window.function``.
    invert : bool, optional
        Map low HU to white instead of black.
    dtype : int8, uint8, int16 or uint16
        The integer type of the image.

    Returns
    -------
    ndarray of uint8, read-only
        Indexed by the value's bit pattern: entry ``v & 0xFFFF`` holds the
        grey level of int16 value ``v``; ``len = 2 ** bits``.

    Examples
    --------
    >>> lut = grey_lut("default", function="linear_exact")
    >>> [int(lut[v & 0xFFFF]) for v in (-160, 40, 240)]
    [0, 128, 255]
    """
    window = resolve_window(window)
    function = _resolve_function(window, function)
    dtype = np.dtype(dtype)
    if dtype not in _LUT_INDEX:
        raise InvalidWindowError(
            f"dtype must be int8, uint8, int16 or uint16 for a lookup table, got {dtype}"
        )
    return _cached_lut(window, function, bool(invert), dtype)


def _resolve_function(window: Window, function: str | None) -> VOIFunction:
    return window.function if function is None else check_function(function)


def apply_window(
    hu: npt.ArrayLike,
    window: Window | str,
    *,
    function: VOIFunction | None = None,
    invert: bool = False,
) -> npt.NDArray[np.uint8]:
    """Window Hounsfield units to 8-bit grey levels.

    Parameters
    ----------
    hu : array_like
        Hounsfield units, any shape; integer or floating point. Not modified.
    window : Window or str
        The window, or the name of a preset in :data:`ctlab.PRESETS`.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        The VOI LUT function; default ``window.function``, which is
        ``"linear"`` unless the window came from a DICOM header saying
        otherwise.
    invert : bool, optional
        If True, low HU become white (255 minus the grey level).

    Returns
    -------
    ndarray of uint8
        A new array of the same shape as ``hu``.

    Raises
    ------
    InvalidWindowError
        For an unknown preset or function.
    InvalidImageError
        For a non-numeric ``hu``.

    Notes
    -----
    With centre ``c``, width ``w`` and output range 0..255 (PS3.3
    C.11.2.1.2):

    ``linear``
        ``x <= c - 0.5 - (w-1)/2`` gives 0; ``x > c - 0.5 + (w-1)/2`` gives
        255; otherwise ``((x - (c - 0.5)) / (w-1) + 0.5) * 255``. The -0.5
        and -1 exist because DICOM thinks of stored values as integer bins:
        the ramp runs between the centres of the first and last bin of the
        window, so a width of ``w`` integers spreads over ``w - 1`` steps.
    ``linear_exact``
        ``x <= c - w/2`` gives 0; ``x > c + w/2`` gives 255; otherwise
        ``((x - c) / w + 0.5) * 255``: the window edges are exactly
        ``low`` and ``high``.
    ``sigmoid``
        ``255 / (1 + exp(-4 (x - c) / w))``: no hard clip, slope at the
        centre as steep as the linear ramp's.

    The result is rounded half up. NaN values become 0. Integer images of
    8 or 16 bits are windowed through :func:`grey_lut`, in blocks of 16384
    pixels (of 65536, on every core, for volumes); other types are computed
    in float64 blocks of 65536 pixels, never as a float64 copy of the whole
    array.

    References
    ----------
    DICOM PS3.3 C.11.2.1.2, Window Center and Window Width:
    https://dicom.nema.org/medical/dicom/current/output/chtml/part03/sect_C.11.2.html

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import Window, apply_window
    >>> hu = np.array([-160, 40, 240], dtype=np.int16)
    >>> apply_window(hu, Window(center=40, width=400), function="linear_exact")
    array([  0, 128, 255], dtype=uint8)
    >>> apply_window(hu, "default", invert=True)
    array([255, 127,   0], dtype=uint8)
    """
    array = hu_array(hu)
    window = resolve_window(window)
    function = _resolve_function(window, function)
    if array.dtype in _LUT_INDEX:
        lut = _cached_lut(window, function, bool(invert), array.dtype)
        return _look_up(lut, array.view(_LUT_INDEX[array.dtype]))
    out = np.empty(array.shape, dtype=np.uint8)
    source = array.reshape(-1)
    target = out.reshape(-1)
    for start in range(0, source.size, _BLOCK):
        block = source[start : start + _BLOCK].astype(np.float64)
        target[start : start + _BLOCK] = _to_uint8(_grey(block, window, function), invert)
    return out


def apply_window_float(
    hu: npt.ArrayLike,
    window: Window | str,
    *,
    function: VOIFunction | None = None,
    invert: bool = False,
) -> npt.NDArray[np.float32]:
    """Window Hounsfield units to grey levels from 0 to 1, before rounding to 8 bits.

    The VOI function of :func:`apply_window` (DICOM PS3.3 C.11.2.1.2), with
    the output range 0..1 and no rounding: the windowed image a network can
    train on without the 256-level quantisation of an 8-bit image.
    ``apply_window`` is ``floor(255 * y + 0.5)`` of this ``y`` (up to float32
    rounding of the last digit).

    Parameters
    ----------
    hu, window, function, invert
        As in :func:`apply_window`; ``invert`` gives ``1 - y``.

    Returns
    -------
    ndarray of float32
        A new array of the same shape as ``hu``, in 0..1; NaN stays NaN.

    Raises
    ------
    InvalidWindowError
        For an unknown preset or function, or a non-numeric ``hu``.

    Notes
    -----
    Computed in float64 blocks of 65536 pixels, stored as float32.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.array([-160, 40, 140, 240], dtype=np.int16)
    >>> apply_window_float(hu, Window(center=40, width=400), function="linear_exact")
    array([0.  , 0.5 , 0.75, 1.  ], dtype=float32)
    """
    array = hu_array(hu)
    window = resolve_window(window)
    function = _resolve_function(window, function)
    out = np.empty(array.shape, dtype=np.float32)
    source = array.reshape(-1)
    target = out.reshape(-1)
    for start in range(0, source.size, _BLOCK):
        grey = _grey(source[start : start + _BLOCK].astype(np.float64), window, function)
        grey /= _GREY_MAX
        target[start : start + _BLOCK] = 1.0 - grey if invert else grey
    return out


def _look_up(lut: npt.NDArray[np.uint8], index: npt.NDArray[Any]) -> npt.NDArray[np.uint8]:
    """``lut[index]``, computed in blocks (and threads for volumes) into one output.

    ``np.take`` with ``out`` is faster than fancy indexing and releases the
    GIL, so blocks of a volume run in parallel. A float32 ramp (clip,
    multiply-add, truncate) matches the table for linear windows but was no
    faster, so every function keeps the table (bench/MEASUREMENTS.md).
    """
    if not index.flags.c_contiguous:
        # A strided view: fancy indexing buffers it in small pieces.
        return cast("npt.NDArray[np.uint8]", lut[index])
    out = np.empty(index.shape, dtype=np.uint8)
    source, target = index.reshape(-1), out.reshape(-1)

    # Fewer threads than blocks, since _THREAD_ELEMENTS spans many blocks.
    threads = min(os.cpu_count() or 1, source.size // _THREAD_ELEMENTS)
    size = _TAKE_BLOCK if threads <= 1 else _THREAD_BLOCK

    def run(start: int, stop: int) -> None:
        for block in range(start, stop, size):
            end = min(block + size, stop)
            # mode="wrap" skips the bounds check (every index is in the table)
            # and lets take write straight into out instead of a buffer.
            np.take(lut, source[block:end], out=target[block:end], mode="wrap")

    if threads <= 1:
        run(0, source.size)
        return out
    per_thread = -(-source.size // (threads * size)) * size
    starts = range(0, source.size, per_thread)
    with ThreadPoolExecutor(threads) as pool:
        # list() re-raises an exception from a worker here.
        list(pool.map(lambda start: run(start, min(start + per_thread, source.size)), starts))
    return out


def multiwindow(
    hu: npt.ArrayLike,
    windows: Iterable[Window | str],
    *,
    function: VOIFunction | None = None,
    invert: bool = False,
    out: npt.NDArray[np.uint8] | None = None,
) -> npt.NDArray[np.uint8]:
    """Stack several windows of one image as channels.

    Three windows give an RGB image, as in the brain / subdural / bone
    stacking used to train intracranial haemorrhage detectors.

    Parameters
    ----------
    hu : array_like
        Hounsfield units, shape ``S``.
    windows : iterable of Window or str
        One window (or preset name) per channel; a generator is read once.
    function, invert
        As in :func:`apply_window`, for every channel.
    out : ndarray of uint8, optional
        A C-contiguous array of shape ``S + (len(windows),)`` to write into,
        as numpy's ``out``: a loop over slices reuses one array instead of
        taking fresh memory for every slice.

    Returns
    -------
    ndarray of uint8, shape ``S + (len(windows),)``
        ``out`` when given.

    Raises
    ------
    InvalidArgumentError
        If ``out`` is not a C-contiguous uint8 array of that shape.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import multiwindow
    >>> multiwindow(np.array([[-80, 60]], dtype=np.int16), ["fat", "liver_kidney"]).tolist()
    [[[131, 0], [255, 131]]]
    """
    resolved = resolve_windows(windows)
    array = hu_array(hu)
    shape = (*array.shape, len(resolved))
    if out is None:
        out = np.empty(shape, dtype=np.uint8)
    elif not (
        isinstance(out, np.ndarray)
        and out.dtype == np.uint8
        and out.shape == shape
        and out.flags.c_contiguous
        and out.flags.writeable
    ):
        raise InvalidArgumentError(
            f"out must be a writeable C-contiguous uint8 array of shape {shape} (the image's "
            f"shape and one channel per window), got {_described(out)}; leave out "
            "unset to get a new array"
        )
    threads = min(os.cpu_count() or 1, array.size // _THREAD_ELEMENTS)
    if array.dtype in _LUT_INDEX and array.flags.c_contiguous and threads <= 1:
        luts = [
            _cached_lut(window, _resolve_function(window, function), bool(invert), array.dtype)
            for window in resolved
        ]
        _look_up_channels(luts, array.view(_LUT_INDEX[array.dtype]), out)
        return out
    for channel, window in enumerate(resolved):
        out[..., channel] = apply_window(array, window, function=function, invert=invert)
    return out


def _described(array: object) -> str:
    """What an ``out`` argument is, in the words of the rule it breaks."""
    if not isinstance(array, np.ndarray):
        return shown(array)
    layout = [
        word
        for word, broken in (
            ("not C-contiguous", not array.flags.c_contiguous),
            ("read-only", not array.flags.writeable),
        )
        if broken
    ]
    return " ".join([str(array.dtype), str(array.shape), *layout])


def _look_up_channels(
    luts: list[npt.NDArray[np.uint8]], index: npt.NDArray[Any], out: npt.NDArray[np.uint8]
) -> None:
    """``out[..., c] = luts[c][index]`` for every channel, a block of pixels at a time.

    Each block's indices are widened to intp once for all the tables, and its
    grey levels go through one small buffer: no temporary the size of a
    channel. Such a temporary is fresh memory on every call where malloc
    returns large blocks to the system at once (a Dask worker sets
    MALLOC_TRIM_THRESHOLD_), and faulting it in cost more than the look-ups
    (bench/MEASUREMENTS.md).
    """
    source = index.reshape(-1)
    channels = out.reshape(-1, len(luts))
    size = max(1, min(_TAKE_BLOCK, source.size))  # an empty image has no block
    wide = np.empty(size, dtype=np.intp)
    grey = np.empty(size, dtype=np.uint8)
    for start in range(0, source.size, size):
        count = min(size, source.size - start)
        np.copyto(wide[:count], source[start : start + count], casting="unsafe")
        for channel, lut in enumerate(luts):
            # mode="wrap": as in _look_up, every index is in the table.
            np.take(lut, wide[:count], out=grey[:count], mode="wrap")
            channels[start : start + count, channel] = grey[:count]
