"""One DICOM file: read its header safely and turn its pixels into Hounsfield units.

Stage names follow the DICOM pipeline (PS3.3 C.7.6.3 Image Pixel, C.11.1
Modality LUT): stored values are decoded, their unused high bits handled,
then ``HU = slope * stored + intercept``. Known data pitfalls are corrected
here and recorded, naming the file and the tag; the loader reports each as
a :class:`~ctlab.core.errors.DataPitfallWarning`.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import struct
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames, parse_fragments
from pydicom.errors import InvalidDicomError as PydicomInvalidDicomError
from pydicom.tag import BaseTag
from pydicom.valuerep import CUSTOMIZABLE_CHARSET_VR, STANDARD_VR, VR

from ctlab.core.errors import (
    DecoderMissingError,
    InvalidDicomError,
    NoPixelDataError,
    NotHounsfieldError,
)

__all__ = [
    "HUConversion",
    "MemoryFile",
    "Source",
    "check_ct",
    "check_pixel_length",
    "functional_group_value",
    "read_header",
    "read_native_hu",
    "to_hu",
]

# Elements longer than this stay in the file until the pixels are needed, so
# a folder is parsed once and pixel bytes are read one slice at a time.
_DEFER_SIZE = 4096

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


@dataclass(frozen=True, eq=False)
class MemoryFile:
    """The bytes of one DICOM file held in memory (an upload), with a name for messages.

    Nothing is ever written to disk: the header and pixels are read straight
    from ``data``. ``str()`` gives ``name``, so every error names the upload.

    Parameters
    ----------
    name : str
        How messages name the file, e.g. the uploaded file's name.
    data : memoryview
        The file's bytes (read-only; not copied).

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> with open(get_testdata_file("CT_small.dcm"), "rb") as handle:
    ...     upload = MemoryFile("CT_small.dcm", memoryview(handle.read()))
    >>> str(upload), read_header(upload).Modality
    ('CT_small.dcm', 'CT')
    """

    name: str
    data: memoryview

    def __str__(self) -> str:
        return self.name


#: Where a DICOM file's bytes come from: a file on disk or bytes in memory.
Source: TypeAlias = Path | MemoryFile


def read_header(path: str | os.PathLike[str] | MemoryFile, *, defer_pixels: bool = True) -> Dataset:
    """Read a DICOM file's header, refusing anything that is not DICOM.

    Parameters
    ----------
    path : path-like or MemoryFile
        The file, opened read-only and never modified; or its bytes in
        memory (read in place, nothing is written to disk).
    defer_pixels : bool
        Leave large values (the pixel data) in the file until first used.

    Returns
    -------
    pydicom.Dataset

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    InvalidDicomError
        If the file is empty, truncated inside its header, or not DICOM.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> read_header(get_testdata_file("CT_small.dcm")).Modality
    'CT'
    """
    file: Source
    reader: contextlib.AbstractContextManager[io.RawIOBase]
    if isinstance(path, MemoryFile):
        file, size = path, path.data.nbytes
        if size == 0:
            raise InvalidDicomError(f"{file} is empty (0 bytes); the upload or copy failed")
        has_preamble = bytes(path.data[128:132]) == b"DICM"
        # Not closed: pydicom reads the deferred pixels from this reader later.
        reader = contextlib.nullcontext(_MemoryReader(path.data))
    else:
        file = Path(path)
        if not file.exists():
            raise FileNotFoundError(f"{file} does not exist")
        if file.is_dir():
            raise InvalidDicomError(f"{file} is a folder; pass it to ctlab.load to read a series")
        status = file.stat()
        size = status.st_size
        if size == 0:
            raise InvalidDicomError(f"{file} is empty (0 bytes); the export or copy failed")
        with file.open("rb") as handle:
            head = handle.read(_HEAD_SIZE)
        has_preamble = head[128:132] == b"DICM"
        from_head = _read_head(head, file, size, has_preamble, status.st_mtime)
        if from_head is not None:
            return from_head
        reader = _ClampedFile(file)
    try:
        # pydicom's own warnings about odd elements would only be noise here:
        # damage that matters becomes a CTLabError naming the file. The file
        # is read through a reader clamped to its size, because a damaged
        # length would otherwise make pydicom reserve gigabytes first.
        with warnings.catch_warnings(), reader as clamped:
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(
                clamped, force=not has_preamble, defer_size=_DEFER_SIZE if defer_pixels else None
            )
            _parse_header(dataset, file, size)
    except InvalidDicomError:
        if not has_preamble:
            raise InvalidDicomError(
                f"{file} is not a DICOM file (no 'DICM' marker, and it does not parse as "
                "DICOM); check that you picked the scan and not another file"
            ) from None
        raise
    except (PydicomInvalidDicomError, EOFError) as error:
        raise InvalidDicomError(f"{file} is not a DICOM file, or is truncated: {error}") from None
    except Exception as error:  # pydicom raises many types on corrupt input
        raise InvalidDicomError(
            f"{file} has a damaged DICOM header ({type(error).__name__}: {error}); "
            "re-export it from the scanner or PACS"
        ) from None
    if not has_preamble and "SOPClassUID" not in dataset and "Rows" not in dataset:
        raise InvalidDicomError(
            f"{file} is not a DICOM file (no 'DICM' marker and no image header); "
            "check that you picked the scan and not another file"
        )
    return dataset


_PIXEL_DATA = 0x7FE00010

# How much of a file read_header reads first. A CT header is a few KiB (the
# phantom's 1.2 KiB, 1.4 to 6.2 KiB in the CT files pydicom ships), so this
# holds all of it in one read, with only the start of the pixels.
_HEAD_SIZE = 64 * 1024


def _read_head(
    head: bytes, file: Path, size: int, has_preamble: bool, mtime: float
) -> Dataset | None:
    """The header of ``file`` parsed from its first bytes, or None to read it in full.

    pydicom parses bytes in memory through ``io.BytesIO`` (C code) faster
    than through ``_ClampedFile`` (a Python ``read`` per element): the 300
    headers of a 512 x 512 phantom series took 72 ms instead of 101 ms, and
    the file is opened once, not twice (for the preamble, then to parse).
    The result is used only when it must equal the whole file's parse:
    the head is the whole file, or the parse reached the deferred Pixel Data
    inside the head and that is the last element of the file, so nothing
    after the head was ever read. Anything else (a failure, a longer header,
    compressed pixels, elements after the pixels) returns None, and the
    caller parses the whole file as before, with the same checks and errors.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            dataset = pydicom.dcmread(
                io.BytesIO(head), force=not has_preamble, defer_size=_DEFER_SIZE
            )
    except Exception:  # the whole-file parse gives the error its proper message
        return None
    if len(head) < size:
        pixels = dataset.get_item(_PIXEL_DATA, keep_deferred=True)
        complete = (
            isinstance(pixels, RawDataElement)
            and pixels.value is None
            and pixels.value_tell <= len(head)
            and pixels.value_tell + pixels.length == size
        )
        if not complete:
            return None
    # Deferred values are read from the file by name, as for a parse of the file.
    dataset.filename, dataset.fileobj_type, dataset.buffer = str(file), _ClampedFile, None
    dataset.timestamp = mtime
    try:
        _parse_header(dataset, file, size)
    except Exception:
        return None
    if not has_preamble and "SOPClassUID" not in dataset and "Rows" not in dataset:
        return None
    return dataset


