"""A one-page printable handout: the HU scale, the standard windows by viewer, Figure 5.

``ctlab handout -o handout.pdf`` writes it; :func:`handout_figure` draws it
on an A4 page, so the printout, the PNG and a notebook show the same thing.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ctlab.core.errors import ExportError
from ctlab.core.hounsfield import TISSUES
from ctlab.core.image import CTImage
from ctlab.core.metrics import clipped_fractions
from ctlab.core.viewers import VIEWER_SOURCES, VIEWER_WINDOWS
from ctlab.core.window import PRESETS
from ctlab.plot._common import grown_within
from ctlab.plot.slice import FIGURE_5, show_slice

__all__ = ["HANDOUT_FORMATS", "handout_figure", "save_handout"]

#: File endings :func:`save_handout` writes.
HANDOUT_FORMATS = (".pdf", ".png")

_A4_INCHES = (8.27, 11.69)
# One linear HU axis for the scale and the windows: from air to dense bone.
_HU_AXIS = (-1400.0, 1800.0)
_VIEWER_COLOURS = {
    "ctlab": "#444444",
    "3D Slicer": "#0072B2",
    "OHIF": "#D55E00",
    "fastai": "#009E73",
    "RSNA kernels": "#CC79A7",
}
_TEXT = 7.5


def _hu_axis(ax: Axes) -> None:
    ax.set_xlim(*_HU_AXIS)
    ax.set_xticks(np.arange(-1200, 1801, 200))
    ax.tick_params(axis="x", labelsize=_TEXT)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _bar(ax: Axes, row: float, low: float, high: float, colour: str, text: str) -> None:
    """A bar from low to high HU, its text beside it; an arrow where it runs off the axis."""
    left, right = max(low, _HU_AXIS[0]), min(high, _HU_AXIS[1])
    ax.barh(
        row, right - left, left=left, height=0.7, color=colour, edgecolor="black", linewidth=0.4
    )
    if high > _HU_AXIS[1]:
        ax.annotate(
            "", (right + 60, row), (right - 5, row), arrowprops={"arrowstyle": "->", "lw": 0.8}
        )
    # Text to the right of the bar, or left of it when the bar reaches the right edge.
    if right < _HU_AXIS[1] - 700:
        ax.text(right + 25, row, text, va="center", ha="left", fontsize=_TEXT)
    else:
        ax.text(left - 25, row, text, va="center", ha="right", fontsize=_TEXT)


def _tissue_scale(ax: Axes) -> list[str]:
    """The tissue ranges, one row each; returns their sources, numbered as the rows are."""
    sources = []
    bands = [band for band in TISSUES.values() if band.low < _HU_AXIS[1]]
    for row, band in enumerate(bands):
        sources.append(band.source)
        _bar(
            ax,
            -row,
            band.low,
            band.high,
            band.color,
            f"{band.label}  {band.low:g}..{band.high:g}  [{row + 1}]",
        )
    ax.set_yticks([])
    ax.set_ylim(-len(bands) + 0.4, 0.8)
    _hu_axis(ax)
    ax.set_title(
        "The Hounsfield scale: tissue ranges and their sources",
        fontsize=_TEXT + 2,
        loc="left",
    )
    return sources


def _viewer_windows(ax: Axes) -> None:
    """Each kind of window as each viewer defines it, one row per viewer."""
    row = 0.0
    kind_rows = []
    for kind, by_viewer in VIEWER_WINDOWS.items():
        kind_rows.append((row, kind))
        for viewer, window in by_viewer.items():
            _bar(
                ax,
                -row,
                window.low,
                window.high,
                _VIEWER_COLOURS[viewer],
                f"{viewer} {window.center:g}/{window.width:g}",
            )
            row += 1
        row += 0.5
    ax.set_yticks([-r for r, _ in kind_rows], [kind for _, kind in kind_rows], fontsize=_TEXT + 1)
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(-row + 0.4, 0.8)
    _hu_axis(ax)
    ax.set_xlabel("Hounsfield units (HU)", fontsize=_TEXT + 1)
    ax.set_title(
        "The standard windows, centre/width, as each viewer ships them: they disagree",
        fontsize=_TEXT + 2,
        loc="left",
    )


def _body(hu: np.ndarray) -> np.ndarray:
    """The body: pixels above -500 HU connected to the middle of the slice (not the couch)."""
    dense = hu > -500
    rows, cols = dense.shape
    middle = np.zeros_like(dense)
    middle[rows * 2 // 5 : rows * 3 // 5, cols * 2 // 5 : cols * 3 // 5] = True
    return grown_within(middle, dense)


def _figure_5(axes: list[Axes], image: CTImage) -> None:
    """The seed article's Figure 5 windows on the slice, cropped to the body."""
    hu = image.slice_hu(image.slice_or_middle())
    body = _body(hu)
    if not body.any():  # nothing dense in the middle: show the whole slice
        body = np.ones_like(body)
    rows, cols = np.nonzero(body.any(axis=1))[0], np.nonzero(body.any(axis=0))[0]
    for ax, key in zip(axes, FIGURE_5, strict=True):
        window = PRESETS[key]
        black, white = clipped_fractions(hu, window, mask=body)
        show_slice(image, window, ax=ax, scale_bar=False, title="")
        ax.set_xlim(cols[0] - 2, cols[-1] + 2)
        ax.set_ylim(rows[-1] + 2, rows[0] - 2)
        name = window.name.replace(" (", "\n(", 1)
        ax.set_title(
            f"{name}\nbody: {100 * black:.0f} % black, {100 * white:.0f} % white",
            fontsize=_TEXT,
        )


