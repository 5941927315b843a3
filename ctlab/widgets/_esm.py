"""Browser code of the widgets: each view's ES module, with the shared VOI code in front.

anywidget ships one ES module per widget class as a string. The VOI
functions (``voi.js``) are shared by every view, so they are prepended to
each view's module here instead of being copied into it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


@cache
def bundle(module: str) -> str:
    """``voi.js`` followed by ``module`` (a .js file beside this one)."""
    return (_HERE / "voi.js").read_text() + "\n" + (_HERE / module).read_text()


@cache
def stylesheet() -> str:
    """The widgets' shared CSS."""
    return (_HERE / "widgets.css").read_text()
