"""Header-level fuzzing with an oracle: ctlab's HU against pydicom's, on the same bytes.

Hypothesis builds small CT files that vary the transfer syntax (implicit and
explicit VR little endian, explicit VR big endian, deflated, RLE), Pixel
Representation, Bits Allocated / Stored / High Bit (with and without bits
set above the stored ones), the rescale (down to extremes such as 1e19 and
1e40), the photometric interpretation, Pixel Padding Value, orientation and
enhanced multi-frame functional groups. pydicom decodes the same file and
``apply_modality_lut`` gives the reference (normalised as
docs/make_pydicom_table.py describes). ctlab must give the same HU or raise
a CTLabError: never another exception, never a silent difference.

The normal suite runs a few dozen cases; ``CTLAB_FUZZ_CASES=20000`` scales
this campaign with the others (see tests/fuzz/conftest.py).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pydicom
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    RLELossless,
)

from ctlab import load
from ctlab.core.errors import CTLabError, CTLabWarning
from tests.error_cases import quiet_pydicom
from tests.helpers.dicom import ct_dataset
from tests.helpers.docs import load_generator

REFERENCE = load_generator("make_pydicom_table")

SYNTAXES = {
    "implicit LE": ImplicitVRLittleEndian,
    "explicit LE": ExplicitVRLittleEndian,
    "explicit BE": ExplicitVRBigEndian,
    "deflated LE": DeflatedExplicitVRLittleEndian,
    "RLE": RLELossless,
}
SLOPES = ("1", "0.5", "2", "0.001", "1e6", "1e19", "-1", "1e-30")
INTERCEPTS = ("-1024", "0", "-1e6", "1e40", "-32768", "0.25", "-8192")
ORIENTATIONS = {
    "axial": [1, 0, 0, 0, 1, 0],
    "row -x": [-1, 0, 0, 0, 1, 0],
    "column -y": [1, 0, 0, 0, -1, 0],
}


@dataclass(frozen=True)
class Case:
    """One generated CT file's header choices and stored values."""

    syntax: str
    bits_allocated: int
    bits_stored: int
    high_bit: int
    signed: bool
    stored: np.ndarray  # (frames, rows, cols) in the stored range, as int64
    above: str  # bits above BitsStored in the container: "clear", "top bit" or "all set"
    slope: str
    intercept: str
    photometric: str
    padding: bool
    orientation: str
    enhanced: bool

    def __repr__(self) -> str:  # hypothesis prints this for a failing case
        fields = {k: v for k, v in vars(self).items() if k != "stored"}
        return f"Case({fields}, stored={self.stored.tolist()})"


