"""Tests for ctlab.core.conversion (naive 8-bit conversions) and the metrics of what they lose."""

import numpy as np
import pytest

import ctlab
from ctlab import PRESETS, Window, apply_window
from ctlab.core.conversion import (
    NAIVE_METHODS,
    framework_settings,
    grey_to_hu,
    naive_grey,
    naive_window,
)
from ctlab.core.errors import InvalidImageError, InvalidWindowError
from ctlab.core.metrics import (
    clipped_fractions,
    contrast,
    contrast_to_noise,
    dice,
    hu_per_grey_level,
    levels_used,
    texture,
)

HU = np.array([-1000, -80, 0, 500, 1000], dtype=np.int16)


class TestNaiveWindow:
    def test_minmax_spans_the_image(self):
        """Min-max is the linear_exact window from the smallest to the largest value."""
        window = naive_window(HU, method="minmax")
        assert (window.low, window.high, window.function) == (-1000.0, 1000.0, "linear_exact")

    def test_clip_negative_starts_at_zero(self):
        """The forum recipe is the window 0 .. max."""
        window = naive_window(HU, method="clip_negative")
        assert (window.low, window.high) == (0.0, 1000.0)

    def test_default_window_is_the_preset(self):
        """The fixed window is -160..240 whatever the image."""
        assert naive_window(HU, method="default_window") == PRESETS["default"]

    def test_header_window_is_passed_through(self):
        """The header's window (or a preset name) is used as it is, function included."""
        header = Window(40, 100, function="sigmoid")
        assert naive_window(HU, method="header_window", window=header) is header
        assert naive_window(HU, method="header_window", window="brain") == PRESETS["brain"]

    def test_float_ignores_nan(self):
        """NaN does not decide the min-max range."""
        window = naive_window(np.array([np.nan, -10.0, 30.0]), method="minmax")
        assert (window.low, window.high) == (-10.0, 30.0)

    def test_header_window_missing(self):
        """No header window: the message says to pass it or fall back to minmax."""
        with pytest.raises(InvalidWindowError, match="default_window.*method='minmax'"):
            naive_window(HU, method="header_window")

    def test_unknown_method(self):
        """An unknown method names the known ones."""
        with pytest.raises(InvalidWindowError, match="method must be one of header_window"):
            naive_window(HU, method="percentile")

    def test_constant_image(self):
        """A constant image cannot be min-max scaled."""
        with pytest.raises(InvalidImageError, match="constant .*-80 HU.*divides by zero"):
            naive_window(np.full((3, 3), -80, np.int16), method="minmax")

    def test_all_negative_for_clip_negative(self):
        """Fat and air only: the recipe divides by a zero maximum."""
        with pytest.raises(InvalidImageError, match="at or below 0 HU"):
            naive_window(np.array([-1000, -80], np.int16), method="clip_negative")

    @pytest.mark.parametrize(
        ("bad", "message"),
        [
            (np.array([], np.int16), "empty"),
            (np.array(["a", "b"]), "real numbers"),
            (np.array([np.nan, np.nan]), "no finite value"),
        ],
    )
    def test_bad_hu(self, bad, message):
        """Empty, non-numeric and all-NaN arrays are refused with a reason."""
        with pytest.raises(InvalidImageError, match=message):
            naive_window(bad, method="minmax")


class TestNaiveGrey:
    def test_minmax_by_hand(self):
        """-1000..1000 onto 0..255: -80 -> 117.3 -> 117, 0 -> 127.5 -> 128, 500 -> 191.25 -> 191."""
        assert naive_grey(HU, method="minmax").tolist() == [0, 117, 128, 191, 255]

    def test_clip_negative_blackens_fat(self):
        """Air, fat and water all become 0; 500 of a 1000 maximum is 127.5 -> 128."""
        assert naive_grey(HU, method="clip_negative").tolist() == [0, 0, 0, 128, 255]

    def test_default_window_matches_apply_window(self):
        """The fixed window is exactly apply_window with the default preset."""
        np.testing.assert_array_equal(
            naive_grey(HU, method="default_window"), apply_window(HU, "default")
        )

    @pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.float64])
    def test_dtypes_agree(self, dtype):
        """Integer and floating-point HU give the same grey levels."""
        for method in ("minmax", "clip_negative", "default_window"):
            assert (
                naive_grey(HU.astype(dtype), method=method).tolist()
                == naive_grey(HU, method=method).tolist()
            )

    def test_shape_dtype_and_input_untouched(self):
        """The result is a new uint8 array of the input's shape."""
        hu = HU.reshape(5, 1).copy()
        grey = naive_grey(hu, method="minmax")
        assert grey.shape == (5, 1) and grey.dtype == np.uint8
        np.testing.assert_array_equal(hu, HU.reshape(5, 1))

    def test_every_method_runs(self):
        """Each listed method converts a small image (the header one given a window)."""
        for method in NAIVE_METHODS:
            grey = naive_grey(HU, method=method, window="fat")
            assert grey.dtype == np.uint8


