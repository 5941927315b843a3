"""Random mutations of real CT files: load raises only CTLabError, quickly.

A seeded loop, a few hundred cases; the longer campaign lives in tests/fuzz/.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from pydicom.data import get_testdata_file

from ctlab import load
from ctlab.core.errors import CTLabError

SOURCES = ["CT_small.dcm", "693_UNCR.dcm", "explicit_VR-UN.dcm"]
CASES_PER_SOURCE = 100
MAX_SECONDS_PER_CASE = 2.0


def mutate(data: bytes, rng: np.random.Generator) -> bytes:
    """One of: flip bits, overwrite bytes, truncate, insert, or copy a header chunk."""
    buffer = bytearray(data)
    kind = rng.integers(5)
    # Most damage that matters is in the header, so aim there more often.
    span = len(buffer) if rng.random() < 0.3 else min(len(buffer), 2048)
    if kind == 0:
        for _ in range(rng.integers(1, 16)):
            position = int(rng.integers(span))
            buffer[position] ^= 1 << int(rng.integers(8))
    elif kind == 1:
        position = int(rng.integers(span))
        length = int(rng.integers(1, 9))
        buffer[position : position + length] = rng.integers(
            0, 256, length, dtype=np.uint8
        ).tobytes()
    elif kind == 2:
        del buffer[int(rng.integers(len(buffer))) :]
    elif kind == 3:
        position = int(rng.integers(span))
        buffer[position:position] = rng.integers(
            0, 256, int(rng.integers(1, 64)), dtype=np.uint8
        ).tobytes()
    else:
        # A plausible huge length field: 0xFFFFFFF0 somewhere in the header.
        position = int(rng.integers(132, min(len(buffer), 1024) - 4))
        buffer[position : position + 4] = b"\xf0\xff\xff\xff"
    return bytes(buffer)


@pytest.mark.parametrize("name", SOURCES)
def test_mutations_raise_only_ctlab_errors(name, tmp_path):
    """Each mutated file loads or raises a CTLabError naming it, within two seconds."""
    data = open(get_testdata_file(name), "rb").read()
    rng = np.random.default_rng(sum(name.encode()))
    outcomes = {"loaded": 0, "refused": 0}
    for case in range(CASES_PER_SOURCE):
        path = tmp_path / f"case{case:03d}.dcm"
        path.write_bytes(mutate(data, rng))
        start = time.perf_counter()
        try:
            load(path)
            outcomes["loaded"] += 1
        except CTLabError as error:
            assert path.name in str(error), f"case {case}: message does not name the file: {error}"
            outcomes["refused"] += 1
        except Warning:
            outcomes["loaded"] += 1  # a data-pitfall warning, raised as error by pytest config
        elapsed = time.perf_counter() - start
        assert elapsed < MAX_SECONDS_PER_CASE, f"case {case} took {elapsed:.1f} s"
    assert outcomes["refused"] > 0 and sum(outcomes.values()) == CASES_PER_SOURCE
