"""Tests for the ctlab command line, run as a user would (a subprocess) and in-process."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pydicom.data import get_testdata_file

import ctlab
import ctlab.io.dataset
from ctlab.cli import main
from ctlab.io.dataset import series_folder_name
from tests.error_cases import series
from tests.helpers.studies import (
    BROKEN_UID,
    counting_header_reads,
    make_studies,
    tree_bytes,
    write_series,
)

CHEST = get_testdata_file("CT_small.dcm")
HEAD = get_testdata_file("693_UNCR.dcm")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ctlab", *args], capture_output=True, text=True, timeout=120
    )


class TestInfo:
    def test_summary_and_tissue_table(self):
        """`python -m ctlab info` prints size, spacing, windows and pixels per reference tissue range."""
        result = run_cli("info", HEAD)
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "512 x 512" in out and "0.479 x 0.479 mm" in out
        assert "C 40 / W 100 HU" in out
        assert "padding pixels left out" in out
        for tissue in ctlab.TISSUES.values():
            assert tissue.label in out
        assert "portal venous" in out and "ranges overlap" in out

    def test_no_identifiers_unless_asked(self):
        """Patient name and ID appear only with --show-phi."""
        plain = run_cli("info", CHEST).stdout
        assert "CompressedSamples" not in plain
        shown = run_cli("info", CHEST, "--show-phi").stdout
        assert "CompressedSamples^CT1" in shown and "--show-phi" in shown

    def test_bad_file_one_line(self, tmp_path):
        """A non-DICOM file gives one line on stderr, exit status 2, no traceback."""
        junk = tmp_path / "notes.txt"
        junk.write_text("hello")
        result = run_cli("info", str(junk))
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert "notes.txt" in result.stderr

    def test_no_repeated_rows_and_one_slice(self):
        """Size and spacing are printed once each; a single slice is "1 slice"."""
        out = run_cli("info", CHEST).stdout
        assert "(1 slice, int16)" in out and "1 slices" not in out
        assert "\n  shape " not in out and "spacing mm" not in out

    def test_a_closed_pipe_ends_quietly(self):
        """`ctlab info PATH | head`: the reader leaving ends ctlab without a traceback."""
        process = subprocess.Popen(
            [sys.executable, "-m", "ctlab", "info", HEAD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        process.stdout.close()  # the reader is gone before ctlab writes
        stderr = process.stderr.read()
        process.wait(timeout=120)
        assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
        assert process.returncode == 1

    def test_help_has_no_markup(self):
        """--help shows plain text: no reST ``double backquotes``."""
        out = run_cli("--help").stdout
        assert "``" not in out and "ctlab info PATH summarises a scan" in out


class TestWindow:
    def test_preset_png_equals_apply_window(self, tmp_path):
        """The PNG holds exactly apply_window of the slice."""
        out = tmp_path / "brain.png"
        assert main(["window", HEAD, "--preset", "brain", "-o", str(out)]) == 0
        expected = ctlab.apply_window(ctlab.load(HEAD).hu, "brain")
        np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)

    def test_center_width(self, tmp_path, capsys):
        """--center/--width make a custom window; the report gives clipping."""
        out = tmp_path / "c.png"
        assert main(["window", CHEST, "--center", "40", "--width", "400", "-o", str(out)]) == 0
        assert "C 40 / W 400" in capsys.readouterr().out
        expected = ctlab.apply_window(ctlab.load(CHEST).hu, ctlab.Window(40, 400))
        np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--preset", "fatty"], "no preset named 'fatty'"),
            (["--center", "40"], "--center and --width go together"),
            (["--preset", "fat", "--width", "3"], "either --preset or --center"),
            (["--center", "40", "--width", "0"], "width must be >= 1 HU"),
            (["--preset", "fat", "--slice", "3"], "--slice 3 is out of range"),
        ],
    )
    def test_bad_arguments(self, tmp_path, capsys, args, message):
        """Each bad argument is one clear line on stderr and exit status 2."""
        assert main(["window", CHEST, *args, "-o", str(tmp_path / "x.png")]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1
        assert not (tmp_path / "x.png").exists()

    def test_no_window_given_uses_the_default_and_says_so(self, tmp_path, capsys):
        """Without window options, window uses the same default window export does, and says so."""
        out = tmp_path / "d.png"
        assert main(["window", CHEST, "-o", str(out)]) == 0
        report = capsys.readouterr().out
        assert str(ctlab.PRESETS["default"]) in report
        assert "(no window given: the 'default' preset)" in report
        expected = ctlab.apply_window(ctlab.load(CHEST).hu, "default")
        np.testing.assert_array_equal(np.asarray(Image.open(out)), expected)

    def test_a_window_equal_to_a_preset_is_named_after_it(self, tmp_path, capsys):
        """--center -80 --width 40 is reported as the fat preset, not "custom"."""
        assert (
            main(
                ["window", CHEST, "--center", "-80", "--width", "40", "-o", str(tmp_path / "f.png")]
            )
            == 0
        )
        report = capsys.readouterr().out
        assert str(ctlab.PRESETS["fat"]) in report and "custom" not in report

    def test_argparse_errors_are_one_line(self):
        """A missing -o is reported in one line, not a usage block."""
        result = run_cli("window", CHEST, "--preset", "fat")
        assert result.returncode == 2 and result.stderr.count("\n") == 1
        assert "-o/--output" in result.stderr

    def test_missing_file(self, tmp_path, capsys):
        """A missing path is one line naming it."""
        assert main(["window", str(tmp_path / "nope.dcm"), "--preset", "fat", "-o", "x.png"]) == 2
        assert "nope.dcm" in capsys.readouterr().err


class TestExport:
    def test_export_rgb_with_manifest(self, tmp_path, capsys):
        """Three presets export RGB PNGs and a manifest naming the windows."""
        out = tmp_path / "set"
        code = main(
            [
                "export",
                HEAD,
                "-o",
                str(out),
                "--preset",
                "brain",
                "--preset",
                "subdural",
                "--preset",
                "bone",
            ]
        )
        assert code == 0
        manifest = json.loads((out / "ctlab-manifest.json").read_text())
        assert [w["center"] for w in manifest["windows"]] == [40, 75, 400]
        png = np.asarray(Image.open(out / "slice_0000.png"))
        expected = ctlab.multiwindow(ctlab.load(HEAD).hu, ["brain", "subdural", "bone"])
        np.testing.assert_array_equal(png, expected)
        report = capsys.readouterr().out
        assert "wrote 1 png file (" in report
        assert str(ctlab.PRESETS["bone"]) in report and "no window given" not in report

    def test_export_refuses_non_empty(self, tmp_path, capsys):
        """A non-empty output folder is refused in one line."""
        (tmp_path / "keep.txt").write_text("x")
        assert main(["export", CHEST, "-o", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert "not empty" in err and "add --overwrite" in err and "overwrite=True" not in err
        assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]

    def test_folder_of_one_series_reads_each_header_once(self, tmp_path, monkeypatch):
        """`ctlab export FOLDER` of one series reads each header once and writes what ctlab.export does."""
        import ctlab.io.series

        folder = series(
            tmp_path / "scan", count=3, pixels=np.arange(12, dtype=np.int16).reshape(3, 4)
        )
        (folder / "notes.txt").write_text("not DICOM")
        read_header, reads = ctlab.io.series.read_header, []
        monkeypatch.setattr(
            ctlab.io.series, "read_header", lambda file: reads.append(file) or read_header(file)
        )
        with pytest.warns(ctlab.CTLabWarning, match="skipped 1 not DICOM") as by_cli:
            assert (
                main(["export", str(folder), "-o", str(tmp_path / "cli"), "--format", "npy"]) == 0
            )
        assert sorted(Path(file).name for file in reads) == sorted(p.name for p in folder.iterdir())

        with pytest.warns(ctlab.CTLabWarning) as by_load:
            image = ctlab.load(folder)
        ctlab.export(image, tmp_path / "api", format="npy", source=str(folder))
        assert [str(w.message) for w in by_cli] == [str(w.message) for w in by_load]
        written = sorted(p.name for p in (tmp_path / "cli").iterdir())
        assert written == sorted(p.name for p in (tmp_path / "api").iterdir())
        for name in written:
            assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "api" / name).read_bytes()


class TestExportCollection:
    def test_cli_and_api_agree(self, tmp_path, capsys, monkeypatch):
        """ctlab export ROOT --jobs 2 writes what ctlab.export_many writes, and says how much."""
        root = make_studies(tmp_path / "studies")
        windows = ["brain", "subdural", "bone"]
        argv = ["export", str(root), "-o", str(tmp_path / "cli"), "--jobs", "2"]
        argv += ["--compress-level", "1", *[arg for w in windows for arg in ("--preset", w)]]
        # Searched on the pool in batches of 2 files (several batches for these 10 files).
        monkeypatch.setattr(ctlab.io.dataset, "_HEADER_BATCH", 2)
        read_here = counting_header_reads(monkeypatch)
        assert main(argv) == 0
        assert "3 series exported (9 slices), 0 already done, 0 failed" in capsys.readouterr().out
        # Telling a collection from one series read study_a's 3 slices and report and the
        # first file of the second series, once each; the workers searched the rest.
        assert len(read_here) == len(set(read_here)) == 5
        monkeypatch.undo()
        ctlab.export_many(root, tmp_path / "api", windows=windows, compress_level=1, jobs=1)
        assert tree_bytes(tmp_path / "cli") == tree_bytes(tmp_path / "api")
        assert main(argv) == 0
        assert "0 series exported (0 slices), 3 already done" in capsys.readouterr().out

    def test_scheduler_address(self, tmp_path, capsys):
        """--scheduler sends the series to a running Dask scheduler: the same files as --jobs 1."""
        distributed = pytest.importorskip("distributed")
        root = make_studies(tmp_path / "studies")
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            argv = ["export", str(root), "-o", str(tmp_path / "dask"), "--preset", "lung"]
            assert main([*argv, "--scheduler", cluster.scheduler_address]) == 0
        assert "3 series exported (9 slices)" in capsys.readouterr().out
        ctlab.export_many(root, tmp_path / "serial", windows=["lung"], jobs=1)
        assert tree_bytes(tmp_path / "dask") == tree_bytes(tmp_path / "serial")

    def test_urls_from_and_to_storage(self, tmp_path, capsys):
        """ctlab export URL -o URL (fsspec's memory://) writes what ctlab.export_many writes locally."""
        fsspec = pytest.importorskip("fsspec")
        memory = fsspec.filesystem("memory")
        root = make_studies(tmp_path / "studies")
        for path in root.rglob("*"):
            if path.is_file():
                memory.pipe_file(f"/cli/studies/{path.relative_to(root)}", path.read_bytes())
        argv = ["export", "memory://cli/studies", "-o", "memory://cli/out", "--preset", "lung"]
        try:
            assert main([*argv, "--jobs", "1"]) == 0
            assert "index memory://cli/out/index.csv" in capsys.readouterr().out
            ctlab.export_many(root, tmp_path / "api", windows=["lung"], jobs=1)
            stored = {p[len("/cli/out/") :]: memory.cat_file(p) for p in memory.find("/cli/out")}
            assert stored == tree_bytes(tmp_path / "api")
            # One local series to a URL: the collection layout there, not a flat folder.
            one = root / "study_a" / "ct"
            assert main(["export", str(one), "-o", "memory://cli/one", "--jobs", "1"]) == 0
            assert memory.exists("/cli/one/index.csv") and not Path("memory:").exists()
        finally:
            memory.rm("/cli", recursive=True)

    def test_failed_series_listed_and_status_2(self, tmp_path, capsys):
        """A series that cannot be loaded is listed; the others are written; the status is 2."""
        root = make_studies(tmp_path / "studies")
        write_series(root / "bad" / "a", BROKEN_UID, 1, 0)
        write_series(root / "bad" / "b", BROKEN_UID, 1, 0, size=(5, 5))
        assert main(["export", str(root), "-o", str(tmp_path / "out"), "--jobs", "1"]) == 2
        out, err = capsys.readouterr()
        assert f"failed: {series_folder_name(BROKEN_UID)} ({root / 'bad'}): " in out
        assert "mixes image sizes" in out and "3 series exported" in out
        assert err.startswith(f"warning: skipped 1 not DICOM in {root}\n")
        last = err.splitlines()[-1]
        assert last.startswith("ctlab export: error: 1 of 4 series could not be exported")

    def test_one_series_folder_stays_flat(self, tmp_path):
        """A folder holding one series is exported flat, as a single scan always was."""
        root = make_studies(tmp_path / "studies")
        assert main(["export", str(root / "study_b" / "day1"), "-o", str(tmp_path / "out")]) == 0
        names = sorted(p.name for p in (tmp_path / "out").iterdir())
        assert names == ["ctlab-manifest.json", *[f"slice_{i:04d}.png" for i in range(4)]]


def test_errors_print_on_one_line(capsys, monkeypatch):
    """A message spanning lines (a decoder's, quoted in ours) is printed as one line."""
    import ctlab.cli as cli

    def fail(_args):
        raise ctlab.CTLabError(
            "scan.dcm: its pixel data cannot be decoded:\n  line one\n  line two"
        )

    monkeypatch.setitem(cli._COMMANDS, "info", fail)
    assert cli.main(["info", "scan.dcm"]) == 2
    err = capsys.readouterr().err
    assert (
        err == "ctlab info: error: scan.dcm: its pixel data cannot be decoded: line one line two\n"
    )
