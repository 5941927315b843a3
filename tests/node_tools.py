"""Node.js for the tests: npm with the project's node_modules (package-lock.json) installed.

The widgets' JavaScript tests, its linter and the accessibility checks (axe-core)
need Node packages from the npm registry. Without Node the tests that need it
skip, except under CI (``CI`` set), where they must run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE_MODULES = ROOT / "node_modules"


def npm_ready() -> str:
    """The npm executable, after ``npm ci`` if node_modules is missing; skips without Node."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the JavaScript tests: install Node.js 20 (node and npm)")
        pytest.skip("Node.js (node, npm) is not installed")
    if not (NODE_MODULES / ".package-lock.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, timeout=600)
    return npm
