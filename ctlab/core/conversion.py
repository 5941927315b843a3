"""Naive 8-bit conversions of CT, and the ways back and around them.

People turn CT slices into JPEG or PNG images in a few recurring ways: with
the window the DICOM header suggests, by min-max scaling the raw values, by
the forum recipe that clips negative HU to zero and divides by the maximum,
or with one fixed window for everything. Each of them is a window in
disguise: a range of HU stretched linearly onto the 256 grey levels, with
everything outside it clipped to black or white. :func:`naive_window` names
that range, :func:`naive_grey` applies it and :func:`grey_to_hu` reads it
back; :func:`framework_settings` writes a window as the deep-learning
libraries' transforms, and :func:`scaled_hu` / :func:`equalised_hu` are the
unwindowed baselines. What a conversion loses is measured in
:mod:`ctlab.core.metrics`. Saving as JPEG and reading back needs Pillow's
codec, which this numpy-only layer may not import:
:func:`ctlab.conversion.jpeg_roundtrip`, beside these functions in the
:mod:`ctlab.conversion` module that gathers every conversion.
"""

from __future__ import annotations

from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt

from ctlab.core.arrays import grey_array, hu_array
from ctlab.core.errors import InvalidImageError, InvalidWindowError
from ctlab.core.voi import apply_window
from ctlab.core.window import PRESETS, Window, resolve_window

__all__ = [
    "NAIVE_METHODS",
    "NaiveMethod",
    "equalisation_bins",
    "equalised_hu",
    "framework_settings",
    "grey_to_hu",
    "naive_grey",
    "naive_window",
    "scaled_hu",
]

NaiveMethod = Literal["header_window", "default_window", "minmax", "clip_negative"]

#: The naive conversions :func:`naive_grey` knows, in the order they are taught.
NAIVE_METHODS: tuple[NaiveMethod, ...] = (
    "header_window",
    "default_window",
    "minmax",
    "clip_negative",
)


def _hu_values(hu: npt.ArrayLike) -> npt.NDArray[Any]:
    array = hu_array(hu)
    if array.size == 0:
        raise InvalidImageError("hu is empty: there is nothing to convert")
    return array


def _finite_range(array: npt.NDArray[Any]) -> tuple[float, float]:
    if array.dtype.kind == "f":
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            raise InvalidImageError("hu holds no finite value (all NaN or infinite)")
        return float(finite.min()), float(finite.max())
    return float(array.min()), float(array.max())


def naive_window(
    hu: npt.ArrayLike, *, method: NaiveMethod, window: Window | str | None = None
) -> Window:
    """The window a naive 8-bit conversion amounts to.

    Every conversion here maps one HU range linearly onto the grey levels
    0..255 and clips what lies outside it; this function returns that
    range as a :class:`Window`, so it can be drawn, compared with the
    presets and inverted with :func:`grey_to_hu`.

    Parameters
    ----------
    hu : array_like
        Hounsfield units of the image being converted (any shape).
    method : {"header_window", "default_window", "minmax", "clip_negative"}
        ``"header_window"``
            The window the DICOM header suggests (Window Center/Width,
            (0028,1050)/(0028,1051)), given as ``window``; what a viewer
            or a converter that honours the header uses. DICOM's
            ``linear`` function unless the header names another.
        ``"default_window"``
            One fixed window for every image, the -160..240 HU
            (centre 40, width 400) of :data:`ctlab.PRESETS` ``"default"``:
            the abdominal soft-tissue window scripts hard-code.
        ``"minmax"``
            ``grey = 255 * (hu - min) / (max - min)``: min-max scaling of
            the raw values, what image libraries do to data with no
            window and what the header-honouring converters fall back to
            when the header has none. Air and the brightest bone decide
            the range, so it changes from image to image.
        ``"clip_negative"``
            ``grey = 255 * max(hu, 0) / max``: the recipe often posted on
            forums for "converting DICOM to JPG". Every negative HU, all
            of fat, lung and air, becomes black (0).
    window : Window or str, optional
        The header's window; required by ``"header_window"`` (e.g.
        ``image.default_window``) and ignored by the other methods.

    Returns
    -------
    Window
        ``"minmax"`` and ``"clip_negative"`` give a ``linear_exact``
        window, whose edges are exactly the range's ends; the window names
        say which method made them.

    Raises
    ------
    InvalidWindowError
        For an unknown method, or ``"header_window"`` without a window.
    InvalidImageError
        For a non-numeric or empty ``hu``, or when the range the method
        picks is narrower than 1 HU (a constant image for ``"minmax"``;
        no pixel above 0 HU for ``"clip_negative"``): the formula would
        divide by zero.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.array([-1000, -80, 40, 1000], dtype=np.int16)
    >>> naive_window(hu, method="minmax")
    Window(center=0.0, width=2000.0, function='linear_exact')
    >>> naive_window(hu, method="clip_negative").low
    0.0
    >>> naive_window(hu, method="header_window", window="liver")
    Window(center=30.0, width=150.0)
    """
    if method not in NAIVE_METHODS:
        raise InvalidWindowError(
            f"method must be one of {', '.join(NAIVE_METHODS)}, got {method!r}"
        )
    array = _hu_values(hu)
    if method == "header_window":
        if window is None:
            raise InvalidWindowError(
                "method='header_window' needs the header's window: pass "
                "window=image.default_window. When the header has none (it is None), "
                "converters fall back to min-max scaling: use method='minmax'"
            )
        return resolve_window(window)
    if method == "default_window":
        return PRESETS["default"]
    low, high = _finite_range(array)
    if method == "clip_negative":
        low, high = 0.0, max(high, 0.0)
    if high - low < 1:
        reason = (
            "every pixel is at or below 0 HU, so the recipe divides by a zero maximum"
            if method == "clip_negative"
            else f"the image is constant ({low:g} HU), so min-max scaling divides by zero"
        )
        raise InvalidImageError(
            f"method={method!r} cannot convert this image: {reason}; "
            "choose a window for the anatomy instead (e.g. ctlab.PRESETS['default'])"
        )
    names = {"minmax": "min-max", "clip_negative": "clip negative, scale by max"}
    return Window.from_range(low, high, function="linear_exact", name=names[method])


