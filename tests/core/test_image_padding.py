"""A CT image that holds only padding: every user of its HU says so and what to do."""

from __future__ import annotations

import numpy as np
import pytest

import ctlab
from ctlab.cli import main
from ctlab.core.errors import InvalidImageError
from tests.error_cases import ct_file

PADDING_ONLY = r"this slice holds only padding: every pixel is .* HU.*Load a slice from the middle"


@pytest.fixture
def padding_slice(tmp_path):
    """A slice whose every stored value is the Pixel Padding Value (-2000: -3024 HU)."""
    return ct_file(tmp_path / "pad.dcm", np.full((3, 4), -2000, np.int16), PixelPaddingValue=-2000)


def test_valid_hu_says_padding_only(padding_slice):
    """valid_hu explains that there is no tissue, instead of returning nothing to count."""
    with pytest.raises(InvalidImageError, match=PADDING_ONLY):
        ctlab.load(padding_slice).valid_hu()


def test_explorer_figure_says_padding_only(padding_slice):
    """explorer_figure gives the padding message, not 'hu has no pixels to count'."""
    with pytest.raises(InvalidImageError, match=PADDING_ONLY):
        ctlab.plot.explorer_figure(ctlab.load(padding_slice), "default")


def test_explorer_says_padding_only(padding_slice):
    """The WindowExplorer widget gives the same message."""
    with pytest.raises(InvalidImageError, match=PADDING_ONLY):
        ctlab.WindowExplorer(ctlab.load(padding_slice))


def test_cli_info_says_padding_only(padding_slice, capsys):
    """`ctlab info` on it exits with status 2 and the message, not a traceback."""
    assert main(["info", str(padding_slice)]) == 2
    err = capsys.readouterr().err
    assert "holds only padding" in err and "Traceback" not in err


def test_below_minus_1024_without_padding_value(tmp_path):
    """Every HU below -1024 with no Pixel Padding Value is padding too, and said so."""
    path = ct_file(tmp_path / "low.dcm", np.full((3, 4), -2000, np.int16))
    with pytest.raises(InvalidImageError, match=PADDING_ONLY):
        ctlab.load(path).valid_hu()
