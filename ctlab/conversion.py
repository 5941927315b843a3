"""Naive 8-bit conversion of CT and what it loses: the numbers of notebooks 3 and 5.

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
from ctlab.core.metrics import (
    contrast,
    contrast_to_noise,
    dice,
    hu_per_grey_level,
    levels_used,
    texture,
)
from ctlab.io.export import jpeg_roundtrip

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
