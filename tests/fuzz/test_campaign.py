"""Fuzz campaign for ctlab.load: wrong-but-valid datasets and mutated real CT files.

Every case must end in a CTImage or a CTLabError (never another exception),
within 2 s. A failing case may allocate (tracemalloc peak) at most 4x the
file's size plus 8 MiB: a JPEG 2000 decoder needs a few MiB of working
buffers to find that a 3 KB codestream of a 512 x 512 slice is broken.
"""

from __future__ import annotations

import os
import time
import tracemalloc
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from ctlab import load
from ctlab.core.errors import CTLabError
from tests.helpers.dicom import ct_dataset

MAX_SECONDS = 2.0
MAX_ALLOCATION_FACTOR = 4
# pydicom's parsing structures and a decoder's working buffers.
BASE_ALLOWANCE = 8 * 2**20


# Every CT image pydicom 3 and pydicom-data 1.0 ship (found by reading all their
# files' headers once); named here so that collecting tests reads no network.
REAL_CT = (
    "693_J2KI.dcm",
    "693_J2KR.dcm",
    "693_UNCI.dcm",
    "693_UNCR.dcm",
    "CT_small.dcm",
    "J2K_pixelrep_mismatch.dcm",
    "bad_sequence.dcm",
    "eCT_Supplemental.dcm",
    "explicit_VR-UN.dcm",
)


def real_ct_files() -> list[str]:
    """The shipped CT files that are installed here."""
    paths = (get_testdata_file(name, download=False) for name in REAL_CT)
    return [str(path) for path in paths if path is not None]


def run_case(path: Path) -> str:
    """Load one file under the campaign's rules; return 'loaded' or 'refused'."""
    size = path.stat().st_size
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load(path)
        outcome = "loaded"
    except CTLabError:
        outcome = "refused"
    finally:
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert elapsed < MAX_SECONDS, f"{path.name}: {elapsed:.2f} s"
    if outcome == "refused":
        limit = MAX_ALLOCATION_FACTOR * size + BASE_ALLOWANCE
        assert peak <= limit, (
            f"{path.name}: allocated {peak:,} bytes before failing ({size:,} file)"
        )
    return outcome


# ---- semantically wrong datasets -------------------------------------------------------------


def corrupt(ds: Dataset, kind: str, value: int | float) -> Dataset:
    """Apply one kind of semantic damage to a valid CT dataset."""
    if kind == "bits_stored":
        ds.BitsStored = int(value) % 40
    elif kind == "bits_allocated":
        ds.BitsAllocated = int(value) % 70
    elif kind == "pixel_spacing":
        ds.PixelSpacing = [float(value), -abs(float(value))]
    elif kind == "slope":
        ds.RescaleSlope = [0.0, float("nan"), float("inf"), float(value)][int(abs(value)) % 4]
    elif kind == "frames":
        ds.NumberOfFrames = int(value)
    elif kind == "rows":
        ds.Rows = int(value) % 65536
    elif kind == "columns":
        ds.Columns = int(value) % 65536
    elif kind == "odd_length":
        ds.PixelData = ds.PixelData[: max(0, len(ds.PixelData) - 1 - int(abs(value)) % 7)]
    elif kind == "deep_sequence":
        item = Dataset()
        for _ in range(int(abs(value)) % 200 + 1):
            outer = Dataset()
            outer.ReferencedImageSequence = Sequence([item])
            item = outer
        ds.ReferencedImageSequence = Sequence([item])
    elif kind == "samples":
        ds.SamplesPerPixel = int(value) % 5
    elif kind == "representation":
        ds.PixelRepresentation = int(value) % 3
    elif kind == "window":
        ds.WindowCenter = [float(value), 1.0]
        ds.WindowWidth = float(-abs(value))
    elif kind == "orientation":
        ds.ImageOrientationPatient = [float(value)] * 6
    elif kind == "photometric":
        ds.PhotometricInterpretation = ["RGB", "PALETTE COLOR", "YBR_FULL", "MONOCHROME1"][
            int(abs(value)) % 4
        ]
    return ds


KINDS = [
    "bits_stored",
    "bits_allocated",
    "pixel_spacing",
    "slope",
    "frames",
    "rows",
    "columns",
    "odd_length",
    "deep_sequence",
    "samples",
    "representation",
    "window",
    "orientation",
    "photometric",
]


@pytest.fixture(scope="module")
def semantic_share(fuzz_cases) -> int:
    return max(50, fuzz_cases // 4)


def test_semantically_wrong_datasets(tmp_path_factory, semantic_share):
    """Valid DICOM with wrong meaning: only CTLabErrors, fast, small allocations."""
    folder = tmp_path_factory.mktemp("semantic")
    outcomes: dict[str, int] = {}

    @settings(
        max_examples=semantic_share,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=3),
        value=st.one_of(st.integers(-(2**31), 2**31), st.floats(-1e9, 1e9, allow_nan=False)),
        shape=st.tuples(st.integers(1, 24), st.integers(1, 24)),
    )
    def case(kinds, value, shape):
        pixels = np.arange(shape[0] * shape[1], dtype=np.int16).reshape(shape)
        ds = ct_dataset(pixels)
        for kind in kinds:
            try:
                ds = corrupt(ds, kind, value)
            except (ValueError, OverflowError, TypeError):
                pass  # pydicom refused the damage itself; keep the dataset as it is
        path = folder / "case.dcm"
        try:
            ds.save_as(path, enforce_file_format=False)
        except Exception:
            return  # unwritable by pydicom: not a file a user could have
        outcome = run_case(path)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    case()
    assert sum(outcomes.values()) > 0 and outcomes.get("refused", 0) > 0


# ---- byte mutations of every real CT -----------------------------------------------------------


def mutate(data: bytes, rng: np.random.Generator) -> bytes:
    buffer = bytearray(data)
    span = len(buffer) if rng.random() < 0.3 else min(len(buffer), 4096)
    kind = int(rng.integers(4))
    if kind == 0:
        for _ in range(int(rng.integers(1, 32))):
            buffer[int(rng.integers(span))] ^= 1 << int(rng.integers(8))
    elif kind == 1:
        del buffer[int(rng.integers(len(buffer))) :]
    elif kind == 2:
        position = int(rng.integers(132, max(133, min(len(buffer), 2048) - 4)))
        buffer[position : position + 4] = rng.choice(
            [b"\xff\xff\xff\xff", b"\xf0\xff\xff\x7f", b"\x00\x00\x00\x80", b"\x01\x00\x00\x00"]
        )
    else:
        position = int(rng.integers(span))
        buffer[position:position] = rng.integers(
            0, 256, int(rng.integers(1, 128)), dtype=np.uint8
        ).tobytes()
    return bytes(buffer)


@pytest.mark.parametrize("source", real_ct_files(), ids=os.path.basename)
def test_mutated_real_ct(source, tmp_path, fuzz_cases):
    """Byte mutations of each real CT file: only CTLabErrors, fast, small allocations."""
    files = len(real_ct_files())
    cases = max(20, (fuzz_cases - max(50, fuzz_cases // 4)) // files)
    data = Path(source).read_bytes()
    rng = np.random.default_rng(zlib.crc32(os.path.basename(source).encode()))
    outcomes: dict[str, int] = {}
    for index in range(cases):
        path = tmp_path / f"m{index % 8}.dcm"
        path.write_bytes(mutate(data, rng))
        outcome = run_case(path)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert sum(outcomes.values()) == cases
