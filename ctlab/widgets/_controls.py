"""Controls shared by the widgets: the preset menu, the window controls, the slice slider.

The window controls and the slice slider act on a
:class:`~ctlab.widgets.views.SliceView` in the browser, so moving one
repaints without the kernel; the preset menu works through Python, since
choosing a preset is a click, not a drag.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import ipywidgets
import traitlets

from ctlab.core.image import CTImage
from ctlab.core.window import PRESETS, Window, header_window_name
from ctlab.widgets.views import (
    CENTER_LIMITS,
    WIDTH_LIMITS,
    RangeControl,
    SliceView,
    WindowControls,
)

__all__ = [
    "LABEL_CHARS",
    "PresetMenu",
    "SliceTraits",
    "WindowTraits",
    "browser_link",
    "opacity_control",
    "preset_description",
    "preset_key",
    "preset_options",
    "preset_window",
    "slice_slider",
    "window_controls",
]

SLIDER_WIDTH = "430px"


def check_window(center: float, width: float) -> None:
    """Raise TraitError unless centre and width are finite and within the sliders' reach."""
    if not (math.isfinite(center) and CENTER_LIMITS[0] <= center <= CENTER_LIMITS[1]):
        raise traitlets.TraitError(
            f"center must be a finite number of HU in {CENTER_LIMITS[0]:g}..{CENTER_LIMITS[1]:g}, "
            f"got {center}"
        )
    if not (math.isfinite(width) and WIDTH_LIMITS[0] <= width <= WIDTH_LIMITS[1]):
        raise traitlets.TraitError(
            f"width must be >= 1 HU and <= {WIDTH_LIMITS[1]:g} HU, got {width}; "
            "a window narrower than one HU cannot be displayed"
        )


class WindowTraits(traitlets.HasTraits):  # type: ignore[misc]
    """The window of a widget as ``center`` and ``width`` and as ``window_range``, validated.

    Two views of one window: setting either updates the other here, in
    Python, so the kernel, a saved notebook and the browser always agree.
    """

    center = traitlets.Float(40.0)
    width = traitlets.Float(400.0)
    window_range = traitlets.Tuple(
        traitlets.Float(), traitlets.Float(), default_value=(-160.0, 240.0)
    )

    @traitlets.validate("center")
    def _valid_center(self, proposal: dict[str, Any]) -> float:
        check_window(proposal["value"], self.width)
        return float(proposal["value"])

    @traitlets.validate("width")
    def _valid_width(self, proposal: dict[str, Any]) -> float:
        check_window(self.center, proposal["value"])
        return float(proposal["value"])

    @traitlets.validate("window_range")
    def _valid_range(self, proposal: dict[str, Any]) -> tuple[float, float]:
        low, high = (float(value) for value in proposal["value"])
        if not high - low >= WIDTH_LIMITS[0]:
            raise traitlets.TraitError(
                f"window_range must be (low, high) with high at least 1 HU above low, "
                f"got ({low:g}, {high:g})"
            )
        check_window((low + high) / 2, high - low)
        return low, high

    @traitlets.observe("center", "width")
    def _range_follows(self, _change: dict[str, Any]) -> None:
        edges = (self.center - self.width / 2, self.center + self.width / 2)
        if self.window_range != edges:
            self.window_range = edges

    @traitlets.observe("window_range")
    def _center_width_follow(self, change: dict[str, Any]) -> None:
        low, high = change["new"]
        if (low, high) == (self.center - self.width / 2, self.center + self.width / 2):
            return
        with self.hold_trait_notifications():
            self.center, self.width = (low + high) / 2, high - low


class SliceTraits(traitlets.HasTraits):  # type: ignore[misc]
    """The ``slice_index`` traitlet of a widget showing ``self._image``, validated."""

    slice_index = traitlets.Int(0)
    _image: CTImage

    @traitlets.validate("slice_index")
    def _valid_slice(self, proposal: dict[str, Any]) -> int:
        index = int(proposal["value"])
        if not 0 <= index < self._image.n_slices:
            raise traitlets.TraitError(
                f"slice_index must be in 0..{self._image.n_slices - 1}, got {index}"
            )
        return index


def _own_name(window: Window, index: int) -> str:
    """The header window's own name, or "" when it has none but its position.

    Window.from_dicom names a window only if its explanation passed the privacy
    clean; "header window N" and the menu key need no second label.
    """
    names = ("", header_window_name(index), header_window_name(index, short=True))
    return "" if window.name in names else window.name


#: Longest menu label; a header window's own name can be any length.
LABEL_CHARS = 32


