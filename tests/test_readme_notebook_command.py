"""The README's notebook command opens the tree the Binder link opens."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers.harness import free_port, isolated_env

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()


def fenced_after(marker: str) -> str:
    """The first fenced block after ``<!-- marker -->`` in the README."""
    found = re.search(rf"<!-- {marker} -->\s*```\n(.*?)\n```", README, re.DOTALL)
    assert found, f"no fenced block after <!-- {marker} --> in README.md"
    return found.group(1).strip()


def binder_urlpath() -> str:
    """What the Binder badge opens: ``lab/tree/notebooks/...``."""
    found = re.search(r"mybinder\.org/v2/gh/[^)]*\?urlpath=([^)\s]+)", README)
    assert found, "no Binder link in README.md"
    return found.group(1)


def test_command_opens_the_binder_notebook_from_the_repository_root():
    """Its JupyterLab serves the repository (as Binder does) and opens the Binder link's notebook."""
    command = fenced_after("notebook-command")
    lab = shlex.split(command.split("&&")[-1])
    assert lab[:2] == ["jupyter", "lab"]
    assert f"--LabApp.default_url=/{binder_urlpath()}" in lab
    assert "--ServerApp.root_dir=." in lab


def test_readme_says_what_to_add_as_root():
    """The README says to add --allow-root when running as root."""
    assert "Running as root is not recommended" in README and "--allow-root" in README


@pytest.mark.slow
def test_command_serves_the_notebooks_at_the_binder_paths(tmp_path):
    """Started as written (plus a port and token), the server has the notebook at Binder's path."""
    lab = shlex.split(fenced_after("notebook-command").split("&&")[-1])
    port, token = free_port(), "readme-test"
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        *lab[2:],
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--port-retries=0",
        f"--ServerApp.token={token}",
        *(["--allow-root"] if os.geteuid() == 0 else []),
    ]
    notebook = binder_urlpath().removeprefix("lab/tree/")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=isolated_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(
                    f"{base}/api/contents/{notebook}?content=0&token={token}", timeout=5
                ) as answer:
                    assert answer.status == 200
                    break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None, "JupyterLab exited"
                assert time.monotonic() < deadline, "JupyterLab did not answer in 90 s"
                time.sleep(0.5)
        with urllib.request.urlopen(f"{base}/?token={token}", timeout=10) as answer:
            assert answer.url.split("?")[0] == f"{base}/{binder_urlpath()}"
    finally:
        process.terminate()
        process.wait(timeout=30)
