"""The seed article's claim, tested: "a naive JPEG keeps only the default window".

An 8-bit export with the default -160..240 window baked in keeps grey levels
for the HU inside that window only; whatever it clipped (all fat below -160,
all bone above 240) is one grey for good, and no later window brings it back.
"""

import numpy as np

import ctlab


def test_naive_jpeg_keeps_only_the_default_window():
    """After a naive JPEG, HU below -160 and above 240 are indistinguishable; inside, they are not."""
    hu = ctlab.data.abdomen().hu
    jpeg = ctlab.conversion.jpeg_roundtrip(ctlab.conversion.naive_grey(hu, method="default_window"))
    default = ctlab.PRESETS["default"]
    below, above = hu <= default.low - 20, hu >= default.high + 20
    inside = (hu > default.low + 20) & (hu < default.high - 20)
    # Outside the window: one grey level, give or take JPEG ringing at edges.
    assert np.percentile(jpeg[below], 95) <= 10 and np.percentile(jpeg[above], 5) >= 235
    # So a bone window applied later sees no bone structure at all: 1000 HU and 300 HU look alike.
    bone = (hu > 300) & (hu < 2000)
    assert np.corrcoef(hu[bone], jpeg[bone].astype(float))[0, 1] < 0.2
    # Inside the window the JPEG still follows the HU closely.
    assert np.corrcoef(hu[inside], jpeg[inside].astype(float))[0, 1] > 0.95
