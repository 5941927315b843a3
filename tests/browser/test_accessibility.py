"""Accessibility of the widgets in Chromium: axe-core (WCAG 2.1 A and AA), names, focus, text.

axe-core comes from the npm registry (package-lock.json, ``npm ci``); it checks the
explorer and its companions for serious or critical violations. The canvas's text
alternative must follow the state, and the keyboard focus must be visible.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import ctlab
from tests.browser.explorer_page import clipped_controls
from tests.helpers import harness
from tests.helpers.axe import violations

pytestmark = pytest.mark.browser

ROOTS = (
    ".ctlab-window-explorer",
    ".ctlab-window-compare",
    ".ctlab-tissue-overlay",
    ".ctlab-multiwindow-rgb",
)
CELLS = [
    "import ctlab\nabdomen = ctlab.data.abdomen()\nex = ctlab.WindowExplorer(ctlab.data.phantom())\nex",
    "ctlab.WindowCompare(abdomen)",
    "ctlab.TissueOverlay(abdomen)",
    "ctlab.MultiWindowRGB(abdomen)",
]
EXPLORER_CANVAS = ".ctlab-window-explorer canvas.ctlab-slice-canvas"


@pytest.fixture
def widgets(open_cells) -> Any:
    """A page showing the explorer (on a volume) and its three companions, all painted."""
    page = open_cells(CELLS)
    page.wait_for_function(
        """() => {
            const canvases = [...document.querySelectorAll('canvas.ctlab-slice-canvas')];
            return canvases.length >= 10 && canvases.every(c => c.hasAttribute('data-painted'));
        }""",
        timeout=60_000,
    )
    return page


def test_no_serious_or_critical_axe_violations(widgets, axe_script, console, screenshots):
    """axe-core finds no serious or critical WCAG 2.1 AA problem in any of the four widgets."""
    widgets.add_script_tag(path=axe_script)
    found = {root: violations(widgets, root) for root in ROOTS}
    serious = {
        root: [v for v in found[root] if v["impact"] in ("serious", "critical")] for root in ROOTS
    }
    assert not any(serious.values()), json.dumps(serious, indent=1)
    harness.screenshot(widgets.locator(ROOTS[0]), screenshots / "accessible-explorer.png")
    assert console.errors == []


def test_controls_have_names_saying_what_they_set(widgets, console):
    """The sliders say "window centre, HU" and "window width, HU", not just "slider"."""
    names = widgets.eval_on_selector_all(
        ".ctlab-window-explorer input",
        "(inputs) => inputs.map(i => i.getAttribute('aria-label') || i.labels?.[0]?.textContent)",
    )
    for wanted in ("window centre, HU", "window width, HU (logarithmic)", "slice number"):
        assert wanted in names
    assert all(names), names
    assert console.errors == []


def test_canvas_text_follows_the_state(widgets, console):
    """The canvas's text alternative gives the window and slice, and the HU under the pointer."""
    label = widgets.locator(EXPLORER_CANVAS).get_attribute("aria-label")
    assert label == f"CT slice, windowed at {ctlab.Window(40, 400)}, slice 25 of 48"
    widgets.locator(EXPLORER_CANVAS).focus()
    widgets.keyboard.press("ArrowDown")
    widgets.wait_for_function(
        f"() => document.querySelector('{EXPLORER_CANVAS}').getAttribute('aria-label')"
        ".includes('slice 26 of 48')"
    )
    box = widgets.locator(EXPLORER_CANVAS).bounding_box()
    widgets.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    widgets.wait_for_function(
        f"() => document.querySelector('{EXPLORER_CANVAS}').getAttribute('aria-label')"
        ".includes('under the pointer')"
    )
    label = widgets.locator(EXPLORER_CANVAS).get_attribute("aria-label")
    assert " HU" in label.split("under the pointer")[1]
    assert console.errors == []


def test_keyboard_focus_is_visible(widgets, console):
    """Tabbing onto the centre slider and the canvas draws a visible outline."""
    for selector in (".ctlab-window-explorer input.ctlab-slider-center", EXPLORER_CANVAS):
        widgets.locator(selector).focus()
        outline = widgets.eval_on_selector(
            selector,
            "(e) => [e.matches(':focus-visible'), getComputedStyle(e).outlineStyle,"
            " parseFloat(getComputedStyle(e).outlineWidth)]",
        )
        assert outline[0] and outline[1] != "none" and outline[2] >= 2, (selector, outline)
    assert console.errors == []


def test_no_control_is_clipped_in_any_widget(widgets, console):
    """At the default notebook width no control of any of the four widgets is cut off."""
    problems = {root: clipped_controls(widgets, root) for root in ROOTS}
    assert not any(problems.values()), problems
    assert console.errors == []
