"""ctlab.load: a DICOM file, a folder, a list of files or uploaded bytes in, a CTImage out."""

from __future__ import annotations

import contextlib
import copy
import gc
import math
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, TypeAlias

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset

from ctlab.core.errors import (
    CTLabError,
    DataPitfallWarning,
    InvalidDicomError,
    InvalidWindowError,
    MemoryBudgetError,
    SeriesError,
    SeriesWarning,
)
from ctlab.core.image import CTImage
from ctlab.core.window import Window
from ctlab.io.frames import frame_header
from ctlab.io.geometry import flip_axis, header_affine
from ctlab.io.header import (
    MemoryFile,
    Source,
    check_pixel_length,
    is_dicomdir,
    read_header,
)
from ctlab.io.pixels import HUConversion, check_ct, check_frame, check_rescale_size, write_hu
from ctlab.io.series import (
    Series,
    SliceFile,
    find_series,
    is_url,
    order_slices,
    slice_normal,
    slice_position,
)

__all__ = ["InMemory", "load", "load_series"]

#: DICOM data already in memory: the bytes of one file, a binary file object,
#: or one item of ``ipywidgets.FileUpload().value`` (``.name`` and ``.content``).
InMemory: TypeAlias = "bytes | bytearray | memoryview | IO[bytes] | Mapping[str, Any]"

# HU below this are outside the scanned field (scanners store -2000, -3024...):
# air itself is -1000 and scanners clip at -1024.
_LOWEST_REAL_HU = -1024
_NO_GEOMETRY = (
    "assumed (no usable Image Position / Orientation (Patient)): an axial grid centred on z"
)


