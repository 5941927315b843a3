"""Tests for ctlab.export_many on fsspec URLs: sources and output in memory:// and file:// storage."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

import ctlab
from ctlab.core.errors import ExportError
from ctlab.io.dataset import INDEX_NAME, export_many, series_folder_name
from ctlab.io.export import MANIFEST_NAME
from tests.helpers.studies import SERIES, WINDOWS, tree_bytes

ROOT = Path(__file__).resolve().parents[2]

fsspec = pytest.importorskip("fsspec")


@pytest.fixture(scope="module")
def local_export(studies, tmp_path_factory) -> dict[str, bytes]:
    """What a local export of the studies writes: the bytes every URL export must match."""
    out = tmp_path_factory.mktemp("local") / "out"
    export_many(studies, out, windows=WINDOWS, jobs=1)
    return tree_bytes(out)


@pytest.fixture
def bucket():
    """A fresh folder of fsspec's in-memory filesystem, removed afterwards."""
    memory = fsspec.filesystem("memory")
    name = f"/bucket-{uuid.uuid4().hex[:8]}"
    yield memory, name
    if memory.exists(name):
        memory.rm(name, recursive=True)


def upload(folder: Path, memory, target: str) -> str:
    """Copy a local folder tree into memory storage; its memory:// URL."""
    for path in folder.rglob("*"):
        if path.is_file():
            memory.pipe_file(f"{target}/{path.relative_to(folder).as_posix()}", path.read_bytes())
    return f"memory://{target}"


def stored_bytes(memory, folder: str) -> dict[str, bytes]:
    """Every object under ``folder`` by relative path, with its bytes."""
    return {path[len(folder) + 1 :]: memory.cat_file(path) for path in sorted(memory.find(folder))}


