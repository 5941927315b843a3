"""A Binder launch that would fail must fail here first.

Builds a fresh virtual environment exactly as binder/ says (repo2docker
installs binder/requirements.txt, whose last line `.` installs ctlab) and
runs binder/postBuild (the JupyterLab settings overrides), and executes every
notebook in it.
"""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_binder_files_follow_repo2docker_rules():
    """runtime.txt names one Python; requirements.txt ends by installing the package."""
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    lines = (ROOT / "binder" / "requirements.txt").read_text().split()
    assert lines[-1] == "."
    assert not (ROOT / "binder" / "environment.yml").exists()  # it would hide requirements.txt


@pytest.mark.slow
def test_notebooks_run_in_a_binder_environment(tmp_path):
    """pip install -r binder/requirements.txt in a fresh venv, then run every notebook there."""
    environment = tmp_path / "binder-env"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    # binder/postBuild, as repo2docker runs it: the news pop-up is off in JupyterLab's
    # own reading of its settings overrides.
    binder_env = {"PATH": f"{environment / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    post_build = subprocess.run(
        ["bash", "binder/postBuild"], cwd=ROOT, capture_output=True, text=True, env=binder_env
    )
    assert post_build.returncode == 0, post_build.stderr
    overrides = subprocess.run(
        [
            str(python),
            "-c",
            "from jupyterlab.labapp import LabApp\n"
            "from jupyterlab_server.settings_utils import _get_overrides\n"
            "import json\n"
            "print(json.dumps(_get_overrides(LabApp().app_settings_dir)[0]))",
        ],
        capture_output=True,
        text=True,
        env=binder_env,
    )
    assert overrides.returncode == 0, overrides.stderr
    notification = json.loads(overrides.stdout)["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false"
    script = (
        "import sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "for path in sys.argv[1:]:\n"
        "    notebook = nbformat.read(path, as_version=4)\n"
        "    NotebookClient(notebook, timeout=120, kernel_name='python3').execute()\n"
        "    print('ran', path)\n"
    )
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("*.ipynb"))
    run = subprocess.run(
        [str(python), "-c", script, *notebooks],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            "PATH": f"{environment / 'bin'}:/usr/bin:/bin",
            "HOME": str(tmp_path),
            "MPLBACKEND": "Agg",
        },
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.count("ran ") == len(notebooks)
