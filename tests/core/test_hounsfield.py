"""Tests for ctlab.core.hounsfield: the Hounsfield scale as data."""

import re

import numpy as np
import pytest

from ctlab import TISSUES, tissue_at, tissue_mask
from ctlab.core.errors import InvalidArgumentError
from ctlab.core.hounsfield import resolve_tissue

REQUIRED = [
    "air",
    "lung",
    "fat",
    "water",
    "soft_tissue",
    "kidney",
    "spleen",
    "blood",
    "liver",
    "liver_portal_venous",
    "cancellous_bone",
    "cortical_bone",
    "metal",
]
# The Okabe-Ito palette: eight colours told apart with every common colour-vision deficiency.
OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


class TestTissues:
    def test_required_bands_present_in_hu_order(self):
        """All ranges exist and are ordered by their lower edge."""
        assert list(TISSUES) == REQUIRED
        lows = [band.low for band in TISSUES.values()]
        assert lows == sorted(lows)

    @pytest.mark.parametrize(
        ("name", "low", "high", "phase"),
        [
            ("fat", -190, -30, ""),
            ("liver", 50, 70, "unenhanced"),
            ("liver_portal_venous", 90, 130, "portal venous"),
        ],
    )
    def test_reference_ranges(self, name, low, high, phase):
        """Tissue ranges are reference values (adipose -190..-30, liver by contrast phase)."""
        band = TISSUES[name]
        assert (band.low, band.high, band.phase) == (low, high, phase)

    def test_article_windows_are_presets_not_tissues(self):
        """The seed's Figure 5 bands are presets, narrower than the tissue they show."""
        from ctlab import PRESETS

        fat_window, fat = PRESETS["fat"], TISSUES["fat"]
        assert (fat_window.low, fat_window.high) == (-100, -60)
        assert fat.low < fat_window.low and fat_window.high < fat.high
        assert all((band.low, band.high) != (40, 80) for band in TISSUES.values())

    def test_definitions(self):
        """Air is -1000 and water 0 by definition."""
        assert -1000 in TISSUES["air"] and 0 in TISSUES["water"]

    def test_every_band_is_described(self):
        """Each band has a label, a hex colour, a source note and low < high."""
        for band in TISSUES.values():
            assert band.label and band.source and band.low < band.high
            assert re.fullmatch(r"#[0-9A-F]{6}", band.color)

    def test_colours_distinct(self):
        """No two ranges share a colour."""
        assert len({band.color for band in TISSUES.values()}) == len(TISSUES)

    def test_overlay_defaults_colour_blind_safe(self):
        """The ranges overlaid by default have four different Okabe-Ito colours: fat is not bone."""
        names = ("fat", "soft_tissue", "cancellous_bone", "cortical_bone")
        colours = [TISSUES[name].color for name in names]
        assert set(colours) <= OKABE_ITO and len(set(colours)) == 4


class TestTissueAt:
    @pytest.mark.parametrize(
        ("hu", "name"),
        [
            (-1000, "air"),
            (-700, "lung"),
            (-80, "fat"),
            (0, "water"),
            (25, "kidney"),
            (45, "spleen"),
            (68, "liver"),
            (75, "soft_tissue"),
            (100, "liver_portal_venous"),
            (250, "cancellous_bone"),
            (1200, "cortical_bone"),
            (3071, "metal"),
        ],
    )
    def test_narrowest_band_wins(self, hu, name):
        """Overlapping bands resolve to the most specific one."""
        assert tissue_at(hu).name == name

    @pytest.mark.parametrize("hu", [-300, -20, 12, -2000])
    def test_between_bands(self, hu):
        """HU between bands (or below air) have no tissue."""
        assert tissue_at(hu) is None


class TestTissueMask:
    def test_edges_included(self):
        """Both band edges count."""
        hu = np.array([-191, -190, -80, -30, -29])
        assert tissue_mask(hu, "fat").tolist() == [False, True, True, True, False]

    def test_accepts_tissue_object(self):
        """A Tissue works as well as its name."""
        hu = np.array([[0, 60]], dtype=np.int16)
        np.testing.assert_array_equal(tissue_mask(hu, TISSUES["liver"]), [[False, True]])

    def test_unknown_name(self):
        """A misspelt tissue lists the valid names."""
        with pytest.raises(
            InvalidArgumentError, match=r"no tissue band named 'bone'.*cortical_bone"
        ):
            resolve_tissue("bone")
