"""The HU histogram with the Hounsfield scale under it, the window and its transfer curve."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.gridspec import SubplotSpec

from ctlab.core.hounsfield import TISSUES
from ctlab.core.image import CTImage
from ctlab.core.metrics import hu_histogram as count_hu
from ctlab.core.voi import apply_window
from ctlab.core.window import VOIFunction, Window, resolve_window
from ctlab.plot._common import FONT_SIZE, as_image, new_axes

__all__ = ["BAND_ROWS", "draw_histogram", "histogram_axes", "hounsfield_scale", "hu_histogram"]

# Rows of the band strip (the figures and the widgets): overlapping bands go one
# row down so names stay readable.
BAND_ROWS = {"soft_tissue": 0, "blood": 1, "liver_kidney": 2}


def _band_strip(ax: Axes, low: float, high: float) -> None:
    """Coloured tissue bands with names, in rows, across ``low..high`` HU."""
    for band in TISSUES.values():
        if band.high < low or band.low > high:
            continue
        row = BAND_ROWS.get(band.name, 0)
        left, right = max(band.low, low), min(band.high, high)
        ax.barh(
            -row,
            right - left,
            left=left,
            height=0.9,
            color=band.color,
            edgecolor="black",
            linewidth=0.5,
        )
        ax.text(
            (left + right) / 2,
            -row,
            band.label,
            ha="center",
            va="center",
            fontsize=FONT_SIZE - 3,
            clip_on=True,
        )
    ax.set_ylim(-max(BAND_ROWS.values()) - 0.6, 0.6)
    ax.set_yticks([])
    ax.set_xlim(low, high)


def draw_histogram(
    axes: tuple[Axes, Axes, Axes],
    image: CTImage,
    *,
    window: Window | str | None,
    function: VOIFunction | None,
    log: bool,
    bins: int | None,
) -> None:
    """Fill the histogram, band-strip and ramp axes of :func:`hu_histogram`."""
    histogram, bands, ramp = axes
    counts, edges = count_hu(image.valid_hu(), bins=bins)
    low, high = float(edges[0]), float(edges[-1])
    histogram.set_label("histogram")
    histogram.stairs(counts, edges, fill=True, color="#555555")
    histogram.set_yscale("log" if log else "linear")
    histogram.set_xlim(low, high)
    histogram.set_ylabel("pixels (log)" if log else "pixels", fontsize=FONT_SIZE)
    histogram.tick_params(labelbottom=False)
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
    transfer.plot(hu_axis, grey, color="#0072B2", linewidth=1.5)
    transfer.set_ylim(-5, 260)
    transfer.set_ylabel("grey level", fontsize=FONT_SIZE, color="#0072B2")
    ramp.imshow(
        grey[np.newaxis, :], cmap="gray", vmin=0, vmax=255, aspect="auto", extent=(low, high, 0, 1)
    )
    histogram.set_title(f"{resolved} [{function or resolved.function}]", fontsize=FONT_SIZE)


def histogram_axes(figure: Figure, spec: SubplotSpec) -> tuple[Axes, Axes, Axes]:
    """Histogram over band strip over grey ramp, sharing the HU axis."""
    grid = spec.subgridspec(3, 1, height_ratios=(6, 1.6, 0.5), hspace=0.05)
    histogram = figure.add_subplot(grid[0])
    bands = figure.add_subplot(grid[1], sharex=histogram)
    ramp = figure.add_subplot(grid[2], sharex=histogram)
    return histogram, bands, ramp


def hu_histogram(
    image: CTImage | npt.ArrayLike,
    *,
    window: Window | str | None = None,
    function: VOIFunction | None = None,
    log: bool = False,
    bins: int | None = None,
) -> Figure:
    """Histogram of HU with the tissue bands under it and, given a window, what it keeps.

    Padding pixels are left out. With a window: the window is shaded, a grey
    ramp under the axis shows which HU become black, grey and white, and the
    VOI function is drawn over the histogram as the HU -> grey curve (right
    axis, 0..255), so the linear function's offsets and the sigmoid's slope
    can be seen.

    Parameters
    ----------
    image : CTImage or array_like
    window : Window or str, optional
    function : {"linear", "linear_exact", "sigmoid"}, optional
    log : bool
        Logarithmic counts.
    bins : int, optional
        Default: whole-HU bins, at most 512.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> figure = hu_histogram(np.array([[-1000, -80], [40, 700]]), window="default")
    >>> sorted(ax.get_label() for ax in figure.axes)
    ['bands', 'histogram', 'ramp', 'transfer']
    """
    figure = Figure(figsize=(8, 4.8), layout="constrained")
    axes = histogram_axes(figure, figure.add_gridspec(1, 1)[0])
    draw_histogram(axes, as_image(image), window=window, function=function, log=log, bins=bins)
    return figure


def hounsfield_scale(ax: Axes | None = None) -> Axes:
    """The Hounsfield scale: every band of :data:`ctlab.TISSUES` with its HU range.

    A symmetric-log axis keeps the soft tissues (a few tens of HU wide)
    readable beside air (-1000) and metal (+3000).

    Examples
    --------
    >>> len(hounsfield_scale().patches) == len(TISSUES)
    True
    """
    axes = new_axes(ax, (9, 4))
    for row, band in enumerate(TISSUES.values()):
        axes.barh(
            row,
            band.high - band.low,
            left=band.low,
            color=band.color,
            edgecolor="black",
            linewidth=0.5,
        )
        axes.text(
            band.high,
            row,
            f"  {band.label}  {band.low}..{band.high} HU",
            va="center",
            fontsize=FONT_SIZE - 1,
        )
    axes.set_xscale("symlog", linthresh=100)
    axes.set_xlim(-1100, 40000)
    axes.set_yticks([])
    axes.invert_yaxis()
    axes.axvline(-1000, color="grey", linestyle=":", linewidth=1)
    axes.axvline(0, color="grey", linestyle=":", linewidth=1)
    axes.set_xlabel("Hounsfield units (air -1000, water 0; linear within ±100)", fontsize=FONT_SIZE)
    axes.set_title("The Hounsfield scale", fontsize=FONT_SIZE + 1)
    return axes
