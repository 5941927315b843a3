"""WindowExplorer: a slider-controlled HU window over a slice, beside its histogram."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets
import numpy.typing as npt
import traitlets
from matplotlib.figure import Figure

from ctlab.core.image import CTImage, as_image
from ctlab.core.window import (
    PRESETS,
    VOI_FUNCTIONS,
    VOIFunction,
    Window,
    header_window_name,
    resolve_window,
)
from ctlab.io.labels import LabelMap
from ctlab.plot import explorer_figure
from ctlab.plot.explorer import READOUT_TISSUES
from ctlab.widgets._controls import (
    PresetMenu,
    SliceTraits,
    WindowTraits,
    browser_link,
    check_window,
    preset_key,
    preset_options,
    slice_slider,
    window_controls,
)
from ctlab.widgets._static import StaticFallback
from ctlab.widgets.labels import LabelTraits, label_layer, label_traits
from ctlab.widgets.page import PageParts, link_behaviour, preset_behaviour, reset_behaviour
from ctlab.widgets.views import HistogramView, RangeControl, SliceView

__all__ = ["WindowExplorer"]

# Slice and histogram side by side in a notebook cell about 1000 px wide.
_SLICE_WIDTH = 448
_HISTOGRAM_WIDTH = 470


class WindowExplorer(StaticFallback, SliceTraits, LabelTraits, WindowTraits, ipywidgets.VBox):  # type: ignore[misc]
    """Drag a window over a CT slice and watch the histogram and the grey levels.

    The slice is windowed in the browser from HU sent once, so every slider
    move repaints at once, even with the kernel far away (Binder); the
    traitlets below follow, and setting them from Python updates the view.

    Parameters
    ----------
    image : CTImage or array_like
        A slice or a volume in HU (a bare array gets 1 mm pixels).
    window : Window or str, optional
        The starting window; default the header's first window, else the
        ``"default"`` preset (-160..240). This is what ``reset()`` returns to.
    slice_index : int, optional
        Starting slice of a volume; default the middle one.
    function : {"linear", "linear_exact", "sigmoid"}, optional
        VOI function; default the window's own (the header's, if it has one).
    invert : bool
        Low HU white.
    log : bool
        Logarithmic histogram counts (default: air outside the body would
        otherwise flatten every tissue's peak).
    labels : LabelMap or array_like of int, optional
        A segmentation to draw over any window: a :class:`ctlab.LabelMap`
        (from :func:`ctlab.load_labels`) or integer labels of the image's
        shape (0 = background); outlined or filled, each label on or off.
    label_names, label_colors : mapping of int to str, optional
        Label value -> name / ``"#RRGGBB"``, over the LabelMap's; default
        ``"label <value>"`` and the colour-blind-safe Okabe-Ito palette.

    Attributes
    ----------
    center, width : float
        The window in HU (traitlets: read, set, ``observe``).
    window_range : tuple of float
        The same window as its (low, high) edges in HU; setting it sets
        ``center`` and ``width``, and the other way round.
    slice_index : int
    preset : str
        Key of the chosen preset (a :data:`ctlab.PRESETS` key or ``"header 1"``
        ...), ``""`` once the window is set by hand.
    function : str
    invert, log : bool
    roi_percentile : float
        Drawing a box (shift-drag) on the slice sets the window from the HU
        inside it, from this percentile to ``100 - roi_percentile``.
    labels_shown : list of int
        The label values drawn (with ``labels``; default all).
    label_outline : bool
        Outline each label (default) or fill it.
    label_opacity : float
        0..1: how strongly a filled label covers the grey.

    Notes
    -----
    On the slice: drag to change the window (horizontal = width, vertical =
    level), shift-drag a box to window from a region, wheel or up/down keys
    to move through the slices of a volume. HU and tissue under the pointer,
    clipped pixels, HU per grey level and the grey levels each tissue band
    gets are read out live.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import WindowExplorer
    >>> explorer = WindowExplorer(np.array([[-1000, -80], [40, 700]], dtype=np.int16))
    >>> explorer.preset = "fat"
    >>> explorer.window
    Window(center=-80.0, width=40.0)
    >>> explorer.center = 0
    >>> explorer.preset
    ''
    """

    preset = traitlets.Unicode("")
    function = traitlets.Enum(VOI_FUNCTIONS, default_value="linear")
    invert = traitlets.Bool(False)
    log = traitlets.Bool(True)
    roi_percentile = traitlets.Float(1.0)

    def __init__(
        self,
        image: CTImage | npt.ArrayLike,
        *,
        window: Window | str | None = None,
        slice_index: int | None = None,
        function: VOIFunction | None = None,
        invert: bool = False,
        log: bool = True,
        labels: LabelMap | npt.ArrayLike | None = None,
        label_names: Mapping[int, str] | None = None,
        label_colors: Mapping[int, str] | None = None,
    ) -> None:
        self._image = as_image(image)
        layer = (
            None if labels is None else label_layer(labels, self._image, label_names, label_colors)
        )
        start = self._start_window(window)
        self._start = start
        self._start_preset = self._preset_key_of(window, start)
        self._start_function: VOIFunction = function or start.function
        index = self._image.slice_or_middle(slice_index)

        self._view = SliceView(
            self._image,
            center=start.center,
            width=start.width,
            function=self._start_function,
            invert=invert,
            slice_index=index,
            display_width=_SLICE_WIDTH,
            **label_traits(layer),
        )
        # The slice view's model holds the window in the browser; the
        # histogram and the controls read and write it there.
        self._histogram = HistogramView(
            self._image,
            self._view,
            readout_tissues=READOUT_TISSUES,
            log=log,
            display_width=_HISTOGRAM_WIDTH,
        )
        self._errors = ipywidgets.Output()
        controls = self._build_controls()
        if layer is not None:
            controls.children = (*controls.children, self._label_controls(self._view, layer))
        super().__init__(
            children=[
                ipywidgets.HBox(
                    [
                        ipywidgets.VBox(
                            [
                                self._view,
                                *slice_slider(self._image, [self._view], index, width=_SLICE_WIDTH),
                            ],
                            layout=ipywidgets.Layout(flex="0 0 auto", margin="0 12px 0 0"),
                        ),
                        ipywidgets.VBox([self._histogram, controls]),
                    ],
                    layout=ipywidgets.Layout(flex_flow="row wrap"),
                ),
                self._errors,
            ]
        )
        self.add_class("ctlab-window-explorer")
        with self.hold_trait_notifications():
            self.center, self.width = start.center, start.width
            self.function = self._start_function
            self.invert, self.log, self.slice_index = invert, log, index
            self.preset = self._start_preset
        for name in ("center", "width", "function", "invert", "slice_index", "roi_percentile"):
            traitlets.link((self, name), (self._view, name))
        traitlets.link((self, "log"), (self._histogram, "log"))
        if layer is not None:
            self._link_labels(self._view)
        traitlets.link((self, "preset"), (self._preset_menu, "value"))
        traitlets.link((self, "function"), (self._function_menu, "value"))

    # -- construction ---------------------------------------------------------

    def _start_window(self, window: Window | str | None) -> Window:
        if window is not None:
            resolved = resolve_window(window)
        else:
            resolved = self._image.default_window or PRESETS["default"]
        check_window(resolved.center, resolved.width)
        return resolved

    def _preset_key_of(self, window: Window | str | None, start: Window) -> str:
        if window is None and self._image.default_window is not None:
            return header_window_name(0, short=True)
        return preset_key(start if window is None else window)

    def _build_controls(self) -> ipywidgets.Widget:
        view, histogram = self._view, self._histogram
        self._window_controls = window_controls(self._image, view)
        self._preset_menu = PresetMenu(self, self._image, value=self._start_preset)
        self._preset_menu.layout.width = "370px"
        functions = sorted(VOI_FUNCTIONS, key=lambda name: name != self._start_function)
        self._function_menu = ipywidgets.Dropdown(
            description="VOI function",
            options=functions,
            value=self._start_function,
            tooltip="the DICOM VOI function mapping HU to grey levels (PS3.3 C.11.2.1.2)",
            layout=ipywidgets.Layout(width="250px"),
        )
        compact = {"indent": False, "layout": ipywidgets.Layout(width="auto", margin="0 8px")}
        self._invert_box = ipywidgets.Checkbox(
            view.invert, description="invert", tooltip="low HU white, high HU black", **compact
        )
        self._log_box = ipywidgets.Checkbox(
            histogram.log,
            description="log counts",
            tooltip="histogram heights on a logarithmic scale",
            **compact,
        )
        self._percentile_slider = RangeControl(
            value=view.roi_percentile,
            label="box clip %",
            aria_label="box percentile clipped at each end, percent",
            hint=(
                "shift-drag a box on the slice to window from the HU inside it: the window "
                "runs from this percentile to 100 minus it, so a few outlying pixels are ignored"
            ),
            min=0,
            max=25,
            step=0.5,
            digits=1,
            name="percentile",
        )
        self._reset_button = ipywidgets.Button(
            description="reset",
            icon="undo",
            tooltip="back to the starting window",
            layout=ipywidgets.Layout(width="auto"),
        )
        for widget, name in [
            (self._function_menu, "function"),
            (self._invert_box, "invert"),
            (self._log_box, "log"),
            (self._percentile_slider, "percentile"),
            (self._reset_button, "reset"),
        ]:
            widget.add_class(f"ctlab-{name}")
        # In the browser: a click reaches the canvas and the histogram without the kernel.
        browser_link(view, "invert", self._invert_box)
        browser_link(histogram, "log", self._log_box)
        browser_link(view, "roi_percentile", self._percentile_slider)
        self._reset_button.on_click(self._errors.capture()(lambda _button: self.reset()))
        advanced = ipywidgets.Accordion(
            [
                ipywidgets.VBox(
                    [
                        ipywidgets.HTML(
                            "<small>Shift-drag a box on the slice to set the window from the "
                            "HU inside it, from this percentile to 100 minus it.</small>"
                        ),
                        self._percentile_slider,
                    ]
                )
            ],
            titles=("advanced: window from a box",),
            selected_index=None,
        )
        advanced.add_class("ctlab-advanced")
        return ipywidgets.VBox(
            [
                ipywidgets.HBox([self._preset_menu, self._reset_button]),
                self._window_controls,
                ipywidgets.HBox([self._function_menu, self._invert_box, self._log_box]),
                advanced,
            ],
            layout=ipywidgets.Layout(max_width=f"{_HISTOGRAM_WIDTH}px"),
        )

    # -- the model ------------------------------------------------------------

    @traitlets.validate("preset")
    def _valid_preset(self, proposal: dict[str, Any]) -> str:
        key = proposal["value"]
        known = [value for _, value in preset_options(self._image)]
        if key not in known:
            raise traitlets.TraitError(
                f"preset must be one of {', '.join(repr(k) for k in known)}, got {key!r}"
            )
        return str(key)

    @traitlets.validate("roi_percentile")
    def _valid_percentile(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        if not 0 <= value < 50:
            raise traitlets.TraitError(f"roi_percentile must be in 0..50 (exclusive), got {value}")
        return value

    # -- public ---------------------------------------------------------------

    @property
    def image(self) -> CTImage:
        """The image shown."""
        return self._image

    @property
    def window(self) -> Window:
        """The current window, with the current VOI function."""
        return Window(self.center, self.width, function=self.function)

    def reset(self) -> None:
        """Back to the starting window (the header's default), its function, not inverted."""
        self.invert = False
        self.function = self._start_function
        self.preset = ""
        self.center, self.width = self._start.center, self._start.width
        self.preset = self._start_preset

    def _page_parts(self) -> PageParts:
        return PageParts(
            [
                preset_behaviour(self._preset_menu, self._view),
                link_behaviour(self._function_menu, "value", self._view, "function"),
                reset_behaviour(
                    self._reset_button,
                    [
                        (self._view, {"invert": False, "function": self._start_function}),
                        (self._view, {"center": self._start.center, "width": self._start.width}),
                        (self._preset_menu, {"value": self._start_preset}),
                    ],
                ),
                *self._label_behaviours(self._view),
            ]
        )

    def figure(self) -> Figure:
        """The current view as a matplotlib figure (slice with its labels, histogram, readouts)."""
        figure = explorer_figure(
            self._image,
            self.window,
            slice_index=self.slice_index,
            function=self.function,
            invert=self.invert,
            log=self.log,
        )
        self._draw_labels_on(
            next(ax for ax in figure.axes if ax.get_label() == "slice"), self._view
        )
        return figure

    def __repr__(self) -> str:
        where = f", slice {self.slice_index}" if self._image.is_volume else ""
        return f"<WindowExplorer {self.window} [{self.function}]{where}>"
