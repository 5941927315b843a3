"""Label maps (a segmentation) drawn over a windowed slice: outlines or filled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from ctlab.core.errors import InvalidImageError
from ctlab.core.image import CTImage, as_image
from ctlab.core.voi import apply_window
from ctlab.core.window import Window, resolve_window
from ctlab.plot._common import FONT_SIZE, check_opacity, given_or_new_axes, pixel_aspect, slice_of
from ctlab.plot.slice import window_title

__all__ = ["label_outlines", "overlay_labels"]

# Okabe-Ito, black left out: for labels that come without colours.
_FALLBACK = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")


def label_outlines(labels: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """True on the pixels of a 2-D label map that touch another label (4-neighbours).

    The border pixels of each labelled region, inside the region; background
    (0) pixels are never outline.

    Examples
    --------
    >>> square = np.zeros((5, 5), np.uint8)
    >>> square[1:4, 1:4] = 2
    >>> int(label_outlines(square).sum())
    8
    """
    values = np.asarray(labels)
    if values.ndim != 2:
        raise InvalidImageError(f"label_outlines needs a 2-D label map, got shape {values.shape}")
    padded = np.pad(values, 1, mode="edge")
    centre = padded[1:-1, 1:-1]
    differs = (
        (padded[:-2, 1:-1] != centre)
        | (padded[2:, 1:-1] != centre)
        | (padded[1:-1, :-2] != centre)
        | (padded[1:-1, 2:] != centre)
    )
    return np.asarray(differs & (values != 0))


def overlay_labels(
    image: CTImage | npt.ArrayLike,
    labels: Any,
    window: Window | str,
    *,
    slice_index: int | None = None,
    outline: bool = True,
    opacity: float = 0.5,
    names: Mapping[int, str] | None = None,
    colors: Mapping[int, str] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """A segmentation over a windowed slice: each label's outline or fill, in its colour.

    The labels do not depend on the window: the same voxels are outlined
    over every window, only the grey underneath changes.

    Parameters
    ----------
    image : CTImage or array_like
        The scan.
    labels : LabelMap or array_like of int
        A :class:`ctlab.LabelMap` (its names and colours are used), or a label
        array of the image's shape.
    window : Window or str
        The window of the grey image underneath.
    slice_index : int, optional
        Which slice; default the middle one.
    outline : bool
        Draw each label's border (default) or fill it.
    opacity : float
        0..1: how strongly a filled label covers the grey (outlines are opaque).
    names, colors : mapping of int to str, optional
        Label names and ``"#RRGGBB"`` colours, overriding the LabelMap's;
        default ``"label <value>"`` and the Okabe-Ito palette.
    ax : Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    Axes

    Examples
    --------
    >>> hu = np.full((6, 6), 40, np.int16)
    >>> labels = np.zeros((6, 6), np.uint8)
    >>> labels[1:5, 1:5] = 1
    >>> ax = overlay_labels(hu, labels, "default", names={1: "liver"})
    >>> ax.get_legend().get_texts()[0].get_text()
    'liver'
    """
    check_opacity(opacity)
    ct = as_image(image)
    values = np.asarray(getattr(labels, "labels", labels))
    if values.shape != ct.hu.shape or values.dtype.kind not in "iu":
        raise InvalidImageError(
            f"labels must be integers of the image's shape {ct.hu.shape}, got {values.dtype} "
            f"{values.shape}; load them with ctlab.load_labels(path, like=image)"
        )
    hu, index = slice_of(ct, slice_index)
    plane = values[index] if ct.is_volume else values
    given_names = {**dict(getattr(labels, "names", {})), **dict(names or {})}
    given_colors = {**dict(getattr(labels, "colors", {})), **dict(colors or {})}
    shown = [int(v) for v in np.unique(plane) if v]
    resolved = resolve_window(window)
    grey = apply_window(hu, resolved).astype(np.float64) / 255
    base = np.repeat(grey[..., np.newaxis], 3, axis=2)
    rgb = base.copy()
    drawn = label_outlines(plane) if outline else plane != 0
    handles = []
    for position, value in enumerate(shown):
        color = given_colors.get(value, _FALLBACK[position % len(_FALLBACK)])
        where = drawn & (plane == value)
        strength = 1.0 if outline else opacity
        rgb[where] = (1 - strength) * base[where] + strength * np.asarray(to_rgb(color))
        handles.append(Patch(color=color, label=given_names.get(value, f"label {value}")))
    axes = given_or_new_axes(ax, (5.5, 5))
    axes.imshow(rgb, interpolation="nearest", aspect=pixel_aspect(ct))
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(window_title(resolved), fontsize=FONT_SIZE)
    if handles:
        axes.legend(handles=handles, loc="lower right", fontsize=FONT_SIZE - 2, framealpha=0.8)
    return axes
