"""Tests for ctlab.io.export: windowed data sets and PNG files."""

import json
import os
import platform
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from PIL import Image

from ctlab import PRESETS, CTImage, apply_window, export, multiwindow, save_png
from ctlab.core.errors import ExportError
from ctlab.io.export import MANIFEST_NAME, _PNGWriter


@pytest.fixture
def volume():
    rng = np.random.default_rng(0)
    hu = rng.integers(-1024, 2000, size=(3, 6, 5)).astype(np.int16)
    return CTImage(
        hu,
        spacing=(2.5, 0.8, 0.8),
        slice_positions=(-10.0, -7.5, -5.0),
        info={"modality": "CT", "description": "test", "secret": "Doe^John"},
    )


class TestSavePng:
    def test_grey_round_trip(self, tmp_path):
        """The PNG holds exactly the given grey levels."""
        grey = np.arange(30, dtype=np.uint8).reshape(5, 6)
        save_png(grey, tmp_path / "g.png")
        np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / "g.png")), grey)

    def test_rgb(self, tmp_path):
        """Three channels are saved as RGB."""
        rgb = np.zeros((2, 2, 3), np.uint8)
        rgb[..., 1] = 200
        save_png(rgb, tmp_path / "c.png")
        assert Image.open(tmp_path / "c.png").mode == "RGB"

    @pytest.mark.parametrize("bad", [np.zeros((2, 2)), np.zeros((2, 2, 2), np.uint8)])
    def test_refuses_non_image(self, bad, tmp_path):
        """Float HU or two channels are not a PNG: the message says to window first."""
        with pytest.raises(ExportError, match="apply_window"):
            save_png(bad, tmp_path / "x.png")

    @pytest.mark.parametrize("shape", [(0, 3), (4, 0, 3)])
    def test_refuses_an_empty_image(self, shape, tmp_path):
        """An image with no pixel is an ExportError with its shape, and nothing is written."""
        with pytest.raises(
            ExportError,
            match=rf"at least one row and one column, got shape {re.escape(str(shape))}",
        ):
            save_png(np.zeros(shape, np.uint8), tmp_path / "x.png")
        assert list(tmp_path.iterdir()) == []

    def test_unwritable(self, tmp_path):
        """A missing folder gives an ExportError naming the path."""
        with pytest.raises(ExportError, match="cannot write .*nowhere"):
            save_png(np.zeros((2, 2), np.uint8), tmp_path / "nowhere" / "x.png")


class TestPngWriter:
    def test_one_picture_per_shape_and_exact_pixels(self, tmp_path):
        """Slices of one shape refill one Pillow image; another shape or mode gets a new one."""
        rng = np.random.default_rng(3)
        writer = _PNGWriter(1)
        slices = [rng.integers(0, 256, (6, 5, 3), dtype=np.uint8) for _ in range(2)]
        slices += [rng.integers(0, 256, (6, 5), dtype=np.uint8)]
        pictures = []
        for index, grey in enumerate(slices):
            writer.write(grey, tmp_path / f"{index}.png")
            pictures.append(writer.picture)
            np.testing.assert_array_equal(np.asarray(Image.open(tmp_path / f"{index}.png")), grey)
        assert pictures[0] is pictures[1] and pictures[2] is not pictures[1]

    def test_bytes_equal_a_fresh_pillow_image(self, tmp_path):
        """The refilled image writes the very bytes Image.fromarray would."""
        grey = np.random.default_rng(5).integers(0, 256, (64, 48, 3), dtype=np.uint8)
        writer = _PNGWriter(6)
        writer.write(np.zeros_like(grey), tmp_path / "first.png")
        writer.write(grey, tmp_path / "second.png")
        Image.fromarray(grey).save(tmp_path / "fresh.png", format="PNG", compress_level=6)
        assert (tmp_path / "second.png").read_bytes() == (tmp_path / "fresh.png").read_bytes()

    @pytest.mark.skipif(
        platform.libc_ver()[0] != "glibc", reason="MALLOC_TRIM_THRESHOLD_ is glibc's setting"
    )
    def test_slices_reuse_memory_in_a_dask_worker_environment(self, tmp_path):
        """With Dask's MALLOC_TRIM_THRESHOLD_, a slice faults in less than its own RGB pages.

        A fresh grey-level array and Pillow image per slice cost about 2.7 times
        the RGB slice's pages in page faults there (bench/MEASUREMENTS.md).
        """
        script = textwrap.dedent(
            """
            import resource, sys
            from pathlib import Path
            import numpy as np
            from ctlab import CTImage, export
            hu = np.random.default_rng(0).integers(-1000, 1500, (12, 512, 512)).astype(np.int16)
            image = CTImage(hu, spacing=(1.0, 0.7, 0.7))
            windows = ["brain", "subdural", "bone"]
            export(image, Path(sys.argv[1], "warm"), windows=windows)
            before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            export(image, Path(sys.argv[1], "timed"), windows=windows)
            print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 12)
            """
        )
        environment = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path)],
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        rgb_pages = 512 * 512 * 3 / 4096
        assert float(done.stdout) < rgb_pages


