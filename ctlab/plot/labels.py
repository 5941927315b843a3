"""Label maps (a segmentation) drawn over a windowed slice: outlines or filled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.patches import Patch

from ctlab.core.errors import InvalidImageError
from ctlab.core.image import CTImage, as_image
from ctlab.core.labels import default_label_colors, listed_labels
from ctlab.core.voi import apply_window
from ctlab.core.window import Window, resolve_window
from ctlab.plot._common import FONT_SIZE, check_opacity, given_or_new_axes, pixel_aspect, slice_of
from ctlab.plot.slice import window_title

__all__ = ["draw_labels", "label_outlines", "label_pixels", "overlay_labels"]

# Up to this many entries the legend sits in the slice's lower right corner,
# next to what it names; more would cover much of the slice, so they go below
# the axes, in up to _LEGEND_COLUMNS columns (ctlab's figures use constrained
# layout, which makes room for them).
_LEGEND_INSIDE_MAX = 4
_LEGEND_COLUMNS = 3


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
    if any(value not in given_colors for value in shown):
        # Counted as the widgets count them: the same colour on every slice.
        fallback = default_label_colors(listed_labels(values, given_names))
        given_colors = {**fallback, **given_colors}
    colors_shown = {value: given_colors[value] for value in shown}
    axes = given_or_new_axes(ax, (5.5, 5))
    axes.imshow(
        apply_window(hu, resolved),
        cmap="gray",
        vmin=0,
        vmax=255,
        interpolation="nearest",
        aspect=pixel_aspect(ct),
    )
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(window_title(resolved), fontsize=FONT_SIZE)
    return draw_labels(
        axes, plane, colors_shown, outline=outline, opacity=opacity, names=given_names
    )


def draw_labels(
    ax: Axes,
    labels: npt.ArrayLike,
    colors: Mapping[int, str],
    *,
    outline: bool = True,
    opacity: float = 0.5,
    names: Mapping[int, str] | None = None,
) -> Axes:
    """Draw a 2-D label map over the slice already shown in ``ax``, with a legend entry each.

    The slice is ``ax``'s first image: grey levels 0..255 (as
    :func:`ctlab.plot.show_slice` draws them) or RGB in 0..1 (as
    :func:`ctlab.plot.overlay_tissues`). Each label of ``colors`` (value ->
    ``"#RRGGBB"``; labels left out are not drawn) is blended in as
    :func:`label_pixels` does, outlined or filled; the legend keeps its
    entries and gains each drawn label's name (``names``, default
    ``"label <value>"``). This is how the widgets' static pictures show
    their labels. Up to four legend entries sit in the slice's lower right
    corner; with more, the legend goes below the axes, in columns, so that
    it hides no part of the slice (a figure with constrained layout, as
    ctlab's are, makes room for it; otherwise save with
    ``bbox_inches="tight"``).

    Raises
    ------
    InvalidImageError
        If ``ax`` shows no image, or ``labels`` is not a 2-D integer map of its shape.

    Examples
    --------
    >>> from ctlab.plot import show_slice
    >>> labels = np.zeros((4, 4), np.uint8)
    >>> labels[1:3, 1:3] = 2
    >>> ax = show_slice(np.zeros((4, 4), np.int16), "default")
    >>> ax = draw_labels(ax, labels, {2: "#FF0000"}, names={2: "cyst"})
    >>> ax.images[0].get_array()[1, 1].tolist(), ax.get_legend().get_texts()[-1].get_text()
    ([1.0, 0.0, 0.0], 'cyst')
    """
    check_opacity(opacity)
    if not ax.images:
        raise InvalidImageError("draw_labels needs an axes showing a slice (ax.images is empty)")
    image = ax.images[0]
    under = np.asarray(image.get_array(), np.float64)
    plane = np.asarray(labels)
    if plane.ndim != 2 or plane.shape != under.shape[:2] or plane.dtype.kind not in "iu":
        raise InvalidImageError(
            f"draw_labels needs a 2-D integer label map of the slice's shape {under.shape[:2]}, "
            f"got {plane.dtype} {plane.shape}"
        )
    present = set(np.unique(plane).tolist())
    drawn = {value: color for value, color in colors.items() if value in present}
    if not drawn:
        return ax  # the slice as it was, not redrawn
    # RGB images hold 0..1 (RGBA: the alpha is dropped); grey images hold the levels.
    levels = under[..., :3] * 255 if under.ndim == 3 else under
    image.set_data(_blended(levels, plane, drawn, outline, opacity) / 255)
    legend = ax.get_legend()
    kept = zip(legend.legend_handles, legend.get_texts(), strict=True) if legend else []
    handles: list[Artist] = []
    texts: list[str] = []
    for handle, text in kept:
        if handle is not None:
            handles.append(handle)
            texts.append(text.get_text())
    for value, color in drawn.items():
        handles.append(Patch(color=color))
        texts.append(dict(names or {}).get(value, f"label {value}"))
    if len(handles) <= _LEGEND_INSIDE_MAX:
        ax.legend(handles, texts, loc="lower right", fontsize=FONT_SIZE - 2, framealpha=0.8)
    else:
        ax.legend(
            handles,
            texts,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncols=min(_LEGEND_COLUMNS, -(-len(handles) // _LEGEND_INSIDE_MAX)),
            fontsize=FONT_SIZE - 2,
            frameon=False,
        )
    return ax


def _blended(
    grey: npt.NDArray[Any],
    plane: npt.NDArray[np.integer],
    colors: Mapping[int, str],
    outline: bool,
    opacity: float,
) -> npt.NDArray[np.float64]:
    """RGB 0..255 (float): labels of ``colors`` over grey levels (or RGB 0..255), filled or
    outlined (opaque)."""
    under = np.asarray(grey, np.float64)
    base = under if under.ndim == 3 else np.repeat(under[..., np.newaxis], 3, axis=2)
    rgb = base.copy()
    drawn = label_outlines(plane) if outline else plane != 0
    strength = 1.0 if outline else opacity
    for value, color in colors.items():
        where = drawn & (plane == value)
        # The same order of operations as the browser (paint.js paintLabels).
        rgb[where] = (1 - strength) * base[where] + strength * (255 * np.asarray(to_rgb(color)))
    return rgb


def label_pixels(
    grey: npt.ArrayLike,
    labels: npt.ArrayLike,
    colors: Mapping[int, str],
    *,
    outline: bool = True,
    opacity: float = 0.5,
) -> npt.NDArray[np.uint8]:
    """The 8-bit RGB pixels of labels over a windowed slice, as the widgets paint them.

    Each label of ``colors`` (value -> ``"#RRGGBB"``; labels left out are
    not drawn) is filled, ``(1 - opacity) * grey + opacity * colour``
    rounded half up, or its :func:`label_outlines` pixels are painted
    opaque. :func:`overlay_labels` draws the same, before rounding.

    Examples
    --------
    >>> grey = np.full((3, 3), 100, np.uint8)
    >>> labels = np.ones((3, 3), np.uint8)
    >>> label_pixels(grey, labels, {1: "#FF0000"}, outline=False, opacity=0.5)[1, 1].tolist()
    [178, 50, 50]
    """
    check_opacity(opacity)
    plane = np.asarray(labels)
    if plane.ndim != 2 or plane.shape != np.shape(grey) or plane.dtype.kind not in "iu":
        raise InvalidImageError(
            f"label_pixels needs a 2-D integer label map of the grey image's shape "
            f"{np.shape(grey)}, got {plane.dtype} {plane.shape}"
        )
    rgb = _blended(np.asarray(grey), plane, colors, outline, opacity)
    # Half up, as JavaScript's Math.round (numpy's round goes half to even).
    return np.floor(rgb + 0.5).astype(np.uint8)
