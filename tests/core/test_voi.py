"""Tests for ctlab.core.voi: the DICOM VOI LUT functions, exactly."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from ctlab import PRESETS, Window, apply_window, multiwindow
from ctlab.core.errors import InvalidImageError, InvalidWindowError
from ctlab.core.voi import apply_window_float, grey_lut

DEFAULT = Window(center=40, width=400)
INTEGER_TYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64]
ALL_TYPES = [*INTEGER_TYPES, np.float32, np.float64]


def pydicom_grey(hu, window, function):
    """The oracle: pydicom's apply_windowing with an 8-bit unsigned output range (0..255)."""
    from pydicom import Dataset
    from pydicom.pixels import apply_windowing

    header = Dataset()
    header.PhotometricInterpretation = "MONOCHROME2"
    header.BitsStored = 8
    header.PixelRepresentation = 0
    header.WindowCenter = window.center
    header.WindowWidth = window.width
    header.VOILUTFunction = function.upper()
    with np.errstate(over="ignore"):
        return apply_windowing(np.asarray(hu, dtype=np.float64), header)


class TestLinear:
    @pytest.mark.parametrize(
        ("hu", "grey"),
        [(-1000, 0), (-160, 0), (-159, 1), (40, 128), (238, 254), (239, 255), (240, 255)],
    )
    def test_boundaries_by_hand(self, hu, grey):
        """W400 L40: x <= -160 is black, x > 239 is white, the ramp between (PS3.3 C.11.2.1.2.1)."""
        assert apply_window(np.array([hu], dtype=np.int16), DEFAULT)[0] == grey

    def test_width_one_is_a_step(self):
        """Width 1 thresholds at c - 0.5."""
        hu = np.array([-1, 0, 1], dtype=np.int16)
        assert apply_window(hu, Window(0, 1)).tolist() == [0, 255, 255]
        assert apply_window(hu.astype(float) - 0.5, Window(0, 1)).tolist() == [0, 0, 255]

    def test_centre_of_fat_window_is_131(self):
        """The -0.5 and -1 put a narrow window's centre above mid-grey: (0.5/39 + 0.5) * 255."""
        assert apply_window(np.array([-80]), "fat")[0] == 131


class TestLinearExact:
    @pytest.mark.parametrize(
        ("hu", "grey"), [(-161, 0), (-160, 0), (-159, 1), (40, 128), (239, 254), (240, 255)]
    )
    def test_boundaries_by_hand(self, hu, grey):
        """W400 L40 linear_exact maps -160, 40, 240 to 0, 128, 255 (127.5 rounds up)."""
        hu_array = np.array([hu], dtype=np.int16)
        assert apply_window(hu_array, DEFAULT, function="linear_exact")[0] == grey


class TestSigmoid:
    @pytest.mark.parametrize(("hu", "grey"), [(-160, 30), (40, 128), (240, 225), (-32768, 0)])
    def test_values_by_hand(self, hu, grey):
        """255 / (1 + exp(-4 (x - c) / w)): e.g. 255 / (1 + e^-2) = 224.6 at c + w/2."""
        hu_array = np.array([hu], dtype=np.int16)
        assert apply_window(hu_array, DEFAULT, function="sigmoid")[0] == grey

    def test_no_overflow_warning(self):
        """Far below the centre exp overflows to inf quietly, giving black."""
        with np.errstate(all="raise"):
            assert apply_window(np.array([-3.0e4]), Window(0, 1), function="sigmoid")[0] == 0


class TestAgainstPydicom:
    @pytest.mark.parametrize("function", ["linear", "linear_exact", "sigmoid"])
    @pytest.mark.parametrize("window", [DEFAULT, PRESETS["fat"], PRESETS["lung"], Window(0.5, 1)])
    def test_every_hu_within_one_grey_level(self, function, window):
        """Every HU from -2000 to 3000 is pydicom's apply_windowing value, rounded."""
        hu = np.arange(-2000, 3001, dtype=np.int16)
        ours = apply_window(hu, window, function=function).astype(int)
        theirs = pydicom_grey(hu, window, function)
        assert np.abs(ours - theirs).max() <= 0.5 + 1e-9


