"""The widgets layer: interactive windowing in Jupyter (ipywidgets + anywidget).

Each widget composes ipywidgets controls with browser-side views
(:mod:`ctlab.widgets.views`) that window the HU on a canvas, so sliders
repaint without a round trip to the kernel; the browser code sits beside
the Python that ships it (``*.js``).
"""

from ctlab.widgets.compare import WindowCompare
from ctlab.widgets.explorer import WindowExplorer
from ctlab.widgets.link import WindowLink, link_windows
from ctlab.widgets.overlay import TissueOverlay
from ctlab.widgets.rgb import MultiWindowRGB
from ctlab.widgets.upload import ScanUpload

__all__ = [
    "MultiWindowRGB",
    "ScanUpload",
    "TissueOverlay",
    "WindowCompare",
    "WindowExplorer",
    "WindowLink",
    "link_windows",
]