class _ClampedFile(io.RawIOBase):
    """A read-only file whose reads stop at its end, whatever size is asked for."""

    def __init__(self, path: str | os.PathLike[str], mode: str = "rb") -> None:
        # pydicom reopens deferred values as fileobj_type(name, "rb").
        super().__init__()
        if mode != "rb":
            raise ValueError(f"ctlab opens DICOM files read-only, not with mode {mode!r}")
        self._file = open(path, "rb")  # closed by close()
        self._size = os.fstat(self._file.fileno()).st_size
        self.name = str(path)
        # pydicom calls tell() and seek() for almost every element: hand it the
        # file's own methods rather than Python wrappers around them.
        self.tell = self._file.tell  # type: ignore[method-assign]
        self.seek = self._file.seek  # type: ignore[method-assign,assignment]

    def read(self, size: int | None = -1) -> bytes:
        remaining = self._size - self._file.tell()
        if size is None or size < 0 or size > remaining:
            size = max(0, remaining)
        return self._file.read(size)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def close(self) -> None:
        self._file.close()
        super().close()


class _MemoryReader(io.RawIOBase):
    """A read-only view of bytes in memory whose reads stop at their end.

    It has no ``name``, so pydicom keeps reading deferred values from this
    object and never looks for a file on disk.
    """

    def __init__(self, data: memoryview) -> None:
        super().__init__()
        self._data = data.cast("B") if data.format != "B" or data.ndim != 1 else data
        self._position = 0

    def read(self, size: int | None = -1) -> bytes:
        end = self._data.nbytes if size is None or size < 0 else self._position + size
        chunk = bytes(self._data[self._position : min(end, self._data.nbytes)])
        self._position += len(chunk)
        return chunk

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._data.nbytes}
        position = base[whence] + offset
        if position < 0:
            raise ValueError(f"negative seek position {position}")
        self._position = position
        return position

    def tell(self) -> int:
        return self._position


