"""Enhanced multi-frame CT: a frame's functional groups read as a classic slice's tags.

A classic CT file holds one slice and says its orientation, position,
pixel spacing, rescale, window and meaning in top-level tags. An enhanced
multi-frame file (PS3.3 C.7.6.16) holds many frames and says the same
things per frame, in functional groups: each frame's item of the Per-frame
Functional Groups Sequence first, then the Shared Functional Groups
Sequence. :func:`frame_header` turns one frame's groups into the tags a
classic slice would carry, so the loader, the pixel checks and the geometry
read a frame as they read a slice.
"""

from __future__ import annotations

from typing import Any

from pydicom.dataset import Dataset

__all__ = ["FRAME_TAGS", "frame_header"]

#: Each classic keyword and the functional group (PS3.3 C.7.6.16.2) that holds it per frame.
FRAME_TAGS: dict[str, str] = {
    "ImageOrientationPatient": "PlaneOrientationSequence",
    "ImagePositionPatient": "PlanePositionSequence",
    "PixelSpacing": "PixelMeasuresSequence",
    "RescaleSlope": "PixelValueTransformationSequence",
    "RescaleIntercept": "PixelValueTransformationSequence",
    "RescaleType": "PixelValueTransformationSequence",
    "WindowCenter": "FrameVOILUTSequence",
    "WindowWidth": "FrameVOILUTSequence",
    "WindowCenterWidthExplanation": "FrameVOILUTSequence",
    "VOILUTFunction": "FrameVOILUTSequence",
    "MeasurementUnitsCodeSequence": "RealWorldValueMappingSequence",
    "FrameType": "CTImageFrameTypeSequence",
    "PixelPresentation": "CTImageFrameTypeSequence",
}


def frame_header(header: Dataset, frame: int) -> dict[str, Any]:
    """What a classic slice would say for one frame of an enhanced multi-frame file.

    Parameters
    ----------
    header : pydicom.dataset.Dataset
        The multi-frame file's header.
    frame : int
        0-based frame number.

    Returns
    -------
    dict
        Every keyword of :data:`FRAME_TAGS`, with the frame's per-frame
        value, else the shared one, else None. A plain mapping, so damaged
        values reach the checks unvalidated.

    Examples
    --------
    >>> from pydicom.dataset import Dataset
    >>> plane = Dataset()
    >>> plane.ImagePositionPatient = [0, 0, 5]
    >>> item = Dataset()
    >>> item.PlanePositionSequence = [plane]
    >>> header = Dataset()
    >>> header.PerFrameFunctionalGroupsSequence = [item]
    >>> frame_header(header, 0)["ImagePositionPatient"]
    [0.0, 0.0, 5.0]
    >>> frame_header(header, 0)["RescaleSlope"] is None
    True
    """
    groups = []
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if per_frame is not None and frame < len(per_frame):
        groups.append(per_frame[frame])
    shared = header.get("SharedFunctionalGroupsSequence")
    if shared:
        groups.append(shared[0])
    said: dict[str, Any] = {}
    for keyword, sequence in FRAME_TAGS.items():
        said[keyword] = None
        for group in groups:
            items = group.get(sequence)
            if items and keyword in items[0]:
                said[keyword] = items[0].get(keyword)
                break
    return said
