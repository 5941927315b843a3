"""Browser code of the widgets: each view's bundled ES module, and the shared CSS.

The views' sources are ES modules beside this file (``slice_view.js``,
``histogram_view.js``, ``window_controls.js``) importing the shared VOI
code (``voi.js``) and window formatting (``window_steps.js``). anywidget
ships one self-contained module per widget, so ``npm run build`` (esbuild)
bundles each view into ``static/``; the bundles are committed, so installing
ctlab needs no Node, and a test checks they match the sources.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def bundle(module: str) -> str:
    """The bundled ES module of the view ``module`` (``static/<module>``)."""
    return (_HERE / "static" / module).read_text()


@cache
def stylesheet() -> str:
    """The widgets' shared CSS."""
    return (_HERE / "widgets.css").read_text()