# Raw values already converted without error or warning. A series repeats
# most of its header in every file; converting each distinct value once,
# not once per slice, saves most of the header time of a series. Damaged
# bytes are new bytes, so they are still converted, and still fail, here.
# Kept only for VRs whose conversion depends on nothing but the key (tag,
# VR, byte order, bytes and pydicom's conversion settings): not sequences,
# unknown or ambiguous VRs, private tags, or text decoded by the character set.
_CONVERTED: set[tuple[Any, ...]] = set()
_CONVERTED_MAX = 1 << 14
_KEYED_BY_VALUE_ONLY = STANDARD_VR - CUSTOMIZABLE_CHARSET_VR - {VR.SQ, VR.UN}


def _conversion_settings() -> tuple[Any, ...]:
    """The pydicom settings value conversion depends on, as they are now."""
    config = pydicom.config
    return (
        config.settings.reading_validation_mode,
        config.use_DS_decimal,
        config.use_DS_numpy,
        config.use_IS_numpy,
        config.datetime_conversion,
        config.convert_wrong_length_to_UN,
        config.use_none_as_empty_text_VR_value,
    )


def _conversion_key(tag: BaseTag, raw: Any, settings: tuple[Any, ...]) -> tuple[Any, ...] | None:
    """What converting a raw element depends on, or None if not only that."""
    if not isinstance(raw, RawDataElement) or raw.value is None or tag.is_private:
        return None
    try:  # implicit VR: the dictionary's VR, which depends on the tag alone
        vr = raw.VR if raw.VR is not None else dictionary_VR(tag)
    except KeyError:
        return None
    if vr not in _KEYED_BY_VALUE_ONLY:
        return None
    return (tag, raw.VR, raw.is_implicit_VR, raw.is_little_endian, raw.value, settings)


