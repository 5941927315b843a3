"""Many DICOM files: find the CT series, pick one, order its slices in space.

Slices are ordered by their position along the slice normal (the cross
product of the two Image Orientation (Patient) (0020,0037) direction
cosines, dotted with Image Position (Patient) (0020,0032)), and the slice
spacing is measured from those positions, not read from Slice Thickness.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
from pydicom.dataset import Dataset

from ctlab.core.errors import CTLabError, SeriesError
from ctlab.io.header import MemoryFile, Source, has_ct_evidence, is_dicomdir, read_header

__all__ = [
    "FileMapper",
    "Series",
    "SliceFile",
    "find_all_series",
    "find_only_series",
    "find_series",
    "find_series_files",
    "finite_vector",
    "group_files",
    "is_url",
    "order_slices",
    "report_found",
    "series_key",
    "slice_normal",
    "slice_position",
]

#: How :func:`group_files` reads its files: ``mapper(series_key, files)``, as
#: the builtin ``map``, ``Executor.map`` or ctlab's Dask batches do it.
FileMapper = Callable[
    [Callable[[Source], tuple[bool, str]], list[Source]], Iterable[tuple[bool, str]]
]

# A URL (https://..., s3://..., memory://..., file://...): not a local path.
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_url(place: object) -> bool:
    """Whether ``place`` is a URL (``s3://bucket/x``) rather than a local path.

    Examples
    --------
    >>> from pathlib import Path
    >>> is_url("s3://bucket/scans"), is_url("scans/s3:"), is_url(Path("memory://x"))
    (True, False, False)
    """
    return isinstance(place, str) and _URL.match(place) is not None


# Two positions closer than this (mm) are the same place: a duplicate slice.
_SAME_POSITION_MM = 0.01
# A step this much longer than the usual one means slices are missing.
_GAP_FACTOR = 1.5


@dataclass
class SliceFile:
    """One CT file of a series, with its parsed (pixel-deferred) header.

    ``path`` is a file on disk, or a :class:`~ctlab.io.header.MemoryFile` for
    uploaded bytes; both have a ``name`` for messages.
    """

    path: Source
    header: Dataset


@dataclass
class Series:
    """The CT files sharing a Series Instance UID."""

    uid: str
    files: list[SliceFile] = field(default_factory=list)

    @property
    def label(self) -> str:
        """How to name the series to a user: number, end of its UID, size.

        The end of the Series Instance UID tells apart series that share a
        Series Number, and can be passed as ``series_uid``; the free-text
        description is left out (people type names and dates into it).
        """
        number = self.files[0].header.get("SeriesNumber", "?")
        return f"series {number} (UID ...{self.uid_tail}, {len(self.files)} slices)"

    @property
    def uid_tail(self) -> str:
        """The last characters of the Series Instance UID, enough to tell series apart."""
        return self.uid[-_UID_TAIL:]


# Characters of a Series Instance UID shown in messages: UIDs of one study
# usually differ only at the end.
_UID_TAIL = 8


def _files_in(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """The files of ``paths`` (folders searched recursively), and folders that could not be read."""
    files: list[Path] = []
    unreadable: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
        if not path.is_dir():
            files.append(path)
            continue
        try:
            os.scandir(path).close()
        except OSError as error:
            raise SeriesError(
                f"cannot read the folder {path}: {error.strerror or type(error).__name__}; "
                "check that you may open it (its permissions)"
            ) from error
        found: list[Path] = []
        for folder, subfolders, names in os.walk(
            path, onerror=lambda error: unreadable.append(Path(error.filename))
        ):
            # Only names below the folder given count as hidden: the folder
            # itself may be reached through "..", "." or ~/.cache.
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            found.extend(Path(folder, name) for name in names if not name.startswith("."))
        files.extend(sorted(p for p in found if p.is_file()))
    return files, unreadable


def find_all_series(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Series], list[str]]:
    """Every CT series in files and folder trees, for exporting a collection.

    Files are grouped by Series Instance UID (0020,000E) wherever they lie:
    a series split over several folders is one series, and a folder of
    studies gives each of its series.

    Returns
    -------
    series : list of Series
        In the order of their UIDs, so the same files always give the same list.
    notes : list of str
        What was skipped (files that are not CT images), for a warning.

    Raises
    ------
    SeriesError
        If no CT image is found.
    FileNotFoundError
        If a path does not exist.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> found, notes = find_all_series([get_path("ct")])
    >>> [len(series.files) for series in found], notes
    ([1], [])
    """
    by_uid, notes = _search(paths, _ct_series)
    return [by_uid[uid] for uid in sorted(by_uid)], notes


def find_only_series(paths: Iterable[str | os.PathLike[str]]) -> tuple[Series, list[str]] | None:
    """The one CT series in files and folder trees; None as soon as a second one is found.

    How ``ctlab export FOLDER`` tells one series (exported flat) from a
    collection. For one series every header is read once and kept for
    :func:`ctlab.io.loader.load_series`; for a collection the search stops at
    the first file of a second series, and :func:`ctlab.export_many` then
    searches the collection on its workers.

    Returns
    -------
    (series, notes) or None
        The series and what was skipped (as :func:`find_all_series`), or
        None for files of more than one series.

    Raises
    ------
    SeriesError, FileNotFoundError
        As :func:`find_all_series`.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> found, notes = find_only_series([get_path("ct")])
    >>> len(found.files), notes
    (1, [])
    """
    by_uid, notes = _search(paths, partial(_ct_series, most=1))
    if len(by_uid) > 1:
        return None
    (only,) = by_uid.values()
    return only, notes


def find_series_files(
    paths: Iterable[str | os.PathLike[str]], *, mapper: FileMapper = map
) -> tuple[dict[str, list[Path]], list[str]]:
    """The CT files in files and folder trees by Series Instance UID, and notes.

    :func:`find_all_series` without keeping the headers: what exporting a
    collection needs before the workers read each series again. ``mapper``
    reads the files' headers; a process pool's ``map`` (or a Dask client's)
    reads them on every core instead of one.

    Returns
    -------
    by_uid : dict of str to list of Path
        Each series' files, in the order found.
    notes : list of str
        What was skipped, as in :func:`find_all_series`.

    Raises
    ------
    SeriesError, FileNotFoundError
        As :func:`find_all_series`.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> by_uid, notes = find_series_files([get_path("ct")])
    >>> [len(files) for files in by_uid.values()], notes
    ([1], [])
    """
    by_uid, notes = _search(paths, partial(group_files, mapper=mapper))
    return cast(dict[str, list[Path]], by_uid), notes


_Grouped = TypeVar("_Grouped")


def _search(
    paths: Iterable[str | os.PathLike[str]],
    group: Callable[[list[Path]], tuple[dict[str, _Grouped], Counter[str]]],
) -> tuple[dict[str, _Grouped], list[str]]:
    """The files of ``paths`` (each once) grouped by ``group``, and the note on what was skipped."""
    roots = [Path(p) for p in paths]
    # A file reached twice (a folder and its subfolder both listed) counts once.
    unique: dict[Path, Path] = {}
    on_disk, unreadable = _files_in(roots)
    for file in on_disk:
        unique.setdefault(file.resolve(), file)
    files = list(unique.values())
    by_uid, skipped = group(files)
    if unreadable:
        skipped["unreadable folders"] = len(unreadable)
    where = roots[0] if len(roots) == 1 else f"the {len(roots)} paths given"
    return by_uid, report_found(by_uid, skipped, len(files), where)


def group_files(
    files: Iterable[Source], *, mapper: FileMapper = map
) -> tuple[dict[str, list[Source]], Counter[str]]:
    """The CT files among ``files`` by Series Instance UID, and what was skipped, by kind.

    The grouping of :func:`find_all_series`, keeping where each file is and
    not its header: a caller reading remote files in batches (ctlab.export_many
    on fsspec URLs) lets each batch's bytes go before the next is read.
    ``mapper`` calls :func:`series_key` on every file, as the builtin ``map``
    does (the default); a process pool's ``map`` reads the headers in parallel.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> by_uid, skipped = group_files([get_path("ct")])
    >>> [len(files) for files in by_uid.values()], dict(skipped)
    ([1], {})
    """
    listed = list(files)
    by_uid: dict[str, list[Source]] = {}
    skipped: Counter[str] = Counter()
    for file, (is_ct, key) in zip(listed, mapper(series_key, listed), strict=True):
        if is_ct:
            by_uid.setdefault(key, []).append(file)
        else:
            skipped[key] += 1
    return by_uid, skipped


def series_key(file: Source) -> tuple[bool, str]:
    """``(True, Series Instance UID)`` for a CT image file, else ``(False, why it is skipped)``.

    All :func:`group_files` needs of a file: small, so a worker process
    reading headers returns it instead of the header.

    Examples
    --------
    >>> from pydicom.examples import get_path
    >>> series_key(get_path("ct"))[0], series_key(get_path("mr"))
    (True, (False, 'MR image'))
    """
    header, key = _classified(file)
    return header is not None, key


def report_found(
    uids: Mapping[str, object], skipped: Counter[str], files: int, where: object
) -> list[str]:
    """The note on what was skipped among ``files`` files; SeriesError if no CT series was found.

    Examples
    --------
    >>> from collections import Counter
    >>> report_found({"1.2.3": []}, Counter({"not DICOM": 2}), 3, "scans")
    ['skipped 2 not DICOM in scans']
    """
    found = ", ".join(f"{n} {what}" for what, n in skipped.items())
    if not uids:
        summary = f"{files} files" + (f": {found}" if found else "")
        raise SeriesError(
            f"no CT images in {where} ({summary}); give the folders that hold the CT series"
        )
    return [f"skipped {found} in {where}"] if found else []


def find_series(
    paths: Iterable[str | os.PathLike[str] | MemoryFile], *, series_uid: str | None = None
) -> tuple[Series, list[str]]:
    """Read the headers of files and folders (or uploads) and pick one CT series.

    Non-DICOM files, non-image objects and other modalities are skipped (and
    counted). Several CT series: the largest, unless ``series_uid`` names
    another by its Series Instance UID or Series Number.

    Returns
    -------
    series : Series
    notes : list of str
        What was skipped or passed over, for a warning.

    Raises
    ------
    SeriesError
        If no CT series is found, or ``series_uid`` matches none.
    """
    given = list(paths)
    uploads = [p for p in given if isinstance(p, MemoryFile)]
    roots = [Path(p) for p in given if not isinstance(p, MemoryFile)]
    on_disk, unreadable = _files_in(roots)
    files: list[Source] = [*on_disk, *uploads]
    if uploads and not roots:
        where: object = f"the {len(uploads)} uploaded files"
    else:
        where = roots[0] if len(given) == 1 else f"the {len(given)} paths given"
    by_uid, skipped = _ct_series(files)
    if unreadable:
        skipped["unreadable folders"] = len(unreadable)
    found = ", ".join(f"{n} {what}" for what, n in skipped.items())
    if not by_uid:
        summary = f"{len(files)} files" + (f": {found}" if found else "")
        if uploads and not roots:
            raise SeriesError(
                f"no CT images in {where} ({summary}); upload the CT slices themselves"
            )
        raise SeriesError(
            f"no CT images in {where} ({summary}); point ctlab.load at the folder "
            "that holds the CT slices"
        )
    candidates = sorted(by_uid.values(), key=lambda s: len(s.files), reverse=True)
    chosen = candidates[0] if series_uid is None else _select(candidates, series_uid, where)
    return chosen, _notes(chosen, candidates, series_uid, found, where)


def _skip_reason(header: Dataset) -> str | None:
    """Why a readable DICOM file is not a slice of a CT series (None when it is one)."""
    if is_dicomdir(header):
        return "DICOMDIR index"
    if "Rows" not in header or "PixelData" not in header:
        return "DICOM without an image"
    modality = str(header.get("Modality", "") or "").upper()
    if not modality and not has_ct_evidence(header):
        return "image without Modality that is not CT"
    if modality not in ("", "CT"):
        return f"{modality} image"
    return None


def _ct_series(
    files: Iterable[Source], *, most: int | None = None
) -> tuple[dict[str, Series], Counter[str]]:
    """Read each file's header and group the CT slices by Series Instance UID.

    Also counts what was skipped, by reason, for the notes. With ``most``,
    stops at the first file of one series more than that (it is then the
    last series returned, holding that file).
    """
    skipped: Counter[str] = Counter()
    by_uid: dict[str, Series] = {}
    for file in files:
        header, key = _classified(file)
        if header is None:
            skipped[key] += 1
            continue
        by_uid.setdefault(key, Series(key)).files.append(SliceFile(file, header))
        if most is not None and len(by_uid) > most:
            break
    return by_uid, skipped


def _classified(file: Source) -> tuple[Dataset | None, str]:
    """A CT image file's header and Series Instance UID; or None and why the file is skipped."""
    try:
        header = read_header(file)
    except CTLabError as error:
        return None, "unreadable" if isinstance(error.__cause__, OSError) else "not DICOM"
    reason = _skip_reason(header)
    if reason is not None:
        return None, reason
    return header, str(header.get("SeriesInstanceUID", "") or "unknown")


def _notes(
    chosen: Series, candidates: list[Series], series_uid: str | None, found: str, where: object
) -> list[str]:
    """What a user should hear about the choice: other series passed over, files skipped."""
    notes = []
    others = [s for s in candidates if s is not chosen]
    if others and series_uid is None:
        notes.append(
            f"{where} holds {len(candidates)} CT series; loaded {chosen.label}, "
            f"not {'; '.join(s.label for s in others)}. Pick one with series_uid=<Series "
            "Number>, or its Series Instance UID (or the end of it shown here) when two "
            "share a number"
        )
    if found:
        notes.append(f"skipped {found} in {where}")
    return notes


def _select(candidates: list[Series], key: str, where: object) -> Series:
    """The series ``key`` names: its Series Instance UID (or the end of it) or Series Number."""
    by_uid = [s for s in candidates if s.uid == key]
    by_number = [s for s in candidates if str(s.files[0].header.get("SeriesNumber", "")) == key]
    by_tail = [s for s in candidates if len(key) >= 4 and s.uid.endswith(key)]
    available = "; ".join(s.label for s in candidates)
    for matches in (by_uid, by_number, by_tail):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise SeriesError(
                f"{len(matches)} CT series in {where} match series_uid={key!r}: "
                f"{'; '.join(s.label for s in matches)}. Pass the end of the UID of the one "
                "you want, e.g. series_uid='" + matches[0].uid_tail + "'"
            )
    raise SeriesError(
        f"no CT series {key!r} in {where}; it holds {available}. Pass a Series Number or "
        "the end of a UID from this list as series_uid"
    )


def finite_vector(value: Any, length: int) -> np.ndarray | None:
    """A header's multi-valued number as a float array of ``length``, None if unusable."""
    if value is None:
        return None
    try:
        vector = np.asarray([float(v) for v in value], dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if vector.shape != (length,) or not np.isfinite(vector).all():
        return None
    return vector


def slice_normal(header: Dataset | Mapping[str, Any]) -> np.ndarray | None:
    """Unit normal of a slice from Image Orientation (Patient), None if unusable."""
    cosines = finite_vector(header.get("ImageOrientationPatient"), 6)
    if cosines is None:
        return None
    normal = np.cross(cosines[:3], cosines[3:])
    length = np.linalg.norm(normal)
    return normal / length if length > 1e-6 else None


def slice_position(header: Dataset | Mapping[str, Any], normal: np.ndarray | None) -> float | None:
    """Position of a slice along the normal in mm, None if the header lacks it."""
    point = finite_vector(header.get("ImagePositionPatient"), 3)
    if normal is None or point is None:
        return None
    return float(point @ normal)


def _check_consistent(series: Series) -> None:
    shapes = Counter((int(f.header.Rows), int(f.header.Columns)) for f in series.files)
    if len(shapes) > 1:
        (usual, _), *_ = shapes.most_common()
        odd = [f.path.name for f in series.files if (f.header.Rows, f.header.Columns) != usual]
        raise SeriesError(
            f"{series.label} mixes image sizes {sorted(shapes)}; "
            f"{', '.join(odd[:5])} differ from {usual[0]} x {usual[1]}. "
            "Load those files separately"
        )


# The slice normal's largest patient axis names the plane (PS3.3 C.7.6.2.1.1):
# x (left-right) sagittal, y (front-back) coronal, z (head-foot) axial.
_PLANES = ("sagittal", "coronal", "axial")
# A normal this close to a patient axis is that plane; farther, oblique.
_AXIS_COSINE = 0.9
# Tilts below this (degrees) are rounding in the positions, not a tilt.
_TILT_DEGREES = 0.5


def _cosines_text(cosines: Any) -> str:
    return "\\".join(f"{float(c):g}" for c in cosines)


def _note_orientation(series: Series, normal: np.ndarray, notes: list[str]) -> None:
    """Note a stack that is not axial: ctlab shows it as stored, not turned to axial."""
    axis = int(np.argmax(np.abs(normal)))
    if axis == 2 and abs(normal[2]) >= _AXIS_COSINE:
        return
    plane = _PLANES[axis] if abs(normal[axis]) >= _AXIS_COSINE else "oblique"
    cosines = _cosines_text(series.files[0].header.get("ImageOrientationPatient"))
    notes.append(
        f"{series.label} is a stack of {plane} slices (ImageOrientationPatient (0020,0037) "
        f"{cosines}), not axial: ctlab shows them as stored, so the slice slider moves "
        f"through the {plane} planes and anterior/left are not at the usual places"
    )


def _tilt_degrees(
    files: list[SliceFile], positions: list[float], normal: np.ndarray
) -> float | None:
    """The gantry tilt the slice positions show, in degrees; None when there is none.

    Without tilt the line from the first slice's position to the last runs
    along the slice normal; a tilted gantry shifts each slice in its plane,
    so that line leans. Gantry/Detector Tilt (0018,1120) is used when the
    positions cannot show it (one slice).
    """
    tilt = 0.0
    if len(files) >= 2:
        first = finite_vector(
            files[int(np.argmin(positions))].header.get("ImagePositionPatient"), 3
        )
        last = finite_vector(files[int(np.argmax(positions))].header.get("ImagePositionPatient"), 3)
        step = np.zeros(3) if first is None or last is None else last - first
        length = float(np.linalg.norm(step))
        if length > 0:
            cosine = min(1.0, abs(float(step @ normal)) / length)
            tilt = float(np.degrees(np.arccos(cosine)))
    else:
        try:
            tilt = abs(float(files[0].header.get("GantryDetectorTilt") or 0))
        except (TypeError, ValueError):
            tilt = 0.0
    return tilt if tilt >= _TILT_DEGREES else None


def order_slices(series: Series) -> tuple[list[SliceFile], list[float], float | None, list[str]]:
    """Sort a series' slices in space and measure their spacing.

    Returns
    -------
    files : list of SliceFile
        In increasing position along the normal; duplicates dropped.
    positions : list of float
        Position of each slice along the normal, mm (empty if unknown).
    spacing : float or None
        The usual distance between neighbouring slices, mm.
    notes : list of str
        Gaps, duplicates and fallbacks, for a warning.

    Raises
    ------
    SeriesError
        If the slices differ in size or orientation.
    """
    _check_consistent(series)
    notes: list[str] = []
    normal = slice_normal(series.files[0].header)
    positions = [slice_position(f.header, normal) for f in series.files]
    # A slice whose cosines equal the first slice's has its normal: only the
    # others need one of their own (comparing is cheaper than a cross product).
    cosines = series.files[0].header.get("ImageOrientationPatient")
    tilted = normal is not None and any(
        f.header.get("ImageOrientationPatient") != cosines
        and ((n := slice_normal(f.header)) is None or abs(float(n @ normal)) < 0.999)
        for f in series.files
    )
    if tilted:
        raise SeriesError(
            f"{series.label} mixes slice orientations (ImageOrientationPatient (0020,0037)); "
            "it is not one volume. Load the files of one orientation"
        )
    if normal is None and finite_vector(cosines, 6) is not None:
        notes.append(
            f"{series.label} has ImageOrientationPatient (0020,0037) {_cosines_text(cosines)}: "
            "all zero or two parallel directions, so the slices have no direction in space; "
            "ordered by InstanceNumber (0020,0013) instead, spacing from the header"
        )
        files = sorted(series.files, key=lambda f: int(f.header.get("InstanceNumber", 0) or 0))
        return files, [], None, notes
    if normal is not None:
        _note_orientation(series, normal, notes)
    if any(p is None for p in positions):
        notes.append(
            f"{series.label} lacks ImagePositionPatient (0020,0032) on some slices; "
            "ordered by InstanceNumber (0020,0013) instead, spacing from the header"
        )
        files = sorted(series.files, key=lambda f: int(f.header.get("InstanceNumber", 0) or 0))
        return files, [], None, notes

    tilt = _tilt_degrees(series.files, positions, normal)  # type: ignore[arg-type]
    if tilt is not None:
        notes.append(
            f"{series.label} was scanned with a gantry tilt of about {tilt:.1f} degrees: "
            "each slice is shifted against the one before, so the stacked volume is sheared "
            "and distances across slices are not true; views of single slices are right"
        )
    order = sorted(range(len(series.files)), key=lambda i: positions[i])  # type: ignore[arg-type,return-value]
    files = [series.files[i] for i in order]
    ordered = [float(positions[i]) for i in order]  # type: ignore[arg-type]
    kept_files, kept_positions = [files[0]], [ordered[0]]
    for file, position in zip(files[1:], ordered[1:], strict=True):
        if abs(position - kept_positions[-1]) < _SAME_POSITION_MM:
            notes.append(
                f"{file.path.name} is at the same position ({position:.2f} mm) as "
                f"{kept_files[-1].path.name}: a duplicate slice, left out"
            )
            continue
        kept_files.append(file)
        kept_positions.append(position)
    if len(kept_positions) < 2:
        return kept_files, kept_positions, None, notes
    steps = np.diff(kept_positions)
    spacing = float(np.median(steps))
    for index, step in enumerate(steps):
        if step > _GAP_FACTOR * spacing:
            missing = round(step / spacing) - 1
            notes.append(
                f"gap of {step:.2f} mm between slices {index} and {index + 1} "
                f"(at {kept_positions[index]:.2f} and {kept_positions[index + 1]:.2f} mm): "
                f"about {missing} slice{'s' if missing != 1 else ''} missing; "
                f"the volume assumes {spacing:.2f} mm everywhere"
            )
    return kept_files, kept_positions, spacing, notes
