"""to_png and save_html write through ctlab.io.files.write_atomically, as exports do."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from matplotlib.figure import Figure

import ctlab
from ctlab.core.errors import ExportError

HU = np.array([[-1000, -80], [40, 700]], np.int16)


@pytest.mark.parametrize(("method", "name"), [("to_png", "view.png"), ("save_html", "lesson.html")])
def test_missing_folder_is_named_and_nothing_is_left(tmp_path, method, name):
    """A folder that does not exist: the catalogue's "cannot write" error, naming the file."""
    target = tmp_path / "missing" / name
    with pytest.raises(ExportError, match=f"cannot write {target}: .*folder must exist"):
        getattr(ctlab.WindowExplorer(HU), method)(target)
    assert not (tmp_path / "missing").exists()


def test_png_cut_short_keeps_the_earlier_file(tmp_path, monkeypatch):
    """A write that fails half-way leaves the earlier PNG whole and no partial file."""
    explorer = ctlab.WindowExplorer(HU)
    target = explorer.to_png(tmp_path / "view.png")
    before = target.read_bytes()

    def disk_full(self, file, **kwargs):
        file.write(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Figure, "savefig", disk_full)
    with pytest.raises(ExportError, match="No space left on device"):
        explorer.to_png(target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["view.png"]


def test_html_replaces_the_earlier_page_whole(tmp_path):
    """Saving again over a page replaces it, through a temporary file that does not stay."""
    target = tmp_path / "lesson.html"
    target.write_text("an older page")
    ctlab.WindowExplorer(HU).save_html(target)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lesson.html"]