def naive_grey(
    hu: npt.ArrayLike, *, method: NaiveMethod, window: Window | str | None = None
) -> npt.NDArray[np.uint8]:
    """Convert HU to 8-bit grey levels the way people naively do.

    Parameters
    ----------
    hu : array_like
        Hounsfield units, any shape. Not modified.
    method : {"header_window", "default_window", "minmax", "clip_negative"}
        The conversion; :func:`naive_window` gives each formula and where
        people meet it.
    window : Window or str, optional
        The header's window, for ``method="header_window"``.

    Returns
    -------
    ndarray of uint8
        A new array of the shape of ``hu``: ``apply_window(hu,
        naive_window(hu, method=method, window=window))``, rounded half
        up; NaN becomes 0.

    Raises
    ------
    InvalidWindowError, InvalidImageError
        As :func:`naive_window`.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.array([-1000, -80, 0, 500, 1000], dtype=np.int16)
    >>> naive_grey(hu, method="minmax")
    array([  0, 117, 128, 191, 255], dtype=uint8)
    >>> naive_grey(hu, method="clip_negative")
    array([  0,   0,   0, 128, 255], dtype=uint8)
    >>> naive_grey(hu, method="default_window")
    array([  0,  51, 102, 255, 255], dtype=uint8)
    """
    array = _hu_values(hu)
    return apply_window(array, naive_window(array, method=method, window=window))


def grey_to_hu(grey: npt.ArrayLike, window: Window | str) -> npt.NDArray[np.float64]:
    """The HU a grey level stands for: the inverse of a window's ramp.

    This is all that can be recovered from an 8-bit image made with a known
    window: one HU value per grey level. Pixels that were clipped come back
    at the window's edge, not at the HU they had.

    Parameters
    ----------
    grey : array_like of uint8
        Grey levels 0..255.
    window : Window or str
        The window that made them (``linear`` or ``linear_exact``).

    Returns
    -------
    ndarray of float64
        Same shape as ``grey``. For ``linear_exact``:
        ``low + width * grey / 255``; for DICOM ``linear``:
        ``center - 0.5 + (width - 1) * (grey / 255 - 0.5)``.

    Raises
    ------
    InvalidImageError
        If ``grey`` is not uint8.
    InvalidWindowError
        For a ``sigmoid`` window (its ends never reach 0 and 255, so
        black and white have no HU).

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import Window
    >>> grey_to_hu(np.array([0, 128, 255], np.uint8), Window(40, 400, function="linear_exact"))
    array([-160.        ,   40.78431373,  240.        ])
    """
    levels = grey_array(grey)
    resolved = resolve_window(window)
    if resolved.function == "sigmoid":
        raise InvalidWindowError(
            "grey_to_hu inverts linear and linear_exact windows only, got a sigmoid window; "
            "its grey levels 0 and 255 stand for no finite HU"
        )
    fraction = levels.astype(np.float64) / 255.0
    if resolved.function == "linear_exact":
        return resolved.low + resolved.width * fraction
    return resolved.center - 0.5 + (resolved.width - 1) * (fraction - 0.5)


