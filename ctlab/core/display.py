"""What a medical display can show: the DICOM Grayscale Standard Display Function.

DICOM PS3.14 defines the Grayscale Standard Display Function (GSDF) from
Barten's model of the human eye: JND index ``j`` (1..1023) counts *just
noticeable differences*, the smallest luminance steps a standard observer
can tell apart, and ``L(j)`` is the luminance (cd/m²) of step ``j``. A
display calibrated to the GSDF spends its grey levels in equal perceptual
steps; :func:`jnd_count` says how many steps its luminance range holds, which
bounds how many of a window's 256 grey levels the eye can tell apart.

References
----------
DICOM PS3.14, Grayscale Standard Display Function: section 7.1 (the formula
and, in its Note 1, the inverse), Annex B (Table B-1) and Annex D, D.1.2 (with
8-bit input at best 256 noticeable steps);
https://dicom.nema.org/medical/dicom/current/output/html/part14.html
"""

from __future__ import annotations

from typing import cast

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidImageError

__all__ = [
    "GSDF_JND_RANGE",
    "GSDF_LUMINANCE_RANGE",
    "gsdf_jnd_index",
    "gsdf_luminance",
    "jnd_count",
]

#: The JND indices the GSDF is defined for (PS3.14 section 7.1).
GSDF_JND_RANGE = (1.0, 1023.0)
#: Luminance of JND index 1 and 1023 in cd/m² (PS3.14 Table B-1).
GSDF_LUMINANCE_RANGE = (0.05, 3993.404)

# PS3.14 section 7.1: log10 L(j) as a rational function of ln j.
_NUMERATOR = (-1.3011877, 8.0242636e-2, 1.3646699e-1, -2.5468404e-2, 1.3635334e-3)  # a c e g m
_DENOMINATOR = (1.0, -2.5840191e-2, -1.0320229e-1, 2.8745620e-2, -3.1978977e-3, 1.2992634e-4)
# PS3.14 section 7.1, Note 1, its inverse: j(L) as a polynomial in log10 L (A..I).
_INVERSE = (
    71.498068,
    94.593053,
    41.912053,
    9.8247004,
    0.28175407,
    -1.1878455,
    -0.18014349,
    0.14710899,
    -0.017046845,
)


def _checked(
    values: npt.ArrayLike, bounds: tuple[float, float], name: str, unit: str, slack: float = 0.0
) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    low, high = bounds
    bad = ~((array >= low * (1 - slack)) & (array <= high * (1 + slack)))
    if bad.any():
        raise InvalidImageError(
            f"{name} must lie in {low:g}..{high:g} {unit}, the range DICOM PS3.14 defines "
            f"the GSDF for; got {array[bad].flat[0]:g}"
        )
    return array


def gsdf_luminance(jnd_index: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Luminance of a JND index on the DICOM GSDF (PS3.14 section 7.1).

    ``log10 L(j) = (a + c·ln j + e·(ln j)² + g·(ln j)³ + m·(ln j)⁴) /
    (1 + b·ln j + d·(ln j)² + f·(ln j)³ + h·(ln j)⁴ + k·(ln j)⁵)``
    with PS3.14's constants a..m.

    Parameters
    ----------
    jnd_index : array_like
        JND index ``j``, 1..1023 (need not be an integer).

    Returns
    -------
    ndarray of float64
        Luminance in cd/m², same shape as ``jnd_index``.

    Raises
    ------
    InvalidImageError
        If an index lies outside 1..1023.

    Examples
    --------
    >>> round(float(gsdf_luminance(1)), 4), round(float(gsdf_luminance(1023)), 1)
    (0.05, 3993.4)
    """
    j = _checked(jnd_index, GSDF_JND_RANGE, "jnd_index", "JND")
    ln = np.log(j)
    numerator = np.polynomial.polynomial.polyval(ln, _NUMERATOR)
    denominator = np.polynomial.polynomial.polyval(ln, _DENOMINATOR)
    return cast("npt.NDArray[np.float64]", np.power(10.0, numerator / denominator))


def gsdf_jnd_index(luminance: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """JND index of a luminance on the DICOM GSDF (PS3.14 section 7.1, Note 1).

    ``j(L) = A + B·x + C·x² + ... + I·x⁸`` with ``x = log10 L``; the inverse
    of :func:`gsdf_luminance` to within a fraction of a JND.

    Parameters
    ----------
    luminance : array_like
        Luminance in cd/m², 0.05..3993.404.

    Returns
    -------
    ndarray of float64
        JND index, same shape as ``luminance``.

    Raises
    ------
    InvalidImageError
        If a luminance lies outside the GSDF's range.

    Examples
    --------
    >>> round(float(gsdf_jnd_index(130.0653)))
    512
    """
    # Table B-1 rounds the end luminances (the formula gives L(1) = 0.04998): allow 0.1 %.
    x = np.log10(_checked(luminance, GSDF_LUMINANCE_RANGE, "luminance", "cd/m²", slack=1e-3))
    return cast("npt.NDArray[np.float64]", np.polynomial.polynomial.polyval(x, _INVERSE))


def jnd_count(min_luminance: float, max_luminance: float) -> float:
    """How many just noticeable differences a display's luminance range spans.

    ``j(max_luminance) - j(min_luminance)`` on the GSDF. A display calibrated
    to the GSDF cannot show more distinguishable grey steps than this, however
    many bits it is driven with; with 8 bits it cannot show more than 256
    (PS3.14 Annex D, D.1.2).

    Parameters
    ----------
    min_luminance, max_luminance : float
        The display's black and white luminance in cd/m² (ambient light
        included), ``min_luminance < max_luminance``.

    Returns
    -------
    float

    Raises
    ------
    InvalidImageError
        If a luminance lies outside the GSDF's range, or the minimum is not
        below the maximum.

    Examples
    --------
    >>> round(jnd_count(0.5, 500))
    659
    """
    low, high = (float(v) for v in gsdf_jnd_index([min_luminance, max_luminance]))
    if not min_luminance < max_luminance:
        raise InvalidImageError(
            f"min_luminance must be below max_luminance, got {min_luminance:g} and "
            f"{max_luminance:g} cd/m²"
        )
    return high - low
