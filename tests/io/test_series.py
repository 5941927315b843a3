"""Tests for ctlab.io.series through ctlab.load: finding files, choosing and checking series."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

from ctlab import load
from ctlab.core.errors import (
    DataPitfallWarning,
    NoPixelDataError,
    NotHounsfieldError,
    SeriesError,
    SeriesWarning,
)
from tests.error_cases import ct_file, dicomdir, series
from tests.helpers.dicom import ct_dataset, write


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


class TestUnreadableFolders:
    def _block(self, monkeypatch, blocked):
        real = os.scandir

        def guarded(path="."):
            if Path(path) == blocked:
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)

        monkeypatch.setattr(os, "scandir", guarded)

    def test_unreadable_folder(self, tmp_path, monkeypatch):
        """A folder the user may not open says so, not 'no CT images (0 files)'."""
        folder = series(tmp_path / "locked")
        self._block(monkeypatch, folder)
        with pytest.raises(SeriesError, match=r"cannot read the folder .*locked: Permission"):
            load(folder)

    def test_unreadable_subfolder_counted(self, tmp_path, monkeypatch):
        """A subfolder that cannot be opened is reported among what was skipped."""
        folder = series(tmp_path / "scan")
        (folder / "private").mkdir()
        self._block(monkeypatch, folder / "private")
        with pytest.warns(SeriesWarning, match="skipped 1 unreadable folders"):
            assert load(folder).shape == (3, 3, 4)

    def test_unreadable_file_counted(self, tmp_path, monkeypatch):
        """A file that cannot be read is counted as unreadable, not as 'not DICOM'."""
        folder = series(tmp_path / "scan", count=4)
        blocked = folder / "IM0003"
        real = Path.open

        def guarded(self, *args, **kwargs):
            if self == blocked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", guarded)
        with pytest.warns(SeriesWarning, match="skipped 1 unreadable in"):
            assert load(folder).shape == (3, 3, 4)


class TestSharedSeriesNumber:
    @pytest.fixture
    def folder(self, tmp_path):
        """Two series numbered 2: three slices (UID ...1.1) and two (UID ...2.2)."""
        folder = series(tmp_path / "scan", series_uid="1.2.826.0.1.1", series_number=2)
        for index in range(2):
            ct_file(
                folder / f"other{index}",
                np.full((3, 4), 1064, np.int16),
                position=2.5 * index,
                series_uid="1.2.826.0.2.2",
                series_number=2,
            )
        return folder

    def test_warning_tells_them_apart(self, folder):
        """The warning shows each series' UID ending and size, not 'series 2' twice."""
        with pytest.warns(SeriesWarning) as record:
            load(folder)
        message = " ".join(str(w.message) for w in record)
        assert re.search(r"loaded series 2 \(UID \.\.\.\S*0\.1\.1, 3 slices\)", message)
        assert re.search(r"not series 2 \(UID \.\.\.\S*0\.2\.2, 2 slices\)", message)
        assert "test series" not in message  # the free-text description stays out

    @pytest.mark.parametrize("key", ["1.2.826.0.2.2", ".0.2.2", "0.2.2"])
    def test_second_chosen_by_uid(self, folder, key):
        """The second series is chosen by its UID, or the end of it shown in the warning."""
        image = load(folder, series_uid=key)
        assert image.shape == (2, 3, 4)
        np.testing.assert_array_equal(image.hu, 40)

    def test_shared_number_is_ambiguous(self, folder):
        """series_uid=2 matches both: the error lists them and asks for the UID ending."""
        with pytest.raises(SeriesError, match=r"2 CT series in .*scan match series_uid='2'.*UID"):
            load(folder, series_uid=2)


class TestStackGeometry:
    def test_gantry_tilt_warns(self, tmp_path):
        """Slices shifted in y as z grows (a 20 degree gantry tilt) warn with the angle."""
        folder = tmp_path / "tilt"
        folder.mkdir()
        shift = np.tan(np.radians(20.0))
        for index in range(3):
            z = 2.5 * index
            ds = ct_dataset(np.zeros((3, 4), np.int16), position=z, instance=index + 1)
            ds.ImagePositionPatient = [-10.0, -20.0 + shift * z, z]
            write(ds, folder / f"IM{index}")
        with pytest.warns(SeriesWarning, match=r"gantry tilt of about 20\.0 degrees"):
            assert load(folder).shape == (3, 3, 4)

    def test_no_tilt_no_warning(self, tmp_path):
        """An ordinary axial series loads without a word."""
        assert load(series(tmp_path / "scan")).shape == (3, 3, 4)

    @pytest.mark.parametrize(
        ("orientation", "plane"),
        [([0, 1, 0, 0, 0, -1], "sagittal"), ([1, 0, 0, 0, 0, -1], "coronal")],
    )
    def test_non_axial_stack_warns(self, tmp_path, orientation, plane):
        """A sagittal or coronal stack says so: it is shown as stored, not turned to axial."""
        folder = tmp_path / plane
        folder.mkdir()
        for index in range(3):
            ds = ct_dataset(np.zeros((3, 4), np.int16), instance=index + 1)
            ds.ImageOrientationPatient = orientation
            normal = np.cross(orientation[:3], orientation[3:])
            ds.ImagePositionPatient = list(2.5 * index * normal.astype(float))
            write(ds, folder / f"IM{index}")
        with pytest.warns(SeriesWarning, match=f"is a stack of {plane} slices"):
            assert load(folder).shape == (3, 3, 4)

    def test_all_zero_orientation_named(self, tmp_path):
        """All-zero ImageOrientationPatient is reported as such, not as a missing position."""
        folder = series(tmp_path / "scan", ImageOrientationPatient=[0, 0, 0, 0, 0, 0])
        with pytest.warns(SeriesWarning) as record:
            assert load(folder).shape == (3, 3, 4)
        message = " ".join(str(w.message) for w in record)
        assert "ImageOrientationPatient (0020,0037) 0\\0\\0\\0\\0\\0: all zero" in message
        assert "lacks ImagePositionPatient" not in message