@st.composite
def cases(
    draw,
    *,
    enhanced: bool | None = None,
    orientation: str | None = None,
    syntaxes: tuple[str, ...] = ("implicit LE", "explicit LE", "deflated LE", "RLE"),
    slopes: tuple[str, ...] = SLOPES,
    intercepts: tuple[str, ...] = INTERCEPTS,
) -> Case:
    bits_allocated = draw(st.sampled_from([8, 16]))
    bits_stored = draw(st.integers(bits_allocated // 2 + 1, bits_allocated))
    signed = draw(st.booleans())
    low, high = (
        (-(1 << (bits_stored - 1)), (1 << (bits_stored - 1)) - 1)
        if signed
        else (
            0,
            (1 << bits_stored) - 1,
        )
    )
    is_enhanced = draw(st.booleans()) if enhanced is None else enhanced
    frames = draw(st.integers(2, 3)) if is_enhanced else 1
    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    stored = rng.integers(low, high, (frames, rows, cols), endpoint=True)
    # The extremes of the stored range are where sign and wraparound bugs live.
    stored.flat[0] = draw(st.sampled_from([low, high, 0]))
    above = "clear"
    if bits_stored < bits_allocated:
        above = draw(st.sampled_from(["clear", "top bit", "all set"]))
    return Case(
        syntax=draw(st.sampled_from(syntaxes)),
        bits_allocated=bits_allocated,
        bits_stored=bits_stored,
        high_bit=draw(st.sampled_from([bits_stored - 1, bits_allocated - 1])),
        signed=signed,
        stored=stored,
        above=above,
        slope=draw(st.sampled_from(slopes)),
        intercept=draw(st.sampled_from(intercepts)),
        photometric=draw(st.sampled_from(["MONOCHROME2", "MONOCHROME1"])),
        padding=draw(st.booleans()),
        orientation=orientation or draw(st.sampled_from(list(ORIENTATIONS))),
        enhanced=is_enhanced,
    )


def container(case: Case) -> np.ndarray:
    """The stored values as the pixel container holds them, with the bits above as chosen.

    Bits above BitsStored are not part of the value (PS3.5 8.1.1): pydicom
    masks them off. "top bit" sets the container's highest bit, as an
    overlay would; "all set" sets every bit above, as sign extension would.
    """
    size = case.bits_allocated // 8
    bits = case.stored.astype(np.int64) & ((1 << case.bits_stored) - 1)
    if case.above == "top bit":
        bits |= 1 << (case.bits_allocated - 1)
    elif case.above == "all set":
        bits |= ((1 << case.bits_allocated) - 1) ^ ((1 << case.bits_stored) - 1)
    elif case.signed:
        bits = case.stored.astype(np.int64)  # the usual two's complement in the container
    unsigned = (bits & ((1 << case.bits_allocated) - 1)).astype(f"u{size}")
    return unsigned.view(f"{'i' if case.signed else 'u'}{size}")


def build(case: Case, path: Path) -> Path:
    """Write the case as a DICOM file."""
    pixels = container(case)
    with quiet_pydicom():
        ds = ct_dataset(
            pixels[0].astype(np.int16 if case.signed else np.uint16),
            slope=None if case.enhanced else case.slope,  # type: ignore[arg-type]
            intercept=None if case.enhanced else case.intercept,  # type: ignore[arg-type]
            position=None if case.enhanced else 0.0,
        )
        ds.BitsAllocated, ds.BitsStored, ds.HighBit = (
            case.bits_allocated,
            case.bits_stored,
            case.high_bit,
        )
        ds.PixelRepresentation = int(case.signed)
        ds.PhotometricInterpretation = case.photometric
        ds.ImageOrientationPatient = ORIENTATIONS[case.orientation]
        if case.padding:
            ds.PixelPaddingValue = int(case.stored.flat[0])
        if case.enhanced:
            ds.NumberOfFrames = len(pixels)
            del ds.ImageOrientationPatient
            shared, orientation = Dataset(), Dataset()
            orientation.ImageOrientationPatient = ORIENTATIONS[case.orientation]
            shared.PlaneOrientationSequence = Sequence([orientation])
            ds.SharedFunctionalGroupsSequence = Sequence([shared])
            per_frame = []
            for frame in range(len(pixels)):
                item, position, transform = Dataset(), Dataset(), Dataset()
                position.ImagePositionPatient = [0.0, 0.0, 2.0 * (len(pixels) - frame)]
                item.PlanePositionSequence = Sequence([position])
                transform.RescaleSlope, transform.RescaleIntercept = case.slope, case.intercept
                transform.RescaleType = "HU"
                item.PixelValueTransformationSequence = Sequence([transform])
                per_frame.append(item)
            ds.PerFrameFunctionalGroupsSequence = Sequence(per_frame)
        ds.file_meta.TransferSyntaxUID = SYNTAXES[case.syntax]
        frames = pixels if case.enhanced else pixels[0]
        if case.syntax == "RLE":
            ds.PixelData = frames.tobytes()
            ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
            ds.compress(RLELossless)
        elif case.syntax == "explicit BE":
            ds.PixelData = frames.astype(frames.dtype.newbyteorder(">")).tobytes()
        else:
            ds.PixelData = frames.tobytes()
        if len(ds.PixelData) % 2:
            ds.PixelData += b"\0"
        little = case.syntax != "explicit BE"
        implicit = case.syntax == "implicit LE"
        ds.save_as(path, enforce_file_format=True, little_endian=little, implicit_vr=implicit)
    return path


def verdict(path: Path) -> str:
    """'same HU' or 'refused'; an AssertionError describing any other outcome."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            image = load(path)
        except CTLabError:
            return "refused"
    noted = [str(w.message)[:200] for w in caught if issubclass(w.category, CTLabWarning)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = REFERENCE.reference_hu(pydicom.dcmread(path))
    ours = np.asarray(image.hu)
    if REFERENCE.same_hu(ours, reference):
        return "same HU"
    raise AssertionError(
        f"ctlab loaded {ours.dtype} {ours.shape} {ours.ravel()[:8].tolist()} but pydicom gives "
        f"{reference.shape} {reference.ravel()[:8].tolist()}; ctlab warned {noted}"
    )


def campaign(examples: int) -> settings:
    """Hypothesis settings: reproducible, no shrinking (a Case prints whole), first bug only."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=(Phase.generate,),
        report_multiple_bugs=False,
    )


def fuzz(strategy: st.SearchStrategy[Case], examples: int, folder: Path) -> dict[str, int]:
    """Run ``examples`` cases of ``strategy``; count the verdicts."""
    counts: dict[str, int] = {}

    @campaign(examples)
    @given(strategy)
    def run(case: Case) -> None:
        outcome = verdict(build(case, folder / "case.dcm"))
        counts[outcome] = counts.get(outcome, 0) + 1

    run()
    return counts


@pytest.fixture(scope="module")
def oracle_cases(fuzz_cases) -> int:
    """This campaign's share: a few dozen by default, a tenth of CTLAB_FUZZ_CASES on demand."""
    return max(40, fuzz_cases // 10)


# Rescale values a float32 cannot hold, or whose product with a stored value overflows.
EXTREME_SLOPES = ("1e19",)
EXTREME_INTERCEPTS = ("1e40",)
USUAL_SLOPES = tuple(s for s in SLOPES if s not in EXTREME_SLOPES)
USUAL_INTERCEPTS = tuple(i for i in INTERCEPTS if i not in EXTREME_INTERCEPTS)


def unambiguous(case: Case) -> bool:
    """Not unsigned data whose bits above BitsStored look like sign extension.

    Such pixels read equally well as signed data mislabelled unsigned (issue
    11, item 3): the loader may take them so, and must then say it did
    (test_sign_extension_in_unsigned_data_is_announced).
    """
    return case.signed or case.above != "all set"


def test_single_slices_agree_with_pydicom(tmp_path, oracle_cases):
    """Classic slices in every little-endian syntax: pydicom's HU or a CTLabError."""
    strategy = cases(enhanced=False, slopes=USUAL_SLOPES, intercepts=USUAL_INTERCEPTS)
    counts = fuzz(strategy.filter(unambiguous), oracle_cases, tmp_path)
    assert counts.get("same HU", 0) > 0, counts


def test_enhanced_frames_agree_with_pydicom(tmp_path, oracle_cases):
    """Enhanced multi-frame CT, rescale in the functional groups, axial: the same rule."""
    strategy = cases(
        enhanced=True, orientation="axial", slopes=USUAL_SLOPES, intercepts=USUAL_INTERCEPTS
    )
    counts = fuzz(strategy.filter(unambiguous), max(10, oracle_cases // 4), tmp_path)
    assert counts.get("same HU", 0) > 0, counts


def test_sign_extension_in_unsigned_data_is_announced(tmp_path, oracle_cases):
    """Unsigned data with every bit above BitsStored set: pydicom's HU, a CTLabError, or a
    warning naming PixelRepresentation (0028,0103) that says what ctlab did."""
    strategy = cases(enhanced=False, slopes=USUAL_SLOPES, intercepts=USUAL_INTERCEPTS).filter(
        lambda case: not unambiguous(case)
    )

    @campaign(max(10, oracle_cases // 4))
    @given(strategy)
    def run(case: Case) -> None:
        path = build(case, tmp_path / "case.dcm")
        try:
            verdict(path)
        except AssertionError as difference:
            assert "PixelRepresentation (0028,0103)" in str(difference), difference

    run()


def test_big_endian_agrees_with_pydicom(tmp_path, oracle_cases):
    """Explicit VR Big Endian, 16-bit: pydicom's HU or a CTLabError."""
    strategy = cases(
        enhanced=False,
        syntaxes=("explicit BE",),
        slopes=USUAL_SLOPES,
        intercepts=USUAL_INTERCEPTS,
    )
    fuzz(strategy.filter(unambiguous), oracle_cases, tmp_path)


def test_extreme_rescale_agrees_or_is_refused(tmp_path, oracle_cases):
    """RescaleSlope 1e19 or RescaleIntercept 1e40: pydicom's HU or a CTLabError."""
    strategy = cases(enhanced=False).filter(
        lambda case: (
            unambiguous(case)
            and (case.slope in EXTREME_SLOPES or case.intercept in EXTREME_INTERCEPTS)
        )
    )
    fuzz(strategy, oracle_cases, tmp_path)


def test_enhanced_frames_are_oriented_like_slices(tmp_path, oracle_cases):
    """Enhanced frames with the row or column cosine negative: pydicom's HU, reoriented."""
    strategy = cases(
        enhanced=True, orientation="row -x", slopes=USUAL_SLOPES, intercepts=USUAL_INTERCEPTS
    )
    fuzz(strategy.filter(unambiguous), max(10, oracle_cases // 4), tmp_path)
