"""ScanUpload in JupyterLab: the warning shows above the button, a real upload loads in memory."""

from __future__ import annotations

import pytest
from pydicom.data import get_testdata_file

from tests.helpers import harness

pytestmark = pytest.mark.browser

ROOT = ".ctlab-scan-upload"
BUTTON = f"{ROOT} .ctlab-upload-button"


def choose_files(page, files) -> None:
    """Click the upload button and pick ``files`` in the browser's file chooser."""
    with page.expect_file_chooser() as chooser:
        page.locator(BUTTON).click()
    chooser.value.set_files(files)


def test_warning_first_then_upload_loads(open_cells, console, screenshots):
    """The patient-data warning sits above the button; CT_small.dcm uploads, loads and is summarised."""
    page = open_cells(["import ctlab\nupload = ctlab.ScanUpload()\nupload"])
    page.wait_for_selector(f"{ROOT} .ctlab-upload-warning")
    warning = page.locator(f"{ROOT} .ctlab-upload-warning")
    assert "De-identify scans before they go on a shared server" in warning.inner_text()
    above = warning.bounding_box()
    assert above["y"] + above["height"] <= page.locator(BUTTON).bounding_box()["y"]

    choose_files(page, [get_testdata_file("CT_small.dcm")])
    page.wait_for_selector(f"{ROOT} .ctlab-upload-summary pre", timeout=30_000)
    summary = page.locator(f"{ROOT} .ctlab-upload-summary pre").inner_text()
    assert summary.startswith("<CTImage") and "128 x 128 voxels" in summary
    shown = harness.append_and_run(page, "print(upload.image.shape, upload.children[1].value)")
    assert "(128, 128) ()" in shown
    harness.screenshot(page.locator(ROOT), screenshots / "scan-upload.png")
    assert console.errors == []


def test_bad_upload_shows_the_message(open_cells):
    """A text file uploaded gives the CTLabError message, naming it, and no traceback."""
    page = open_cells(["import ctlab\nupload = ctlab.ScanUpload()\nupload"])
    page.wait_for_selector(BUTTON)
    choose_files(page, [{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hi\n" * 100}])
    messages = page.locator(f"{ROOT} .ctlab-upload-messages")
    messages.locator("text=notes.txt is not a DICOM file").wait_for(timeout=30_000)
    assert "Traceback" not in messages.inner_text()
