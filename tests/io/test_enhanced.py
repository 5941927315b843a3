"""Enhanced multi-frame CT: the functional groups are read exactly like the top-level tags."""

from __future__ import annotations

import numpy as np
import pytest
from pydicom.dataset import Dataset

from ctlab import Window, load
from ctlab.core.errors import DataPitfallWarning, NotHounsfieldError
from tests.helpers.dicom import ct_dataset, write

FRAMES = np.arange(2 * 3 * 4, dtype=np.int16).reshape(2, 3, 4) + 1000


def _item(**values) -> Dataset:
    item = Dataset()
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def enhanced(path, *, shared=None, per_frame=None, top=None):
    """A two-frame enhanced CT; ``shared`` and ``per_frame`` add groups (sequence -> item values).

    ``per_frame`` applies to every frame; ``top`` sets top-level tags.
    """
    ds = ct_dataset(FRAMES[0], position=None, slope=None, intercept=None)
    del ds.ImageOrientationPatient
    ds.NumberOfFrames = len(FRAMES)
    ds.PixelData = FRAMES.tobytes()
    groups = {
        "PixelValueTransformationSequence": {"RescaleSlope": 1, "RescaleIntercept": -1024},
        "PlaneOrientationSequence": {"ImageOrientationPatient": [1, 0, 0, 0, 1, 0]},
        **(shared or {}),
    }
    ds.SharedFunctionalGroupsSequence = [
        _item(**{sequence: [_item(**values)] for sequence, values in groups.items()})
    ]
    frames = []
    for index in range(len(FRAMES)):
        item = _item(PlanePositionSequence=[_item(ImagePositionPatient=[0, 0, 2.0 * index])])
        for sequence, values in (per_frame or {}).items():
            setattr(item, sequence, [_item(**values)])
        frames.append(item)
    ds.PerFrameFunctionalGroupsSequence = frames
    for keyword, value in (top or {}).items():
        setattr(ds, keyword, value)
    return write(ds, path)


def _hu_units(code="[hnsf'U]", meaning="Hounsfield unit"):
    return {
        "MeasurementUnitsCodeSequence": [
            _item(CodeValue=code, CodingSchemeDesignator="UCUM", CodeMeaning=meaning)
        ]
    }


class TestRescaleType:
    @pytest.mark.parametrize("level", ["shared", "per_frame", "top"])
    def test_unspecified_warns_at_every_level(self, tmp_path, level):
        """RescaleType 'US' warns whether it is top-level, shared or per-frame."""
        if level == "top":
            path = enhanced(tmp_path / "e.dcm", top={"RescaleType": "US"})
        else:
            transform = {"RescaleSlope": 1, "RescaleIntercept": -1024, "RescaleType": "US"}
            path = enhanced(
                tmp_path / "e.dcm", **{level: {"PixelValueTransformationSequence": transform}}
            )
        with pytest.warns(
            DataPitfallWarning, match=r"RescaleType \(0028,1054\) is 'US'.*e\.dcm"
        ) as record:
            image = load(path)
        np.testing.assert_array_equal(image.hu, FRAMES - 1024)
        said = [str(w.message) for w in record if "RescaleType" in str(w.message)]
        assert len(said) == 1 and "more file" not in said[0]  # once, not once per frame

    @pytest.mark.parametrize("level", ["shared", "per_frame"])
    def test_not_hu_refused_in_groups(self, tmp_path, level):
        """RescaleType 'OD' in the Pixel Value Transformation is refused as at the top level."""
        transform = {"RescaleSlope": 1, "RescaleIntercept": 0, "RescaleType": "OD"}
        path = enhanced(
            tmp_path / "e.dcm", **{level: {"PixelValueTransformationSequence": transform}}
        )
        with pytest.raises(NotHounsfieldError, match=r"'OD' in frame 1 of .*e\.dcm"):
            load(path)


class TestRealWorldValueMapping:
    @pytest.mark.parametrize("level", ["shared", "per_frame", "top"])
    def test_units_other_than_hu_refused(self, tmp_path, level):
        """A perfusion map (ml/100 g/min) is not HU, wherever the mapping sits."""
        mapping = _hu_units("ml/(100.g.min)", "milliliter per 100 gram per minute")
        if level == "top":
            path = enhanced(
                tmp_path / "e.dcm", top={"RealWorldValueMappingSequence": [_item(**mapping)]}
            )
        else:
            path = enhanced(
                tmp_path / "e.dcm", **{level: {"RealWorldValueMappingSequence": mapping}}
            )
        with pytest.raises(
            NotHounsfieldError,
            match=r"Real World Value Mapping \(0040,9096\) of .*e\.dcm gives its values in "
            r"milliliter per 100 gram per minute \(ml/\(100\.g\.min\)\), not Hounsfield",
        ):
            load(path)

    def test_hu_units_accepted(self, tmp_path):
        """A mapping to Hounsfield units loads without a word."""
        path = enhanced(tmp_path / "e.dcm", shared={"RealWorldValueMappingSequence": _hu_units()})
        np.testing.assert_array_equal(load(path).hu, FRAMES - 1024)