class TestMemoryStorage:
    def test_memory_to_memory_writes_the_local_bytes(self, studies, local_export, bucket):
        """A collection read from and written to memory:// holds the bytes of a local export."""
        memory, name = bucket
        source = upload(studies, memory, f"{name}/studies")
        summary = export_many(source, f"memory://{name}/out", windows=WINDOWS, jobs=1)
        assert summary.failed == {} and len(summary.done) == 3 and summary.slices == 9
        assert summary.index == f"memory://{name}/out/{INDEX_NAME}"
        assert summary.warnings == {"": [f"skipped 1 not DICOM in {source}"]}
        named = series_folder_name("1.2.826.0.1.3680043.8.498.102")
        assert summary.sources[named] == f"memory://{name}/studies/study_b/day1/ct"
        assert stored_bytes(memory, f"{name}/out") == local_export

    def test_local_to_memory_and_memory_to_local(self, studies, local_export, bucket, tmp_path):
        """A URL on one side only: the same bytes again."""
        memory, name = bucket
        export_many(studies, f"memory://{name}/out", windows=WINDOWS, jobs=1)
        assert stored_bytes(memory, f"{name}/out") == local_export
        source = upload(studies, memory, f"{name}/studies")
        export_many(source, tmp_path / "out", windows=WINDOWS, jobs=1)
        assert tree_bytes(tmp_path / "out") == local_export

    def test_series_split_between_a_folder_and_a_url(self, studies, local_export, bucket):
        """A local folder and a URL given together are searched as one collection."""
        memory, name = bucket
        source = upload(studies / "study_b", memory, f"{name}/study_b")
        summary = export_many(
            [studies / "study_a", source], f"memory://{name}/out", windows=WINDOWS, jobs=1
        )
        assert len(summary.done) == 3
        assert stored_bytes(memory, f"{name}/out") == local_export

    def test_csv_listing_urls(self, studies, local_export, bucket, tmp_path):
        """A local CSV may list URLs and paths (relative ones relative to the CSV)."""
        memory, name = bucket
        source = upload(studies / "study_b", memory, f"{name}/study_b")
        listing = studies.parent / "urls.csv"
        listing.write_text(f"path\n{source}\n{studies.name}/study_a\n")
        export_many(listing, f"memory://{name}/out", windows=WINDOWS, jobs=1)
        assert stored_bytes(memory, f"{name}/out") == local_export

    def test_rerun_skips_and_overwrite_redoes(self, studies, bucket, monkeypatch):
        """Series with a manifest are skipped (nothing uploaded); overwrite=True uploads again."""
        memory, name = bucket
        out = f"memory://{name}/out"
        export_many(studies, out, windows=WINDOWS, jobs=1)
        uploads = []
        put_file = type(memory).put_file
        monkeypatch.setattr(
            type(memory),
            "put_file",
            lambda self, lpath, rpath, **kw: (
                uploads.append(rpath) or put_file(self, lpath, rpath, **kw)
            ),
        )
        again = export_many(studies, out, windows=WINDOWS, jobs=1)
        assert again.done == [] and len(again.skipped) == 3 and uploads == []
        redone = export_many(studies, out, windows=WINDOWS, jobs=1, overwrite=True)
        assert len(redone.done) == 3 and len(uploads) == 9 + 3

    def test_series_without_manifest_is_redone(self, studies, local_export, bucket):
        """Files a killed upload left without a manifest are not a finished series: redone, strays gone."""
        memory, name = bucket
        out = f"{name}/out"
        export_many(studies, f"memory://{out}", windows=WINDOWS, jobs=1)
        half = series_folder_name("1.2.826.0.1.3680043.8.498.102")
        memory.rm(f"{out}/{half}/{MANIFEST_NAME}")
        memory.rm(f"{out}/{half}/slice_0003.png")
        memory.pipe_file(f"{out}/{half}/slice_0009.png", b"left by a killed run")
        summary = export_many(studies, f"memory://{out}", windows=WINDOWS, jobs=1)
        assert summary.done == [half] and len(summary.skipped) == 2
        assert stored_bytes(memory, out) == local_export

    def test_manifest_is_uploaded_last(self, studies, bucket, monkeypatch):
        """A series' manifest goes up after all its slices: with it, the series is complete."""
        memory, name = bucket
        order = []
        put_file = type(memory).put_file

        def record(self, lpath, rpath, **kwargs):
            order.append(rpath.rsplit("/", 2)[-2:])
            return put_file(self, lpath, rpath, **kwargs)

        monkeypatch.setattr(type(memory), "put_file", record)
        export_many(studies, f"memory://{name}/out", windows=WINDOWS, jobs=1)
        for series in {series for series, _ in order}:
            written = [file for folder, file in order if folder == series]
            assert written.count(MANIFEST_NAME) == 1 and written[-1] == MANIFEST_NAME
        assert len({series for series, _ in order}) == 3

    def test_output_inside_the_source_is_refused(self, studies, bucket):
        """The rule for folders holds for URLs: nothing written among the input files."""
        memory, name = bucket
        source = upload(studies, memory, f"{name}/studies")
        with pytest.raises(ExportError, match="is inside .*choose an output folder outside"):
            export_many(source, f"{source}/dataset", jobs=1)
        assert not memory.exists(f"{name}/studies/dataset")

    def test_missing_source_url(self, bucket):
        _, name = bucket
        with pytest.raises(FileNotFoundError, match=f"memory://{name}/nothing does not exist"):
            export_many(f"memory://{name}/nothing", f"memory://{name}/out", jobs=1)

    def test_no_ct_images_at_the_url(self, bucket):
        memory, name = bucket
        memory.pipe_file(f"{name}/scans/notes.txt", b"no scans here")
        with pytest.raises(ctlab.CTLabError, match=r"no CT images in memory://.*\(1 files: 1 not"):
            export_many(f"memory://{name}/scans", f"memory://{name}/out", jobs=1)


