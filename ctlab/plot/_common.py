"""Shared steps of the figures: pick the slice, resolve the window, label it."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ctlab.core.errors import InvalidArgumentError
from ctlab.core.image import CTImage

# Figures read on a projector: large enough text, nothing thinner than 1 pt.
FONT_SIZE = 10


def slice_of(image: CTImage, slice_index: int | None) -> tuple[npt.NDArray[Any], int]:
    """The HU of one slice (the middle one by default) and its index."""
    index = image.slice_or_middle(slice_index)
    return image.slice_hu(index), index


def check_opacity(opacity: float) -> None:
    """Refuse an overlay opacity outside 0..1."""
    if not 0 <= opacity <= 1:
        raise InvalidArgumentError(f"opacity must be between 0 and 1, got {opacity}")


def given_or_new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """``ax`` itself when given, else the axes of a new one-axes Figure (no pyplot, no GUI)."""
    if ax is not None:
        return ax
    figure = Figure(figsize=size, layout="constrained")
    return figure.add_subplot()


def grown_within(
    seed: npt.NDArray[np.bool_], allowed: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """The pixels of ``allowed`` 4-connected to ``seed & allowed``: the body, not the couch."""
    region = seed & allowed
    while True:
        grown = region.copy()
        grown[1:] |= region[:-1]
        grown[:-1] |= region[1:]
        grown[:, 1:] |= region[:, :-1]
        grown[:, :-1] |= region[:, 1:]
        grown &= allowed
        if np.array_equal(grown, region):
            return region
        region = grown


def pixel_aspect(image: CTImage) -> float:
    """Row spacing over column spacing: how tall a pixel is drawn."""
    return image.spacing[-2] / image.spacing[-1]
