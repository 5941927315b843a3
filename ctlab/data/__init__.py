"""Sample data, installed with ctlab's dependencies (nothing is downloaded).

``abdomen()``
    Real abdominal slice from the Pancreas-CT collection (TCIA): liver,
    kidneys, fat, spine; the anatomy of the seed article's Figure 5.
``chest()``
    Small real chest slice (pydicom's ``CT_small.dcm``).
``chest_phantom()``
    Synthetic contrast-enhanced chest slice (arterial phase) with labels:
    lungs, vessels, airways, a nodule, ground glass, heart, aorta, bones.
``head()``
    Real head slice with a 40/100 brain window in its header.
``phantom()``
    ctlab's procedural abdominal volume with ground-truth labels.
``hidden_figures()``
    Synthetic: four singers on a stage, each drawn in its own HU range, so
    each window shows a different one (the seed's "Rat Pack" analogy).
``phantom_series(folder)``
    The phantom written as a DICOM series, for the loader and the CLI.

``CHEST_STRUCTURES``
    Each label of ``chest_phantom()``: the HU it is drawn with, the range
    real scans show, and the source of that range.

Provenance and licences: ``sample_data/README.md`` in the repository.
"""

from ctlab.data.sample import (
    abdomen,
    chest,
    chest_phantom,
    head,
    hidden_figures,
    phantom,
    phantom_series,
)
from ctlab.data.synthetic.chest_phantom import CHEST_STRUCTURES

__all__ = [
    "CHEST_STRUCTURES",
    "abdomen",
    "chest",
    "chest_phantom",
    "head",
    "hidden_figures",
    "phantom",
    "phantom_series",
]
