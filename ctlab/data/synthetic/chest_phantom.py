"""A synthetic axial chest CT slice with ground-truth labels.

ctlab ships no full real chest slice (pydicom's ``CT_small.dcm`` is a
128 x 128 crop), so the lung, mediastinal and bone windows are taught on this
synthetic slice at the level of the heart: lungs with vessels and airways, a
solid nodule, a ground-glass patch, ribs, sternum, scapulae and a vertebra,
subcutaneous and mediastinal fat, the heart and the descending aorta. It is
drawn like the abdominal phantom (:mod:`ctlab.data.synthetic.phantom`): ellipses in
millimetres on a fine grid, averaged down for partial-volume edges, then
noise.

One contrast phase throughout: a routine contrast-enhanced chest CT in the
systemic arterial phase, about 30-35 s after an intravenous iodinated bolus.
Blood in the heart chambers, the aorta and the lung vessels is bright, the
myocardium enhances moderately; nothing else changes.

:data:`CHEST_STRUCTURES` gives every label its drawn HU, the range real scans
show for it, and where that range comes from; the tests check the drawn
slice against those ranges.
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

__all__ = ["CHEST_LABELS", "CHEST_STRUCTURES", "Structure", "make_chest_phantom"]


@dataclass(frozen=True)
class Structure:
    """One labelled structure of the synthetic chest.

    Attributes
    ----------
    value : int
        Its label value.
    name : str
        Label name.
    hu : float
        The HU it is drawn with, before texture and noise.
    low, high : float
        The range of HU it shows on real scans (in this contrast phase).
    source : str
        Where that range comes from.
    """

    value: int
    name: str
    hu: float
    low: float
    high: float
    source: str


_PROKOP = "Prokop & Galanski, Spiral and Multislice CT of the Body (2003); Buzug, CT (2008)"
_ALBERTA = "body-composition thresholds (Alberta protocol), adipose -190..-30, muscle -29..150"
_ARTERIAL = (
    "arterial-phase contrast: CT angiography aims for >= 250 HU in the aorta (Bae, "
    "Radiology 2010;256:32-61); routine arterial-phase chest CT gives about 200..350"
)

_STRUCTURES = (
    Structure(0, "air", -1000, -1024, -990, "air, -1000 by definition"),
    Structure(1, "fat", -100, -190, -30, f"subcutaneous fat; {_ALBERTA}"),
    Structure(2, "muscle", 50, -29, 150, f"chest-wall and back muscle; {_ALBERTA}"),
    Structure(3, "mediastinal_fat", -100, -190, -30, f"mediastinal fat; {_ALBERTA}"),
    Structure(
        4,
        "lung",
        -860,
        -910,
        -800,
        "aerated lung at inspiration about -910..-850; "
        f"{_PROKOP}; ctlab's upper edge -800 leaves room for noise",
    ),
    Structure(5, "lung_vessel", 200, 150, 350, f"pulmonary arteries and veins; {_ARTERIAL}"),
    Structure(6, "airway_wall", 40, 0, 100, "bronchial wall: soft tissue"),
    Structure(7, "airway", -1000, -1024, -900, "air in the bronchi"),
    Structure(8, "nodule", 30, 0, 100, "solid pulmonary nodule: soft-tissue attenuation"),
    Structure(
        9,
        "ground_glass",
        -600,
        -750,
        -300,
        "ground-glass opacity: hazy increased attenuation with vessels still visible "
        "(Fleischner Society glossary, Hansell et al., Radiology 2008); its HU lie between "
        "aerated lung and soft tissue (ctlab draws -600)",
    ),
    Structure(
        10,
        "myocardium",
        110,
        80,
        150,
        "myocardium enhances moderately in the arterial phase (ctlab's choice for the "
        "synthetic slice, between unenhanced muscle and contrast-filled blood)",
    ),
    Structure(11, "heart_blood", 260, 200, 350, f"blood in the heart chambers; {_ARTERIAL}"),
    Structure(12, "aorta", 280, 200, 350, f"descending aorta; {_ARTERIAL}"),
    Structure(13, "cortical_bone", 1000, 700, 3000, f"cortical bone; {_PROKOP}"),
    Structure(14, "cancellous_bone", 250, 150, 400, f"cancellous (trabecular) bone; {_PROKOP}"),
    Structure(15, "spinal_canal", 20, 0, 45, "spinal cord and CSF: water to soft tissue"),
)
#: Label value -> Structure, for every label of the synthetic chest.
CHEST_STRUCTURES = MappingProxyType({s.value: s for s in _STRUCTURES})
#: Label value -> name, as ``CTImage.label_names``.
CHEST_LABELS = MappingProxyType({s.value: s.name for s in _STRUCTURES})
_VALUE = {s.name: s.value for s in _STRUCTURES}
_HU = np.array([s.hu for s in _STRUCTURES], dtype=np.float64)

# Centres (x to the image right = patient's left, y down = posterior) and
# semi-axes in mm.
_RIGHT_LUNG = ((-80.0, 0.0), (55.0, 85.0))
_LEFT_LUNG = ((82.0, 5.0), (52.0, 82.0))
_HILA = ((-38.0, 15.0), (45.0, 20.0))
_NODULE = ((-95.0, -25.0), 6.0)
_GROUND_GLASS = ((95.0, 40.0), (20.0, 15.0))


def _inside(
    point: tuple[float, float],
    ellipse: tuple[tuple[float, float], tuple[float, float]],
    margin: float,
) -> bool:
    (cx, cy), (ax, ay) = ellipse
    x, y = point
    return ((x - cx) / (ax - margin)) ** 2 + ((y - cy) / (ay - margin)) ** 2 <= 1.0


def _lung_tree(
    rng: np.random.Generator,
) -> tuple[list[tuple[tuple[float, float], float]], list[tuple[tuple[float, float], float]]]:
    """Vessel and airway discs: wider near the hilum, narrower towards the pleura.

    A vessel crossing the slice is one disc; one running in the slice is a
    row of overlapping discs along a random direction, tapering away from
    the hilum.
    """
    vessels: list[tuple[tuple[float, float], float]] = []
    airways: list[tuple[tuple[float, float], float]] = []
    for lung, hilum in zip((_RIGHT_LUNG, _LEFT_LUNG), _HILA, strict=True):
        (cx, cy), (ax, ay) = lung
        reach = float(np.hypot(ax, ay))
        placed = 0
        while placed < 60:
            x, y = float(rng.uniform(cx - ax, cx + ax)), float(rng.uniform(cy - ay, cy + ay))
            if (
                not _inside((x, y), lung, margin=8)
                or np.hypot(x - _NODULE[0][0], y - _NODULE[0][1]) < _NODULE[1] + 6
            ):
                continue
            closeness = 1 - min(1.0, float(np.hypot(x - hilum[0], y - hilum[1])) / reach)
            radius = 0.6 + 3.4 * closeness**1.5
            placed += 1
            if rng.random() < 0.5:
                vessels.append(((x, y), radius))
            else:
                # Run roughly away from the hilum, as the branches do.
                angle = np.arctan2(y - hilum[1], x - hilum[0]) + rng.normal(0, 0.5)
                length = float(rng.uniform(6, 22))
                for step in np.arange(0, length, max(0.3, radius / 2)):
                    point = (x + step * np.cos(angle), y + step * np.sin(angle))
                    if _inside(point, lung, margin=4):
                        vessels.append((point, radius * (1 - 0.4 * step / length)))
            if rng.random() < 0.2 and radius > 1.2:
                # Bronchovascular bundle: an airway beside the artery, about as wide.
                angle = rng.uniform(0, 2 * np.pi)
                offset = 2.2 * radius + 0.8
                airways.append(((x + offset * np.cos(angle), y + offset * np.sin(angle)), radius))
        # The lobar bronchus and artery at the hilum.
        airways.append(((hilum[0], hilum[1] - 9.0), 5.5))
        vessels.append((hilum, 6.5))
    return vessels, airways


def _labels(
    coordinates: npt.NDArray[np.float64], rng: np.random.Generator
) -> npt.NDArray[np.uint8]:
    labels = np.zeros((coordinates.size, coordinates.size), dtype=np.uint8)

    def paint(center: tuple[float, float], axes: tuple[float, float], name: str) -> None:
        paint_ellipse(labels, coordinates, center, axes, _VALUE[name])

    paint((0, 5), (165, 120), "fat")
    paint((0, 5), (152, 108), "muscle")
    paint((0, 0), (138, 90), "mediastinal_fat")
    for centre, axes in (_RIGHT_LUNG, _LEFT_LUNG):
        paint(centre, axes, "lung")
    paint(*_GROUND_GLASS, "ground_glass")
    vessels, airways = _lung_tree(rng)
    for centre, radius in vessels:
        paint(centre, (radius, radius), "lung_vessel")
    for centre, radius in airways:
        paint(centre, (radius, radius), "airway_wall")
        paint(centre, (0.72 * radius, 0.72 * radius), "airway")
    paint(_NODULE[0], (_NODULE[1], _NODULE[1]), "nodule")

    # Heart (myocardium around two chambers) and the descending aorta.
    paint((15, -35), (50, 40), "myocardium")
    paint((32, -30), (24, 22), "heart_blood")  # left ventricle
    paint((-8, -48), (24, 15), "heart_blood")  # right ventricle
    paint((26, 50), (13, 13), "aorta")

    # Bones: vertebra with its arch and spinous process, sternum, ribs, scapulae.
    for side in (-1, 1):
        paint((side * 32, 100), (20, 13), "muscle")  # paraspinal
    paint((0, 68), (19, 16), "cortical_bone")
    paint((0, 68), (16.5, 13.5), "cancellous_bone")
    paint((0, 97), (13, 12), "cortical_bone")
    paint((0, 95), (8, 8), "spinal_canal")
    paint((0, 116), (4, 8), "cortical_bone")
    paint((0, -96), (14, 6), "cortical_bone")  # sternum
    paint((0, -96), (11, 3.5), "cancellous_bone")
    for angle in np.deg2rad([-150, -125, -100, -55, -30, 150, 125, 30, 55, 170, 10]):
        centre = (146 * np.cos(angle), 98 * np.sin(angle))
        lateral = abs(np.cos(angle)) > 0.75
        axes = (4.5, 7.5) if lateral else (7.5, 4.5)
        paint(centre, axes, "cortical_bone")
        paint(centre, (axes[0] - 2, axes[1] - 2), "cancellous_bone")
    for side in (-1, 1):
        paint((side * 90, 92), (15, 3.5), "cortical_bone")  # scapula
    return labels


def make_chest_phantom(
    *, size: int = 512, pixel_spacing: float = 0.7, noise_hu: float = 12.0, seed: int = 0
) -> CTImage:
    """Draw the synthetic contrast-enhanced chest CT slice (systemic arterial phase).

    Parameters
    ----------
    size : int
        Rows and columns.
    pixel_spacing : float
        Millimetres between pixel centres; the anatomy is about 330 x 240 mm.
    noise_hu : float
        Standard deviation of the added Gaussian noise, HU.
    seed : int
        Seed of the random generator (vessel tree, textures, noise).

    Returns
    -------
    CTImage
        int16 HU of shape ``(size, size)``, ``labels`` with ``label_names``
        (:data:`CHEST_LABELS`), the default 40/400 window.

    Examples
    --------
    >>> chest = make_chest_phantom(size=128, pixel_spacing=2.8)
    >>> chest.shape, chest.label_names[8]
    ((128, 128), 'nodule')
    """
    rng = np.random.default_rng(seed)
    fine = size * SUPERSAMPLE
    coordinates = (np.arange(fine) - (fine - 1) / 2) * pixel_spacing / SUPERSAMPLE
    fine_labels = _labels(coordinates, rng)
    values = _HU[fine_labels]
    # Texture: lung parenchyma and ground glass are not uniform, nor is trabecular bone.
    for name, amplitude, sigma in (
        ("lung", 18.0, 3.0),
        ("ground_glass", 45.0, 3.0),
        ("cancellous_bone", 60.0, 1.5),
    ):
        where = fine_labels == _VALUE[name]
        values[where] += amplitude * smooth_noise(rng, (fine, fine), sigma=sigma)[where]
    coarse = average_down(values)
    coarse += rng.normal(0, noise_hu, coarse.shape)
    np.clip(coarse, -1024, 3071, out=coarse)
    return synthetic_image(
        np.rint(coarse).astype(np.int16),
        (pixel_spacing, pixel_spacing),
        description="ctlab synthetic chest CT slice (arterial phase)",
        labels=centre_samples(fine_labels).astype(np.uint8),
        label_names=CHEST_LABELS,
    )
