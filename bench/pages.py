"""Saved-page rows of the benchmark: page sizes, open to first paint, key press to repaint.

Called by ``bench/run.py --only pages``; runs on its own too::

    python bench/pages.py [--opens 15] [--moves 60]

``WindowExplorer.save_html`` writes the abdomen slice (512 x 512) and the
48-slice phantom; their sizes are read from disk. Headless Chromium opens
the single-slice page from ``file://`` with every other request aborted,
``opens`` times in fresh contexts: open-to-first-paint runs from navigation
start (``performance.now()``'s origin) to the first animation frame after
the slice canvas is painted. Then arrow keys on the centre slider are timed
as in ``bench/browser.py``: capture-phase ``keydown`` to the first frame
after the canvas's ``data-painted`` changed.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
for folder in (ROOT, HERE):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from browser import (  # noqa: E402  (bench/browser.py, beside this file)
    _KEYDOWN_JS,
    CANVAS,
    CENTER_HANDLE,
    Latency,
    Unavailable,
    _moves,
    _there_and_back,
)

# Resolves window.__firstPaint at the frame after the first painted slice.
_FIRST_PAINT_JS = """
window.__firstPaint = new Promise((resolve) => {
    const look = () => {
        const canvas = document.querySelector('canvas.ctlab-slice-canvas');
        if (canvas && canvas.hasAttribute('data-painted')) {
            requestAnimationFrame(() => resolve(performance.now()));
        } else {
            requestAnimationFrame(look);
        }
    };
    look();
});
"""


def write_pages(folder: Path) -> tuple[Path, Path]:
    """WindowExplorer pages of the abdomen slice and the 48-slice phantom, in ``folder``."""
    import ctlab

    single = ctlab.WindowExplorer(ctlab.data.abdomen()).save_html(folder / "slice.html")
    volume = ctlab.WindowExplorer(ctlab.data.phantom()).save_html(
        folder / "phantom.html", max_slices=None
    )
    return single, volume


def sizes() -> tuple[int, int]:
    """Bytes of the single-slice page and of the phantom's page (no browser needed)."""
    with tempfile.TemporaryDirectory() as folder:
        return tuple(page.stat().st_size for page in write_pages(Path(folder)))  # type: ignore[return-value]


@dataclass
class PageResults:
    open_ms: list[float]
    keys: Latency

    @property
    def open_p50(self) -> float:
        return float(np.percentile(self.open_ms, 50))


def measure(opens: int = 15, moves: int = 60) -> PageResults:
    """Time opening the single-slice page and its arrow keys.

    Raises
    ------
    Unavailable
        Without Chromium or Playwright.
    """
    from tests.helpers import harness

    if harness.chromium_path() is None:
        raise Unavailable("needs chromium")
    with tempfile.TemporaryDirectory() as folder:
        single, _ = write_pages(Path(folder))
        with harness.chromium() as browser:
            times = []
            for _ in range(opens + 1):  # the first open warms Chromium's caches: not counted
                page, _, _ = harness.open_offline(browser, single, init_script=_FIRST_PAINT_JS)
                times.append(float(page.evaluate("() => window.__firstPaint")))
                page.context.close()
            page, _, _ = harness.open_offline(browser, single)
            page.wait_for_selector(f"{CANVAS}[data-painted]")
            page.evaluate(_KEYDOWN_JS)
            samples = _moves(page, CENTER_HANDLE, "canvas", CANVAS, _there_and_back(moves))
            page.context.close()
        return PageResults(times[1:], Latency.of(samples))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--opens", type=int, default=15)
    parser.add_argument("--moves", type=int, default=60)
    args = parser.parse_args(argv)
    single, volume = sizes()
    results = measure(args.opens, args.moves)
    report = {"single_bytes": single, "volume_bytes": volume, **asdict(results)}
    print(json.dumps({**report, "open_p50": results.open_p50}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