def framework_settings(window: Window | str) -> dict[str, dict[str, dict[str, Any]]]:
    """A window as the settings of the deep-learning libraries people train with.

    Framework-neutral data (nothing is imported): per library, the
    transforms and their keyword arguments that map the window's ``low``
    .. ``high`` HU linearly onto 0..1 and clip what lies outside.

    Parameters
    ----------
    window : Window or str
        The window or a preset name.

    Returns
    -------
    dict
        ``{library: {transform: {argument: value}}}``, transforms in the
        order to apply them:

        ``"monai"``
            ``ScaleIntensityRange(a_min=low, a_max=high, b_min=0.0,
            b_max=1.0, clip=True)``. MONAI's default is ``clip=False``,
            which leaves HU outside the window as values below 0 and above
            1: pass ``clip=True``.
        ``"torchio"``
            ``Clamp(out_min=low, out_max=high)`` then
            ``RescaleIntensity(in_min_max=(low, high), out_min_max=(0.0,
            1.0))``. ``RescaleIntensity`` alone does not clamp to
            ``in_min_max``: without the ``Clamp`` the output runs outside
            0..1.
        ``"fastai"``
            ``windowed(w=width, l=center)`` of ``fastai.medical.imaging``:
            width first, then level, the opposite order of most texts;
            it clamps, and takes ``l - w//2`` .. ``l + w//2`` (integer
            division), so an odd width loses 1 HU.

    Notes
    -----
    All three are the ``linear_exact`` ramp of DICOM PS3.3 C.11.2.1.2:
    ``apply_window(hu, window, function="linear_exact") / 255`` equals
    their output to within the rounding to 256 levels.

    Examples
    --------
    >>> settings = framework_settings("liver")
    >>> settings["monai"]["ScaleIntensityRange"]
    {'a_min': -45.0, 'a_max': 105.0, 'b_min': 0.0, 'b_max': 1.0, 'clip': True}
    >>> settings["torchio"]["RescaleIntensity"]
    {'in_min_max': (-45.0, 105.0), 'out_min_max': (0.0, 1.0)}
    >>> settings["fastai"]["windowed"]
    {'w': 150.0, 'l': 30.0}
    """
    resolved = resolve_window(window)
    low, high = resolved.low, resolved.high
    return {
        "monai": {
            "ScaleIntensityRange": {
                "a_min": low,
                "a_max": high,
                "b_min": 0.0,
                "b_max": 1.0,
                "clip": True,
            }
        },
        "torchio": {
            "Clamp": {"out_min": low, "out_max": high},
            "RescaleIntensity": {"in_min_max": (low, high), "out_min_max": (0.0, 1.0)},
        },
        "fastai": {"windowed": {"w": resolved.width, "l": resolved.center}},
    }


# "Don't see like a radiologist": the unwindowed inputs deep-learning
# practitioners feed a network instead of a tissue window.


def scaled_hu(
    hu: npt.ArrayLike, *, low: float = -1024.0, high: float = 3071.0
) -> npt.NDArray[np.float32]:
    """HU scaled linearly to 0..1 as float32, clipped at ``low`` and ``high``: no window at all.

    Keeps every HU distinction (in float32, 1 HU is 1/4095 of the range), so
    a network can learn its own windows; nothing is rounded to 256 levels.

    Parameters
    ----------
    hu : array_like
        Hounsfield units.
    low, high : float
        HU mapped to 0 and 1; default the 12-bit CT range -1024..3071.

    Returns
    -------
    ndarray of float32, same shape as ``hu``

    Examples
    --------
    >>> scaled_hu([-1024, 1024, 3072, 5000], high=3072).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    if not high > low:
        raise InvalidImageError(f"high must exceed low, got low={low:g}, high={high:g}")
    values = np.asarray(hu, dtype=np.float32)
    scaled = np.clip((values - np.float32(low)) / np.float32(high - low), 0, 1)
    return cast("npt.NDArray[np.float32]", scaled.astype(np.float32))


def equalisation_bins(hu: npt.ArrayLike, *, n_bins: int = 100) -> npt.NDArray[np.float64]:
    """Bin edges with equal numbers of pixels: fastai's ``freqhist_bins``, without fastai.

    The HU at the 0.1st percentile, at the middles of ``n_bins`` equal
    shares of the sorted pixels, and at the 99.9th percentile; repeated
    values once.

    Examples
    --------
    >>> import numpy as np
    >>> equalisation_bins(np.arange(1000), n_bins=4).tolist()
    [1.0, 125.0, 375.0, 625.0, 875.0, 999.0]
    """
    values = np.sort(_hu_values(hu).reshape(-1))
    if n_bins < 1:
        raise InvalidImageError(f"n_bins must be at least 1, got {n_bins}")
    shares = np.concatenate(([0.001], np.arange(n_bins) / n_bins + 1 / (2 * n_bins), [0.999]))
    return np.unique(values[(values.size * shares).astype(np.int64)].astype(np.float64))


def equalised_hu(hu: npt.ArrayLike, bins: npt.ArrayLike) -> npt.NDArray[np.float32]:
    """Histogram-equalised HU in 0..1 (fastai's ``hist_scaled``), float32.

    Each value goes to its place among ``bins`` (from
    :func:`equalisation_bins`, taken on the training data), linearly between
    them: HU that many pixels share are spread apart, rare HU squeezed.

    Examples
    --------
    >>> equalised_hu([0, 50, 100, 200], [0.0, 100.0, 200.0]).tolist()
    [0.0, 0.25, 0.5, 1.0]
    """
    edges = np.asarray(bins, dtype=np.float64)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise InvalidImageError("bins must be at least two increasing HU values")
    values = np.asarray(hu, dtype=np.float64)
    return np.interp(values, edges, np.linspace(0.0, 1.0, edges.size)).astype(np.float32)
