"""Tests for ctlab.checks: check cells that tell right from wrong without showing the answer."""

import ctlab


class TestHeadPeak:
    def test_not_yet(self, capsys):
        """No answer: a hint that names the tool."""
        ctlab.checks.head_peak(None)
        assert capsys.readouterr().out.startswith("Not yet")

    def test_right_answer(self, capsys):
        """The soft-tissue peak found with hu_peaks is accepted."""
        peak = next(h for h, _ in ctlab.hu_peaks(ctlab.data.head().valid_hu()) if 20 <= h <= 100)
        ctlab.checks.head_peak(peak + 2)
        assert capsys.readouterr().out.startswith("Correct")

    def test_wrong_answers_get_different_hints(self, capsys):
        """Outside soft tissue and inside it but off the peak are told apart."""
        ctlab.checks.head_peak(-80)
        assert "not soft tissue" in capsys.readouterr().out
        ctlab.checks.head_peak(95)
        assert "not the peak" in capsys.readouterr().out


class TestWhiteShare:
    def test_right_answer(self, capsys):
        """The white percentage and a window under the limit are accepted."""
        scan = ctlab.data.chest()
        white = 100 * ctlab.clipped_fractions(scan.valid_hu(), "default")[1]
        ctlab.checks.white_share(scan, white, "bone", limit=1)
        assert capsys.readouterr().out.startswith("Correct")

    def test_fraction_instead_of_percent(self, capsys):
        """A fraction is told to multiply by 100; the black share is told it is black."""
        scan = ctlab.data.chest()
        black, white = ctlab.clipped_fractions(scan.valid_hu(), "default")
        ctlab.checks.white_share(scan, white, "bone", limit=1)
        assert "times 100" in capsys.readouterr().out
        ctlab.checks.white_share(scan, 100 * black, "bone", limit=1)
        assert "black share" in capsys.readouterr().out

    def test_window_over_the_limit(self, capsys):
        """A window that still clips too much white is sent up."""
        scan = ctlab.data.chest()
        white = 100 * ctlab.clipped_fractions(scan.valid_hu(), "default")[1]
        ctlab.checks.white_share(scan, white, "default", limit=1)
        assert "Raise the window's high edge" in capsys.readouterr().out


class TestEdgesToWindow:
    def test_not_yet(self, capsys):
        """No answer: a hint with the centre and width formulas."""
        ctlab.checks.edges_to_window(-1350, 150, -100, None, None, None)
        assert capsys.readouterr().out.startswith("Not yet")

    def test_right_answer(self, capsys):
        """-1350..150 is centre -600, width 1500; -100 HU is grey 213 by DICOM LINEAR."""
        ctlab.checks.edges_to_window(-1350, 150, -100, -600, 1500, 213)
        assert capsys.readouterr().out.startswith("Correct")

    def test_wrong_window_and_wrong_grey_get_different_hints(self, capsys):
        """A wrong window names its edges; a right window with a wrong grey points to the formula."""
        ctlab.checks.edges_to_window(-1350, 150, -100, -600, 750, 213)
        assert "run from" in capsys.readouterr().out
        ctlab.checks.edges_to_window(-1350, 150, -100, -600, 1500, 100)
        assert "middle line of the formula" in capsys.readouterr().out


class TestRegionWindow:
    def test_not_yet_and_wrong_type(self, capsys):
        """No answer gets a hint; a number instead of a Window is told what to give."""
        phantom = ctlab.data.phantom()
        ctlab.checks.region_window(phantom, phantom.labels > 0, 20, None, region="body")
        assert capsys.readouterr().out.startswith("Not yet")
        ctlab.checks.region_window(phantom, phantom.labels > 0, 20, 40, region="body")
        assert "should be a ctlab.Window" in capsys.readouterr().out

    def test_right_and_wrong_window(self, capsys):
        """Window.from_hu of the region's HU on that slice is accepted; the whole volume's is not."""
        phantom = ctlab.data.phantom()
        mask = phantom.labels == 1
        right = ctlab.Window.from_hu(phantom.hu[20][mask[20]])
        ctlab.checks.region_window(phantom, mask, 20, right, region="fat")
        assert capsys.readouterr().out.startswith("Correct")
        whole = ctlab.Window.from_hu(phantom.hu[mask])
        assert (whole.center, whole.width) != (right.center, right.width)
        ctlab.checks.region_window(phantom, mask, 20, whole, region="fat")
        assert capsys.readouterr().out.startswith("Not quite")
