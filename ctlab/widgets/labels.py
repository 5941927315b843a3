"""A label map (a segmentation) over the slice of WindowExplorer and TissueOverlay.

The labels do not depend on the window: they travel to the browser once, a
uint8 or uint16 slice beside each HU slice the view asks for, and are drawn
there over whatever window is shown (``paint.js``), filled or outlined, each
label on or off. Only each label's value, name and colour go into the
widget state: never the file's name or anything else from its header.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import ipywidgets
import numpy as np
import numpy.typing as npt
import traitlets
from matplotlib.axes import Axes

from ctlab.core.errors import LabelError
from ctlab.core.image import CTImage
from ctlab.core.labels import OKABE_ITO, default_label_colors, listed_labels
from ctlab.io.labels import LabelMap, label_array
from ctlab.plot.labels import draw_labels
from ctlab.widgets._controls import browser_link, opacity_control
from ctlab.widgets.views import SliceView

__all__ = ["LabelLayer", "LabelTraits", "label_layer", "label_traits"]

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
#: What the Okabe-Ito colours are called (Okabe & Ito 2008), for screen readers.
_COLOUR_NAMES = dict(
    zip(
        OKABE_ITO,
        ("orange", "sky blue", "bluish green", "yellow", "blue", "vermillion", "reddish purple"),
        strict=True,
    )
)


@dataclass(frozen=True)
class LabelLayer:
    """A label volume ready for a :class:`SliceView`: its values, and one record per label."""

    volume: npt.NDArray[np.integer]
    records: list[dict[str, Any]]


def label_layer(
    labels: LabelMap | npt.ArrayLike,
    image: CTImage,
    names: Mapping[int, str] | None = None,
    colors: Mapping[int, str] | None = None,
) -> LabelLayer:
    """Check ``labels`` against ``image`` and name and colour each label.

    Names and colours come from ``names`` / ``colors``, else the LabelMap's,
    else ``"label <value>"`` and the Okabe-Ito palette in label order.

    Raises
    ------
    LabelError
        If ``labels`` is not an integer array of ``image.hu``'s shape, or a
        colour is not ``"#RRGGBB"``.
    """
    values = label_array(labels, image)
    if values.size and (int(values.min()) < 0 or int(values.max()) > np.iinfo(np.uint16).max):
        raise LabelError(
            f"labels must lie in 0..65535 (0 = background), got {values.min()}..{values.max()}; "
            "renumber them"
        )
    volume = values.astype(np.uint8 if values.size == 0 or values.max() <= 255 else np.uint16)
    given_names = {**dict(getattr(labels, "names", {})), **dict(names or {})}
    given_colors = {**dict(getattr(labels, "colors", {})), **dict(colors or {})}
    records = []
    for value, fallback in default_label_colors(listed_labels(volume, given_names)).items():
        color = str(given_colors.get(value, fallback))
        if not _HEX.fullmatch(color):
            raise LabelError(f"label_colors[{value}] must be a colour as '#RRGGBB', got {color!r}")
        name = str(given_names.get(value, f"label {value}"))
        records.append({"value": value, "name": name, "color": color.upper()})
    return LabelLayer(volume, records)


def label_traits(layer: LabelLayer | None) -> dict[str, Any]:
    """The SliceView arguments that carry ``layer`` (none without labels), every label shown."""
    if layer is None:
        return {}
    return {
        "labels": layer.volume,
        "_labels": layer.records,
        "labels_shown": [record["value"] for record in layer.records],
    }


class LabelTraits(traitlets.HasTraits):  # type: ignore[misc]
    """The label traits of a widget with a label map, kept in step with its SliceView.

    ``labels_shown`` (label values drawn), ``label_outline`` (outline or
    filled) and ``label_opacity`` (0..1, for filled labels).
    """

    labels_shown = traitlets.List(traitlets.Int())
    label_outline = traitlets.Bool(True)
    label_opacity = traitlets.Float(0.5)

    def _label_controls(self, view: SliceView, layer: LabelLayer) -> ipywidgets.Widget:
        """The controls of ``view``'s labels: style, opacity, one toggle a label."""
        style = ipywidgets.Checkbox(
            view.label_outline,
            description="label outlines (off: filled)",
            indent=False,
            layout=ipywidgets.Layout(width="auto"),
        )
        style.add_class("ctlab-label-outline")
        # Style and opacity reach the canvas in the browser, without the kernel.
        browser_link(view, "label_outline", style)
        opacity = opacity_control(
            view,
            "label_opacity",
            label="label opacity",
            aria_label="opacity of the filled labels, 0 to 1",
            name="label-opacity",
        )
        self._label_boxes: dict[int, ipywidgets.Checkbox] = {}
        rows = []
        for record in layer.records:
            value = record["value"]
            toggle = ipywidgets.Checkbox(
                value in view.labels_shown,
                description=f"{record['name']} ({value})",
                indent=False,
                layout=ipywidgets.Layout(width="auto"),
            )
            toggle.add_class(f"ctlab-label-{value}")
            toggle.observe(self._label_toggled, "value")
            self._label_boxes[value] = toggle
            color = record["color"]
            said = f"{_COLOUR_NAMES[color]} ({color})" if color in _COLOUR_NAMES else color
            swatch = ipywidgets.HTML(
                f'<span class="ctlab-swatch" role="img" aria-label="colour {said}" '
                f'style="background:{color}"></span>'
            )
            # A gap after each label, so a swatch sits by its own name only.
            gap = ipywidgets.Layout(width="auto", margin="0 14px 0 0")
            rows.append(ipywidgets.HBox([swatch, toggle], layout=gap))
        heading = ipywidgets.HTML("<b>labels</b>")
        box = ipywidgets.VBox(
            [
                heading,
                ipywidgets.HBox([style, opacity], layout=ipywidgets.Layout(flex_flow="row wrap")),
                ipywidgets.HBox(rows, layout=ipywidgets.Layout(flex_flow="row wrap")),
            ]
        )
        box.add_class("ctlab-labels")
        return box

    def _label_behaviours(self, view: SliceView) -> list[dict[str, Any]]:
        """What the toggles do in Python, for a saved page (:mod:`ctlab.widgets.page`)."""
        boxes = getattr(self, "_label_boxes", {})
        if not boxes:
            return []
        return [{"kind": "labels", "boxes": [[b, v] for v, b in boxes.items()], "view": view}]

    def _draw_labels_on(self, ax: Axes, view: SliceView) -> None:
        """Draw ``view``'s labels, as shown now, over its slice in ``ax`` (the static picture)."""
        if view._label_volume is None:
            return
        records = [r for r in view._labels if r["value"] in set(view.labels_shown)]
        draw_labels(
            ax,
            view._label_volume[view.slice_index],
            {record["value"]: record["color"] for record in records},
            outline=view.label_outline,
            opacity=view.label_opacity,
            names={record["value"]: record["name"] for record in records},
        )

    def _link_labels(self, view: SliceView) -> None:
        """Keep the traits and ``view``'s in step, starting from the view's."""
        for name in ("labels_shown", "label_outline", "label_opacity"):
            traitlets.link((view, name), (self, name))

    def _label_toggled(self, _change: dict[str, Any]) -> None:
        self.labels_shown = [value for value, box in self._label_boxes.items() if box.value]

    @traitlets.observe("labels_shown")
    def _labels_shown_changed(self, change: dict[str, Any]) -> None:
        for value, box in getattr(self, "_label_boxes", {}).items():
            box.value = value in change["new"]

    @traitlets.validate("label_opacity")
    def _valid_label_opacity(self, proposal: dict[str, Any]) -> float:
        value = float(proposal["value"])
        # A slider's float arithmetic may overshoot an end by an ulp: clip that.
        if not -1e-9 <= value <= 1 + 1e-9:
            raise traitlets.TraitError(f"label_opacity must be between 0 and 1, got {value}")
        return min(max(value, 0.0), 1.0)
