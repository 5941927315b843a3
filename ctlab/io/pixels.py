"""One DICOM file's pixels in Hounsfield units.

Stage names follow the DICOM pipeline (PS3.3 C.7.6.3 Image Pixel, C.11.1
Modality LUT): stored values are decoded, their unused high bits handled,
then ``HU = slope * stored + intercept``. Known data pitfalls are corrected
here and recorded, naming the file and the tag; the loader reports each as
a :class:`~ctlab.core.errors.DataPitfallWarning`. Headers come from
:mod:`ctlab.io.header`.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset

from ctlab.core.errors import (
    DecoderMissingError,
    InvalidDicomError,
    NoPixelDataError,
    NotHounsfieldError,
)
from ctlab.io.frames import frame_header
from ctlab.io.header import (
    PIXEL_DATA_TAG,
    Source,
    has_ct_evidence,
    is_dicomdir,
    raise_unreadable,
    text_values,
)

__all__ = [
    "HUConversion",
    "HUWritten",
    "check_ct",
    "check_frame",
    "check_rescale_size",
    "write_hu",
]

# Modalities whose images are not Hounsfield units, for the error message.
_OTHER_MODALITIES = {
    "MR": "magnetic resonance (signal intensity in arbitrary units)",
    "PT": "PET (activity concentration, e.g. Bq/ml or SUV)",
    "NM": "nuclear medicine (counts)",
    "US": "ultrasound (echo intensity)",
    "CR": "computed radiography (detector values)",
    "DX": "digital radiography (detector values)",
    "MG": "mammography (detector values)",
    "XA": "X-ray angiography (detector values)",
    "RF": "fluoroscopy (detector values)",
    "OT": "an 'other' image (no defined units)",
    "SC": "a secondary capture (a screenshot, no units)",
}

# Decoder plugins to suggest, by the first digits of the Transfer Syntax UID.
_DECODER_HINTS = (
    ("1.2.840.10008.1.2.4.9", "pylibjpeg pylibjpeg-openjpeg"),  # JPEG 2000
    ("1.2.840.10008.1.2.4.20", "pylibjpeg pylibjpeg-openjpeg"),  # HTJ2K
    ("1.2.840.10008.1.2.4.8", "pylibjpeg pylibjpeg-libjpeg"),  # JPEG-LS
    ("1.2.840.10008.1.2.4.", "pylibjpeg pylibjpeg-libjpeg"),  # JPEG
)


@dataclass
class HUConversion:
    """What turning one file's stored values into HU involved.

    ``corrections`` maps a pitfall's name to the message describing it for
    this file; the loader turns them into one warning per pitfall.
    """

    slope: float
    intercept: float
    corrections: dict[str, str] = field(default_factory=dict)
    padding_hu: tuple[float, float] | None = None


def _number(dataset: Dataset, keyword: str, tag: str, file: Source) -> float | None:
    value = dataset.get(keyword)
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidDicomError(
            f"{keyword} {tag} is {value!r} in {file}, not a number; the header is damaged"
        ) from None
    if not math.isfinite(number):
        raise InvalidDicomError(f"{keyword} {tag} is {value!r} in {file}; it must be finite")
    return number


def _check_modality(dataset: Dataset, file: Source, conversion: HUConversion) -> None:
    modality = str(dataset.get("Modality", "") or "").upper()
    if not modality and not has_ct_evidence(dataset):
        raise NotHounsfieldError(
            f"{file} has no Modality (0008,0060) and nothing that marks a CT image (no CT "
            "SOP Class, no rescale to HU, no kVp or kernel): it is not CT (a secondary "
            "capture, i.e. a screenshot?), so it holds no HU; open the CT slices instead"
        )
    if not modality:
        conversion.corrections["missing_modality"] = (
            f"Modality (0008,0060) is missing in {file}; assuming CT because its header "
            "shows a CT image"
        )
    elif modality != "CT":
        what = _OTHER_MODALITIES.get(modality, f"modality {modality}")
        raise NotHounsfieldError(
            f"{file} is {what}, not CT: only CT stores Hounsfield units, so windows in HU "
            "do not apply; open a CT scan instead"
        )
    mappings = (
        dataset[_REAL_WORLD_VALUE_MAPPING].value if _REAL_WORLD_VALUE_MAPPING in dataset else None
    )
    _check_meaning(
        str(file),
        conversion,
        rescale_type="".join(text_values(dataset, _RESCALE_TYPE)),
        units=mappings[0].get("MeasurementUnitsCodeSequence") if mappings else None,
        image_type=text_values(dataset, _IMAGE_TYPE),
        presentation="".join(text_values(dataset, _PIXEL_PRESENTATION)),
    )
    bits = dataset.get("BitsAllocated")
    if bits not in (8, 16, 32):
        raise InvalidDicomError(
            f"BitsAllocated (0028,0100) is {bits!r} in {file}; CT pixels are stored in "
            "8, 16 or 32 bits (usually 16): the header is damaged"
        )
    if int(dataset.get("SamplesPerPixel", 1) or 1) != 1:
        raise NotHounsfieldError(
            f"{file} is a colour image (SamplesPerPixel (0028,0002) is "
            f"{dataset.SamplesPerPixel}), e.g. a screenshot: it holds no HU; "
            "export the original CT slices instead"
        )


# Tags read on every file: Rescale Type, Real World Value Mapping Sequence,
# Image Type, Pixel Presentation.
_RESCALE_TYPE = 0x00281054
_REAL_WORLD_VALUE_MAPPING = 0x00409096
_IMAGE_TYPE = 0x00080008
_PIXEL_PRESENTATION = 0x00089205

# Units of a Real World Value Mapping (0040,9096) that are Hounsfield units:
# the UCUM code (PS3.16 CID 7180) and the plain abbreviation.
_HU_UNITS = {"[hnsf'U]", "HU"}
# Image flavours and derived pixel contrasts (values 3 and 4 of Frame Type
# (0008,9007) or Image Type (0008,0008), PS3.3 C.8.16.1): pixels computed
# from other images whose values are not the HU of a tissue (a difference,
# a ratio, a perfusion map).
_NOT_HU_CONTRASTS = {
    "DIVISION",
    "MULTIPLICATION",
    "PERFUSION",
    "QUANTITY",
    "STD_DEVIATION",
    "SUBTRACTION",
}


def _check_meaning(
    where: str,
    conversion: HUConversion,
    *,
    rescale_type: Any,
    units: Any,
    image_type: Any,
    presentation: Any,
) -> None:
    """Check what an image's values mean, from top-level tags or one frame's functional groups.

    The same checks for both: a Rescale Type, Real World Value Mapping units,
    a derived contrast or a colour Pixel Presentation say the same thing
    whether they sit at the top level or in a frame's groups (PS3.3 C.7.6.16).
    """
    rescale_type = str(rescale_type or "").upper()
    if rescale_type == "US":
        conversion.corrections["rescale_type_unspecified"] = (
            f"RescaleType (0028,1054) is 'US' (unspecified) in {where}; "
            "assuming Hounsfield units because the modality is CT"
        )
    elif rescale_type not in ("", "HU"):
        raise NotHounsfieldError(
            f"RescaleType (0028,1054) is {rescale_type!r} in {where}: its values are not "
            "Hounsfield units, so HU windows do not apply"
        )
    code = units[0] if units else None
    unit = "" if code is None else str(code.get("CodeValue", "") or "")
    if code is not None and unit and unit not in _HU_UNITS:
        meaning = str(code.get("CodeMeaning", "") or "") or unit
        raise NotHounsfieldError(
            f"the Real World Value Mapping (0040,9096) of {where} gives its values in "
            f"{meaning} ({unit}), not Hounsfield units: it is a map computed from CT (e.g. "
            "perfusion), so HU windows do not apply; open the CT images themselves"
        )
    values = [str(v).upper() for v in _values(image_type)]
    contrast = next((v for v in values[2:] if v in _NOT_HU_CONTRASTS), None)
    if values[:1] == ["DERIVED"] and contrast is not None:
        joined = "\\".join(values)
        conversion.corrections["derived_contrast"] = (
            f"{where} is a DERIVED image of {contrast} (Image/Frame Type {joined}): its "
            "values were computed from other images and are not the HU of a tissue, so the "
            "HU of the tissue bands and presets do not apply to it"
        )
    presentation = str(presentation or "").upper()
    if presentation in ("COLOR", "MIXED"):
        conversion.corrections["color_presentation"] = (
            f"PixelPresentation (0008,9205) is {presentation} in {where}: the scanner meant "
            "it to be shown through a colour palette (a map?); ctlab shows its values in "
            "grey, in HU"
        )
    elif presentation == "TRUE_COLOR":
        raise NotHounsfieldError(
            f"PixelPresentation (0008,9205) is TRUE_COLOR in {where}: a colour image holds "
            "no HU; export the original CT images instead"
        )


def _values(value: Any) -> list[Any]:
    """A multi-valued element as a list (one value, or none, as a list too)."""
    if value is None or value == "":
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [value]
    return list(value)


def check_frame(dataset: Dataset, file: Source, frame: int, conversion: HUConversion) -> None:
    """Check one frame's functional groups as ``check_ct`` checks the top-level tags.

    Per-frame values first, then shared (PS3.3 C.7.6.16): Rescale Type in
    the Pixel Value Transformation, Real World Value Mapping units, and
    Frame Type and Pixel Presentation in the CT Image Frame Type.
    """
    said = frame_header(dataset, frame)
    _check_meaning(
        f"frame {frame + 1} of {file}",
        conversion,
        rescale_type=said["RescaleType"],
        units=said["MeasurementUnitsCodeSequence"],
        image_type=said["FrameType"],
        presentation=said["PixelPresentation"],
    )


def _rescale(dataset: Dataset, file: Source, conversion: HUConversion) -> None:
    slope = _number(dataset, "RescaleSlope", "(0028,1053)", file)
    intercept = _number(dataset, "RescaleIntercept", "(0028,1052)", file)
    in_groups = frame_header(dataset, 0)["RescaleSlope"]
    if slope is None and intercept is None and in_groups is None:
        conversion.corrections["missing_rescale"] = (
            f"RescaleSlope (0028,1053) and RescaleIntercept (0028,1052) are missing in {file}; "
            "assuming slope 1 and intercept 0 (stored values are HU). Check that air reads "
            "about -1000"
        )
    if slope == 0:
        raise InvalidDicomError(
            f"RescaleSlope (0028,1053) is 0 in {file}: every pixel would be the same HU; "
            "the header is damaged, re-export the scan"
        )
    conversion.slope = 1.0 if slope is None else slope
    conversion.intercept = 0.0 if intercept is None else intercept
    check_rescale_size(conversion, str(file))


# Far beyond any CT rescale (slopes near 1, intercepts down to -32768), and
# small enough that slope * stored + intercept stays exact in int64 and
# finite in float32: a RescaleSlope of 1e19 would overflow int64, an
# intercept of 1e40 float32.
_MAX_RESCALE = {"RescaleSlope": 1e4, "RescaleIntercept": 1e6}


def check_rescale_size(conversion: HUConversion, where: str) -> None:
    """Refuse a rescale no CT has, before it overflows the HU arithmetic."""
    tags = {"RescaleSlope": "(0028,1053)", "RescaleIntercept": "(0028,1052)"}
    for keyword, value in (
        ("RescaleSlope", conversion.slope),
        ("RescaleIntercept", conversion.intercept),
    ):
        if abs(value) > _MAX_RESCALE[keyword]:
            raise InvalidDicomError(
                f"{keyword} {tags[keyword]} is {value:g} in {where}, far beyond any CT "
                f"rescale (at most {_MAX_RESCALE[keyword]:g} in size): the HU would be "
                "meaningless or overflow; the header is damaged, re-export the scan"
            )


# Uncompressed little-endian transfer syntaxes: Implicit and Explicit VR.
_NATIVE_SYNTAXES = ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1")


def _native_layout(dataset: Dataset) -> tuple[int, int, str] | None:
    """Rows, columns and numpy dtype of the usual CT slice, None if it is less plain.

    The usual slice: one frame, uncompressed, 16-bit little-endian, one
    sample per pixel, on a little-endian machine.
    """
    syntax = getattr(dataset, "file_meta", Dataset()).get("TransferSyntaxUID")
    try:
        plain = (
            sys.byteorder == "little"
            and syntax in _NATIVE_SYNTAXES
            and dataset.get("BitsAllocated") == 16
            and 1 <= int(dataset.BitsStored) <= 16
            and int(dataset.get("SamplesPerPixel", 1)) == 1
            and int(dataset.get("NumberOfFrames", 1) or 1) == 1
            and dataset.get("PixelRepresentation") in (0, 1)
        )
        rows, cols = int(dataset.Rows), int(dataset.Columns)
    except Exception:  # damaged or unreadable: pydicom's decoder reports it
        return None
    if not plain or rows < 1 or cols < 1:
        return None
    return rows, cols, "<i2" if dataset.PixelRepresentation == 1 else "<u2"


def _native_pixels(dataset: Dataset) -> npt.NDArray[Any] | None:
    """The usual CT slice, uncompressed 16-bit little-endian, as a view of its bytes.

    pydicom's decoder gives the same array but validates and copies it,
    which costs more than reading the file. Anything
    less plain than one 16-bit frame of exactly the declared length returns
    None and goes through pydicom, with all its checks.
    """
    layout = _native_layout(dataset)
    if layout is None:
        return None
    rows, cols, dtype = layout
    try:
        data = dataset.PixelData
    except Exception:  # damaged or unreadable: pydicom's decoder reports it
        return None
    if not isinstance(data, bytes) or len(data) != rows * cols * 2:
        return None
    return np.frombuffer(data, dtype=dtype).reshape(rows, cols)


def _read_stored(dataset: Dataset, file: Source, out: npt.NDArray[Any]) -> npt.NDArray[Any] | None:
    """The usual slice's stored values, read from disk straight into ``out``'s memory.

    For a file on disk whose Pixel Data is still deferred, a plain slice (see
    ``_native_layout``) of exactly the bytes of an int16 ``out`` of Rows x
    Columns: one ``readinto``, no Python-level reads and no 512 KiB bytes
    object per slice, so faster than pydicom's deferred read. Returns ``out`` viewed
    as the stored type, or None for anything else (then pydicom decodes it,
    with all its checks), including a short read or a file changed since its
    header was read.
    """
    if not (isinstance(file, Path) and out.dtype == np.int16 and out.flags.c_contiguous):
        return None
    layout = _native_layout(dataset)
    element = dataset.get_item(PIXEL_DATA_TAG, keep_deferred=True)
    if layout is None or not isinstance(element, RawDataElement) or element.value is not None:
        return None
    rows, cols, dtype = layout
    if out.shape != (rows, cols) or element.length != out.nbytes:
        return None
    buffer = memoryview(out).cast("B")
    filled = 0
    try:
        with open(file, "rb", buffering=0) as handle:
            timestamp = getattr(dataset, "timestamp", None)
            if timestamp is not None and os.fstat(handle.fileno()).st_mtime != timestamp:
                return None  # changed since read_header: pydicom's deferred read warns
            handle.seek(element.value_tell)
            while filled < out.nbytes and (count := handle.readinto(buffer[filled:])):
                filled += count
    except OSError:
        return None
    if filled != out.nbytes:
        return None  # truncated since read_header: pydicom reports it
    return out.view(dtype)


def _decode(dataset: Dataset, file: Source, frame: int | None = None) -> npt.NDArray[Any]:
    native = _native_pixels(dataset) if frame is None else None
    if native is not None:
        return native
    from pydicom.pixels import pixel_array

    try:
        # Unused high bits are handled by _stored_values, which knows the
        # pitfalls; pydicom's warnings about odd values would only be noise.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return pixel_array(dataset, index=frame, correct_unused_bits=False)
    except (RuntimeError, NotImplementedError) as error:
        text = str(error)
        if "missing" in text and "dependencies" in text:
            syntax = dataset.file_meta.get("TransferSyntaxUID", "")
            hint = next(
                (pkg for prefix, pkg in _DECODER_HINTS if str(syntax).startswith(prefix)),
                "pylibjpeg pylibjpeg-libjpeg pylibjpeg-openjpeg",
            )
            name = getattr(syntax, "name", str(syntax))
            raise DecoderMissingError(
                f"{file} is compressed as {name} and no installed decoder can read it: "
                f"pip install {hint}"
            ) from None
        raise InvalidDicomError(f"{file}: its pixel data cannot be decoded: {text}") from None
    except OSError as error:  # the file became unreadable since its header was read
        raise_unreadable(file, error)
    except Exception as error:  # corrupt pixel data surfaces as many types
        raise InvalidDicomError(
            f"{file}: its pixel data is damaged or truncated "
            f"({type(error).__name__}: {error}); re-export the scan"
        ) from None


# HU a CT image can hold: scanners clip at -1024 and +3071 (12 bits), and
# write padding outside the scanned field down to about -3072 (-3024, -2048...).
_PLAUSIBLE_HU = (-4096.0, 3071.0)


def _hu_range(low: int, high: int, conversion: HUConversion) -> tuple[float, float]:
    """The HU of stored values ``low`` and ``high``, in increasing order."""
    ends = sorted(conversion.slope * v + conversion.intercept for v in (low, high))
    return ends[0], ends[1]


def _plausible(hu_range: tuple[float, float]) -> bool:
    return _PLAUSIBLE_HU[0] <= hu_range[0] and hu_range[1] <= _PLAUSIBLE_HU[1]


def _other_signedness(
    raw: npt.NDArray[Any], low: int, high: int, signed: bool, stored: int, conversion: HUConversion
) -> npt.NDArray[Any] | None:
    """16-bit values read with the other PixelRepresentation, if only that makes them CT.

    ``low`` and ``high`` are the least and greatest of ``raw``. The evidence
    is in the values: read as declared, some HU lie far outside what a CT
    holds, and read the other way every HU is plausible (the "bimodal wrap"
    of signed air stored as 64536 beside tissue near 0, or unsigned tissue
    near 32768 read as -32728). Values beyond the signed range of BitsStored
    that fit its unsigned range exactly, nothing above it set, are unsigned
    too: an overlay in the high bits would set some. None when the declared
    reading stands.
    """
    if signed:
        if 0 <= low and (1 << (stored - 1)) <= high < (1 << stored) < (1 << 16):
            return _unsigned_not_sign_extended(raw, low, high, stored, conversion)
        if low >= 0 or _hu_range(low, high, conversion)[0] >= _PLAUSIBLE_HU[0]:
            return None
        other = raw.view(np.uint16)
    else:
        if high < 1 << 15:
            return None
        other = raw.view(np.int16)
    if _plausible(_hu_range(int(other.min()), int(other.max()), conversion)) and not _plausible(
        _hu_range(low, high, conversion)
    ):
        return other
    return None


def _unsigned_not_sign_extended(
    raw: npt.NDArray[Any], low: int, high: int, stored: int, conversion: HUConversion
) -> npt.NDArray[Any] | None:
    """Values of a "signed" file that fit BitsStored unsigned, if they are unsigned.

    Signed values may be stored without sign extension (the high bits
    zero), so fitting the unsigned range is not enough. Read as signed, an
    unsigned image's upper half (bone, stored from 2048 in 12 bits) turns
    into many different HU below -1024; a signed image has below -1024 HU
    only its padding, one value. Unsigned only when the unsigned HU are
    plausible and the signed reading shows that spread.
    """
    if not _plausible(_hu_range(low, high, conversion)):
        return None
    shift = 16 - stored
    extended = (raw.view(np.int16) << shift) >> shift
    below_air = extended[extended * conversion.slope + conversion.intercept < -1024]
    return raw.view(np.uint16) if np.unique(below_air).size > 1 else None


def _stored_values(
    raw: npt.NDArray[Any], dataset: Dataset, file: Source, conversion: HUConversion
) -> tuple[npt.NDArray[Any], int, int]:
    """Apply BitsStored (0028,0101) and PixelRepresentation (0028,0103).

    Mask or sign-extend to BitsStored, or read the values with the other
    signedness when the values show that the header has it wrong. Returns
    the values with their least and greatest (0 and -1 when there are none),
    which ``write_hu`` needs too: one pass over the slice for both.
    """
    if raw.size == 0:
        return raw, 0, -1
    low, high = int(raw.min()), int(raw.max())
    allocated = raw.dtype.itemsize * 8
    stored = int(dataset.get("BitsStored", allocated) or allocated)
    if not 1 <= stored <= allocated or raw.dtype.kind not in "iu":
        return raw, low, high
    signed = int(dataset.get("PixelRepresentation", 0) or 0) == 1
    other = None
    if allocated == 16:
        other = _other_signedness(raw, low, high, signed, stored, conversion)
    if other is not None:
        declared, actual = ("signed", "unsigned") if signed else ("unsigned", "signed")
        as_declared = _hu_range(low, high, conversion)
        as_read = _hu_range(int(other.min()), int(other.max()), conversion)
        conversion.corrections["pixel_representation"] = (
            f"{file} says {declared} pixels (PixelRepresentation (0028,0103) "
            f"{int(signed)}, BitsStored (0028,0101) {stored}), but its values are {actual}: "
            f"read as {declared} they would give {as_declared[0]:g} to {as_declared[1]:g} HU, "
            f"far outside the -1024 to 3071 HU of CT; read as {actual} 16-bit values they give "
            f"{as_read[0]:g} to {as_read[1]:g} HU. ctlab read them as {actual}; the header is "
            "wrong, so correct PixelRepresentation if you re-export the scan"
        )
        return other, int(other.min()), int(other.max())
    if signed:
        fits = -(1 << (stored - 1)) <= low and high <= (1 << (stored - 1)) - 1
    else:
        fits = 0 <= low and high <= (1 << stored) - 1
    if fits or stored == allocated:
        return raw, low, high
    shift = allocated - stored
    container = raw.view(f"i{raw.dtype.itemsize}") if signed else raw
    corrected = (container << shift) >> shift if signed else raw & ((1 << stored) - 1)
    conversion.corrections["unused_high_bits"] = (
        f"{file} has values outside its BitsStored (0028,0101) = {stored} bits "
        f"(e.g. {high}) that neither signedness explains: the unused high bits hold other "
        f"data (an overlay, or BitsStored is wrong); kept only the low {stored} bits"
    )
    return corrected, int(corrected.min()), int(corrected.max())


def _padding(dataset: Dataset, file: Source, conversion: HUConversion) -> None:
    value = _number(dataset, "PixelPaddingValue", "(0028,0120)", file)
    if value is None:
        return
    limit = _number(dataset, "PixelPaddingRangeLimit", "(0028,0121)", file)
    ends = sorted(
        conversion.slope * v + conversion.intercept
        for v in (value, value if limit is None else limit)
    )
    conversion.padding_hu = (ends[0], ends[1])


def check_ct(dataset: Dataset, file: Source) -> HUConversion:
    """Check a header is a CT slice with HU and read its rescale and padding.

    Raises
    ------
    NoPixelDataError
        For a header without Pixel Data: cut short, or not an image at all.
    NotHounsfieldError
        For other modalities, a Rescale Type other than HU, colour images.
    InvalidDicomError
        For a zero or non-numeric rescale.
    """
    # First: a file cut short in its header parses cleanly up to the cut, and
    # would otherwise be blamed on whichever image attribute it lost.
    if is_dicomdir(dataset):
        raise NoPixelDataError(
            f"{file} is a DICOMDIR: an index of the DICOM files of a folder, with no image "
            "of its own; load the folder it sits in (or the CT files themselves)"
        )
    if "PixelData" not in dataset:
        raise NoPixelDataError(
            f"{file} has no image: Pixel Data (7FE0,0010) is missing. A CT file cut short "
            "ends this way (copy or export it again); other objects have no pixels at all "
            "(a report, a dose sheet or a structure set?)"
        )
    conversion = HUConversion(1.0, 0.0)
    _check_modality(dataset, file, conversion)
    _rescale(dataset, file, conversion)
    _padding(dataset, file, conversion)
    if str(dataset.get("PhotometricInterpretation", "")).upper() == "MONOCHROME1":
        conversion.corrections["monochrome1"] = (
            f"PhotometricInterpretation (0028,0004) is MONOCHROME1 in {file}: the scanner "
            "meant low values to look white. HU do not depend on it, and ctlab shows "
            "bone white as usual; pass invert=True to see it the scanner's way"
        )
    return conversion


@dataclass(frozen=True)
class HUWritten:
    """What :func:`write_hu` did with its ``out`` array."""

    #: False when the HU do not fit an int16 ``out`` exactly: retry with a float32 one.
    fits_int16: bool
    #: The lowest HU written (NaN when nothing was, ``fits_int16`` being False).
    lowest: float


_NEEDS_FLOAT = HUWritten(fits_int16=False, lowest=math.nan)


def write_hu(
    dataset: Dataset,
    file: Source,
    conversion: HUConversion,
    out: npt.NDArray[Any],
    *,
    frame: int | None = None,
) -> HUWritten:
    """Decode one frame and write its HU into ``out`` (int16 or float32).

    Returns
    -------
    HUWritten
        The lowest HU written, or ``fits_int16=False`` when the HU do not
        fit an int16 ``out`` exactly: the caller then retries with a float32
        one, and what ``out`` holds is undefined (the stored values, when
        they were read straight into it).
    """
    stored_in_out = _read_stored(dataset, file, out) if frame is None else None
    decoded = _decode(dataset, file, frame) if stored_in_out is None else stored_in_out
    if not decoded.dtype.isnative:
        # Explicit VR Big Endian: pydicom gives '>i2'; the int16 arithmetic
        # below views the values as native integers, so swap the bytes first.
        decoded = decoded.astype(decoded.dtype.newbyteorder("="))
    raw, low_stored, high_stored = _stored_values(decoded, dataset, file, conversion)
    if raw.shape != out.shape:
        raise InvalidDicomError(
            f"{file}: its pixel data has shape {raw.shape}, but Rows x Columns say {out.shape}"
        )
    slope, intercept = conversion.slope, conversion.intercept
    if out.dtype == np.int16:
        if not (slope.is_integer() and intercept.is_integer()):
            return _NEEDS_FLOAT
        if slope == 1 and raw.dtype.kind in "iu" and raw.dtype.itemsize <= 2 and raw.size:
            # The usual CT file: check the range on the stored values, then
            # add in int16, which wraps modulo 2**16 and so is exact whenever
            # the sum fits: one pass and no int32 copy (in place, when the
            # stored values were read into out).
            shift = int(intercept)
            low = low_stored + shift
            if low < -32768 or high_stored + shift > 32767:
                return _NEEDS_FLOAT
            stored = raw.view(np.int16) if raw.dtype.itemsize == 2 else raw.astype(np.int16)
            np.add(stored, np.int16((shift + 2**15) % 2**16 - 2**15), out=out)
            return HUWritten(fits_int16=True, lowest=float(low))
        hu = raw.astype(np.int32) if slope == 1 else raw.astype(np.int64) * int(slope)
        hu += int(intercept)
        if hu.size and (hu.min() < -32768 or hu.max() > 32767):
            return _NEEDS_FLOAT
        out[...] = hu
    else:
        out[...] = raw.astype(np.float64) * slope + intercept
    return HUWritten(fits_int16=True, lowest=float(out.min()) if out.size else math.inf)