def load(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | InMemory | Sequence[Any],
    *,
    name: str | None = None,
    series_uid: str | int | None = None,
    memory_limit: float | str | None = None,
) -> CTImage:
    """Load a CT slice, a series or a multi-frame file as Hounsfield units.

    Parameters
    ----------
    path : path-like, in-memory data, or a sequence of either
        A DICOM file; a folder (searched recursively; non-DICOM files, other
        modalities and non-image objects are skipped); or a list of files.
        Or DICOM data already in memory, read in place and never written to
        disk: the ``bytes`` (or ``bytearray``, ``memoryview``) of one file, a
        binary file object such as ``io.BytesIO``, an uploaded file (an item
        of ``ipywidgets.FileUpload().value``: anything with ``name`` and
        ``content``, as keys or attributes), or a list of these for a series;
        ipywidgets 7's ``FileUpload().value`` (a dict of file name to bytes
        or to ``{"content": ...}``) too. Any iterable (a generator) is read
        once, as a list. Paths and in-memory data cannot be mixed in one
        list. ctlab reads local files only: a URL is refused.
    name : str, optional
        How error messages and warnings name in-memory data that carries no
        name of its own; default "uploaded file". In a list, unnamed items
        are called ``"<name> #1"``, ``"<name> #2"``... Uploads and file
        objects with a ``name`` keep it. Only for in-memory data: a path
        names itself.
    series_uid : str or int, optional
        Which CT series to load when there are several: its Series Instance
        UID or its Series Number. Default: the series with most slices.
    memory_limit : float or str, optional
        Most bytes the HU volume may take (as int16, or float32 when the HU
        need it), as a number or a size such as ``"1GB"`` or ``"512MiB"``;
        default half the memory available now. A larger scan is refused
        before anything is allocated; pass a larger limit to load it anyway.

    Returns
    -------
    CTImage
        ``hu`` is int16 when the rescale is exact, else float32; 2-D for one
        slice, 3-D (slices, rows, cols) for a series or multi-frame file,
        slices ordered by position. ``info`` holds no patient identifiers.

    Raises
    ------
    FileNotFoundError
        If a path does not exist.
    InvalidDicomError
        Not DICOM, empty, truncated or damaged (the message names the file).
    NoPixelDataError
        A DICOM object without an image.
    NotHounsfieldError
        MR, PET, ultrasound..., or a Rescale Type other than HU.
    DecoderMissingError
        A compressed file whose decoder is not installed (says what to install).
    SeriesError
        No CT images found, a series that is not one volume, or an unknown
        ``series_uid``; paths mixed with in-memory data.
    CTLabError
        An empty path or a URL, ``name`` given with a path, an input that is neither a path nor
        in-memory DICOM data, or a ``memory_limit`` that is not a positive size.
    MemoryBudgetError
        The volume would exceed ``memory_limit`` (the message gives sizes).

    Warns
    -----
    DataPitfallWarning
        A data pitfall was corrected (missing rescale, MONOCHROME1, unsigned
        wraparound, junk in unused high bits...).
    SeriesWarning
        Other series or files were skipped, slices are missing or duplicated.

    Notes
    -----
    HU come from the Modality LUT, ``HU = RescaleSlope * stored +
    RescaleIntercept`` (PS3.3 C.11.1), per frame for enhanced multi-frame
    CT (Pixel Value Transformation, C.7.6.16.2.9). Pixels outside the
    scanned field (Pixel Padding Value, or below -1024 HU) keep their value
    but are marked by ``padding_range`` and left out of statistics.
    Input files are only ever read; in-memory data is never written anywhere.

    Examples
    --------
    >>> from pydicom.data import get_testdata_file
    >>> head = load(get_testdata_file("693_UNCR.dcm"))
    >>> head.shape, head.hu.dtype, head.default_window
    ((512, 512), dtype('int16'), Window(center=40.0, width=100.0))

    The same file as bytes in memory, e.g. from an upload:

    >>> with open(get_testdata_file("693_UNCR.dcm"), "rb") as handle:
    ...     data = handle.read()
    >>> load(data, name="head.dcm").shape
    (512, 512)
    """
    key = None if series_uid is None else str(series_uid)
    budget = _budget(memory_limit)
    path = _given(path)
    with _collector_paused():
        uploads = _in_memory(path, name)
        if uploads is not None:
            return _load_memory(uploads, key, budget)
        if name is not None:
            raise CTLabError(
                f"name={name!r} is for in-memory data (bytes or uploads); a path names itself, "
                "so leave name out"
            )
        paths = [path] if isinstance(path, (str, os.PathLike)) else list(path)
        if not paths:
            raise SeriesError("no files given to ctlab.load; pass a file, a folder or a list")
        notes: list[str] = []
        if len(paths) == 1 and Path(paths[0]).is_file():
            file = Path(paths[0])
            header = read_header(file)
            if not is_dicomdir(header):
                return _from_files([SliceFile(file, header)], [], None, [], budget)
            paths = [file.parent]
            notes.append(
                f"{file} is a DICOMDIR, an index of the DICOM files beside it, not an image; "
                f"loaded the CT series in the folder it sits in, {file.parent}"
            )
        series, series_notes = find_series(paths, series_uid=key)
        files, positions, spacing, order_notes = order_slices(series)
        return _from_files(files, positions, spacing, notes + series_notes + order_notes, budget)


def load_series(
    series: Series, *, notes: Sequence[str] = (), memory_limit: float | str | None = None
) -> CTImage:
    """Load a series whose headers were already read, as :func:`load` would load its folder.

    For a caller that found the series itself (the command line looks at a
    folder with :func:`~ctlab.io.series.find_all_series` to tell one series
    from a collection): the headers kept in ``series`` are used, so no file's
    header is read twice.

    Parameters
    ----------
    series : Series
        From :func:`~ctlab.io.series.find_all_series` or
        :func:`~ctlab.io.series.find_series`.
    notes : sequence of str
        What finding it noted (skipped files...), warned as :func:`load` warns them.
    memory_limit : float or str, optional
        As for :func:`load`.

    Returns
    -------
    CTImage
        What ``load`` returns for the folder the series was found in.

    Raises
    ------
    SeriesError, NotHounsfieldError, MemoryBudgetError, ...
        As :func:`load` does once the series is chosen.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> from ctlab.io.series import find_all_series
    >>> found, notes = find_all_series([get_path("ct")])
    >>> load_series(found[0], notes=notes).shape
    (128, 128)
    """
    budget = _budget(memory_limit)
    with _collector_paused():
        files, positions, spacing, order_notes = order_slices(series)
        return _from_files(files, positions, spacing, [*notes, *order_notes], budget)


