"""Tests for ctlab.io.series through ctlab.load: finding files, choosing and checking series."""

from __future__ import annotations

import os

import numpy as np

from ctlab import load
from tests.error_cases import series


class TestHiddenNames:
    def test_folder_reached_through_dot_dot(self, tmp_path, monkeypatch):
        """'../sample/phantom' (as typed from notebooks/) finds the slices."""
        series(tmp_path / "sample" / "phantom")
        (tmp_path / "notebooks").mkdir()
        monkeypatch.chdir(tmp_path / "notebooks")
        assert load(os.path.join("..", "sample", "phantom")).shape == (3, 3, 4)

    def test_folder_inside_a_hidden_folder(self, tmp_path):
        """A folder under a hidden one (~/.cache/...) finds the slices."""
        folder = series(tmp_path / ".cache" / "ctlab" / "scan")
        assert load(folder).shape == (3, 3, 4)
        assert load(tmp_path / ".cache" / "ctlab" / "." / "scan").shape == (3, 3, 4)

    def test_hidden_names_below_the_folder_skipped(self, tmp_path):
        """Files and folders whose names start with a dot below the folder are still skipped."""
        folder = series(tmp_path / "scan")
        series(folder / ".trash", count=5, series_uid="1.2.3.4", series_number=9)
        (folder / ".DS_Store").write_bytes(b"\0" * 10)
        image = load(folder)
        assert image.shape == (3, 3, 4) and image.info["n_files"] == 3
        np.testing.assert_array_equal(image.hu, np.full((3, 3, 4), -1024))


