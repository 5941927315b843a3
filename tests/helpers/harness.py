"""Drive JupyterLab in Debian's Chromium: a plain module, usable from tests and from bench/.

Everything here is a function or a context manager; ``conftest.py`` only wraps them
in pytest fixtures. Typical use::

    with jupyterlab(folder) as lab, chromium() as browser:
        page = new_page(browser)
        write_notebook(folder / "demo.ipynb", ["import ipywidgets", "ipywidgets.IntSlider()"])
        open_notebook(page, lab, "demo.ipynb")
        run_all_cells(page)
        pixels = canvas_pixels(page, "canvas.ctlab-slice-canvas")

Facts this relies on (see /work/shared/BROWSER_TESTS.md): Playwright's own browser
download does not work here, so Playwright drives the system ``chromium`` binary;
``--LabApp.expose_app_in_browser=True`` makes ``window.jupyterapp`` available, through
which cells are run and their outputs read.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1400, "height": 1000}
INSTALL_HINT = "needs Debian's chromium: apt-get install -y chromium"


class HarnessError(RuntimeError):
    """The server, the browser or the notebook did not do what the harness waited for."""


def chromium_path() -> str | None:
    """The system Chromium binary, or None when it is not installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- server


@dataclass
class LabServer:
    """A running JupyterLab: where it listens, its token, the folder it serves."""

    url: str
    token: str
    root: Path
    process: subprocess.Popen[bytes]
    log_path: Path

    def notebook_url(self, name: str) -> str:
        """The address that opens ``name`` (relative to ``root``) in a fresh workspace."""
        return f"{self.url}/lab/tree/{name}?token={self.token}&reset"

    def log(self) -> str:
        """What the server printed so far (for failure messages)."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""


def isolated_env(state: Path) -> dict[str, str]:
    """This process's environment with Jupyter's, IPython's and matplotlib's state under ``state``."""
    env = dict(os.environ)
    for variable, name in [
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ]:
        folder = state / name
        folder.mkdir(parents=True, exist_ok=True)
        env[variable] = str(folder)
    labconfig = state / "config" / "labconfig"
    labconfig.mkdir(parents=True, exist_ok=True)
    (labconfig / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextmanager
def jupyterlab(root: Path | str, *, timeout: float = 90.0) -> Iterator[LabServer]:
    """Start JupyterLab serving ``root`` on a free localhost port; stop it on exit.

    Configuration, runtime, settings, workspaces, IPython and matplotlib state live in
    a temporary folder, so runs share nothing. Only the process started here is
    terminated at the end.
    """
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    token = base64.b32encode(os.urandom(20)).decode().lower()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="ctlab-lab-") as state_name:
        state = Path(state_name)
        log_path = state / "server.log"
        command = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            "--port-retries=0",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.allow_root=True",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command, cwd=root, env=isolated_env(state), stdout=log, stderr=subprocess.STDOUT
            )
        server = LabServer(url=url, token=token, root=root, process=process, log_path=log_path)
        try:
            _wait_for_status(server, timeout)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _wait_for_status(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    status_url = f"{server.url}/api/status?token={server.token}"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise HarnessError(
                f"JupyterLab exited with code {server.process.returncode}:\n{server.log()}"
            )
        try:
            with urllib.request.urlopen(status_url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise HarnessError(f"JupyterLab did not answer /api/status in {timeout} s:\n{server.log()}")


# --------------------------------------------------------------------------- browser


@contextmanager
def chromium(*, headless: bool = True) -> Iterator[Any]:
    """Launch the system Chromium through Playwright; yields a ``playwright`` Browser."""
    executable = chromium_path()
    if executable is None:
        raise HarnessError(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=headless
        )
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class ConsoleLog:
    """Console messages and uncaught page errors, collected while a page lives."""

    messages: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> ConsoleLog:
        page.on("console", lambda message: self.messages.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        return self

    def problems(self) -> list[str]:
        """Page errors and console errors (what a failing test should print)."""
        return self.errors + [m for m in self.messages if m.startswith("error:")]

    def report(self) -> str:
        lines = ["page errors:", *self.errors, "console:", *self.messages]
        return "\n".join(lines)


def new_page(browser: Any, *, log: ConsoleLog | None = None) -> Any:
    """A page in a fresh context with a 1400 x 1000 viewport (no tracing)."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    if log is not None:
        log.attach(page)
    return page


def open_offline(
    browser: Any, path: Path, *, init_script: str | None = None
) -> tuple[Any, ConsoleLog, list[str]]:
    """Open ``path`` from disk, aborting every other request; return page, log, aborted URLs.

    ``init_script`` runs in the page before any of its own scripts (e.g. to time its first paint).
    """
    log = ConsoleLog()
    page = new_page(browser, log=log)
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


