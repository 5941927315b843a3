"""pytest fixtures for the browser tests: thin wrappers around ``harness``.

One JupyterLab server and one Chromium serve the whole session; every test gets a
fresh page (its console and page errors are printed when the test fails) and shuts
its notebook's kernel down afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ctlab
from tests.browser.explorer_page import BUILD, CANVAS, STATE
from tests.helpers import harness
from tests.helpers.harness import open_offline
from tests.node_tools import NODE_MODULES, npm_ready

REPO = Path(__file__).resolve().parents[2]
README_IMAGES = REPO / "docs" / "images"


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    """The system Chromium; in CI its absence is an error, elsewhere a skip."""
    executable = harness.chromium_path()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail(
                f"CI must run the browser tests, and Chromium is missing: {harness.INSTALL_HINT}"
            )
        pytest.skip(harness.INSTALL_HINT)
    return executable


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder JupyterLab serves (notebooks are written here)."""
    return tmp_path_factory.mktemp("lab-root")


@pytest.fixture(scope="session")
def lab(chromium_executable: str, lab_root: Path) -> Iterator[harness.LabServer]:
    """One JupyterLab server for the session."""
    with harness.jupyterlab(lab_root) as server:
        yield server


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    """One headless Chromium for the session."""
    with harness.chromium() as launched:
        yield launched


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save their screenshots (under pytest's temporary folder)."""
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def readme_image() -> Callable[[Path], Path | None]:
    """Copy a screenshot, margins trimmed, to docs/images/ (for the README) when CTLAB_README_IMAGES=1."""

    def publish(shot: Path) -> Path | None:
        if os.environ.get("CTLAB_README_IMAGES") != "1":
            return None
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        target = README_IMAGES / shot.name
        harness.trim_margins(shot, target)
        return target

    return publish


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def console(request: pytest.FixtureRequest) -> Iterator[harness.ConsoleLog]:
    """The console messages and page errors of this test's page."""
    log = harness.ConsoleLog()
    yield log
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(log.report())


@pytest.fixture
def page(
    browser: Any, console: harness.ConsoleLog, screenshots: Path, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A fresh 1400 x 1000 page; on failure a full-page screenshot is saved."""
    new = harness.new_page(browser, log=console)
    yield new
    report = getattr(request.node, "report_call", None)
    try:
        if report is not None and report.failed:
            harness.screenshot(new, screenshots / f"FAILED-{request.node.name}.png")
        harness.shutdown_kernel(new)
    finally:
        new.context.close()


@pytest.fixture
def open_cells(
    lab: harness.LabServer, page: Any, request: pytest.FixtureRequest
) -> Callable[[Sequence[str]], Any]:
    """Write a notebook of these code cells, open it and run all cells; returns the page."""

    def open_and_run(cells: Sequence[str], *, timeout: float = 120.0) -> Any:
        name = f"{request.node.name.replace('[', '-').replace(']', '')}.ipynb"
        harness.write_notebook(lab.root / name, cells)
        harness.open_notebook(page, lab, name)
        harness.run_all_cells(page, timeout=timeout)
        return page

    return open_and_run


@pytest.fixture
def offline(browser: Any) -> Iterator[Callable[[Path], Any]]:
    """Open files offline (see ``open_offline``); at the end: no console problem, nothing asked of the network."""
    opened: list[tuple[Any, harness.ConsoleLog, list[str]]] = []

    def open_page(path: Path) -> Any:
        opened.append(open_offline(browser, path))
        return opened[-1][0]

    yield open_page
    for page, log, aborted in opened:
        assert not log.problems(), log.report()
        assert aborted == [], f"the page asked the network for {aborted}"
        page.context.close()


@pytest.fixture(scope="module")
def axe_script() -> str:
    """axe-core's browser script from node_modules."""
    npm_ready()
    return str(NODE_MODULES / "axe-core" / "axe.min.js")


@pytest.fixture(scope="session")
def hu() -> np.ndarray:
    """The abdominal slice in HU, as the kernel loads it."""
    return ctlab.data.abdomen().hu


@pytest.fixture
def explorer(open_cells) -> Any:
    """A page showing ``WindowExplorer(ctlab.data.abdomen())``, painted."""
    page = open_cells([BUILD, STATE])
    page.wait_for_selector(f"{CANVAS}[data-painted]", timeout=30_000)
    return page