class TestDicomdir:
    def test_dicomdir_loads_its_folder(self, tmp_path):
        """Loading a DICOMDIR loads the CT series of the folder it sits in, and says so."""
        folder = series(tmp_path / "cd")
        with pytest.warns(SeriesWarning) as record:
            image = load(dicomdir(folder / "DICOMDIR"))
        assert image.shape == (3, 3, 4)
        message = " ".join(str(w.message) for w in record)
        assert "DICOMDIR is a DICOMDIR, an index of the DICOM files beside it" in message
        assert "skipped 1 DICOMDIR index" in message

    def test_uploaded_dicomdir_named(self, tmp_path):
        """An uploaded DICOMDIR alone is refused as an index, not as a file cut short."""
        data = dicomdir(tmp_path / "DICOMDIR").read_bytes()
        with pytest.raises(NoPixelDataError, match="DICOMDIR is a DICOMDIR: an index"):
            load(data, name="DICOMDIR")


class TestSecondaryCapture:
    def test_without_modality_or_ct_tags_refused(self, tmp_path):
        """A Secondary Capture without Modality and without CT tags is not CT."""
        path = ct_file(
            tmp_path / "sc.dcm",
            missing=["Modality", "RescaleSlope", "RescaleIntercept"],
            SOPClassUID="1.2.840.10008.5.1.4.1.1.7",
        )
        with pytest.raises(NotHounsfieldError, match=r"sc\.dcm has no Modality .* not CT"):
            load(path)

    def test_skipped_in_a_folder(self, tmp_path):
        """In a folder such a file is skipped, and the CT series loads."""
        folder = series(tmp_path / "scan")
        ct_file(
            folder / "sc.dcm",
            missing=["Modality", "RescaleSlope", "RescaleIntercept"],
            SOPClassUID="1.2.840.10008.5.1.4.1.1.7",
            series_uid="1.2.3.77",
        )
        with pytest.warns(SeriesWarning, match="1 image without Modality that is not CT"):
            assert load(folder).shape == (3, 3, 4)

    def test_ct_without_modality_still_loads(self, tmp_path):
        """A CT slice that lost only its Modality loads, with the warning."""
        with pytest.warns(DataPitfallWarning, match="assuming CT because its header shows"):
            load(ct_file(tmp_path / "ct.dcm", missing=["Modality"]))


class TestSearchOnManyProcesses:
    def test_pool_map_finds_what_find_all_series_finds(self, tmp_path):
        """find_series_files through a process pool's map: the same series, files and notes."""
        from concurrent.futures import ProcessPoolExecutor

        from ctlab.io.series import find_all_series, find_series_files

        series(tmp_path / "a", count=3)
        series(tmp_path / "b" / "part1", count=2, series_uid="1.2.3.4", series_number=9)
        series(tmp_path / "b" / "part2", count=2, series_uid="1.2.3.4", series_number=9)
        write(ct_dataset(np.zeros((3, 4), np.int16), modality="MR"), tmp_path / "b" / "mr.dcm")
        (tmp_path / "notes.txt").write_text("not DICOM")
        found, notes = find_all_series([tmp_path])
        expected = {one.uid: [file.path for file in one.files] for one in found}
        with ProcessPoolExecutor(2) as pool:
            by_uid, pool_notes = find_series_files([tmp_path], mapper=pool.map)
        assert by_uid == expected and pool_notes == notes
        assert len(by_uid["1.2.3.4"]) == 4 and notes == [
            f"skipped 1 MR image, 1 not DICOM in {tmp_path}"
        ]


class TestOnlySeries:
    def test_one_series_with_its_headers_and_notes(self, tmp_path):
        """One series among other files: all its files, with headers, and what was skipped."""
        from ctlab.io.series import find_only_series

        series(tmp_path / "a", count=3)
        (tmp_path / "notes.txt").write_text("not DICOM")
        only = find_only_series([tmp_path])
        assert only is not None
        found, notes = only
        assert len(found.files) == 3 and all(f.header is not None for f in found.files)
        assert notes == [f"skipped 1 not DICOM in {tmp_path}"]

    def test_stops_at_the_second_series(self, tmp_path, monkeypatch):
        """Two series: None, after reading the first series and one file of the second."""
        import ctlab.io.series
        from ctlab.io.series import find_only_series

        series(tmp_path / "a", count=3)
        series(tmp_path / "b", count=4, series_uid="1.2.3.4", series_number=9)
        read_header, reads = ctlab.io.series.read_header, []
        monkeypatch.setattr(
            ctlab.io.series, "read_header", lambda file: reads.append(file) or read_header(file)
        )
        assert find_only_series([tmp_path]) is None
        assert len(reads) == 4
