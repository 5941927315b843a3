"""Tests for ctlab.core.window: the Window value and the presets."""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ctlab import PRESETS, Window
from ctlab.core.errors import CTLabError, InvalidWindowError
from ctlab.core.window import resolve_window


class TestWindow:
    def test_edges_are_center_plus_minus_half_width(self):
        """low and high lie half a width either side of the centre."""
        window = Window(center=40, width=400)
        assert (window.low, window.high) == (-160.0, 240.0)

    def test_values_are_floats(self):
        """Integer and numpy inputs are stored as Python floats."""
        window = Window(np.int16(40), np.float32(400))
        assert type(window.center) is float and type(window.width) is float

    def test_immutable(self):
        """A Window cannot be changed after it is made."""
        window = Window(40, 400)
        with pytest.raises(AttributeError):
            window.center = 50  # type: ignore[misc]

    def test_hashable_and_name_not_in_equality(self):
        """Equal centre, width and function make equal windows whatever their names."""
        assert Window(40, 400, name="a") == Window(40, 400, name="b")
        assert len({Window(40, 400), Window(40, 400, name="x")}) == 1
        assert Window(40, 400) != Window(40, 400, function="sigmoid")

    @pytest.mark.parametrize("width", [0, 0.5, -5])
    def test_width_below_one_is_refused(self, width):
        """A window narrower than 1 HU raises InvalidWindowError naming the value."""
        with pytest.raises(InvalidWindowError, match=r"width must be >= 1 HU, got"):
            Window(40, width)

    @pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
    def test_non_finite_refused(self, bad):
        """NaN and infinite centres are refused."""
        with pytest.raises(InvalidWindowError, match="center must be finite"):
            Window(bad, 400)

    @pytest.mark.parametrize("bad", ["40", None, True, [40]])
    def test_non_numbers_refused(self, bad):
        """Strings, None, booleans and lists are not HU."""
        with pytest.raises(InvalidWindowError, match="center must be a number of HU"):
            Window(bad, 400)

    def test_unknown_function_refused(self):
        """Only the three DICOM VOI functions exist."""
        with pytest.raises(InvalidWindowError, match="function must be one of"):
            Window(40, 400, function="gamma")  # type: ignore[arg-type]

    def test_error_is_a_ctlab_and_value_error(self):
        """InvalidWindowError is catchable as CTLabError and ValueError."""
        with pytest.raises(CTLabError):
            Window(40, 0)
        with pytest.raises(ValueError):
            Window(40, 0)

    def test_repr_and_str(self):
        """repr is code; str reads like a radiologist's label."""
        assert repr(Window(40, 400)) == "Window(center=40.0, width=400.0)"
        assert repr(Window(40, 400, function="sigmoid")).endswith("function='sigmoid')")
        assert str(Window(40, 400, name="abdomen")) == "abdomen: C 40 / W 400 HU (-160..240)"


class TestFromRange:
    def test_fat_window(self):
        """-100..-60 is centre -80, width 40."""
        assert Window.from_range(-100, -60) == Window(-80, 40)

    @given(
        st.floats(-3000, 3000, allow_nan=False),
        st.floats(2, 5000, allow_nan=False),
    )
    def test_round_trip(self, low, span):
        """from_range inverts low/high."""
        window = Window.from_range(low, low + span)
        assert window.low == pytest.approx(low) and window.high == pytest.approx(low + span)

    def test_reversed_range_refused(self):
        """high below low is an error that names both."""
        with pytest.raises(InvalidWindowError, match=r"low=240, high=-160"):
            Window.from_range(240, -160)


