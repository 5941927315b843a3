"""A widget as one self-contained web page: the same browser code, no kernel, no network.

:meth:`SavedPage.save_html` writes the widget into a single ``.html`` file
that works opened from disk, offline: the views' own ES modules (bundled
with a small in-page model, ``page.js``) run on the widget's state and its
HU slices embedded in the page (int16, deflated, base64), and a label map's
slices beside them (uint8/uint16, the same way), so sliders, presets,
gestures, slice scrolling, the histogram and the labels (each on or off,
outlined or filled, their opacity) work as in JupyterLab.
What needs Python (loading another scan, per-slice tissue
areas) is left out of the page. The same page travels in the widget's
display bundle as ``text/html`` (an ``iframe`` with ``srcdoc``), so an
executed notebook converted to HTML keeps working sliders.
"""

from __future__ import annotations

import base64
import html
import json
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import ipywidgets
import numpy as np
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link

from ctlab.core.errors import ExportError
from ctlab.io.files import write_atomically
from ctlab.widgets._controls import PresetMenu, preset_options, preset_window
from ctlab.widgets._esm import bundle, stylesheet
from ctlab.widgets.views import HistogramView, RangeControl, SliceView, WindowControls

__all__ = [
    "BUNDLE_DEFLATE_LEVEL",
    "BUNDLE_MAX_SLICES",
    "PAGE_DEFLATE_LEVEL",
    "PageParts",
    "SavedPage",
    "kept_slices",
    "link_behaviour",
    "page_html",
    "page_iframe",
    "preset_behaviour",
    "reset_behaviour",
]

#: Slices are deflated once, when a page is saved: the smallest files win.
PAGE_DEFLATE_LEVEL = 9
#: The page in a display bundle is made at every display: zlib's fastest level
#: (a few per cent larger, far faster: bench/MEASUREMENTS.md), and at most this
#: many slices of a volume.
BUNDLE_DEFLATE_LEVEL = 1
BUNDLE_MAX_SLICES = 16

_MODULES: dict[type[Any], str] = {
    SliceView: "slice_view",
    HistogramView: "histogram_view",
    WindowControls: "window_controls",
    RangeControl: "range_control",
}
#: Model keys only the widget front end (not the views) reads.
_FRONT_END_KEYS = ("_model_", "_view_", "_esm", "_css", "_dom_classes", "layout", "tabbable")

_PAGE_CSS = """
body { font-family: sans-serif; margin: 8px; }
.ctlab-page-box { display: flex; gap: 4px; }
details.ctlab-page-box { display: block; }
.ctlab-page-control { display: inline-flex; align-items: center; gap: 4px; margin: 2px 8px 2px 0;
  font-size: 13px; max-width: 100%; }
.ctlab-page-control select { min-width: 0; max-width: 100%; }
.ctlab-page-note { color: #444; font-size: 12px; margin: 6px 0 0; }
"""


class PageParts:
    """What a page needs to know of one widget beyond its tree of ipywidgets."""

    def __init__(self, behaviours: list[dict[str, Any]], omit: tuple[Any, ...] = ()) -> None:
        self.behaviours = behaviours
        self.omit = omit