def _parse_header(dataset: Dataset, file: Source, file_size: int) -> None:
    """Parse every element but the pixels now, so damage surfaces here, not later.

    A value claiming more bytes than the whole file is refused before it is
    read: reading it would reserve that much memory first. Values converted
    before (in another file of the series) without error or warning are left
    for pydicom to convert when used, which then cannot fail or warn: see
    ``_CONVERTED``.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _parse_elements(dataset, file, file_size, caught, _conversion_settings())


def _parse_elements(
    dataset: Dataset,
    file: Source,
    file_size: int,
    caught: list[warnings.WarningMessage],
    settings: tuple[Any, ...],
) -> None:
    for tag in list(dataset.keys()):
        raw = dataset.get_item(tag, keep_deferred=True)
        length = getattr(raw, "length", 0) or 0
        if length != 0xFFFFFFFF and length > file_size:
            raise InvalidDicomError(
                f"{file}: element ({tag >> 16:04X},{tag & 0xFFFF:04X}) declares {length:,} "
                f"bytes but the whole file has {file_size:,}; the file is damaged"
            )
        if tag == _PIXEL_DATA:
            continue  # stays deferred in the file until the slice is read
        key = _conversion_key(tag, raw, settings)
        if key is not None and key in _CONVERTED:
            continue
        warned = len(caught)
        element = dataset[tag]
        if element.VR == "SQ":
            for item in element.value:
                _parse_elements(item, file, file_size, caught, settings)
        elif key is not None and len(caught) == warned:
            if len(_CONVERTED) >= _CONVERTED_MAX:
                _CONVERTED.clear()
            _CONVERTED.add(key)


# No real CT compresses better than this; a header claiming more is lying
# (lossless CT manages about 3:1, lossy rarely 30:1).
_MAX_COMPRESSION = 100

# Start-of-frame markers of JPEG (baseline, extended, lossless) and JPEG-LS.
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xF7}


def _codestream_size(frame: bytes) -> tuple[int, int] | None:
    """Rows and columns a JPEG 2000 or JPEG codestream declares, None if unknown."""
    if frame[:4] == b"\xff\x4f\xff\x51" and len(frame) >= 24:  # J2K: SOC, SIZ
        width, height, left, top = struct.unpack(">IIII", frame[8:24])
        return height - top, width - left
    if frame[:2] != b"\xff\xd8":  # JPEG: SOI, then marker segments
        return None
    position = 2
    while position + 9 <= len(frame) and frame[position] == 0xFF:
        marker = frame[position + 1]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", frame[position + 5 : position + 9])
            return height, width
        (length,) = struct.unpack(">H", frame[position + 2 : position + 4])
        position += 2 + length
    return None


def check_pixel_length(dataset: Dataset, file: Source, rows: int, cols: int, frames: int) -> None:
    """Refuse pixel data that cannot hold the image its header declares.

    Checked before anything is allocated, so a header that lies about its
    size cannot make ctlab reserve memory for pixels that are not there:
    uncompressed data must be as long as Rows x Columns x frames need;
    compressed data needs a fragment per frame and a codestream of the
    declared size.
    """
    size = f"{frames} x {rows} x {cols}" if frames > 1 else f"{rows} x {cols}"
    syntax = getattr(dataset, "file_meta", Dataset()).get("TransferSyntaxUID")
    try:
        compressed = syntax is not None and bool(syntax.is_compressed)
    except (AttributeError, ValueError):  # not a transfer syntax: decoding will say so
        return
    if compressed:
        try:
            data = dataset.PixelData
            fragments, _ = parse_fragments(data)
            first = next(generate_frames(data, number_of_frames=frames))
        except Exception:  # damaged encapsulation: decoding reports it with the file name
            return
        if frames > fragments:
            raise InvalidDicomError(
                f"{file}: NumberOfFrames (0028,0008) says {frames} but the compressed pixel "
                f"data holds {fragments} fragments; the header is wrong"
            )
        declared = _codestream_size(first)
        if declared is None and frames * rows * cols * 2 > _MAX_COMPRESSION * len(data):
            raise InvalidDicomError(
                f"{file}: {size} pixels cannot come from {len(data):,} bytes of compressed "
                f"data (more than {_MAX_COMPRESSION}:1); Rows, Columns or NumberOfFrames "
                "are wrong"
            )
        if declared is not None and declared != (rows, cols):
            raise InvalidDicomError(
                f"{file}: the compressed image is {declared[0]} x {declared[1]} pixels but "
                f"Rows (0028,0010) x Columns (0028,0011) say {rows} x {cols}; the header is wrong"
            )
        return
    element = dataset.get_item(_PIXEL_DATA, keep_deferred=True)
    length = getattr(element, "length", None)
    if element is None or length is None or length == 0xFFFFFFFF:
        return
    bits = int(dataset.get("BitsAllocated", 16) or 16)
    samples = int(dataset.get("SamplesPerPixel", 1) or 1)
    needed = frames * rows * cols * samples * bits // 8
    if length < needed:
        raise InvalidDicomError(
            f"{file}: Pixel Data (7FE0,0010) holds {length:,} bytes, but {size} pixels of "
            f"{bits} bits need {needed:,}; the file is truncated or its Rows, Columns or "
            "NumberOfFrames are wrong"
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


def functional_group_value(header: Dataset, frame: int, sequence: str, keyword: str) -> Any:
    """A functional-group value of one frame: per-frame first, then shared."""
    groups = []
    per_frame = header.get("PerFrameFunctionalGroupsSequence")
    if per_frame is not None and frame < len(per_frame):
        groups.append(per_frame[frame])
    shared = header.get("SharedFunctionalGroupsSequence")
    if shared:
        groups.append(shared[0])
    for group in groups:
        items = group.get(sequence)
        if items and keyword in items[0]:
            return items[0].get(keyword)
    return None


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
    if not modality:
        conversion.corrections["missing_modality"] = (
            f"Modality (0008,0060) is missing in {file}; assuming CT"
        )
    elif modality != "CT":
        what = _OTHER_MODALITIES.get(modality, f"modality {modality}")
        raise NotHounsfieldError(
            f"{file} is {what}, not CT: only CT stores Hounsfield units, so windows in HU "
            "do not apply; open a CT scan instead"
        )
    rescale_type = str(dataset.get("RescaleType", "") or "").upper()
    if rescale_type == "US":
        conversion.corrections["rescale_type_unspecified"] = (
            f"RescaleType (0028,1054) is 'US' (unspecified) in {file}; "
            "assuming Hounsfield units because the modality is CT"
        )
    elif rescale_type not in ("", "HU"):
        raise NotHounsfieldError(
            f"RescaleType (0028,1054) is {rescale_type!r} in {file}: its values are not "
            "Hounsfield units, so HU windows do not apply"
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


def _rescale(dataset: Dataset, file: Source, conversion: HUConversion) -> None:
    slope = _number(dataset, "RescaleSlope", "(0028,1053)", file)
    intercept = _number(dataset, "RescaleIntercept", "(0028,1052)", file)
    in_groups = functional_group_value(
        dataset, 0, "PixelValueTransformationSequence", "RescaleSlope"
    )
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


def read_native_hu(
    dataset: Dataset, file: Source, conversion: HUConversion, out: npt.NDArray[Any]
) -> int | None:
    """Read the usual CT slice from disk straight into ``out`` (int16) and make it HU.

    The fast path of :func:`to_hu`, with the same result, for a file on disk
    whose Pixel Data is still deferred, a plain slice (see
    ``_native_layout``) of exactly Rows x Columns x 2 bytes, slope 1 and a
    whole intercept: its bytes go from the file into ``out`` with one
    ``readinto``, the stored values are checked against BitsStored and the
    int16 range once, and the intercept is added in place: no Python-level
    reads, no 512 KiB bytes object per slice, one minimum and maximum per
    slice instead of two. Reading the 300 slices of a 512 x 512 phantom
    series into its volume took 128 ms through pydicom's deferred read and
    ``to_hu``, 103 ms this way (both include filling the new volume's pages).

    Returns
    -------
    int or None
        The lowest HU of the slice, now in ``out``. None for anything else
        (a pixel pitfall to correct, HU that do not fit int16, a short read,
        a file changed since its header was read); ``out`` is then undefined
        and the caller uses :func:`to_hu`, which handles or reports it.
    """
    slope, intercept = conversion.slope, conversion.intercept
    if not (
        isinstance(file, Path)
        and out.dtype == np.int16
        and out.flags.c_contiguous
        and slope == 1
        and intercept.is_integer()
    ):
        return None
    layout = _native_layout(dataset)
    element = dataset.get_item(_PIXEL_DATA, keep_deferred=True)
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
        return None  # truncated since read_header: the general path reports it
    stored = out.view(dtype)
    low, high = int(stored.min()), int(stored.max())
    bits = int(dataset.BitsStored)
    if bits < 16:  # as _stored_values: values beyond BitsStored are a pitfall to correct
        signed = dtype == "<i2"
        lowest, highest = (
            (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
        )
        if low < lowest or high > highest:
            return None
    # As to_hu: the range checked on the stored values, then int16 addition,
    # which wraps modulo 2**16 and so is exact whenever the sum fits.
    shift = int(intercept)
    if low + shift < -32768 or high + shift > 32767:
        return None
    np.add(out, np.int16((shift + 2**15) % 2**16 - 2**15), out=out)
    return low + shift


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
    except Exception as error:  # corrupt pixel data surfaces as many types
        raise InvalidDicomError(
            f"{file}: its pixel data is damaged or truncated "
            f"({type(error).__name__}: {error}); re-export the scan"
        ) from None


def _stored_values(
    raw: npt.NDArray[Any], dataset: Dataset, file: Source, conversion: HUConversion
) -> npt.NDArray[Any]:
    """Apply BitsStored (0028,0101): mask or sign-extend, or undo a wraparound."""
    allocated = raw.dtype.itemsize * 8
    stored = int(dataset.get("BitsStored", allocated) or allocated)
    if not 1 <= stored < allocated or raw.size == 0:
        return raw
    signed = int(dataset.get("PixelRepresentation", 0) or 0) == 1
    if signed:
        low, high = -(1 << (stored - 1)), (1 << (stored - 1)) - 1
    else:
        low, high = 0, (1 << stored) - 1
    if raw.min() >= low and raw.max() <= high:
        return raw
    if (
        not signed
        and allocated == 16
        and conversion.intercept > -100
        and raw.view(np.int16).min() >= -1024 - 2048
    ):
        # Public challenge data: signed HU written into an "unsigned 12-bit"
        # file. -1000 is stored as 64536, far beyond 4095: read as int16.
        conversion.corrections["wraparound"] = (
            f"{file} says unsigned {stored}-bit pixels (PixelRepresentation (0028,0103) 0, "
            f"BitsStored (0028,0101) {stored}, RescaleIntercept {conversion.intercept:g}) but "
            f"holds values up to {int(raw.max())}: signed values that wrapped around; "
            "read them as signed 16-bit"
        )
        return raw.view(np.int16)
    shift = allocated - stored
    container = raw.view(f"i{raw.dtype.itemsize}") if signed else raw
    corrected = (container << shift) >> shift if signed else raw & high
    conversion.corrections["unused_high_bits"] = (
        f"{file} has values outside its BitsStored (0028,0101) = {stored} bits "
        f"(e.g. {int(raw.max())}): the unused high bits hold other data (an overlay?); "
        f"kept only the low {stored} bits"
    )
    return corrected


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


def to_hu(
    dataset: Dataset,
    file: Source,
    conversion: HUConversion,
    out: npt.NDArray[Any],
    *,
    frame: int | None = None,
) -> bool:
    """Decode one frame and write its HU into ``out`` (int16 or float32).

    Returns
    -------
    bool
        False if the HU do not fit an int16 ``out`` exactly; the caller then
        retries with a float32 one. Nothing is written in that case.
    """
    raw = _stored_values(_decode(dataset, file, frame), dataset, file, conversion)
    if raw.shape != out.shape:
        raise InvalidDicomError(
            f"{file}: its pixel data has shape {raw.shape}, but Rows x Columns say {out.shape}"
        )
    slope, intercept = conversion.slope, conversion.intercept
    if out.dtype == np.int16:
        if not (slope.is_integer() and intercept.is_integer()):
            return False
        if slope == 1 and raw.dtype.kind in "iu" and raw.dtype.itemsize <= 2 and raw.size:
            # The usual CT file: check the range on the stored values, then
            # add in int16, which wraps modulo 2**16 and so is exact whenever
            # the sum fits: one pass and no int32 copy.
            shift = int(intercept)
            if int(raw.min()) + shift < -32768 or int(raw.max()) + shift > 32767:
                return False
            stored = raw.view(np.int16) if raw.dtype.itemsize == 2 else raw.astype(np.int16)
            np.add(stored, np.int16((shift + 2**15) % 2**16 - 2**15), out=out)
            return True
        hu = raw.astype(np.int32) if slope == 1 else raw.astype(np.int64) * int(slope)
        hu += int(intercept)
        if hu.size and (hu.min() < -32768 or hu.max() > 32767):
            return False
        out[...] = hu
    else:
        out[...] = raw.astype(np.float64) * slope + intercept
    return True
