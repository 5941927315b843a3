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
