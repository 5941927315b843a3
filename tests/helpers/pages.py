"""Saved widget pages opened offline in Chromium, and checks that their canvases window exactly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from tests.browser.explorer_page import assert_shows, expected_grey
from tests.helpers import harness

#: Every ctlab slice canvas in a page (a saved page holds one widget; a site page several).
CANVAS = "canvas.ctlab-slice-canvas"


def open_offline(
    browser: Any, path: Path, *, init_script: str | None = None
) -> tuple[Any, harness.ConsoleLog, list[str]]:
    """Open ``path`` from disk, aborting every other request; return page, log, aborted URLs.

    ``init_script`` runs in the page before any of its own scripts (e.g. to time its first paint).
    """
    log = harness.ConsoleLog()
    page = harness.new_page(browser, log=log)
    url = path.resolve().as_uri()
    aborted: list[str] = []

    def only_the_file(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_file)
    if init_script is not None:
        page.add_init_script(init_script)
    page.goto(url)
    return page, log, aborted


def wait_painted(page: Any, index: int = 0, **expected: Any) -> dict[str, Any]:
    """Wait until the ``index``-th slice canvas says it shows ``expected``; return what it shows."""
    page.wait_for_function(
        """([selector, index, expected]) => {
            const value = document.querySelectorAll(selector)[index]?.getAttribute('data-painted');
            if (!value) return false;
            const painted = JSON.parse(value);
            return Object.entries(expected).every(([key, v]) => painted[key] === v);
        }""",
        arg=[CANVAS, index, expected],
        timeout=10_000,
    )
    shown = harness.painted(page, CANVAS, index)
    assert shown is not None
    return shown


def assert_exact(page: Any, hu: np.ndarray, index: int = 0) -> dict[str, Any]:
    """The canvas shows exactly apply_window of ``hu`` for the window it says it paints."""
    shown = wait_painted(page, index)
    assert_shows(harness.canvas_pixels(page, CANVAS, index), expected_grey(hu, shown))
    return shown
