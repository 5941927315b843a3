"""Browser rows of the benchmark: key press or mouse move to repainted pixels, in JupyterLab.

Called by ``bench/run.py``; runs on its own too::

    python bench/browser.py [--moves 60]

One JupyterLab server and one headless Chromium (Debian's, through
Playwright and ``tests/helpers/harness.py``) show a notebook holding

- ``ctlab.WindowExplorer`` over a 512 x 512 slice,
- the common notebook pattern it replaces: ``ipywidgets.interact`` with a
  slider that redraws ``plt.imshow`` and a histogram (inline backend),
- ``ctlab.WindowExplorer`` over a 300-slice 512 x 512 volume.

Each move is one arrow key on a slider, or one mouse move while dragging
the width slider. Its latency is measured in the page: from a capture-phase
``keydown`` (or ``pointermove``) listener's ``performance.now()`` to the
first animation frame after the result is in the page (the canvas's
``data-painted`` attribute changed; for the pattern, its new output image
was inserted and decoded). Moves are at least ``GAP_S`` apart and each
waits for its own result. A held arrow key on the volume's slice slider is
pressed every ``REPEAT_S`` (a keyboard's auto-repeat) without waiting, and
the page counts the repaints while it is held and the time from its release
to the last slice painted.

Then the same notebook is opened again through a TCP proxy that delays
every packet ``PROXY_DELAY_S`` each way (``tests/helpers/latency_proxy.py``:
a 150 ms round trip, as on Binder) and the rows are measured again.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROXY_DELAY_S = 0.075  # each way: a 150 ms round trip
GAP_S = 0.030  # least time between two key presses
REPEAT_S = 1 / 30  # a held key's auto-repeat interval
TIMEOUT_MS = 15_000  # a move with no result by then counts as this long

SLICE = ".bench-slice"
VOLUME = ".bench-volume"
CENTER_HANDLE = "input.ctlab-slider-center"
WIDTH_SLIDER = "input.ctlab-slider-width"
SLICE_HANDLE = "input.ctlab-range-slice"
CANVAS = "canvas.ctlab-slice-canvas"
PATTERN_HANDLE = ".bench-pattern-center .noUi-handle"
PATTERN_OUTPUT = ".widget-interact"

SETUP = """\
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt
import ipywidgets as widgets
import ctlab
hu = ctlab.data.abdomen().hu"""

EXPLORER = """\
explorer = ctlab.WindowExplorer(hu, window="default")
explorer.add_class("bench-slice")
explorer"""

# The pattern as notebooks write it: every move redraws both plots in the kernel.
PATTERN = """\
center_slider = widgets.IntSlider(value=40, min=-1000, max=1000, description="center")
center_slider.add_class("bench-pattern-center")

def show(center):
    fig, (image_axes, histogram_axes) = plt.subplots(1, 2, figsize=(10, 4))
    image_axes.imshow(hu, cmap="gray", vmin=center - 200, vmax=center + 200)
    histogram_axes.hist(hu.ravel(), bins=256)
    histogram_axes.axvline(center - 200, color="k")
    histogram_axes.axvline(center + 200, color="k")
    plt.show()