class SavedPage:
    """Mixin: ``save_html`` and the page's HTML for a ctlab widget.

    A widget names in ``_page_parts`` what its Python does in the kernel
    that the page must do instead (links kept in Python, preset menus, the
    overlay's tissue boxes), and what the page leaves out.
    """

    _page_parts: Callable[[], PageParts]

    def save_html(self, path: str | os.PathLike[str], *, max_slices: int | None = 64) -> Path:
        """Save the widget as one self-contained interactive web page; return its path.

        The page works opened from disk (``file://``) in a browser with no
        network, Python or kernel: sliders, presets, the VOI function,
        invert, drag-to-window, box auto-window, slice scrolling, the
        histogram and the readouts run the widget's own browser code.
        Nothing in the page identifies a patient (a CTImage holds no
        identifiers).

        Parameters
        ----------
        path : path-like
            The file to write, ending in ``.html``; its folder must exist.
        max_slices : int or None
            Most slices of a volume the page carries (each 512x512 slice adds
            about 100-250 KB); a longer volume is sampled at evenly spaced
            slices, and the page says so. None keeps every slice.

        Raises
        ------
        ExportError
            If ``path`` does not end in ``.html``, ``max_slices`` is not a
            positive whole number, or the file cannot be written.

        Examples
        --------
        >>> import tempfile, numpy as np
        >>> from pathlib import Path
        >>> from ctlab import WindowExplorer
        >>> explorer = WindowExplorer(np.zeros((8, 8), np.int16))
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     written = explorer.save_html(Path(folder) / "lesson.html")
        ...     print(written.suffix, written.stat().st_size > 10_000)
        .html True
        """
        target = Path(path)
        if target.suffix.lower() not in (".html", ".htm"):
            raise ExportError(
                f"save_html writes a web page: {target} must end in .html (e.g. 'lesson.html')"
            )
        text = page_html(self, max_slices=max_slices)
        write_atomically(target, lambda file: file.write(text.encode("utf-8")))
        return target


def link_behaviour(source: Any, source_key: str, target: Any, target_key: str) -> dict[str, Any]:
    """Keep two model keys equal in the page (a link Python keeps in the kernel)."""
    return {"kind": "link", "source": [source, source_key], "target": [target, target_key]}


def preset_behaviour(menu: PresetMenu, view: SliceView) -> dict[str, Any]:
    """A preset menu setting ``view``'s window in the page, as PresetMenu does in Python."""
    windows: dict[str, dict[str, Any]] = {}
    for _, key in preset_options(menu._image):
        if key:
            window = preset_window(menu._image, key)
            windows[key] = {"center": window.center, "width": window.width}
            if key.startswith("header"):
                windows[key]["function"] = window.function
    return {"kind": "preset", "menu": menu, "view": view, "windows": windows}


def reset_behaviour(button: Any, start: list[tuple[Any, dict[str, Any]]]) -> dict[str, Any]:
    """A button setting each (widget, values) pair of ``start`` back, as reset() does in Python."""
    return {"kind": "reset", "button": button, "start": [[w, values] for w, values in start]}


def _check_max_slices(max_slices: int | None) -> None:
    if max_slices is None:
        return
    if isinstance(max_slices, bool) or not isinstance(max_slices, int) or max_slices < 1:
        raise ExportError(
            f"max_slices must be a whole number >= 1 (or None for every slice), got {max_slices!r}"
        )


def kept_slices(count: int, max_slices: int | None) -> list[int]:
    """The slices a page keeps of ``count``: all, or ``max_slices`` evenly spaced ones.

    Examples
    --------
    >>> kept_slices(48, 4)
    [0, 16, 31, 47]
    >>> kept_slices(3, None)
    [0, 1, 2]
    """
    if max_slices is None or count <= max_slices:
        return list(range(count))
    return sorted({round(i) for i in np.linspace(0, count - 1, max_slices)})


def _tree(widget: Any, omit: tuple[Any, ...]) -> Iterator[Any]:
    if any(widget is left_out for left_out in omit):
        return
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _tree(child, omit)


