"""Executed notebooks as web pages, offline: nbconvert of notebook 02 and `ctlab site`.

Every request but the page itself is aborted; each ctlab widget in a page is
its own self-contained page in an iframe, and must paint.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ctlab
from tests.browser.test_pages import CANVAS, assert_exact, open_offline
from tests.helpers import harness

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK_02 = REPO / "notebooks" / "02-window-and-level.ipynb"
# A small subset keeps the test short: the widget lesson and one with figures only.
SITE_NOTEBOOKS = [REPO / "notebooks" / "01-hounsfield-scale.ipynb", NOTEBOOK_02]

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def run(*command: str, cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Notebook 02 executed with nbclient, then converted by the nbconvert command."""
    import nbformat
    from nbclient import NotebookClient

    folder = tmp_path_factory.mktemp("nbconvert")
    notebook = nbformat.read(NOTEBOOK_02, as_version=4)
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(NOTEBOOK_02.parent)}},
    ).execute()
    executed = folder / NOTEBOOK_02.name
    nbformat.write(notebook, executed)
    run(
        sys.executable,
        "-m",
        "jupyter",
        "nbconvert",
        "--to",
        "html",
        "--Exporter.preprocessors=ctlab.widgets.site.PagesFirst",
        "--HTMLExporter.require_js_url=",
        "--HTMLExporter.mathjax_url=",
        str(executed),
        cwd=folder,
    )
    return executed.with_suffix(".html")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    run(
        sys.executable,
        "-m",
        "ctlab",
        "site",
        *map(str, SITE_NOTEBOOKS),
        "-o",
        str(folder),
        cwd=folder,
    )
    return folder


def frames_paint(page: Any) -> list[Any]:
    """Every ctlab page in ``page`` paints each of its slice canvases; return the frames."""
    frames = page.locator("iframe.ctlab-page-frame")
    found = []
    for index in range(frames.count()):
        frame = frames.nth(index).element_handle().content_frame()
        frame.wait_for_function(
            """(selector) => {
                const canvases = [...document.querySelectorAll(selector)];
                return canvases.length > 0 && canvases.every((c) => c.hasAttribute('data-painted'));
            }""",
            arg=CANVAS,
            timeout=15_000,
        )
        for canvas in range(frame.locator(CANVAS).count()):
            pixels = harness.canvas_pixels(frame, CANVAS, canvas)
            assert pixels[..., :3].std() > 10, f"canvas {canvas} of frame {index} is blank"
        found.append(frame)
    return found


def test_nbconvert_of_notebook_02_has_live_widgets(browser, converted, screenshots):
    page, log, aborted = open_offline(browser, converted)
    try:
        frames = frames_paint(page)
        assert frames, "notebook 02 shows a WindowExplorer"
        frame = frames[0]
        hu = ctlab.data.abdomen().hu
        assert_exact(frame, hu)
        frame.locator("input.ctlab-slider-width").focus()
        for _ in range(4):
            frame.page.keyboard.press("ArrowLeft")
        shown = assert_exact(frame, hu)
        assert shown["width"] < 400
        frame.locator(".ctlab-preset select").select_option("bone")
        assert_exact(frame, hu)
        harness.screenshot(page.locator("iframe.ctlab-page-frame").first, screenshots / "nb02.png")
        assert not log.problems(), log.report()
        assert aborted == []
    finally:
        page.context.close()


def test_site_pages_load_offline_and_widgets_paint(browser, site, screenshots):
    pages = sorted(site.glob("*.html"))
    assert [p.name for p in pages] == [
        "01-hounsfield-scale.html",
        "02-window-and-level.html",
        "index.html",
    ]
    widgets = 0
    for path in pages:
        page, log, aborted = open_offline(browser, path)
        try:
            page.wait_for_load_state("load")
            widgets += len(frames_paint(page))
            if path.name == "index.html":
                assert page.locator("a").count() == 2
            harness.screenshot(page, screenshots / f"site-{path.stem}.png")
            assert not log.problems(), f"{path.name}: {log.report()}"
            assert aborted == [], f"{path.name} asked the network for {aborted}"
        finally:
            page.context.close()
    assert widgets >= 1
