"""One DICOM file's header, read safely, from disk or from memory.

A damaged file must end in a clear error, never in a huge allocation or a
hang: reads are clamped to the file's size, every element but the pixels is
parsed (and so checked) when the header is read, and the length of the Pixel
Data is checked against Rows, Columns and NumberOfFrames before any pixel is
decoded. :mod:`ctlab.io.pixels` turns the pixels into HU.
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeAlias

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataelem import RawDataElement
from pydicom.dataset import Dataset
from pydicom.encaps import generate_frames, parse_fragments
from pydicom.errors import InvalidDicomError as PydicomInvalidDicomError
from pydicom.tag import BaseTag
from pydicom.uid import DeflatedExplicitVRLittleEndian
from pydicom.valuerep import CUSTOMIZABLE_CHARSET_VR, STANDARD_VR, VR

from ctlab.core.errors import (
    InvalidDicomError,
)

__all__ = [
    "PIXEL_DATA_TAG",
    "MemoryFile",
    "Source",
    "check_pixel_length",
    "has_ct_evidence",
    "is_dicomdir",
    "raise_unreadable",
    "read_header",
]

# Elements longer than this stay in the file until the pixels are needed, so
# a folder is parsed once and pixel bytes are read one slice at a time.
_DEFER_SIZE = 4096


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
        _check_start(file, bytes(path.data[:4]), has_preamble)
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
        try:
            with file.open("rb") as handle:
                head = handle.read(max(_HEAD_SIZE, 132))  # at least the preamble and marker
        except OSError as error:
            raise_unreadable(file, error)
        has_preamble = head[128:132] == b"DICM"
        _check_start(file, head[:4], has_preamble)
        if DeflatedExplicitVRLittleEndian.encode() in head[:_HEAD_SIZE]:
            # The dataset is one deflated stream: a deferred value cannot be
            # read back from its offset in the file, so inflate it all now.
            defer_pixels = False
        else:
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


def raise_unreadable(file: Source, error: OSError) -> NoReturn:
    """Raise the error for a file the operating system will not let ctlab read."""
    reason = error.strerror or type(error).__name__
    raise InvalidDicomError(
        f"cannot read {file}: {reason}; check that you may read it (its permissions, "
        "or whether another program holds it)"
    ) from error


# Groups a DICOM file without its 128-byte preamble and 'DICM' marker can
# start with: the File Meta Information (0002), a DICOMDIR's (0004), or the
# identifying group (0008) that holds the SOP Class UID every image has.
_FIRST_GROUPS = (0x0002, 0x0004, 0x0008)


def _check_start(file: Source, start: bytes, has_preamble: bool) -> None:
    """Refuse at once a file whose first bytes cannot begin DICOM.

    Without this, pydicom's forced read parses any bytes as elements: a
    large file of zeros is refused only after millions of empty elements,
    and holds up a whole folder.
    """
    if has_preamble:
        return
    groups = (int.from_bytes(start[:2], "little"), int.from_bytes(start[:2], "big"))
    if len(start) < 4 or not any(group in _FIRST_GROUPS for group in groups):
        raise InvalidDicomError(
            f"{file} is not a DICOM file: it has no 'DICM' marker and its first bytes "
            f"({start.hex(' ') or 'none'}) do not start a DICOM header; check that you "
            "picked the scan and not another file"
        )


#: The tag of Pixel Data (7FE0,0010), as pydicom keys it.
PIXEL_DATA_TAG = 0x7FE00010

# How much of a file read_header reads first. A CT header is a few KiB (the
# phantom's 1.2 KiB, 1.4 to 6.2 KiB in the CT files pydicom ships), so this
# holds all of it in one read, with only the start of the pixels.
_HEAD_SIZE = 64 * 1024


def _read_head(
    head: bytes, file: Path, size: int, has_preamble: bool, mtime: float
) -> Dataset | None:
    """The header of ``file`` parsed from its first bytes, or None to read it in full.

    pydicom parses bytes in memory through ``io.BytesIO`` (C code) faster
    than through ``_ClampedFile`` (a Python ``read`` per element), and the
    file is opened once, not twice (for the preamble, then to parse).
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
        pixels = dataset.get_item(PIXEL_DATA_TAG, keep_deferred=True)
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
    if _meta_uid(dataset, _TRANSFER_SYNTAX) == DeflatedExplicitVRLittleEndian:
        # Lengths count the inflated bytes, which deflate holds at most
        # _MAX_DEFLATE_RATIO times smaller.
        file_size *= _MAX_DEFLATE_RATIO
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _parse_elements(dataset, file, file_size, caught, _conversion_settings())