class TestFrameType:
    def test_derived_subtraction_warns(self, tmp_path):
        """A DERIVED frame of SUBTRACTION says its values are not the HU of a tissue."""
        frame_type = {"FrameType": ["DERIVED", "PRIMARY", "AXIAL", "SUBTRACTION"]}
        path = enhanced(tmp_path / "e.dcm", per_frame={"CTImageFrameTypeSequence": frame_type})
        with pytest.warns(DataPitfallWarning, match=r"frame 1 of .*e\.dcm is a DERIVED image of "):
            load(path)

    def test_derived_image_type_warns_at_the_top(self, tmp_path):
        """The same Image Type on a classic slice warns the same way."""
        pixels = FRAMES[0]
        ds = ct_dataset(pixels, ImageType=["DERIVED", "SECONDARY", "AXIAL", "SUBTRACTION"])
        with pytest.warns(DataPitfallWarning, match=r"s\.dcm is a DERIVED image of SUBTRACTION"):
            load(write(ds, tmp_path / "s.dcm"))

    def test_derived_resampled_is_hu(self, tmp_path):
        """A DERIVED frame that is only RESAMPLED (a reformat) keeps HU: no warning."""
        frame_type = {"FrameType": ["DERIVED", "PRIMARY", "AXIAL", "RESAMPLED"]}
        path = enhanced(tmp_path / "e.dcm", shared={"CTImageFrameTypeSequence": frame_type})
        np.testing.assert_array_equal(load(path).hu, FRAMES - 1024)

    def test_colour_presentation_warns(self, tmp_path):
        """Pixel Presentation COLOR in the frame type says a palette was meant."""
        frame_type = {"FrameType": ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]}
        frame_type["PixelPresentation"] = "COLOR"
        path = enhanced(tmp_path / "e.dcm", shared={"CTImageFrameTypeSequence": frame_type})
        with pytest.warns(DataPitfallWarning, match=r"PixelPresentation \(0008,9205\) is COLOR"):
            load(path)

    def test_true_colour_presentation_refused(self, tmp_path):
        """Pixel Presentation TRUE_COLOR at the top level is refused."""
        path = enhanced(tmp_path / "e.dcm", top={"PixelPresentation": "TRUE_COLOR"})
        with pytest.raises(NotHounsfieldError, match="TRUE_COLOR in .*e.dcm"):
            load(path)


class TestFrameWindow:
    def test_frame_voi_lut_is_the_default_window(self, tmp_path):
        """The window in the Frame VOI LUT Sequence is offered as the header window."""
        voi = {"WindowCenter": 40, "WindowWidth": 400, "WindowCenterWidthExplanation": "ABDOMEN"}
        path = enhanced(tmp_path / "e.dcm", shared={"FrameVOILUTSequence": voi})
        image = load(path)
        assert image.default_window == Window(40, 400)
        assert [(w.center, w.width) for w in image.windows] == [(40.0, 400.0)]


class TestFrameOrientation:
    def test_row_cosine_minus_one_flipped_like_a_classic_slice(self, tmp_path):
        """A frame whose rows run to the patient's right is flipped as a classic slice is."""
        orientation = {"ImageOrientationPatient": [-1, 0, 0, 0, 1, 0]}
        path = enhanced(tmp_path / "e.dcm", shared={"PlaneOrientationSequence": orientation})
        image = load(path)
        classic = load(
            write(
                ct_dataset(FRAMES[0], ImageOrientationPatient=[-1, 0, 0, 0, 1, 0]),
                tmp_path / "c.dcm",
            )
        )
        # The normal (row x column) points to -z: frames run from z = 2 mm down to 0.
        np.testing.assert_array_equal(image.hu, (FRAMES - 1024)[::-1, :, ::-1])
        np.testing.assert_array_equal(image.hu[1], classic.hu)
        assert image.info["reoriented"] == classic.info["reoriented"] != ""
