"""The loader's fast paths give exactly what the general paths give."""

from __future__ import annotations

import numpy as np
import pytest

from ctlab.io.dicom import HUConversion, to_hu
from tests.io.conftest import ct_dataset


class TestToHuInt16:
    @pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16])
    @pytest.mark.parametrize("intercept", [-1024.0, 0.0, 1000.0, -32768.0, 40000.0])
    def test_equals_int64_arithmetic_or_refuses(self, dtype, intercept, tmp_path, monkeypatch):
        """int16 addition gives the exact HU, or False when they do not fit int16."""
        info = np.iinfo(dtype)
        stored = np.linspace(info.min, info.max, 64).astype(dtype).reshape(8, 8)
        monkeypatch.setattr("ctlab.io.dicom._decode", lambda *args, **kwargs: stored)
        conversion = HUConversion(1.0, intercept)
        header = ct_dataset(np.zeros((8, 8), dtype=np.int16))
        header.BitsStored = 8 * np.dtype(dtype).itemsize
        out = np.zeros((8, 8), dtype=np.int16)
        exact = stored.astype(np.int64) + int(intercept)
        fits = exact.min() >= -32768 and exact.max() <= 32767
        assert to_hu(header, tmp_path / "x.dcm", conversion, out) == fits
        if fits:
            np.testing.assert_array_equal(out, exact)
        else:
            assert not out.any()
