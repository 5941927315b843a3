"""Tests for the synthetic chest slice (ctlab.data.synthetic.chest_phantom, ctlab.data.chest_phantom)."""

import numpy as np
import pytest

import ctlab
from ctlab.data.synthetic.chest_phantom import CHEST_LABELS, CHEST_STRUCTURES, make_chest_phantom

VALUE = {name: value for value, name in CHEST_LABELS.items()}


@pytest.fixture(scope="module")
def chest():
    return ctlab.data.chest_phantom()


def interior(labels, radius):
    """True where every pixel within ``radius`` (a square) shares the label: no partial volume."""
    inside = np.ones(labels.shape, dtype=bool)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            inside &= np.roll(labels, (dy, dx), axis=(0, 1)) == labels
    return inside


class TestMakeChestPhantom:
    def test_shape_dtype_labels_window(self, chest):
        """A 512 x 512 int16 slice, 0.7 mm pixels, a uint8 label map of the same shape, 40/400."""
        assert chest.shape == (512, 512) and chest.hu.dtype == np.int16
        assert chest.spacing == (0.7, 0.7)
        assert chest.labels.shape == chest.shape and chest.labels.dtype == np.uint8
        assert chest.label_names == CHEST_LABELS
        assert chest.default_window == ctlab.PRESETS["default"]

    def test_called_synthetic(self, chest):
        """Its description says it is synthetic and names its contrast phase."""
        assert "synthetic" in chest.info["description"]
        assert "arterial" in chest.info["description"]

    def test_every_label_is_drawn(self, chest):
        """Each structure of CHEST_STRUCTURES covers pixels, and no other label value occurs."""
        counts = np.bincount(chest.labels.ravel(), minlength=len(CHEST_LABELS))
        assert len(counts) == len(CHEST_LABELS)
        assert all(counts[value] > 0 for value in CHEST_LABELS), counts

    @pytest.mark.parametrize("value", sorted(CHEST_STRUCTURES), ids=list(CHEST_LABELS.values()))
    def test_hu_within_documented_range(self, chest, value):
        """Away from edges, each structure's median HU lies in its documented range."""
        structure = CHEST_STRUCTURES[value]
        assert structure.low <= structure.hu <= structure.high
        mask = chest.labels == value
        # Thin walls have no pixel two pixels from an edge: use the nearest neighbours there.
        for radius in (2, 1):
            inside = mask & interior(chest.labels, radius)
            if inside.sum() >= 20:
                break
        if inside.sum() < 20:
            # The airway walls are thinner than three pixels: check the drawn value
            # on a noise-free, finely sampled copy instead of the partial-volume pixels.
            fine = make_chest_phantom(size=2048, pixel_spacing=0.175, noise_hu=0)
            inside = (fine.labels == value) & interior(fine.labels, 1)
            values = fine.hu[inside]
        else:
            values = chest.hu[inside]
        assert values.size >= 20
        assert structure.low <= np.median(values) <= structure.high

    def test_nodule_and_ground_glass_inside_the_lungs(self, chest):
        """The nodule and the ground-glass patch are surrounded by lung, not by soft tissue."""
        labels = chest.labels
        for name in ("nodule", "ground_glass"):
            rows, cols = np.nonzero(labels == VALUE[name])
            ring = labels[rows.min() - 3 : rows.max() + 4, cols.min() - 3 : cols.max() + 4]
            border = np.concatenate([ring[0], ring[-1], ring[:, 0], ring[:, -1]])
            allowed = {VALUE["lung"], VALUE["lung_vessel"], VALUE["airway"], VALUE["airway_wall"]}
            assert set(border.tolist()) <= allowed, (name, set(border.tolist()))

    def test_lung_window_shows_ground_glass_and_mediastinal_window_hides_it(self, chest):
        """Ground glass is mid-grey in the lung window and black in the mediastinal window."""
        inside = (chest.labels == VALUE["ground_glass"]) & interior(chest.labels, 2)
        lung = ctlab.apply_window(chest.hu, "lung")[inside]
        mediastinum = ctlab.apply_window(chest.hu, "mediastinum")[inside]
        assert 50 < np.median(lung) < 200
        assert np.all(mediastinum == 0)

    def test_one_contrast_phase(self, chest):
        """Aorta and heart chambers are both enhanced: blood differs by under 60 HU between them."""
        inside = interior(chest.labels, 2)
        aorta = np.median(chest.hu[inside & (chest.labels == VALUE["aorta"])])
        heart = np.median(chest.hu[inside & (chest.labels == VALUE["heart_blood"])])
        assert aorta > 200 and heart > 200 and abs(aorta - heart) < 60

    def test_same_seed_same_slice(self):
        """The same arguments give the same slice; another seed another vessel tree."""
        a = make_chest_phantom(size=128, pixel_spacing=2.8)
        b = make_chest_phantom(size=128, pixel_spacing=2.8)
        c = make_chest_phantom(size=128, pixel_spacing=2.8, seed=1)
        assert np.array_equal(a.hu, b.hu) and np.array_equal(a.labels, b.labels)
        assert not np.array_equal(a.labels, c.labels)