class TestFromDicom:
    def test_single_window(self):
        """One centre/width pair gives one window, linear by default."""
        header = SimpleNamespace(WindowCenter=40, WindowWidth=100)
        assert Window.from_dicom(header) == (Window(40, 100),)

    def test_multi_valued_with_explanations_and_function(self):
        """Multi-valued windows pair up in order and carry explanation and VOI function."""
        header = SimpleNamespace(
            WindowCenter=["40", "400"],
            WindowWidth=["400", "1800"],
            WindowCenterWidthExplanation=["SOFT", "BONE"],
            VOILUTFunction="SIGMOID",
        )
        soft, bone = Window.from_dicom(header)
        assert (soft.center, soft.width, soft.name, soft.function) == (40, 400, "SOFT", "sigmoid")
        assert (bone.center, bone.width, bone.name) == (400, 1800, "BONE")

    def test_no_window(self):
        """A header without windows gives an empty tuple."""
        assert Window.from_dicom(SimpleNamespace()) == ()

    def test_mismatched_counts(self):
        """Two centres and one width is an error citing both tags."""
        header = SimpleNamespace(WindowCenter=[40, 400], WindowWidth=400)
        with pytest.raises(
            InvalidWindowError, match=r"\(0028,1050\) has 2 values.*\(0028,1051\) has 1"
        ):
            Window.from_dicom(header)

    def test_zero_width_in_header(self):
        """A zero width in the header is reported with its tags."""
        header = SimpleNamespace(WindowCenter=40, WindowWidth=0)
        with pytest.raises(InvalidWindowError, match=r"window 1 of the header.*width must be >= 1"):
            Window.from_dicom(header)

    def test_unknown_voi_function(self):
        """A VOI LUT Function that DICOM does not define is refused."""
        header = SimpleNamespace(WindowCenter=40, WindowWidth=400, VOILUTFunction="CUBIC")
        with pytest.raises(InvalidWindowError, match=r"\(0028,1056\) is 'CUBIC'"):
            Window.from_dicom(header)

    def test_real_pydicom_dataset(self):
        """A real head CT's header gives its 40/100 window."""
        import pydicom
        from pydicom.data import get_testdata_file

        dataset = pydicom.dcmread(get_testdata_file("693_UNCR.dcm"), stop_before_pixels=True)
        assert Window.from_dicom(dataset) == (Window(40, 100),)


class TestPresets:
    @pytest.mark.parametrize(
        ("name", "low", "high"),
        [
            ("liver_kidney", 40, 80),
            ("fat", -100, -60),
            ("full_range", -1000, 1000),
            ("default", -160, 240),
        ],
    )
    def test_seed_figure_5_windows(self, name, low, high):
        """The four windows of the seed's Figure 5 are exact."""
        assert (PRESETS[name].low, PRESETS[name].high) == (low, high)

    @pytest.mark.parametrize(
        "name",
        [
            "brain",
            "subdural",
            "stroke",
            "lung",
            "mediastinum",
            "abdomen_soft_tissue",
            "liver",
            "bone",
            "temporal_bone",
        ],
    )
    def test_clinical_presets_present(self, name):
        """The standard clinical presets are there, labelled."""
        assert PRESETS[name].name

    def test_standard_values(self):
        """Spot-check clinical values: brain W80 L40, lung W1500 L-600, bone W1800 L400."""
        assert PRESETS["brain"] == Window(40, 80)
        assert PRESETS["lung"] == Window(-600, 1500)
        assert PRESETS["bone"] == Window(400, 1800)

    def test_keys_are_snake_case_and_read_only(self):
        """Keys are lowercase snake case; the mapping cannot be modified."""
        assert all(key == key.lower() and " " not in key for key in PRESETS)
        with pytest.raises(TypeError):
            PRESETS["mine"] = Window(0, 10)  # type: ignore[index]


class TestResolveWindow:
    def test_name_and_window(self):
        """A preset name resolves to its window; a Window passes through."""
        window = Window(1, 2)
        assert resolve_window(window) is window
        assert resolve_window("fat") is PRESETS["fat"]

    def test_unknown_name_lists_choices(self):
        """An unknown preset name lists the valid ones."""
        with pytest.raises(
            InvalidWindowError, match=r"no preset named 'fatty'.*choose one of.*fat"
        ):
            resolve_window("fatty")

    def test_wrong_type(self):
        """A tuple of numbers is not a window (the reader could not tell centre from width)."""
        with pytest.raises(InvalidWindowError, match="got tuple"):
            resolve_window((40, 400))  # type: ignore[arg-type]


class TestHuPerGreyLevel:
    def test_one_convention(self):
        """HU per grey level is width / 256; grey levels per HU its inverse."""
        window = Window(40, 400)
        assert window.hu_per_grey_level == 400 / 256
        assert Window(-80, 40).grey_levels_per_hu == 256 / 40
