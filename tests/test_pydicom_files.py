"""Differential test: every file pydicom and pydicom-data ship, through ctlab and through pydicom.

ctlab gives the HU of ``pydicom.pixels.apply_modality_lut`` (normalised as
ctlab documents its orientation and frame order) or refuses with a
CTLabError naming the file and the reason; docs/pydicom-files.md lists the
outcome per file and must be current (``python docs/make_pydicom_table.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.docs import load_generator

ROOT = Path(__file__).resolve().parents[1]


GENERATOR = load_generator("make_pydicom_table")
FILES = GENERATOR.shipped_files()

# Files whose difference from pydicom is a known, filed bug: xfail-strict, so a
# fix shows up as a failure that asks for the entry to go.
KNOWN: dict[str, str] = {}


@pytest.fixture(scope="module")
def outcomes() -> dict[str, object]:
    """Every shipped file's outcome, computed once."""
    return {item.name: item for item in GENERATOR.collect()}


def test_table_is_current(outcomes):
    """docs/pydicom-files.md equals what the generator writes today."""
    expected = GENERATOR.render(list(outcomes.values()))
    assert (ROOT / "docs" / "pydicom-files.md").read_text() == expected, (
        "docs/pydicom-files.md is out of date: run python docs/make_pydicom_table.py"
    )


def test_every_file_is_listed(outcomes):
    """The table covers the CT files the loader tests rely on, and many others."""
    assert {"CT_small.dcm", "explicit_VR-UN.dcm", "693_UNCR.dcm"} <= set(outcomes)
    assert len(outcomes) > 100


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(
            name,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN[name])] if name in KNOWN else [],
        )
        for name in (GENERATOR.shipped_name(path) for path in FILES)
    ],
)
def test_same_hu_or_a_ctlab_error(outcomes, name):
    """pydicom's HU, or a CTLabError naming the file: never a crash, never a silent difference."""
    item = outcomes[name]
    assert item.verdict in GENERATOR.GOOD, f"{name}: {item.verdict}: {item.detail}"
    if item.verdict == "refused":
        assert name.split("/")[-1] in item.detail, item.detail
