"""From stored values to what the eye sees: the DICOM GSDF and viewers' window presets.

``gsdf_luminance``, ``gsdf_jnd_index``, ``jnd_count``
    DICOM PS3.14's Grayscale Standard Display Function: how many just
    noticeable differences a display's luminance range holds.
``VIEWER_WINDOWS``, ``VIEWER_SOURCES``
    The same window kind (brain, lung, bone...) as 3D Slicer, OHIF, fastai,
    the RSNA kernels and ctlab define it, side by side.
``RSNA_WINDOWS``
    The brain / subdural / soft-tissue stack of the RSNA haemorrhage kernels.

Examples
--------
>>> import ctlab
>>> round(ctlab.display.jnd_count(1, 350))
582
>>> ctlab.display.VIEWER_WINDOWS["lung"]["3D Slicer"]
Window(center=-500.0, width=1400.0)
"""

from ctlab.core.display import (
    GSDF_JND_RANGE,
    GSDF_LUMINANCE_RANGE,
    gsdf_jnd_index,
    gsdf_luminance,
    jnd_count,
)
from ctlab.core.viewers import RSNA_WINDOWS, VIEWER_SOURCES, VIEWER_WINDOWS

__all__ = [
    "GSDF_JND_RANGE",
    "GSDF_LUMINANCE_RANGE",
    "RSNA_WINDOWS",
    "VIEWER_SOURCES",
    "VIEWER_WINDOWS",
    "gsdf_jnd_index",
    "gsdf_luminance",
    "jnd_count",
]
