"""Files ctlab writes for a user: whole or not at all.

A file is written under a temporary name (``PARTIAL`` appended) and renamed
when complete, so a killed run never leaves a truncated file that looks done.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from ctlab.core.errors import ExportError

__all__ = ["PARTIAL", "write_atomically"]

#: Appended to the name of a file or folder while it is being written.
PARTIAL = ".partial"


def write_atomically(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """Write ``target`` under a temporary name and rename it when complete.

    Every file ctlab writes for a user goes through here (exported slices,
    manifests, label slices, DICOM series, PNGs, saved pages). A run killed half-way leaves a
    ``.partial`` file, never a truncated file under the final name that
    looks done.

    Parameters
    ----------
    target : Path
        The file to write; its folder must exist.
    write : callable
        Called with the temporary file, opened for writing bytes.

    Raises
    ------
    ExportError
        If the file cannot be written (e.g. its folder is missing or
        read-only); nothing is left under either name, as for any error
        ``write`` raises.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "note.txt"
    >>> write_atomically(target, lambda file: file.write(b"done"))
    >>> target.read_text()
    'done'
    """
    unfinished = target.with_name(target.name + PARTIAL)
    try:
        with open(unfinished, "wb") as file:
            write(file)
        os.replace(unfinished, target)
    except OSError as error:
        unfinished.unlink(missing_ok=True)
        raise ExportError(
            f"cannot write {target}: {error.strerror or error}; its folder must exist and be "
            "writable"
        ) from None
    except BaseException:
        # An encoder's own error (or Ctrl-C) leaves no temporary file behind either.
        unfinished.unlink(missing_ok=True)
        raise
