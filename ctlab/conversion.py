"""Naive 8-bit conversion of CT and what it loses: the numbers of notebooks 3 and 5.

Every conversion in one place. The numpy-only ones are defined in
:mod:`ctlab.core.conversion` and the metrics in :mod:`ctlab.core.metrics`
(both re-exported here); :func:`jpeg_roundtrip`, which needs Pillow's JPEG
codec and so cannot sit in the numpy-only core, is defined here.

``naive_grey`` / ``naive_window``
    The ways people turn CT into 8-bit images (header window, the -160..240
    default, min-max scaling, the forum recipe that clips negative HU).
``jpeg_roundtrip``
    Save as JPEG in memory and read back, as a JPEG data set holds it.
``grey_to_hu``
    The HU an 8-bit image stands for, given its window.
``levels_used``, ``hu_per_grey_level``, ``contrast``, ``contrast_to_noise``,
``texture``, ``dice``
    What survives inside a tissue mask (from ``ctlab.core.metrics``; the
    black and white fractions are ``ctlab.clipped_fractions``).
``framework_settings``
    A window as MONAI / TorchIO / fastai parameters.
``scaled_hu``, ``equalisation_bins``, ``equalised_hu``
    The unwindowed baselines: HU scaled to 0..1, histogram-equalised HU.

Examples
--------
>>> import numpy as np
>>> import ctlab
>>> hu = np.array([-1000, -80, 40, 700], dtype=np.int16)
>>> ctlab.conversion.naive_grey(hu, method="clip_negative").tolist()
[0, 0, 15, 255]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ctlab.core.conversion import (
    NAIVE_METHODS,
    equalisation_bins,
    equalised_hu,
    framework_settings,
    grey_to_hu,
    naive_grey,
    naive_window,
    scaled_hu,
)
from ctlab.core.errors import ExportError
from ctlab.core.metrics import (
    contrast,
    contrast_to_noise,
    dice,
    hu_per_grey_level,
    levels_used,
    texture,
)
from ctlab.io.export import check_grey_image

__all__ = [
    "NAIVE_METHODS",
    "contrast",
    "contrast_to_noise",
    "dice",
    "equalisation_bins",
    "equalised_hu",
    "framework_settings",
    "grey_to_hu",
    "hu_per_grey_level",
    "jpeg_roundtrip",
    "levels_used",
    "naive_grey",
    "naive_window",
    "scaled_hu",
    "texture",
]


def jpeg_roundtrip(grey: npt.ArrayLike, *, quality: int = 75) -> npt.NDArray[np.uint8]:
    """Save an 8-bit image as JPEG in memory and read it back.

    What a data set of JPEG files holds: the grey levels after JPEG's lossy
    compression (8 x 8 block DCT, quantisation), which blurs fine texture
    and adds ringing near edges. Nothing is written to disk.

    Parameters
    ----------
    grey : array_like of uint8
        ``(rows, cols)`` grey levels or ``(rows, cols, 3)`` RGB.
    quality : int
        Pillow's JPEG quality, 1 (worst) .. 100; 75 is Pillow's default,
        and 90-95 what careful exporters choose.

    Returns
    -------
    ndarray of uint8
        A new array of the shape of ``grey``.

    Raises
    ------
    ExportError
        If ``grey`` is not uint8 of a JPEG-able shape, or ``quality`` is
        not an integer in 1..100.

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((16, 16), 100, np.uint8)
    >>> bool((jpeg_roundtrip(flat) == flat).all())
    True
    >>> ramp = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (16, 1))
    >>> bool((jpeg_roundtrip(ramp, quality=10) == ramp).all())
    False
    """
    import io

    from PIL import Image

    array = check_grey_image(grey, "JPEG")
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)):
        raise ExportError(f"quality must be an integer from 1 to 100, got {quality!r}")
    if not 1 <= quality <= 100:
        raise ExportError(f"quality must be from 1 to 100, got {quality}")
    buffer = io.BytesIO()
    Image.fromarray(array, mode="L" if array.ndim == 2 else "RGB").save(
        buffer, format="JPEG", quality=int(quality)
    )
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.array(decoded.convert("L" if array.ndim == 2 else "RGB"), dtype=np.uint8)
