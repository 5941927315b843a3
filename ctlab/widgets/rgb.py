"""MultiWindowRGB: three windows as the R, G and B channels of one image."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import ipywidgets
import numpy.typing as npt
import traitlets
from matplotlib.figure import Figure

from ctlab.core.errors import InvalidWindowError
from ctlab.core.image import CTImage, as_image
from ctlab.core.window import Window, resolve_window
from ctlab.plot import multiwindow_figure
from ctlab.widgets._controls import (
    PresetMenu,
    SliceTraits,
    check_window,
    preset_key,
    slice_slider,
    window_controls,
)
from ctlab.widgets._static import StaticFallback
from ctlab.widgets.page import PageParts, preset_behaviour
from ctlab.widgets.views import SliceView

__all__ = ["MultiWindowRGB"]

_CHANNELS = (("red", "#ff0000"), ("green", "#00ff00"), ("blue", "#0000ff"))
_PANEL_WIDTH = 300


class MultiWindowRGB(StaticFallback, SliceTraits, ipywidgets.VBox):  # type: ignore[misc]
    """Three windows stacked as R, G and B: the composite and each channel side by side.

    The input many CT classifiers are trained on (e.g. brain / subdural /
    bone for intracranial haemorrhage): each channel keeps the grey levels
    of its own window, so the network sees three tissues' contrast at once.
    Each channel has its own preset menu and sliders (or drag on its panel);
    the composite follows. The composite is exactly :func:`ctlab.multiwindow`.

    Parameters
    ----------
    image : CTImage or array_like
        A slice or a volume in HU.
    windows : sequence of 3 Window or str
        The windows for red, green and blue.
    slice_index : int, optional
        Starting slice of a volume; default the middle one.

    Attributes
    ----------
    windows : tuple of 3 Window
        The channels' windows (traitlet: set it to change them).
    slice_index : int

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import MultiWindowRGB
    >>> rgb = MultiWindowRGB(np.zeros((8, 8), np.int16), windows=["brain", "subdural", "bone"])
    >>> rgb.windows[2].name
    'bone (W1800 L400)'
    """

    windows = traitlets.Tuple()

    def __init__(
        self,
        image: CTImage | npt.ArrayLike,
        windows: Sequence[Window | str] = ("brain", "subdural", "bone"),
        *,
        slice_index: int | None = None,
    ) -> None:
        self._image = as_image(image)
        start = self._three(windows)
        index = self._image.slice_or_middle(slice_index)
        self._composite = SliceView(
            self._image,
            mode="rgb",
            rgb_windows=[window.record() for window in start],
            slice_index=index,
            interactive=False,
            title="composite RGB",
            display_width=_PANEL_WIDTH,
        )
        self._channels = [
            SliceView(
                self._image,
                center=window.center,
                width=window.width,
                function=window.function,
                tint=colour,
                slice_index=index,
                title=f"{name}: {window}",
                display_width=_PANEL_WIDTH,
            )
            for (name, colour), window in zip(_CHANNELS, start, strict=True)
        ]
        panels = []
        self._menus = []
        for (name, _), channel, window in zip(_CHANNELS, self._channels, start, strict=True):
            menu = PresetMenu(channel, self._image, value=preset_key(window))
            controls = window_controls(self._image, channel)
            for control in (menu, controls):
                control.layout.width = f"{_PANEL_WIDTH}px"
                control.add_class(f"ctlab-{name}")
            channel.observe(self._channel_moved, ["center", "width"])
            self._menus.append(menu)
            panels.append(ipywidgets.VBox([channel, menu, controls]))
        views = [self._composite, *self._channels]
        for view in views:
            traitlets.link((self, "slice_index"), (view, "slice_index"))
        super().__init__(
            children=[
                ipywidgets.HBox(
                    [ipywidgets.VBox([self._composite]), *panels],
                    layout=ipywidgets.Layout(flex_flow="row wrap"),
                ),
                *slice_slider(self._image, views, index),
            ]
        )
        self.add_class("ctlab-multiwindow-rgb")
        self.windows = start
        self.slice_index = index

    @staticmethod
    def _three(windows: Sequence[Window | str]) -> tuple[Window, ...]:
        if isinstance(windows, (str, Window)) or len(windows) != 3:
            raise InvalidWindowError(
                f"an RGB image needs exactly 3 windows (red, green, blue), got {windows!r}"
            )
        resolved = tuple(resolve_window(window) for window in windows)
        for window in resolved:
            check_window(window.center, window.width)
        return resolved

    @traitlets.validate("windows")
    def _valid_windows(self, proposal: dict[str, Any]) -> tuple[Window, ...]:
        try:
            return self._three(proposal["value"])
        except InvalidWindowError as error:
            raise traitlets.TraitError(str(error)) from None

    @traitlets.observe("windows")
    def _windows_changed(self, change: dict[str, Any]) -> None:
        for (name, _), channel, window in zip(
            _CHANNELS, self._channels, change["new"], strict=True
        ):
            with channel.hold_sync():
                channel.center, channel.width = window.center, window.width
                channel.function = window.function
                channel.title = f"{name}: {window}"
        self._composite.rgb_windows = [window.record() for window in change["new"]]

    def _channel_moved(self, _change: dict[str, Any]) -> None:
        moved = tuple(
            channel.window_since(window)
            for window, channel in zip(self.windows, self._channels, strict=True)
        )
        if moved != self.windows:
            self.windows = moved

    def _page_parts(self) -> PageParts:
        menus = zip(self._menus, self._channels, strict=True)
        retitles = [
            {"kind": "retitle", "view": channel, "prefix": f"{name}: "}
            for (name, _), channel in zip(_CHANNELS, self._channels, strict=True)
        ]
        return PageParts(
            [
                *(preset_behaviour(menu, channel) for menu, channel in menus),
                {"kind": "rgb", "composite": self._composite, "channels": self._channels},
                *retitles,
            ]
        )

    def figure(self) -> Figure:
        """The composite and the three channels as a matplotlib figure."""
        return multiwindow_figure(self._image, self.windows, slice_index=self.slice_index)

    def __repr__(self) -> str:
        names = ", ".join(window.name or str(window) for window in self.windows)
        return f"<MultiWindowRGB {names}>"
