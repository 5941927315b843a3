"""A procedural abdominal CT phantom with a ground-truth label map.

The phantom is drawn from ellipses in millimetres at twice the output
resolution and averaged down, so organ edges get the intermediate values of
real partial-volume voxels; Gaussian noise is added last. Everything comes
from one seeded generator: the same arguments give the same volume.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from ctlab.core.image import CTImage
from ctlab.data.synthetic.drawing import (
    SUPERSAMPLE,
    average_down,
    centre_samples,
    paint_ellipse,
    smooth_noise,
    synthetic_image,
)

__all__ = ["LABELS", "make_phantom"]

# Stored outside the reconstruction circle, as scanners do.
_OUTSIDE_FIELD_HU = -3024


@dataclass(frozen=True)
class _Label:
    value: int
    name: str
    hu: float


# One contrast phase for every organ: portal venous, about 60-70 s after an IV
# iodinated contrast injection, as in a routine abdominal CT (and in the real
# Pancreas-CT slice of ctlab.data.abdomen). Unenhanced liver is about 50..70 HU
# and gains about 50..60 HU by then (Radiat Med 2007 25:106), the spleen a
# little more; the kidneys are in the nephrographic phase; the aorta holds
# diluted contrast, about 150..200 HU, the IVC a little less.
_LABEL_LIST = (
    _Label(0, "air", -1000),
    _Label(1, "fat", -82),
    _Label(2, "muscle", 55),
    _Label(3, "liver", 105),
    _Label(4, "spleen", 115),
    _Label(5, "kidney", 140),
    _Label(6, "aorta", 170),
    _Label(7, "ivc", 130),
    _Label(8, "cortical_bone", 1100),
    _Label(9, "cancellous_bone", 250),
    _Label(10, "bowel", 30),
    _Label(11, "bowel_gas", -1000),
    _Label(12, "lung", -850),
)
#: Label value -> tissue or organ name of the phantom's ground truth. Names
#: that are bands of :data:`ctlab.TISSUES` (fat, lung, bones, air) match them.
LABELS = MappingProxyType({label.value: label.name for label in _LABEL_LIST})
_VALUE = {label.name: label.value for label in _LABEL_LIST}
_HU = np.array([label.hu for label in _LABEL_LIST], dtype=np.float64)


def _labels_for_slice(
    coordinates: npt.NDArray[np.float64],
    depth: float,
    bowel: list[tuple[float, float, float, bool]],
) -> npt.NDArray[np.uint8]:
    """Label map of one slice; ``depth`` runs 0 (lung bases) to 1 (lower abdomen)."""
    labels = np.zeros((coordinates.size, coordinates.size), dtype=np.uint8)

    def paint(center: tuple[float, float], axes: tuple[float, float], name: str) -> None:
        paint_ellipse(labels, coordinates, center, axes, _VALUE[name])

    width, height = 165 - 10 * depth, 118 - 6 * depth
    paint((0, 0), (width, height), "fat")
    paint((0, 2), (width - 20, height - 20), "muscle")
    paint((0, 4), (width - 32, height - 30), "fat")  # visceral fat
    if depth < 0.25:
        lung = 1 - depth / 0.25
        for side in (-1, 1):
            paint((side * 85, 40), (55 * lung + 1, 45 * lung + 1), "lung")
    liver_size = max(0.0, 1 - depth / 0.75)
    if liver_size > 0:
        paint((-62, -5), (78 * liver_size, 72 * liver_size), "liver")
    if depth < 0.55:
        paint((88, 25), (32, 44 * (1 - depth)), "spleen")
    if 0.2 < depth < 0.85:
        kidney = np.sin(np.pi * (depth - 0.2) / 0.65)
        for side in (-1, 1):
            paint((side * 66, 55), (26 * kidney + 1, 36 * kidney + 1), "kidney")
    if depth > 0.4:
        for side in (-1, 1):
            paint((side * 36, 58), (14 * depth, 20 * depth), "muscle")  # psoas
    for side in (-1, 1):
        paint((side * 34, 100), (24, 16), "muscle")  # paraspinal
    for cx, cy, radius, has_gas in bowel:
        if depth > 0.3:
            paint((cx, cy), (radius, radius * 0.8), "bowel")
            if has_gas:
                paint((cx, cy - radius * 0.25), (radius * 0.6, radius * 0.4), "bowel_gas")
    paint((14, 24), (11, 11), "aorta")
    paint((-22, 26), (12, 9), "ivc")
    paint((0, 62), (24, 21), "cortical_bone")  # vertebral body
    paint((0, 62), (20.5, 17.5), "cancellous_bone")
    paint((0, 94), (7, 12), "cortical_bone")  # spinous process
    paint((0, 92), (4, 8), "cancellous_bone")
    return labels


def make_phantom(
    *,
    n_slices: int = 48,
    size: int = 256,
    pixel_spacing: float = 1.5,
    slice_spacing: float = 2.5,
    noise_hu: float = 12.0,
    seed: int = 0,
) -> CTImage:
    """Draw the procedural abdominal CT phantom.

    Synthetic. Subcutaneous and visceral fat, abdominal wall and back
    muscles, liver, spleen, kidneys, a contrast-filled aorta and the IVC, all
    in one contrast phase, portal venous (about 60-70 s after IV contrast:
    liver 105, spleen 115, kidneys 140, aorta 170, IVC 130 HU), a vertebra with a
    cortical shell and a textured trabecular interior, bowel with gas, and
    lung bases in the upper slices; partial-volume edges, Gaussian noise, and
    -3024 HU outside the reconstruction circle (as scanners store it).

    Parameters
    ----------
    n_slices : int
        Number of slices, from the lower abdomen (index 0, lowest z) up to
        the lung bases (last index), in the order :func:`ctlab.load` gives.
    size : int
        Rows and columns.
    pixel_spacing, slice_spacing : float
        Millimetres between pixel and slice centres.
    noise_hu : float
        Standard deviation of the added Gaussian noise, HU.
    seed : int
        Seed of the random generator (bowel layout, bone texture, noise).

    Returns
    -------
    CTImage
        int16 HU of shape ``(n_slices, size, size)``, ``labels`` with
        ``label_names`` (:data:`LABELS`), the default 40/400 window.

    Examples
    --------
    >>> phantom = make_phantom(n_slices=2, size=64)
    >>> phantom.shape, phantom.label_names[1]
    ((2, 64, 64), 'fat')
    """
    rng = np.random.default_rng(seed)
    fine = size * SUPERSAMPLE
    coordinates = (np.arange(fine) - (fine - 1) / 2) * pixel_spacing / SUPERSAMPLE
    scale = 256 * 1.5 / (size * pixel_spacing)  # keep the anatomy inside the field
    coordinates = coordinates * scale
    bowel = [
        (
            float(rng.uniform(-40, 80)),
            float(rng.uniform(-80, 0)),
            float(rng.uniform(10, 20)),
            bool(rng.random() < 0.6),
        )
        for _ in range(6)
    ]
    field_radius = (fine / 2) * pixel_spacing / SUPERSAMPLE * scale
    outside_field = coordinates[:, None] ** 2 + coordinates[None, :] ** 2 > field_radius**2

    hu = np.empty((n_slices, size, size), dtype=np.int16)
    labels = np.empty((n_slices, size, size), dtype=np.uint8)
    for index in range(n_slices):
        # Index 0 is the most caudal slice: the loader orders slices by
        # increasing DICOM z, which points to the head.
        depth = 1 - index / max(1, n_slices - 1)
        fine_labels = _labels_for_slice(coordinates, depth, bowel)
        values = _HU[fine_labels]
        bone = fine_labels == _VALUE["cancellous_bone"]
        rows, cols = np.nonzero(bone.any(axis=1))[0], np.nonzero(bone.any(axis=0))[0]
        if rows.size:
            box = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
            texture = smooth_noise(rng, bone[box].shape, sigma=1.5)
            values[box][bone[box]] += 60 * texture[bone[box]]
        values[outside_field] = -1000
        # Averaging the fine grid gives partial-volume edges.
        coarse = average_down(values)
        coarse += rng.normal(0, noise_hu, coarse.shape)
        np.clip(coarse, -1024, 3071, out=coarse)
        coarse[outside_field[::SUPERSAMPLE, ::SUPERSAMPLE]] = _OUTSIDE_FIELD_HU
        hu[index] = np.rint(coarse)
        labels[index] = centre_samples(fine_labels)

    return synthetic_image(
        hu,
        (slice_spacing, pixel_spacing, pixel_spacing),
        description="ctlab procedural abdominal phantom",
        labels=labels,
        label_names=LABELS,
        padding_hu=_OUTSIDE_FIELD_HU,
        slice_positions=tuple(slice_spacing * k for k in range(n_slices)),
    )