class TestGreyToHu:
    def test_linear_exact_by_hand(self):
        """0, 255 are the window's edges; 51 is a fifth of the way."""
        window = Window(40, 400, function="linear_exact")
        result = grey_to_hu(np.array([0, 51, 255], np.uint8), window)
        np.testing.assert_allclose(result, [-160.0, -80.0, 240.0])

    def test_linear_by_hand(self):
        """DICOM linear: 0 and 255 are the centres of the first and last HU bin."""
        result = grey_to_hu(np.array([0, 255], np.uint8), Window(40, 400))
        np.testing.assert_allclose(result, [40 - 0.5 - 199.5, 40 - 0.5 + 199.5])

    def test_round_trip_within_a_step(self):
        """Inside the window, HU come back within half a grey step."""
        window = Window(-80, 40, function="linear_exact")
        hu = np.arange(-100, -59, dtype=np.int16)
        back = grey_to_hu(apply_window(hu, window), window)
        assert np.abs(back - hu).max() <= 0.5 * 40 / 255 + 1e-9

    def test_clipped_come_back_at_the_edge(self):
        """Bone drawn white in the default window comes back as 240 HU, not 1000."""
        window = Window(40, 400, function="linear_exact")
        assert grey_to_hu(apply_window(np.array([1000], np.int16), window), window)[0] == 240.0

    def test_sigmoid_refused(self):
        """A sigmoid window has no finite HU for black and white."""
        with pytest.raises(InvalidWindowError, match="sigmoid"):
            grey_to_hu(np.zeros(2, np.uint8), Window(40, 400, function="sigmoid"))

    def test_non_uint8_refused(self):
        """HU passed by mistake are refused."""
        with pytest.raises(InvalidImageError, match="uint8"):
            grey_to_hu(np.zeros(2, np.int16), "default")


class TestLevelsUsed:
    def test_by_hand(self):
        """Three distinct values in all; two inside the mask."""
        grey = np.array([0, 0, 7, 255], np.uint8)
        assert levels_used(grey) == 3
        assert levels_used(grey, mask=np.array([False, True, True, False])) == 2

    def test_all_levels(self):
        """An image holding every value uses 256 levels."""
        assert levels_used(np.arange(256, dtype=np.uint8)) == 256

    def test_empty_mask(self):
        """An empty mask uses no level."""
        assert levels_used(np.zeros(3, np.uint8), mask=np.zeros(3, bool)) == 0

    def test_fat_in_the_default_window(self):
        """Every integer of the fat band in -160..240 fills the 27 levels grey_levels promises."""
        fat = np.arange(-100, -59, dtype=np.int16)
        assert levels_used(apply_window(fat, "default")) == 27

    def test_mask_checks(self):
        """A mask must be bool and of the image's shape."""
        with pytest.raises(InvalidImageError, match="mask must be an array of bool"):
            levels_used(np.zeros(3, np.uint8), mask=np.array([0, 1, 1]))
        with pytest.raises(InvalidImageError, match=r"mask shape \(2,\) differs"):
            levels_used(np.zeros(3, np.uint8), mask=np.ones(2, bool))