widgets.interact(show, center=center_slider);"""

# 300 slices of 512 x 512: the 48-slice phantom, doubled in-plane and resampled
# along z (nearest slice).
VOLUME_CELL = """\
phantom = ctlab.data.phantom()
doubled = np.repeat(np.repeat(phantom.hu, 2, axis=1), 2, axis=2)
nearest = np.linspace(0, len(doubled) - 1, 300).round().astype(int)
dz, dy, dx = phantom.spacing
volume = ctlab.CTImage(
    doubled[nearest], spacing=(dz * len(doubled) / 300, dy / 2, dx / 2)
)
del doubled
volume_explorer = ctlab.WindowExplorer(volume, window="default", slice_index=0)
volume_explorer.add_class("bench-volume")
volume_explorer"""

_KEYDOWN_JS = """() => {
    if (window.__benchListening) return;
    window.__benchListening = true;
    const mark = () => { window.__benchKeydown = performance.now(); };
    window.addEventListener('keydown', mark, true);
    window.addEventListener('pointermove', mark, true);
}"""

# Arms a promise resolving at the first frame after the result of the next key.
_ARM_JS = """([kind, selector, timeout]) => {
    const target = document.querySelector(selector);
    if (!target) throw new Error('nothing matches ' + selector);
    window.__benchKeydown = null;
    window.__benchResult = new Promise((resolve) => {
        let observer = null;
        let done = false;
        const finish = () => {
            if (done) return;
            done = true;
            observer.disconnect();
            clearTimeout(timer);
            const changed = performance.now();
            requestAnimationFrame(() => resolve(
                {keydown: window.__benchKeydown, changed, frame: performance.now()}));
        };
        const timer = setTimeout(() => { done = true; observer.disconnect(); resolve(null); },
                                 timeout);
        if (kind === 'canvas') {
            const before = target.getAttribute('data-painted');
            observer = new MutationObserver(() => {
                if (target.getAttribute('data-painted') !== before) finish();
            });
            observer.observe(target, {attributes: true, attributeFilter: ['data-painted']});
        } else {
            observer = new MutationObserver((records) => {
                for (const record of records) {
                    for (const node of record.addedNodes) {
                        if (node.nodeType !== 1) continue;
                        const image = node.tagName === 'IMG' ? node : node.querySelector('img');
                        if (image) {
                            image.decode().catch(() => {}).then(finish);
                            return;
                        }
                    }
                }
            });
            observer.observe(target, {childList: true, subtree: true});
        }
    });
}"""


@dataclass
class Latency:
    """Key press to the frame after the result, over ``n`` moves, in milliseconds.

    ``in_page_p50`` is key press to the result itself being in the page (the
    canvas painted, the image decoded), before that frame.
    """

    p50: float
    p95: float
    max: float
    n: int
    timeouts: int
    in_page_p50: float

    @classmethod
    def of(cls, samples: list[tuple[float, float] | None]) -> Latency:
        lost = (TIMEOUT_MS, TIMEOUT_MS)
        times = np.array([lost if s is None else s for s in samples], dtype=np.float64)
        return cls(
            p50=float(np.percentile(times[:, 0], 50)),
            p95=float(np.percentile(times[:, 0], 95)),
            max=float(times[:, 0].max()),
            n=len(samples),
            timeouts=sum(s is None for s in samples),
            in_page_p50=float(np.percentile(times[:, 1], 50)),
        )

    def text(self) -> str:
        lost = f", {self.timeouts} timed out" if self.timeouts else ""
        return (
            f"p50 {self.p50:.1f} / p95 {self.p95:.1f} / max {self.max:.1f} ms over "
            f"{self.n} moves{lost}, result in the page at p50 {self.in_page_p50:.1f} ms"
        )


class Unavailable(RuntimeError):
    """The browser rows cannot be measured here (the message says what is missing)."""


def _move(page: Any, kind: str, target: str, key: str) -> tuple[float, float] | None:
    """Press ``key`` on the focused handle: ms to the frame and to the result; None on timeout."""
    page.evaluate(_ARM_JS, [kind, target, TIMEOUT_MS])
    page.keyboard.press(key)
    result = page.evaluate("() => window.__benchResult")
    if result is None or result["keydown"] is None:
        return None
    start = result["keydown"]
    return float(result["frame"] - start), float(result["changed"] - start)


def _moves(
    page: Any, handle: str, kind: str, target: str, keys: list[str]
) -> list[tuple[float, float] | None]:
    locator = page.locator(handle)
    locator.scroll_into_view_if_needed()
    page.locator(target).scroll_into_view_if_needed()
    locator.focus()
    samples: list[tuple[float, float] | None] = []
    for key in keys:
        started = time.monotonic()
        samples.append(_move(page, kind, target, key))
        time.sleep(max(0.0, GAP_S - (time.monotonic() - started)))
    return samples


_FRAMES_JS = """(count) => new Promise((resolve) => {
    const times = [];
    const tick = (now) => {
        times.push(now);
        if (times.length > count) resolve(times.slice(1).map((t, i) => t - times[i]));
        else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def _frame_intervals(page: Any, count: int) -> list[tuple[float, float] | None]:
    """Time between ``count`` consecutive animation frames of the idle page, in ms."""
    return [(gap, gap) for gap in page.evaluate(_FRAMES_JS, count)]


def _there_and_back(moves: int) -> list[str]:
    """``moves`` arrow keys: half right, half back left (the slider stays in range)."""
    return ["ArrowRight"] * (moves - moves // 2) + ["ArrowLeft"] * (moves // 2)


def _settle(page: Any, harness: Any) -> None:
    """Wait until the kernel has handled every message sent so far (a cell queues behind them)."""
    harness.append_and_run(page, "'settled'")


@dataclass
class HeldScroll:
    """A held arrow key on a volume's slice slider: the picture while held and after release."""

    repaints_per_s: float  # slices painted per second while the key was held
    final_ms: float  # from the last key press to the last slice painted
    presses: int
    painted: int  # slices painted while held
    reached: bool  # the last slice was painted within the timeout

    def text(self) -> str:
        final = f"{self.final_ms:.0f} ms" if self.reached else "never (timed out)"
        return (
            f"{self.repaints_per_s:.1f} repaints/s while held ({self.painted} of "
            f"{self.presses} slices painted), last slice {final} after release"
        )


# Records every paint of the canvas (time, slice) from now on.
_PAINTS_JS = """(selector) => {
    const target = document.querySelector(selector);
    window.__benchPaints = [];
    window.__benchKeys = [];
    if (window.__benchPaintObserver) window.__benchPaintObserver.disconnect();
    window.__benchPaintObserver = new MutationObserver(() => {
        const painted = JSON.parse(target.getAttribute('data-painted'));
        window.__benchPaints.push([performance.now(), painted.slice]);
    });
    window.__benchPaintObserver.observe(
        target, {attributes: true, attributeFilter: ['data-painted']});
    if (!window.__benchKeyLog) {
        window.__benchKeyLog = true;
        window.addEventListener('keydown', () => window.__benchKeys.push(performance.now()), true);
    }
}"""

# Resolves with the paints and key presses once slice `last` is painted (or at the timeout).
_PAINTED_JS = """([last, timeout]) => new Promise((resolve) => {
    const started = performance.now();
    const check = () => {
        const done = window.__benchPaints.some(([, slice]) => slice === last);
        if (done || performance.now() - started > timeout) {
            window.__benchPaintObserver.disconnect();
            resolve({paints: window.__benchPaints, keys: window.__benchKeys, reached: done});
        } else {
            setTimeout(check, 5);
        }
    };
    check();
})"""


def _held(page: Any, handle: str, target: str, presses: int, start: int) -> HeldScroll:
    """Hold ArrowRight on the slice slider for ``presses`` repeats from slice ``start``."""
    page.locator(handle).scroll_into_view_if_needed()
    page.locator(handle).focus()
    page.evaluate(_PAINTS_JS, target)
    began = time.monotonic()
    for press in range(presses):
        page.keyboard.press("ArrowRight")
        time.sleep(max(0.0, began + (press + 1) * REPEAT_S - time.monotonic()))
    result = page.evaluate(_PAINTED_JS, [start + presses, TIMEOUT_MS])
    keys, paints = result["keys"], result["paints"]
    first, last = keys[0], keys[-1]
    held = [t for t, _ in paints if first <= t <= last]
    final = next((t for t, slice in paints if slice == start + presses), None)
    return HeldScroll(
        repaints_per_s=len(held) / max((last - first) / 1000, 1e-9),
        final_ms=TIMEOUT_MS if final is None else max(0.0, final - last),
        presses=presses,
        painted=len(held),
        reached=bool(result["reached"]),
    )


def _drag_moves(
    page: Any, slider: str, target: str, moves: int
) -> list[tuple[float, float] | None]:
    """Drag the width slider's thumb: ``moves`` mouse moves that change the width, left then back.

    A drag lands on round numbers and clicks into standard windows, so a
    move of a pixel or two may leave the width as it was: such a move paints
    nothing and is not counted (the next one is).
    """
    page.locator(slider).scroll_into_view_if_needed()
    page.locator(target).scroll_into_view_if_needed()
    box = page.locator(slider).bounding_box()
    value, high = page.eval_on_selector(slider, "(i) => [Number(i.value), Number(i.max)]")
    x = box["x"] + 8 + value / high * (box["width"] - 16)
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    painted = f"() => document.querySelector({json.dumps(target)}).dataset.painted"
    samples: list[tuple[float, float] | None] = []
    step = -2  # narrower first: the thumb of W 400 has more track on its left
    for _attempt in range(4 * moves):
        if len(samples) == moves:
            break
        if len(samples) == moves - moves // 2:
            step = 2  # and back
        started = time.monotonic()
        x += step
        before = page.evaluate(painted)
        page.evaluate(_ARM_JS, ["canvas", target, TIMEOUT_MS])
        page.mouse.move(x, y)
        # The slider's input handler has run by now: no new window, nothing to wait for.
        window = page.evaluate(
            "([selector, before]) => { const c = document.querySelector(selector);"
            " const m = JSON.parse(before); return c.closest('.ctlab-window-explorer')"
            ".querySelector('.ctlab-number-width').value !== String(m.width); }",
            [target, before],
        )
        if not window:
            continue
        result = page.evaluate("() => window.__benchResult")
        if result is None or result["keydown"] is None:
            samples.append(None)
        else:
            begin = result["keydown"]
            samples.append((float(result["frame"] - begin), float(result["changed"] - begin)))
        time.sleep(max(0.0, GAP_S - (time.monotonic() - started)))
    page.mouse.up()
    return samples


def _open(page: Any, harness: Any, lab: Any, name: str) -> None:
    harness.open_notebook(page, lab, name, timeout=120)
    harness.run_all_cells(page, timeout=300)
    for root in (SLICE, VOLUME):
        page.wait_for_selector(f"{root} {CANVAS}[data-painted]", timeout=120_000)
    page.wait_for_selector(f"{PATTERN_OUTPUT} img", timeout=120_000)
    page.evaluate(_KEYDOWN_JS)


def measure(moves: int = 60, *, slices: int = 300) -> dict[str, Any]:
    """Run the notebook in JupyterLab + Chromium, directly and through the delaying proxy.

    ``slices`` sets the volume's depth (300 for the benchmark; fewer for a
    smoke test).

    Returns
    -------
    dict of str to Latency or HeldScroll
        ``explorer``, ``pattern``, ``width_drag``, ``scroll_first`` (first
        visit of each slice), ``scroll`` (revisits), ``held`` (a held key,
        HeldScroll) and ``frame`` (time between animation frames of the idle
        page); then through the proxy ``explorer_far``, ``pattern_far``,
        ``width_drag_far`` and ``held_far``.

    Raises
    ------
    Unavailable
        Without Chromium, Playwright, JupyterLab or ``ctlab.WindowExplorer``.
    """
    try:
        from tests.helpers import harness
        from tests.helpers.latency_proxy import delaying_proxy
    except ImportError as error:
        raise Unavailable(f"needs tests/helpers/harness.py and its packages ({error})") from None
    if harness.chromium_path() is None:
        raise Unavailable("needs chromium")
    try:
        import jupyterlab  # noqa: F401
        import playwright  # noqa: F401

        import ctlab

        ctlab.WindowExplorer  # noqa: B018
    except (ImportError, AttributeError) as error:
        raise Unavailable(f"needs {error}") from None

    results: dict[str, Any] = {}
    window_keys = _there_and_back(moves)
    explorer = (f"{SLICE} {CENTER_HANDLE}", "canvas", f"{SLICE} {CANVAS}")
    pattern = (PATTERN_HANDLE, "image", PATTERN_OUTPUT)
    scroll = (f"{VOLUME} {SLICE_HANDLE}", "canvas", f"{VOLUME} {CANVAS}")
    width = (f"{SLICE} {WIDTH_SLIDER}", f"{SLICE} {CANVAS}")
    depth = min(moves, slices - 1)
    held = min(60, (slices - 1) // 2)  # two seconds of a held key, from two starts
    with (
        tempfile.TemporaryDirectory(prefix="ctlab-bench-") as folder,
        harness.jupyterlab(folder) as lab,
        harness.chromium() as browser,
    ):
        volume_cell = VOLUME_CELL.replace("300", str(slices))
        cells = [SETUP, EXPLORER, PATTERN, volume_cell]
        for name in ("bench.ipynb", "bench-far.ipynb"):
            harness.write_notebook(Path(folder) / name, cells)

        page = harness.new_page(browser)
        _open(page, harness, lab, "bench.ipynb")
        results["frame"] = Latency.of(_frame_intervals(page, moves))
        for name, spec, keys in [
            ("explorer", explorer, window_keys),
            ("pattern", pattern, window_keys),
            ("scroll_first", scroll, ["ArrowRight"] * depth),
            ("scroll", scroll, ["ArrowLeft"] * depth),
        ]:
            _settle(page, harness)
            results[name] = Latency.of(_moves(page, *spec, keys))
        _settle(page, harness)
        results["width_drag"] = Latency.of(_drag_moves(page, *width, moves))
        # From slices the scroll rows have not visited, as the proxy run's fresh kernel.
        start = slices - 1 - held
        harness.append_and_run(page, f"volume_explorer.slice_index = {start}")
        _settle(page, harness)
        results["held"] = _held(page, scroll[0], scroll[2], held, start)
        harness.shutdown_kernel(page)
        page.context.close()

        # The same notebook through a proxy delaying every packet: Binder's round trip.
        upstream = int(lab.url.rsplit(":", 1)[1])
        with delaying_proxy(upstream, delay=PROXY_DELAY_S) as port:
            far = dataclasses.replace(lab, url=f"http://127.0.0.1:{port}")
            page = harness.new_page(browser)
            _open(page, harness, far, "bench-far.ipynb")
            for name, spec in [("explorer_far", explorer), ("pattern_far", pattern)]:
                _settle(page, harness)
                results[name] = Latency.of(_moves(page, *spec, window_keys))
            _settle(page, harness)
            results["width_drag_far"] = Latency.of(_drag_moves(page, *width, moves))
            harness.append_and_run(page, f"volume_explorer.slice_index = {start}")
            _settle(page, harness)
            results["held_far"] = _held(page, scroll[0], scroll[2], held, start)
            harness.shutdown_kernel(page)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=60, help="key presses per row")
    args = parser.parse_args(argv)
    try:
        results = measure(args.moves)
    except Unavailable as error:
        print(f"not measured: {error}")
        return 1
    for name, latency in results.items():
        print(f"{name:18s} {latency.text()}")
    print(json.dumps({name: asdict(latency) for name, latency in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
