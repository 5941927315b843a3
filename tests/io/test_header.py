"""Tests for ctlab.io.header: what is refused before pydicom parses anything."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import ctlab.io.header as header
from ctlab import load
from ctlab.core.errors import InvalidDicomError, SeriesWarning
from tests.error_cases import ct_file, series


@pytest.fixture
def no_parsing(monkeypatch):
    """Make any pydicom parse fail the test: the refusal must come from the first bytes."""

    def refuse(*args, **kwargs):
        raise AssertionError("pydicom.dcmread was called")

    monkeypatch.setattr("ctlab.io.header.pydicom.dcmread", refuse)


class TestNotDicomAtOnce:
    def test_zero_filled_file(self, tmp_path, no_parsing):
        """A 20 MB file of zeros is refused from its first bytes, without a parse."""
        path = tmp_path / "zeros.dcm"
        path.write_bytes(bytes(20 * 2**20))
        with pytest.raises(
            InvalidDicomError, match=r"zeros\.dcm is not a DICOM file: .*\(00 00 00 00\)"
        ):
            load(path)

    def test_zero_filled_bytes(self, no_parsing):
        """The same in memory."""
        with pytest.raises(InvalidDicomError, match="upload.dcm is not a DICOM file"):
            load(bytes(2**20), name="upload.dcm")

    def test_folder_not_held_up(self, tmp_path, monkeypatch):
        """A zero-filled file in a series folder is skipped without a parse; the series loads."""
        folder = series(tmp_path / "scan")
        (folder / "zeros.bin").write_bytes(bytes(2**20))
        parse = header.pydicom.dcmread
        parsed = []

        def counting(source, *args, **kwargs):
            parsed.append(getattr(source, "name", source))
            return parse(source, *args, **kwargs)

        monkeypatch.setattr("ctlab.io.header.pydicom.dcmread", counting)
        with pytest.warns(SeriesWarning, match="skipped 1 not DICOM"):
            image = load(folder)
        assert image.shape == (3, 3, 4)
        assert not any("zeros" in str(name) for name in parsed)
        np.testing.assert_array_equal(image.hu, -1024)


def _guard(monkeypatch, target, blocked):
    """Make ``target``'s ``open`` fail for ``blocked`` as for a file the user may not read.

    The tests run as root, whom file permissions do not stop.
    """

    def guarded(path, *args, **kwargs):
        if Path(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(target, guarded, raising=False)


class TestUnreadable:
    def test_unreadable_file(self, tmp_path, monkeypatch):
        """A file the user may not read is an InvalidDicomError saying so, not PermissionError."""
        path = ct_file(tmp_path / "locked.dcm")
        real = Path.open

        def guarded(self, *args, **kwargs):
            if self == path:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", guarded)
        with pytest.raises(InvalidDicomError, match=r"cannot read .*locked\.dcm: Permission"):
            load(path)

    def test_unreadable_pixels(self, tmp_path, monkeypatch):
        """A slice whose pixels cannot be read (after its header was) says so, not 'damaged'."""
        path = ct_file(tmp_path / "locked.dcm", np.zeros((64, 64), np.int16))
        _guard(monkeypatch, "ctlab.io.pixels.open", path)
        _guard(monkeypatch, "ctlab.io.header.open", path)
        with pytest.raises(InvalidDicomError, match=r"cannot read .*locked\.dcm: Permission"):
            load(path)
