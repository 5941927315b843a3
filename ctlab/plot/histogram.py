"""The HU histogram with the Hounsfield scale under it, the window and its transfer curve."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec
from matplotlib.transforms import Bbox, blended_transform_factory

from ctlab.core.hounsfield import TISSUES
from ctlab.core.image import CTImage, as_image
from ctlab.core.metrics import hu_counts, hu_peaks
from ctlab.core.voi import apply_window
from ctlab.core.window import VOIFunction, Window, resolve_window
from ctlab.plot._common import FONT_SIZE, given_or_new_axes

__all__ = ["draw_histogram", "histogram_axes", "histogram_figure", "hounsfield_scale"]


def _pack_rows(intervals: Sequence[tuple[float, float]]) -> list[int]:
    """Give each interval the first row where it overlaps no interval already there."""
    rows: list[list[tuple[float, float]]] = []
    chosen = []
    for left, right in intervals:
        for index, row in enumerate(rows):
            if all(right <= a or left >= b for a, b in row):
                row.append((left, right))
                chosen.append(index)
                break
        else:
            rows.append([(left, right)])
            chosen.append(len(rows) - 1)
    return chosen


# Pixels kept free between two labels.
_LABEL_GAP = 4


def _root(ax: Axes) -> Figure:
    """The top-level figure an axes is drawn in (layout is settled there)."""
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)  # an Axes always lives in a Figure
    return figure


def _hu_per_pixel(ax: Axes) -> float:
    """HU per screen pixel along the axis, once the layout has settled."""
    _root(ax).draw_without_rendering()
    low, high = ax.get_xlim()
    return (high - low) / ax.get_window_extent().width


def _text_width_hu(ax: Axes, text: str, fontsize: float, hu_per_pixel: float) -> float:
    probe = ax.text(0, 0, text, fontsize=fontsize)
    width = probe.get_window_extent().width
    probe.remove()
    return (width + _LABEL_GAP) * hu_per_pixel


def _band_strip(ax: Axes, low: float, high: float) -> None:
    """Coloured tissue ranges with names across ``low..high`` HU; no label covers another.

    Each range is a bar with its name inside (when it fits) or beside it, on
    one line. The layout is settled first, so each name's width in HU is
    measured, not guessed; a range goes one row down when its bar or its
    name would touch one already placed.
    """
    fontsize = FONT_SIZE - 3
    per_pixel = _hu_per_pixel(ax)
    placed = []
    for band in TISSUES.values():
        if band.high < low or band.low > high:
            continue
        left, right = max(band.low, low), min(band.high, high)
        width = _text_width_hu(ax, band.label, fontsize, per_pixel)
        if right - left >= width:
            anchor, align, extent = (left + right) / 2, "center", (left, right)
        elif right + width <= high:
            anchor, align, extent = right, "left", (left, right + width)
        else:
            anchor, align, extent = left, "right", (left - width, right)
        placed.append((band, left, right, anchor, align, extent))
    rows = _pack_rows([extent for *_, extent in placed])
    for (band, left, right, anchor, align, _), row in zip(placed, rows, strict=True):
        ax.barh(
            -row,
            right - left,
            left=left,
            height=0.8,
            color=band.color,
            edgecolor="black",
            linewidth=0.5,
        )
        gap = {"center": "", "left": " ", "right": ""}[align]
        ax.text(
            anchor,
            -row,
            f"{gap}{band.label}{' ' if align == 'right' else ''}",
            ha=align,
            va="center",
            fontsize=fontsize,
            label="band label",
            # White behind a name drawn on a dark bar keeps it readable.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.7}
            if align == "center"
            else None,
        )
    depth = max(rows, default=0) + 1
    ax.set_ylim(-depth + 0.5, 0.5)
    ax.set_yticks([])
    ax.set_xlim(low, high)


def _keep_inside(ax: Axes, labels: list[Any]) -> None:
    """Move labels (annotations in offset points) at the axis ends inwards, inside the axes."""
    figure = _root(ax)
    figure.draw_without_rendering()
    # Two pixels in from the spines, so the label still fits at other resolutions.
    inside = ax.get_window_extent().padded(-2)
    points_per_pixel = 72 / figure.dpi
    for label in labels:
        box = label.get_window_extent()
        shift = max(0.0, inside.x0 - box.x0) - max(0.0, box.x1 - inside.x1)
        if shift:
            x, y = label.xyann
            label.xyann = (x + shift * points_per_pixel, y)


def _separate(ax: Axes, labels: list[Any], step: float = 9) -> None:
    """Raise labels (annotations in offset points) until no two boxes overlap."""
    _root(ax).draw_without_rendering()
    boxes: list[Bbox] = []
    for label in labels:
        while True:
            box = label.get_window_extent().padded(3)
            if not any(box.overlaps(other) for other in boxes):
                break
            x, y = label.xyann
            label.xyann = (x, y + step)
        boxes.append(label.get_window_extent())


def _mark_peaks(
    ax: Axes,
    hu: npt.NDArray[np.number],
    counts: npt.NDArray[np.integer],
    edges: npt.NDArray[np.floating],
) -> None:
    """A marker and the HU at each peak of the histogram; no label covers another.

    The marker sits on the drawn bar that holds the peak's HU: ``hu_peaks``
    counts pixels per HU, the bars count pixels per bin.
    """
    labels = []
    for value, _ in hu_peaks(hu):
        index = int(np.clip(np.searchsorted(edges, value, side="right") - 1, 0, counts.size - 1))
        height = max(float(counts[index]), ax.get_ylim()[0])
        ax.plot([value], [height], marker="v", color="#D55E00", markersize=6, linestyle="none")
        labels.append(
            ax.annotate(
                f"{value:g}",
                (value, height),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=FONT_SIZE - 2,
                color="#D55E00",
                label="peak label",
                bbox={"facecolor": "white", "edgecolor": "#D55E00", "pad": 1.0, "alpha": 0.9},
            )
        )
    _keep_inside(ax, labels)
    _separate(ax, labels)


def _draw_windows(ax: Axes, windows: Sequence[Window | str]) -> None:
    """Each window as a bracket over the HU axis with its name, one height per window."""
    low, high = ax.get_xlim()
    for index, window in enumerate(resolve_window(w) for w in windows):
        colour = _WINDOW_COLOURS[index % len(_WINDOW_COLOURS)]
        height = 0.96 - 0.07 * index
        ax.annotate(
            "",
            xy=(window.low, height),
            xytext=(window.high, height),
            xycoords=ax.get_xaxis_transform(),
            arrowprops={"arrowstyle": "|-|", "color": colour, "linewidth": 1.5},
        )
        text = f" {window.name or window} "
        width = _text_width_hu(ax, text, FONT_SIZE - 2, _hu_per_pixel(ax))
        # Beside the bracket where the name fits, else over its middle.
        if window.high + width <= high:
            anchor, align, above = window.high, "left", 0.0
        elif window.low - width >= low:
            anchor, align, above = window.low, "right", 0.0
        else:
            anchor, align, above = (
                (max(window.low, low) + min(window.high, high)) / 2,
                "center",
                0.03,
            )
        ax.text(
            anchor,
            height + above,
            text,
            transform=ax.get_xaxis_transform(),
            ha=align,
            va="center",
            fontsize=FONT_SIZE - 2,
            color=colour,
            label="window label",
            # Over the transfer curve and the other brackets, the name stays readable.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5, "alpha": 0.8},
        )


# Okabe-Ito colours that stay apart from the grey histogram and the tissue colours' use.
_WINDOW_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7")


def draw_histogram(
    axes: tuple[Axes, Axes, Axes],
    image: CTImage,
    *,
    window: Window | str | None,
    function: VOIFunction | None,
    log: bool,
    bins: int | None,
    windows: Sequence[Window | str] = (),
    peaks: bool = True,
    hu_range: tuple[float, float] | None = None,
) -> None:
    """Fill the histogram, band-strip and ramp axes of :func:`histogram_figure`."""
    histogram, bands, ramp = axes
    valid = image.valid_hu()
    if hu_range is not None:
        valid = valid[(valid >= hu_range[0]) & (valid <= hu_range[1])]
    counts, edges = hu_counts(valid, bins=bins)
    low, high = (float(edges[0]), float(edges[-1])) if hu_range is None else hu_range
    histogram.set_label("histogram")
    histogram.stairs(counts, edges, fill=True, color="#555555")
    histogram.set_yscale("log" if log else "linear")
    histogram.set_xlim(low, high)
    histogram.set_ylabel("pixels (log scale)" if log else "pixels", fontsize=FONT_SIZE)
    histogram.tick_params(labelbottom=False)
    if log:
        # Head room above the tallest bin for the peak and window labels.
        histogram.set_ylim(0.5, max(float(counts.max()), 1.0) * 30)
    else:
        histogram.set_ylim(0, max(float(counts.max()), 1.0) * 1.5)
    _draw_windows(histogram, windows)
    if peaks:
        _mark_peaks(histogram, valid, counts, edges)
    bands.set_label("bands")
    _band_strip(bands, low, high)
    bands.tick_params(labelbottom=False)
    ramp.set_label("ramp")
    ramp.set_yticks([])
    ramp.set_xlabel("Hounsfield units", fontsize=FONT_SIZE)
    if window is None:
        ramp.set_xlim(low, high)
        ramp.set_visible(False)
        bands.tick_params(labelbottom=True)
        bands.set_xlabel("Hounsfield units", fontsize=FONT_SIZE)
        return
    resolved = resolve_window(window)
    histogram.axvspan(resolved.low, resolved.high, color="#FFD700", alpha=0.3)
    hu_axis = np.linspace(low, high, 1024)
    grey = apply_window(hu_axis, resolved, function=function)
    transfer = histogram.twinx()
    transfer.set_label("transfer")
    transfer.set_ylim(-5, 260)
    # The curve belongs to the histogram's axes (on the grey-level scale of
    # the right axis), so that the peak and window labels are drawn over it:
    # a twin axes is drawn wholly after the histogram's.
    histogram.plot(
        hu_axis,
        grey,
        color="#0072B2",
        linewidth=1.5,
        label="transfer curve",
        zorder=2.5,
        transform=blended_transform_factory(histogram.transData, transfer.transData),
    )
    transfer.set_ylabel("grey level", fontsize=FONT_SIZE, color="#0072B2")
    ramp.imshow(
        grey[np.newaxis, :], cmap="gray", vmin=0, vmax=255, aspect="auto", extent=(low, high, 0, 1)
    )
    histogram.set_title(f"{resolved} [{function or resolved.function}]", fontsize=FONT_SIZE)


def histogram_axes(figure: Figure, spec: SubplotSpec) -> tuple[Axes, Axes, Axes]:
    """Histogram over band strip over grey ramp, sharing the HU axis."""
    grid = spec.subgridspec(3, 1, height_ratios=(6, 2.4, 0.5), hspace=0.05)
    histogram = figure.add_subplot(grid[0])
    bands = figure.add_subplot(grid[1], sharex=histogram)
    ramp = figure.add_subplot(grid[2], sharex=histogram)
    return histogram, bands, ramp


def histogram_figure(
    image: CTImage | npt.ArrayLike,
    *,
    window: Window | str | None = None,
    windows: Sequence[Window | str] = (),
    function: VOIFunction | None = None,
    log: bool = True,
    bins: int | None = None,
    peaks: bool = True,
    hu_range: tuple[float, float] | None = None,
) -> Figure:
    """Histogram of HU with the tissue ranges under it and, given a window, what it keeps.

    Padding pixels are left out. Counts are on a log scale by default: air
    outside the body has ten times more pixels than any tissue, and would
    flatten every tissue's peak on a linear scale. The peaks
    (:func:`ctlab.hu_peaks`) are marked with their HU. With a window: the
    window is shaded, a grey ramp under the axis shows which HU become
    black, grey and white, and the VOI function is drawn over the histogram
    as the HU -> grey curve (right axis, 0..255).

    Parameters
    ----------
    image : CTImage or array_like
    window : Window or str, optional
        The window to shade and draw as a transfer curve.
    windows : sequence of Window or str, optional
        Windows to draw as labelled brackets over the HU axis, e.g. the seed
        article's Figure 5 windows ``["liver_kidney", "fat", "full_range",
        "default"]``.
    function : {"linear", "linear_exact", "sigmoid"}, optional
    log : bool
        Logarithmic counts (default).
    bins : int, optional
        Default: whole-HU bins, at most 512.
    peaks : bool
        Mark the histogram's peaks.
    hu_range : (low, high), optional
        Show only these HU (e.g. ``(-250, 300)`` for the soft tissues);
        default the image's range.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> figure = histogram_figure(np.array([[-1000, -80], [40, 700]]), window="default")
    >>> sorted(ax.get_label() for ax in figure.axes)
    ['bands', 'histogram', 'ramp', 'transfer']
    """
    figure = Figure(figsize=(9, 5.6), layout="constrained")
    axes = histogram_axes(figure, figure.add_gridspec(1, 1)[0])
    draw_histogram(
        axes,
        as_image(image),
        window=window,
        function=function,
        log=log,
        bins=bins,
        windows=windows,
        peaks=peaks,
        hu_range=hu_range,
    )
    return figure


def hounsfield_scale(
    ax: Axes | None = None, *, hu_range: tuple[float, float] = (-1100, 3100)
) -> Axes:
    """The Hounsfield scale: every range of :data:`ctlab.TISSUES` with its HU and phase.

    A linear HU axis, one row per tissue. On the whole scale the soft tissues
    are a few pixels wide: draw it a second time with ``hu_range=(-250, 250)``
    to read them.

    Examples
    --------
    >>> len(hounsfield_scale().patches) == len(TISSUES)
    True
    >>> hounsfield_scale(hu_range=(-250, 250)).get_xscale()
    'linear'
    """
    low, high = hu_range
    axes = given_or_new_axes(ax, (9, 4.5))
    for row, band in enumerate(TISSUES.values()):
        left, right = max(band.low, low), min(band.high, high)
        axes.barh(
            row,
            max(right - left, 0),
            left=left,
            color=band.color,
            edgecolor="black",
            linewidth=0.5,
        )
        phase = f" ({band.phase})" if band.phase and band.phase not in band.label else ""
        label = f"{band.label}{phase}  {band.low}..{band.high} HU"
        # Right of the bar, unless the bar reaches the right half of the axis.
        on_right = right < low + 0.55 * (high - low)
        anchor = (right if on_right else left) if left <= right else min(max(band.low, low), high)
        axes.text(
            anchor,
            row,
            f"  {label}  " if on_right else f"{label}  ",
            va="center",
            ha="left" if on_right else "right",
            fontsize=FONT_SIZE - 1,
            clip_on=True,
        )
    axes.set_xlim(low, high)
    axes.set_ylim(len(TISSUES) - 0.4, -0.6)
    axes.set_yticks([])
    for reference in (-1000, 0):
        if low <= reference <= high:
            axes.axvline(reference, color="grey", linestyle=":", linewidth=1)
    axes.set_xlabel("Hounsfield units (air -1000, water 0 by definition)", fontsize=FONT_SIZE)
    axes.set_title(
        f"Reference tissue ranges, {low:g}..{high:g} HU (sources: ctlab.TISSUES[...].source)",
        fontsize=FONT_SIZE + 1,
    )
    return axes