class TestApplyWindow:
    @pytest.mark.parametrize("dtype", ALL_TYPES)
    def test_dtypes_agree(self, dtype):
        """Every input type gives the grey levels of the float64 computation."""
        info = np.iinfo(dtype) if np.dtype(dtype).kind in "iu" else None
        low, high = (max(info.min, -2000), min(info.max, 3000)) if info else (-2000, 3000)
        hu = np.arange(low, high + 1).astype(dtype)
        expected = apply_window(hu.astype(np.float64), DEFAULT)
        result = apply_window(hu, DEFAULT)
        assert result.dtype == np.uint8 and result.shape == hu.shape
        np.testing.assert_array_equal(result, expected)

    def test_lut_equals_float_path_over_whole_int16_range(self):
        """The lookup table gives the float computation's answer for all 65536 values."""
        hu = np.arange(-32768, 32768, dtype=np.int16)
        for function in ("linear", "linear_exact", "sigmoid"):
            np.testing.assert_array_equal(
                apply_window(hu, PRESETS["brain"], function=function),
                apply_window(hu.astype(np.float32), PRESETS["brain"], function=function),
            )

    def test_input_not_modified_and_new_array_returned(self):
        """The input is left alone and the output never shares its memory."""
        hu = np.array([[-1000, 0], [40, 1000]], dtype=np.int16)
        before = hu.copy()
        grey = apply_window(hu, DEFAULT)
        np.testing.assert_array_equal(hu, before)
        assert not np.shares_memory(grey, hu)

    def test_shapes_preserved_and_volume(self):
        """A 3-D volume keeps its shape; slices match windowing each slice."""
        rng = np.random.default_rng(0)
        volume = rng.integers(-1024, 3000, size=(3, 5, 7)).astype(np.int16)
        grey = apply_window(volume, DEFAULT)
        assert grey.shape == volume.shape
        np.testing.assert_array_equal(grey[1], apply_window(volume[1], DEFAULT))

    def test_non_contiguous_and_big_endian(self):
        """Strided views and big-endian data window like their native copies."""
        rng = np.random.default_rng(1)
        hu = rng.integers(-1024, 3000, size=(8, 8)).astype(np.int16)
        np.testing.assert_array_equal(
            apply_window(hu[:, ::2], DEFAULT), apply_window(hu, DEFAULT)[:, ::2]
        )
        np.testing.assert_array_equal(
            apply_window(hu.astype(">i2"), DEFAULT), apply_window(hu, DEFAULT)
        )

    def test_float_path_spans_several_blocks(self):
        """A float volume larger than one block is windowed whole."""
        hu = np.linspace(-1000, 1000, 200_003, dtype=np.float32)
        grey = apply_window(hu, DEFAULT)
        assert grey[0] == 0 and grey[-1] == 255 and np.all(np.diff(grey.astype(int)) >= 0)

    def test_nan_is_black(self):
        """NaN has no grey level and is drawn black."""
        assert apply_window(np.array([np.nan, 40.0]), DEFAULT).tolist() == [0, 128]

    def test_constant_image(self):
        """A constant image windows to a constant."""
        grey = apply_window(np.full((4, 4), 40, dtype=np.int16), DEFAULT)
        assert np.unique(grey).tolist() == [128]

    def test_preset_name_and_window_function_default(self):
        """A preset name works, and a window's own function is used unless overridden."""
        hu = np.array([240], dtype=np.int16)
        sigmoid = Window(40, 400, function="sigmoid")
        assert apply_window(hu, sigmoid)[0] == 225
        assert apply_window(hu, sigmoid, function="linear")[0] == 255
        assert apply_window(hu, "default")[0] == 255

    @pytest.mark.parametrize("bad", [np.array(["a"]), np.array([1 + 2j]), np.array([True])])
    def test_non_numeric_refused(self, bad):
        """Strings, complex numbers and booleans are not HU."""
        with pytest.raises(InvalidImageError, match="hu must be an array of real numbers"):
            apply_window(bad, DEFAULT)

    def test_unknown_function_refused(self):
        """A misspelt function names the valid ones."""
        with pytest.raises(
            InvalidWindowError, match="function must be one of linear, linear_exact"
        ):
            apply_window(np.zeros(2), DEFAULT, function="liner")  # type: ignore[arg-type]


hu_arrays = hnp.arrays(np.int16, st.integers(1, 64), elements=st.integers(-32768, 32767))
windows = st.builds(
    Window,
    center=st.floats(-2000, 3000),
    width=st.floats(1, 5000),
    function=st.sampled_from(["linear", "linear_exact", "sigmoid"]),
)


