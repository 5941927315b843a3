"""Tests for the hidden-figures image: each window shows its own singer."""

from __future__ import annotations

import numpy as np
import pytest

import ctlab
from ctlab import PRESETS, apply_window
from ctlab.data.synthetic.hidden_figures import FIGURES, LABELS, hidden_figures

HIDDEN = ["fat", "bone", "lung"]
# Grey levels between a singer and its spotlight (medians, 0..255).
VISIBLE = 30
INVISIBLE = 4


def contrast(image, window, name):
    """Grey-level difference between a singer and its spotlight in ``window``."""
    code = {value: key for key, value in image.label_names.items()}
    grey = apply_window(image.hu, window)
    singer = grey[image.labels == code[name]]
    spotlight = grey[image.labels == code[f"{name}_spotlight"]]
    return abs(float(np.median(singer)) - float(np.median(spotlight)))


@pytest.fixture(scope="module")
def image():
    return hidden_figures()


class TestHiddenFigures:
    def test_shape_labels_window(self, image):
        """A 256 x 512 int16 slice, four singers and their spotlights, default window."""
        assert image.shape == (256, 512) and image.hu.dtype == np.int16
        assert image.default_window == PRESETS["default"]
        assert set(np.unique(image.labels)) == set(LABELS)
        assert sorted(image.label_names.values()) == sorted(
            ["stage", *FIGURES, *(f"{name}_spotlight" for name in FIGURES)]
        )

    def test_deterministic(self):
        """The same seed gives the same image; another seed other noise, same labels."""
        first, second, other = hidden_figures(), hidden_figures(), hidden_figures(seed=1)
        np.testing.assert_array_equal(first.hu, second.hu)
        assert not np.array_equal(first.hu, other.hu)
        np.testing.assert_array_equal(first.labels, other.labels)

    def test_default_window_shows_only_soft_tissue(self, image):
        """In 40/400 the soft-tissue singer stands out and the other three do not."""
        assert contrast(image, "default", "soft_tissue") >= VISIBLE
        for name in HIDDEN:
            assert contrast(image, "default", name) <= INVISIBLE, name

    @pytest.mark.parametrize("name", HIDDEN)
    def test_own_window_reveals(self, image, name):
        """Each hidden singer has clear contrast in its own preset window."""
        window = FIGURES[name][2]
        assert window != "default"
        assert contrast(image, window, name) >= VISIBLE

    @pytest.mark.parametrize("name", ["lung", "bone"])
    def test_clipped_away_in_default(self, image, name):
        """The lung and bone singers and their spotlights are all black or all white."""
        code = {value: key for key, value in image.label_names.items()}
        grey = apply_window(image.hu, "default")
        inside = np.isin(image.labels, [code[name], code[f"{name}_spotlight"]])
        # Partial-volume pixels at the spotlight's rim mix with the stage.
        core = grey[inside & (np.abs(image.hu - FIGURES[name][1]) < 50)]
        assert np.unique(core).size == 1

    @pytest.mark.parametrize("name", FIGURES)
    def test_values_as_documented(self, image, name):
        """Each singer and spotlight sits at its documented HU, within the noise."""
        code = {value: key for key, value in image.label_names.items()}
        singer_hu, spotlight_hu, _ = FIGURES[name]
        assert abs(np.median(image.hu[image.labels == code[name]]) - singer_hu) <= 1
        spotlight = image.hu[image.labels == code[f"{name}_spotlight"]]
        assert abs(np.median(spotlight) - spotlight_hu) <= 1

    def test_singers_differ_in_height_and_pose(self, image):
        """Four distinct silhouettes: no two the same height or the same width."""
        code = {value: key for key, value in image.label_names.items()}
        heights, widths = set(), set()
        for name in FIGURES:
            rows, cols = np.nonzero(image.labels == code[name])
            heights.add(rows.max() - rows.min())
            widths.add(cols.max() - cols.min())
        assert len(heights) == 4 and len(widths) == 4

    def test_sample_data(self):
        """ctlab.data.hidden_figures gives the same image, cached."""
        assert ctlab.data.hidden_figures() is ctlab.data.hidden_figures()
        np.testing.assert_array_equal(ctlab.data.hidden_figures().hu, hidden_figures().hu)
