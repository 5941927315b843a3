"""The browser-side views the widgets are built from (private building blocks).

:class:`SliceView` holds one image and windows it on a canvas in the
browser, and its model is the one place the browser keeps that image's
window and slice; :class:`HistogramView` (the HU histogram with the
Hounsfield scale) and :class:`WindowControls` (sliders and number boxes)
read and write the window of a SliceView they are given, instead of keeping
copies linked to it. All are anywidgets whose code lives beside this file
(``slice_view.js``, ``histogram_view.js``, ``window_controls.js``), so
moving a control repaints without a round trip to the kernel.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

import anywidget
import numpy as np
import numpy.typing as npt
import traitlets

from ctlab.core.hounsfield import TISSUES, Tissue
from ctlab.core.image import CTImage
from ctlab.core.metrics import hu_counts, hu_peaks
from ctlab.core.window import PRESETS, VOI_FUNCTIONS, Window
from ctlab.widgets._esm import bundle, stylesheet

__all__ = [
    "CENTER_LIMITS",
    "WIDTH_LIMITS",
    "HistogramView",
    "RangeControl",
    "SliceView",
    "WindowControls",
    "tissue_records",
]

#: Fastest zlib level: slices are compressed per request, on the kernel's thread.
_DEFLATE_LEVEL = 1
#: Most slices one request may ask for (the browser asks for a few at a time).
_MAX_BATCH = 16

#: How far a widget's centre and width reach, in HU: every preset and any
#: window a CT number can need (-1024 .. +3071 on a 12-bit scale) fits. Both
#: spans are 5120 HU, so the sliders' value <-> percentage arithmetic is exact
#: for whole HU (a span like 4999 turns 40 into 40.00000000000001, which a
#: slider then sends back as a change). The browser clamps gestures to them.
CENTER_LIMITS = (-1536.0, 3584.0)
WIDTH_LIMITS = (1.0, 5121.0)


def tissue_records(tissues: Iterable[Tissue] = TISSUES.values()) -> list[dict[str, Any]]:
    """Reference tissue ranges as records for the browser, narrowest first (as ``tissue_at`` looks).

    ``phase`` is the contrast phase a range holds for ("" where contrast does
    not matter).
    """
    return [
        {
            "name": band.name,
            "label": band.label,
            "low": band.low,
            "high": band.high,
            "color": band.color,
            "phase": band.phase,
        }
        for band in sorted(tissues, key=lambda band: band.high - band.low)
    ]


def _wire_dtype(hu: npt.NDArray[Any]) -> np.dtype[Any]:
    """The type a slice travels as: int16 when every value fits, else the float type."""
    if hu.dtype == np.int16 or hu.dtype == np.uint8:
        return hu.dtype
    if hu.dtype.kind in "iu":
        info = np.iinfo(np.int16)
        if hu.size == 0 or (info.min <= hu.min() and hu.max() <= info.max):
            return np.dtype(np.int16)
        return np.dtype(np.float64)
    return np.dtype(np.float64) if hu.dtype == np.float64 else np.dtype(np.float32)


class SliceView(anywidget.AnyWidget):  # type: ignore[misc]
    """A slice of a CT image on a canvas, windowed in the browser.

    The kernel sends a slice once, as a deflated binary buffer, when the
    browser asks for it (several per message; the browser caches slices and
    reads ahead in the direction of travel); window changes never cross to
    the kernel to repaint.

    Modes: ``"window"`` (HU through the window), ``"overlay"`` (the same, with
    tissue bands in colour), ``"rgb"`` (three windows as R, G, B) and
    ``"grey"`` (values that are already grey levels 0..255, e.g. a JPEG).
    """

    _esm = bundle("slice_view.js")
    _css = stylesheet()

    center = traitlets.Float(40.0).tag(sync=True)
    width = traitlets.Float(400.0).tag(sync=True)
    function = traitlets.Enum(VOI_FUNCTIONS, default_value="linear").tag(sync=True)
    invert = traitlets.Bool(False).tag(sync=True)
    slice_index = traitlets.Int(0).tag(sync=True)
    roi_percentile = traitlets.Float(1.0).tag(sync=True)
    mode = traitlets.Enum(("window", "overlay", "rgb", "grey"), default_value="window").tag(
        sync=True
    )
    overlay = traitlets.List(traitlets.Dict()).tag(sync=True)
    opacity = traitlets.Float(0.5).tag(sync=True)
    rgb_windows = traitlets.List(traitlets.Dict()).tag(sync=True)
    tint = traitlets.Unicode("").tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    display_width = traitlets.Int(512).tag(sync=True)
    interactive = traitlets.Bool(True).tag(sync=True)

    # What the browser needs to know about the image, sent once.
    _shape = traitlets.List(traitlets.Int()).tag(sync=True)
    _dtype = traitlets.Unicode("int16").tag(sync=True)
    _pixel_aspect = traitlets.Float(1.0).tag(sync=True)
    _pixel_area_cm2 = traitlets.Float(0.01).tag(sync=True)
    _slice_positions = traitlets.List(traitlets.Float()).tag(sync=True)
    _padding = traitlets.List(traitlets.Float()).tag(sync=True)
    _tissues = traitlets.List(traitlets.Dict()).tag(sync=True)
    _limits = traitlets.Dict({"center": list(CENTER_LIMITS), "width": list(WIDTH_LIMITS)}).tag(
        sync=True
    )

    # A label map over the slice (ctlab.widgets.labels): its labels' value,
    # name and colour, the ones drawn, outlined or filled, and how strongly.
    _labels = traitlets.List(traitlets.Dict()).tag(sync=True)
    _label_dtype = traitlets.Unicode("").tag(sync=True)
    labels_shown = traitlets.List(traitlets.Int()).tag(sync=True)
    label_outline = traitlets.Bool(True).tag(sync=True)
    label_opacity = traitlets.Float(0.5).tag(sync=True)

    def __init__(
        self, image: CTImage, *, labels: npt.NDArray[np.integer] | None = None, **traits: Any
    ) -> None:
        """``labels`` (uint8 or uint16, ``image.hu``'s shape) travel beside the HU slices."""
        volume = image.hu if image.is_volume else image.hu[np.newaxis]
        self._volume = volume
        self._wire = _wire_dtype(volume)
        self._label_volume = None
        if labels is not None:
            self._label_volume = labels if image.is_volume else labels[np.newaxis]
            traits["_label_dtype"] = self._label_volume.dtype.name
        spacing = image.spacing[-2:]
        super().__init__(
            _shape=list(volume.shape),
            _dtype={"int16": "int16", "uint8": "uint8"}.get(self._wire.name, self._wire.name),
            _pixel_aspect=spacing[0] / spacing[1],
            _pixel_area_cm2=spacing[0] * spacing[1] / 100.0,
            _slice_positions=list(image.slice_positions) if image.is_volume else [],
            _padding=list(image.padding_range) if image.padding_range else [],
            _tissues=tissue_records(),
            **traits,
        )
        self.on_msg(self._answer)

    def window_since(self, start: Window) -> Window:
        """The window shown: ``start`` itself (name and all) until the user moves it."""
        if (self.center, self.width) == (start.center, start.width):
            return start
        return Window(self.center, self.width, function=self.function)

    def slice_bytes(self, index: int) -> memoryview:
        """Slice ``index`` as the little-endian bytes the browser receives."""
        values = np.ascontiguousarray(self._volume[index], dtype=self._wire.newbyteorder("<"))
        return values.data.cast("B")

    def wire_bytes(self, index: int) -> bytes:
        """Slice ``index`` as it travels: :meth:`slice_bytes`, deflated (zlib, level 1).

        CT compresses about 2 to 6 times, which a far-away kernel's bandwidth
        needs; the browser inflates it with ``DecompressionStream("deflate")``.
        """
        return zlib.compress(self.slice_bytes(index), _DEFLATE_LEVEL)

    def label_slice_bytes(self, index: int) -> memoryview:
        """Slice ``index`` of the label map as the little-endian bytes the browser receives."""
        if self._label_volume is None:
            raise ValueError("this view has no labels")
        wire = self._label_volume.dtype.newbyteorder("<")
        values = np.ascontiguousarray(self._label_volume[index], dtype=wire)
        return values.data.cast("B")

    def label_wire_bytes(self, index: int) -> bytes:
        """Slice ``index`` of the label map as it travels: :meth:`label_slice_bytes`, deflated."""
        return zlib.compress(self.label_slice_bytes(index), _DEFLATE_LEVEL)

    def _answer(self, _widget: Any, content: dict[str, Any], _buffers: list[Any]) -> None:
        if content.get("type") != "request":
            return
        asked = content.get("indices")
        if not isinstance(asked, list):
            return
        count = self._volume.shape[0]
        indices = [i for i in asked if isinstance(i, int) and 0 <= i < count][:_MAX_BATCH]
        if not indices:
            return
        buffers = [self.wire_bytes(index) for index in indices]
        if self._label_volume is not None:
            # The label slices follow the HU slices, in the same order.
            buffers += [self.label_wire_bytes(index) for index in indices]
        content = {
            "type": "slices",
            "indices": indices,
            "dtype": self._dtype,
            "encoding": "deflate",
        }
        if self._label_volume is not None:
            content["label_dtype"] = self._label_dtype
        self.send(content, buffers)


class HistogramView(anywidget.AnyWidget):  # type: ignore[misc]
    """The HU histogram (counts and peaks sent once) with the scale, and the window of ``source``.

    The window, its VOI function and inversion are read from the SliceView
    ``source`` in the browser, so the histogram can never show another. The
    browser names every tissue band and every peak (:func:`ctlab.hu_peaks`)
    with no name covering another (``histogram_labels.js``).
    """

    _esm = bundle("histogram_view.js")
    _css = stylesheet()

    # Sent as a reference the browser code resolves with anywidget's host.getModel.
    source = anywidget.WidgetTrait().tag(sync=True)
    log = traitlets.Bool(False).tag(sync=True)
    display_width = traitlets.Int(520).tag(sync=True)

    _counts = traitlets.Bytes().tag(sync=True)
    _hist_start = traitlets.Float().tag(sync=True)
    _hist_step = traitlets.Float(1.0).tag(sync=True)
    _tissues = traitlets.List(traitlets.Dict()).tag(sync=True)
    # (hu, smoothed count) of each peak, lowest HU first.
    _peaks = traitlets.List(traitlets.List()).tag(sync=True)
    _readout_tissues = traitlets.List(traitlets.Dict()).tag(sync=True)

    def __init__(
        self, image: CTImage, source: SliceView, *, readout_tissues: Iterable[str], **traits: Any
    ) -> None:
        # Whole-HU bins, at most 512 (hu_counts's default), padding left out.
        valid = image.valid_hu()
        counts, edges = hu_counts(valid)
        super().__init__(
            source=source,
            _counts=counts.astype("<f8").tobytes(),
            _hist_start=float(edges[0]),
            _hist_step=float(edges[1] - edges[0]),
            _tissues=tissue_records(),
            _peaks=[[hu, count] for hu, count in hu_peaks(valid)],
            _readout_tissues=[
                record for name in readout_tissues for record in tissue_records([TISSUES[name]])
            ],
            **traits,
        )


def control_reach(image: CTImage) -> tuple[tuple[float, float], tuple[float, float]]:
    """How far the centre and width sliders reach for ``image``, in HU.

    The centre slider spans the image's HU and every preset's centre; the
    width slider (logarithmic) runs from 1 HU to twice that span, at least
    to the widest preset. Both stay inside the widget's limits, which the
    number boxes and Python can still use in full.
    """
    hu = image.valid_hu()
    finite = hu[np.isfinite(hu)] if hu.dtype.kind == "f" else hu
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
    centers = [preset.center for preset in PRESETS.values()]
    widths = [preset.width for preset in PRESETS.values()]
    # Round outwards to 50 HU so the ends are round numbers.
    center_low = max(CENTER_LIMITS[0], np.floor(min(low, *centers) / 50) * 50)
    center_high = min(CENTER_LIMITS[1], np.ceil(max(high, *centers) / 50) * 50)
    widest = min(WIDTH_LIMITS[1], max(2 * (center_high - center_low), *widths))
    return (float(center_low), float(center_high)), (WIDTH_LIMITS[0], float(widest))


class WindowControls(anywidget.AnyWidget):  # type: ignore[misc]
    """Centre and width sliders with number boxes, and low..high boxes, for ``source``'s window.

    The controls read and write the SliceView's own ``center`` and
    ``width`` in the browser; they hold no window of their own. The centre
    slider spans ``center_reach``, the width slider ``width_reach`` on a
    logarithmic scale; drags click into the standard windows (``PRESETS``).
    """

    _esm = bundle("window_controls.js")
    _css = stylesheet()

    # Sent as a reference the browser code resolves with anywidget's host.getModel.
    source = anywidget.WidgetTrait().tag(sync=True)
    center_reach = traitlets.List(traitlets.Float(), default_value=list(CENTER_LIMITS)).tag(
        sync=True
    )
    width_reach = traitlets.List(traitlets.Float(), default_value=list(WIDTH_LIMITS)).tag(sync=True)
    _detents = traitlets.Dict().tag(sync=True)

    def __init__(self, image: CTImage, source: SliceView, **traits: Any) -> None:
        center_reach, width_reach = control_reach(image)
        standard = [*PRESETS.values(), *image.windows]
        super().__init__(
            source=source,
            center_reach=list(center_reach),
            width_reach=list(width_reach),
            _detents={
                "center": sorted({window.center for window in standard}),
                "width": sorted({window.width for window in standard}),
            },
            **traits,
        )


class RangeControl(anywidget.AnyWidget):  # type: ignore[misc]
    """A labelled slider for one number, with an accessible name and its value beside it.

    Link ``value`` to the trait it drives (``ipywidgets.jslink``) so a move
    reaches a view in the browser without the kernel. ``offset`` is added to
    what is shown (1 to show slice 0 as "1"), ``of_count`` adds "of N";
    ``hint`` explains it on hover.
    """

    _esm = bundle("range_control.js")
    _css = stylesheet()

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(1.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    aria_label = traitlets.Unicode("").tag(sync=True)
    # Not ``tooltip``: anywidget views fail to render with DOMWidget's tooltip set.
    hint = traitlets.Unicode("").tag(sync=True)
    unit = traitlets.Unicode("").tag(sync=True)
    digits = traitlets.Int(0).tag(sync=True)
    offset = traitlets.Float(0.0).tag(sync=True)
    of_count = traitlets.Bool(False).tag(sync=True)
    name = traitlets.Unicode("value").tag(sync=True)