class TestProperties:
    @settings(max_examples=200, deadline=None)
    @given(hu_arrays, windows)
    def test_monotone_and_bounded(self, hu, window):
        """Higher HU never get a darker grey; the output is uint8."""
        order = np.argsort(hu, kind="stable")
        grey = apply_window(hu, window)[order].astype(int)
        assert np.all(np.diff(grey) >= 0)

    @settings(max_examples=200, deadline=None)
    @given(hu_arrays, windows)
    def test_invert_is_255_minus(self, hu, window):
        """invert=True is exactly 255 minus the plain grey level."""
        np.testing.assert_array_equal(
            apply_window(hu, window, invert=True), 255 - apply_window(hu, window)
        )

    @settings(max_examples=100, deadline=None)
    @given(hu_arrays, windows)
    def test_linear_clips_outside_window(self, hu, window):
        """Linear windows draw HU at or below the lower threshold black, above the upper white."""
        linear = Window(window.center, window.width)
        grey = apply_window(hu, linear)
        below = hu <= linear.center - 0.5 - (linear.width - 1) / 2
        above = hu > linear.center - 0.5 + (linear.width - 1) / 2
        assert np.all(grey[below] == 0) and np.all(grey[above] == 255)


class TestGreyLut:
    def test_indexed_by_bit_pattern(self):
        """Entry v & 0xFFFF holds the grey of int16 v."""
        lut = grey_lut(DEFAULT)
        assert lut.shape == (65536,) and lut.dtype == np.uint8
        assert [int(lut[v & 0xFFFF]) for v in (-160, 40, 239)] == [0, 128, 255]

    def test_read_only_and_cached(self):
        """The table is shared and cannot be written."""
        lut = grey_lut("default")
        assert lut is grey_lut(PRESETS["default"])
        with pytest.raises(ValueError):
            lut[0] = 1

    def test_other_dtype_refused(self):
        """Only 8- and 16-bit integers have tables."""
        with pytest.raises(InvalidWindowError, match="int8, uint8, int16 or uint16"):
            grey_lut(DEFAULT, dtype=np.float32)


class TestMultiwindow:
    def test_channels_are_single_windows(self):
        """Channel k is apply_window with window k."""
        rng = np.random.default_rng(2)
        hu = rng.integers(-1024, 2000, size=(6, 5)).astype(np.int16)
        rgb = multiwindow(hu, ["brain", "subdural", "bone"])
        assert rgb.shape == (6, 5, 3) and rgb.dtype == np.uint8
        for channel, name in enumerate(["brain", "subdural", "bone"]):
            np.testing.assert_array_equal(rgb[..., channel], apply_window(hu, name))

    @pytest.mark.parametrize("bad", [[], "brain", Window(40, 80)])
    def test_needs_a_sequence(self, bad):
        """An empty list, or a single window, is refused."""
        with pytest.raises(InvalidWindowError, match="non-empty sequence|is empty"):
            multiwindow(np.zeros((2, 2)), bad)


class TestApplyWindowFloat:
    def test_hand_checked(self):
        """A 40/400 linear_exact window maps -160, 40, 140, 240 HU to 0, 0.5, 0.75, 1."""
        hu = np.array([-160, 40, 140, 240], dtype=np.int16)
        out = apply_window_float(hu, Window(40, 400), function="linear_exact")
        assert out.dtype == np.float32
        np.testing.assert_array_equal(out, [0.0, 0.5, 0.75, 1.0])

    @pytest.mark.parametrize("function", ["linear", "linear_exact", "sigmoid"])
    @pytest.mark.parametrize("dtype", [np.int16, np.float32])
    def test_rounds_to_apply_window(self, function, dtype):
        """255 y is within half a grey level of apply_window, for every VOI function."""
        hu = np.random.default_rng(4).integers(-1024, 2000, size=(40, 30)).astype(dtype)
        grey = apply_window(hu, "subdural", function=function).astype(np.float64)
        y = apply_window_float(hu, "subdural", function=function).astype(np.float64)
        assert np.abs(255 * y - grey).max() <= 0.5 + 1e-4
        assert y.min() >= 0 and y.max() <= 1

    def test_invert_and_nan(self):
        """invert gives 1 - y; NaN stays NaN (not drawn black as in 8 bits)."""
        hu = np.array([-1000.0, 40.0, np.nan])
        y = apply_window_float(hu, "brain")
        np.testing.assert_allclose(apply_window_float(hu[:2], "brain", invert=True), 1 - y[:2])
        assert np.isnan(y[2])