def _given(source: Any) -> Any:
    """What ``load`` was given, checked and made concrete.

    A generator becomes a list (it can be read only once); an ipywidgets 7
    upload (a dict of file name to bytes, or to a dict with ``content``)
    becomes a list of named uploads; an empty path or a URL is refused.
    """
    if isinstance(source, Iterator) and not hasattr(source, "read"):
        source = list(source)
    paths = [source] if _is_path(source) else source if isinstance(source, list | tuple) else []
    for item in paths:
        if not _is_path(item):
            continue
        text = os.fspath(item)
        if isinstance(text, str) and not text.strip():
            raise CTLabError(
                "ctlab.load was given an empty path; pass a DICOM file, a folder, a list of "
                "files, or DICOM bytes (to load the working folder, pass '.')"
            )
        if is_url(text):
            raise CTLabError(
                f"ctlab.load reads local files and in-memory bytes only, not {text}; "
                "download the file first and load the downloaded copy"
            )
    if isinstance(source, Mapping) and "content" not in source and source:
        # ipywidgets 7: FileUpload().value is {name: {"metadata": ..., "content": bytes}}.
        return [
            {**value, "name": value.get("name", name)}
            if isinstance(value, Mapping)
            else {"name": name, "content": value}
            for name, value in source.items()
        ]
    return source


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a load runs.

    A series keeps every slice's parsed header (a hundred objects the
    collector tracks, per slice) until its volume is read, so the collector
    runs again and again over objects that are all still in use
    (bench/MEASUREMENTS.md). Nothing is kept for longer than the load: its garbage is freed by
    reference counting, and any cycles at the first collection after it.
    The collector is switched back on only if it was on, so a caller's
    ``gc.disable()`` holds.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _is_path(item: Any) -> bool:
    return isinstance(item, (str, os.PathLike))


def _memory_file(item: Any, default_name: str) -> MemoryFile | None:
    """One in-memory DICOM file, None if ``item`` is not in-memory data."""
    if isinstance(item, (bytes, bytearray, memoryview)):
        return MemoryFile(default_name, memoryview(item).toreadonly())
    if isinstance(item, Mapping) and "content" in item:
        content, item_name = item["content"], item.get("name")
    elif hasattr(item, "content") and not hasattr(item, "read"):
        content, item_name = item.content, getattr(item, "name", None)
    elif hasattr(item, "read"):
        content, item_name = item.read(), getattr(item, "name", None)
    else:
        return None
    label = item_name if isinstance(item_name, str) and item_name else default_name
    if isinstance(content, str) or not isinstance(content, (bytes, bytearray, memoryview)):
        raise InvalidDicomError(
            f"{label} holds {type(content).__name__}, not bytes; read DICOM files in "
            "binary mode ('rb')"
        )
    return MemoryFile(label, memoryview(content).toreadonly())


def _in_memory(source: Any, name: str | None) -> list[MemoryFile] | None:
    """The in-memory files of ``source``, None if it is made of paths."""
    if _is_path(source):
        return None
    default = name or "uploaded file"
    single = _memory_file(source, default)
    if single is not None:
        return [single]
    try:
        items = list(source)
    except TypeError:
        raise CTLabError(
            f"ctlab.load cannot read a {type(source).__name__}; pass a path, a folder, a "
            "list of files, or DICOM bytes (e.g. an upload's content)"
        ) from None
    if not items or all(_is_path(item) for item in items):
        return None
    files = []
    for index, item in enumerate(items):
        if _is_path(item):
            raise SeriesError(
                f"item {index + 1} of the list given to ctlab.load is a path, but others are "
                "in-memory data; load the files and the uploads separately"
            )
        file = _memory_file(item, f"{default} #{index + 1}")
        if file is None:
            raise CTLabError(
                f"item {index + 1} of the list given to ctlab.load is a "
                f"{type(item).__name__}, neither a path nor DICOM bytes"
            )
        files.append(file)
    return files


def _load_memory(uploads: list[MemoryFile], key: str | None, budget: _Budget) -> CTImage:
    if len(uploads) == 1:
        return _from_files([SliceFile(uploads[0], read_header(uploads[0]))], [], None, [], budget)
    series, notes = find_series(uploads, series_uid=key)
    files, positions, spacing, order_notes = order_slices(series)
    return _from_files(files, positions, spacing, notes + order_notes, budget)


