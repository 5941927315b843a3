"""Check cells of the teaching notebooks: say whether an answer is right, without showing it.

A check cell that computes the expected answer in plain sight gives it away
to anyone who reads the cell. These helpers compute it out of sight and
print only a verdict and a hint that leads to the right answer.

Examples
--------
>>> import ctlab
>>> ctlab.checks.head_peak(None)  # doctest: +ELLIPSIS
Not yet: set my_answer to the HU of the head's soft-tissue peak (hint: ... HU).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ctlab.core.image import CTImage
from ctlab.core.metrics import clipped_fractions, hu_peaks
from ctlab.core.voi import apply_window
from ctlab.core.window import Window, resolve_window
from ctlab.data.sample import head

__all__ = ["edges_to_window", "head_peak", "region_window", "white_share"]


def head_peak(answer: float | None) -> None:
    """Notebook 1: the HU of the soft-tissue peak of ``ctlab.data.head()`` (within 3 HU)."""
    if answer is None:
        print(
            "Not yet: set my_answer to the HU of the head's soft-tissue peak (hint: "
            "ctlab.hu_peaks(head.valid_hu()) lists the peaks of the histogram; take the one "
            "between 20 and 100 HU)."
        )
        return
    soft = [hu for hu, _ in hu_peaks(head().valid_hu()) if 20 <= hu <= 100]
    expected = soft[0]
    if abs(answer - expected) <= 3:
        print(f"Correct: the brain's soft-tissue peak is at {expected:.0f} HU.")
    elif not 20 <= answer <= 100:
        print(f"Not quite: {answer} HU is not soft tissue. Look only between 20 and 100 HU.")
    else:
        print(
            f"Not quite: {answer} HU is soft tissue but not the peak. A single tallest bin can be "
            "noise or the edge of a range: use ctlab.hu_peaks, which smooths the histogram first."
        )


def white_share(
    scan: CTImage, percent: float | None, window: Window | str | None, *, limit: float
) -> None:
    """Notebook 6: the default window's white percentage, and a window under ``limit`` %."""
    if percent is None or window is None:
        print(
            "Not yet: set my_white_percent and my_window (hint: "
            "ctlab.clipped_fractions(scan.valid_hu(), 'default') returns the (black, white) "
            "fractions)."
        )
        return
    valid = scan.valid_hu()
    expected = 100 * clipped_fractions(valid, "default")[1]
    if abs(percent - expected) > 0.5:
        if abs(percent - expected / 100) <= 0.005:
            hint = "that is the fraction; a percentage is the fraction times 100."
        elif abs(percent - 100 * clipped_fractions(valid, "default")[0]) <= 0.5:
            hint = "that is the black share; the white one is the second of the two fractions."
        else:
            hint = (
                "measure on scan.valid_hu() (the padding outside the scanned field is not "
                "part of the image) and take the second fraction, white."
            )
        print(f"Not quite: {percent}% is not what the default window draws white: {hint}")
        return
    chosen = resolve_window(window)
    white = 100 * clipped_fractions(valid, chosen)[1]
    if white < limit:
        print(
            f"Correct: the default window draws {expected:.1f}% of this scan white; "
            f"{chosen} draws {white:.2f}%."
        )
    else:
        print(
            f"Not quite: the white share is right, but {chosen} still draws {white:.1f}% white. "
            "Raise the window's high edge (centre + width / 2) above the brightest HU you want "
            "to keep out of the white."
        )


def edges_to_window(
    low: float,
    high: float,
    hu: float,
    center: float | None,
    width: float | None,
    grey: int | None,
) -> None:
    """Notebook 2: a window given by its edges as centre and width, and the grey of ``hu`` in it."""
    if center is None or width is None or grey is None:
        print(
            "Not yet: set my_center, my_width and my_fat_grey "
            "(hint: centre = (low + high) / 2 and width = high - low; then the formula above)."
        )
        return
    expected = Window.from_range(low, high)
    expected_grey = int(apply_window([hu], expected)[0])
    if abs(center - expected.center) > 0.5 or abs(width - expected.width) > 0.5:
        print(
            f"Not quite: centre {center} and width {width} run from {center - width / 2:g} "
            f"to {center + width / 2:g} HU, not {low:g} to {high:g}."
        )
    elif abs(grey - expected_grey) > 1:
        print(
            f"Not quite: the window is right, but {hu} HU is not grey level {grey} in it. "
            "Put x, c and w into the middle line of the formula, and round to a whole grey level."
        )
    else:
        print(
            f"Correct: centre {expected.center:g}, width {expected.width:g}, "
            f"and {hu} HU is grey level {expected_grey}."
        )


def region_window(
    image: CTImage, mask: Any, slice_index: int, answer: Window | None, *, region: str
) -> None:
    """Notebook 11: the window ``Window.from_hu`` gives for a region's HU on one slice."""
    if answer is None:
        print(
            f"Not yet: set the window to ctlab.Window.from_hu(...) of the HU inside the {region} "
            "on that slice (hint: index the slice's HU with the segment's mask on that slice)."
        )
        return
    if not isinstance(answer, Window):
        print("Not quite: the answer should be a ctlab.Window, as ctlab.Window.from_hu returns.")
        return
    expected = Window.from_hu(image.hu[slice_index][np.asarray(mask)[slice_index]])
    if (answer.center, answer.width) != (expected.center, expected.width):
        print(
            f"Not quite: C {answer.center:g} / W {answer.width:g} is not the window of the "
            f"{region}'s HU on that slice. Use only its voxels on that one slice, with from_hu's "
            "default percentile."
        )
    else:
        print(
            f"Correct: C {answer.center:g} / W {answer.width:g} "
            f"({answer.low:g} .. {answer.high:g} HU)."
        )
