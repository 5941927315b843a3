"""ctlab: learn, teach and explore CT windowing.

Hounsfield units in, grey levels out, exactly as DICOM defines them; loaders
that catch the classic data pitfalls; widgets and figures that show what a
window keeps and what it throws away.

Examples
--------
>>> import ctlab
>>> ctlab.PRESETS["default"]
Window(center=40.0, width=400.0)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ctlab.core.errors import CTLabError, CTLabWarning
from ctlab.core.hounsfield import TISSUES, Tissue, tissue_at, tissue_mask
from ctlab.core.image import CTImage
from ctlab.core.labels import LabelMeasurement, measure_labels
from ctlab.core.metrics import (
    TissueLevels,
    clipped_fractions,
    grey_levels,
    hu_counts,
    hu_peaks,
    tissue_amounts,
    tissue_levels,
)
from ctlab.core.voi import apply_window, multiwindow
from ctlab.core.window import PRESETS, Window, resolve_window

__version__ = "0.1.0"

# Names from the heavier layers load on first use, so `import ctlab` (and the
# command line) does not pay for pydicom, matplotlib or ipywidgets up front.
_LAZY = {
    "load": "ctlab.io.loader",
    "export": "ctlab.io.export",
    "export_many": "ctlab.io.dataset",
    "save_png": "ctlab.io.export",
    "patient_identifiers": "ctlab.io.privacy",
    "load_labels": "ctlab.io.labels",
    "LabelMap": "ctlab.io.labels",
    "WindowExplorer": "ctlab.widgets",
    "WindowCompare": "ctlab.widgets",
    "TissueOverlay": "ctlab.widgets",
    "MultiWindowRGB": "ctlab.widgets",
    "ScanUpload": "ctlab.widgets",
    "link_windows": "ctlab.widgets",
}
_LAZY_MODULES = {
    "checks": "ctlab.checks",
    "conversion": "ctlab.conversion",
    "data": "ctlab.data",
    "display": "ctlab.display",
    "plot": "ctlab.plot",
    "quiz": "ctlab.quiz",
}

__all__ = [
    "PRESETS",
    "TISSUES",
    "CTImage",
    "CTLabError",
    "CTLabWarning",
    "LabelMap",
    "LabelMeasurement",
    "MultiWindowRGB",
    "ScanUpload",
    "Tissue",
    "TissueLevels",
    "TissueOverlay",
    "Window",
    "WindowCompare",
    "WindowExplorer",
    "apply_window",
    "checks",
    "clipped_fractions",
    "conversion",
    "data",
    "display",
    "export",
    "export_many",
    "grey_levels",
    "hu_counts",
    "hu_peaks",
    "link_windows",
    "load",
    "load_labels",
    "measure_labels",
    "multiwindow",
    "patient_identifiers",
    "plot",
    "quiz",
    "resolve_window",
    "save_png",
    "tissue_amounts",
    "tissue_at",
    "tissue_levels",
    "tissue_mask",
]

if TYPE_CHECKING:
    from ctlab import checks, conversion, data, display, plot, quiz
    from ctlab.io.dataset import export_many
    from ctlab.io.export import export, save_png
    from ctlab.io.labels import LabelMap, load_labels
    from ctlab.io.loader import load
    from ctlab.io.privacy import patient_identifiers
    from ctlab.widgets import (
        MultiWindowRGB,
        ScanUpload,
        TissueOverlay,
        WindowCompare,
        WindowExplorer,
        link_windows,
    )


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _LAZY_MODULES:
        value = importlib.import_module(_LAZY_MODULES[name])
    else:
        raise AttributeError(f"module 'ctlab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
