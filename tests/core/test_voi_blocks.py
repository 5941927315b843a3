"""Tests for the table path in blocks and threads (ctlab.core.voi._look_up, multiwindow)."""

import tracemalloc

import numpy as np
import pytest

from ctlab import Window, apply_window, multiwindow
from ctlab.core import voi
from ctlab.core.errors import InvalidArgumentError
from ctlab.core.voi import grey_lut

DEFAULT = Window(center=40, width=400)


class TestLookUpInBlocks:
    def test_volume_on_several_threads_equals_the_table(self):
        """A volume past the threading threshold, with a ragged last block, equals lut[index]."""
        rng = np.random.default_rng(2)
        size = 2 * voi._THREAD_ELEMENTS + voi._TAKE_BLOCK // 3
        hu = rng.integers(-32768, 32768, size=size).astype(np.int16)
        expected = grey_lut(DEFAULT)[hu.view(np.uint16)]
        np.testing.assert_array_equal(apply_window(hu, DEFAULT), expected)

    def test_eight_bit_types_use_their_256_entry_table(self):
        """int8 and uint8 images over several blocks index the 256-entry tables."""
        for dtype in (np.int8, np.uint8):
            hu = np.resize(np.arange(256, dtype=np.uint8).view(dtype), 3 * voi._TAKE_BLOCK + 5)
            expected = grey_lut(DEFAULT, dtype=dtype)[hu.view(np.uint8)]
            np.testing.assert_array_equal(apply_window(hu, DEFAULT), expected)

    def test_volume_temporaries_stay_below_the_output(self):
        """Windowing a volume on two threads allocates at most half its output besides."""
        hu = np.zeros(2 * voi._THREAD_ELEMENTS, dtype=np.int16)
        tracemalloc.start()
        try:
            grey = apply_window(hu, DEFAULT)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak - grey.nbytes <= grey.nbytes // 2


class TestMultiwindowInBlocks:
    @pytest.mark.parametrize("dtype", [np.int16, np.uint16, np.int8, np.uint8])
    @pytest.mark.parametrize(("function", "invert"), [(None, False), ("sigmoid", True)])
    def test_channels_equal_apply_window_over_ragged_blocks(self, dtype, function, invert):
        """Blocks of all channels at once equal apply_window per channel, past a ragged last block."""
        rng = np.random.default_rng(4)
        info = np.iinfo(dtype)
        hu = rng.integers(info.min, info.max + 1, size=(3, voi._TAKE_BLOCK // 2 + 7)).astype(dtype)
        windows = ["brain", Window(center=-600, width=1500), "bone"]
        rgb = multiwindow(hu, windows, function=function, invert=invert)
        for channel, window in enumerate(windows):
            expected = apply_window(hu, window, function=function, invert=invert)
            np.testing.assert_array_equal(rgb[..., channel], expected)

    def test_strided_and_empty_images(self):
        """A strided view takes the per-channel path; an empty image gives an empty stack."""
        hu = np.arange(-1000, 1000, dtype=np.int16).reshape(40, 50)[:, ::2]
        np.testing.assert_array_equal(multiwindow(hu, ["bone"])[..., 0], apply_window(hu, "bone"))
        assert multiwindow(np.zeros((0, 4), np.int16), ["brain", "bone"]).shape == (0, 4, 2)

    def test_slice_temporaries_stay_small(self):
        """Three windows of a 512 x 512 slice allocate two blocks' buffers besides the output."""
        hu = np.zeros((512, 512), dtype=np.int16)
        multiwindow(hu, ["brain", "subdural", "bone"])  # the tables, cached
        tracemalloc.start()
        try:
            rgb = multiwindow(hu, ["brain", "subdural", "bone"])
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak - rgb.nbytes <= 9 * voi._TAKE_BLOCK + 4096


class TestMultiwindowOut:
    @pytest.mark.parametrize("step", [1, 2])
    def test_writes_into_out_and_returns_it(self, step):
        """Both paths (the tables, and per channel for a strided view) fill ``out`` and return it."""
        hu = np.arange(-1000, 1000, dtype=np.int16).reshape(40, 50)[:, ::step]
        windows = ["brain", "subdural", "bone"]
        out = np.full((*hu.shape, 3), 7, np.uint8)
        assert multiwindow(hu, windows, out=out) is out
        np.testing.assert_array_equal(out, multiwindow(hu, windows))

    @pytest.mark.parametrize(
        ("out", "words"),
        [
            (np.empty((40, 50, 2), np.uint8), r"uint8 \(40, 50, 2\)"),
            (np.empty((40, 50, 3), np.int16), r"int16 \(40, 50, 3\)"),
            (np.empty((50, 40, 3), np.uint8).transpose(1, 0, 2), "not C-contiguous"),
            (np.broadcast_to(np.uint8(0), (40, 50, 3)), "read-only"),
            ([[0, 0, 0]], r"\[\[0, 0, 0\]\]"),
        ],
    )
    def test_refuses_an_out_it_cannot_fill(self, out, words):
        """The message names out, the shape it needs and what was given."""
        hu = np.zeros((40, 50), np.int16)
        with pytest.raises(InvalidArgumentError, match=rf"out must be .*\(40, 50, 3\).*{words}"):
            multiwindow(hu, ["brain", "subdural", "bone"], out=out)
