"""Tests for the sample data sets (ctlab.data.sample, seen as ctlab.data)."""

import numpy as np
import pydicom.data
import pytest

import ctlab
from ctlab.core.errors import CTLabError
from ctlab.data import sample


class TestAbdomen:
    def test_loads(self):
        """A 512 x 512 slice already in HU, air at -1024, no window in its header."""
        image = ctlab.data.abdomen()
        assert image.shape == (512, 512) and image.hu.min() == -1024
        assert 1000 < image.hu.max() < 3100
        assert image.default_window is None

    def test_fat_and_bone(self):
        """It has a fat peak and bone, as the seed's Figure 5 needs."""
        hu = ctlab.data.abdomen().valid_hu()
        assert np.mean(ctlab.tissue_mask(hu, "fat")) > 0.03
        assert np.count_nonzero(hu > 700) > 100


class TestChest:
    def test_loads(self):
        """pydicom's 128 x 128 CT_small slice with plausible HU."""
        image = ctlab.data.chest()
        assert image.shape == (128, 128)
        assert -1100 < image.valid_hu().min() < 0 < image.valid_hu().max() < 3100


class TestHead:
    def test_loads(self):
        """A 512 x 512 head slice with its 40/100 brain window."""
        image = ctlab.data.head()
        assert image.shape == (512, 512)
        assert image.default_window == ctlab.Window(40, 100)
        assert image.valid_hu().min() >= -1024 and image.padding_mask().any()


class TestPhantom:
    def test_cached_and_immutable(self):
        """Calls return the same read-only image with labels."""
        assert ctlab.data.phantom() is ctlab.data.phantom()
        assert not ctlab.data.phantom().hu.flags.writeable
        assert ctlab.data.phantom().shape == (48, 256, 256)
        assert ctlab.data.phantom().labels is not None


class TestPhantomSeries:
    def test_writes_loadable_series(self, tmp_path):
        """phantom_series writes the phantom as a series that loads back equal."""
        folder = ctlab.data.phantom_series(tmp_path / "p")
        np.testing.assert_array_equal(ctlab.load(folder).hu, ctlab.data.phantom().hu)


class TestMissingData:
    def test_pydicom_data_missing(self, monkeypatch):
        """Without pydicom-data the error says what to install, and nothing is downloaded."""
        calls = []

        def not_installed(name, read=False, download=True):
            calls.append(download)

        monkeypatch.setattr(pydicom.data, "get_testdata_file", not_installed)
        with pytest.raises(CTLabError, match="pip install pydicom-data"):
            sample.head.__wrapped__()
        assert calls == [False]
