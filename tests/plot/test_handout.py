"""Tests for the one-page handout (ctlab.plot.handout) and ``ctlab handout``."""

import re

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

import ctlab
from ctlab.cli import main
from ctlab.core.errors import ExportError
from ctlab.core.viewers import VIEWER_WINDOWS
from ctlab.plot.handout import handout_figure, save_handout


@pytest.fixture(scope="module")
def figure():
    return handout_figure(ctlab.data.abdomen())


def pdf_pages(path):
    """The number of page objects in a PDF (/Type /Page, not /Pages)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", path.read_bytes()))


class TestHandoutFigure:
    def test_a4_with_its_parts(self, figure):
        """A4 portrait: the HU scale, the windows panel and the four Figure 5 panels."""
        assert tuple(round(x, 2) for x in figure.get_size_inches()) == (8.27, 11.69)
        assert len(figure.axes) == 6
        titles = [ax.get_title(loc="left") for ax in figure.axes[:2]]
        assert "Hounsfield scale" in titles[0] and "viewer" in titles[1]

    def test_every_viewer_window_drawn(self, figure):
        """The windows panel has one bar per viewer and kind, spanning the window's HU."""
        windows = [w for kinds in VIEWER_WINDOWS.values() for w in kinds.values()]
        bars = figure.axes[1].patches
        assert len(bars) == len(windows)
        for bar, window in zip(bars, windows, strict=True):
            assert bar.get_x() == pytest.approx(max(window.low, -1400))
            assert bar.get_x() + bar.get_width() == pytest.approx(min(window.high, 1800))

    def test_figure_5_panels_are_apply_window(self, figure):
        """Each Figure 5 panel shows apply_window's grey levels for its preset."""
        hu = ctlab.data.abdomen().hu
        keys = ("liver_kidney", "fat", "full_range", "default")
        for ax, key in zip(figure.axes[2:], keys, strict=True):
            assert np.array_equal(ax.images[0].get_array(), ctlab.apply_window(hu, key))
            assert ctlab.PRESETS[key].name.split(" (")[0] in ax.get_title()

    def test_labels_do_not_overlap(self, figure):
        """No two labels in the scale or the windows panel overprint each other."""
        renderer = FigureCanvasAgg(figure).get_renderer()
        for ax in figure.axes[:2]:
            boxes = [text.get_window_extent(renderer) for text in ax.texts]
            assert len(boxes) > 5
            for i, a in enumerate(boxes):
                for b in boxes[i + 1 :]:
                    assert not a.overlaps(b), (a, b)


class TestSaveHandout:
    def test_one_page_pdf(self, tmp_path):
        """A .pdf path gives a valid PDF with exactly one page."""
        path = save_handout(ctlab.data.abdomen(), tmp_path / "handout.pdf")
        data = path.read_bytes()
        assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
        assert pdf_pages(path) == 1

    def test_png(self, tmp_path):
        """A .png path gives an A4 PNG at 200 dpi."""
        path = save_handout(ctlab.data.abdomen(), tmp_path / "handout.PNG")
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == (1654, 2338)

    def test_other_ending_refused(self, tmp_path):
        """Any other ending is refused before anything is written."""
        with pytest.raises(ExportError, match=r"handout.jpg: the handout is written as PDF or PNG"):
            save_handout(ctlab.data.abdomen(), tmp_path / "handout.jpg")
        assert not list(tmp_path.iterdir())


class TestHandoutCommand:
    def test_writes_pdf(self, tmp_path, capsys):
        """`ctlab handout -o handout.pdf` writes the one-page PDF and says so."""
        target = tmp_path / "handout.pdf"
        assert main(["handout", "-o", str(target)]) == 0
        assert pdf_pages(target) == 1
        assert capsys.readouterr().out == f"wrote {target}: the one-page handout\n"

    def test_bad_ending_one_line(self, tmp_path, capsys):
        """A wrong ending exits with status 2 and one line naming the file."""
        assert main(["handout", "-o", str(tmp_path / "h.svg")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "h.svg" in err