class TestFileUrls:
    """memory:// is one process's: workers on other processes see file:// (shared) storage."""

    def test_pool_and_dask_write_the_local_bytes(self, studies, local_export, tmp_path):
        """file:// sources and outputs, on 2 processes and on a Dask LocalCluster: the same bytes."""
        distributed = pytest.importorskip("distributed")
        source = studies.as_uri()
        summary = export_many(source, (tmp_path / "pool").as_uri(), windows=WINDOWS, jobs=2)
        assert len(summary.done) == 3
        with (
            distributed.LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            summary = export_many(
                source, (tmp_path / "dask").as_uri(), windows=WINDOWS, client=client
            )
        assert len(summary.done) == 3
        assert tree_bytes(tmp_path / "pool") == local_export
        assert tree_bytes(tmp_path / "dask") == local_export

    @pytest.mark.skipif(
        multiprocessing.get_start_method() != "fork",
        reason="the workers inherit the patched upload only when forked",
    )
    def test_killed_upload_resumes(self, studies, local_export, tmp_path):
        """A run killed (SIGKILL) while uploading leaves no manifest for that series; a rerun completes."""
        out = (tmp_path / "out").as_uri()
        script = textwrap.dedent(
            f"""
            import os, signal
            from fsspec.implementations.local import LocalFileSystem
            from ctlab.io.dataset import export_many

            put_file, uploaded = LocalFileSystem.put_file, []

            def put_then_die(self, lpath, rpath, **kwargs):
                # Killed before the 2nd series' last slice and manifest go up.
                if len(uploaded) == 6:
                    os.kill(os.getpid(), signal.SIGKILL)
                uploaded.append(rpath)
                return put_file(self, lpath, rpath, **kwargs)

            LocalFileSystem.put_file = put_then_die
            export_many({studies.as_uri()!r}, {out!r}, windows={WINDOWS!r}, jobs=1)
            """
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        result = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
        assert result.returncode == -9
        folders = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
        assert len(folders) == 2
        assert sum((folder / MANIFEST_NAME).exists() for folder in folders) == 1
        assert not (tmp_path / "out" / INDEX_NAME).exists()
        summary = export_many(studies.as_uri(), out, windows=WINDOWS, jobs=1)
        assert len(summary.done) == 2 and len(summary.skipped) == 1
        assert tree_bytes(tmp_path / "out") == local_export


class TestWithoutFsspec:
    @pytest.mark.parametrize("where", ["source", "csv", "out"])
    def test_missing_fsspec_is_named(self, studies, tmp_path, monkeypatch, where):
        """Without fsspec a URL gets the install command, never a local folder 's3:'."""
        monkeypatch.setitem(sys.modules, "fsspec", None)  # as if not installed
        monkeypatch.chdir(tmp_path)
        listing = tmp_path / "paths.csv"
        listing.write_text("s3://bucket/study\n")
        sources = {"source": "s3://bucket/study", "csv": listing, "out": studies}[where]
        out = "s3://bucket/dataset" if where == "out" else tmp_path / "out"
        with pytest.raises(ExportError, match="s3://bucket/.* pip install fsspec s3fs"):
            export_many(sources, out, jobs=1)
        assert not Path("s3:").exists() and not (tmp_path / "out").exists()

    def test_missing_protocol_package_is_named(self, studies, tmp_path, monkeypatch):
        monkeypatch.setitem(sys.modules, "s3fs", None)  # as if not installed
        with pytest.raises(ExportError, match="s3://bucket/dataset needs .*s3fs"):
            export_many(studies, "s3://bucket/dataset", jobs=1)


def test_manifests_hold_no_urls(studies, bucket):
    """Where the scans were read from is returned to the caller, never written with the data."""
    memory, name = bucket
    source = upload(studies, memory, f"{name}/studies")
    export_many(source, f"memory://{name}/out", windows=WINDOWS, jobs=1)
    for path in memory.find(f"{name}/out"):
        text = memory.cat_file(path).decode("latin-1")
        assert "memory://" not in text and "studies" not in text
    manifest = json.loads(
        memory.cat_file(f"{name}/out/{series_folder_name(next(iter(SERIES)))}/{MANIFEST_NAME}")
    )
    assert "source" not in manifest
