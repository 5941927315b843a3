"""memory_limit of ctlab.load: counted in the bytes of the HU the volume really holds."""

from __future__ import annotations

import numpy as np
import pytest

from ctlab import load
from ctlab.core.errors import CTLabError, MemoryBudgetError
from tests.error_cases import series

# 3 slices of 3 x 4 pixels: 72 bytes as int16, 144 as float32.
VOXELS = 3 * 3 * 4


class TestMemoryLimit:
    def test_float32_volume_counted_in_float32_bytes(self, tmp_path):
        """A volume whose HU need float32 is refused when its float32 bytes exceed the limit."""
        folder = series(tmp_path / "scan", slope=0.5)
        with pytest.raises(MemoryBudgetError, match=r"3 x 3 x 4 voxels need .* as float32"):
            load(folder, memory_limit=VOXELS * 3)
        assert load(folder, memory_limit=VOXELS * 4).hu.dtype == np.float32

    def test_promotion_to_float32_checked(self, tmp_path):
        """Integer HU beyond int16 (float32 found only while reading) are checked too."""
        folder = series(tmp_path / "scan", intercept=40000.0)
        with pytest.raises(MemoryBudgetError, match="as float32"):
            load(folder, memory_limit=VOXELS * 3)
        assert load(folder, memory_limit=VOXELS * 4).hu.dtype == np.float32

    @pytest.mark.parametrize(
        ("limit", "fits"),
        [("1GB", True), ("512MiB", True), ("1 kb", True), ("50B", False), ("0.05kB", False)],
    )
    def test_sizes_as_text(self, tmp_path, limit, fits):
        """Sizes such as '1GB' and '512MiB' are accepted (SI and binary units)."""
        folder = series(tmp_path / "scan")
        if fits:
            assert load(folder, memory_limit=limit).shape == (3, 3, 4)
        else:
            with pytest.raises(MemoryBudgetError, match="the memory_limit you set"):
                load(folder, memory_limit=limit)

    @pytest.mark.parametrize("limit", [float("nan"), -5, 0, "lots", "1XB", True, float("inf")])
    def test_bad_limit_refused(self, tmp_path, limit):
        """NaN, negative, zero, infinite or unreadable limits are refused, naming memory_limit."""
        with pytest.raises(CTLabError, match="memory_limit must be a positive number"):
            load(series(tmp_path / "scan"), memory_limit=limit)

    def test_message_says_default_only_when_default(self, tmp_path, monkeypatch):
        """'(half the memory available)' only when the limit is the default one."""
        folder = series(tmp_path / "scan")
        with pytest.raises(MemoryBudgetError) as chosen:
            load(folder, memory_limit=10)
        assert "half the memory" not in str(chosen.value)
        assert "the memory_limit you set" in str(chosen.value)
        monkeypatch.setattr("ctlab.io.loader.os.sysconf", lambda name: 4)
        monkeypatch.setattr("builtins.open", _no_meminfo(open))
        with pytest.raises(MemoryBudgetError, match=r"\(half the memory available\)"):
            load(folder)


def _no_meminfo(real_open):
    """open() as usual, except that /proc/meminfo cannot be read."""

    def guarded(path, *args, **kwargs):
        if str(path) == "/proc/meminfo":
            raise OSError("no /proc here")
        return real_open(path, *args, **kwargs)

    return guarded
