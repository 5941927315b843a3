"""Tests for ctlab.io.pixels through ctlab.load: byte order, signedness, rescale extremes."""

from __future__ import annotations

import numpy as np
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.pixels import apply_modality_lut
from pydicom.uid import DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian

from ctlab import load
from tests.error_cases import CHEST


def _chest_as(path, syntax, **write_options):
    """pydicom's chest slice rewritten with ``syntax``; pydicom's HU of the written file."""
    ds = pydicom.dcmread(CHEST)
    stored = ds.pixel_array
    ds.file_meta.TransferSyntaxUID = syntax
    if syntax == ExplicitVRBigEndian:
        ds.PixelData = stored.astype(">i2").tobytes()
    pydicom.dcmwrite(path, ds, force_encoding=True, **write_options)
    written = pydicom.dcmread(path)
    return path, apply_modality_lut(written.pixel_array, written)


class TestByteOrder:
    def test_explicit_vr_big_endian_file(self, tmp_path):
        """Explicit VR Big Endian CT gives pydicom's HU (-896..1167), not byte-swapped values."""
        path, expected = _chest_as(
            tmp_path / "be.dcm", ExplicitVRBigEndian, little_endian=False, implicit_vr=False
        )
        image = load(path)
        assert (expected.min(), expected.max()) == (-896, 1167)
        np.testing.assert_array_equal(image.hu, expected)

    def test_explicit_vr_big_endian_bytes(self, tmp_path):
        """The same file uploaded as bytes gives the same HU."""
        path, expected = _chest_as(
            tmp_path / "be.dcm", ExplicitVRBigEndian, little_endian=False, implicit_vr=False
        )
        np.testing.assert_array_equal(load(path.read_bytes()).hu, expected)
