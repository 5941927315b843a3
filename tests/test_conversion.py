"""Tests for ctlab.conversion: the conversion defined there, jpeg_roundtrip."""

import numpy as np
import pytest
from PIL import Image

from ctlab.conversion import jpeg_roundtrip
from ctlab.core.errors import ExportError


class TestJpegRoundtrip:
    def test_flat_image_survives(self):
        """A uniform image has nothing for JPEG to lose."""
        flat = np.full((16, 16), 100, np.uint8)
        np.testing.assert_array_equal(jpeg_roundtrip(flat), flat)

    def test_lossy_and_worse_at_low_quality(self):
        """Texture changes, more at quality 10 than at 95; shape and dtype stay."""
        rng = np.random.default_rng(0)
        texture = rng.integers(0, 256, size=(32, 32)).astype(np.uint8)
        good, bad = jpeg_roundtrip(texture, quality=95), jpeg_roundtrip(texture, quality=10)
        assert good.shape == texture.shape and good.dtype == np.uint8
        error_good = np.abs(good.astype(int) - texture).mean()
        error_bad = np.abs(bad.astype(int) - texture).mean()
        assert 0 < error_good < error_bad

    def test_same_as_a_jpeg_file(self, tmp_path):
        """In memory gives exactly what Pillow writes to and reads from a file."""
        rng = np.random.default_rng(1)
        grey = rng.integers(0, 256, size=(24, 40)).astype(np.uint8)
        Image.fromarray(grey, mode="L").save(tmp_path / "g.jpg", format="JPEG", quality=75)
        np.testing.assert_array_equal(
            jpeg_roundtrip(grey), np.asarray(Image.open(tmp_path / "g.jpg"))
        )

    def test_rgb(self):
        """Three channels come back as three channels."""
        rgb = np.zeros((8, 8, 3), np.uint8)
        rgb[..., 0] = 200
        assert jpeg_roundtrip(rgb).shape == (8, 8, 3)

    def test_input_untouched_and_result_writable(self):
        """The input is not modified; the result is a new, writable array."""
        grey = np.arange(64, dtype=np.uint8).reshape(8, 8)
        copy = grey.copy()
        result = jpeg_roundtrip(grey)
        np.testing.assert_array_equal(grey, copy)
        assert result.flags.writeable and not np.shares_memory(result, grey)

    @pytest.mark.parametrize("bad", [np.zeros((4, 4)), np.zeros((4, 4, 2), np.uint8)])
    def test_refuses_non_image(self, bad):
        """Float HU or two channels: the message says to window first."""
        with pytest.raises(ExportError, match="apply_window"):
            jpeg_roundtrip(bad)

    @pytest.mark.parametrize("quality", [0, 101, 75.5, True])
    def test_refuses_bad_quality(self, quality):
        """Quality must be an integer from 1 to 100."""
        with pytest.raises(ExportError, match="quality must be"):
            jpeg_roundtrip(np.zeros((4, 4), np.uint8), quality=quality)
