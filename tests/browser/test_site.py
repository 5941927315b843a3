"""Executed notebooks as web pages, offline: nbconvert of notebook 02 and `ctlab site`.

Every request but the page itself is aborted; each ctlab widget in a page is
its own self-contained page in an iframe, and must paint. Plain
``jupyter nbconvert --to html`` gives live widgets when the notebook holds no
saved widget state: saved by JupyterLab (which does not save widget state by
default), or executed with ``--ExecutePreprocessor.store_widget_state=False``.
Its lab template still links require.js and MathJax from a CDN: offline those
two loads fail (a console line each) and nothing else breaks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ctlab
from tests.helpers import harness
from tests.helpers.harness import open_offline
from tests.helpers.pages import CANVAS, assert_exact

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
def executed_without_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jupyter nbconvert --execute --ExecutePreprocessor.store_widget_state=False --to html`."""
    folder = tmp_path_factory.mktemp("nbconvert-execute")
    copy = folder / NOTEBOOK_02.name
    copy.write_bytes(NOTEBOOK_02.read_bytes())
    run(
        sys.executable,
        "-m",
        "jupyter",
        "nbconvert",
        "--execute",
        "--ExecutePreprocessor.store_widget_state=False",
        "--to",
        "html",
        str(copy),
        cwd=folder,
    )
    return copy.with_suffix(".html")


@pytest.fixture
def saved_by_jupyterlab(lab, page, tmp_path) -> Path:
    """Notebook 02 run and saved in JupyterLab, then plain `jupyter nbconvert --to html`."""
    import nbformat

    harness.copy_notebooks(REPO / "notebooks", lab.root)
    name = f"notebooks/{NOTEBOOK_02.name}"
    harness.open_notebook(page, lab, name)
    harness.run_all_cells(page, timeout=150)
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    page.wait_for_function(
        "() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000
    )
    saved = nbformat.read(lab.root / name, as_version=4)
    outputs = [o for cell in saved.cells for o in cell.get("outputs", [])]
    assert any("ctlab-page-frame" in o.get("data", {}).get("text/html", "") for o in outputs)
    assert "widgets" not in saved.metadata, "JupyterLab saved the widget state"
    copy = tmp_path / NOTEBOOK_02.name
    copy.write_bytes((lab.root / name).read_bytes())  # the file as JupyterLab saved it
    run(sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", str(copy), cwd=tmp_path)
    return copy.with_suffix(".html")


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


def assert_formulas_drawn(page: Any, screenshot: Path) -> None:
    """Notebook 02's formulas are MathML the browser lays out: the paragraph that defines the
    linear function and its displayed formula have no TeX left, and every formula has a size."""
    definition = page.locator("p", has_text="defines exactly how a viewer turns a value")
    displayed = page.locator("p:has(math[display=block])", has=page.locator("mtable"))
    for paragraph in (definition, displayed):
        paragraph.scroll_into_view_if_needed()
        text = paragraph.inner_text()
        assert "$" not in text and "\\" not in text, text
        formulas = paragraph.locator("math")
        assert formulas.count() > 0
        for index in range(formulas.count()):
            box = formulas.nth(index).bounding_box()
            assert box is not None and box["width"] > 0 and box["height"] > 0, box
    line = definition.locator("math").first.bounding_box()
    cases = displayed.locator("math").bounding_box()
    # Three rows with fractions: laid out as a table, the formula is several lines tall,
    # and its brace stretches over the rows (a font with a MATH table was found).
    assert line is not None and cases is not None and cases["height"] > 3 * line["height"]
    brace = displayed.locator("mo[fence=true]").first.bounding_box()
    assert brace is not None and brace["height"] > 0.8 * cases["height"], (brace, cases)
    harness.screenshot(page.locator(".jp-MarkdownCell", has=displayed), screenshot)


def test_nbconvert_of_notebook_02_has_live_widgets(browser, converted, screenshots):
    page, log, aborted = open_offline(browser, converted)
    try:
        assert_formulas_drawn(page, screenshots / "nb02-formulas.png")
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
            if path.name == "02-window-and-level.html":
                assert_formulas_drawn(page, screenshots / "site-formulas.png")
            harness.screenshot(page, screenshots / f"site-{path.stem}.png")
            assert not log.problems(), f"{path.name}: {log.report()}"
            assert aborted == [], f"{path.name} asked the network for {aborted}"
        finally:
            page.context.close()
    assert widgets >= 1


#: What the lab template links from a CDN; offline each load fails, harmlessly.
CDN_SCRIPTS = (
    "https://cdnjs.cloudflare.com/ajax/libs/require.js/",
    "https://cdnjs.cloudflare.com/ajax/libs/mathjax/",
)


def assert_live_offline(browser: Any, path: Path, screenshot: Path) -> None:
    """Notebook 02's export: its explorer paints exactly, a slider key repaints it; the only
    problems are the failed loads of the template's CDN scripts, and no page error."""
    page, log, aborted = open_offline(browser, path)
    try:
        frames = frames_paint(page)
        assert frames, "notebook 02 shows a WindowExplorer"
        frame = frames[0]
        hu = ctlab.data.abdomen().hu
        assert_exact(frame, hu)
        before = harness.canvas_pixels(frame, CANVAS)
        frame.locator("input.ctlab-slider-center").focus()
        for _ in range(3):
            frame.page.keyboard.press("ArrowRight")
        harness.wait_for_pixels_change(frame, CANVAS, before)
        shown = assert_exact(frame, hu)
        assert shown["center"] > 40
        harness.screenshot(page.locator("iframe.ctlab-page-frame").first, screenshot)
        assert all(url.startswith(CDN_SCRIPTS) for url in aborted), aborted
        assert log.errors == [], log.report()
        failed = [m for m in log.problems() if "Failed to load resource" in m]
        assert len(failed) == len(aborted) and len(log.problems()) == len(failed), log.report()
    finally:
        page.context.close()


def test_plain_nbconvert_execute_without_widget_state_has_live_widgets(
    browser, executed_without_state, screenshots
):
    assert_live_offline(browser, executed_without_state, screenshots / "nb02-execute.png")


def test_plain_nbconvert_of_a_notebook_saved_by_jupyterlab_has_live_widgets(
    browser, saved_by_jupyterlab, screenshots
):
    assert_live_offline(browser, saved_by_jupyterlab, screenshots / "nb02-jupyterlab.png")
