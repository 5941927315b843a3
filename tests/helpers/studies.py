"""A small tree of studies on disk, the export tests' input, the bytes an export writes, and the headers read."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

import ctlab.io.series
from tests.helpers.dicom import ct_dataset, write

#: The windows every export test asks for.
WINDOWS = ["brain", "subdural", "bone"]
# Three small series of different sizes, each with its own UID, in a tree of studies.
SERIES = {
    "1.2.826.0.1.3680043.8.498.101": ("study_a/ct", 3),
    "1.2.826.0.1.3680043.8.498.102": ("study_b/day1/ct", 4),
    "1.2.826.0.1.3680043.8.498.103": ("study_b/day2/ct", 2),
}
#: The UID the tests give a series whose slices differ in size (it cannot be loaded).
BROKEN_UID = "1.2.826.0.1.3680043.8.498.109"


def write_series(folder: Path, uid: str, count: int, seed: int, *, size=(12, 10)) -> None:
    """Write ``count`` seeded random CT slices of series ``uid`` into ``folder``, 2.5 mm apart."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for index in range(count):
        pixels = rng.integers(0, 3000, size).astype(np.int16)
        ds = ct_dataset(pixels, position=2.5 * index, instance=index + 1, series_uid=uid)
        write(ds, folder / f"IM{index:04d}")


def make_studies(root: Path) -> Path:
    """The three series of ``SERIES`` under ``root``, and a file that is not DICOM."""
    for seed, (uid, (where, count)) in enumerate(SERIES.items()):
        write_series(root / where, uid, count, seed)
    (root / "study_a" / "report.txt").write_text("not DICOM")
    return root


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def counting_header_reads(monkeypatch) -> list[object]:
    """Record every header this process reads from now on (a forked worker's reads stay its own)."""
    read_header = ctlab.io.series.read_header
    read: list[object] = []

    def counting(source, *args, **kwargs):
        if os.getpid() == parent:
            read.append(source)
        return read_header(source, *args, **kwargs)

    parent = os.getpid()
    monkeypatch.setattr(ctlab.io.series, "read_header", counting)
    return read
