"""Export a collection of CT series as one windowed data set, on every core or a Dask cluster.

:func:`export_many` finds every CT series in folder trees, lists of paths
or a CSV of paths (:func:`ctlab.io.series.find_series_files`) and gives each
to a worker, which loads it and writes it with :func:`ctlab.io.export.export`
into its own folder. Folders are named by a digest of the Series Instance
UID, never by a patient's name or ID; an index CSV (:data:`INDEX_NAME`) lists
every slice of every series for a training loop.

The work is safe to stop: a series is written into ``<folder>.partial`` and
renamed when complete, so a killed run never leaves a folder that looks
done, and a rerun skips the series already exported.

Sources and the output may also be fsspec URLs (``s3://bucket/scans/``,
``gs://...``, ``memory://...``) where fsspec and the protocol's package are
installed. A worker reads its series' files into memory and loads them from
there; it writes the series into a local temporary folder and uploads the
files, the manifest last: on an object store, where nothing can be renamed
at once, the manifest is what marks a series done.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import posixpath
import queue
import shutil
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from ctlab.core.errors import CTLabError, ExportError
from ctlab.core.window import Window
from ctlab.io.export import (
    DEFAULT_COMPRESS_LEVEL,
    MANIFEST_NAME,
    ExportDtype,
    ExportFormat,
    checked_windows,
    export,
    export_options,
)
from ctlab.io.files import PARTIAL, write_atomically
from ctlab.io.series import FileMapper, find_series_files, group_files, is_url, report_found

__all__ = ["INDEX_COLUMNS", "INDEX_NAME", "ExportSummary", "export_many", "series_folder_name"]

#: Name of the data-set index written at the top of the output folder.
INDEX_NAME = "index.csv"
#: The index's columns. ``file`` is relative to the output folder; for the
#: per-series formats ``slice`` is also the index into the file's first axis.
#: ``labels_file`` is the slice's label file where the series was exported with its
#: labels (``ctlab.export(..., labels=...)``), else empty.
INDEX_COLUMNS = (
    "series",
    "slice",
    "file",
    "windows",
    "position_mm",
    "slice_spacing_mm",
    "row_spacing_mm",
    "column_spacing_mm",
    "labels_file",
)
# Files whose headers are read at once when grouping: a remote batch's bytes
# are let go before the next is fetched (concurrently, on s3fs & co), and a
# pool or Dask worker reads a batch of local files per task.
_HEADER_BATCH = 64
_T = TypeVar("_T")
# The package fsspec needs for a protocol, named when fsspec itself is missing.
_PROTOCOL_PACKAGES = {"s3": "s3fs", "gs": "gcsfs", "gcs": "gcsfs", "az": "adlfs", "abfs": "adlfs"}
# Where a series is, or the output folder: a local path, or a URL (a str).
_Place = Path | str


def series_folder_name(series_uid: str) -> str:
    """The output folder of a series: a digest of its Series Instance UID.

    The same series always gets the same name, so a rerun finds what is done;
    the name says nothing about the patient, and the UID cannot be read back
    from it.

    Examples
    --------
    >>> series_folder_name("1.2.826.0.1.3680043.8.498.1")
    'series-6dadc91b850d6b88'
    """
    return "series-" + hashlib.sha256(series_uid.encode()).hexdigest()[:16]


@dataclass
class ExportSummary:
    """What :func:`export_many` did, series by series (by output folder name).

    ``index`` is the index file: a path, or a URL for an fsspec output.
    ``sources`` maps each folder name to the folder its files were read from,
    so a failure can be traced; it is returned, never written to the output.
    """

    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    slices: int = 0
    index: Path | str | None = None

    def __str__(self) -> str:
        text = (
            f"{len(self.done)} series exported ({self.slices} slices), "
            f"{len(self.skipped)} already done, {len(self.failed)} failed"
        )
        return text + (f"; index {self.index}" if self.index else "")


@dataclass(frozen=True)
class _Job:
    """One series for a worker: where its files are and how to write them."""

    name: str
    files: tuple[str, ...]
    folder: str
    windows: tuple[Window, ...]
    format: ExportFormat
    compress_level: int
    dtype: ExportDtype
    invert: bool


@dataclass(frozen=True)
class _Result:
    name: str
    slices: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()


# How a pool worker reports each slice written: the put of the queue the
# caller reads (set by _start_worker).
_report_slice: Callable[[int], object] | None = None


def _start_worker(slice_queue: Any) -> None:
    global _report_slice
    _report_slice = slice_queue.put


def _export_series(job: _Job, report: Callable[[int], object] | None = None) -> _Result:
    """Load one series and write it; a CTLabError becomes the result's error.

    Runs in a worker (or in the caller, with ``report`` counting slices):
    everything it needs is in ``job``, and it returns what the caller reports.
    """
    from ctlab.io.loader import load

    remote = any(is_url(file) for file in job.files)
    report = report or _report_slice

    def progress(done: int, total: int) -> None:
        if report is not None:
            report(1)

    def write(folder: Path) -> None:
        export(
            image,
            folder,
            windows=job.windows,
            format=job.format,
            compress_level=job.compress_level,
            dtype=job.dtype,
            invert=job.invert,
            # A local source, so export refuses to write among its files.
            source=None if remote else job.files[0],
            progress=progress,
        )

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            image = load(_read_remote(job.files) if remote else list(job.files))
            if is_url(job.folder):
                with tempfile.TemporaryDirectory(prefix="ctlab-export-") as scratch:
                    write(Path(scratch, job.name))
                    _upload(Path(scratch, job.name), job.folder)
            else:
                _write_local(Path(job.folder), write)
        except (CTLabError, OSError) as error:
            return _Result(job.name, error=" ".join(str(error).split()))
    return _Result(job.name, image.n_slices, warnings=tuple(str(w.message) for w in caught))


def _write_local(final: Path, write: Callable[[Path], None]) -> None:
    """Write a series into ``<final>.partial`` and rename it to ``final`` when complete."""
    unfinished = final.with_name(final.name + PARTIAL)
    try:
        # What a killed run left behind is ctlab's own temporary folder.
        shutil.rmtree(unfinished, ignore_errors=True)
        write(unfinished)
        if final.exists():  # --overwrite: the earlier export of this series goes
            shutil.rmtree(final)
        os.replace(unfinished, final)
    finally:
        shutil.rmtree(unfinished, ignore_errors=True)


def _filesystem(url: str) -> tuple[Any, str]:
    """The fsspec filesystem of ``url`` and the path within it; ExportError if it cannot be had."""
    protocol = url.split("://", 1)[0].lower()
    try:
        import fsspec
    except ImportError:
        package = _PROTOCOL_PACKAGES.get(protocol)
        raise ExportError(
            f"{url} is a URL, which ctlab reads and writes through fsspec, and fsspec is not "
            f"installed: pip install fsspec{' ' + package if package else ''} (or give a "
            "path the workers see as files, e.g. a mounted bucket)"
        ) from None
    try:
        fs, path = fsspec.core.url_to_fs(url)
    except ImportError as error:  # the protocol's package, e.g. s3fs for s3://
        raise ExportError(
            f"{url} needs a package fsspec uses for {protocol}://, which is not installed "
            f"({error}); install it, e.g. pip install s3fs for s3://"
        ) from None
    except ValueError as error:  # a protocol fsspec does not know
        raise ExportError(
            f"{url}: fsspec cannot open this URL ({error}); check the protocol, e.g. "
            "s3://bucket/folder"
        ) from None
    return fs, path


def _read_remote(urls: Sequence[str]) -> list[dict[str, Any]]:
    """The files at ``urls`` as in-memory uploads for ctlab.load, named by their URLs."""
    located = [(url, *_filesystem(url)) for url in urls]
    # fsspec keeps one instance per storage: a local folder given with a URL is another.
    storages = {id(fs): fs for _, fs, _ in located}
    contents: dict[tuple[int, str], bytes] = {}
    for key, fs in storages.items():
        paths = [path for _, other, path in located if other is fs]
        # One call: an async filesystem (s3fs, gcsfs) fetches the files concurrently.
        for path, data in fs.cat(paths, on_error="raise").items():
            contents[key, path] = data
    return [{"name": url, "content": contents[id(fs), path]} for url, fs, path in located]


def _upload(local: Path, url: str) -> None:
    """Upload a finished series folder to ``url``, its manifest last.

    Whatever was at ``url`` goes first (an earlier export being redone, or
    the files a killed run uploaded without a manifest). The manifest is put
    only once every other file is there, so a series with a manifest is complete.
    """
    fs, path = _filesystem(url)
    if fs.exists(path):
        fs.rm(path, recursive=True)
    files = sorted(f for f in local.rglob("*") if f.is_file() and f.name != MANIFEST_NAME)
    targets = [posixpath.join(path, f.relative_to(local).as_posix()) for f in files]
    for folder in sorted({posixpath.dirname(target) for target in targets} | {path}):
        fs.makedirs(folder, exist_ok=True)
    if files:
        fs.put([str(f) for f in files], targets)
    fs.put_file(str(local / MANIFEST_NAME), posixpath.join(path, MANIFEST_NAME))


def _csv_paths(path: Path) -> list[_Place]:
    """The paths listed in a CSV file: its ``path`` column, or its first column."""
    try:
        with open(path, newline="") as file:
            rows = [row for row in csv.reader(file) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError) as error:
        raise ExportError(f"cannot read the list of paths {path}: {error}") from None
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    column = header.index("path") if "path" in header else 0
    if "path" in header:
        rows = rows[1:]
    paths = [row[column].strip() for row in rows if len(row) > column and row[column].strip()]
    if not paths:
        raise ExportError(
            f"{path} lists no paths; give one file or folder per line (or in a column named 'path')"
        )
    # Relative paths are relative to the list, wherever the command runs.
    places = [_place(entry) for entry in paths]
    return [place if isinstance(place, str) else path.parent / place for place in places]


def _place(entry: str | os.PathLike[str]) -> _Place:
    """``entry`` as a local path, or as a URL (a str) fsspec can open.

    A URL is checked at once, so a missing fsspec or s3fs is reported before
    any work (``Path`` would turn s3://b/x into a folder s3:/b/x).
    """
    text = os.fspath(entry)
    if is_url(text):
        _filesystem(text)
        return text
    return Path(entry)


def _join(place: _Place, name: str) -> _Place:
    return place / name if isinstance(place, Path) else place.rstrip("/") + "/" + name


def _roots(sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[_Place]:
    given = [sources] if isinstance(sources, (str, os.PathLike)) else list(sources)
    if not given:
        raise ExportError("no sources given; give a folder, a list of paths or a CSV of paths")
    roots: list[_Place] = []
    for entry in given:
        place = _place(entry)
        if isinstance(place, Path) and place.suffix.lower() == ".csv" and place.is_file():
            roots.extend(_csv_paths(place))
        else:
            roots.append(place)
    if any(isinstance(root, str) for root in roots):
        # With URLs among them, local folders are read the same way (file:// URLs),
        # so the files of a series split between them make one series.
        roots = [root if isinstance(root, str) else root.resolve().as_uri() for root in roots]
    return roots


def _find_remote(roots: list[str]) -> tuple[dict[str, list[str]], list[str]]:
    """The CT files (URLs) under URL ``roots`` by Series Instance UID; a note on what was skipped.

    Each file's bytes are read to group it by its header, a batch at a time,
    and let go: the workers read each series again when they export it.
    """
    from collections import Counter

    from ctlab.io.header import MemoryFile

    urls: dict[str, None] = {}  # in order, each file once
    for root in roots:
        fs, top = _filesystem(root)
        if not fs.exists(top):
            raise FileNotFoundError(f"{root} does not exist")
        top = top.rstrip("/")
        for path in sorted(fs.find(top)) if fs.isdir(top) else [top]:
            # Hidden files and folders (.partial, .git) below the root are not scans.
            below = path[len(top) :].strip("/").split("/")
            if not any(part.startswith(".") for part in below):
                urls.setdefault(fs.unstrip_protocol(path))
    by_uid: dict[str, list[str]] = {}
    skipped: Counter[str] = Counter()
    listed = list(urls)
    for chunk in _batches(listed):
        batch = [
            MemoryFile(upload["name"], memoryview(upload["content"]))
            for upload in _read_remote(chunk)
        ]
        grouped, batch_skipped = group_files(batch)
        skipped.update(batch_skipped)
        for uid, files in grouped.items():
            by_uid.setdefault(uid, []).extend(str(file) for file in files)
    where = roots[0] if len(roots) == 1 else f"the {len(roots)} paths given"
    return by_uid, report_found(by_uid, skipped, len(listed), where)


def _folder_of(files: Sequence[str]) -> str:
    """The folder holding all of ``files`` (paths, or URLs of one protocol)."""
    if not is_url(files[0]):
        return os.path.commonpath([os.path.dirname(f) for f in files])
    protocol, _ = files[0].split("://", 1)
    paths = [f.split("://", 1)[1] for f in files if f.startswith(protocol + "://")]
    return protocol + "://" + posixpath.commonpath([posixpath.dirname(p) for p in paths])


def _read_manifest(folder: _Place) -> dict[str, Any] | None:
    """The manifest of a finished series folder, None if it is not one."""
    if isinstance(folder, str):
        fs, path = _filesystem(folder)
        try:
            manifest: dict[str, Any] = json.loads(fs.cat_file(posixpath.join(path, MANIFEST_NAME)))
            there = {posixpath.relpath(found, path) for found in fs.find(path)}
        except (OSError, ValueError):
            return None
        files = {entry["file"] for entry in manifest.get("files", [])}
        return manifest if files <= there else None
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text())
    except (OSError, ValueError):
        return None
    files = {entry["file"] for entry in manifest.get("files", [])}
    return manifest if all((folder / name).is_file() for name in files) else None


def _index_rows(name: str, manifest: dict[str, Any]) -> list[dict[str, Any]]:
    windows = ";".join(
        f"C{w['center']:g} W{w['width']:g}"
        + ("" if w["function"] == "linear" else f" {w['function']}")
        for w in manifest["windows"]
    )
    # A single-slice image has no slice spacing: (rows, cols) only.
    *slice_mm, row_mm, column_mm = manifest["image"]["spacing_mm"]
    return [
        {
            "series": name,
            "slice": entry["slice_index"],
            "file": f"{name}/{entry['file']}",
            "windows": windows,
            "position_mm": entry.get("position_mm", ""),
            "slice_spacing_mm": slice_mm[0] if slice_mm else "",
            "row_spacing_mm": row_mm,
            "column_spacing_mm": column_mm,
            # The slice's labels, where ctlab.export(..., labels=...) wrote them.
            "labels_file": f"{name}/{entry['labels']}" if entry.get("labels") else "",
        }
        for entry in manifest["files"]
    ]


def _write_index(out: _Place, rows: list[dict[str, Any]]) -> _Place:
    target = _join(out, INDEX_NAME)
    text = io.StringIO(newline="")
    _write_rows(text, rows)
    data = text.getvalue().encode()
    if isinstance(target, str):
        fs, path = _filesystem(target)
        # One object written whole: a reader sees the old index or the new one.
        fs.pipe_file(path, data)
    else:
        write_atomically(target, lambda file: file.write(data))
    return target


def _write_rows(file: Any, rows: list[dict[str, Any]]) -> None:
    writer = csv.DictWriter(file, fieldnames=INDEX_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def _inside(out: _Place, root: _Place) -> bool:
    """Whether the output folder ``out`` is the folder ``root`` or inside it."""
    if isinstance(out, Path) and isinstance(root, Path):
        return root.is_dir() and out.resolve().is_relative_to(root.resolve())
    # file:// URLs and paths name the same files: compare them as URLs.
    out_url, root_url = (
        place if isinstance(place, str) else place.resolve().as_uri() for place in (out, root)
    )
    out_fs, out_path = _filesystem(out_url)
    root_fs, root_path = _filesystem(root_url)
    out_url = str(out_fs.unstrip_protocol(out_path))
    root_url = str(root_fs.unstrip_protocol(root_path))
    return (out_url.rstrip("/") + "/").startswith(root_url.rstrip("/") + "/")


def _make_folder(out: _Place) -> None:
    """Create the output folder, refusing a file of that name."""
    if isinstance(out, Path):
        is_file = out.exists() and not out.is_dir()
    else:
        fs, path = _filesystem(out)
        is_file = fs.isfile(path)
    if is_file:
        raise ExportError(f"{out} is a file, not a folder; choose a folder to export into")
    if isinstance(out, Path):
        out.mkdir(parents=True, exist_ok=True)
    else:
        fs.makedirs(path, exist_ok=True)


def _check_jobs(jobs: int | None) -> int:
    if jobs is None:
        # The cores this process may use (a container's or a batch job's share), not the machine's.
        if hasattr(os, "sched_getaffinity"):
            return len(os.sched_getaffinity(0))
        return os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ExportError(f"jobs must be a whole number of processes >= 1, got {jobs!r}")
    return jobs


class _Progress:
    """tqdm bars for series and slices, or nothing when there is no terminal or notebook."""

    def __init__(self, series: int, slices: int, enabled: bool | None) -> None:
        from tqdm.auto import tqdm

        # disable=None: shown on a terminal or in a notebook, silent in a pipe or a log.
        disable = None if enabled is None else not enabled
        self.series = tqdm(total=series, desc="series", unit="series", disable=disable)
        self.slices = tqdm(total=slices, desc="slices", unit="slice", disable=disable)

    def close(self) -> None:
        self.slices.close()
        self.series.close()


@contextmanager
def _pool(workers: int) -> Iterator[tuple[ProcessPoolExecutor | None, Any]]:
    """A process pool of ``workers`` and the queue its workers report slices on; none for 1.

    Started before the search for series, so the headers are read on every
    core too, and stopped when the export is done.
    """
    if workers == 1:
        yield None, None
        return
    import multiprocessing

    context = multiprocessing.get_context()
    slice_queue = context.Queue()
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(slice_queue,)
    ) as pool:
        try:
            yield pool, slice_queue
        except BrokenProcessPool:
            raise ExportError(
                "a worker process died (killed, or out of memory) before its series was "
                "complete; the series written so far are kept: run the same export again "
                "to finish the rest, or use fewer --jobs if memory ran out"
            ) from None


def _run_pool(
    jobs: list[_Job], pool: ProcessPoolExecutor, slice_queue: Any, bars: _Progress
) -> list[_Result]:
    results = []
    pending: set[Future[_Result]] = {pool.submit(_export_series, job) for job in jobs}
    try:
        while pending:
            finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in finished:
                results.append(future.result())
                bars.series.update()
            _drain(slice_queue, bars)
    except BrokenProcessPool:
        for future in pending:
            future.cancel()
        raise
    _drain(slice_queue, bars)
    return results


def _drain(slice_queue: Any, bars: _Progress) -> None:
    count = 0
    while True:
        try:
            count += slice_queue.get_nowait()
        except queue.Empty:
            break
    if count:
        bars.slices.update(count)


def _batches(items: list[_T]) -> list[list[_T]]:
    """``items`` in runs of _HEADER_BATCH, the last one shorter."""
    return [items[start : start + _HEADER_BATCH] for start in range(0, len(items), _HEADER_BATCH)]


def _mapped_batch(files: list[Any], function: Callable[[Any], Any]) -> list[Any]:
    return [function(file) for file in files]


def _dask_mapper(client: Any) -> FileMapper:
    """``map`` on a Dask cluster, a batch of files per task: the headers of a
    collection are read by the workers, where the files are, not by the caller alone."""

    def mapper(function: Callable[[Any], Any], files: list[Any]) -> list[Any]:
        futures = client.map(_mapped_batch, _batches(files), function=function, pure=False)
        return [result for batch in client.gather(futures) for result in batch]

    return mapper


def _mapper(pool: ProcessPoolExecutor | None, client: Any) -> FileMapper:
    """How the search for series reads headers: on the Dask cluster, the pool, or here."""
    if client is not None:
        return _dask_mapper(client)
    if pool is None:
        return map

    def mapper(function: Callable[[Any], Any], files: list[Any]) -> Iterable[Any]:
        # A batch or less is read here: starting workers for it would cost more.
        if len(files) <= _HEADER_BATCH:
            return map(function, files)
        return pool.map(function, files, chunksize=_HEADER_BATCH)

    return mapper


def _run_dask(jobs: list[_Job], client: Any, bars: _Progress) -> list[_Result]:
    from distributed import as_completed

    results = []
    # pure=False: a rerun after --overwrite must write again, not reuse a result.
    # Dask runs a higher priority first: the largest series, as the pool does.
    futures = [
        client.submit(_export_series, job, pure=False, priority=len(job.files)) for job in jobs
    ]
    for future in as_completed(futures):  # type: ignore[no-untyped-call]  # distributed has no hints here
        result = future.result()
        results.append(result)
        bars.series.update()
        bars.slices.update(result.slices)
    return results


def export_many(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    *,
    windows: Sequence[Window | str] = ("default",),
    format: ExportFormat = "png",
    compress_level: int = DEFAULT_COMPRESS_LEVEL,
    dtype: ExportDtype = "uint8",
    invert: bool = False,
    overwrite: bool = False,
    jobs: int | None = None,
    client: Any = None,
    progress: bool | None = None,
) -> ExportSummary:
    """Export every CT series of a collection as a windowed data set with an index.

    Each series goes to its own folder ``series-<digest of its UID>`` (see
    :func:`series_folder_name`) holding what :func:`ctlab.export` writes: the
    slices and a manifest. ``index.csv`` lists every slice of every exported
    series with its file, windows, position and spacing (columns
    :data:`INDEX_COLUMNS`). No patient identifier is written anywhere.

    Parameters
    ----------
    sources : path-like or iterable of path-like
        A folder tree (every CT series in it is found, wherever its files
        are), a list of files and folders, or a ``.csv`` file listing paths
        (a column named ``path``, or the first column; relative paths are
        relative to the CSV file). Folders and files may be fsspec URLs
        (``s3://bucket/scans/``) where fsspec and the protocol's package
        (s3fs, gcsfs, adlfs) are installed.
    out_dir : path-like or URL
        Output folder, created if missing. Series already exported there
        with the same options are skipped. An fsspec URL too: each series is
        written in a local temporary folder and uploaded, its manifest last.
    windows, format, compress_level, dtype, invert
        As in :func:`ctlab.export`, for every series.
    overwrite : bool
        Export every series again, replacing what an earlier run wrote.
    jobs : int, optional
        Worker processes on this machine, each loading and writing whole
        series; default: one per core. ``1`` works in this process.
    client : dask.distributed.Client, optional
        Send the series to a Dask cluster instead (a ``LocalCluster``, or one
        on Kubernetes, SLURM, ...). Its workers must see the source and output
        paths (a shared file system, or the same object storage by URL);
        ``jobs`` is then ignored.
    progress : bool, optional
        Show tqdm bars of series and slices; default: on a terminal or in a
        notebook only.

    Returns
    -------
    ExportSummary
        The series exported, skipped (already done) and failed (with the
        CTLabError message of each); the index file (a URL for a URL output).

    Raises
    ------
    ExportError
        For options :func:`ctlab.export` refuses, a bad ``jobs``, an output
        folder holding series exported with other options, a worker
        process that died (the finished series are kept: run again), or a
        URL without fsspec or its protocol's package.
    SeriesError
        If the sources hold no CT image.

    Notes
    -----
    The files are the same bytes whichever way the work is spread: serially,
    on ``jobs`` processes or on a cluster. One series that cannot be read is
    reported in ``failed`` and the others go on.

    Examples
    --------
    >>> import csv, tempfile, pathlib
    >>> from pydicom.examples import get_path
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> summary = export_many([get_path("ct")], out, windows=["brain"], jobs=1)
    >>> len(summary.done), summary.slices, summary.failed
    (1, 1, {})
    >>> row = next(csv.DictReader((out / "index.csv").read_text().splitlines()))
    >>> row["file"] == summary.done[0] + "/slice_0000.png", row["windows"]
    (True, 'C40 W80')
    >>> export_many([get_path("ct")], out, windows=["brain"], jobs=1).skipped == summary.done
    True

    Into object storage by URL: here fsspec's in-memory filesystem; ``s3://``
    works the same with s3fs installed.

    >>> export_many([get_path("ct")], "memory://doc/dataset", windows=["brain"], jobs=1).index
    'memory://doc/dataset/index.csv'
    """
    resolved = checked_windows(windows, format=format, compress_level=compress_level, dtype=dtype)
    workers = _check_jobs(jobs)
    out = _place(out_dir)
    roots = _roots(sources)
    for root in roots:
        if _inside(out, root):
            raise ExportError(
                f"{out} is inside {root}, which is searched for scans; ctlab never writes "
                "among your input files: choose an output folder outside it"
            )
    # The pool is started before the search for series, which reads the headers on it too.
    with _pool(1 if client is not None else workers) as (pool, slice_queue):
        if all(isinstance(root, Path) for root in roots):
            found, notes = find_series_files(roots, mapper=_mapper(pool, client))
            by_uid = {uid: [str(file) for file in files] for uid, files in found.items()}
        else:
            by_uid, notes = _find_remote([str(root) for root in roots])
        _make_folder(out)

        summary = ExportSummary(warnings={"": notes} if notes else {})
        todo: list[_Job] = []
        done: dict[str, dict[str, Any]] = {}
        for uid in sorted(by_uid):
            name = series_folder_name(uid)
            files = tuple(by_uid[uid])
            summary.sources[name] = _folder_of(files)
            folder = _join(out, name)
            job = _Job(name, files, str(folder), resolved, format, compress_level, dtype, invert)
            manifest = None if overwrite else _read_manifest(folder)
            if manifest is not None:
                done[name] = manifest
            else:
                todo.append(job)
        if done:
            # The options as a fresh export would record them, after the same JSON round trip.
            options = export_options(
                resolved, format=format, compress_level=compress_level, invert=invert, dtype=dtype
            )
            wanted = json.loads(json.dumps(options, default=str))
            mismatched = [
                name
                for name, manifest in done.items()
                if {key: manifest.get(key) for key in wanted} != wanted
            ]
            if mismatched:
                raise ExportError(
                    f"{out} holds {len(mismatched)} series exported with other windows or format "
                    f"(e.g. {mismatched[0]}); export into another folder, or pass overwrite=True "
                    "(--overwrite) to export them again"
                )
            summary.skipped = sorted(done)

        # The largest series first: the last series to start is then a small one, so
        # the workers finish close together (the index is sorted by name whatever the order).
        todo.sort(key=lambda job: len(job.files), reverse=True)
        bars = _Progress(len(todo), sum(len(job.files) for job in todo), progress)
        try:
            if client is not None:
                results = _run_dask(todo, client, bars)
            elif pool is None or len(todo) <= 1:
                results = []
                for job in todo:
                    results.append(_export_series(job, bars.slices.update))
                    bars.series.update()
            else:
                results = _run_pool(todo, pool, slice_queue, bars)
        finally:
            bars.close()

    for result in sorted(results, key=lambda r: r.name):
        if result.warnings:
            summary.warnings[result.name] = list(result.warnings)
        if result.error is not None:
            summary.failed[result.name] = result.error
            continue
        manifest = _read_manifest(_join(out, result.name))
        if manifest is None:
            summary.failed[result.name] = f"{_join(out, result.name)} was not written completely"
            continue
        summary.done.append(result.name)
        summary.slices += result.slices
        done[result.name] = manifest
    rows = [row for name in sorted(done) for row in _index_rows(name, done[name])]
    summary.index = _write_index(out, rows)
    return summary
