"""Tests for the procedural abdominal phantom (ctlab.data.synthetic.phantom)."""

import hashlib

import numpy as np
import pytest

import ctlab
from ctlab import TISSUES
from ctlab.data.synthetic.phantom import LABELS, make_phantom

VALUE = {name: value for value, name in LABELS.items()}


@pytest.fixture(scope="module")
def small():
    return make_phantom(n_slices=12, size=128, pixel_spacing=3.0)


def interior(labels):
    """True where a voxel and its four in-slice neighbours share a label (no partial volume)."""
    inside = np.zeros(labels.shape, dtype=bool)
    centre = labels[:, 1:-1, 1:-1]
    inside[:, 1:-1, 1:-1] = (
        (centre == labels[:, :-2, 1:-1])
        & (centre == labels[:, 2:, 1:-1])
        & (centre == labels[:, 1:-1, :-2])
        & (centre == labels[:, 1:-1, 2:])
    )
    return inside


class TestMakePhantom:
    def test_shape_dtype_spacing_window(self, small):
        """A 12 x 128 x 128 int16 volume with its spacing, labels and the 40/400 window."""
        assert small.shape == (12, 128, 128) and small.hu.dtype == np.int16
        assert small.spacing == (2.5, 3.0, 3.0)
        assert small.labels.shape == small.shape and small.labels.dtype == np.uint8
        assert small.label_names == LABELS
        assert small.default_window == ctlab.PRESETS["default"]
        assert small.info["description"] == "ctlab procedural abdominal phantom"
        assert small.slice_positions == tuple(2.5 * k for k in range(12))

    def test_default_size(self):
        """The default phantom is 48 x 256 x 256 at 1.5 mm, about 30-35 cm of body across."""
        phantom = make_phantom()
        assert phantom.shape == (48, 256, 256) and phantom.spacing == (2.5, 1.5, 1.5)
        body = np.flatnonzero(phantom.labels[24, 128] != 0)
        assert 300 <= (body[-1] - body[0]) * 1.5 <= 360

    def test_deterministic(self):
        """The same seed gives the same bytes; another seed does not."""

        def digest(image):
            return hashlib.sha256(image.hu.tobytes() + image.labels.tobytes()).hexdigest()

        first = make_phantom(n_slices=3, size=64)
        assert digest(first) == digest(make_phantom(n_slices=3, size=64))
        assert digest(first) != digest(make_phantom(n_slices=3, size=64, seed=1))

    def test_every_structure_present(self, small):
        """All labelled structures appear somewhere in the volume."""
        assert set(np.unique(small.labels)) == set(LABELS)

    def test_names_match_tissue_bands(self):
        """Labels named like a TISSUES band use that band's key; the others are organs."""
        assert {"air", "fat", "lung", "cortical_bone", "cancellous_bone"} <= set(TISSUES)
        assert {"air", "fat", "lung", "cortical_bone", "cancellous_bone"} <= set(VALUE)
        assert {"liver", "spleen", "kidney", "aorta", "muscle", "bowel_gas"} <= set(VALUE)

    @pytest.mark.parametrize("name", ["fat", "lung", "cancellous_bone"])
    def test_labels_inside_their_tissue_band(self, small, name):
        """The mean and 90% of a tissue's interior voxels lie in its TISSUES band."""
        band = TISSUES[name]
        hu = small.hu[(small.labels == VALUE[name]) & interior(small.labels)]
        assert np.mean((hu >= band.low) & (hu <= band.high)) >= 0.9
        assert band.low <= hu.mean() <= band.high

    def test_cortical_shell_in_band(self, small):
        """The thin cortical shell is all edge, yet most of it lies in the cortical band."""
        band = TISSUES["cortical_bone"]
        hu = small.hu[small.labels == VALUE["cortical_bone"]]
        assert np.mean((hu >= band.low) & (hu <= band.high)) > 0.7
        assert band.low <= hu.mean() <= band.high

    def test_liver_in_portal_venous_range(self, small):
        """The liver lies in TISSUES' portal-venous liver range, the phase the phantom is in."""
        band = TISSUES["liver_portal_venous"]
        hu = small.hu[(small.labels == VALUE["liver"]) & interior(small.labels)]
        assert band.low <= hu.mean() <= band.high

    def test_fat_mean(self, small):
        """Fat averages -80..-90 HU, inside the -100..-60 fat window of the seed's Figure 5."""
        assert -90 <= small.hu[small.labels == VALUE["fat"]].mean() <= -80

    @pytest.mark.parametrize(
        ("name", "low", "high"),
        [
            ("liver", 90, 130),
            ("spleen", 100, 130),
            ("kidney", 120, 160),
            ("muscle", 35, 65),
            ("aorta", 150, 200),
            ("ivc", 110, 150),
        ],
    )
    def test_organ_values(self, small, name, low, high):
        """Organs and vessels have portal-venous mean HU away from their edges (one phase)."""
        hu = small.hu[(small.labels == VALUE[name]) & interior(small.labels)]
        assert low < hu.mean() < high

    def test_gas_and_air(self, small):
        """Bowel gas and the air around the body are about -1000 HU."""
        gas = small.hu[(small.labels == VALUE["bowel_gas"]) & interior(small.labels)]
        air = small.hu[(small.labels == 0) & ~small.padding_mask()]
        assert abs(np.median(gas) + 1000) < 20 and abs(np.median(air) + 1000) < 20

    def test_noise(self, small):
        """Noise is about noise_hu: the spread inside the liver is 10-15 HU."""
        liver = small.hu[(small.labels == VALUE["liver"]) & interior(small.labels)]
        assert 10 <= liver.std() <= 15
        quiet = make_phantom(n_slices=12, size=128, pixel_spacing=3.0, noise_hu=0)
        assert quiet.hu[(quiet.labels == VALUE["liver"]) & interior(quiet.labels)].std() < 3

    def test_partial_volume_edges(self, small):
        """Voxels at fat/muscle boundaries take values between the two tissues."""
        edge = ~interior(small.labels) & np.isin(small.labels, [VALUE["fat"], VALUE["muscle"]])
        between = np.count_nonzero((small.hu[edge] > -45) & (small.hu[edge] < 10))
        assert between > 500

    def test_trabecular_texture(self, small):
        """The trabecular bone is textured, not flat: its spread is well above the noise."""
        trabecular = small.hu[(small.labels == VALUE["cancellous_bone"]) & interior(small.labels)]
        assert trabecular.std() > 40

    def test_lung_bases_on_top(self, small):
        """Lung appears only in the upper (highest z, last) slices, as the loader orders them."""
        with_lung = np.flatnonzero((small.labels == VALUE["lung"]).any(axis=(1, 2)))
        assert with_lung.size and with_lung.min() >= small.n_slices // 2
        assert with_lung.max() == small.n_slices - 1

    def test_radiological_convention(self, small):
        """The liver (patient's right) is on the image left, the spleen on the image right."""
        columns = np.arange(small.shape[2])
        liver = columns[(small.labels == VALUE["liver"]).any(axis=(0, 1))].mean()
        spleen = columns[(small.labels == VALUE["spleen"]).any(axis=(0, 1))].mean()
        assert liver < small.shape[2] / 2 < spleen

    def test_padding_outside_field(self, small):
        """Corners outside the reconstruction circle are -3024 and marked as padding."""
        assert small.hu[0, 0, 0] == -3024 and small.padding_range == (-3024.0, -3024.0)
        assert small.padding_mask()[:, 0, 0].all() and not small.padding_mask()[:, 64, 64].any()
        assert small.valid_hu().min() >= -1024
