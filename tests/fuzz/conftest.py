"""The fuzz campaign's size: a short slice in the normal suite, 20,000+ cases on demand.

    CTLAB_FUZZ_CASES=20000 python -m pytest tests/fuzz -p no:randomly

runs the full campaign (about 10-20 minutes on two cores).
"""

import os

import pytest


@pytest.fixture(scope="session")
def fuzz_cases() -> int:
    """Total cases for the campaign: CTLAB_FUZZ_CASES, default a quick 400."""
    return int(os.environ.get("CTLAB_FUZZ_CASES", "400"))
