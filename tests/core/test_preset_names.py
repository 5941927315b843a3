"""Preset names: any case, spaces or hyphens, and close matches suggested."""

from __future__ import annotations

import pytest

from ctlab import PRESETS, resolve_window
from ctlab.core.errors import InvalidWindowError


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Lung", "lung"),
        ("LUNG", "lung"),
        ("Temporal bone", "temporal_bone"),
        (" Full-Range ", "full_range"),
    ],
)
def test_any_case(name, key):
    """'Lung' and 'Temporal bone' name the presets 'lung' and 'temporal_bone'."""
    assert resolve_window(name) == PRESETS[key]


def test_close_match_suggested():
    """A misspelt name gets the nearest preset names suggested."""
    with pytest.raises(InvalidWindowError, match=r"no preset named 'lungs'; did you mean 'lung'"):
        resolve_window("lungs")


def test_nothing_close():
    """A name like no preset lists them all, without a suggestion."""
    with pytest.raises(InvalidWindowError) as error:
        resolve_window("xyzzy")
    assert "did you mean" not in str(error.value) and "choose one of" in str(error.value)
