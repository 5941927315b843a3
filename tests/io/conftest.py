"""Fixtures of the io tests: a small clean CT series on disk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.helpers.dicom import ct_dataset, write
from tests.helpers.studies import make_studies


@pytest.fixture
def volume_pixels() -> np.ndarray:
    """Stored values of a 10-slice 12x16 volume: each slice distinct, HU = stored - 1024."""
    rng = np.random.default_rng(7)
    return rng.integers(0, 3000, size=(10, 12, 16)).astype(np.int16)


@pytest.fixture
def series_folder(tmp_path, volume_pixels) -> Path:
    """A clean series: slice k at z = 2.5 k mm, files named in shuffled order."""
    folder = tmp_path / "series"
    folder.mkdir()
    names = np.random.default_rng(1).permutation(len(volume_pixels))
    for index, pixels in enumerate(volume_pixels):
        write(
            ct_dataset(pixels, position=2.5 * index, instance=index + 1),
            folder / f"IM{names[index]:04d}",
        )
    return folder


@pytest.fixture(scope="module")
def studies(tmp_path_factory) -> Path:
    """The export tests' tree of three small series and a file that is not DICOM, once per module."""
    return make_studies(tmp_path_factory.mktemp("studies"))