# --------------------------------------------------------------------------- notebooks


def write_notebook(path: Path | str, cells: Sequence[str]) -> Path:
    """Write a notebook of code cells (python3 kernel) and return its path."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [nbformat.v4.new_code_cell(source) for source in cells]
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def copy_notebooks(source: Path | str, root: Path | str, *, name: str = "notebooks") -> Path:
    """Copy a notebooks folder into the served folder (JupyterLab writes into what it serves)."""
    target = Path(root) / name
    shutil.copytree(
        source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".ipynb_checkpoints")
    )
    return target


_CURRENT = "window.jupyterapp.shell.currentWidget"


def open_notebook(page: Any, server: LabServer, name: str, *, timeout: float = 60.0) -> None:
    """Open ``name`` in JupyterLab and wait until its kernel is idle."""
    page.goto(server.notebook_url(name))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=timeout * 1000)
    page.wait_for_function(
        f"""() => {{
            const w = {_CURRENT};
            return w && w.sessionContext && w.context && w.context.path.endsWith({json.dumps(name)})
                && w.sessionContext.session && w.sessionContext.session.kernel
                && w.sessionContext.session.kernel.status === 'idle';
        }}""",
        timeout=timeout * 1000,
    )


def wait_for_idle(page: Any, *, timeout: float = 60.0) -> None:
    """Wait until the current notebook's kernel reports ``idle``."""
    page.wait_for_function(
        f"() => {_CURRENT}.sessionContext.session.kernel.status === 'idle'",
        timeout=timeout * 1000,
    )


def run_all_cells(page: Any, *, timeout: float = 120.0) -> None:
    """Run every cell of the current notebook; return when all ran and the kernel is idle.

    Raises HarnessError naming the cell when a cell raised (JupyterLab then stops
    running the cells below it).
    """
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        f"""() => {{
            const nb = {_CURRENT}.content;
            const code = nb.widgets.filter(c => c.model.type === 'code');
            const failed = code.some(c => c.model.outputs.toJSON().some(
                o => o.output_type === 'error'));
            const done = code.every(c => c.model.executionCount !== null);
            return (failed || done)
                && {_CURRENT}.sessionContext.session.kernel.status === 'idle';
        }}""",
        timeout=timeout * 1000,
    )
    wait_for_idle(page, timeout=timeout)
    errors = page.evaluate(
        f"""() => {_CURRENT}.content.widgets.map((c, i) => [i, c.model.type === 'code'
            ? c.model.outputs.toJSON().filter(o => o.output_type === 'error') : []])
            .filter(([i, e]) => e.length)
            .map(([i, e]) => `cell ${{i}}: ${{e[0].ename}}: ${{e[0].evalue}}`)"""
    )
    if errors:
        raise HarnessError("a cell raised:\n" + "\n".join(errors))


def run_cell(page: Any, index: int, *, timeout: float = 60.0) -> str:
    """Run cell ``index`` of the current notebook (as a user would) and return its text output."""
    before = page.evaluate(f"(i) => {_CURRENT}.content.widgets[i].model.executionCount", index)
    page.evaluate(
        f"""async (i) => {{
            const nb = {_CURRENT}.content;
            nb.activeCellIndex = i;
            nb.deselectAll();
            await window.jupyterapp.commands.execute('notebook:run-cell');
        }}""",
        index,
    )
    page.wait_for_function(
        f"""([i, before]) => {{
            const count = {_CURRENT}.content.widgets[i].model.executionCount;
            return count !== null && count !== before
                && {_CURRENT}.sessionContext.session.kernel.status === 'idle';
        }}""",
        arg=[index, before],
        timeout=timeout * 1000,
    )
    return cell_output_text(page, index)


def run_cell_until(
    page: Any, index: int, expected: Callable[[str], bool], *, timeout: float = 15.0
) -> str:
    """Run cell ``index`` again until ``expected(output)`` holds; return the last output.

    ipywidgets keeps one state update in flight and queues the rest, so an execute
    request sent right after a burst of slider moves can reach the kernel before the
    last move does: Python follows, but possibly a moment later.
    """
    deadline = time.monotonic() + timeout
    while True:
        output = run_cell(page, index)
        if expected(output) or time.monotonic() > deadline:
            return output
        time.sleep(0.1)


