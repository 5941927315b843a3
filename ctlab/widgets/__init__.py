"""The widgets layer: interactive windowing in Jupyter (ipywidgets + anywidget).

Each widget composes ipywidgets controls with browser-side views
(:mod:`ctlab.widgets.views`) that window the HU on a canvas, so sliders
repaint without a round trip to the kernel; the browser code sits beside
the Python that ships it (``*.js``).
"""

from ctlab.widgets.explorer import WindowExplorer
from ctlab.widgets.link import WindowLink, link_windows

__all__ = ["WindowExplorer", "WindowLink", "link_windows"]
