"""Browser code of the widgets: each view's ES module, with the shared code in front.

anywidget ships one ES module per widget class as a string. The VOI
functions (``voi.js``) and the window formatting and steps
(``window_steps.js``) are shared by every view, so they are prepended to
each view's module here instead of being copied into it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def bundle(module: str) -> str:
    """``voi.js`` and ``window_steps.js`` followed by ``module`` (a .js file beside this one)."""
    return "\n".join((_HERE / name).read_text() for name in ("voi.js", "window_steps.js", module))


@cache
def stylesheet() -> str:
    """The widgets' shared CSS."""
    return (_HERE / "widgets.css").read_text()
