"""Fuzzing ctlab.load_labels: damaged NIfTI, DICOM SEG and RT Structure Set files.

Every case must end in a LabelMap or a CTLabError naming the file (never
another exception), within 2 s. Bytes are mutated where hypothesis says
(header-heavy, as in the CT campaign), and NIfTI headers get semantically
wrong values (dimensions, data type, scaling, affine codes). The number of
cases follows CTLAB_FUZZ_CASES (tests/fuzz/conftest.py): a quick slice by
default.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import nibabel as nib
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ctlab
from ctlab.core.errors import CTLabError
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.write import write_series
from tests.io.label_files import nifti_xyz, rtstruct_from_labels, write_seg

MAX_SECONDS = 2.0
NAMES = {3: "liver", 5: "kidney"}


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    """A small phantom scan and its labels as NIfTI (plain and gzipped), SEG and RTSTRUCT."""
    folder = tmp_path_factory.mktemp("labels")
    phantom = make_phantom(n_slices=3, size=24)
    files = write_series(phantom, folder / "ct")
    scan = ctlab.load(folder / "ct")
    numbers = np.zeros(phantom.shape, np.uint8)
    for number, value in enumerate(NAMES, start=1):
        numbers[phantom.labels == value] = number
    paths = {
        "nii": nifti_xyz(scan, phantom.labels, folder / "labels.nii"),
        "nii.gz": nifti_xyz(scan, phantom.labels, folder / "labels.nii.gz"),
        "seg": write_seg(files, numbers, {1: "liver", 2: "kidney"}, folder / "seg.dcm"),
        "rtstruct": rtstruct_from_labels(phantom, phantom.labels, NAMES, folder / "rt.dcm"),
    }
    return scan, {kind: path.read_bytes() for kind, path in paths.items()}


def run_case(path: Path, scan: ctlab.CTImage) -> str:
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ctlab.load_labels(path, like=scan)
        outcome = "loaded"
    except CTLabError as error:
        assert path.name in str(error), f"the message does not name the file: {error}"
        outcome = "refused"
    elapsed = time.perf_counter() - start
    assert elapsed < MAX_SECONDS, f"{path.name}: {elapsed:.2f} s"
    return outcome


def mutated(data: bytes, kind: int, position: float, payload: bytes, header: bool) -> bytes:
    """Flip, overwrite, cut or insert bytes, at a position within the header or the whole file."""
    buffer = bytearray(data)
    span = min(len(buffer), 2048) if header else len(buffer)
    at = int(position * (span - 1))
    if kind == 0:
        for offset, byte in enumerate(payload):
            buffer[(at + offset) % len(buffer)] ^= byte or 1
    elif kind == 1:
        buffer[at : at + len(payload)] = payload
    elif kind == 2:
        del buffer[at:]
    else:
        buffer[at:at] = payload
    return bytes(buffer)


@pytest.mark.parametrize("kind", ["nii", "nii.gz", "seg", "rtstruct"])
def test_mutated_files(originals, tmp_path, fuzz_cases, kind):
    """Byte mutations of each format: only CTLabErrors naming the file, fast."""
    scan, data = originals
    outcomes: dict[str, int] = {}

    @settings(
        max_examples=max(20, fuzz_cases // 20),
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        mutation=st.integers(0, 3),
        position=st.floats(0, 1),
        payload=st.binary(min_size=1, max_size=16),
        header=st.booleans(),
    )
    def case(mutation, position, payload, header):
        suffix = ".nii.gz" if kind == "nii.gz" else ".nii" if kind == "nii" else ".dcm"
        path = tmp_path / f"case{suffix}"
        path.write_bytes(mutated(data[kind], mutation, position, payload, header))
        outcome = run_case(path, scan)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    case()
    assert outcomes.get("refused", 0) > 0


HEADER_FIELDS = {
    "dim": lambda v: [int(v) % 9, *([int(v)] * 7)],
    "datatype": lambda v: int(v) % 2400,
    "scl_slope": lambda v: float(v),
    "sform_code": lambda v: int(v) % 5,
    "qform_code": lambda v: int(v) % 5,
    "pixdim": lambda v: [1.0, float(v), 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    "srow_x": lambda v: [float(v), 0.0, 0.0, 0.0],
    "vox_offset": lambda v: float(abs(v)),
}


def test_wrong_nifti_headers(originals, tmp_path, fuzz_cases):
    """NIfTI headers with wrong values in their fields: only CTLabErrors, fast."""
    scan, data = originals
    source = tmp_path / "source.nii"
    source.write_bytes(data["nii"])
    outcomes: dict[str, int] = {}

    @settings(
        max_examples=max(30, fuzz_cases // 10),
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    @given(
        fields=st.lists(st.sampled_from(sorted(HEADER_FIELDS)), min_size=1, max_size=3),
        value=st.one_of(
            st.integers(-(2**31), 2**31), st.floats(allow_nan=True, allow_infinity=True)
        ),
    )
    def case(fields, value):
        image = nib.load(source)
        header = image.header.copy()
        for field in fields:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # the overflow is the point
                    header[field] = HEADER_FIELDS[field](value)
            except (ValueError, OverflowError, TypeError):
                pass  # nibabel refused the value itself
        path = tmp_path / "case.nii"
        raw = bytearray(data["nii"])
        raw[: header.sizeof_hdr] = header.binaryblock
        path.write_bytes(bytes(raw))
        outcome = run_case(path, scan)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1

    case()
    assert outcomes.get("refused", 0) > 0