# The most deflate (RFC 1951) can compress: 258 bytes per 2-bit code, about 1032:1.
_MAX_DEFLATE_RATIO = 1032


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
        if tag == PIXEL_DATA_TAG:
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
    element = dataset.get_item(PIXEL_DATA_TAG, keep_deferred=True)
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


#: SOP Class of a DICOMDIR, the index of a set of DICOM files (PS3.10 7.2).
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"


def is_dicomdir(header: Dataset) -> bool:
    """Whether ``header`` is a DICOMDIR: an index of other files, no image itself."""
    return (
        _DIRECTORY_RECORD_SEQUENCE in header
        or _meta_uid(header, _MEDIA_STORAGE_SOP_CLASS) == MEDIA_STORAGE_DIRECTORY
    )


def text_values(dataset: Dataset, tag: int) -> list[str]:
    """The values of a short text element (CS, LO), without converting it if still raw.

    Reading the raw bytes skips pydicom's conversion, which for a check run
    on every file of a series costs more than the check.
    """
    element = dataset.get_item(tag)
    value = None if element is None else element.value
    if value is None or value == "":
        return []
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    parts = value.split("\\") if isinstance(value, str) else [str(v) for v in value]
    return [part.strip(" \0") for part in parts]


def _meta_uid(header: Dataset, tag: int) -> str:
    """A UID of the File Meta Information, from its raw bytes if it is still raw.

    read_header parses the data set's elements (and so checks them), not the
    file meta's: reading the raw bytes cannot fail or warn on a damaged one,
    and costs no conversion for every file of a series.
    """
    meta = getattr(header, "file_meta", None)
    element = None if meta is None else meta.get_item(tag)
    value = None if element is None else element.value
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    return str(value or "").rstrip("\0 ")


# File Meta Information tags: Media Storage SOP Class UID, Transfer Syntax UID;
# and a DICOMDIR's Directory Record Sequence.
_MEDIA_STORAGE_SOP_CLASS = 0x00020002
_TRANSFER_SYNTAX = 0x00020010
_DIRECTORY_RECORD_SEQUENCE = 0x00041220


# SOP Classes of CT images: CT, Enhanced CT, Legacy Converted Enhanced CT.
_CT_SOP_CLASSES = {
    "1.2.840.10008.5.1.4.1.1.2",
    "1.2.840.10008.5.1.4.1.1.2.1",
    "1.2.840.10008.5.1.4.1.1.2.2",
}
# Attributes only a CT image (or its rescale to HU) carries.
_CT_ATTRIBUTES = (
    "RescaleIntercept",
    "RescaleSlope",
    "KVP",
    "ConvolutionKernel",
    "CTDIvol",
    "XRayTubeCurrent",
    "DataCollectionDiameter",
    "SharedFunctionalGroupsSequence",
)


def has_ct_evidence(header: Dataset) -> bool:
    """Whether a header without Modality (0008,0060) still shows a CT image.

    A CT SOP Class, or an attribute only CT images carry (a rescale to HU,
    kVp, a reconstruction kernel...). A Secondary Capture (a screenshot)
    has none of these.
    """
    sop_class = header.get("SOPClassUID") or _meta_uid(header, _MEDIA_STORAGE_SOP_CLASS)
    return str(sop_class or "") in _CT_SOP_CLASSES or any(
        keyword in header for keyword in _CT_ATTRIBUTES
    )