class _Writer:
    """Turns a widget's tree into the page's data: models, slices, layout, behaviours."""

    def __init__(self, widget: SavedPage, max_slices: int | None, level: int) -> None:
        self.parts = widget._page_parts()
        self.max_slices = max_slices
        self.level = level
        self.models: dict[str, dict[str, Any]] = {}
        self.slices: dict[str, str] = {}
        self._slice_keys: dict[tuple[Any, ...], list[str]] = {}
        self.sampled: tuple[int, int] | None = None
        self.layout = self._node(widget)
        members = {id(w) for w in _tree(widget, self.parts.omit)}
        links = [
            {"kind": "link", "source": [s, sk], "target": [t, tk]}
            for link in list(_instances.values())
            if isinstance(link, Link)
            for (s, sk), (t, tk) in [(link.source, link.target)]
            if id(s) in members and id(t) in members
        ]
        self.behaviours = [_ids(b) for b in [*links, *self.parts.behaviours]]

    def _node(self, widget: Any) -> dict[str, Any] | None:
        if any(widget is left_out for left_out in self.parts.omit):
            return None
        node: dict[str, Any] = {
            "classes": list(widget._dom_classes),
            "style": _style(widget.layout),
        }
        # anywidget subclasses each widget class once more: look the module up by isinstance.
        module = next((name for kind, name in _MODULES.items() if isinstance(widget, kind)), None)
        if module is not None:
            self.models[widget.model_id] = self._state(widget)
            return {**node, "kind": "view", "module": module, "model": widget.model_id}
        if isinstance(widget, ipywidgets.Accordion):
            title = widget.titles[0] if widget.titles else ""
            return {**node, "kind": "accordion", "title": title, **self._children(widget)}
        if isinstance(widget, ipywidgets.Box):
            direction = "row" if isinstance(widget, ipywidgets.HBox) else "column"
            return {**node, "kind": "box", "direction": direction, **self._children(widget)}
        if isinstance(widget, ipywidgets.Dropdown):
            self.models[widget.model_id] = {"value": widget.value}
            options = [[label, value] for label, value in widget._options_full]
            return {
                **node,
                "kind": "select",
                "description": widget.description,
                "options": options,
                "model": widget.model_id,
            }
        if isinstance(widget, ipywidgets.Checkbox):
            self.models[widget.model_id] = {"value": widget.value}
            return {
                **node,
                "kind": "checkbox",
                "description": widget.description,
                "model": widget.model_id,
            }
        if isinstance(widget, ipywidgets.Button) and self._acts(widget):
            self.models[widget.model_id] = {}
            return {
                **node,
                "kind": "button",
                "description": widget.description,
                "tooltip": widget.tooltip or "",
                "model": widget.model_id,
            }
        if isinstance(widget, ipywidgets.HTML):
            return {**node, "kind": "html", "html": widget.value}
        return None  # outputs, and buttons acting through Python only: not in the page

    def _acts(self, button: Any) -> bool:
        """Whether a behaviour of the page answers ``button``'s clicks."""
        return any(b.get("button") is button for b in self.parts.behaviours)

    def _children(self, widget: Any) -> dict[str, Any]:
        nodes = (self._node(child) for child in widget.children)
        return {"children": [node for node in nodes if node is not None]}

    def _state(self, widget: Any) -> dict[str, Any]:
        state = {
            key: _plain(value)
            for key, value in widget.get_state().items()
            if not key.startswith(_FRONT_END_KEYS)
        }
        if isinstance(widget, SliceView):
            count = widget._volume.shape[0]
            kept = kept_slices(count, self.max_slices)
            if len(kept) < count:
                self.sampled = (len(kept), count)
                state["_shape"] = [len(kept), *state["_shape"][1:]]
                positions = state["_slice_positions"]
                state["_slice_positions"] = [positions[i] for i in kept] if positions else []
                index = state["slice_index"]
                state["slice_index"] = min(range(len(kept)), key=lambda k: abs(kept[k] - index))
            state["_page_slices"] = self._slices_of(widget._volume, kept, widget.slice_bytes)
            if widget._label_volume is not None:
                state["_page_label_slices"] = self._slices_of(
                    widget._label_volume, kept, widget.label_slice_bytes
                )
        return state

    def _slices_of(
        self, volume: np.ndarray, kept: list[int], to_bytes: Callable[[int], memoryview]
    ) -> list[str]:
        """Keys of ``kept`` slices of ``volume`` in :attr:`slices`, each deflated once a page."""
        identity = (
            volume.__array_interface__["data"][0],
            volume.shape,
            volume.strides,
            volume.dtype.str,
            tuple(kept),
        )
        if identity not in self._slice_keys:
            keys = []
            for index in kept:
                packed = zlib.compress(to_bytes(index), self.level)
                key = f"s{len(self.slices)}"
                self.slices[key] = base64.b64encode(packed).decode("ascii")
                keys.append(key)
            self._slice_keys[identity] = keys
        return self._slice_keys[identity]


