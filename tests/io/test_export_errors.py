"""Output that cannot be written as asked: always an ExportError naming the path."""

from __future__ import annotations

import numpy as np
import pytest

import ctlab
from ctlab import CTImage, export, save_png
from ctlab.core.errors import ExportError
from tests.error_cases import series

HU = np.array([[[-1000, -80], [40, 1000]]] * 2, dtype=np.int16)


def _volume() -> CTImage:
    return CTImage(HU, spacing=(2.5, 0.5, 0.5))


class TestExportFolders:
    def test_unwritable_folder(self, tmp_path, monkeypatch):
        """A folder the user may not write to is an ExportError before any slice is windowed."""
        out = tmp_path / "out"
        out.mkdir()
        # The tests run as root, whom permissions do not stop: deny as the kernel would.
        real = ctlab.io.export.os.access
        monkeypatch.setattr(
            ctlab.io.export.os,
            "access",
            lambda path, mode: False if path == out else real(path, mode),
        )
        with pytest.raises(ExportError, match=r"cannot write into .*out: Permission denied"):
            export(_volume(), out)
        assert list(out.iterdir()) == []

    def test_folder_inside_the_input_folder(self, tmp_path):
        """Export into a folder inside the scan's folder is refused: nothing beside the input."""
        folder = series(tmp_path / "scan")
        with pytest.raises(ExportError, match=r"scan/png is inside the folder the scan was read"):
            export(ctlab.load(folder), folder / "png", source=folder)
        assert not (folder / "png").exists()

    def test_folder_beside_the_input_folder(self, tmp_path):
        """A sibling folder whose name starts like the input's is not inside it."""
        folder = series(tmp_path / "scan")
        manifest = export(ctlab.load(folder), tmp_path / "scan_png", source=folder)
        assert manifest.exists()


class TestPngNames:
    def test_save_png_refuses_jpg(self, tmp_path):
        """save_png('x.jpg') is refused rather than writing PNG bytes under a JPEG name."""
        with pytest.raises(ExportError, match=r"x\.jpg does not end in \.png"):
            save_png(np.zeros((2, 2), np.uint8), tmp_path / "x.jpg")
        assert not (tmp_path / "x.jpg").exists()

    def test_save_png_any_case(self, tmp_path):
        """'.PNG' is a PNG name too."""
        assert save_png(np.zeros((2, 2), np.uint8), tmp_path / "X.PNG").exists()


class TestToPng:
    @pytest.fixture
    def explorer(self):
        return ctlab.WindowExplorer(HU[0])

    def test_missing_folder(self, explorer, tmp_path):
        """to_png into a folder that does not exist is an ExportError naming the path."""
        with pytest.raises(ExportError, match=r"cannot write .*missing/v\.png"):
            explorer.to_png(tmp_path / "missing" / "v.png")

    @pytest.mark.parametrize("dpi", [0, -5, float("nan"), "high", True])
    def test_bad_dpi(self, explorer, tmp_path, dpi):
        """dpi must be a number >= 1."""
        with pytest.raises(ExportError, match="dpi must be a number >= 1"):
            explorer.to_png(tmp_path / "v.png", dpi=dpi)

    def test_jpg_name_refused(self, explorer, tmp_path):
        """to_png refuses a .jpg name, as save_png does."""
        with pytest.raises(ExportError, match=r"v\.jpg does not end in \.png"):
            explorer.to_png(tmp_path / "v.jpg")


def test_cli_export_inside_the_input_folder(tmp_path, capsys):
    """`ctlab export scan -o scan/png` is refused: the CLI passes the input as the source."""
    from ctlab.cli import main

    folder = series(tmp_path / "scan")
    assert main(["export", str(folder), "-o", str(folder / "png")]) == 2
    assert "is inside the folder the scan was read from" in capsys.readouterr().err
    assert not (folder / "png").exists()
