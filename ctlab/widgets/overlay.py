"""TissueOverlay: HU-threshold tissue masks in colour over any window."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets
import numpy.typing as npt
import traitlets
from matplotlib.figure import Figure

from ctlab.core.hounsfield import TISSUES, Tissue, resolve_tissue
from ctlab.core.image import CTImage, as_image
from ctlab.core.metrics import tissue_amounts
from ctlab.core.window import Window, resolve_window
from ctlab.io.labels import LabelMap
from ctlab.plot import overlay_tissues
from ctlab.widgets._controls import (
    PresetMenu,
    SliceTraits,
    WindowTraits,
    check_window,
    opacity_control,
    preset_key,
    slice_slider,
    window_controls,
)
from ctlab.widgets._static import StaticFallback
from ctlab.widgets.labels import LabelTraits, label_layer, label_traits
from ctlab.widgets.page import PageParts, preset_behaviour
from ctlab.widgets.views import SliceView

__all__ = ["TissueOverlay"]

_DEFAULT_TISSUES = ("fat", "soft_tissue", "cancellous_bone", "cortical_bone")


class TissueOverlay(StaticFallback, SliceTraits, LabelTraits, WindowTraits, ipywidgets.VBox):  # type: ignore[misc]
    """Tissue bands segmented by HU threshold, in colour, over any window.

    The seed's recipe: segment the region of interest from the HU (which no
    window changes), then lay it over whichever window you like. Areas (cm²
    on this slice) and, for a volume, volumes (mL) come from the pixel
    spacing. Colours are the colour-blind-safe ones of :data:`ctlab.TISSUES`.

    Parameters
    ----------
    image : CTImage or array_like
        A slice or a volume in HU.
    window : Window or str
        The window under the masks; default ``"default"`` (-160..240).
    tissues : sequence of str
        Bands of :data:`ctlab.TISSUES` to draw; later bands are drawn over
        earlier ones where they overlap.
    opacity : float
        0 (masks invisible) .. 1 (solid colour).
    slice_index : int, optional
        Starting slice of a volume; default the middle one.
    labels : LabelMap or array_like of int, optional
        A segmentation drawn over the bands: a :class:`ctlab.LabelMap` or
        integer labels of the image's shape (0 = background).
    label_names, label_colors : mapping of int to str, optional
        Label value -> name / ``"#RRGGBB"``, over the LabelMap's; default
        ``"label <value>"`` and the Okabe-Ito palette.

    Attributes
    ----------
    center, width : float
        The window under the masks (traitlets).
    tissues : list of str
    opacity : float
    slice_index : int
    labels_shown : list of int
        The label values drawn (with ``labels``; default all).
    label_outline : bool
        Outline each label (default) or fill it.
    label_opacity : float
        0..1: how strongly a filled label covers what is under it.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import TissueOverlay
    >>> overlay = TissueOverlay(np.full((10, 10), -80, np.int16), tissues=["fat"])
    >>> overlay.amounts()
    {'fat': 1.0}
    """

    tissues = traitlets.List(traitlets.Unicode())
    opacity = traitlets.Float(0.5)

    def __init__(
        self,
        image: CTImage | npt.ArrayLike,
        *,
        window: Window | str = "default",
        tissues: Sequence[str] = _DEFAULT_TISSUES,
        opacity: float = 0.5,
        slice_index: int | None = None,
        labels: LabelMap | npt.ArrayLike | None = None,
        label_names: Mapping[int, str] | None = None,
        label_colors: Mapping[int, str] | None = None,
    ) -> None:
        self._image = as_image(image)
        layer = (
            None if labels is None else label_layer(labels, self._image, label_names, label_colors)
        )
        start = resolve_window(window)
        check_window(start.center, start.width)
        index = self._image.slice_or_middle(slice_index)
        chosen = [resolve_tissue(name).name for name in tissues]
        self._view = SliceView(
            self._image,
            mode="overlay",
            center=start.center,
            width=start.width,
            slice_index=index,
            opacity=opacity,
            overlay=_records(chosen),
            **label_traits(layer),
        )
        self._amounts = ipywidgets.HTML()
        self._amounts.add_class("ctlab-amounts")
        controls = self._controls(preset_key(window), chosen)
        if layer is not None:
            controls.children = (*controls.children, self._label_controls(self._view, layer))
        super().__init__(
            children=[
                ipywidgets.HBox(
                    [
                        ipywidgets.VBox(
                            [self._view, *slice_slider(self._image, [self._view], index)],
                            layout=ipywidgets.Layout(flex="0 0 auto", margin="0 12px 0 0"),
                        ),
                        ipywidgets.VBox([controls, self._amounts]),
                    ],
                    layout=ipywidgets.Layout(flex_flow="row wrap"),
                )
            ]
        )
        self.add_class("ctlab-tissue-overlay")
        with self.hold_trait_notifications():
            self.center, self.width = start.center, start.width
            self.tissues, self.opacity, self.slice_index = chosen, opacity, index
        for name in ("center", "width", "opacity", "slice_index"):
            traitlets.link((self, name), (self._view, name))
        self._show_amounts()
        if layer is not None:
            self._link_labels(self._view)

    def _controls(self, preset: str, chosen: list[str]) -> ipywidgets.Widget:
        self._preset_menu = PresetMenu(self, self._image, value=preset)
        self._preset_menu.layout.width = "450px"
        window = window_controls(self._image, self._view)
        opacity = opacity_control(
            self._view,
            "opacity",
            label="opacity",
            aria_label="opacity of the tissue colours, 0 to 1",
            name="opacity",
        )
        self._checkboxes = {}
        rows = []
        for band in TISSUES.values():
            toggle = ipywidgets.Checkbox(
                band.name in chosen,
                description=_checkbox_label(band),
                indent=False,
                layout=ipywidgets.Layout(width="auto"),
            )
            toggle.add_class(f"ctlab-tissue-{band.name}")
            toggle.observe(self._toggled, "value")
            self._checkboxes[band.name] = toggle
            rows.append(
                ipywidgets.HBox(
                    [
                        ipywidgets.HTML(
                            f'<span class="ctlab-swatch" style="background:{band.color}"></span>'
                        ),
                        toggle,
                    ],
                    # One range a row: a label with its HU and phase is never cut.
                    layout=ipywidgets.Layout(width="auto", flex="1 1 100%"),
                )
            )
        return ipywidgets.VBox(
            [
                self._preset_menu,
                window,
                opacity,
                ipywidgets.HBox(rows, layout=ipywidgets.Layout(flex_flow="row wrap")),
            ],
            layout=ipywidgets.Layout(max_width="500px"),
        )

    def _toggled(self, _change: dict[str, Any]) -> None:
        self.tissues = [name for name, box in self._checkboxes.items() if box.value]

    @traitlets.validate("tissues")
    def _valid_tissues(self, proposal: dict[str, Any]) -> list[str]:
        try:
            return [resolve_tissue(name).name for name in proposal["value"]]
        except Exception as error:
            raise traitlets.TraitError(str(error)) from None

    @traitlets.validate("opacity")
    def _valid_opacity(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        # A slider's float arithmetic may overshoot an end by an ulp: clip that.
        if not -1e-9 <= value <= 1 + 1e-9:
            raise traitlets.TraitError(f"opacity must be between 0 and 1, got {value}")
        return min(max(value, 0.0), 1.0)

    @traitlets.observe("tissues")
    def _tissues_changed(self, change: dict[str, Any]) -> None:
        self._view.overlay = _records(change["new"])
        for name, box in self._checkboxes.items():
            box.value = name in change["new"]
        self._show_amounts()

    @traitlets.observe("slice_index")
    def _slice_changed(self, _change: dict[str, Any]) -> None:
        self._show_amounts()

    @property
    def window(self) -> Window:
        """The window under the masks."""
        return Window(self.center, self.width)

    def amounts(self, *, whole_volume: bool = False) -> dict[str, float]:
        """Area in cm² of each chosen tissue on this slice, or its volume in mL.

        Parameters
        ----------
        whole_volume : bool
            Measure the whole volume (mL) instead of the current slice (cm²).
        """
        if whole_volume and self._image.is_volume:
            return tissue_amounts(
                self._image.hu,
                spacing=self._image.spacing,
                tissues=self.tissues,
                mask=~self._image.padding_mask(),
            )
        return tissue_amounts(
            self._image.slice_hu(self.slice_index),
            spacing=self._image.spacing[-2:],
            tissues=self.tissues,
            mask=~self._image.padding_mask(self.slice_index),
        )

    def _show_amounts(self) -> None:
        areas = self.amounts()
        volumes = self.amounts(whole_volume=True) if self._image.is_volume else {}
        rows = "".join(
            f"<tr><td style='color:{resolve_tissue(name).color}'>&#9632;</td>"
            f"<td>{resolve_tissue(name).label}</td><td>{areas[name]:.1f} cm²</td>"
            + (f"<td>{volumes[name]:.1f} mL</td>" if volumes else "")
            + "</tr>"
            for name in self.tissues
        )
        header = "<tr><th></th><th>tissue</th><th>this slice</th>" + (
            "<th>whole volume</th></tr>" if volumes else "</tr>"
        )
        self._amounts.value = f"<table>{header}{rows}</table>"

    def _page_parts(self) -> PageParts:
        # The areas table is measured in Python: the page leaves it out.
        boxes = [[box, _records([name])[0]] for name, box in self._checkboxes.items()]
        return PageParts(
            [
                preset_behaviour(self._preset_menu, self._view),
                {"kind": "overlay", "boxes": boxes, "view": self._view},
                *self._label_behaviours(self._view),
            ],
            omit=(self._amounts,),
        )

    def figure(self) -> Figure:
        """The current view as a matplotlib figure (tissue bands, then the labels shown)."""
        axes = overlay_tissues(
            self._image,
            self.window,
            self.tissues,
            slice_index=self.slice_index,
            opacity=self.opacity,
        )
        self._draw_labels_on(axes, self._view)
        figure = axes.figure
        assert isinstance(figure, Figure)  # overlay_tissues draws on a figure of its own
        return figure

    def __repr__(self) -> str:
        return f"<TissueOverlay {', '.join(self.tissues)} over {self.window}>"


def _records(tissues: Sequence[str]) -> list[dict[str, Any]]:
    return [
        {"name": band.name, "low": band.low, "high": band.high, "color": band.color}
        for band in map(resolve_tissue, tissues)
    ]


def _checkbox_label(band: Tissue) -> str:
    """``soft tissue 20..80 HU, unenhanced``: the phase said once, where the label lacks it."""
    phase = f", {band.phase}" if band.phase and band.phase not in band.label else ""
    return f"{band.label} {band.low}..{band.high} HU{phase}"
