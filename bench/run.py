"""ctlab's benchmark: speed ratios measured against the limits, in one run.

    python bench/run.py [--quick] [--no-browser] [--only GROUP] [--out bench/results.json]

Each row times ctlab and what it is measured against in the same run, so
the ratios hold on any machine. Prints a table, writes the JSON and a plot,
and exits 1 when a live target is missed (information rows never fail it).
The slider rows are timed in JupyterLab and Chromium by ``bench/browser.py``,
the saved-page rows (``--only pages``) in Chromium by ``bench/pages.py``;
without Chromium (or with ``--no-browser``) they are reported as not
measured.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    what: str
    ctlab_ms: float | None
    reference: str
    reference_ms: float | None
    ratio: float | None  # ctlab time / reference time
    target: str
    passed: bool | None
    note: str = ""
    details: dict[str, Any] | None = None  # latency rows: p50/p95/max of each side
    # An information row is printed and plotted but never fails the run: its
    # ratio follows the machine (the copy's bandwidth), not ctlab.
    information: bool = False


def elapsed_ms(call: Callable[[], object]) -> float:
    """The wall time of one call, in milliseconds."""
    start = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - start) / 1e6


def median_ms(
    functions: dict[str, Callable[[], object]], repeats: int, *, warm: bool = True
) -> dict[str, float]:
    """Median wall time of each function in milliseconds, after one warm-up call each.

    The functions take turns, one timed call each per round, so a change in
    the load of a shared machine affects both sides of a ratio alike. With
    ``warm``, each timed call follows an untimed call of the same function,
    so it finds its data in cache as a loop of calls would (the others'
    turns would otherwise have evicted it).
    """
    times: dict[str, list[float]] = {name: [] for name in functions}
    for function in functions.values():
        function()
    for _ in range(repeats):
        for name, function in functions.items():
            if warm:
                function()
            times[name].append(elapsed_ms(function))
    return {name: float(np.median(values)) for name, values in times.items()}


def window_rows(shape: tuple[int, ...], repeats: int) -> list[Row]:
    from pydicom import Dataset
    from pydicom.pixels import apply_voi_lut

    import ctlab

    rng = np.random.default_rng(0)
    hu = rng.integers(-1024, 3000, size=shape).astype(np.int16)
    window = ctlab.PRESETS["default"]
    target = np.empty_like(hu)

    def float_pipeline() -> np.ndarray:
        scaled = (hu.astype(np.float64) - window.low) / window.width * 255
        return np.clip(scaled, 0, 255).astype(np.uint8)

    header = Dataset()
    header.PhotometricInterpretation = "MONOCHROME2"
    header.BitsStored, header.PixelRepresentation = 16, 1
    header.WindowCenter, header.WindowWidth = window.center, window.width
    ms = median_ms(
        {
            "ctlab": lambda: ctlab.apply_window(hu, window),
            "copy": lambda: np.copyto(target, hu),
            "float": float_pipeline,
            "pydicom": lambda: apply_voi_lut(hu, header),
        },
        repeats,
    )
    ctlab_ms, copy_ms, float_ms, pydicom_ms = ms["ctlab"], ms["copy"], ms["float"], ms["pydicom"]

    tracemalloc.start()
    out = ctlab.apply_window(hu, window)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    extra = peak - out.nbytes
    size = "x".join(str(n) for n in shape)
    return [
        Row(
            f"apply_window {size} int16",
            ctlab_ms,
            "memcpy (information)",
            copy_ms,
            ctlab_ms / copy_ms,
            "information: follows the copy bandwidth",
            None,
            f"temporaries beyond the output: {extra / 2**20:.1f} MiB",
            information=True,
        ),
        Row(
            f"apply_window {size} int16",
            ctlab_ms,
            "float64 np.clip pipeline",
            float_ms,
            ctlab_ms / float_ms,
            "<= 0.2x (5x faster)",
            ctlab_ms / float_ms <= 0.2,
        ),
        Row(
            f"apply_window {size} int16",
            ctlab_ms,
            "pydicom apply_voi_lut",
            pydicom_ms,
            ctlab_ms / pydicom_ms,
            "faster",
            ctlab_ms < pydicom_ms,
        ),
        Row(
            f"apply_window {size} memory",
            None,
            "uint8 output",
            None,
            None,
            "no temporary larger than the output",
            extra <= out.nbytes,
            f"peak {peak / 2**20:.1f} MiB for a {out.nbytes / 2**20:.1f} MiB output",
        ),
    ]


def load_rows(n_slices: int, size: int, repeats: int) -> list[Row]:
    import pydicom

    import ctlab
    from ctlab.core.metrics import _sorting_counts_faster
    from ctlab.data.synthetic.phantom import make_phantom
    from ctlab.io.write import write_series

    with tempfile.TemporaryDirectory() as folder:
        files = write_series(make_phantom(n_slices=n_slices, size=size), folder)

        def bare() -> list[np.ndarray]:
            return [pydicom.dcmread(f).pixel_array for f in files]

        ms = median_ms({"bare": bare, "ctlab": lambda: ctlab.load(folder)}, repeats, warm=False)
        bare_ms, ctlab_ms = ms["bare"], ms["ctlab"]
        tracemalloc.start()
        image = ctlab.load(folder)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        volume_bytes = image.hu.nbytes
        _, edges = ctlab.hu_counts(image.hu, bins=256)
        ms = median_ms(
            {
                "ctlab": lambda: ctlab.hu_counts(image.hu, bins=256),
                "numpy": lambda: np.histogram(image.hu, bins=edges),
            },
            repeats,
            warm=False,
        )
        counts_ms, numpy_ms = ms["ctlab"], ms["numpy"]
    shape = f"{n_slices}x{size}x{size}"
    return [
        Row(
            f"load {shape} series",
            ctlab_ms,
            "loop of dcmread().pixel_array",
            bare_ms,
            ctlab_ms / bare_ms,
            "<= 1.3x",
            ctlab_ms / bare_ms <= 1.3,
        ),
        Row(
            f"load {shape} memory",
            None,
            "int16 volume",
            None,
            peak / volume_bytes,
            "peak <= 1.2x volume",
            peak <= 1.2 * volume_bytes,
            f"peak {peak / 2**20:.0f} MiB for {volume_bytes / 2**20:.0f} MiB",
        ),
        Row(
            f"histogram {shape}",
            counts_ms,
            "np.histogram, same bins",
            numpy_ms,
            counts_ms / numpy_ms,
            "<= 0.5x (2x faster)",
            counts_ms / numpy_ms <= 0.5,
            # The method is measured on each machine; np.histogram sorts either way.
            "counted by sorting: numpy's AVX-512 int16 sort measured faster than bincount here"
            if _sorting_counts_faster()
            else "counted by bincount: measured faster than sorting here (or no SIMD int16 sort)",
        ),
    ]


EXPORT_WINDOWS = ("brain", "subdural", "bone")


def hand_written_export(files: list[Path], out: Path) -> None:
    """What a user writes without ctlab: pydicom + numpy + Pillow, three windows to RGB PNG."""
    import pydicom
    from PIL import Image

    import ctlab

    windows = [ctlab.PRESETS[name] for name in EXPORT_WINDOWS]
    out.mkdir(parents=True)
    for index, path in enumerate(files):
        ds = pydicom.dcmread(path)
        hu = ds.pixel_array * float(ds.RescaleSlope) + float(ds.RescaleIntercept)
        channels = [
            np.clip((hu - (w.center - w.width / 2)) / w.width * 255, 0, 255) for w in windows
        ]
        rgb = np.stack(channels, axis=-1).astype(np.uint8)
        Image.fromarray(rgb).save(out / f"slice_{index:04d}.png")


# Bytes compressed by one unit of the machine's-capacity reference below.
_ZLIB_BYTES = np.random.default_rng(0).integers(0, 48, 1 << 21, dtype=np.uint8).tobytes()


def _zlib_work(_: object = None) -> int:
    import zlib

    return sum(len(zlib.compress(_ZLIB_BYTES, 6)) for _ in range(8))


def interleaved_ms(
    functions: dict[str, Callable[[], float]], repeats: int
) -> dict[str, list[float]]:
    """Each function's times in milliseconds, round by round, after one untimed round.

    Each function returns the milliseconds of what it times, so a side can keep
    its own set-up out of the time (the Dask cluster's start-up). A round calls
    every function once, in the opposite order from the round before, so a
    change in the load of a shared machine falls on every side alike; ratios
    are taken within a round (:func:`round_ratio`).
    """
    for function in functions.values():
        function()
    times: dict[str, list[float]] = {name: [] for name in functions}
    names = list(functions)
    for turn in range(repeats):
        for name in names if turn % 2 == 0 else names[::-1]:
            times[name].append(functions[name]())
    return times


def round_ratio(times: dict[str, list[float]], name: str, reference: str) -> tuple[float, str]:
    """The median over the rounds of ``name``'s time over ``reference``'s, and each round's ratio.

    A ratio within a round compares two runs minutes apart at most, under
    the same load; the median of those drops a round another process spoiled.
    """
    ratios = [a / b for a, b in zip(times[name], times[reference], strict=True)]
    return float(np.median(ratios)), "per round " + " ".join(f"{r:.2f}" for r in ratios)


def _warm_worker(file: str) -> None:
    """Make a Dask worker as ready as a pool worker: ctlab imported and one slice exported.

    A pool worker is forked from the bench process, which has imported ctlab
    and exported before; a fresh Dask worker would import ctlab, pydicom and
    Pillow inside its first series otherwise.
    """
    import ctlab

    with tempfile.TemporaryDirectory() as folder:
        ctlab.export(ctlab.load(file), Path(folder, "slice"), windows=EXPORT_WINDOWS)


def export_rows(n_series: int, n_slices: int, size: int, repeats: int) -> list[Row]:
    """Exporting a collection: --jobs 2 against --jobs 1, a hand-written loop and Dask."""
    import shutil

    import ctlab
    from ctlab.data.synthetic.phantom import make_phantom
    from ctlab.io.write import write_series

    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp())
    sources = []
    for seed in range(n_series):  # another seed, other HU: another Series Instance UID
        image = make_phantom(n_slices=n_slices, size=size, seed=seed)
        sources.append(sorted(write_series(image, work / "studies" / f"study{seed}")))
    slices = n_series * n_slices
    runs = iter(range(1_000_000))

    def timed(export: Callable[[Path], object]) -> float:
        """The milliseconds of one export into a fresh folder (deleted after, untimed)."""
        out = work / f"out{next(runs)}"
        elapsed = elapsed_ms(lambda: export(out))
        shutil.rmtree(out)
        return elapsed

    def ctlab_export(**options: Any) -> Callable[[Path], object]:
        def run(out: Path) -> None:
            ctlab.export_many(
                work / "studies", out, windows=EXPORT_WINDOWS, progress=False, **options
            )

        return run

    def hand_loop(out: Path) -> None:
        for index, files in enumerate(sources):
            hand_written_export(files, out / str(index))

    def zlib_pair() -> None:
        import multiprocessing

        with multiprocessing.get_context().Pool(2) as pool:
            pool.map(_zlib_work, range(2))

    # CPU seconds of the workers per export, pool and Dask: a load on the shared
    # machine stretches wall times far more than the work each side does.
    worker_cpu: dict[str, list[float]] = {"jobs2": [], "dask": []}

    def pool_export() -> float:
        import resource

        def reaped() -> float:  # the pool's workers, once export_many has stopped them
            usage = resource.getrusage(resource.RUSAGE_CHILDREN)
            return usage.ru_utime + usage.ru_stime

        before = reaped()
        # The pool is started inside export_many, so inside the time (forking two
        # workers from this warm process: tens of milliseconds).
        elapsed = timed(ctlab_export(jobs=2))
        worker_cpu["jobs2"].append(reaped() - before)
        return elapsed

    functions: dict[str, Callable[[], float]] = {
        "jobs2": pool_export,
        "jobs1": lambda: timed(ctlab_export(jobs=1)),
        "hand": lambda: timed(hand_loop),
        # What two processes get from the machine at the time, in the same rounds:
        # the same zlib work once in this process, and twice on a pool of two.
        "zlib1": lambda: elapsed_ms(_zlib_work),
        "zlib2": lambda: elapsed_ms(zlib_pair),
    }
    dask_note = ""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        dask_note = 'Dask is not installed: pip install "ctlab[dask]"'
    else:

        def dask_export() -> float:
            # A cluster is up before its users export, so its start-up is outside the
            # time, and its workers are warmed as the pool's are by the fork. It is
            # closed after its turn: an idle cluster's event loops and monitors would
            # take a share of the two cores from the other sides' turns.
            with (
                LocalCluster(
                    n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
                ) as cluster,
                Client(cluster) as client,
            ):
                client.run(_warm_worker, str(sources[0][0]))
                before = client.run(time.process_time)
                elapsed = timed(ctlab_export(client=client))
                after = client.run(time.process_time)
                worker_cpu["dask"].append(sum(after.values()) - sum(before.values()))
                return elapsed

        # Next to --jobs 2 in every round: the pair whose ratio is the target runs
        # back to back, under the same load.
        functions = {"jobs2": functions.pop("jobs2"), "dask": dask_export, **functions}
    times = interleaved_ms(functions, repeats)
    ms = {name: float(np.median(values)) for name, values in times.items()}
    load_after = os.getloadavg()

    def rate(name: str) -> str:
        return f"{slices / ms[name] * 1000:.1f} slices/s"

    zlib_gain = 2 * ms["zlib1"] / ms["zlib2"]
    capacity = (
        f"; in the same rounds, two processes of plain zlib got {zlib_gain:.2f}x the "
        "throughput of one: what two processes could get from the machine at the time"
    )
    load = (
        f"; load averages (1, 5, 15 min) {' '.join(f'{v:.2f}' for v in load_before)} before, "
        f"{' '.join(f'{v:.2f}' for v in load_after)} after"
    )

    what = f"export {n_series}x{n_slices} slices {size}x{size}, 3 windows -> RGB PNG"
    jobs1_ratio, jobs1_rounds = round_ratio(times, "jobs2", "jobs1")
    hand_ratio, hand_rounds = round_ratio(times, "jobs2", "hand")
    rows = [
        Row(
            f"{what}, --jobs 2",
            ms["jobs2"],
            "--jobs 1",
            ms["jobs1"],
            jobs1_ratio,
            "<= 0.56x (1.8x throughput)",
            jobs1_ratio <= 1 / 1.8,
            f"{rate('jobs2')} against {rate('jobs1')}; {jobs1_rounds}{capacity}",
        ),
        Row(
            f"{what}, --jobs 2",
            ms["jobs2"],
            "hand-written pydicom + numpy + Pillow loop",
            ms["hand"],
            hand_ratio,
            "<= 0.56x (1.8x throughput)",
            hand_ratio <= 1 / 1.8,
            f"{rate('jobs2')} against {rate('hand')}; --jobs 1 at {rate('jobs1')}; {hand_rounds}",
        ),
    ]
    if "dask" in ms:
        dask_ratio, dask_rounds = round_ratio(times, "dask", "jobs2")
        # The first of each is the untimed round's.
        pool_cpu, dask_cpu = (float(np.median(worker_cpu[name][1:])) for name in ("jobs2", "dask"))
        cpu = (
            f"; CPU seconds per export in the workers: Dask {dask_cpu:.2f}, "
            f"pool {pool_cpu:.2f} ({dask_cpu / pool_cpu:.2f}x)"
        )
        rows.append(
            Row(
                f"{what}, Dask LocalCluster of 2 processes",
                ms["dask"],
                "--jobs 2",
                ms["jobs2"],
                dask_ratio,
                "<= 1.1x (within 10%)",
                dask_ratio <= 1.1,
                f"{rate('dask')} against {rate('jobs2')}; {dask_rounds}{cpu}{load}",
            )
        )
    else:
        rows.append(
            Row(
                f"{what}, Dask",
                None,
                "--jobs 2",
                None,
                None,
                "<= 1.1x (within 10%)",
                None,
                dask_note,
            )
        )

    # PNG compression: the same series at each zlib level, one process, against the
    # default. Timed once each (level 9 takes minutes on a busy machine), after a warm-up.
    level_ms: dict[int, float] = {}
    sizes: dict[int, int] = {}
    for level in (6, 0, 1, 6, 9):
        out = work / f"out{next(runs)}"
        level_ms[level] = elapsed_ms(
            partial(
                ctlab.export_many,
                sources[0],
                out,
                windows=EXPORT_WINDOWS,
                compress_level=level,
                jobs=1,
                progress=False,
            )
        )
        sizes[level] = sum(p.stat().st_size for p in out.rglob("*.png"))
        shutil.rmtree(out)
    for level in (0, 1, 9):
        rows.append(
            Row(
                f"PNG compress_level {level}, {n_slices} slices {size}x{size} RGB",
                level_ms[level],
                "compress_level 6 (default)",
                level_ms[6],
                level_ms[level] / level_ms[6],
                "size/speed reported",
                True,
                f"{n_slices / level_ms[level] * 1000:.1f} against "
                f"{n_slices / level_ms[6] * 1000:.1f} slices/s; "
                f"{sizes[level] / 2**20:.1f} MiB against {sizes[6] / 2**20:.1f} MiB",
            )
        )
    shutil.rmtree(work)
    return rows


WINDOW_LATENCY = "slider -> repainted slice, 512x512"
DELAYED_LATENCY = "same, 150 ms round trip (delaying proxy)"
DRAG_LATENCY = "mouse drag on the width slider -> repainted slice"
DRAG_DELAYED = "same, 150 ms round trip (delaying proxy)"
SCROLL_LATENCY = "slice scroll, 300 slices"
HELD_SCROLL = "slice scroll, key held, 150 ms round trip, 300 slices"


def browser_rows(moves: int, *, slices: int = 300, skip: str = "") -> list[Row]:
    """The latency rows, measured in JupyterLab + Chromium (``bench/browser.py``)."""
    pattern = "ipywidgets.interact + imshow + hist"
    fast = "p50 <= 16 ms, p95 <= 33 ms"
    targets = (
        f"{fast}, >= 20x faster",
        fast,
        fast,
        fast,
        "p50 <= 33 ms",
        ">= 12 repaints/s held, last slice <= 300 ms after release",
    )
    names = (
        WINDOW_LATENCY,
        DELAYED_LATENCY,
        DRAG_LATENCY,
        DRAG_DELAYED,
        SCROLL_LATENCY.replace("300", str(slices)),
        HELD_SCROLL.replace("300", str(slices)),
    )
    references = (pattern, pattern, "-", "-", "-", "same, no latency")
    results = None
    reason, passed = skip, None
    if not skip:
        sys.path.insert(0, str(HERE))
        from browser import Unavailable, measure  # bench/browser.py

        try:
            results = measure(moves, slices=slices)
        except Unavailable as error:
            reason = str(error)
        except Exception as error:  # the harness or the page broke: a failed run, not a skip
            traceback.print_exc()
            reason, passed = f"the browser run failed: {type(error).__name__}: {error}", False
    if results is None:
        return [
            Row(name, None, reference, None, None, target, passed, reason)
            for name, reference, target in zip(names, references, targets, strict=True)
        ]
    explorer, reference = results["explorer"], results["pattern"]
    late, late_reference = results["explorer_far"], results["pattern_far"]
    drag, drag_far = results["width_drag"], results["width_drag_far"]
    scroll, first = results["scroll"], results["scroll_first"]
    held, held_far = results["held"], results["held_far"]
    frames = f"; Chromium drew a frame every {results['frame'].p50:.1f} ms (median)"

    def detail(**latencies: Any) -> dict[str, Any]:
        return {name: asdict(latency) for name, latency in latencies.items()}

    def quick(latency: Any) -> bool:
        return latency.p50 <= 16 and latency.p95 <= 33

    return [
        Row(
            names[0],
            explorer.p50,
            pattern,
            reference.p50,
            explorer.p50 / reference.p50,
            targets[0],
            quick(explorer) and explorer.p50 * 20 <= reference.p50,
            f"WindowExplorer {explorer.text()}; pattern {reference.text()}{frames}",
            detail(window_explorer=explorer, pattern=reference),
        ),
        Row(
            names[1],
            late.p50,
            pattern,
            late_reference.p50,
            late.p50 / late_reference.p50,
            targets[1],
            quick(late),
            f"WindowExplorer {late.text()}; pattern {late_reference.text()}",
            detail(window_explorer=late, pattern=late_reference),
        ),
        Row(
            names[2],
            drag.p50,
            "-",
            None,
            None,
            targets[2],
            quick(drag),
            f"WindowExplorer {drag.text()}",
            detail(window_explorer=drag),
        ),
        Row(
            names[3],
            drag_far.p50,
            "-",
            None,
            None,
            targets[3],
            quick(drag_far),
            f"WindowExplorer {drag_far.text()}",
            detail(window_explorer=drag_far),
        ),
        Row(
            names[4],
            scroll.p50,
            "-",
            None,
            None,
            targets[4],
            scroll.p50 <= 33,
            f"revisits {scroll.text()}; first visits {first.text()}",
            detail(revisit=scroll, first_visit=first),
        ),
        Row(
            names[5],
            held_far.final_ms,
            references[5],
            held.final_ms,
            None,
            targets[5],
            held_far.reached and held_far.repaints_per_s >= 12 and held_far.final_ms <= 300,
            f"150 ms round trip: {held_far.text()}; no latency: {held.text()}",
            detail(far=held_far, near=held),
        ),
    ]


PAGE_SIZE = "saved page (save_html), one 512x512 slice: size"
PHANTOM_SIZE = "saved page (save_html), 48-slice phantom: size"
PAGE_OPEN = "saved page from file://: open to first painted slice"
PAGE_KEYS = "saved page from file://: key press to repainted slice"


def page_rows(opens: int, moves: int, *, skip: str = "") -> list[Row]:
    """The saved-page rows: sizes on disk, and latencies in Chromium (``bench/pages.py``)."""
    targets = ("p50 <= 300 ms", "p50 <= 16 ms")
    sys.path.insert(0, str(HERE))
    from browser import Unavailable  # bench/browser.py
    from pages import measure, sizes  # bench/pages.py

    single, volume = sizes()
    single_kb, volume_mb = single / 1000, volume / 1e6
    size_rows = [
        Row(PAGE_SIZE, None, "-", None, None, "<= 700 KB", single_kb <= 700, f"{single_kb:.0f} KB"),
        Row(PHANTOM_SIZE, None, "-", None, None, "<= 6 MB", volume_mb <= 6, f"{volume_mb:.2f} MB"),
    ]
    results, reason, passed = None, skip, None
    if not skip:
        try:
            results = measure(opens, moves)
        except Unavailable as error:
            reason = str(error)
        except Exception as error:  # the page broke: a failed run, not a skip
            traceback.print_exc()
            reason, passed = f"the browser run failed: {type(error).__name__}: {error}", False
    if results is None:
        return size_rows + [
            Row(name, None, "-", None, None, target, passed, reason)
            for name, target in zip((PAGE_OPEN, PAGE_KEYS), targets, strict=True)
        ]
    keys = results.keys
    opened = (
        f"p50 {results.open_p50:.0f} ms, max {max(results.open_ms):.0f} ms over "
        f"{len(results.open_ms)} opens, every request but the file aborted"
    )
    return [
        *size_rows,
        Row(
            PAGE_OPEN,
            results.open_p50,
            "-",
            None,
            None,
            targets[0],
            results.open_p50 <= 300,
            opened,
        ),
        Row(
            PAGE_KEYS,
            keys.p50,
            "-",
            None,
            None,
            targets[1],
            keys.p50 <= 16,
            f"centre slider arrow keys: {keys.text()}",
            {"keys": asdict(keys)},
        ),
    ]


def machine() -> dict[str, object]:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo")
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }


def table(rows: list[Row]) -> str:
    lines = [
        "| what | ctlab ms | against | their ms | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:

        def fmt(value: float | None, digits: int = 2) -> str:
            return "-" if value is None else f"{value:.{digits}f}"

        met = (
            "-" if row.information else {True: "yes", False: "NO", None: "not measured"}[row.passed]
        )
        note = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {row.what} | {fmt(row.ctlab_ms, 3)} | {row.reference} | "
            f"{fmt(row.reference_ms, 3)} | {fmt(row.ratio)} | {row.target} | {met}{note} |"
        )
    return "\n".join(lines)


# The most a row's ratio may be, by target (marked on the plot).
RATIO_LIMITS = {
    "<= 0.2x (5x faster)": 0.2,
    "faster": 1.0,
    "<= 1.3x": 1.3,
    "peak <= 1.2x volume": 1.2,
    "<= 0.5x (2x faster)": 0.5,
    "p50 <= 16 ms, p95 <= 33 ms, >= 20x faster": 1 / 20,
    "<= 0.56x (1.8x throughput)": 1 / 1.8,
    "<= 1.1x (within 10%)": 1.1,
}


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    measured = [r for r in rows if r.ratio is not None]
    figure = Figure(figsize=(11, 0.8 + 0.45 * len(measured)), layout="constrained")
    ax = figure.add_subplot()
    colours = [
        "#999999" if r.information else "#009E73" if r.passed else "#D55E00" for r in measured
    ]
    positions = np.arange(len(measured))
    ax.barh(positions, [r.ratio for r in measured], color=colours)
    limits = [
        (i, RATIO_LIMITS[r.target]) for i, r in enumerate(measured) if r.target in RATIO_LIMITS
    ]
    ax.scatter(
        [limit for _, limit in limits],
        [i for i, _ in limits],
        marker="|",
        s=300,
        color="black",
        zorder=3,
        label="target ratio",
    )
    ax.set_yticks(positions, [f"{r.what} vs {r.reference}" for r in measured])
    ax.set_xscale("log")
    ax.axvline(1, color="grey", linewidth=1)
    ax.set_xlabel("ctlab time / reference time (green: target met, red: missed, grey: information)")
    ax.legend(loc="lower right")
    ax.invert_yaxis()
    figure.savefig(path, dpi=100)


GROUPS = ("window", "load", "export", "browser", "pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="tiny sizes and few moves, for a smoke test"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="leave out the rows timed in Chromium"
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=GROUPS,
        help="run only these groups of rows (repeat for several); default: all",
    )
    parser.add_argument("--out", type=Path, help="default: bench/results.json (all groups)")
    args = parser.parse_args(argv)
    skip = "--no-browser given" if args.no_browser else ""
    groups = args.only or list(GROUPS)
    if args.out is None:
        args.out = HERE / (
            "results.json" if args.only is None else f"results-{'-'.join(groups)}.json"
        )
    if args.quick:
        plan = {
            "window": lambda: window_rows((64, 64), 5),
            "load": lambda: load_rows(4, 64, 1),
            "export": lambda: export_rows(2, 4, 64, 1),
            "browser": lambda: browser_rows(5, slices=10, skip=skip),
            "pages": lambda: page_rows(3, 5, skip=skip),
        }
    else:
        plan = {
            "window": lambda: window_rows((512, 512), 200) + window_rows((300, 512, 512), 5),
            "load": lambda: load_rows(300, 512, 5),
            "export": lambda: export_rows(4, 60, 512, 5),
            "browser": lambda: browser_rows(60, skip=skip),
            "pages": lambda: page_rows(15, 60, skip=skip),
        }
    rows = [row for group in groups for row in plan[group]()]
    print(table(rows))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"machine": machine(), "quick": args.quick, "rows": [asdict(r) for r in rows]}, indent=2
        )
        + "\n"
    )
    plot(rows, args.out.with_suffix(".png"))
    print(f"\nwrote {args.out} and {args.out.with_suffix('.png')}")
    return exit_code(rows)


def exit_code(rows: list[Row]) -> int:
    """1 when a live target was measured and missed, else 0 (information rows never fail)."""
    return 0 if all(r.passed is not False for r in rows if not r.information) else 1


if __name__ == "__main__":
    sys.exit(main())
