"""The checks every function taking HU, grey levels or a mask makes of its arrays.

One place for each, so every function refuses the same bad input with the
same message: HU that are not numbers, grey levels that are not 8-bit, a
mask that is not one bool per pixel.

Examples
--------
>>> import numpy as np
>>> hu_array([-1000, 40]).dtype.kind
'i'
>>> bool_mask(None, (2,)).tolist()
[True, True]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidImageError

__all__ = ["bool_mask", "grey_array", "hu_array"]


def hu_array(hu: npt.ArrayLike, name: str = "hu") -> npt.NDArray[Any]:
    """``hu`` as a numpy array of real numbers in native byte order.

    Parameters
    ----------
    hu : array_like
        Hounsfield units (integers or floats).
    name : str
        The argument's name, for the message.

    Returns
    -------
    numpy.ndarray
        The same values; a big-endian array is copied to native order, so
        the table look-ups and ``bincount`` of the callers can read it.

    Raises
    ------
    InvalidImageError
        For strings, objects, booleans or complex numbers.

    Examples
    --------
    >>> import numpy as np
    >>> hu_array(np.array([40], ">i2")).dtype.isnative
    True
    """
    array = np.asarray(hu)
    if array.dtype.kind not in "iuf":
        raise InvalidImageError(
            f"{name} must be an array of real numbers (Hounsfield units), got dtype {array.dtype}"
        )
    if not array.dtype.isnative:
        array = array.astype(array.dtype.newbyteorder("="))
    return array


def grey_array(grey: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """``grey`` as an array of 8-bit grey levels.

    Raises
    ------
    InvalidImageError
        Unless the dtype is uint8 (HU passed where grey levels belong).

    Examples
    --------
    >>> import numpy as np
    >>> grey_array(np.array([0, 255], np.uint8)).tolist()
    [0, 255]
    """
    array = np.asarray(grey)
    if array.dtype != np.uint8:
        raise InvalidImageError(
            f"grey must be 8-bit grey levels (uint8, 0..255), got dtype {array.dtype}; "
            "convert HU first with ctlab.apply_window or naive_grey"
        )
    return array


def bool_mask(
    mask: npt.ArrayLike | None, shape: tuple[int, ...], name: str = "mask"
) -> npt.NDArray[np.bool_]:
    """``mask`` checked to be one bool per pixel of an image of ``shape``; all True if None.

    Raises
    ------
    InvalidImageError
        For a mask that is not bool or whose shape differs.

    Examples
    --------
    >>> import numpy as np
    >>> bool_mask(np.array([True, False]), (2,)).tolist()
    [True, False]
    """
    if mask is None:
        return np.ones(shape, dtype=bool)
    array = np.asarray(mask)
    if array.dtype != np.bool_:
        raise InvalidImageError(
            f"{name} must be an array of bool (e.g. labels == 1 or ctlab.tissue_mask(...)), "
            f"got dtype {array.dtype}"
        )
    if array.shape != shape:
        raise InvalidImageError(
            f"{name} shape {array.shape} differs from the image shape {shape}; "
            "pass one bool per pixel, e.g. ~image.padding_mask()"
        )
    return array