def preset_options(image: CTImage) -> list[tuple[str, str]]:
    """The preset menu: the header's own windows first, then :data:`ctlab.PRESETS`.

    Returns (label, key) pairs; the seed's four windows keep their Figure 5
    labels; a header window is labelled by its name (cut to
    :data:`LABEL_CHARS`; the menu's tooltip gives it in full) or its numbers;
    the last entry, ("custom", ""), stands for a window set by hand.
    """
    header = []
    for index, window in enumerate(image.windows):
        key = header_window_name(index, short=True)
        unnamed = Window(window.center, window.width)
        shown = _own_name(window, index) or f"{unnamed}".split(" HU")[0]
        label = f"{key}: {shown}"
        if len(label) > LABEL_CHARS:
            label = label[: LABEL_CHARS - 1] + "\u2026"
        header.append((label, key))
    return [*header, *((window.name, key) for key, window in PRESETS.items()), ("custom", "")]


def preset_description(image: CTImage, key: str) -> str:
    """The full text of a menu entry (its tooltip): the window's name and numbers."""
    if not key:
        return "custom: a window set by hand"
    window = preset_window(image, key)
    if key.startswith("header"):
        own = _own_name(window, int(key.split()[1]) - 1)
        name = f"{own}, " if own else ""
        return f"{key} (from the file's header): {name}{Window(window.center, window.width)}"
    return str(window)


def preset_key(window: Window | str) -> str:
    """The menu key a starting window shows: the preset it names or equals, else "" (custom)."""
    if isinstance(window, str):
        return window
    return next((key for key, preset in PRESETS.items() if preset == window), "")


def preset_window(image: CTImage, key: str) -> Window:
    """The window a preset key names (a PRESETS key or "header N")."""
    if key.startswith("header "):
        return image.windows[int(key.split()[1]) - 1]
    return PRESETS[key]


class PresetMenu(ipywidgets.Dropdown):  # type: ignore[misc]
    """A preset menu driving the ``center`` and ``width`` traits of ``target``.

    Choosing an entry sets the target's window (and, for a header window,
    its VOI function); moving the window away from the entry shows "custom".
    """

    def __init__(self, target: traitlets.HasTraits, image: CTImage, *, value: str) -> None:
        super().__init__(
            description="preset",
            options=preset_options(image),
            value=value,
            tooltip=preset_description(image, value),
            layout=ipywidgets.Layout(width="330px"),
        )
        self._target = target
        self._image = image
        self._applying = False
        self.add_class("ctlab-preset")
        self.observe(self._apply, "value")
        self.observe(self._describe, "value")
        target.observe(self._leave, ["center", "width"])

    def _apply(self, change: dict[str, Any]) -> None:
        if not change["new"]:
            return
        window = preset_window(self._image, change["new"])
        self._applying = True
        try:
            with self._target.hold_trait_notifications():
                self._target.set_trait("center", window.center)
                self._target.set_trait("width", window.width)
                if change["new"].startswith("header") and self._target.has_trait("function"):
                    self._target.set_trait("function", window.function)
        finally:
            self._applying = False

    def _describe(self, change: dict[str, Any]) -> None:
        self.tooltip = preset_description(self._image, change["new"])

    def _leave(self, _change: dict[str, Any]) -> None:
        menu: Any = self  # ipywidgets' Dropdown.value has no type mypy can read
        key = str(menu.value)
        if self._applying or not key:
            return
        chosen = preset_window(self._image, key)
        target: Any = self._target
        if (chosen.center, chosen.width) != (target.center, target.width):
            self.value = ""


def window_controls(image: CTImage, view: SliceView) -> WindowControls:
    """Centre and width sliders with number boxes and low..high boxes acting on ``view``."""
    controls = WindowControls(image, view)
    controls.add_class("ctlab-window")
    return controls


def browser_link(view: ipywidgets.Widget, name: str, control: ipywidgets.Widget) -> None:
    """Link ``view.name`` and ``control.value`` in the browser, with no kernel in between.

    The view comes first: a link copies its first end's value to the other
    when the page loads, and the view's value is the one the kernel keeps
    right. (The link lives in ipywidgets' registry as long as both ends.)
    """
    ipywidgets.jslink((view, name), (control, "value"))


def opacity_control(
    view: SliceView, trait: str, *, label: str, aria_label: str, name: str
) -> RangeControl:
    """A 0..1 opacity control linked to ``view.<trait>`` in the browser; class ``ctlab-<name>``."""
    control = RangeControl(
        value=getattr(view, trait),
        min=0,
        max=1,
        step=0.05,
        digits=2,
        label=label,
        aria_label=aria_label,
        name=name,
    )
    control.add_class(f"ctlab-{name}")
    browser_link(view, trait, control)
    return control


def slice_slider(
    image: CTImage, views: Sequence[SliceView], index: int, *, width: int | None = None
) -> list[ipywidgets.Widget]:
    """One slice slider moving every view in the browser (``width`` in pixels); none for a slice."""
    if not image.is_volume:
        return []
    slider = RangeControl(
        value=index,
        min=0,
        max=image.n_slices - 1,
        label="slice",
        aria_label="slice number",
        hint="the slice shown; on the image, the wheel and the up/down keys move too",
        offset=1,
        of_count=True,
        name="slice",
    )
    if width is not None:
        slider.layout.width = f"{width}px"
    slider.add_class("ctlab-slice-index")
    for view in views:
        browser_link(view, "slice_index", slider)
    return [slider]
