"""What a widget shows where no widget front end runs, and how it leaves as a file.

nbconvert to HTML or PDF, a terminal or a notebook viewer cannot run the
widget front end, so each widget's display bundle also carries its
self-contained interactive page as ``text/html`` (:mod:`ctlab.widgets.page`)
and, for viewers showing images only, a PNG of its current state drawn by
matplotlib (``ctlab.plot``).
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from ctlab.core.errors import ExportError
from ctlab.io.export import check_png_path
from ctlab.io.files import write_atomically
from ctlab.widgets.page import SavedPage, page_iframe

_DPI = 80


class StaticFallback(SavedPage):
    """Mixin giving a widget that has ``figure() -> Figure`` a PNG repr and ``to_png``.

    Its display bundle also carries the widget's self-contained page
    (:mod:`ctlab.widgets.page`) as ``text/html``, for viewers with no widget
    front end; JupyterLab with a kernel shows the widget view, which takes
    precedence.
    """

    figure: Callable[[], Figure]

    def to_png(self, path: str | os.PathLike[str], *, dpi: int = 100) -> Path:
        """Save the current view as a PNG file and return its path.

        Parameters
        ----------
        path : path-like
            The file to write; its folder must exist.
        dpi : int
            Resolution of the matplotlib figure, dots per inch (at least 1).

        Raises
        ------
        ExportError
            If ``path`` does not end in ``.png``, ``dpi`` is not a positive
            number, or the file cannot be written (e.g. its folder is missing).
        """
        target = check_png_path(path)
        if isinstance(dpi, bool) or not isinstance(dpi, (int, float)) or not dpi >= 1:
            raise ExportError(f"dpi must be a number >= 1 (dots per inch), got {dpi!r}")
        figure = self.figure()
        write_atomically(target, lambda file: figure.savefig(file, format="png", dpi=dpi))
        return target

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = super()._repr_mimebundle_(**kwargs)  # type: ignore[misc]
        buffer = io.BytesIO()
        self.figure().savefig(buffer, format="png", dpi=_DPI)
        bundle["image/png"] = base64.b64encode(buffer.getvalue()).decode("ascii")
        bundle["text/html"] = page_iframe(self)
        return bundle
