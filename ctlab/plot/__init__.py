"""Static figures (matplotlib): windowed slices, HU histograms, window comparisons, the handout.

Every figure is built with matplotlib's object API, so no GUI backend is
needed; in a notebook a returned Figure displays itself.
"""

from ctlab.plot.explorer import explorer_figure
from ctlab.plot.handout import handout_figure, save_handout
from ctlab.plot.histogram import histogram_figure, hounsfield_scale
from ctlab.plot.labels import draw_labels, label_outlines, label_pixels, overlay_labels
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
    "draw_labels",
    "explorer_figure",
    "handout_figure",
    "histogram_figure",
    "hounsfield_scale",
    "label_outlines",
    "label_pixels",
    "multiwindow_figure",
    "overlay_labels",
    "overlay_tissues",
    "save_handout",
    "show_slice",
]
