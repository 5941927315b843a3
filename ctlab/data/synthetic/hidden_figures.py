"""Hidden figures: four singers on a stage, each visible only in its own window.

ctlab's version of the seed article's "Rat Pack" analogy: four performers
share one stage, and the window decides which of them you see. Four human
silhouettes, each drawn in its own Hounsfield range and standing in its own
spotlight (a background a little above or below the singer):

========== =========== ============== ======================================
singer     singer HU   spotlight HU   seen in
========== =========== ============== ======================================
lung       -600        -900           ``"lung"`` (-1350..150)
soft       +50         -30            ``"default"`` (-160..240)
fat        -78         -83            ``"fat"`` (-100..-60)
bone       +1000       +400           ``"bone"`` (-500..1300)
========== =========== ============== ======================================

In the default 40/400 window only the soft-tissue singer shows: the lung
singer and its spotlight are both below -160 HU (black), the bone singer and
its spotlight both above 240 HU (white), and the fat singer differs from its
spotlight by only 5 HU: 3 grey levels at 400 HU per 256 levels, a ghost at
best, but 32 grey levels in the 40 HU wide fat window. The stage around the
spotlights is air (-1000 HU).

The image is procedural and deterministic (one seeded generator): drawn at
twice the output resolution and averaged down, so edges get partial-volume
values, then a little smooth noise is added so it looks like CT.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from ctlab.core.image import CTImage
from ctlab.data.synthetic.drawing import (
    SUPERSAMPLE,
    average_down,
    centre_samples,
    smooth_noise,
    synthetic_image,
)

__all__ = ["FIGURES", "LABELS", "hidden_figures"]

_ROWS, _COLS = 256, 512
_SPACING_MM = 1.0
_STAGE_HU = -1000.0
_FLOOR_MM = 20.0  # height of the singers' feet above the bottom edge


@dataclass(frozen=True)
class _Singer:
    name: str
    hu: float
    spotlight_hu: float
    window: str  # the PRESETS key that shows this singer
    x_mm: float  # centre of the feet, from the left edge
    height_mm: float
    # Elbow and hand of the left and right arm, in units of height, relative to
    # the shoulder they hang from (x outwards from the body, y upwards).
    arms: tuple[tuple[tuple[float, float], tuple[float, float]], ...]
    stance: float  # half the distance between the feet, in units of height


_SINGERS = (
    # Arms down, leaning on nothing: a crooner at rest.
    _Singer("lung", -600, -900, "lung", 64, 168, (((0.05, -0.15), (0.06, -0.31)),) * 2, 0.07),
    # One hand holds a microphone to the mouth, the other hangs down.
    _Singer(
        "soft_tissue",
        50,
        -30,
        "default",
        192,
        186,
        (((0.06, -0.16), (0.07, -0.32)), ((0.12, -0.10), (-0.02, 0.09))),
        0.09,
    ),
    # Both arms spread wide, finishing a song.
    _Singer("fat", -78, -83, "fat", 320, 170, (((0.13, 0.05), (0.22, 0.13)),) * 2, 0.13),
    # One arm raised high, the other on the hip.
    _Singer(
        "bone",
        1000,
        400,
        "bone",
        448,
        196,
        (((0.14, -0.14), (-0.01, -0.27)), ((0.04, 0.13), (0.03, 0.27))),
        0.08,
    ),
)

#: Each singer's name -> (its HU, its spotlight's HU, the preset that reveals it).
FIGURES = MappingProxyType({s.name: (s.hu, s.spotlight_hu, s.window) for s in _SINGERS})

#: Label value -> name: 0 the stage, 1-4 the singers, 5-8 their spotlights.
LABELS = MappingProxyType(
    {
        0: "stage",
        **{k + 1: s.name for k, s in enumerate(_SINGERS)},
        **{k + 1 + len(_SINGERS): f"{s.name}_spotlight" for k, s in enumerate(_SINGERS)},
    }
)


def _capsule(
    x: npt.NDArray[Any],
    y: npt.NDArray[Any],
    start: tuple[float, float],
    end: tuple[float, float],
    radius: float,
) -> npt.NDArray[np.bool_]:
    """Points within ``radius`` of the segment ``start``-``end`` (a rounded limb)."""
    (x0, y0), (x1, y1) = start, end
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
    return (x - x0 - t * dx) ** 2 + (y - y0 - t * dy) ** 2 <= radius**2


def _silhouette(x: npt.NDArray[Any], y: npt.NDArray[Any], singer: _Singer) -> npt.NDArray[np.bool_]:
    """Head, torso, arms and legs of one singer, in mm with y up from the floor."""
    h, cx = singer.height_mm, singer.x_mm
    hips, shoulders = 0.47 * h, 0.79 * h
    body = np.zeros(np.broadcast_shapes(x.shape, y.shape), dtype=bool)
    body |= (x - cx) ** 2 + (y - 0.91 * h) ** 2 <= (0.07 * h) ** 2  # head
    body |= _capsule(x, y, (cx, 0.83 * h), (cx, 0.87 * h), 0.03 * h)  # neck
    body |= _capsule(x, y, (cx, hips + 0.05 * h), (cx, shoulders - 0.03 * h), 0.085 * h)
    for side in (-1, 1):
        hip = (cx + side * 0.045 * h, hips)
        body |= _capsule(x, y, hip, (cx + side * singer.stance * h, 0.02 * h), 0.04 * h)
    for side, ((ex, ey), (hx, hy)) in zip((-1, 1), singer.arms, strict=True):
        shoulder = (cx + side * 0.1 * h, shoulders)
        elbow = (shoulder[0] + side * ex * h, shoulders + ey * h)
        hand = (shoulder[0] + side * hx * h, shoulders + hy * h)
        body |= _capsule(x, y, shoulder, elbow, 0.032 * h)
        body |= _capsule(x, y, elbow, hand, 0.028 * h)
    return body


def hidden_figures(*, noise_hu: float = 0.8, seed: int = 0) -> CTImage:
    """Four singers on a stage, each drawn in its own HU range (the seed's "Rat Pack").

    The default 40/400 window shows only the soft-tissue singer; the fat,
    bone and lung singers each need their own window (``"fat"``,
    ``"bone"``, ``"lung"``). See the module docstring for the values.

    Parameters
    ----------
    noise_hu : float
        Standard deviation of the added smooth noise, HU. The fat singer is
        only 5 HU above its spotlight: much more noise drowns it in every
        window.
    seed : int
        Seed of the noise.

    Returns
    -------
    CTImage
        int16 HU of shape (256, 512), 1 mm pixels; ``labels`` with
        ``label_names`` (:data:`LABELS`: the stage, each singer and each
        singer's spotlight), and the default 40/400 window.

    Examples
    --------
    >>> image = hidden_figures()
    >>> image.shape, image.label_names[3]
    ((256, 512), 'fat')
    """
    fine_rows, fine_cols = _ROWS * SUPERSAMPLE, _COLS * SUPERSAMPLE
    step = _SPACING_MM / SUPERSAMPLE
    x = ((np.arange(fine_cols) + 0.5) * step)[np.newaxis, :]
    # y in mm upwards from the singers' floor; row 0 is the top of the image.
    y = ((fine_rows - 1 - np.arange(fine_rows) + 0.5) * step - _FLOOR_MM)[:, np.newaxis]

    labels = np.zeros((fine_rows, fine_cols), dtype=np.uint8)
    values = np.full((fine_rows, fine_cols), _STAGE_HU)
    for index, singer in enumerate(_SINGERS):
        spotlight = ((x - singer.x_mm) / 62.0) ** 2 + ((y - 110.0) / 124.0) ** 2 <= 1.0
        labels[spotlight] = index + 1 + len(_SINGERS)
        values[spotlight] = singer.spotlight_hu
        body = _silhouette(x, y, singer) & spotlight
        labels[body] = index + 1
        values[body] = singer.hu

    coarse = average_down(values)
    rng = np.random.default_rng(seed)
    coarse += noise_hu * smooth_noise(rng, (_ROWS, _COLS), sigma=1.0)
    hu = np.rint(coarse).astype(np.int16)
    return synthetic_image(
        hu,
        (_SPACING_MM, _SPACING_MM),
        description="ctlab hidden figures (synthetic)",
        labels=np.ascontiguousarray(centre_samples(labels)),
        label_names=LABELS,
    )
