"""The sample files ctlab ships are what their provenance says."""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pydicom
from pydicom.data import get_testdata_file
from pydicom.uid import RLELossless

ABDOMEN = files("ctlab.data") / "sample_files" / "abdomen.dcm"


class TestAbdomenCopy:
    def test_same_pixels_as_pydicom_data(self):
        """The RLE copy holds exactly the stored values of pydicom-data's JPEG 2000 slice."""
        copy = pydicom.dcmread(str(ABDOMEN))
        original = pydicom.dcmread(get_testdata_file("explicit_VR-UN.dcm", download=False))
        assert copy.file_meta.TransferSyntaxUID == RLELossless
        np.testing.assert_array_equal(copy.pixel_array, original.pixel_array)

    def test_same_header_as_pydicom_data(self):
        """Only Pixel Data differs between the copy and the original (the header is the original's)."""
        copy = pydicom.dcmread(str(ABDOMEN))
        original = pydicom.dcmread(get_testdata_file("explicit_VR-UN.dcm", download=False))
        keywords = {element.keyword for element in original} | {element.keyword for element in copy}
        differing = {k for k in keywords if k and copy.get(k) != original.get(k)}
        assert differing == {"PixelData"}
