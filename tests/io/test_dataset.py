"""Tests for ctlab.io.dataset: exporting every series of a collection, serially, on processes and Dask."""

from __future__ import annotations

import csv
import multiprocessing
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import ctlab
import ctlab.io.dataset
import ctlab.io.export
import ctlab.io.series
from ctlab.core.errors import ExportError
from ctlab.io.dataset import INDEX_COLUMNS, INDEX_NAME, export_many, series_folder_name
from tests.helpers.studies import (
    BROKEN_UID,
    SERIES,
    WINDOWS,
    counting_header_reads,
    tree_bytes,
    write_series,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def with_broken(studies, tmp_path) -> Path:
    """The studies plus one series whose slices differ in size: it cannot be loaded."""
    root = tmp_path / "studies"
    shutil.copytree(studies, root)
    write_series(root / "study_c" / "ct", BROKEN_UID, 2, 9)
    write_series(root / "study_c" / "ct2", BROKEN_UID, 1, 10, size=(5, 5))
    return root


def index_rows(out: Path) -> list[dict[str, str]]:
    with open(out / INDEX_NAME, newline="") as file:
        return list(csv.DictReader(file))


class TestExportMany:
    def test_each_series_in_its_own_folder(self, studies, tmp_path):
        """Every series of the tree is exported, to a folder named by a digest of its UID."""
        summary = export_many(studies, tmp_path / "out", windows=WINDOWS, jobs=1)
        names = sorted(series_folder_name(uid) for uid in SERIES)
        assert summary.done == names and summary.skipped == [] and summary.failed == {}
        assert summary.slices == 9
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [INDEX_NAME, *names]
        assert summary.sources[series_folder_name("1.2.826.0.1.3680043.8.498.102")] == str(
            studies / "study_b" / "day1" / "ct"
        )

    def test_index_matches_the_files(self, studies, tmp_path):
        """The index lists every image file once, and each PNG is the windowed slice it names."""
        out = tmp_path / "out"
        export_many(studies, out, windows=WINDOWS, jobs=1)
        rows = index_rows(out)
        assert list(rows[0]) == list(INDEX_COLUMNS)
        listed = sorted(row["file"] for row in rows)
        written = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
        assert listed == written and len(rows) == 9
        for uid, (where, count) in SERIES.items():
            image = ctlab.load(studies / where)
            mine = [row for row in rows if row["series"] == series_folder_name(uid)]
            assert [int(row["slice"]) for row in mine] == list(range(count))
            for row in mine:
                png = np.asarray(Image.open(out / row["file"]))
                expected = ctlab.multiwindow(image.hu[int(row["slice"])], WINDOWS)
                np.testing.assert_array_equal(png, expected)
                assert float(row["position_mm"]) == image.slice_positions[int(row["slice"])]
                assert float(row["slice_spacing_mm"]) == 2.5
                assert (float(row["row_spacing_mm"]), float(row["column_spacing_mm"])) == (
                    0.5,
                    0.75,
                )
                assert row["windows"] == "C40 W80;C75 W215;C400 W1800"
                assert row["labels_file"] == ""

    def test_serial_processes_and_dask_write_the_same_bytes(self, studies, tmp_path, monkeypatch):
        """jobs=1, a pool of 2 processes and a Dask LocalCluster of 2 processes: identical files.

        With the pool and with Dask, the workers also read the headers when
        the series are searched for (batches of 2 files here, for the 9 files
        to make several): the calling process reads none.
        """
        distributed = pytest.importorskip("distributed")
        export_many(studies, tmp_path / "serial", windows=WINDOWS, jobs=1)
        monkeypatch.setattr(ctlab.io.dataset, "_HEADER_BATCH", 2)
        read_here = counting_header_reads(monkeypatch)
        export_many(studies, tmp_path / "pool", windows=WINDOWS, jobs=2)
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            summary = export_many(studies, tmp_path / "dask", windows=WINDOWS, client=client)
        assert len(summary.done) == 3
        assert read_here == []
        serial = tree_bytes(tmp_path / "serial")
        assert len(serial) == 9 + 3 + 1
        assert tree_bytes(tmp_path / "pool") == serial
        assert tree_bytes(tmp_path / "dask") == serial

    def test_one_batch_of_files_is_searched_here(self, studies, tmp_path, monkeypatch):
        """A collection of one batch of files or fewer: its headers are read in the calling process."""
        read_here = counting_header_reads(monkeypatch)
        export_many(studies, tmp_path / "out", windows=WINDOWS, jobs=2)
        assert sorted(read_here) == sorted(p for p in studies.rglob("*") if p.is_file())

    def test_largest_series_first(self, studies, tmp_path, monkeypatch):
        """Series go to the workers largest first, so the last to start is a small one."""
        export_series = ctlab.io.dataset._export_series
        sizes = []

        def recording(job, report=None):
            sizes.append(len(job.files))
            return export_series(job, report)

        monkeypatch.setattr(ctlab.io.dataset, "_export_series", recording)
        summary = export_many(studies, tmp_path / "out", windows=WINDOWS, jobs=1)
        assert sizes == [4, 3, 2]
        assert summary.done == sorted(series_folder_name(uid) for uid in SERIES)

    def test_list_of_paths_and_csv(self, studies, tmp_path):
        """A list of folders and a CSV of (relative) paths export what the root does."""
        export_many(studies, tmp_path / "root", windows=["lung"], jobs=1)
        folders = [studies / where for where, _ in SERIES.values()]
        export_many(folders, tmp_path / "list", windows=["lung"], jobs=1)
        listing = studies.parent / "paths.csv"
        rows = [os.path.relpath(folder, listing.parent) for folder in folders]
        listing.write_text("path,site\n" + "".join(f"{row},x\n" for row in rows))
        export_many(listing, tmp_path / "csv", windows=["lung"], jobs=1)
        # A folder listed with its parent: its files count once.
        export_many([studies, studies / "study_a"], tmp_path / "twice", windows=["lung"], jobs=1)
        root = tree_bytes(tmp_path / "root")
        assert tree_bytes(tmp_path / "list") == root == tree_bytes(tmp_path / "csv")
        assert tree_bytes(tmp_path / "twice") == root

    def test_rerun_skips_finished_series(self, studies, tmp_path):
        """A rerun skips what is done (files untouched); overwrite=True exports again."""
        out = tmp_path / "out"
        export_many(studies, out, windows=["bone"], jobs=1)
        before = {p: p.stat().st_mtime_ns for p in out.rglob("*.png")}
        again = export_many(studies, out, windows=["bone"], jobs=1)
        assert again.done == [] and len(again.skipped) == 3 and again.slices == 0
        assert {p: p.stat().st_mtime_ns for p in out.rglob("*.png")} == before
        assert len(index_rows(out)) == 9
        redone = export_many(studies, out, windows=["bone"], jobs=1, overwrite=True)
        assert len(redone.done) == 3 and redone.skipped == []

    def test_index_names_labels_files_from_the_manifests(self, studies, tmp_path):
        """The labels_file column comes from the manifests' labels entries (ctlab.export's labels=)."""
        import json

        out = tmp_path / "out"
        summary = export_many(studies, out, windows=["bone"], jobs=1)
        manifest_path = out / summary.done[0] / "ctlab-manifest.json"
        manifest = json.loads(manifest_path.read_text())
        for entry in manifest["files"]:
            entry["labels"] = entry["file"].replace("slice_", "labels_")
        manifest_path.write_text(json.dumps(manifest))
        export_many(studies, out, windows=["bone"], jobs=1)
        labelled = {
            row["file"]: row["labels_file"] for row in index_rows(out) if row["labels_file"]
        }
        assert labelled == {
            f"{summary.done[0]}/slice_{i:04d}.png": f"{summary.done[0]}/labels_{i:04d}.png"
            for i in range(len(manifest["files"]))
        }

    def test_rerun_with_other_options_is_refused(self, studies, tmp_path):
        """Series exported with other windows are not mixed into the data set silently."""
        export_many(studies, tmp_path / "out", windows=["bone"], jobs=1)
        with pytest.raises(ExportError, match="3 series exported with other windows"):
            export_many(studies, tmp_path / "out", windows=["brain"], jobs=1)

    @pytest.mark.parametrize("jobs", [1, 2])
    def test_broken_series_reported_others_go_on(self, with_broken, tmp_path, jobs):
        """A series that cannot be loaded is reported with its message; the rest is exported."""
        out = tmp_path / "out"
        summary = export_many(with_broken, out, windows=["bone"], jobs=jobs)
        broken = series_folder_name(BROKEN_UID)
        assert list(summary.failed) == [broken]
        assert "mixes image sizes" in summary.failed[broken]
        assert len(summary.done) == 3
        assert summary.sources[broken] == str(with_broken / "study_c")
        assert not (out / broken).exists() and not list(out.glob("*.partial"))
        assert {row["series"] for row in index_rows(out)} == set(summary.done)

    @pytest.mark.parametrize("format", ["volume-npy", "volume-npz"])
    def test_volume_per_series(self, studies, tmp_path, format):
        """One uint8 array per series; the index's slice is its first axis."""
        out = tmp_path / "out"
        export_many(studies, out, windows=["brain", "bone"], format=format, jobs=1)
        rows = index_rows(out)
        assert len(rows) == 9 and len({row["file"] for row in rows}) == 3
        for row in rows[:3]:
            path = out / row["file"]
            volume = np.load(path)["images"] if format == "volume-npz" else np.load(path)
            uid = next(u for u in SERIES if series_folder_name(u) == row["series"])
            image = ctlab.load(studies / SERIES[uid][0])
            assert volume.dtype == np.uint8 and volume.shape == (*image.hu.shape, 2)
            np.testing.assert_array_equal(
                volume[int(row["slice"])],
                ctlab.multiwindow(image.hu[int(row["slice"])], ["brain", "bone"]),
            )

    def test_float32_volume(self, studies, tmp_path):
        """dtype float32: the unrounded grey levels in 0..1, one channel per window."""
        from ctlab.core.voi import apply_window_float

        out = tmp_path / "out"
        export_many(
            studies, out, windows=["brain", "bone"], format="volume-npz", dtype="float32", jobs=1
        )
        uid, (where, _) = next(iter(SERIES.items()))
        volume = np.load(out / series_folder_name(uid) / "volume.npz")["images"]
        hu = ctlab.load(studies / where).hu
        assert volume.dtype == np.float32 and volume.shape == (*hu.shape, 2)
        for channel, name in enumerate(["brain", "bone"]):
            np.testing.assert_array_equal(volume[..., channel], apply_window_float(hu, name))

    def test_compress_levels_hold_the_same_pixels(self, studies, tmp_path):
        """Level 0 and level 9 PNGs hold the same pixels; 9 is smaller."""
        for level in (0, 9):
            export_many(
                studies, tmp_path / str(level), windows=WINDOWS, compress_level=level, jobs=1
            )
        fast, small = tree_bytes(tmp_path / "0"), tree_bytes(tmp_path / "9")
        pngs = [name for name in fast if name.endswith(".png")]
        for name in pngs:
            np.testing.assert_array_equal(
                np.asarray(Image.open(tmp_path / "0" / name)),
                np.asarray(Image.open(tmp_path / "9" / name)),
            )
        assert sum(len(small[n]) for n in pngs) < sum(len(fast[n]) for n in pngs)

    def test_progress_bars(self, studies, tmp_path, capsys):
        """progress=True shows tqdm bars of series and slices."""
        export_many(studies, tmp_path / "out", windows=["bone"], jobs=1, progress=True)
        err = capsys.readouterr().err
        assert "series: 100%" in err and "9/9" in err


def _finish_and_compare(studies: Path, out: Path, clean: Path) -> None:
    """Rerunning a killed export completes it: no partial file left, the bytes of a clean run."""
    summary = export_many(studies, out, windows=WINDOWS, jobs=1)
    assert summary.failed == {} and len(summary.done) + len(summary.skipped) == 3
    assert not [p for p in out.rglob("*") if p.name.endswith(".partial")]
    export_many(studies, clean, windows=WINDOWS, jobs=1)
    assert tree_bytes(out) == tree_bytes(clean)


class TestKilledRun:
    def test_killed_process_resumes(self, studies, tmp_path):
        """A run killed (SIGKILL) in the middle of a series leaves only a .partial folder; a rerun completes."""
        out = tmp_path / "out"
        script = textwrap.dedent(
            f"""
            import os, signal
            import ctlab.io.export as export_module
            from ctlab.io.dataset import export_many

            save, written = export_module._PNGWriter.write, []

            def save_then_die(writer, grey, path):
                # Killed while writing the 6th slice: the largest series (4 slices)
                # is done, the next (3 slices) has one.
                if len(written) == 5:
                    os.kill(os.getpid(), signal.SIGKILL)
                written.append(path)
                return save(writer, grey, path)

            export_module._PNGWriter.write = save_then_die
            export_many({str(studies)!r}, {str(out)!r}, windows={WINDOWS!r}, jobs=1)
            """
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
        assert result.returncode == -9
        partial = list(out.glob("*.partial"))
        assert len(partial) == 1 and len(list(partial[0].glob("*.png"))) == 1
        finished = [p for p in out.iterdir() if p.is_dir() and not p.name.endswith(".partial")]
        assert len(finished) == 1 and len(list(finished[0].glob("*.png"))) == 4
        assert not (out / INDEX_NAME).exists()
        _finish_and_compare(studies, out, tmp_path / "clean")

    @pytest.mark.skipif(
        multiprocessing.get_start_method() != "fork",
        reason="the workers inherit the patched writer only when forked",
    )
    def test_killed_worker_resumes(self, studies, tmp_path, monkeypatch):
        """A pool worker that dies mid-series stops the run with an ExportError; a rerun completes."""
        save = ctlab.io.export._PNGWriter.write
        parent = os.getpid()

        def save_then_die(writer, grey, path):
            if os.getpid() != parent and path.name == "slice_0001.png":
                os._exit(1)
            return save(writer, grey, path)

        monkeypatch.setattr(ctlab.io.export._PNGWriter, "write", save_then_die)
        out = tmp_path / "out"
        with pytest.raises(ExportError, match="a worker process died"):
            export_many(studies, out, windows=WINDOWS, jobs=2)
        assert list(out.glob("*.partial"))
        monkeypatch.undo()
        _finish_and_compare(studies, out, tmp_path / "clean")
