"""link_windows: one window for two explorers."""

from __future__ import annotations

import ipywidgets
import traitlets

from ctlab.core.errors import InvalidWindowError
from ctlab.widgets.explorer import WindowExplorer

__all__ = ["WindowLink", "link_windows"]


class WindowLink:
    """The tie made by :func:`link_windows`; ``unlink()`` undoes it."""

    def __init__(self, a: WindowExplorer, b: WindowExplorer) -> None:
        # Python links keep the models equal; browser links make a drag in
        # one repaint the other without waiting for the kernel.
        self._links = [
            *(traitlets.link((a, name), (b, name)) for name in ("center", "width")),
            *(ipywidgets.jslink((a._view, name), (b._view, name)) for name in ("center", "width")),
        ]

    def unlink(self) -> None:
        """Let the two windows move independently again."""
        for link in self._links:
            link.unlink()
        self._links = []


def link_windows(a: WindowExplorer, b: WindowExplorer) -> WindowLink:
    """Tie the window (centre and width) of two explorers together.

    ``b`` takes ``a``'s window at once; afterwards moving either moves both,
    in the browser and in Python.

    Parameters
    ----------
    a, b : WindowExplorer

    Returns
    -------
    WindowLink
        Call ``.unlink()`` to untie them.

    Examples
    --------
    >>> import numpy as np
    >>> from ctlab import WindowExplorer, link_windows
    >>> hu = np.zeros((4, 4), dtype=np.int16)
    >>> a, b = WindowExplorer(hu, window="fat"), WindowExplorer(hu)
    >>> tie = link_windows(a, b)
    >>> b.width = 100
    >>> a.width
    100.0
    >>> tie.unlink()
    """
    for widget in (a, b):
        if not isinstance(widget, WindowExplorer):
            raise InvalidWindowError(
                f"link_windows ties two WindowExplorers, got {type(widget).__name__}"
            )
    return WindowLink(a, b)
