"""Tests for the DICOM GSDF (ctlab.core.display) and the viewers' windows (ctlab.core.viewers)."""

import numpy as np
import pytest

import ctlab
from ctlab.core.display import gsdf_jnd_index, gsdf_luminance, jnd_count
from ctlab.core.errors import InvalidImageError
from ctlab.core.viewers import RSNA_WINDOWS, VIEWER_SOURCES, VIEWER_WINDOWS

# DICOM PS3.14 Table B-1: luminance (cd/m²) of JND indices; 512 cross-checked with
# colour-science's eotf_DICOMGSDF(512) = 130.0652840.
TABLE_B1 = [(1, 0.0500), (512, 130.0653), (1023, 3993.4040)]


class TestGsdfLuminance:
    @pytest.mark.parametrize(("j", "luminance"), TABLE_B1)
    def test_table_b1(self, j, luminance):
        """The formula (section 7.1) gives PS3.14 Table B-1's luminances to within 0.05 %."""
        assert gsdf_luminance(j) == pytest.approx(luminance, rel=5e-4)

    def test_increasing(self):
        """Each JND index is brighter than the one before."""
        assert np.all(np.diff(gsdf_luminance(np.arange(1, 1024))) > 0)

    def test_shape_and_dtype(self):
        """An array in gives a float64 array of the same shape out."""
        out = gsdf_luminance(np.full((2, 3), 100))
        assert out.shape == (2, 3) and out.dtype == np.float64

    @pytest.mark.parametrize("j", [0, 1024, np.nan])
    def test_outside_range(self, j):
        """An index outside 1..1023 is refused with the rule."""
        with pytest.raises(InvalidImageError, match=r"jnd_index must lie in 1\.\.1023"):
            gsdf_luminance(j)


class TestGsdfJndIndex:
    @pytest.mark.parametrize(("j", "luminance"), TABLE_B1)
    def test_table_b1(self, j, luminance):
        """The inverse formula gives Table B-1's indices back to within 0.1 JND."""
        assert gsdf_jnd_index(luminance) == pytest.approx(j, abs=0.1)

    def test_inverts_luminance(self):
        """j(L(j)) = j to within 0.1 JND over the whole range (PS3.14's inverse, 7.1 Note 1, is an approximation)."""
        j = np.arange(1, 1024)
        assert np.max(np.abs(gsdf_jnd_index(gsdf_luminance(j)) - j)) < 0.1

    def test_outside_range(self):
        """A luminance below 0.05 cd/m² is refused."""
        with pytest.raises(InvalidImageError, match=r"luminance must lie in 0\.05\.\.3993"):
            gsdf_jnd_index(0.01)


class TestJndCount:
    def test_full_range(self):
        """The whole GSDF spans 1022 JNDs (1..1023), to within the inverse's accuracy."""
        assert jnd_count(0.05, 3993.404) == pytest.approx(1022, abs=0.2)

    def test_typical_display(self):
        """A 1..350 cd/m² display spans about 582 JNDs: more than 8 bits can address."""
        assert 256 < jnd_count(1, 350) < 1024
        assert jnd_count(1, 350) == pytest.approx(float(gsdf_jnd_index(350) - gsdf_jnd_index(1)))

    def test_minimum_not_below_maximum(self):
        """min_luminance must be below max_luminance."""
        with pytest.raises(InvalidImageError, match="min_luminance must be below max_luminance"):
            jnd_count(300, 300)


class TestViewerWindows:
    def test_sources_for_every_viewer(self):
        """Every viewer named in VIEWER_WINDOWS has its source in VIEWER_SOURCES."""
        viewers = {viewer for kinds in VIEWER_WINDOWS.values() for viewer in kinds}
        assert viewers <= set(VIEWER_SOURCES)

    def test_viewers_disagree(self):
        """The point of the table: the same kind of window differs between viewers."""
        lung = {(w.center, w.width) for w in VIEWER_WINDOWS["lung"].values()}
        bone = {(w.center, w.width) for w in VIEWER_WINDOWS["bone"].values()}
        assert len(lung) > 1 and len(bone) > 2

    def test_values_from_their_sources(self):
        """Spot checks against the viewers' own files (Slicer JSON, OHIF config, fastai)."""
        assert VIEWER_WINDOWS["bone"]["3D Slicer"] == ctlab.Window(400, 1000)
        assert VIEWER_WINDOWS["bone"]["OHIF"] == ctlab.Window(480, 2500)
        assert VIEWER_WINDOWS["subdural"]["fastai"] == ctlab.Window(100, 254)

    def test_rsna_stack(self):
        """The RSNA kernels' channels: brain 40/80, subdural 80/200, soft tissue 40/380."""
        assert [(w.center, w.width) for w in RSNA_WINDOWS] == [(40, 80), (80, 200), (40, 380)]

    def test_public(self):
        """The public module ctlab.display gives the same objects."""
        assert ctlab.display.VIEWER_WINDOWS is VIEWER_WINDOWS
        assert ctlab.display.jnd_count is jnd_count
