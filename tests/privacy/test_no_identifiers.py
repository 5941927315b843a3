"""Identifiers planted in every identifying and free-text tag appear nowhere unless asked for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import ctlab
from ctlab.io.privacy import FREE_TEXT_KEYWORDS, IDENTIFYING_KEYWORDS
from tests.helpers.dicom import ct_dataset, write


def planted_value(keyword: str) -> str:
    """A recognisable, valid value for each identifying tag."""
    if keyword.endswith("UID"):
        return f"1.2.826.0.1.3680043.8.498.777{len(keyword)}"
    if keyword.endswith("Date"):
        return "19470312"
    if keyword.endswith("Time"):
        # With its fraction: six digits alone matched once in a full run's
        # widget state and not when rerun (a chance match, e.g. in model ids).
        return "101112.654321"
    if keyword == "PatientSex":
        return "O"
    if keyword == "PatientAge":
        return "077Y"
    return f"PLANTED{keyword.upper()[:8]}"


PLANTED = {keyword: planted_value(keyword) for keyword in IDENTIFYING_KEYWORDS}
# Free text as a person types it: a name and a date (16 characters, the
# shortest of these VRs, SH), distinct per tag so a leak names its source.
PLANTED_TEXT = {
    keyword: f"ROE{index:02d} 12.03.1947" for index, keyword in enumerate(FREE_TEXT_KEYWORDS)
}
# Short codes (sex, age) could match by chance; look for the distinctive ones.
SEARCHED = {k: v for k, v in {**PLANTED, **PLANTED_TEXT}.items() if len(v) > 4}


@pytest.fixture(scope="module")
def planted_series(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("scan")
    rng = np.random.default_rng(3)
    for index in range(3):
        ds = ct_dataset(
            rng.integers(0, 2000, (8, 8)).astype(np.int16), position=2.0 * index, instance=index + 1
        )
        for keyword, value in {**PLANTED, **PLANTED_TEXT}.items():
            if keyword not in ("SOPInstanceUID", "SeriesInstanceUID"):
                setattr(ds, keyword, value)
        # A header window, so its planted explanation has a window to name.
        ds.WindowCenter, ds.WindowWidth = 40, 400
        write(ds, folder / f"IM{index}")
    return folder


def leaks(text: str) -> list[str]:
    return [keyword for keyword, value in SEARCHED.items() if value in text]


def test_image_repr_info_and_arrays(planted_series):
    """repr, str, info and every attribute of the CTImage are free of identifiers."""
    image = ctlab.load(planted_series)
    text = repr(image) + str(image) + repr(dict(image.info)) + repr(image.windows)
    text += repr(image.slice_positions) + repr(image.padding_range)
    assert leaks(text) == []


def test_export_files_and_manifest(planted_series, tmp_path):
    """Exported file names, manifest (header window names too) and bytes hold no identifier."""
    image = ctlab.load(planted_series)
    ctlab.export(image, tmp_path / "out", windows=image.windows)
    assert "header window 1" in (tmp_path / "out" / "ctlab-manifest.json").read_text()
    for path in (tmp_path / "out").iterdir():
        assert leaks(path.name) == []
        assert leaks(path.read_bytes().decode("latin-1")) == []


def test_export_many_names_index_and_manifests(planted_series, tmp_path):
    """A collection export: folder and file names, the index, manifests and bytes hold no identifier."""
    root = tmp_path / "studies"
    (root / "PLANTEDPATIENTN").mkdir(parents=True)  # even a folder named after the patient
    for file in planted_series.iterdir():
        (root / "PLANTEDPATIENTN" / file.name).write_bytes(file.read_bytes())
    summary = ctlab.export_many(root, tmp_path / "out", windows=["default"], jobs=1)
    assert len(summary.done) == 1
    for path in (tmp_path / "out").rglob("*"):
        assert leaks(str(path.relative_to(tmp_path / "out"))) == []
        if path.is_file():
            assert leaks(path.read_bytes().decode("latin-1")) == []


def test_export_many_from_and_to_urls(planted_series):
    """The same through fsspec URLs (memory://): nothing of the patient in names or objects."""
    fsspec = pytest.importorskip("fsspec")
    memory = fsspec.filesystem("memory")
    for file in planted_series.iterdir():  # in a folder named after the patient
        memory.pipe_file(f"/privacy/studies/PLANTEDPATIENTN/{file.name}", file.read_bytes())
    try:
        summary = ctlab.export_many(
            "memory://privacy/studies", "memory://privacy/out", windows=["default"], jobs=1
        )
        assert len(summary.done) == 1
        for path in memory.find("/privacy/out"):
            assert leaks(path) == []
            assert leaks(memory.cat_file(path).decode("latin-1")) == []
    finally:
        memory.rm("/privacy", recursive=True)


@pytest.mark.parametrize(
    "args",
    [
        ["info"],
        ["window", "--preset", "fat", "-o", "{tmp}/w.png"],
        ["export", "-o", "{tmp}/x", "--preset", "bone"],
        ["export", "{tmp}/paths.csv", "-o", "{tmp}/x", "--preset", "bone"],
    ],
)
def test_cli_output(planted_series, tmp_path, args):
    """No CLI command prints an identifier without --show-phi."""
    argv = [a.replace("{tmp}", str(tmp_path)) for a in args]
    (tmp_path / "paths.csv").write_text(f"path\n{planted_series}\n")
    argv.insert(1, str(planted_series))
    result = subprocess.run(
        [sys.executable, "-m", "ctlab", *argv], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert leaks(result.stdout + result.stderr) == []


def test_show_phi_shows_them(planted_series):
    """With --show-phi the identifiers and the free text are printed: the user asked."""
    result = subprocess.run(
        [sys.executable, "-m", "ctlab", "info", str(planted_series), "--show-phi"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert PLANTED["PatientName"] in result.stdout and PLANTED["AccessionNumber"] in result.stdout
    assert all(value in result.stdout for value in PLANTED_TEXT.values())


def test_header_window_named_by_position(planted_series):
    """A window explanation that fails the clean is replaced by "header window 1"."""
    image = ctlab.load(planted_series)
    assert [window.name for window in image.windows] == ["header window 1"]


def test_free_text_list_follows_ps3_15():
    """Every free-text keyword is a DICOM keyword, and the profile's usual suspects are in."""
    from pydicom.datadict import tag_for_keyword

    assert all(tag_for_keyword(keyword) is not None for keyword in FREE_TEXT_KEYWORDS)
    assert {
        "SeriesDescription",
        "StudyDescription",
        "ProtocolName",
        "ImageComments",
        "DerivationDescription",
        "AdditionalPatientHistory",
        "WindowCenterWidthExplanation",
    } <= set(FREE_TEXT_KEYWORDS)
    assert not set(FREE_TEXT_KEYWORDS) & set(IDENTIFYING_KEYWORDS)


def test_figures_carry_no_identifiers(planted_series, tmp_path):
    """Figure titles and texts of the static views hold no identifier."""
    image = ctlab.load(planted_series)
    figures = [
        ctlab.plot.explorer_figure(image, image.default_window),
        ctlab.plot.compare_windows(image, image.windows),
    ]
    texts = [
        t.get_text() for figure in figures for ax in figure.axes for t in [*ax.texts, ax.title]
    ]
    assert "header window 1" in " ".join(texts)
    assert leaks(" ".join(texts)) == []


def test_widget_state_carries_no_identifiers(planted_series):
    """Every synced trait of every widget (and its children), reprs and slices sent: no identifier."""
    import json

    from ipywidgets.widgets.widget import _instances as every_widget

    image = ctlab.load(planted_series)
    before = set(every_widget)
    shown = [
        ctlab.WindowExplorer(image),
        ctlab.WindowCompare(image),
        ctlab.TissueOverlay(image),
        ctlab.MultiWindowRGB(image),
    ]
    created = [w for key, w in every_widget.items() if key not in before]
    state = json.dumps(
        [w.get_state() for w in created], default=lambda value: bytes(value).decode("latin-1")
    )
    bundles = [w._repr_mimebundle_() for w in shown]
    texts = state + " ".join(
        repr(w) + bundle["text/plain"] + bundle["text/html"]
        for w, bundle in zip(shown, bundles, strict=True)
    )
    slices = shown[0]._view.slice_bytes(0).tobytes().decode("latin-1")
    assert len(created) > 20
    assert leaks(texts + slices) == []


def test_saved_pages_carry_no_identifiers(planted_series, tmp_path):
    """save_html of each widget: the page (state, titles, menus) names no one."""
    image = ctlab.load(planted_series)
    widgets = [ctlab.WindowExplorer, ctlab.WindowCompare, ctlab.TissueOverlay, ctlab.MultiWindowRGB]
    pages = [kind(image).save_html(tmp_path / f"{kind.__name__}.html") for kind in widgets]
    assert leaks(" ".join(page.read_text() for page in pages)) == []


def test_own_scan_notebook_outputs_carry_no_identifiers(planted_series, tmp_path):
    """Notebook 6 run on the planted series: no output, nor the stored widget state, holds one."""
    import json

    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(
        Path(__file__).resolve().parents[2] / "notebooks" / "06-your-own-scan.ipynb", as_version=4
    )
    replaced = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and "my_path = " in cell.source:
            cell.source = f"my_path = {str(planted_series)!r}\nscan = ctlab.load(my_path)\nscan"
            replaced += 1
    assert replaced == 1
    NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
    assert "PNG" in outputs or "image/png" in outputs
    assert leaks(outputs + json.dumps(notebook.metadata.get("widgets", {}))) == []