def cell_output_text(page: Any, index: int) -> str:
    """The text of cell ``index``'s outputs: streams, text/plain results and errors."""
    outputs = page.evaluate(f"(i) => {_CURRENT}.content.widgets[i].model.outputs.toJSON()", index)
    parts = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream":
            parts.append(_text(output.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            parts.append(_text(output.get("data", {}).get("text/plain", "")))
        elif kind == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "".join(parts)


def _text(value: str | list[str]) -> str:
    return value if isinstance(value, str) else "".join(value)


def append_and_run(page: Any, source: str, *, timeout: float = 60.0) -> str:
    """Add a code cell with ``source`` at the end of the notebook, run it, return its output."""
    index = page.evaluate(
        f"""(source) => {{
            const nb = {_CURRENT}.content;
            nb.model.sharedModel.insertCell(nb.model.cells.length,
                {{cell_type: 'code', source: source}});
            return nb.model.cells.length - 1;
        }}""",
        source,
    )
    return run_cell(page, index, timeout=timeout)


def shutdown_kernel(page: Any) -> None:
    """Shut down the current notebook's kernel (frees the CPU for the next test)."""
    page.evaluate(
        f"""async () => {{
            const w = window.jupyterapp && {_CURRENT};
            if (w && w.sessionContext) await w.sessionContext.shutdown();
        }}"""
    )


# --------------------------------------------------------------------------- pixels


_PIXELS_JS = """([selector, index]) => {
    const canvas = document.querySelectorAll(selector)[index];
    if (!canvas) return null;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let binary = '';
    for (let i = 0; i < data.length; i += 0x8000) {
        binary += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
    }
    return {width: canvas.width, height: canvas.height, data: btoa(binary)};
}"""


def canvas_pixels(page: Any, selector: str, index: int = 0) -> np.ndarray:
    """RGBA pixels of the ``index``-th canvas matching ``selector``, shape (rows, columns, 4)."""
    result = page.evaluate(_PIXELS_JS, [selector, index])
    if result is None:
        raise HarnessError(f"no canvas number {index} matches {selector!r}")
    flat = np.frombuffer(base64.b64decode(result["data"]), dtype=np.uint8)
    return flat.reshape(result["height"], result["width"], 4)


def region_mean(
    pixels: np.ndarray, rows: slice | None = None, columns: slice | None = None
) -> float:
    """Mean of the R channel over a region (default: the whole canvas)."""
    return float(pixels[rows or slice(None), columns or slice(None), 0].mean())


def wait_for_pixels_change(
    page: Any, selector: str, before: np.ndarray, *, index: int = 0, timeout: float = 10.0
) -> np.ndarray:
    """Poll the canvas until its pixels differ from ``before``; return the new pixels."""
    deadline = time.monotonic() + timeout
    while True:
        now = canvas_pixels(page, selector, index)
        if now.shape != before.shape or not np.array_equal(now, before):
            return now
        if time.monotonic() > deadline:
            raise HarnessError(f"the canvas {selector!r} did not change in {timeout} s")
        time.sleep(0.05)


def painted(page: Any, selector: str, index: int = 0) -> dict[str, Any] | None:
    """The JSON of the canvas's ``data-painted`` attribute (what it shows), or None."""
    value = page.locator(selector).nth(index).get_attribute("data-painted")
    return None if value is None else json.loads(value)


# --------------------------------------------------------------------------- screenshots


def screenshot(target: Any, path: Path | str) -> Path:
    """Save a PNG of a page, or of one element (a Locator) clipped to its box, to ``path``.

    JupyterLab scrolls the notebook inside a panel, so an element taller than that
    panel would come out overlaid by the menu and status bars: the viewport is made
    tall enough for the element while the picture is taken, then restored.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = getattr(target, "page", None)
    if page is None:
        target.screenshot(path=str(path))
        return path
    size = page.viewport_size
    box = target.bounding_box()
    chrome = 250  # menu, tab and tool bars above the notebook, status bar below
    needed = int(box["height"]) + chrome if box else 0
    try:
        if size and needed > size["height"]:
            page.set_viewport_size({"width": size["width"], "height": needed})
            page.wait_for_timeout(300)  # JupyterLab lays the panels out again
        target.scroll_into_view_if_needed()
        target.screenshot(path=str(path))
    finally:
        if size and needed > size["height"]:
            page.set_viewport_size(size)
    return path


def trim_margins(source: Path | str, target: Path | str, *, pad: int = 8) -> Path:
    """Copy a PNG without its blank right and bottom margins (keeping ``pad`` pixels)."""
    from PIL import Image

    with Image.open(source) as picture:
        rgb = np.asarray(picture.convert("RGB"))
    background = rgb[-1, -1]
    content = (rgb != background).any(axis=-1)
    # A line or two (a cell border) does not count as content.
    rows = np.flatnonzero(content.sum(axis=1) > 2)
    columns = np.flatnonzero(content.sum(axis=0) > 2)
    bottom = min(rgb.shape[0], int(rows[-1]) + 1 + pad) if rows.size else rgb.shape[0]
    right = min(rgb.shape[1], int(columns[-1]) + 1 + pad) if columns.size else rgb.shape[1]
    target = Path(target)
    Image.fromarray(rgb[:bottom, :right]).save(target, optimize=True)
    return target
