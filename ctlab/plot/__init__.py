"""Static figures (matplotlib): windowed slices, HU histograms, window comparisons.

Every figure is built with matplotlib's object API, so no GUI backend is
needed; in a notebook a returned Figure displays itself.
"""

from ctlab.plot.explorer import explorer_figure
from ctlab.plot.histogram import hounsfield_scale, hu_histogram
from ctlab.plot.slice import (
    body_box,
    compare_windows,
    multiwindow_figure,
    overlay_tissues,
    show_slice,
)

__all__ = [
    "body_box",
    "compare_windows",
    "explorer_figure",
    "hounsfield_scale",
    "hu_histogram",
    "multiwindow_figure",
    "overlay_tissues",
    "show_slice",
]
