"""Labels beside the exported images, and `ctlab info/export --labels` on the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import ctlab
from ctlab.cli import main
from ctlab.core.errors import LabelError
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.write import write_series
from tests.io.label_files import nifti_xyz, write_seg


@pytest.fixture(scope="module")
def scan_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scan")
    write_series(make_phantom(n_slices=4, size=32), folder)
    return folder


@pytest.fixture(scope="module")
def truth():
    return make_phantom(n_slices=4, size=32).labels


@pytest.fixture(scope="module")
def seg_path(scan_folder, truth, tmp_path_factory):
    numbers = np.zeros(truth.shape, np.uint8)
    numbers[truth == 3] = 1
    numbers[truth == 1] = 2
    path = tmp_path_factory.mktemp("seg") / "seg.dcm"
    return write_seg(sorted(scan_folder.iterdir()), numbers, {1: "liver", 2: "fat"}, path)


class TestExportLabels:
    @pytest.mark.parametrize("file_format", ["png", "npy"])
    def test_labels_beside_images(self, scan_folder, truth, tmp_path, file_format):
        """Each slice's label file holds exactly that slice's labels; the manifest links them."""
        scan = ctlab.load(scan_folder)
        labels = ctlab.load_labels(nifti_xyz(scan, truth, tmp_path / "t.nii.gz"), like=scan)
        manifest = json.loads(
            ctlab.export(scan, tmp_path / "out", format=file_format, labels=labels).read_text()
        )
        for entry in manifest["files"]:
            path = tmp_path / "out" / entry["labels"]
            stored = np.load(path) if file_format == "npy" else np.array(Image.open(path))
            np.testing.assert_array_equal(stored, truth[entry["slice_index"]])
            assert entry["labels"] == f"labels/{entry['file']}"
        assert manifest["labels"]["names"]["3"] == "label 3"

    def test_sixteen_bit_labels(self, tmp_path):
        """Label values above 255 are kept exactly in a 16-bit PNG."""
        image = ctlab.CTImage(np.zeros((3, 4), np.int16), spacing=(1.0, 1.0))
        labels = np.arange(12, dtype=np.uint16).reshape(3, 4) * 100
        ctlab.export(image, tmp_path / "out", labels=labels)
        stored = np.array(Image.open(tmp_path / "out" / "labels" / "slice_0000.png"))
        np.testing.assert_array_equal(stored, labels)

    def test_wrong_shape(self, tmp_path):
        """A label array of another shape is refused before anything is written."""
        image = ctlab.CTImage(np.zeros((3, 4), np.int16), spacing=(1.0, 1.0))
        with pytest.raises(
            LabelError, match=r"labels must be integers of the image's shape \(3, 4\)"
        ):
            ctlab.export(image, tmp_path / "out", labels=np.zeros((4, 4), np.uint8))
        assert not (tmp_path / "out").exists()


class TestCommandLine:
    def test_info_measures_labels(self, scan_folder, seg_path, truth, capsys):
        """`ctlab info SCAN --labels SEG` prints each segment's voxels, mL, HU and window."""
        assert main(["info", str(scan_folder), "--labels", str(seg_path)]) == 0
        out = capsys.readouterr().out
        # The tissue table above also has a liver row: read the labels' table.
        labels_table = out[out.index("DICOM SEG") :]
        liver = next(line for line in labels_table.splitlines() if " liver " in line)
        voxels = int((truth == 3).sum())
        assert f"{voxels:,}" in liver and "C " in liver and "DICOM SEG" in out

    def test_export_writes_labels(self, scan_folder, seg_path, tmp_path, capsys):
        """`ctlab export SCAN -o DIR --labels SEG` writes the label slices and names."""
        assert (
            main(["export", str(scan_folder), "-o", str(tmp_path / "o"), "--labels", str(seg_path)])
            == 0
        )
        manifest = json.loads((tmp_path / "o" / "ctlab-manifest.json").read_text())
        assert manifest["labels"]["names"] == {"1": "liver", "2": "fat"}
        assert len(list((tmp_path / "o" / "labels").iterdir())) == 4

    def test_labels_of_another_scan(self, seg_path, tmp_path, capsys):
        """A segmentation of another scan: one error line, status 2."""
        other = tmp_path / "other"
        write_series(make_phantom(n_slices=4, size=32, seed=5), other)
        assert main(["info", str(other), "--labels", str(seg_path)]) == 2
        assert "references another series" in capsys.readouterr().err