class TestHuPerGreyLevel:
    def test_merged_into_one(self):
        """A 41-value band drawn one shade: 41 HU per level."""
        hu = np.arange(-100, -59, dtype=np.int16)
        assert hu_per_grey_level(hu, np.zeros(41, np.uint8)) == 41.0

    def test_fine_window_merges_nothing(self):
        """The fat window gives each of -100..-61 HU its own grey level (-60 is white, as -61)."""
        hu = np.arange(-100, -60, dtype=np.int16)
        assert hu_per_grey_level(hu, apply_window(hu, "fat")) == 1.0
        edge = np.arange(-100, -59, dtype=np.int16)
        assert hu_per_grey_level(edge, apply_window(edge, "fat")) == 41 / 40

    def test_wide_band_tends_to_width_over_255(self):
        """A band much wider than a step: about width / 255 HU per level."""
        hu = np.arange(-1000, 1001, dtype=np.int16)
        window = Window(0, 2000, function="linear_exact")
        assert hu_per_grey_level(hu, apply_window(hu, window)) == pytest.approx(2001 / 256)

    def test_float_rounded_and_nan_left_out(self):
        """Float HU are counted as whole HU; NaN is ignored."""
        hu = np.array([1.2, 0.9, 2.0, np.nan])
        assert hu_per_grey_level(hu, np.array([5, 5, 6, 0], np.uint8)) == 1.0

    def test_refusals(self):
        """Shape mismatch and an empty mask are errors."""
        with pytest.raises(InvalidImageError, match="differs from grey shape"):
            hu_per_grey_level(np.zeros(3), np.zeros(2, np.uint8))
        with pytest.raises(InvalidImageError, match="selects no pixel"):
            hu_per_grey_level(np.zeros(2), np.zeros(2, np.uint8), mask=np.zeros(2, bool))


class TestSaturatedFractions:
    def test_by_hand(self):
        """Half black, a quarter white."""
        assert clipped_fractions(np.array([0, 0, 100, 255], np.uint8)) == (0.5, 0.25)

    def test_masked_and_empty(self):
        """Only masked pixels count; none counted gives zeros."""
        grey = np.array([0, 0, 100, 255], np.uint8)
        assert clipped_fractions(grey, mask=np.array([0, 1, 1, 1], bool)) == (1 / 3, 1 / 3)
        assert clipped_fractions(grey, mask=np.zeros(4, bool)) == (0.0, 0.0)

    def test_forum_recipe_blackens_all_fat(self):
        """Every fat pixel is black after clipping negatives to zero."""
        hu = np.array([-90, -70, -80, 40, 400], np.int16)
        grey = naive_grey(hu, method="clip_negative")
        assert clipped_fractions(grey, mask=hu < 0) == (1.0, 0.0)


class TestContrast:
    def test_by_hand(self):
        """Means 210 and 15 differ by 195."""
        grey = np.array([10, 20, 200, 220], np.uint8)
        assert contrast(grey, grey > 100, grey < 100) == 195.0

    def test_sign(self):
        """Swapping the regions flips the sign."""
        values = np.array([1.0, 3.0])
        assert contrast(values, values < 2, values > 2) == -2.0

    def test_empty_region(self):
        """An empty region has no mean."""
        with pytest.raises(InvalidImageError, match="mask_b selects no pixel"):
            contrast(np.zeros(2), np.ones(2, bool), np.zeros(2, bool))


class TestContrastToNoise:
    def test_by_hand(self):
        """Means 11 and 1, both with std 1: CNR 10."""
        values = np.array([0, 2, 10, 12])
        assert contrast_to_noise(values, values > 5, values < 5) == 10.0

    def test_unit_free(self):
        """Scaling the values (HU to grey) leaves the CNR unchanged."""
        rng = np.random.default_rng(0)
        values = np.concatenate([rng.normal(-80, 10, 100), rng.normal(50, 10, 100)])
        fat = np.arange(200) < 100
        assert contrast_to_noise(values, ~fat, fat) == pytest.approx(
            contrast_to_noise(values * 0.6375 + 12, ~fat, fat)
        )

    def test_constant_regions(self):
        """Equal constants: 0; different constants: infinite, signed."""
        values = np.array([5, 5, 9, 9])
        assert contrast_to_noise(np.full(4, 3), values == 5, values == 9) == 0.0
        assert contrast_to_noise(values, values == 5, values == 9) == -np.inf

    def test_clipping_destroys_it(self):
        """Fat and air both black: no contrast left between them."""
        hu = np.array([-1000, -990, -90, -70], np.int16)
        grey = naive_grey(np.append(hu, 500).astype(np.int16), method="clip_negative")[:4]
        assert contrast_to_noise(grey, hu > -500, hu < -500) == 0.0


class TestTexture:
    def test_by_hand(self):
        """Values 100 and 300: standard deviation 100."""
        mask = np.array([1, 1, 0, 0], bool)
        assert texture(np.array([100, 300, 255, 255], np.int16), mask=mask) == 100.0

    def test_clipped_bone_has_none(self):
        """Trabecular bone all above 240 HU is uniformly white in the default window."""
        bone = np.array([300, 450, 600, 700], np.int16)
        assert texture(bone) > 100
        assert texture(apply_window(bone, "default")) == 0.0

    def test_nan_left_out(self):
        """NaN does not turn the result into NaN."""
        assert texture(np.array([1.0, 3.0, np.nan])) == 1.0

    def test_empty(self):
        """An empty selection is an error."""
        with pytest.raises(InvalidImageError, match="selects no pixel"):
            texture(np.zeros(2), mask=np.zeros(2, bool))


