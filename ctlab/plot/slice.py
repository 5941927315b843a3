"""Windowed slices: one window, several side by side, overlays, multi-window RGB."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ctlab.core.errors import InvalidWindowError
from ctlab.core.hounsfield import resolve_tissue, tissue_mask
from ctlab.core.image import CTImage, as_image
from ctlab.core.metrics import tissue_amounts, tissue_levels
from ctlab.core.voi import apply_window, multiwindow
from ctlab.core.window import PRESETS, VOIFunction, Window, resolve_window, resolve_windows
from ctlab.plot._common import (
    FONT_SIZE,
    check_opacity,
    given_or_new_axes,
    grown_within,
    pixel_aspect,
    slice_of,
)

__all__ = [
    "body_box",
    "compare_windows",
    "multiwindow_figure",
    "overlay_tissues",
    "show_slice",
    "window_title",
]

#: The four windows of the seed article's Figure 5, in its order.
FIGURE_5 = ("liver_kidney", "fat", "full_range", "default")


def _draw_grey(ax: Axes, grey: npt.NDArray[np.uint8], image: CTImage) -> None:
    # vmin/vmax pin the colour map, so the figure shows apply_window's grey
    # levels exactly instead of matplotlib's own min-max rescaling.
    ax.imshow(
        grey, cmap="gray", vmin=0, vmax=255, interpolation="nearest", aspect=pixel_aspect(image)
    )
    ax.set_xticks([])
    ax.set_yticks([])


def _scale_bar(ax: Axes, image: CTImage) -> None:
    columns = image.shape[-1]
    millimetres = 50 if columns * image.spacing[-1] > 120 else 10
    length = millimetres / image.spacing[-1]
    rows = image.shape[-2]
    x0, y0 = columns * 0.05, rows * 0.94
    ax.plot([x0, x0 + length], [y0, y0], color="#FFD700", linewidth=3)
    ax.text(
        x0 + length / 2,
        y0 - rows * 0.02,
        f"{millimetres} mm",
        color="#FFD700",
        ha="center",
        va="bottom",
        fontsize=FONT_SIZE - 1,
    )


def show_slice(
    image: CTImage | npt.ArrayLike,
    window: Window | str,
    *,
    slice_index: int | None = None,
    function: VOIFunction | None = None,
    invert: bool = False,
    ax: Axes | None = None,
    title: str | None = None,
    scale_bar: bool = True,
) -> Axes:
    """Draw one slice exactly as :func:`ctlab.apply_window` windows it.

    Parameters
    ----------
    image : CTImage or array_like
        A slice or volume in HU.
    window : Window or str
        The window or a preset name.
    slice_index : int, optional
        Slice of a volume; default the middle one.
    function, invert
        As in :func:`ctlab.apply_window`.
    ax : matplotlib Axes, optional
        Where to draw; a new Figure if None.
    title : str, optional
        Default: the window, e.g. "C 40 / W 400 HU (-160..240)".
    scale_bar : bool
        Draw a bar of 10 or 50 mm.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import numpy as np
    >>> ax = show_slice(np.array([[-1000, 0], [40, 1000]]), "default", scale_bar=False)
    >>> ax.images[0].get_array().tolist()
    [[0, 102], [128, 255]]
    """
    ct = as_image(image)
    hu, _ = slice_of(ct, slice_index)
    resolved = resolve_window(window)
    axes = given_or_new_axes(ax, (5, 5))
    _draw_grey(axes, apply_window(hu, resolved, function=function, invert=invert), ct)
    if scale_bar:
        _scale_bar(axes, ct)
    axes.set_title(str(resolved) if title is None else title, fontsize=FONT_SIZE)
    return axes


#: The tissues whose grey levels a comparison panel's title reports.
TITLE_TISSUES = ("fat", "liver_portal_venous", "cancellous_bone")


def window_title(
    window: Window,
    function: VOIFunction | None = None,
    *,
    hu: npt.ArrayLike | None = None,
    tissues: Sequence[str] = TITLE_TISSUES,
) -> str:
    """A comparison panel's title: the window, its HU range, the grey levels tissues get.

    For each tissue range of ``tissues`` (default :data:`TITLE_TISSUES`): the
    grey levels it spans and (after a slash) the distinct levels its whole HU
    can use, or, given an image's ``hu``, the levels its pixels really use.
    Shared by :func:`compare_windows` and :class:`ctlab.WindowCompare`.

    Examples
    --------
    >>> print(window_title(PRESETS["fat"]))
    Fig. 5b fat (-100..-60)
    -100..-60 HU
    grey levels spanned/usable:
    fat 256/40
    liver, portal venous 1/1
    cancellous bone 1/1
    """
    levels = tissue_levels(window, hu=hu, function=function, tissues=tissues)
    lines = "\n".join(
        f"{resolve_tissue(name).label} {n.span}/{n.usable if n.used is None else n.used}"
        for name, n in levels.items()
    )
    kind = "usable" if hu is None else "used on this slice"
    label = window.name or f"C {window.center:g} / W {window.width:g}"
    return f"{label}\n{window.low:g}..{window.high:g} HU\ngrey levels spanned/{kind}:\n{lines}"


def compare_windows(
    image: CTImage | npt.ArrayLike,
    windows: Sequence[Window | str] = FIGURE_5,
    *,
    slice_index: int | None = None,
    naive_jpeg: bool = False,
    function: VOIFunction | None = None,
    crop: bool = True,
    tissues: Sequence[str] = TITLE_TISSUES,
) -> Figure:
    """The same slice under several windows, side by side (the seed's Figures 5a-5d).

    Each panel is framed and titled with its window and, for the tissue
    ranges ``tissues`` (default :data:`TITLE_TISSUES`), the grey levels they
    span and the distinct levels the slice's pixels in them use. A panel the
    window draws (almost) all black or all white says so.

    Parameters
    ----------
    image : CTImage or array_like
    windows : sequence of Window or str
        Default: the four windows of the seed's Figure 5.
    slice_index : int, optional
    naive_jpeg : bool
        Add a panel of what an 8-bit export with the default -160..240
        window keeps: whatever it clipped is gone for every later window.
    function : optional
        VOI function for every panel.
    crop : bool
        Show only the body (:func:`body_box`): no air around it, no couch.
    tissues : sequence of str
        Keys of :data:`ctlab.TISSUES` the titles report; pick the ones the
        image holds (a synthetic image need not hold the default ones).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> figure = compare_windows(np.zeros((8, 8), np.int16))
    >>> len(figure.axes)
    4
    """
    ct = as_image(image)
    hu, index = slice_of(ct, slice_index)
    valid = ~ct.padding_mask(index)
    rows, cols = body_box(hu) if crop else (slice(None), slice(None))
    resolved = resolve_windows(windows)
    panels = len(resolved) + int(naive_jpeg)
    figure = Figure(figsize=(4.2 * panels, 4.9), layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    shown = [
        (window, window_title(window, function, hu=hu[valid], tissues=tissues))
        for window in resolved
    ]
    if naive_jpeg:
        default = PRESETS["default"]
        shown.append(
            (
                default,
                "naive JPEG (default window baked in)\n-160..240 HU, fixed for good\n"
                + "\n".join(window_title(default, hu=hu[valid], tissues=tissues).split("\n")[2:]),
            )
        )
    for ax, (window, title) in zip(axes, shown, strict=True):
        grey = apply_window(hu, window, function=function)[rows, cols]
        _draw_grey(ax, grey, ct)
        _frame(ax, grey)
        ax.set_title(title, fontsize=FONT_SIZE - 2)
    return figure


def body_box(hu: npt.NDArray[Any]) -> tuple[slice, slice]:
    """Rows and columns of the body, without the couch under it.

    The body is the connected region above -500 HU that holds the row with
    the most such pixels, grown from there; the couch, separated from it by
    air, is left out. A margin of 4 pixels is kept.

    Examples
    --------
    >>> import numpy as np
    >>> hu = np.full((20, 20), -1000); hu[4:10, 5:15] = 40; hu[16, 7:13] = 300
    >>> body_box(hu)
    (slice(0, 14, None), slice(1, 19, None))
    """
    inside = hu > -500
    per_row = inside.sum(axis=1)
    if per_row.max(initial=0) == 0:
        return slice(None), slice(None)
    seed_row = int(np.argmax(per_row))
    seed = np.zeros_like(inside)
    seed[seed_row] = True
    body = grown_within(seed, inside)
    rows, columns = np.flatnonzero(body.any(axis=1)), np.flatnonzero(body.any(axis=0))
    margin = 4
    return (
        slice(max(int(rows[0]) - margin, 0), min(int(rows[-1]) + 1 + margin, hu.shape[0])),
        slice(max(int(columns[0]) - margin, 0), min(int(columns[-1]) + 1 + margin, hu.shape[1])),
    )


def _frame(ax: Axes, grey: npt.NDArray[np.uint8]) -> None:
    """A frame round the panel, and a note when the window draws it all black or all white."""
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color("#777777")
        spine.set_linewidth(1.5)
    for value, note in ((255, "all white: clipped"), (0, "all black: clipped")):
        if np.mean(grey == value) >= 0.95:
            ax.text(
                0.5,
                0.5,
                note,
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=FONT_SIZE + 2,
                color="#D55E00",
                bbox={"facecolor": "white", "edgecolor": "#D55E00"},
            )


def overlay_tissues(
    image: CTImage | npt.ArrayLike,
    window: Window | str,
    tissues: Sequence[str] = ("fat", "soft_tissue", "cancellous_bone", "cortical_bone"),
    *,
    slice_index: int | None = None,
    opacity: float = 0.5,
    ax: Axes | None = None,
) -> Axes:
    """HU-threshold masks of tissue bands, in their colours, over a windowed slice.

    The legend gives each tissue's area on this slice in cm^2. Where bands overlap,
    the later one in ``tissues`` is drawn.

    Examples
    --------
    >>> import numpy as np
    >>> ax = overlay_tissues(np.full((4, 4), -80, np.int16), "default", ["fat"])
    >>> ax.get_legend().get_texts()[0].get_text()
    'fat: 0.2 cm²'
    """
    check_opacity(opacity)
    ct = as_image(image)
    hu, index = slice_of(ct, slice_index)
    resolved = resolve_window(window)
    grey = apply_window(hu, resolved).astype(np.float64) / 255
    base = np.repeat(grey[..., np.newaxis], 3, axis=2)
    rgb = base.copy()
    valid = ~ct.padding_mask(index)
    areas = tissue_amounts(hu, spacing=ct.spacing[-2:], tissues=tissues, mask=valid)
    handles = []
    for name in tissues:
        band = resolve_tissue(name)
        mask = tissue_mask(hu, band) & valid
        # Each band blends with the windowed grey, so where bands overlap the
        # later one shows (as in ctlab.TissueOverlay), not a mix of both.
        rgb[mask] = (1 - opacity) * base[mask] + opacity * np.asarray(to_rgb(band.color))
        handles.append(Patch(color=band.color, label=f"{band.label}: {areas[band.name]:.1f} cm²"))
    axes = given_or_new_axes(ax, (5.5, 5))
    axes.imshow(rgb, interpolation="nearest", aspect=pixel_aspect(ct))
    axes.set_xticks([])
    axes.set_yticks([])
    axes.set_title(f"HU masks over {resolved}", fontsize=FONT_SIZE)
    axes.legend(handles=handles, loc="lower right", fontsize=FONT_SIZE - 2, framealpha=0.8)
    return axes


def multiwindow_figure(
    image: CTImage | npt.ArrayLike,
    windows: Sequence[Window | str] = ("brain", "subdural", "bone"),
    *,
    slice_index: int | None = None,
) -> Figure:
    """Three windows as R, G and B: the composite and each channel.

    Examples
    --------
    >>> import numpy as np
    >>> len(multiwindow_figure(np.zeros((4, 4), np.int16)).axes)
    4
    """
    resolved = resolve_windows(windows)
    if len(resolved) != 3:
        raise InvalidWindowError(f"an RGB image needs exactly 3 windows, got {len(resolved)}")
    ct = as_image(image)
    hu, _ = slice_of(ct, slice_index)
    rgb = multiwindow(hu, resolved)
    figure = Figure(figsize=(13, 3.8), layout="constrained")
    axes = figure.subplots(1, 4)
    axes[0].imshow(rgb, interpolation="nearest", aspect=pixel_aspect(ct))
    axes[0].set_title("composite RGB", fontsize=FONT_SIZE)
    for channel, (ax, window, colour) in enumerate(
        zip(axes[1:], resolved, ("red", "green", "blue"), strict=True)
    ):
        tinted = np.zeros_like(rgb)
        tinted[..., channel] = rgb[..., channel]
        ax.imshow(tinted, interpolation="nearest", aspect=pixel_aspect(ct))
        ax.set_title(f"{colour}: {window}", fontsize=FONT_SIZE - 2)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    return figure
