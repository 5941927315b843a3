"""Write windowed images as PNG or NumPy files: data sets for deep learning.

Outputs are de-identified by construction: file names are slice numbers, and
the manifest records the windows used and the redacted image summary only.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from ctlab.core.errors import ExportError
from ctlab.core.image import CTImage
from ctlab.core.voi import multiwindow
from ctlab.core.window import Window, resolve_window
from ctlab.io.labels import LabelMap, label_array, save_label_slice

__all__ = ["MANIFEST_NAME", "check_png_path", "export", "jpeg_roundtrip", "save_png"]

#: Name of the JSON manifest written beside the exported slices.
MANIFEST_NAME = "ctlab-manifest.json"

ExportFormat = Literal["png", "npy"]


def _grey_image(grey: npt.ArrayLike, file_format: str) -> npt.NDArray[np.uint8]:
    """``grey`` as an array, if it is uint8 grey levels or RGB that ``file_format`` can hold."""
    array = np.asarray(grey)
    if array.dtype != np.uint8 or not (
        array.ndim == 2 or (array.ndim == 3 and array.shape[2] == 3)
    ):
        raise ExportError(
            f"a {file_format} needs uint8 grey levels of shape (rows, cols) or (rows, cols, 3), "
            f"got {array.dtype} {array.shape}; window the HU first with ctlab.apply_window"
        )
    return array


def check_png_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if its name ends in .png: ctlab writes only PNG files.

    A PNG written under a name such as ``x.jpg`` would be opened as JPEG by
    other programs; a JPEG would lose the exact grey levels (see
    :func:`jpeg_roundtrip` to see what JPEG does to them).
    """
    target = Path(path)
    if target.suffix.lower() != ".png":
        raise ExportError(
            f"{target} does not end in .png: ctlab writes lossless PNG files only (a JPEG "
            "would change the grey levels); name the file something.png"
        )
    return target


def save_png(grey: npt.ArrayLike, path: str | os.PathLike[str]) -> Path:
    """Save an 8-bit image as a lossless PNG, exactly as given.

    Parameters
    ----------
    grey : array_like of uint8
        ``(rows, cols)`` grey levels or ``(rows, cols, 3)`` RGB, e.g. from
        :func:`ctlab.apply_window` or :func:`ctlab.multiwindow`.
    path : path-like
        Where to write, a name ending in ``.png``; its folder must exist.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ExportError
        If ``grey`` is not uint8 of a PNG-able shape, ``path`` does not end in
        ``.png``, or the file cannot be written.

    Examples
    --------
    >>> import numpy as np, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_png(np.zeros((4, 4), np.uint8), folder / "black.png").name
    'black.png'
    """
    from PIL import Image

    array = _grey_image(grey, "PNG")
    target = check_png_path(path)
    try:
        Image.fromarray(array, mode="L" if array.ndim == 2 else "RGB").save(target, format="PNG")
    except OSError as error:
        raise ExportError(f"cannot write {target}: {error.strerror or error}") from None
    return target


def jpeg_roundtrip(grey: npt.ArrayLike, *, quality: int = 75) -> npt.NDArray[np.uint8]:
    """Save an 8-bit image as JPEG in memory and read it back.

    What a data set of JPEG files holds: the grey levels after JPEG's lossy
    compression (8 x 8 block DCT, quantisation), which blurs fine texture
    and adds ringing near edges. Nothing is written to disk.

    Parameters
    ----------
    grey : array_like of uint8
        ``(rows, cols)`` grey levels or ``(rows, cols, 3)`` RGB.
    quality : int
        Pillow's JPEG quality, 1 (worst) .. 100; 75 is Pillow's default,
        and 90-95 what careful exporters choose.

    Returns
    -------
    ndarray of uint8
        A new array of the shape of ``grey``.

    Raises
    ------
    ExportError
        If ``grey`` is not uint8 of a JPEG-able shape, or ``quality`` is
        not an integer in 1..100.

    Examples
    --------
    >>> import numpy as np
    >>> flat = np.full((16, 16), 100, np.uint8)
    >>> bool((jpeg_roundtrip(flat) == flat).all())
    True
    >>> ramp = np.tile(np.arange(0, 256, 16, dtype=np.uint8), (16, 1))
    >>> bool((jpeg_roundtrip(ramp, quality=10) == ramp).all())
    False
    """
    import io

    from PIL import Image

    array = _grey_image(grey, "JPEG")
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)):
        raise ExportError(f"quality must be an integer from 1 to 100, got {quality!r}")
    if not 1 <= quality <= 100:
        raise ExportError(f"quality must be from 1 to 100, got {quality}")
    buffer = io.BytesIO()
    Image.fromarray(array, mode="L" if array.ndim == 2 else "RGB").save(
        buffer, format="JPEG", quality=int(quality)
    )
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return np.array(decoded.convert("L" if array.ndim == 2 else "RGB"), dtype=np.uint8)


