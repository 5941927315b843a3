"""Tests for ctlab.core.hounsfield: the Hounsfield scale as data."""

import re

import numpy as np
import pytest

from ctlab import TISSUES, tissue_at, tissue_mask
from ctlab.core.errors import InvalidImageError
from ctlab.core.hounsfield import resolve_tissue

REQUIRED = [
    "air",
    "lung",
    "fat",
    "water",
    "soft_tissue",
    "blood",
    "liver_kidney",
    "cancellous_bone",
    "cortical_bone",
    "metal",
]


class TestTissues:
    def test_required_bands_present_in_hu_order(self):
        """All ten bands exist and are ordered by their lower edge."""
        assert list(TISSUES) == REQUIRED
        lows = [band.low for band in TISSUES.values()]
        assert lows == sorted(lows)

    @pytest.mark.parametrize(
        ("name", "low", "high"),
        [("fat", -100, -60), ("soft_tissue", 20, 100), ("liver_kidney", 40, 80)],
    )
    def test_seed_article_ranges(self, name, low, high):
        """Where the seed article gives a range, TISSUES uses it."""
        assert (TISSUES[name].low, TISSUES[name].high) == (low, high)

    def test_definitions(self):
        """Air is -1000 and water 0 by definition."""
        assert -1000 in TISSUES["air"] and 0 in TISSUES["water"]

    def test_every_band_is_described(self):
        """Each band has a label, a hex colour, a source note and low < high."""
        for band in TISSUES.values():
            assert band.label and band.source and band.low < band.high
            assert re.fullmatch(r"#[0-9A-F]{6}", band.color)

    def test_colours_distinct(self):
        """No two bands share a colour."""
        assert len({band.color for band in TISSUES.values()}) == len(TISSUES)


class TestTissueAt:
    @pytest.mark.parametrize(
        ("hu", "name"),
        [
            (-1000, "air"),
            (-700, "lung"),
            (-80, "fat"),
            (0, "water"),
            (25, "soft_tissue"),
            (40, "blood"),
            (60, "liver_kidney"),
            (90, "soft_tissue"),
            (250, "cancellous_bone"),
            (1200, "cortical_bone"),
            (3071, "metal"),
        ],
    )
    def test_narrowest_band_wins(self, hu, name):
        """Overlapping bands resolve to the most specific one."""
        assert tissue_at(hu).name == name

    @pytest.mark.parametrize("hu", [-300, -30, 12, -2000])
    def test_between_bands(self, hu):
        """HU between bands (or below air) have no tissue."""
        assert tissue_at(hu) is None


class TestTissueMask:
    def test_edges_included(self):
        """Both band edges count."""
        hu = np.array([-101, -100, -80, -60, -59])
        assert tissue_mask(hu, "fat").tolist() == [False, True, True, True, False]

    def test_accepts_tissue_object(self):
        """A Tissue works as well as its name."""
        hu = np.array([[0, 60]], dtype=np.int16)
        np.testing.assert_array_equal(tissue_mask(hu, TISSUES["liver_kidney"]), [[False, True]])

    def test_unknown_name(self):
        """A misspelt tissue lists the valid names."""
        with pytest.raises(InvalidImageError, match=r"no tissue band named 'bone'.*cortical_bone"):
            resolve_tissue("bone")
