"""Tests for apply_window's table path in blocks and threads (ctlab.core.voi._look_up)."""

import tracemalloc

import numpy as np

from ctlab import Window, apply_window
from ctlab.core import voi
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