class TestDice:
    def test_by_hand(self):
        """One shared pixel of two plus two: 2 * 1 / 4."""
        assert dice(np.array([1, 1, 0, 0], bool), np.array([0, 1, 1, 0], bool)) == 0.5

    def test_identical_and_disjoint(self):
        """Identical masks score 1, disjoint ones 0."""
        a = np.array([[True, False], [False, True]])
        assert dice(a, a) == 1.0
        assert dice(a, ~a) == 0.0

    def test_both_empty(self):
        """Two empty masks agree."""
        assert dice(np.zeros(3, bool), np.zeros(3, bool)) == 1.0

    def test_refusals(self):
        """Integer labels and mismatched shapes are refused."""
        with pytest.raises(InvalidImageError, match="a must be an array of bool"):
            dice(np.array([0, 1]), np.array([False, True]))
        with pytest.raises(InvalidImageError, match=r"b shape \(3,\) differs"):
            dice(np.zeros(2, bool), np.zeros(3, bool))


class TestFrameworkSettings:
    def test_liver(self):
        """Liver 30/150: -45..105 HU for MONAI and TorchIO, w=150, l=30 for fastai."""
        settings = framework_settings("liver")
        assert settings["monai"]["ScaleIntensityRange"] == {
            "a_min": -45.0,
            "a_max": 105.0,
            "b_min": 0.0,
            "b_max": 1.0,
            "clip": True,
        }
        assert settings["torchio"]["Clamp"] == {"out_min": -45.0, "out_max": 105.0}
        assert settings["torchio"]["RescaleIntensity"]["in_min_max"] == (-45.0, 105.0)
        assert settings["fastai"]["windowed"] == {"w": 150.0, "l": 30.0}

    def test_torchio_order(self):
        """Clamp comes before RescaleIntensity."""
        assert list(framework_settings("bone")["torchio"]) == ["Clamp", "RescaleIntensity"]

    def test_equivalent_to_linear_exact(self):
        """Following the MONAI settings by hand gives apply_window's linear_exact levels / 255."""
        window = Window(-80, 40)
        monai = framework_settings(window)["monai"]["ScaleIntensityRange"]
        hu = np.arange(-130, -30, dtype=np.int16)
        scaled = np.clip((hu - monai["a_min"]) / (monai["a_max"] - monai["a_min"]), 0, 1)
        grey = apply_window(hu, window, function="linear_exact")
        assert np.abs(scaled * 255 - grey).max() <= 0.5

    def test_unknown_preset(self):
        """An unknown preset name is an InvalidWindowError."""
        with pytest.raises(InvalidWindowError, match="no preset named 'livr'"):
            framework_settings("livr")


class TestUnwindowedBaselines:
    def test_scaled_hu_keeps_every_hu(self):
        """Scaled HU are float32 in 0..1, clipped at the ends, one value per whole HU."""
        hu = np.arange(-1024, 3072, dtype=np.int16)
        scaled = ctlab.conversion.scaled_hu(hu)
        assert scaled.dtype == np.float32 and scaled.min() == 0 and scaled.max() == 1
        assert len(np.unique(scaled)) == hu.size
        assert ctlab.conversion.scaled_hu(np.array([-3024, 5000])).tolist() == [0.0, 1.0]

    def test_equalisation_bins_like_fastai(self):
        """Bins at the 0.1st percentile, the middles of equal shares and the 99.9th percentile."""
        values = np.arange(10000)
        bins = ctlab.conversion.equalisation_bins(values, n_bins=10)
        assert bins[0] == 10 and bins[-1] == 9990
        np.testing.assert_array_equal(bins[1:-1], np.arange(500, 10000, 1000))

    def test_equalised_hu_spreads_common_values(self):
        """Equalised values are evenly spread over 0..1 for the data the bins came from."""
        rng = np.random.default_rng(3)
        hu = np.concatenate([rng.normal(-100, 10, 5000), rng.normal(60, 10, 5000)])
        equalised = ctlab.conversion.equalised_hu(hu, ctlab.conversion.equalisation_bins(hu))
        assert equalised.dtype == np.float32
        counts, _ = np.histogram(equalised, bins=10, range=(0, 1))
        assert counts.min() > 0.8 * counts.max()
