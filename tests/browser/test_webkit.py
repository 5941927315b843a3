"""A saved page in WebKitGTK, Safari's engine family, from file:// with no network.

Safari itself runs only on Apple systems and Playwright's own WebKit build cannot be
downloaded here, so this test drives Debian's WebKitGTK (its MiniBrowser) through
WebKitWebDriver with plain W3C WebDriver requests (urllib, no client library), on a
virtual X display from ``xvfb-run`` unless one is already set. The browser's HTTP
and HTTPS proxy is a local socket that records every connection and answers none:
a self-contained page makes none. An inline script put first into a copy of the
saved page records uncaught errors, rejected promises and ``console.error`` calls
from the start (WebKit reported an error thrown in a file:// page as "Script error.",
without its message: a failure says that one happened, not which). The page inflates
its slices with WebKit's DecompressionStream and must paint exactly what
``ctlab.apply_window`` (and ``ctlab.plot.label_pixels`` for labels) computes, after
opening and after a key, the lung preset, a label toggle and a slice scroll.

Runs where ``apt-get install -y webkit2gtk-driver xvfb`` was done, skips otherwise.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socketserver
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import ctlab
from ctlab.data.synthetic.phantom import make_phantom
from tests.browser.explorer_page import assert_shows, expected_grey
from tests.helpers import harness
from tests.helpers.label_canvas import expected_pixels

pytestmark = pytest.mark.browser

CANVAS = "canvas.ctlab-slice-canvas"
#: WebDriver's codes for the ArrowRight and ArrowDown keys.
ARROW_RIGHT = "\ue014"
ARROW_DOWN = "\ue015"
#: Runs before the page's own scripts, so errors while it loads are kept too.
RECORD_ERRORS = """<script>
window.ctlabErrors = [];
addEventListener("error", (event) => ctlabErrors.push(`error: ${event.message}`));
addEventListener("unhandledrejection", (event) => ctlabErrors.push(`rejection: ${event.reason}`));
const consoleError = console.error.bind(console);
console.error = (...args) => { ctlabErrors.push(`console.error: ${args.join(" ")}`); consoleError(...args); };
</script>"""


class WebDriverError(AssertionError):
    """WebKitWebDriver answered a command with an error."""


class Session:
    """One WebDriver session: ``call`` sends a command and returns its ``value``."""

    def __init__(self, base: str, capabilities: dict[str, Any]) -> None:
        self.base = base
        started = self.post("/session", {"capabilities": {"alwaysMatch": capabilities}})
        self.path = f"/session/{started['sessionId']}"

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._send("POST", path, body)

    def _send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            raise WebDriverError(
                f"{method} {path}: {error.read().decode(errors='replace')}"
            ) from None

    def run(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body; ``arguments`` holds ``args``) in the page."""
        return self.post(f"{self.path}/execute/sync", {"script": script, "args": list(args)})

    def open(self, url: str) -> None:
        self.post(f"{self.path}/url", {"url": url})

    def press(self, key: str) -> None:
        """Press and release ``key`` on whatever element has the focus."""
        keys = [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self.post(
            f"{self.path}/actions",
            {"actions": [{"type": "key", "id": "keyboard", "actions": keys}]},
        )
        self._send("DELETE", f"{self.path}/actions")

    def click(self, selector: str) -> None:
        found = self.post(f"{self.path}/element", {"using": "css selector", "value": selector})
        (element,) = found.values()
        self.post(f"{self.path}/element/{element}/click", {})

    def close(self) -> None:
        self._send("DELETE", self.path)


class ConnectionRecorder(socketserver.ThreadingTCPServer):
    """A local socket that keeps the first line of every connection and closes it."""

    daemon_threads = True

    def __init__(self) -> None:
        self.seen: list[str] = []
        recorder = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                first = self.request.recv(4096).split(b"\r\n", 1)[0]
                recorder.seen.append(first[:120].decode(errors="replace"))

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def address(self) -> str:
        host, port = self.server_address[:2]
        return f"{host}:{port}"


@pytest.fixture(scope="module")
def webdriver() -> Iterator[str]:
    """A running WebKitWebDriver (on a virtual display when none is set); its base URL."""
    driver = shutil.which("WebKitWebDriver")
    if driver is None:
        pytest.skip(
            "WebKitWebDriver is not installed (apt-get install -y webkit2gtk-driver xvfb): no WebKit run"
        )
    port = harness.free_port()
    command = [driver, f"--port={port}"]
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        xvfb_run = shutil.which("xvfb-run")
        if xvfb_run is None:
            pytest.skip(
                "WebKitGTK needs a display and xvfb-run is not installed (apt-get install -y xvfb)"
            )
        command = [xvfb_run, "--auto-servernum", *command]
    base = f"http://127.0.0.1:{port}"
    # A session of its own, so the driver, Xvfb and the browser end together with it.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/status", timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"WebKitWebDriver did not start: {command}") from None
                time.sleep(0.1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@pytest.fixture
def webkit(webdriver: str) -> Iterator[tuple[Session, ConnectionRecorder]]:
    """A WebKit session whose every HTTP(S) request goes to a recorder instead of the network."""
    recorder = ConnectionRecorder()
    threading.Thread(target=recorder.serve_forever, daemon=True).start()
    proxy = {"proxyType": "manual", "httpProxy": recorder.address, "sslProxy": recorder.address}
    session = Session(webdriver, {"proxy": proxy})
    try:
        yield session, recorder
    finally:
        session.close()
        recorder.shutdown()
        recorder.server_close()


def wait_painted(session: Session, before: str | None) -> dict[str, Any]:
    """Wait until the canvas paints something other than ``before``; what it says and shows."""
    deadline = time.monotonic() + 15
    script = "return document.querySelector(arguments[0])?.getAttribute('data-painted') ?? null"
    while (painted := session.run(script, CANVAS)) in (None, before):
        errors = session.run("return window.ctlabErrors")
        assert not errors and time.monotonic() < deadline, f"not painted; page errors: {errors}"
        time.sleep(0.05)
    # harness's pixel reader is an arrow function taking [selector, index].
    shown = session.run(f"return ({harness._PIXELS_JS})(arguments[0])", [CANVAS, 0])
    pixels = np.frombuffer(base64.b64decode(shown["data"]), np.uint8)
    return {
        "raw": painted,
        "painted": json.loads(painted),
        "pixels": pixels.reshape(shown["height"], shown["width"], 4),
    }


def open_saved(session: Session, saved: Path) -> dict[str, Any]:
    """Open a copy of ``saved`` that records errors from its first line; the first paint."""
    page = saved.with_name(f"{saved.stem}-recording-errors.html")
    html = saved.read_text(encoding="utf-8")
    page.write_text(html.replace("<head>", "<head>" + RECORD_ERRORS, 1), encoding="utf-8")
    session.open(page.as_uri())
    return wait_painted(session, None)


def assert_clean(webkit: tuple[Session, ConnectionRecorder]) -> None:
    """No error in the page, no connection to the network."""
    session, recorder = webkit
    assert session.run("return window.ctlabErrors") == []
    assert recorder.seen == [], f"the page asked the network: {recorder.seen}"


def test_single_slice_page_windows_exactly_in_webkit(webkit, tmp_path):
    """The abdomen's 512 x 512 page: first paint, a key on the centre slider, a preset."""
    session, _ = webkit
    abdomen = ctlab.data.abdomen()
    first = open_saved(session, ctlab.WindowExplorer(abdomen).save_html(tmp_path / "abdomen.html"))
    session.run("document.querySelector(arguments[0]).focus()", "input.ctlab-slider-center")
    session.press(ARROW_RIGHT)
    moved = wait_painted(session, first["raw"])
    session.click(".ctlab-preset select option[value='lung']")
    lung = wait_painted(session, moved["raw"])
    assert (first["painted"]["center"], first["painted"]["width"]) == (40, 400)
    assert moved["painted"]["center"] > 40
    assert (lung["painted"]["center"], lung["painted"]["width"]) == (-600, 1500)
    for state in (first, moved, lung):
        assert_shows(state["pixels"], expected_grey(abdomen.hu, state["painted"]))
    assert_clean(webkit)


def test_labels_page_paints_labels_exactly_in_webkit(webkit, tmp_path):
    """A labelled phantom volume: outlines, the liver toggled off, another slice; all exact."""
    session, _ = webkit
    phantom = make_phantom(n_slices=3, size=128)
    widget = ctlab.WindowExplorer(phantom, labels=phantom.labels, label_names={3: "liver"})
    first = open_saved(session, widget.save_html(tmp_path / "labels.html"))
    session.click(".ctlab-label-3 input")
    toggled = wait_painted(session, first["raw"])
    session.run("document.querySelector(arguments[0]).focus()", CANVAS)
    session.press(ARROW_DOWN)
    scrolled = wait_painted(session, toggled["raw"])
    assert 3 in first["painted"]["labels"]["shown"]
    assert 3 not in toggled["painted"]["labels"]["shown"]
    assert scrolled["painted"]["slice"] == first["painted"]["slice"] + 1
    for state in (first, toggled, scrolled):
        np.testing.assert_array_equal(state["pixels"][..., 3], 255)
        np.testing.assert_array_equal(
            state["pixels"][..., :3], expected_pixels(phantom, state["painted"])
        )
    assert_clean(webkit)
