"""WindowCompare: one slice under several windows side by side (the seed's Figures 5a-5d)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets
import numpy as np
import numpy.typing as npt
import traitlets
from matplotlib.figure import Figure

from ctlab.conversion import jpeg_roundtrip
from ctlab.core.image import CTImage, as_image
from ctlab.core.voi import apply_window
from ctlab.core.window import PRESETS, Window, resolve_windows
from ctlab.plot import compare_windows
from ctlab.plot.slice import FIGURE_5, window_title
from ctlab.widgets._controls import SliceTraits, browser_link, slice_slider
from ctlab.widgets._static import StaticFallback
from ctlab.widgets.page import PageParts
from ctlab.widgets.views import RangeControl, SliceView

__all__ = ["WindowCompare", "naive_jpeg_image"]

_PANEL_WIDTH = 300


def naive_jpeg_image(image: CTImage, *, quality: int) -> CTImage:
    """Every slice as a JPEG made with the default -160..240 window keeps it (grey levels)."""
    grey = apply_window(image.hu, PRESETS["default"])
    slices = grey if image.is_volume else grey[np.newaxis]
    kept = np.stack([jpeg_roundtrip(one, quality=quality) for one in slices])
    return CTImage(kept if image.is_volume else kept[0], spacing=image.spacing)


class WindowCompare(StaticFallback, SliceTraits, ipywidgets.VBox):  # type: ignore[misc]
    """The same slice under several windows side by side, slice and zoom linked.

    Each panel is titled with its window and the grey levels fat, soft
    tissue and cancellous bone get in it; drag on a panel to change its
    window (the title follows). With ``naive_jpeg=True`` a last panel shows
    what a JPEG made with the default -160..240 window keeps: those grey
    levels are all any later processing will ever see.

    Parameters
    ----------
    image : CTImage or array_like
        A slice or a volume in HU.
    windows : sequence of Window or str
        One panel per window; default the four windows of the seed's
        Figure 5 (liver/kidney, fat, full range, default).
    naive_jpeg : bool
        Add the naive JPEG panel.
    slice_index : int, optional
        Starting slice of a volume; default the middle one.
    jpeg_quality : int
        Quality of the naive JPEG (Pillow's default is 75).

    Attributes
    ----------
    slice_index : int
        The slice every panel shows (traitlet).
    zoom : int
        Width of each panel in screen pixels (traitlet).

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import WindowCompare
    >>> compare = WindowCompare(np.zeros((8, 8), np.int16), ["fat", "bone"], naive_jpeg=False)
    >>> [window.name for window in compare.windows]
    ['Fig. 5b fat (-100..-60)', 'bone (W1800 L400)']
    """

    zoom = traitlets.Int(_PANEL_WIDTH)

    def __init__(
        self,
        image: CTImage | npt.ArrayLike,
        windows: Sequence[Window | str] = FIGURE_5,
        *,
        naive_jpeg: bool = True,
        slice_index: int | None = None,
        jpeg_quality: int = 75,
    ) -> None:
        self._image = as_image(image)
        self._windows = resolve_windows(windows)
        self._naive_jpeg = naive_jpeg
        index = self._image.slice_or_middle(slice_index)
        self._panels = [
            SliceView(
                self._image,
                center=window.center,
                width=window.width,
                function=window.function,
                slice_index=index,
                title=window_title(window),
                display_width=_PANEL_WIDTH,
            )
            for window in self._windows
        ]
        for panel, window in zip(self._panels, self._windows, strict=True):
            panel.observe(self._retitle(panel, window), ["center", "width"])
        views = list(self._panels)
        if naive_jpeg:
            default = PRESETS["default"]
            views.append(
                SliceView(
                    naive_jpeg_image(self._image, quality=jpeg_quality),
                    mode="grey",
                    interactive=False,
                    slice_index=index,
                    title=(
                        f"naive JPEG (quality {jpeg_quality}) of the default window\n"
                        f"{default.low:g}..{default.high:g} HU baked in for good\n"
                        + window_title(default).split("\n")[-1]
                    ),
                    display_width=_PANEL_WIDTH,
                )
            )
        self._views = views
        zoom = RangeControl(
            value=_PANEL_WIDTH,
            min=160,
            max=640,
            step=16,
            label="zoom",
            aria_label="panel width, pixels",
            unit="px",
            name="zoom",
        )
        zoom.add_class("ctlab-zoom")
        for view in views:
            browser_link(view, "display_width", zoom)
            traitlets.link((self, "slice_index"), (view, "slice_index"))
            traitlets.link((self, "zoom"), (view, "display_width"))
        super().__init__(
            children=[
                ipywidgets.HBox(views, layout=ipywidgets.Layout(flex_flow="row wrap")),
                ipywidgets.HBox([*slice_slider(self._image, views, index), zoom]),
            ]
        )
        self.add_class("ctlab-window-compare")
        self.slice_index = index

    @staticmethod
    def _retitle(panel: SliceView, start: Window) -> Any:
        def retitle(_change: dict[str, Any]) -> None:
            panel.title = window_title(panel.window_since(start))

        return retitle

    @property
    def windows(self) -> tuple[Window, ...]:
        """The panels' current windows (dragging on a panel changes its own)."""
        return tuple(
            panel.window_since(start)
            for panel, start in zip(self._panels, self._windows, strict=True)
        )

    def _page_parts(self) -> PageParts:
        # Python retitles a moved panel with its tissues' grey levels; the page names the window.
        return PageParts(
            [{"kind": "retitle", "view": panel, "prefix": ""} for panel in self._panels]
        )

    def figure(self) -> Figure:
        """The panels as a matplotlib figure."""
        return compare_windows(
            self._image, self.windows, slice_index=self.slice_index, naive_jpeg=self._naive_jpeg
        )

    def __repr__(self) -> str:
        names = ", ".join(window.name or str(window) for window in self.windows)
        return f"<WindowCompare {names}{', naive JPEG' if self._naive_jpeg else ''}>"
