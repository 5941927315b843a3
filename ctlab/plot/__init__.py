"""Static figures (matplotlib): windowed slices, HU histograms, window comparisons, the handout.

Every figure is built with matplotlib's object API, so no GUI backend is
needed; in a notebook a returned Figure displays itself.
"""

from ctlab.plot.explorer import explorer_figure
from ctlab.plot.handout import handout_figure, save_handout
from ctlab.plot.histogram import histogram_figure, hounsfield_scale
from ctlab.plot.labels import label_outlines, overlay_labels
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
    "handout_figure",
    "histogram_figure",
    "hounsfield_scale",
    "label_outlines",
    "multiwindow_figure",
    "overlay_labels",
    "overlay_tissues",
    "save_handout",
    "show_slice",
]