def _window_record(window: Window) -> dict[str, Any]:
    return {
        "name": window.name,
        "center": window.center,
        "width": window.width,
        "low": window.low,
        "high": window.high,
        "function": window.function,
    }


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
    invert: bool = False,
    overwrite: bool = False,
    source: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    labels: LabelMap | npt.ArrayLike | None = None,
) -> Path:
    """Export every slice of an image, windowed, as a data set.

    One window gives grey images; several give one channel per window
    (three make an RGB PNG). Files are named ``slice_0000.png`` ... in slice
    order; a JSON manifest (:data:`MANIFEST_NAME`) records the windows, the
    channel order, each file's slice position and the redacted image summary.

    Parameters
    ----------
    image : CTImage
        The scan, e.g. from :func:`ctlab.load`.
    folder : path-like
        Output folder; created if missing. Must be empty unless ``overwrite``.
    windows : sequence of Window or str
        One window or preset name per channel.
    format : {"png", "npy"}
        Lossless PNG (1 or 3 channels) or NumPy ``.npy`` arrays of uint8,
        shape ``(rows, cols)`` for one window, ``(rows, cols, k)`` for k.
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
        For an unknown format, a channel count PNG cannot hold, a non-empty
        folder, the input folder as output, or a write failure.

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
    if format not in ("png", "npy"):
        raise ExportError(f"format must be 'png' or 'npy', got {format!r}")
    resolved = [resolve_window(window) for window in windows]
    if not resolved:
        raise ExportError("give at least one window (preset) to export")
    if format == "png" and len(resolved) not in (1, 3):
        raise ExportError(
            f"a PNG holds 1 (grey) or 3 (RGB) channels, got {len(resolved)} windows; "
            "give 1 or 3 presets, or use format='npy' (--format npy)"
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
    for index in range(total):
        channels = multiwindow(image.slice_hu(index), resolved, invert=invert)
        pixels = channels[..., 0] if len(resolved) == 1 else channels
        name = f"slice_{index:04d}.{format}"
        if format == "png":
            save_png(pixels, target / name)
        else:
            try:
                np.save(target / name, pixels, allow_pickle=False)
            except OSError as error:
                raise ExportError(f"cannot write {target / name}: {error}") from None
        entry: dict[str, Any] = {"file": name, "slice_index": index}
        if label_values is not None:
            entry["labels"] = f"labels/{name}"
            save_label_slice(
                label_values[index] if image.is_volume else label_values, target / entry["labels"]
            )
        if index < len(image.slice_positions):
            entry["position_mm"] = image.slice_positions[index]
        files.append(entry)
        if progress is not None:
            progress(index + 1, total)

    manifest = {
        "format": format,
        "dtype": "uint8",
        "channels": [window.name or str(window) for window in resolved],
        "windows": [_window_record(window) for window in resolved],
        "invert": invert,
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
    try:
        manifest_path.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
    except OSError as error:
        raise ExportError(f"cannot write {manifest_path}: {error.strerror or error}") from None
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
