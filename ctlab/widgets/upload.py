"""ScanUpload: upload your own CT files into memory, with a patient-data warning first."""

from __future__ import annotations

import html
import warnings
from typing import Any

import ipywidgets
import traitlets

from ctlab.core.errors import CTLabError
from ctlab.core.image import CTImage
from ctlab.io.loader import load

__all__ = ["ScanUpload", "summary_text"]

#: Shown above the upload button, before anything can be read.
WARNING_HTML = """
<div class="ctlab-upload-warning" style="border-left: 4px solid #d9822b; background: #fff4e5;
     color: #2b1d00; padding: 6px 10px; margin-bottom: 6px; line-height: 1.4">
<b>Patient data: read this before you upload.</b><br>
A CT scan of a real person is personal health data, and DICOM headers usually carry the
patient's name, ID and date of birth. <b>De-identify scans before they go on a shared server</b>
such as Binder or a course JupyterHub (your hospital's anonymisation tool, or an
anonymised export from the PACS).<br>
Uploaded files stay in this server's memory only: ctlab reads them in place, <b>never writes
them to disk</b>, and drops the raw files once they are read; they are gone when the kernel
stops. <b>Nothing identifying is shown</b>: the summary lists only technical facts (size,
spacing, scanner, rescale).<br>
Choose one DICOM file, or all the files of one series (<code>.dcm</code> or files without an
extension, as scanners write them); other files are skipped.
</div>
"""


def summary_text(image: CTImage) -> str:
    """The redacted summary of a loaded scan: its repr and its ``info``, one fact a line.

    Examples
    --------
    >>> import numpy as np
    >>> print(summary_text(CTImage(np.zeros((2, 2), np.int16), spacing=(1, 1))))
    <CTImage CT: 2 x 2 voxels, 1 x 1 mm, int16>
    """
    lines = [repr(image)]
    for key, value in image.info.items():
        if value in (None, "", [], ()):
            continue
        shown = "; ".join(map(str, value)) if isinstance(value, list) else value
        lines.append(f"{key}: {shown}")
    return "\n".join(lines)


class ScanUpload(ipywidgets.VBox):
    """Upload a CT file or series into memory and load it with :func:`ctlab.load`.

    Shows, in this order: a warning about patient data (de-identify before
    uploading to a shared server; files stay in memory, are never written to
    disk; nothing identifying is shown), a file button accepting several
    files, then the redacted summary of the loaded scan, or the error
    message if the files cannot be read (a :class:`ctlab.CTLabError`
    message, never a traceback).

    Parameters
    ----------
    memory_limit : float or str, optional
        Passed to :func:`ctlab.load`: the most bytes the HU may take.

    Attributes
    ----------
    image : CTImage or None
        The loaded scan (a traitlet: observe it to react to an upload).
    message : str
        The last error or warning text, "" after a clean load.

    Notes
    -----
    The upload button accepts every file type: the browser's filter cannot
    express "files without an extension", which is how many scanners write
    DICOM. Non-DICOM files in a multi-file upload are skipped with a note.
    Very large series can exceed the notebook server's message size; on the
    server's own disk, pass the folder's path to :func:`ctlab.load` instead.

    Examples
    --------
    >>> upload = ScanUpload()
    >>> upload.image is None, upload.children[0] is upload.warning
    (True, True)
    """

    image = traitlets.Instance(CTImage, allow_none=True, default_value=None)
    message = traitlets.Unicode("")

    def __init__(self, *, memory_limit: float | str | None = None, **kwargs: Any) -> None:
        self._memory_limit = memory_limit
        self.warning = ipywidgets.HTML(WARNING_HTML)
        self._upload = ipywidgets.FileUpload(
            accept="", multiple=True, description="Upload CT", icon="upload"
        )
        self._upload.add_class("ctlab-upload-button")
        self._summary = ipywidgets.HTML("")
        self._summary.add_class("ctlab-upload-summary")
        self._messages = ipywidgets.Output()
        self._messages.add_class("ctlab-upload-messages")
        super().__init__(
            children=[self.warning, self._upload, self._summary, self._messages], **kwargs
        )
        self.add_class("ctlab-scan-upload")
        self._upload.observe(self._on_upload, names="value")

    @property
    def summary(self) -> str:
        """The redacted summary of the loaded scan ("" before an upload)."""
        return "" if self.image is None else summary_text(self.image)

    def _show_message(self, text: str, *, error: bool) -> None:
        self.message = text
        self._messages.outputs = (
            ({"output_type": "stream", "name": "stderr" if error else "stdout", "text": text},)
            if text
            else ()
        )

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = list(change["new"] or ())
        if not files:
            return  # the value was cleared after a load
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                image = load(files, memory_limit=self._memory_limit)
        except CTLabError as error:
            self.image = None
            self._summary.value = ""
            self._show_message(str(error), error=True)
            return
        finally:
            # Drop the raw files (their headers hold identifiers) from the kernel.
            self._upload.value = ()
        notes = "\n".join(f"Note: {w.message}" for w in caught)
        self.image = image
        self._summary.value = (
            "<pre style='white-space: pre-wrap'>" + html.escape(self.summary) + "</pre>"
        )
        self._show_message(notes, error=False)
