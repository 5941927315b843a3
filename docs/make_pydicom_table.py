"""Write docs/pydicom-files.md: what ctlab does with every file pydicom and pydicom-data ship.

For each file, ctlab either gives the Hounsfield units pydicom gives, or
refuses with a CTLabError whose message says why. The reference is
``pydicom.pixels.apply_modality_lut`` on ``Dataset.pixel_array`` (for an
enhanced multi-frame image, frame by frame with that frame's Pixel Value
Transformation from the functional groups), normalised the way ctlab
documents for its own output (``ctlab.load``): frames sorted along the
slice normal, then rows and columns flipped so that anterior is at the top
and the patient's left on the image's right (PS3.3 C.7.6.2.1.1).

``tests/test_pydicom_files.py`` checks that the committed table is current
and that no file gives a silent difference. Run from the repository root:
``python docs/make_pydicom_table.py``.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "pydicom-files.md"

#: Outcomes that keep ctlab's promise; anything else is a bug.
GOOD = ("same HU", "refused", "index: its folder loaded")


@dataclass(frozen=True)
class Outcome:
    """What ctlab did with one shipped file, against pydicom's reference."""

    name: str  # the file's path inside the package's test data folder
    source: str  # "pydicom" or "pydicom-data"
    # "same HU", "refused", "index: its folder loaded", "different HU", "crashed",
    # "loaded, pydicom cannot"
    verdict: str
    detail: str  # the error class and message, or what differs


def shipped_files() -> list[Path]:
    """Every DICOM file pydicom and pydicom-data ship, by name (not the text fixtures)."""
    from pydicom.data import get_testdata_files

    skipped = (".txt", ".json", ".dump", ".gz", ".icc", ".py")
    paths = {Path(p) for p in get_testdata_files() if not p.endswith(skipped)}
    return sorted((p for p in paths if p.is_file()), key=lambda p: shipped_name(p).lower())


def shipped_name(path: Path) -> str:
    """The file's path inside pydicom's test_files or pydicom-data's data folder."""
    parts = path.parts
    for root in ("test_files", "data"):
        if root in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(root) :])
    return path.name


def _cosines(ds: Any) -> list[float] | None:
    from ctlab.io.frames import frame_header

    value = ds.get("ImageOrientationPatient")
    if value is None and "NumberOfFrames" in ds:
        value = frame_header(ds, 0)["ImageOrientationPatient"]
    try:
        cosines = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    return cosines if len(cosines) == 6 else None


def reference_hu(ds: Any) -> np.ndarray:
    """pydicom's HU for a dataset, normalised as ctlab documents (see the module docstring)."""
    from pydicom.dataset import Dataset
    from pydicom.pixels import apply_modality_lut

    from ctlab.io.frames import frame_header

    pixels = ds.pixel_array
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    cosines = _cosines(ds)
    if frames == 1:
        hu = apply_modality_lut(pixels, ds).astype(np.float64)
    else:
        hu = np.empty(pixels.shape, dtype=np.float64)
        positions = []
        for frame in range(frames):
            rescale = Dataset()
            for keyword in ("RescaleSlope", "RescaleIntercept", "RescaleType"):
                value = frame_header(ds, frame)[keyword]
                value = ds.get(keyword) if value is None else value
                if value is not None:
                    setattr(rescale, keyword, value)
            hu[frame] = apply_modality_lut(pixels[frame], rescale)
            position = frame_header(ds, frame)["ImagePositionPatient"]
            positions.append(position)
        if cosines is not None and all(p is not None for p in positions):
            normal = np.cross(cosines[:3], cosines[3:])
            along = [float(np.dot(normal, [float(v) for v in p])) for p in positions]
            hu = hu[np.argsort(along, kind="stable")]
    if cosines is not None:
        if abs(cosines[0]) > 0.9 and cosines[0] < 0:
            hu = hu[..., ::-1]
        if abs(cosines[4]) > 0.9 and cosines[4] < 0:
            hu = hu[..., ::-1, :]
    return hu


def same_hu(ours: np.ndarray, reference: np.ndarray) -> bool:
    """Equal HU: exactly for integer output, to float32 rounding for float32 output."""
    if ours.shape != reference.shape:
        return False
    if ours.dtype.kind in "iu":
        return bool(np.array_equal(ours, reference))
    return bool(np.allclose(ours, reference, rtol=2**-22, atol=2**-14, equal_nan=True))