def _from_files(
    files: list[SliceFile],
    positions: list[float],
    slice_spacing: float | None,
    notes: list[str],
    budget: _Budget,
) -> CTImage:
    first = files[0]
    conversions = [check_ct(f.header, f.path) for f in files]
    frames = _frame_count(first)
    if len(files) == 1 and frames > 1:
        hu, lowest, positions, slice_spacing, conversions = _read_frames(
            first, conversions[0], frames, budget
        )
    else:
        hu, lowest = _read_slices(files, conversions, budget)
        if len(files) == 1:
            hu = hu[0]
            position = slice_position(first.header, slice_normal(first.header))
            positions = [] if position is None else [position]

    hu, reoriented, flipped = _to_radiological(hu, first.header)
    spacing: tuple[float, ...] = _pixel_spacing(first, notes)
    if hu.ndim == 3:
        spacing = (_slice_spacing(first, slice_spacing, notes), *spacing)
    affine = header_affine(files, frames, spacing)
    if affine is not None:
        for axis in flipped:
            affine = flip_axis(affine, axis, hu.shape[axis - 3])
    padding = _padding_range(lowest, conversions)
    windows = _header_windows(first, notes)

    for note in notes:
        warnings.warn(note, SeriesWarning, stacklevel=3)
    corrections = _report_corrections(conversions)
    info: dict[str, Any] = {
        # No Series or Study Description: free text (ctlab.io.privacy.FREE_TEXT_KEYWORDS).
        "modality": "CT",
        "shape": tuple(hu.shape),
        "spacing_mm": tuple(round(s, 4) for s in spacing),
        "manufacturer": str(first.header.get("Manufacturer", "") or ""),
        "model": str(first.header.get("ManufacturerModelName", "") or ""),
        "kvp": _plain(first.header.get("KVP")),
        "convolution_kernel": _plain(first.header.get("ConvolutionKernel")),
        "slice_thickness": _plain(first.header.get("SliceThickness")),
        "transfer_syntax": _transfer_syntax(first.header),
        "photometric": str(first.header.get("PhotometricInterpretation", "") or ""),
        "rescale_slope": conversions[0].slope,
        "rescale_intercept": conversions[0].intercept,
        "padding_hu": padding,
        "n_files": len(files),
        "corrections": corrections,
        "reoriented": reoriented,
        "geometry": "from the header" if affine is not None else _NO_GEOMETRY,
    }
    return CTImage(
        hu,
        spacing=spacing,
        default_window=windows[0] if windows else None,
        windows=windows,
        info=info,
        padding_range=padding,
        slice_positions=tuple(positions),
        affine=affine,
    )


def _to_radiological(
    hu: npt.NDArray[Any], header: Dataset
) -> tuple[npt.NDArray[Any], str, list[int]]:
    """Flip an axial image so it reads like a radiology viewer shows it.

    The convention: anterior at the top, the patient's left on the image's
    right, i.e. rows run towards +y and columns towards +x of the patient
    coordinate system (PS3.3 C.7.6.2.1.1). Oblique images are left as they are.
    Also gives the grid axes flipped (1 rows, 2 columns), for the affine.
    """
    orientation = header.get("ImageOrientationPatient")
    if orientation is None:  # enhanced multi-frame: in the functional groups
        orientation = frame_header(header, 0)["ImageOrientationPatient"]
    try:
        cosines = [float(v) for v in orientation]
    except (TypeError, ValueError):
        return hu, "", []
    if len(cosines) != 6:
        return hu, "", []
    along_row, along_column = cosines[:3], cosines[3:]
    flips: list[str] = []
    axes: list[int] = []
    if abs(along_row[0]) > 0.9 and along_row[0] < 0:
        hu, flips = hu[..., ::-1], [*flips, "columns (patient's left to the right)"]
        axes.append(2)
    if abs(along_column[1]) > 0.9 and along_column[1] < 0:
        hu, flips = hu[..., ::-1, :], [*flips, "rows (anterior to the top)"]
        axes.append(1)
    if not flips:
        return hu, "", []
    return np.ascontiguousarray(hu), "flipped " + " and ".join(flips), axes


