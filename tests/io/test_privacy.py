"""Tests for ctlab.io.privacy: identifiers are read only on request."""

import pytest
from pydicom.data import get_testdata_file

from ctlab import patient_identifiers
from ctlab.core.errors import InvalidDicomError


class TestPatientIdentifiers:
    def test_reads_real_header(self):
        """The chest CT's name and ID are read when asked."""
        found = patient_identifiers(get_testdata_file("CT_small.dcm"))
        assert found["PatientName"] == "CompressedSamples^CT1"
        assert "PatientID" in found and "StudyInstanceUID" in found

    def test_folder_reads_first_dicom_file(self, tmp_path):
        """A folder is read through its first DICOM file, skipping junk."""
        (tmp_path / "a.txt").write_text("not dicom")
        (tmp_path / "b.dcm").write_bytes(open(get_testdata_file("CT_small.dcm"), "rb").read())
        assert patient_identifiers(tmp_path)["PatientName"] == "CompressedSamples^CT1"

    def test_folder_without_dicom(self, tmp_path):
        """A folder of junk is an InvalidDicomError naming it."""
        (tmp_path / "a.txt").write_text("not dicom")
        with pytest.raises(InvalidDicomError, match="holds no DICOM file"):
            patient_identifiers(tmp_path)

    def test_missing_path(self, tmp_path):
        """A missing path is FileNotFoundError."""
        with pytest.raises(FileNotFoundError):
            patient_identifiers(tmp_path / "nope")
