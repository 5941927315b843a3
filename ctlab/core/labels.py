"""Per-label measurements of a label map over Hounsfield units: size, HU statistics, window."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import InvalidImageError
from ctlab.core.window import Window

__all__ = [
    "OKABE_ITO",
    "LabelMeasurement",
    "default_label_colors",
    "listed_labels",
    "measure_labels",
]

#: Colours for labels that come without any: the Okabe-Ito palette, which
#: stays distinguishable with the common colour-vision deficiencies
#: (Okabe & Ito, "Color Universal Design", 2008), black left out.
OKABE_ITO: tuple[str, ...] = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)

#: Percentiles of each label's HU that :func:`measure_labels` reports.
PERCENTILES: tuple[float, ...] = (5.0, 25.0, 75.0, 95.0)


def default_label_colors(values: Iterable[int]) -> dict[int, str]:
    """The Okabe-Ito colour of each label value, in the order given.

    Every reader and view of a label map colours its labels this way when the
    file or the caller gives no colours, so a label keeps its colour from the
    file to the widget and the figure. Seven colours: from the eighth label on
    they repeat, and the labels' names tell those apart.

    Examples
    --------
    >>> default_label_colors([1, 2, 9])
    {1: '#E69F00', 2: '#56B4E9', 9: '#009E73'}
    """
    return {
        int(value): OKABE_ITO[position % len(OKABE_ITO)] for position, value in enumerate(values)
    }


def listed_labels(labels: npt.ArrayLike, names: Mapping[int, str]) -> list[int]:
    """The label values a view lists, ascending: each one present and each one named.

    0 (background) is never listed. Counted over the whole label map, so a
    label keeps its place, and its :func:`default_label_colors` colour, on
    every slice and in every view.

    Examples
    --------
    >>> listed_labels(np.array([[0, 5], [2, 2]]), {7: "aorta"})
    [2, 5, 7]
    """
    present = {int(value) for value in np.unique(np.asarray(labels)) if value}
    return sorted(present | {int(value) for value in names if int(value) > 0})


@dataclass(frozen=True)
class LabelMeasurement:
    """What one label covers and which HU it holds.

    Attributes
    ----------
    value : int
        The label value in the label map.
    name : str
        Its name (``"label <value>"`` when none was given).
    voxels : int
        Voxels of the label (padding left out).
    volume_ml : float
        ``voxels`` times the voxel volume, in millilitres (1 mL = 1000 mm³).
    mean, median : float
        HU of the label's voxels (NaN for an empty label).
    percentiles : tuple of (float, float)
        ``(p, HU)`` for each p of :data:`PERCENTILES`.
    window : Window or None
        :meth:`Window.from_hu` of the label's HU (1st..99th percentile);
        None for an empty label.
    """

    value: int
    name: str
    voxels: int
    volume_ml: float
    mean: float
    median: float
    percentiles: tuple[tuple[float, float], ...]
    window: Window | None


def measure_labels(
    hu: npt.ArrayLike,
    labels: npt.ArrayLike,
    *,
    spacing: Sequence[float],
    names: Mapping[int, str] | None = None,
    mask: npt.ArrayLike | None = None,
) -> list[LabelMeasurement]:
    """Measure every non-zero label of a label map over the HU it covers.

    Parameters
    ----------
    hu : array_like
        Hounsfield units, 2-D or 3-D.
    labels : array_like of int
        Label map of the same shape; 0 is background and is not measured.
    spacing : sequence of float
        Millimetres between voxel centres along each axis (as
        ``CTImage.spacing``); a 2-D image's voxel is taken 1 mm deep, so its
        "volume" is an area in cm² times 0.1.
    names : mapping of int to str, optional
        Name of each label value. Values listed here but absent from the map
        are reported with 0 voxels.
    mask : array_like of bool, optional
        Voxels to measure (e.g. ``~image.padding_mask()``); default all.

    Returns
    -------
    list of LabelMeasurement
        One per label value, in increasing value.

    Raises
    ------
    InvalidImageError
        If the shapes differ, ``labels`` is not integer, or ``spacing`` does
        not give one positive number per axis.

    Examples
    --------
    >>> hu = np.array([[-100, -90], [40, 60]], dtype=np.int16)
    >>> labels = np.array([[1, 1], [2, 2]], dtype=np.uint8)
    >>> fat, soft = measure_labels(hu, labels, spacing=(10.0, 10.0), names={1: "fat"})
    >>> fat.name, fat.voxels, fat.volume_ml, fat.mean, fat.window
    ('fat', 2, 0.2, -95.0, Window(center=-95.0, width=9.8))
    >>> soft.name, soft.median
    ('label 2', 50.0)
    """
    values_hu = np.asarray(hu)
    label_map = np.asarray(labels)
    if label_map.shape != values_hu.shape:
        raise InvalidImageError(
            f"labels shape {label_map.shape} differs from hu shape {values_hu.shape}; "
            "load the labels with ctlab.load_labels(path, like=image)"
        )
    if label_map.dtype.kind not in "iub":
        raise InvalidImageError(f"labels must be integers, got dtype {label_map.dtype}")
    steps = tuple(float(s) for s in spacing)
    if len(steps) != values_hu.ndim or not all(np.isfinite(s) and s > 0 for s in steps):
        raise InvalidImageError(
            f"spacing needs one positive value in mm per axis of {values_hu.shape}, got {spacing}"
        )
    voxel_ml = float(np.prod(steps)) / 1000
    if mask is not None:
        keep = np.asarray(mask, dtype=bool)
        values_hu, label_map = values_hu[keep], label_map[keep]
    flat_labels = label_map.reshape(-1)
    flat_hu = values_hu.reshape(-1)
    # One sort groups every label's voxels, instead of one full pass per label.
    order = np.argsort(flat_labels, kind="stable")
    sorted_labels = flat_labels[order]
    present, starts, counts = np.unique(sorted_labels, return_index=True, return_counts=True)
    where = {int(v): (int(s), int(c)) for v, s, c in zip(present, starts, counts, strict=True)}
    given = dict(names or {})
    measurements = []
    for value in sorted((set(where) | set(given)) - {0}):
        start, count = where.get(value, (0, 0))
        name = given.get(value, f"label {value}")
        if not count:
            empty = tuple((p, float("nan")) for p in PERCENTILES)
            measurements.append(
                LabelMeasurement(value, name, 0, 0.0, float("nan"), float("nan"), empty, None)
            )
            continue
        inside = flat_hu[order[start : start + count]].astype(np.float64)
        quantiles = np.percentile(inside, [50.0, *PERCENTILES])
        measurements.append(
            LabelMeasurement(
                value=value,
                name=name,
                voxels=count,
                volume_ml=count * voxel_ml,
                mean=float(inside.mean()),
                median=float(quantiles[0]),
                percentiles=tuple(
                    (p, float(q)) for p, q in zip(PERCENTILES, quantiles[1:], strict=True)
                ),
                window=Window.from_hu(inside, name=name),
            )
        )
    return measurements