def _plain(value: Any) -> Any:
    """A model value as JSON: bytes as {"$bytes": base64}, the page's PageModel decodes them."""
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _ids(value: Any) -> Any:
    """A behaviour with each widget in it replaced by its model id."""
    if isinstance(value, ipywidgets.Widget):
        return value.model_id
    if isinstance(value, dict):
        return {key: _ids(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_ids(item) for item in value]
    return value


def _style(layout: ipywidgets.Layout) -> dict[str, str]:
    """An ipywidgets Layout as CSS properties (camelCase, as element.style takes them)."""
    style = {}
    for name in layout.keys:
        value = getattr(layout, name)
        if name.startswith("_") or not isinstance(value, str) or not value:
            continue
        head, *rest = name.split("_")
        style[head + "".join(word.title() for word in rest)] = value
    if "flexFlow" in style:
        style["flexWrap"] = "wrap" if "wrap" in style["flexFlow"] else "nowrap"
    return style


def _script(text: str) -> str:
    # Nothing inside a <script> may close it.
    return text.replace("</", "<\\/")


def page_html(
    widget: SavedPage, *, max_slices: int | None = 64, level: int = PAGE_DEFLATE_LEVEL
) -> str:
    """The self-contained page of ``widget``, slices deflated at zlib ``level`` (see save_html)."""
    _check_max_slices(max_slices)
    writer = _Writer(widget, max_slices, level)
    data = {
        "models": writer.models,
        "slices": writer.slices,
        "layout": writer.layout,
        "behaviours": writer.behaviours,
    }
    note = (
        f'<p class="ctlab-page-note">This page carries {writer.sampled[0]} evenly spaced slices '
        f"of the {writer.sampled[1]}-slice volume.</p>"
        if writer.sampled
        else ""
    )
    title = html.escape(type(widget).__name__)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">\n'
        f"<title>ctlab {title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<style>{stylesheet()}{_PAGE_CSS}</style>\n"
        "</head><body>\n"
        f'<div id="ctlab-page-root"></div>{note}\n'
        f'<script type="application/json" id="ctlab-page-data">{_script(json.dumps(data))}'
        "</script>\n"
        f'<script type="module">{_script(bundle("page.js"))}</script>\n'
        "</body></html>\n"
    )


def page_iframe(widget: SavedPage) -> str:
    """The page for a display bundle, in an ``iframe`` (``srcdoc``) taking its content's height.

    Made at every display, so it is kept light: :data:`BUNDLE_MAX_SLICES`
    slices of a volume at most, deflated at :data:`BUNDLE_DEFLATE_LEVEL`.
    """
    page = page_html(widget, max_slices=BUNDLE_MAX_SLICES, level=BUNDLE_DEFLATE_LEVEL)
    source = html.escape(page, quote=True)
    # A srcdoc frame shares the notebook page's origin, so it can be measured from outside.
    grow = (
        "this.style.height=(this.contentDocument.documentElement.scrollHeight+4)+'px';"
        "new ResizeObserver(()=>{this.style.height="
        "(this.contentDocument.documentElement.scrollHeight+4)+'px'})"
        ".observe(this.contentDocument.body)"
    )
    return (
        f'<iframe class="ctlab-page-frame" title="ctlab {type(widget).__name__}" '
        f'style="width:100%;height:640px;border:0" onload="{html.escape(grow)}" '
        f'srcdoc="{source}"></iframe>'
    )
