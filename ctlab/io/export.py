"""Write windowed images as PNG or NumPy files: data sets for deep learning.

Outputs are de-identified by construction: file names are slice numbers, and
the manifest records the windows used and the redacted image summary only.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import ExportError
from ctlab.core.image import CTImage
from ctlab.core.voi import apply_window_float, multiwindow
from ctlab.core.window import Window, resolve_window
from ctlab.io.files import write_atomically
from ctlab.io.labels import LabelMap, label_array, save_label_slice
from ctlab.io.series import is_url

__all__ = [
    "FORMATS",
    "MANIFEST_NAME",
    "check_grey_image",
    "check_png_path",
    "checked_windows",
    "export",
    "export_options",
    "save_png",
]

#: Name of the JSON manifest written beside the exported slices.
MANIFEST_NAME = "ctlab-manifest.json"

#: The formats of :func:`export`: a file per slice, or one array per series.
FORMATS = ("png", "npy", "volume-npy", "volume-npz")
ExportFormat = Literal["png", "npy", "volume-npy", "volume-npz"]
#: The grey levels written: 8-bit, or the VOI function's unrounded 0..1 (NumPy formats only).
DTYPES = ("uint8", "float32")
ExportDtype = Literal["uint8", "float32"]
#: Pillow's zlib level for PNG files when none is given (its own default).
DEFAULT_COMPRESS_LEVEL = 6


def check_grey_image(grey: npt.ArrayLike, file_format: str) -> npt.NDArray[np.uint8]:
    """``grey`` as an array, if it is uint8 grey levels or RGB that ``file_format`` can hold.

    The check of every 8-bit image ctlab encodes: :func:`save_png` and
    :func:`ctlab.conversion.jpeg_roundtrip`.

    Raises
    ------
    ExportError
        Unless ``grey`` is uint8 of shape (rows, cols) or (rows, cols, 3),
        with at least one pixel.

    Examples
    --------
    >>> import numpy as np
    >>> check_grey_image(np.zeros((2, 2, 3), np.uint8), "PNG").shape
    (2, 2, 3)
    """
    array = np.asarray(grey)
    if array.dtype != np.uint8 or not (
        array.ndim == 2 or (array.ndim == 3 and array.shape[2] == 3)
    ):
        raise ExportError(
            f"a {file_format} needs uint8 grey levels of shape (rows, cols) or (rows, cols, 3), "
            f"got {array.dtype} {array.shape}; window the HU first with ctlab.apply_window"
        )
    if array.size == 0:
        raise ExportError(
            f"a {file_format} needs at least one row and one column, got shape {array.shape}"
        )
    return array


def _check_compress_level(compress_level: int) -> None:
    if isinstance(compress_level, bool) or not isinstance(compress_level, (int, np.integer)):
        raise ExportError(
            f"compress_level must be an integer from 0 (fastest) to 9 (smallest), "
            f"got {compress_level!r}"
        )
    if not 0 <= compress_level <= 9:
        raise ExportError(
            f"compress_level must be from 0 (fastest) to 9 (smallest), got {compress_level}"
        )


def check_png_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if its name ends in .png: ctlab writes only PNG files.

    A PNG written under a name such as ``x.jpg`` would be opened as JPEG by
    other programs; a JPEG would lose the exact grey levels
    (:func:`ctlab.conversion.jpeg_roundtrip` shows what JPEG does to them).
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ExportError(
            f"{target} does not end in .png: ctlab writes lossless PNG files only (a JPEG "
            "would change the grey levels); name the file something.png"
        )
    return target


def save_png(
    grey: npt.ArrayLike,
    path: str | os.PathLike[str],
    *,
    compress_level: int = DEFAULT_COMPRESS_LEVEL,
) -> Path:
    """Save an 8-bit image as a lossless PNG, exactly as given.

    Parameters
    ----------
    grey : array_like of uint8
        ``(rows, cols)`` grey levels or ``(rows, cols, 3)`` RGB, e.g. from
        :func:`ctlab.apply_window` or :func:`ctlab.multiwindow`.
    path : path-like
        Where to write, a name ending in ``.png``; its folder must exist.
    compress_level : int
        zlib level, 0 (no compression, fastest) to 9 (smallest, slowest);
        every level holds the same pixels.

    Returns
    -------
    Path
        The path written (under a temporary name first, renamed when complete).

    Raises
    ------
    ExportError
        If ``grey`` is not uint8 of a PNG-able shape, ``path`` does not end in
        ``.png``, ``compress_level`` is not 0..9, or the file cannot be written.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_png(np.zeros((4, 4), np.uint8), folder / "black.png").name
    'black.png'
    """
    array = check_grey_image(grey, "PNG")
    _check_compress_level(compress_level)
    target = check_png_path(path)
    _PNGWriter(int(compress_level)).write(array, target)
    return target


class _PNGWriter:
    """Writes 8-bit slices as PNG through one Pillow image, refilled for each slice.

    A Pillow image per slice would be fresh memory on every slice where malloc
    returns large blocks to the system at once (Dask's workers set
    MALLOC_TRIM_THRESHOLD_), and faulting it in costs time (bench/MEASUREMENTS.md).
    """

    def __init__(self, compress_level: int) -> None:
        self.compress_level = compress_level
        self.picture: Any = None

    def write(self, array: npt.NDArray[np.uint8], target: Path) -> None:
        """Write checked grey levels (``check_grey_image``) to ``target``, atomically."""
        from PIL import Image

        mode = "L" if array.ndim == 2 else "RGB"
        size = (array.shape[1], array.shape[0])
        if self.picture is None or (self.picture.mode, self.picture.size) != (mode, size):
            self.picture = Image.new(mode, size)
        self.picture.frombytes(np.ascontiguousarray(array))
        write_atomically(
            target,
            partial(self.picture.save, format="PNG", compress_level=self.compress_level),
        )


def checked_windows(
    windows: Sequence[Window | str], *, format: str, compress_level: int, dtype: str = "uint8"
) -> tuple[Window, ...]:
    """The windows of an export, resolved, once the options are known to fit together.

    Raises
    ------
    ExportError
        For an unknown format or dtype, float32 asked of a PNG, no window,
        a channel count PNG cannot hold, or a compression level outside 0..9.

    Examples
    --------
    >>> [w.center for w in checked_windows(["brain", "bone"], format="npy", compress_level=6)]
    [40.0, 400.0]
    """
    if format not in FORMATS:
        raise ExportError(f"format must be one of {', '.join(map(repr, FORMATS))}, got {format!r}")
    if dtype not in DTYPES:
        raise ExportError(f"dtype must be 'uint8' or 'float32', got {dtype!r}")
    if dtype == "float32" and format == "png":
        raise ExportError(
            "a PNG holds 8-bit grey levels, not float32; use format 'npy', 'volume-npy' or "
            "'volume-npz' (--format) for float32, or dtype='uint8'"
        )
    _check_compress_level(compress_level)
    resolved = tuple(resolve_window(window) for window in windows)
    if not resolved:
        raise ExportError("give at least one window (preset) to export")
    if format == "png" and len(resolved) not in (1, 3):
        raise ExportError(
            f"a PNG holds 1 (grey) or 3 (RGB) channels, got {len(resolved)} windows; "
            "give 1 or 3 presets, or use format='npy' (--format npy)"
        )
    return resolved


def export_options(
    windows: Sequence[Window],
    *,
    format: ExportFormat,
    compress_level: int,
    invert: bool,
    dtype: ExportDtype = "uint8",
) -> dict[str, Any]:
    """How a series is exported, as its manifest records it (a rerun compares these).

    Examples
    --------
    >>> from ctlab import PRESETS
    >>> options = export_options([PRESETS["fat"]], format="png", compress_level=6, invert=False)
    >>> options["windows"][0]["low"], options["windows"][0]["high"], options["compress_level"]
    (-100.0, -60.0, 6)
    """
    options: dict[str, Any] = {
        "format": format,
        "dtype": dtype,
        "channels": [window.name or str(window) for window in windows],
        "windows": [window.record() for window in windows],
        "invert": invert,
    }
    if format == "png":
        options["compress_level"] = int(compress_level)
    return options


def _prepare_folder(folder: Path, image_source: Path | None, overwrite: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is a file, not a folder; choose a folder to export into")
    if image_source is not None and folder.resolve().is_relative_to(image_source.resolve()):
        relation = "is" if folder.resolve() == image_source.resolve() else "is inside"
        raise ExportError(
            f"{folder} {relation} the folder the scan was read from; ctlab never writes beside "
            "your input files: choose an output folder outside it"
        )
    try:
        if folder.is_dir() and any(folder.iterdir()) and not overwrite:
            raise ExportError(
                f"{folder} is not empty; choose a new or empty folder, or pass overwrite=True "
                "(--overwrite) to replace the files of an earlier ctlab export there"
            )
        folder.mkdir(parents=True, exist_ok=True)
        # Fail before any slice is windowed, not after the first write.
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
    except OSError as error:
        raise ExportError(
            f"cannot write into {folder}: {error.strerror or error}; choose a folder you may "
            "write to"
        ) from None


def export(
    image: CTImage,
    folder: str | os.PathLike[str],
    *,
    windows: Sequence[Window | str] = ("default",),
    format: ExportFormat = "png",
    compress_level: int = DEFAULT_COMPRESS_LEVEL,
    dtype: ExportDtype = "uint8",
    invert: bool = False,
    overwrite: bool = False,
    source: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    labels: LabelMap | npt.ArrayLike | None = None,
) -> Path:
    """Export every slice of an image, windowed, as a data set.

    One window gives grey images; several give one channel per window
    (three make an RGB PNG). Files are named ``slice_0000.png`` ... in slice
    order, or one ``volume.npy`` / ``volume.npz`` holds the whole series; a
    JSON manifest (:data:`MANIFEST_NAME`) records the windows, the channel
    order, each slice's file and position and the redacted image summary.
    Each file is written under a temporary name and renamed when complete.

    Parameters
    ----------
    image : CTImage
        The scan, e.g. from :func:`ctlab.load`.
    folder : path-like
        Output folder; created if missing. Must be empty unless ``overwrite``.
    windows : sequence of Window or str
        One window or preset name per channel.
    format : {"png", "npy", "volume-npy", "volume-npz"}
        Per slice: lossless PNG (1 or 3 channels) or NumPy ``.npy`` arrays
        of uint8, shape ``(rows, cols)`` for one window, ``(rows, cols, k)``
        for k. Per series: one uint8 array of shape ``(slices, rows, cols)``
        or ``(slices, rows, cols, k)``, in ``volume.npy``, or compressed in
        ``volume.npz`` under the key ``"images"``.
    compress_level : int
        PNG zlib level, 0 (fastest, largest) to 9 (slowest, smallest).
    dtype : {"uint8", "float32"}
        8-bit grey levels (:func:`ctlab.multiwindow`), or, for the NumPy
        formats, the unrounded grey levels in 0..1
        (:func:`ctlab.core.voi.apply_window_float`), free of 8-bit quantisation.
    invert : bool
        Low HU white instead of black.
    overwrite : bool
        Allow a non-empty folder (files of the same names are replaced).
    source : path-like, optional
        Where the scan was read from; export refuses to write into it.
    progress : callable, optional
        Called as ``progress(done, total)`` after each slice.
    labels : LabelMap or array_like of int, optional
        A label map of the image's shape (e.g. from :func:`ctlab.load_labels`),
        written beside the images as ``labels/slice_0000.png`` (the label
        values as 8- or 16-bit grey) or ``.npy``, one file per slice with the
        same number; the manifest gives each slice's label file and, for a
        LabelMap, the label names and colours.

    Returns
    -------
    Path
        The manifest file.

    Raises
    ------
    ExportError
        For an unknown format, a channel count PNG cannot hold, a
        compression level outside 0..9, a non-empty folder, the input folder
        as output, a URL (see :func:`ctlab.export_many`), or a write failure.

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> import numpy as np
    >>> from ctlab import CTImage
    >>> image = CTImage(np.zeros((2, 4, 4), np.int16), spacing=(2.0, 1.0, 1.0))
    >>> manifest = export(image, pathlib.Path(tempfile.mkdtemp()) / "out", windows=["fat"])
    >>> [entry["file"] for entry in json.loads(manifest.read_text())["files"]]
    ['slice_0000.png', 'slice_0001.png']
    """
    resolved = checked_windows(windows, format=format, compress_level=compress_level, dtype=dtype)
    if is_url(folder):
        # Path would make s3://bucket/x a local folder s3:/bucket/x.
        raise ExportError(
            f"{folder} is a URL; ctlab.export writes a local folder. Export to storage "
            "through fsspec with ctlab.export_many (or ctlab export -o URL), which writes "
            "each series to its own subfolder there"
        )
    target = Path(folder)
    source_folder = None
    if source is not None:
        source_path = Path(source)
        source_folder = source_path if source_path.is_dir() else source_path.parent
    label_values = None if labels is None else label_array(labels, image)
    _prepare_folder(target, source_folder, overwrite)
    if label_values is not None:
        (target / "labels").mkdir(exist_ok=True)

    files = []
    total = image.n_slices
    volume_name = "volume." + format.removeprefix("volume-")
    volume = None
    # One grey-level array and one PNG image for every slice, not fresh memory per slice.
    grey = (
        np.empty((*image.slice_hu(0).shape, len(resolved)), np.uint8) if dtype == "uint8" else None
    )
    png = _PNGWriter(compress_level)
    for index in range(total):
        hu = image.slice_hu(index)
        channels: npt.NDArray[Any] = (
            np.stack([apply_window_float(hu, w, invert=invert) for w in resolved], axis=-1)
            if dtype == "float32"
            else multiwindow(hu, resolved, invert=invert, out=grey)
        )
        pixels = channels[..., 0] if len(resolved) == 1 else channels
        if format.startswith("volume-"):
            if volume is None:
                volume = np.empty((total, *pixels.shape), pixels.dtype)
            volume[index] = pixels
            name = volume_name
        else:
            name = f"slice_{index:04d}.{format}"
        if format == "png":
            png.write(pixels, target / name)
        elif format == "npy":
            write_atomically(target / name, partial(np.save, arr=pixels, allow_pickle=False))
        entry: dict[str, Any] = {"file": name, "slice_index": index}
        if label_values is not None:
            # One label slice per image slice, also beside a volume file.
            entry["labels"] = f"labels/slice_{index:04d}.{'png' if format == 'png' else 'npy'}"
            save_label_slice(
                label_values[index] if image.is_volume else label_values, target / entry["labels"]
            )
        if index < len(image.slice_positions):
            entry["position_mm"] = image.slice_positions[index]
        files.append(entry)
        if progress is not None:
            progress(index + 1, total)
    if volume is not None:
        write_volume = (
            partial(np.save, arr=volume, allow_pickle=False)
            if format == "volume-npy"
            else partial(np.savez_compressed, images=volume)
        )
        write_atomically(target / volume_name, write_volume)

    manifest = {
        **export_options(
            resolved, format=format, compress_level=compress_level, invert=invert, dtype=dtype
        ),
        "image": {
            "shape": list(image.shape),
            "spacing_mm": list(image.spacing),
            **{key: value for key, value in image.info.items() if key in _SAFE_INFO},
        },
        "files": files,
    }
    if isinstance(labels, LabelMap):
        manifest["labels"] = {
            "names": {str(v): n for v, n in labels.names.items()},
            "colors": {str(v): c for v, c in labels.colors.items()},
        }
    manifest_path = target / MANIFEST_NAME
    text = json.dumps(manifest, indent=2, default=str) + "\n"
    write_atomically(manifest_path, lambda file: file.write(text.encode()))
    return manifest_path


# Summary fields that describe the scan without identifying anyone; the
# manifest copies only these, whatever else `info` may hold.
_SAFE_INFO = frozenset(
    {
        "modality",
        "description",
        "manufacturer",
        "model",
        "kvp",
        "convolution_kernel",
        "slice_thickness",
        "photometric",
    }
)