class TestExport:
    def test_volume_with_labels_per_slice(self, volume, tmp_path):
        """Beside one volume file, the labels are still one exact .npy per slice."""
        labels = (np.arange(volume.hu.size).reshape(volume.hu.shape) % 3).astype(np.uint8)
        manifest = json.loads(
            export(volume, tmp_path / "v", format="volume-npz", labels=labels).read_text()
        )
        assert [entry["labels"] for entry in manifest["files"]] == [
            f"labels/slice_{index:04d}.npy" for index in range(3)
        ]
        for index in range(3):
            saved = np.load(tmp_path / "v" / "labels" / f"slice_{index:04d}.npy")
            np.testing.assert_array_equal(saved, labels[index])
        images = np.load(tmp_path / "v" / "volume.npz")["images"]
        np.testing.assert_array_equal(images, apply_window(volume.hu, "default"))

    def test_png_slices_equal_apply_window(self, volume, tmp_path):
        """Each PNG is the windowed slice, in slice order, named by index."""
        manifest = export(volume, tmp_path / "out", windows=["fat"])
        for index in range(3):
            png = np.asarray(Image.open(tmp_path / "out" / f"slice_{index:04d}.png"))
            np.testing.assert_array_equal(png, apply_window(volume.hu[index], "fat"))
        assert manifest.name == MANIFEST_NAME

    def test_three_windows_make_rgb_and_npy_keeps_channels(self, volume, tmp_path):
        """Three presets give RGB PNGs; npy keeps any number of channels."""
        export(volume, tmp_path / "rgb", windows=["brain", "subdural", "bone"])
        rgb = np.asarray(Image.open(tmp_path / "rgb" / "slice_0001.png"))
        np.testing.assert_array_equal(rgb, multiwindow(volume.hu[1], ["brain", "subdural", "bone"]))
        export(volume, tmp_path / "npy", windows=["fat", "bone"], format="npy")
        array = np.load(tmp_path / "npy" / "slice_0002.npy")
        np.testing.assert_array_equal(array, multiwindow(volume.hu[2], ["fat", "bone"]))

    def test_manifest_records_windows_and_no_identifiers(self, volume, tmp_path):
        """The manifest lists windows, files and positions, and copies only safe summary fields."""
        manifest = json.loads(export(volume, tmp_path / "o", windows=["default"]).read_text())
        assert manifest["windows"][0]["low"] == PRESETS["default"].low == -160
        assert [f["position_mm"] for f in manifest["files"]] == [-10.0, -7.5, -5.0]
        assert manifest["image"]["modality"] == "CT"
        assert "Doe" not in json.dumps(manifest)

    def test_progress_called_per_slice(self, volume, tmp_path):
        """The progress callback sees every slice."""
        calls = []
        export(volume, tmp_path / "p", progress=lambda done, total: calls.append((done, total)))
        assert calls == [(1, 3), (2, 3), (3, 3)]

    def test_refuses_non_empty_folder_unless_overwrite(self, volume, tmp_path):
        """A folder with files is refused; overwrite=True allows it and leaves other files."""
        (tmp_path / "notes.txt").write_text("mine")
        with pytest.raises(ExportError, match="not empty.*overwrite=True"):
            export(volume, tmp_path)
        export(volume, tmp_path, overwrite=True)
        assert (tmp_path / "notes.txt").read_text() == "mine"

    def test_refuses_input_folder(self, volume, tmp_path):
        """Export never writes beside the input files."""
        scan = tmp_path / "scan"
        scan.mkdir()
        (scan / "IM0001").write_bytes(b"x")
        with pytest.raises(ExportError, match="never writes beside your input"):
            export(volume, scan, source=scan / "IM0001", overwrite=True)
        assert [p.name for p in scan.iterdir()] == ["IM0001"]

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"format": "jpg"}, "format must be"),
            ({"windows": ["fat", "bone"]}, "1 \\(grey\\) or 3"),
            ({"windows": []}, "at least one window"),
        ],
    )
    def test_bad_options(self, volume, tmp_path, kwargs, message):
        """Bad formats and channel counts are explained."""
        with pytest.raises(ExportError, match=message):
            export(volume, tmp_path / "x", **kwargs)