# Media Storage Directory Storage: the SOP Class of a DICOMDIR.
MEDIA_STORAGE_DIRECTORY = "1.2.840.10008.1.3.10"


def outcome(path: Path) -> Outcome:
    """Load one file with ctlab and with pydicom, and compare."""
    import pydicom

    import ctlab

    source = "pydicom-data" if "data_store" in path.parts else "pydicom"
    name = shipped_name(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            image = ctlab.load(path)
        except ctlab.CTLabError as error:
            # Paths as the table names them, not where this machine installed them.
            folder = str(path.parent)
            shown_folder = shipped_name(path.parent) if path.parent.name != "test_files" else "."
            message = str(error).replace(str(path), path.name).replace(folder, shown_folder)
            message = " ".join(message.split())
            return Outcome(name, source, "refused", f"`{type(error).__name__}`: {message}")
        except Exception as error:  # a bug: every failure must be a CTLabError
            return Outcome(name, source, "crashed", f"`{type(error).__name__}`: {error}")
    noted = sorted(
        {type(w.message).__name__ for w in caught if isinstance(w.message, ctlab.CTLabWarning)}
    )
    header = pydicom.dcmread(path, stop_before_pixels=True)
    if header.file_meta.get("MediaStorageSOPClassUID") == MEDIA_STORAGE_DIRECTORY:
        # A DICOMDIR indexes the files beside it, which ctlab loads as the folder;
        # each of those files has its own row in this table.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            folder = ctlab.load(path.parent)
        if not same_hu(np.asarray(image.hu), np.asarray(folder.hu)):
            return Outcome(name, source, "different HU", "not the series of its folder")
        return Outcome(name, source, "index: its folder loaded", f"{image.shape} from its folder")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reference = reference_hu(pydicom.dcmread(path))
    except Exception as error:
        detail = f"pydicom: `{type(error).__name__}`: {' '.join(str(error).split())[:160]}"
        return Outcome(name, source, "loaded, pydicom cannot", detail)
    ours = np.asarray(image.hu)
    if same_hu(ours, reference):
        note = f" (warned: {', '.join(noted)})" if noted else ""
        return Outcome(name, source, "same HU", f"{ours.dtype} {ours.shape}{note}")
    if ours.shape != reference.shape:
        difference = f"shape {ours.shape}, pydicom {reference.shape}"
    else:
        gap = np.abs(ours.astype(np.float64) - reference)
        difference = (
            f"{int(np.count_nonzero(gap > 0)):,} of {gap.size:,} pixels differ, by up to "
            f"{float(np.nanmax(gap)):g} HU; ctlab {float(ours.min()):g}..{float(ours.max()):g}, "
            f"pydicom {float(reference.min()):g}..{float(reference.max()):g}"
        )
    warned = f" (warned: {', '.join(noted)})" if noted else " (no warning)"
    return Outcome(name, source, "different HU", difference + warned)


def collect() -> list[Outcome]:
    """The outcome for every shipped file."""
    return [outcome(path) for path in shipped_files()]


def render(outcomes: list[Outcome]) -> str:
    """The table as Markdown."""
    import pydicom

    counts: dict[str, int] = {}
    for item in outcomes:
        counts[item.verdict] = counts.get(item.verdict, 0) + 1
    summary = ", ".join(f"{verdict}: {count}" for verdict, count in sorted(counts.items()))
    lines = [
        "# Every file pydicom ships, through ctlab",
        "",
        "For each DICOM file of pydicom's and pydicom-data's test data, `ctlab.load` either",
        "gives the Hounsfield units that `pydicom.pixels.apply_modality_lut` gives (frame by",
        "frame for an enhanced multi-frame image; frames sorted along the slice normal and",
        "the image flipped to the radiological orientation, as ctlab documents), or refuses",
        "with a `CTLabError` that says why. Any other line is a bug. Generated by",
        "`python docs/make_pydicom_table.py` and checked by `tests/test_pydicom_files.py`;",
        "do not edit by hand.",
        "",
        f"pydicom {pydicom.__version__}; {len(outcomes)} files; {summary}.",
        "",
        "| file | from | outcome | detail |",
        "|---|---|---|---|",
    ]
    for item in outcomes:
        detail = item.detail.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{item.name}` | {item.source} | {item.verdict} | {detail} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    OUTPUT.write_text(render(collect()))
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
