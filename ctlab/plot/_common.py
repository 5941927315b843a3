"""Shared steps of the figures: pick the slice, resolve the window, label it."""

from __future__ import annotations

from typing import Any

import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ctlab.core.image import CTImage

# Figures read on a projector: large enough text, nothing thinner than 1 pt.
FONT_SIZE = 10


def slice_of(image: CTImage, slice_index: int | None) -> tuple[npt.NDArray[Any], int]:
    """The HU of one slice (the middle one by default) and its index."""
    index = image.slice_or_middle(slice_index)
    return image.slice_hu(index), index


def new_axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    """Use ``ax``, or make a one-axes Figure without pyplot (no GUI needed)."""
    if ax is not None:
        return ax
    figure = Figure(figsize=size, layout="constrained")
    return figure.add_subplot()


def pixel_aspect(image: CTImage) -> float:
    """Row spacing over column spacing: how tall a pixel is drawn."""
    return image.spacing[-2] / image.spacing[-1]
