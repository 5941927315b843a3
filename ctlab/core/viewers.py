"""The same window, as different viewers and recipes define it.

Window presets are conventions, not standards: 3D Slicer, OHIF, fastai and
the RSNA haemorrhage-challenge kernels each ship their own numbers for
"brain", "lung" or "bone". :data:`VIEWER_WINDOWS` puts them side by side,
each viewer's values copied from its own source (:data:`VIEWER_SOURCES`), so
a student sees how far they disagree; :data:`RSNA_WINDOWS` is the three-window
stack the haemorrhage kernels fed to networks as R, G and B.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ctlab.core.window import PRESETS, Window

__all__ = ["RSNA_WINDOWS", "VIEWER_SOURCES", "VIEWER_WINDOWS"]

#: Where each viewer's numbers come from.
VIEWER_SOURCES: Mapping[str, str] = MappingProxyType(
    {
        "ctlab": "ctlab.PRESETS (Radiopaedia 'Windowing (CT)'; Hoeffner et al., AJNR 2012)",
        "3D Slicer": "3D Slicer, Modules/Loadable/Volumes/Resources/VolumeDisplayPresets.json",
        "OHIF": "OHIF Viewer, default cornerstone.windowLevelPresets (CT)",
        "fastai": "fastai, fastai.medical.imaging.dicom_windows (width, level)",
        "RSNA kernels": (
            "RSNA 2019 Intracranial Haemorrhage Detection, Kaggle kernels 'See like a "
            "radiologist with systematic windowing' and 'Gradient & sigmoid windowing'"
        ),
    }
)


def _w(center: float, width: float, name: str) -> Window:
    return Window(center, width, name=name)


#: Window kind -> viewer -> Window, for the kinds at least two sources define.
VIEWER_WINDOWS: Mapping[str, Mapping[str, Window]] = MappingProxyType(
    {
        "brain": MappingProxyType(
            {
                "ctlab": PRESETS["brain"],
                "3D Slicer": _w(50, 100, "CT-Brain"),
                "OHIF": _w(40, 80, "Brain"),
                "fastai": _w(40, 80, "brain"),
                "RSNA kernels": _w(40, 80, "brain"),
            }
        ),
        "subdural": MappingProxyType(
            {
                "ctlab": PRESETS["subdural"],
                "fastai": _w(100, 254, "subdural"),
                "RSNA kernels": _w(80, 200, "subdural"),
            }
        ),
        "stroke": MappingProxyType({"ctlab": PRESETS["stroke"], "fastai": _w(32, 8, "stroke")}),
        "lung": MappingProxyType(
            {
                "ctlab": PRESETS["lung"],
                "3D Slicer": _w(-500, 1400, "CT-Lung"),
                "OHIF": _w(-600, 1500, "Lung"),
                "fastai": _w(-600, 1500, "lungs"),
            }
        ),
        "mediastinum": MappingProxyType(
            {"ctlab": PRESETS["mediastinum"], "fastai": _w(50, 350, "mediastinum")}
        ),
        "abdomen": MappingProxyType(
            {
                "ctlab": PRESETS["abdomen_soft_tissue"],
                "3D Slicer": _w(40, 350, "CT-Abdomen"),
                "OHIF": _w(40, 400, "Soft tissue"),
                "fastai": _w(50, 400, "abdomen_soft"),
            }
        ),
        "liver": MappingProxyType(
            {
                "ctlab": PRESETS["liver"],
                "OHIF": _w(90, 150, "Liver"),
                "fastai": _w(30, 150, "liver"),
            }
        ),
        "bone": MappingProxyType(
            {
                "ctlab": PRESETS["bone"],
                "3D Slicer": _w(400, 1000, "CT-Bone"),
                "OHIF": _w(480, 2500, "Bone"),
                "fastai": _w(400, 1800, "spine_bone"),
            }
        ),
    }
)

#: The brain, subdural and soft-tissue windows the RSNA haemorrhage kernels
#: stacked as R, G and B (their ``bsb_window``); the third, 40/380
#: (-150..230 HU), shows fat and soft tissue and leaves bone white.
RSNA_WINDOWS: tuple[Window, Window, Window] = (
    _w(40, 80, "brain"),
    _w(80, 200, "subdural"),
    _w(40, 380, "soft tissue"),
)