def handout_figure(image: CTImage) -> Figure:
    """Draw the one-page handout on an A4 Figure.

    The Hounsfield scale with tissue ranges and their sources; the standard
    windows as 3D Slicer, OHIF, fastai, the RSNA kernels and ctlab define
    them, on the same HU axis; the seed article's Figure 5 windows on
    ``image``, each with the share of the body clipped to black and white.

    Parameters
    ----------
    image : CTImage
        The slice for the Figure 5 panels, normally ``ctlab.data.abdomen()``.

    Returns
    -------
    matplotlib.figure.Figure
        A4 portrait, 8.27 x 11.69 inches.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab.core.image import CTImage
    >>> figure = handout_figure(CTImage(np.zeros((16, 16), np.int16), spacing=(1.0, 1.0)))
    >>> [round(float(x), 2) for x in figure.get_size_inches()]
    [8.27, 11.69]
    """
    figure = Figure(figsize=_A4_INCHES)
    grid = figure.add_gridspec(
        4,
        4,
        height_ratios=[2.3, 4.6, 2.4, 1.0],
        left=0.13,
        right=0.97,
        top=0.90,
        bottom=0.01,
        hspace=0.35,
        wspace=0.05,
    )
    figure.text(0.02, 0.965, "CT windowing at a glance", fontsize=15, fontweight="bold")
    figure.text(
        0.02,
        0.94,
        "A window of centre (level) C and width W shows C - W/2 .. C + W/2 HU in 256 greys: "
        "below is black, above is white.",
        fontsize=_TEXT + 1,
    )
    sources = _tissue_scale(figure.add_subplot(grid[0, :]))
    _viewer_windows(figure.add_subplot(grid[1, :]))
    _figure_5([figure.add_subplot(grid[2, k]) for k in range(4)], image)
    footnotes = [f"[{n}] {source}" for n, source in enumerate(sources, start=1)]
    footnotes += [f"{viewer}: {source}" for viewer, source in VIEWER_SOURCES.items()]
    footnotes.append(
        "Figure 5: the seed article's four windows on a real contrast-enhanced abdominal "
        "slice (Pancreas-CT, TCIA). Made with ctlab: `ctlab handout -o handout.pdf`."
    )
    figure.text(0.02, 0.01, "\n".join(footnotes), fontsize=_TEXT - 1.5, va="bottom", wrap=True)
    return figure


def save_handout(image: CTImage, path: str | os.PathLike[str]) -> Path:
    """Write the handout as a one-page PDF or a PNG, chosen by the file ending.

    Raises
    ------
    ExportError
        If ``path`` ends in neither ``.pdf`` nor ``.png``.

    Examples
    --------
    >>> import tempfile, numpy as np
    >>> from ctlab.core.image import CTImage
    >>> blank = CTImage(np.zeros((16, 16), np.int16), spacing=(1.0, 1.0))
    >>> save_handout(blank, Path(tempfile.mkdtemp()) / "handout.pdf").suffix
    '.pdf'
    """
    target = Path(path)
    if target.suffix.lower() not in HANDOUT_FORMATS:
        raise ExportError(
            f"{target}: the handout is written as PDF or PNG; end the file name in "
            f"{' or '.join(HANDOUT_FORMATS)}"
        )
    handout_figure(image).savefig(target, dpi=200)
    return target