def _plain(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, (list, tuple)) or type(value).__name__ == "MultiValue":
        return "\\".join(str(v) for v in value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def _transfer_syntax(header: Dataset) -> str:
    syntax = getattr(header, "file_meta", Dataset()).get("TransferSyntaxUID")
    return "" if syntax is None else str(getattr(syntax, "name", syntax))


def _frame_count(slice_file: SliceFile) -> int:
    try:
        return max(1, int(slice_file.header.get("NumberOfFrames", 1) or 1))
    except (TypeError, ValueError):
        raise InvalidDicomError(
            f"NumberOfFrames (0028,0008) is {slice_file.header.NumberOfFrames!r} in "
            f"{slice_file.path}, not a whole number; the header is damaged"
        ) from None


def _shape(slice_file: SliceFile) -> tuple[int, int]:
    header, path = slice_file.header, slice_file.path
    try:
        rows, cols = int(header.Rows), int(header.Columns)
    except (AttributeError, TypeError, ValueError):
        raise InvalidDicomError(
            f"{path} lacks a usable Rows (0028,0010) / Columns (0028,0011)"
        ) from None
    if rows < 1 or cols < 1:
        raise InvalidDicomError(f"{path} says its image is {rows} x {cols} pixels")
    return rows, cols


@dataclass(frozen=True)
class _Budget:
    """The most bytes the HU volume may take, and whether the user chose it."""

    limit: float
    chosen: bool


# Units memory_limit may be given in, as in "512MiB" or "1 GB".
_UNITS = {
    "": 1,
    "b": 1,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
}


def _budget(memory_limit: float | str | None) -> _Budget:
    if memory_limit is not None:
        return _Budget(_memory_limit(memory_limit), chosen=True)
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return _Budget(int(line.split()[1]) * 1024 / 2, chosen=False)
    except OSError:
        pass
    try:
        return _Budget(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2, False)
    except (ValueError, OSError, AttributeError):
        return _Budget(4 * 2**30, chosen=False)


def _memory_limit(value: object) -> float:
    """``memory_limit`` in bytes: a number, or a string such as "1GB" or "512MiB"."""
    number: float | None = None
    if isinstance(value, str):
        match = re.fullmatch(r"\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-z]*)\s*", value.lower())
        if match and match.group(2) in _UNITS:
            number = float(match.group(1)) * _UNITS[match.group(2)]
    elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        number = float(value)
    if number is None or not math.isfinite(number) or number <= 0:
        raise CTLabError(
            f"memory_limit must be a positive number of bytes or a size such as '1GB' or "
            f"'512MiB', got {value!r}"
        )
    return number


def _check_budget(
    shape: tuple[int, ...], dtype: type[np.generic], budget: _Budget, where: object
) -> float:
    """The bytes a ``dtype`` volume of ``shape`` needs; MemoryBudgetError beyond the budget."""
    needed = float(np.prod(shape, dtype=np.float64)) * np.dtype(dtype).itemsize
    if needed > budget.limit:
        size = " x ".join(str(n) for n in shape)
        source = "the memory_limit you set" if budget.chosen else "half the memory available"
        raise MemoryBudgetError(
            f"{where}: {size} voxels need {needed / 2**30:.2f} GiB as {np.dtype(dtype).name}, "
            f"more than ctlab's memory limit of {budget.limit / 2**30:.2f} GiB ({source}); "
            "load fewer files, or pass a larger memory_limit (bytes, or e.g. '8GB') to "
            "ctlab.load to go beyond it"
        )
    return needed


def _allocate(
    shape: tuple[int, ...],
    budget: _Budget,
    where: object,
    dtype: type[np.generic] = np.int16,
) -> npt.NDArray[Any]:
    """The HU array, or a MemoryBudgetError before numpy runs out of memory."""
    needed = _check_budget(shape, dtype, budget, where)
    try:
        return np.empty(shape, dtype=dtype)
    except (MemoryError, ValueError):
        size = " x ".join(str(n) for n in shape)
        raise MemoryBudgetError(
            f"{where}: {size} voxels ({needed / 2**30:.2f} GiB) do not fit in memory"
        ) from None


def _hu_dtype(conversions: list[HUConversion]) -> type[np.generic]:
    """int16 when every rescale is whole numbers (HU may still need float32 later), else float32."""
    whole = all(c.slope.is_integer() and c.intercept.is_integer() for c in conversions)
    return np.int16 if whole else np.float32


def _read_slices(
    files: list[SliceFile], conversions: list[HUConversion], budget: _Budget
) -> tuple[npt.NDArray[Any], float]:
    """The HU volume of a series' slices, and its lowest HU."""
    rows, cols = _shape(files[0])
    for file in files:
        check_pixel_length(file.header, file.path, rows, cols, 1)
    # int16 unless a slice's HU do not fit it exactly; then float32 from there on.
    first = files[0].path
    where = first.parent if isinstance(first, Path) else f"the {len(files)} uploaded files"
    hu = _allocate((len(files), rows, cols), budget, where, _hu_dtype(conversions))
    lowest = math.inf
    for index, (file, conversion) in enumerate(zip(files, conversions, strict=True)):
        hu, low = _convert_into(hu, index, file.header, file.path, conversion, budget, where)
        lowest = min(lowest, low)
        # Drop the pixel bytes now read, so the headers do not keep a copy.
        if "PixelData" in file.header:
            del file.header.PixelData
    return hu, lowest


def _convert_into(
    volume: npt.NDArray[Any],
    index: int,
    header: Dataset,
    path: Source,
    conversion: HUConversion,
    budget: _Budget,
    where: object,
    *,
    frame: int | None = None,
) -> tuple[npt.NDArray[Any], float]:
    """Write one slice's HU into ``volume[index]``; give the volume and the slice's lowest HU.

    The volume becomes float32 (from this slice on) when these HU do not fit
    int16, if the budget allows a float32 volume.
    """
    written = write_hu(header, path, conversion, volume[index], frame=frame)
    if not written.fits_int16:
        _check_budget(volume.shape, np.float32, budget, where)
        volume = volume.astype(np.float32)
        written = write_hu(header, path, conversion, volume[index], frame=frame)
    return volume, written.lowest


def _read_frames(
    slice_file: SliceFile, conversion: HUConversion, frames: int, budget: _Budget
) -> tuple[npt.NDArray[Any], float, list[float], float | None, list[HUConversion]]:
    """Enhanced multi-frame CT: per-frame rescale and position, frames sorted; the lowest HU."""
    header, path = slice_file.header, slice_file.path
    rows, cols = _shape(slice_file)
    # Before any per-frame work: a header may claim billions of frames.
    check_pixel_length(header, path, rows, cols, frames)
    conversions, positions = [], []
    reported: set[str] = set()
    for frame in range(frames):
        # The file's corrections are reported once, with the first frame; a
        # pitfall of the functional groups once, with the first frame that has it.
        frame_conversion = copy.deepcopy(conversion)
        if frame:
            frame_conversion.corrections = {}
        check_frame(header, path, frame, frame_conversion)
        for kind in reported & frame_conversion.corrections.keys():
            del frame_conversion.corrections[kind]
        reported |= frame_conversion.corrections.keys()
        said = frame_header(header, frame)
        for attribute, keyword in (("slope", "RescaleSlope"), ("intercept", "RescaleIntercept")):
            value = said[keyword]
            if value is not None:
                try:
                    setattr(frame_conversion, attribute, float(value))
                except (TypeError, ValueError):
                    raise InvalidDicomError(
                        f"frame {frame + 1} of {path} has {keyword} {value!r} in its Pixel "
                        "Value Transformation Sequence (0028,9145), not a number; the header "
                        "is damaged"
                    ) from None
        if (
            frame_conversion.slope == 0
            or not np.isfinite([frame_conversion.slope, frame_conversion.intercept]).all()
        ):
            raise InvalidDicomError(
                f"frame {frame + 1} of {path} has RescaleSlope {frame_conversion.slope} and "
                f"RescaleIntercept {frame_conversion.intercept} in its Pixel Value "
                "Transformation Sequence (0028,9145); the header is damaged"
            )
        check_rescale_size(
            frame_conversion,
            f"frame {frame + 1} of {path} (Pixel Value Transformation Sequence (0028,9145))",
        )
        conversions.append(frame_conversion)
        positions.append(slice_position(said, slice_normal(said)))

    hu = _allocate((frames, rows, cols), budget, path, _hu_dtype(conversions))
    lowest = math.inf
    for frame in range(frames):
        hu, low = _convert_into(
            hu, frame, header, path, conversions[frame], budget, path, frame=frame
        )
        lowest = min(lowest, low)
    if any(p is None for p in positions):
        return hu, lowest, [], None, conversions
    order = np.argsort(np.asarray(positions, dtype=np.float64), kind="stable")
    sorted_positions = [float(positions[i]) for i in order]
    steps = np.diff(sorted_positions)
    spacing = float(np.median(steps)) if len(steps) and np.median(steps) > 0 else None
    return hu[order], lowest, sorted_positions, spacing, [conversions[i] for i in order]


def _spacing_values(value: Any) -> tuple[float, float] | None:
    try:
        row, col = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    if not (np.isfinite([row, col]).all() and row > 0 and col > 0):
        return None
    return row, col


def _pixel_spacing(slice_file: SliceFile, notes: list[str]) -> tuple[float, float]:
    header = slice_file.header
    value = header.get("PixelSpacing")
    if value is None:
        value = frame_header(header, 0)["PixelSpacing"]
    spacing = None if value is None else _spacing_values(value)
    if spacing is None:
        notes.append(
            f"PixelSpacing (0028,0030) is {'missing' if value is None else repr(value)} in "
            f"{slice_file.path}; assuming 1 mm pixels, so areas and volumes are not in real units"
        )
        return 1.0, 1.0
    return spacing


def _slice_spacing(slice_file: SliceFile, measured: float | None, notes: list[str]) -> float:
    if measured is not None and measured > 0:
        return measured
    header = slice_file.header
    for keyword, tag in (
        ("SpacingBetweenSlices", "(0018,0088)"),
        ("SliceThickness", "(0018,0050)"),
    ):
        try:
            value = float(header.get(keyword) or "nan")
        except (TypeError, ValueError):
            continue
        if np.isfinite(value) and value > 0:
            notes.append(
                f"slice positions were not usable; slice spacing taken from {keyword} {tag}: "
                f"{value:g} mm"
            )
            return value
    notes.append("slice spacing unknown (no positions, no spacing tags); assuming 1 mm")
    return 1.0


def _padding_range(lowest: float, conversions: list[HUConversion]) -> tuple[float, float] | None:
    """HU outside the scanned field: Pixel Padding Value, and below -1024 HU.

    ``lowest`` is the image's lowest HU, taken slice by slice as they are
    read, which saves another pass over the whole volume.
    """
    ranges = [c.padding_hu for c in conversions if c.padding_hu is not None]
    if lowest < _LOWEST_REAL_HU:
        ranges.append((lowest, float(_LOWEST_REAL_HU - 1)))
    if not ranges:
        return None
    return (min(r[0] for r in ranges), max(r[1] for r in ranges))


def _header_windows(slice_file: SliceFile, notes: list[str]) -> tuple[Window, ...]:
    header: Any = slice_file.header
    if "WindowCenter" not in header and "WindowWidth" not in header:
        # Enhanced multi-frame: the window sits in the Frame VOI LUT Sequence
        # (0028,9132) of the functional groups (the first frame's, else shared).
        said = frame_header(header, 0)
        header = SimpleNamespace(
            **{
                keyword: said[keyword]
                for keyword in (
                    "WindowCenter",
                    "WindowWidth",
                    "WindowCenterWidthExplanation",
                    "VOILUTFunction",
                )
            }
        )
    try:
        return Window.from_dicom(header)
    except InvalidWindowError as error:
        notes.append(f"ignored the window in {slice_file.path}: {error}")
        return ()


def _report_corrections(conversions: list[HUConversion]) -> list[str]:
    """One DataPitfallWarning per kind of correction, however many files had it."""
    by_kind: dict[str, list[str]] = {}
    for conversion in conversions:
        for kind, message in conversion.corrections.items():
            by_kind.setdefault(kind, []).append(message)
    reported = []
    for messages in by_kind.values():
        more = len(messages) - 1
        text = messages[0] + (f" (and {more} more file{'s' if more > 1 else ''})" if more else "")
        warnings.warn(text, DataPitfallWarning, stacklevel=4)
        reported.append(text)
    return reported
