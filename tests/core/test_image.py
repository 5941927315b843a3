"""Tests for ctlab.core.image.CTImage."""

import numpy as np
import pytest

from ctlab import CTImage, Window
from ctlab.core.errors import InvalidImageError


def make_volume():
    hu = np.array([[[-3024, -1000], [40, 1000]], [[-3024, 0], [60, 2000]]], dtype=np.int16)
    return CTImage(
        hu,
        spacing=(2.5, 0.7, 0.7),
        padding_range=(-3024, -1025),
        default_window=Window(40, 400),
        slice_positions=(0.0, 2.5),
    )


class TestCTImage:
    def test_read_only_view_of_hu(self):
        """hu cannot be modified through the image, and the caller's array stays writable."""
        hu = np.zeros((2, 2), dtype=np.int16)
        image = CTImage(hu, spacing=(1, 1))
        assert not image.hu.flags.writeable and hu.flags.writeable
        with pytest.raises(ValueError):
            image.hu[0, 0] = 5

    def test_volume_properties(self):
        """A 3-D image is a volume with one slice per first-axis entry."""
        image = make_volume()
        assert image.is_volume and image.n_slices == 2 and image.shape == (2, 2, 2)
        np.testing.assert_array_equal(image.slice_hu(1), [[-3024, 0], [60, 2000]])

    def test_padding_left_out(self):
        """Padding pixels are masked and excluded from valid_hu."""
        image = make_volume()
        assert image.padding_mask().sum() == 2
        assert sorted(image.valid_hu().tolist()) == [-1000, 0, 40, 60, 1000, 2000]

    def test_padding_mask_of_one_slice(self):
        """padding_mask(i) is slice i of the whole mask, computed from that slice alone."""
        image = make_volume()
        for index in range(2):
            np.testing.assert_array_equal(image.padding_mask(index), image.padding_mask()[index])
        assert image.padding_mask(1).shape == (2, 2)

    def test_no_padding(self):
        """Without a padding range every pixel is valid."""
        image = CTImage(np.zeros((2, 3), np.int16), spacing=(1, 1))
        assert image.valid_hu().size == 6 and not image.padding_mask().any()

    def test_repr_is_short_and_redacted(self):
        """repr gives size, spacing, dtype and window only."""
        image = CTImage(
            np.zeros((2, 3), np.int16), spacing=(0.5, 0.5), info={"description": "abdomen"}
        )
        assert repr(image) == "<CTImage abdomen: 2 x 3 voxels, 0.5 x 0.5 mm, int16>"

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"hu": np.zeros(3), "spacing": (1,)}, "2-D or 3-D"),
            ({"hu": np.zeros((2, 2), bool), "spacing": (1, 1)}, "must hold numbers"),
            ({"hu": np.zeros((2, 2)), "spacing": (1,)}, "one positive value in mm per axis"),
            ({"hu": np.zeros((2, 2)), "spacing": (1, 0)}, "one positive value in mm per axis"),
            (
                {"hu": np.zeros((2, 2)), "spacing": (1, 1), "labels": np.zeros((3, 3))},
                "labels shape",
            ),
        ],
    )
    def test_invalid(self, kwargs, message):
        """Bad arrays and spacings raise InvalidImageError saying what is wrong."""
        with pytest.raises(InvalidImageError, match=message):
            CTImage(**kwargs)

    def test_slice_index_checked(self):
        """Out-of-range slice indices raise IndexError."""
        with pytest.raises(IndexError, match="out of range for 2 slices"):
            make_volume().slice_hu(2)


def _rich_image() -> CTImage:
    """A volume with every field set: windows, info, labels and their names."""
    image = make_volume()
    return CTImage(
        image.hu,
        spacing=image.spacing,
        default_window=Window(40, 400, name="header 1"),
        windows=(Window(40, 400, name="header 1"), Window(400, 1800, function="sigmoid")),
        info={"modality": "CT", "shape": (2, 2, 2), "corrections": ["a note"]},
        labels=np.ones((2, 2, 2), np.uint8),
        label_names={1: "soft_tissue"},
        padding_range=image.padding_range,
        slice_positions=image.slice_positions,
    )


def _same(a: CTImage, b: CTImage) -> None:
    np.testing.assert_array_equal(a.hu, b.hu)
    assert a.hu.dtype == b.hu.dtype
    np.testing.assert_array_equal(a.labels, b.labels)
    assert (a.spacing, dict(a.info), dict(a.label_names)) == (
        b.spacing,
        dict(b.info),
        dict(b.label_names),
    )
    assert (a.default_window, a.windows, a.padding_range, a.slice_positions) == (
        b.default_window,
        b.windows,
        b.padding_range,
        b.slice_positions,
    )
    assert [w.name for w in a.windows] == [w.name for w in b.windows]


def _round_trip_in_worker(image: CTImage) -> CTImage:
    """What a multiprocessing or DataLoader worker does: receive an image, send one back."""
    return image


class TestPickle:
    """Issue 11, item 12: a CTImage (a mappingproxy inside) pickles."""

    def test_pickle_round_trip(self):
        """Every field survives pickle.dumps / loads, and the copy is read-only again."""
        import pickle

        image = _rich_image()
        copy = pickle.loads(pickle.dumps(image))
        _same(image, copy)
        assert not copy.hu.flags.writeable and not copy.labels.flags.writeable
        with pytest.raises(TypeError):
            copy.info["modality"] = "MR"  # type: ignore[index]

    def test_through_a_spawned_pool(self):
        """A spawn-start pool (the default on macOS and Windows) sends images both ways."""
        import multiprocessing

        image = _rich_image()
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            back = pool.map(_round_trip_in_worker, [image, image])
        for copy in back:
            _same(image, copy)
