"""The explorer figure: a windowed slice beside its histogram, with readouts.

The static picture of :class:`ctlab.WindowExplorer`: what ``.figure()``,
``.to_png()`` and the widget's fallback outside a live notebook show.
"""

from __future__ import annotations

import numpy.typing as npt
from matplotlib.figure import Figure

from ctlab.core.hounsfield import resolve_tissue
from ctlab.core.image import CTImage, as_image
from ctlab.core.metrics import clipped_fractions, tissue_levels
from ctlab.core.window import VOIFunction, Window, resolve_window
from ctlab.plot._common import FONT_SIZE, slice_of
from ctlab.plot.histogram import draw_histogram, histogram_axes
from ctlab.plot.slice import show_slice

__all__ = ["READOUT_TISSUES", "explorer_figure", "hu_per_level_text", "readout_text"]

READOUT_TISSUES = ("fat", "soft_tissue", "liver_portal_venous", "cancellous_bone", "cortical_bone")


def hu_per_level_text(window: Window) -> str:
    """HU per grey level (``width / 256``, ctlab's one convention), honest below 1.

    Examples
    --------
    >>> hu_per_level_text(Window(40, 400))
    '1.56 HU per grey level (width / 256)'
    >>> print(hu_per_level_text(Window(-80, 40)))
    0.16 HU per grey level (width / 256): whole HU are 6.4 grey levels apart, at most 40 of 256 used
    """
    text = f"{window.hu_per_grey_level:.2f} HU per grey level (width / 256)"
    if window.hu_per_grey_level >= 1:
        return text
    return (
        f"{text}: whole HU are {window.grey_levels_per_hu:.1f} grey levels apart, "
        f"at most {int(window.width)} of 256 used"
    )


def readout_text(
    image: CTImage, window: Window, *, slice_index: int, function: VOIFunction | None = None
) -> str:
    """Clipping, HU per grey level and grey levels per tissue, as lines of text."""
    hu, index = slice_of(image, slice_index)
    black, white = clipped_fractions(hu, window, function=function, mask=~image.padding_mask(index))
    valid = ~image.padding_mask(index)
    levels = tissue_levels(window, hu=hu, mask=valid, function=function, tissues=READOUT_TISSUES)
    lines = [
        f"clipped: {100 * black:.1f}% black, {100 * white:.1f}% white",
        hu_per_level_text(window),
        "grey levels spanned / usable by whole HU / used on this slice:",
        "  "
        + ", ".join(
            f"{resolve_tissue(name).label} {n.span}/{n.usable}/{n.used}"
            for name, n in levels.items()
        ),
    ]
    return "\n".join(lines)


def explorer_figure(
    image: CTImage | npt.ArrayLike,
    window: Window | str,
    *,
    slice_index: int | None = None,
    function: VOIFunction | None = None,
    invert: bool = False,
    log: bool = True,
) -> Figure:
    """A windowed slice beside its HU histogram, tissue bands, ramp and readouts.

    Examples
    --------
    >>> import numpy as np
    >>> figure = explorer_figure(np.array([[-1000, -80], [40, 700]]), "fat")
    >>> readouts = next(ax for ax in figure.axes if ax.get_label() == "readouts")
    >>> "fat 256/40/1" in readouts.texts[0].get_text()
    True
    """
    ct = as_image(image)
    resolved = resolve_window(window)
    _, index = slice_of(ct, slice_index)
    figure = Figure(figsize=(12, 6), layout="constrained")
    grid = figure.add_gridspec(2, 2, width_ratios=(1, 1.25), height_ratios=(10, 1.6))
    slice_ax = figure.add_subplot(grid[0, 0], label="slice")
    # The preset's name over its numbers, so the title fits over the slice.
    title = str(resolved).replace(": ", "\n") + (f", slice {index}" if ct.is_volume else "")
    show_slice(
        ct, resolved, slice_index=index, function=function, invert=invert, ax=slice_ax, title=title
    )
    draw_histogram(
        histogram_axes(figure, grid[0, 1]),
        ct,
        window=resolved,
        function=function,
        log=log,
        bins=None,
    )
    readouts = figure.add_subplot(grid[1, :], label="readouts")
    readouts.set_axis_off()
    readouts.text(
        0,
        0.5,
        readout_text(ct, resolved, slice_index=index, function=function),
        fontsize=FONT_SIZE - 1,
        va="center",
        family="monospace",
    )
    return figure
