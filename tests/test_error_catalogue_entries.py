"""Every entry of the error catalogue (docs/errors.md) is met by a test, through ctlab's API.

``TRIGGERS`` maps each catalogue entry, named by the function that raises
it, its class and the start of its message, to a function that makes ctlab
raise (or warn) exactly that entry on crafted input. One parametrized test
runs every entry's trigger and checks the class, the message against the
catalogue's template and, where the template has a file or folder
placeholder (``{file}``, ``{path}``, ``{where}``...), that the one used is
named. A meta-test keeps the table and the catalogue equal, so a new
``raise`` in ctlab without a trigger here fails the suite.

Three entries are defensive branches that ``ctlab.load`` cannot reach with
pydicom's default settings and a machine's memory; their triggers say why
and call the function that raises them (``read_header`` on a folder,
``_allocate`` past numpy's size limit, the sample loader as if
pydicom-data were not installed). One needs pydicom's strict reading mode, which a user can
switch on (a header cut inside an undefined-length element).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pydicom
import pytest
from pydicom.uid import MPEG2MPML

import ctlab
from ctlab import cli
from ctlab.core.errors import CTLabError, CTLabWarning
from tests.error_cases import (
    ABDOMEN_J2K,
    CHEST,
    ct_file,
    enhanced_ct,
    quiet_pydicom,
    rle_chest,
    series,
    with_pixel_data_length,
)
from tests.io.conftest import ct_dataset
from tests.test_error_catalogue import load_generator

ENTRIES = load_generator().collect()


@dataclass
class Context:
    """What a trigger gets: a scratch folder, pytest's helpers, and what the message must name."""

    tmp: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]
    named: list[str] = field(default_factory=list)

    def name(self, path: str | Path) -> Path:
        """Record that the message must name ``path`` (as given); return it as a Path."""
        self.named.append(str(path))
        return Path(path)


#: Placeholders that stand for a file or folder: the message must name the one the trigger used.
NAMING = (
    "{file}",
    "{path}",
    "{slice_file.path}",
    "{file.path.name}",
    "{folder}",
    "{target}",
    "{target / name}",
    "{where}",
    "{args.path}",
)

Trigger = Callable[[Context], object]
#: (module.function where it is raised, class name, start of the message) -> trigger.
TRIGGERS: dict[tuple[str, str, str], Trigger] = {}


def case(where: str, cls: str, start: str) -> Callable[[Trigger], Trigger]:
    """Register the decorated function as the trigger of one catalogue entry."""

    def register(trigger: Trigger) -> Trigger:
        key = (where, cls, start)
        assert key not in TRIGGERS, f"two triggers for {key}"
        TRIGGERS[key] = trigger
        return trigger

    return register


def _matches(key: tuple[str, str, str], entry) -> bool:
    where, cls, start = key
    return entry.where == where and entry.cls == cls and entry.message.startswith(start)


def template_regex(template: str) -> re.Pattern[str]:
    """The catalogue's message template as a regex: literal text escaped, ``{...}`` as ``.+?``.

    A placeholder holding a conditional expression (a plural ``s``) may be empty.
    """
    parts = []
    for piece in re.split(r"(\{[^{}]*\})", template):
        if piece.startswith("{") and piece.endswith("}"):
            parts.append(".*?" if " if " in piece else ".+?")
        else:
            parts.append(re.escape(piece))
    return re.compile("".join(parts), re.DOTALL)


def _cli(ctx: Context, *argv: str) -> None:
    """Run ``ctlab.cli.main(argv)``; check exit status 2 and the one stderr line; re-raise its error."""
    command = argv[0]
    original = cli._COMMANDS[command]
    caught: list[CTLabError] = []

    def spy(args):
        try:
            original(args)
        except CTLabError as error:
            caught.append(error)
            raise

    ctx.monkeypatch.setitem(cli._COMMANDS, command, spy)
    status = cli.main(list(argv))
    err = ctx.capsys.readouterr().err
    assert status == 2 and len(caught) == 1, (status, err)
    assert err == f"ctlab {command}: error: {caught[0]}\n"
    raise caught[0]


HU = np.array([[-1000, -80], [40, 1000]], dtype=np.int16)


# ctlab.cli ---------------------------------------------------------------------------------------


@case("ctlab.cli._chosen_window", "CTLabError", "give either --preset or")
def _(ctx):
    _cli(ctx, "window", CHEST, "--preset", "fat", "--width", "3", "-o", str(ctx.tmp / "x.png"))


@case("ctlab.cli._chosen_window", "CTLabError", "--center and --width go together")
def _(ctx):
    _cli(ctx, "window", CHEST, "--center", "40", "-o", str(ctx.tmp / "x.png"))


@case("ctlab.cli._export", "CTLabError", "{output} is not empty")
def _(ctx: Context) -> None:
    (ctx.tmp / "keep.txt").write_text("x")
    _cli(ctx, "export", CHEST, "-o", str(ctx.name(ctx.tmp)))


@case("ctlab.cli._window", "CTLabError", "--slice {index} is out of range")
def _(ctx):
    _cli(ctx, "window", str(ctx.name(CHEST)), "--preset", "fat", "--slice", "3", "-o", "x.png")


# ctlab.core --------------------------------------------------------------------------------------


@case("ctlab.core.hounsfield.resolve_tissue", "InvalidImageError", "no tissue band named")
def _(ctx):
    ctlab.tissue_mask(HU, "bones")


@case("ctlab.core.image.CTImage.__post_init__", "InvalidImageError", "hu must be 2-D or 3-D")
def _(ctx):
    ctlab.CTImage(np.zeros(5, np.int16), spacing=(1.0,))


@case("ctlab.core.image.CTImage.__post_init__", "InvalidImageError", "hu must hold numbers")
def _(ctx):
    ctlab.CTImage(np.array([["air", "fat"]]), spacing=(1.0, 1.0))


@case("ctlab.core.image.CTImage.__post_init__", "InvalidImageError", "spacing needs one positive")
def _(ctx):
    ctlab.CTImage(HU, spacing=(0.5, -0.5))


@case("ctlab.core.image.CTImage.__post_init__", "InvalidImageError", "labels shape")
def _(ctx):
    ctlab.CTImage(HU, spacing=(1.0, 1.0), labels=np.zeros((3, 3), np.uint8))


@case("ctlab.core.metrics.grey_levels", "InvalidImageError", "low must not exceed high")
def _(ctx):
    ctlab.grey_levels("fat", -60, -100)


@case("ctlab.core.metrics._masked", "InvalidImageError", "mask shape")
def _(ctx):
    ctlab.clipped_fractions(HU, "default", mask=np.ones((3, 3), bool))


@case("ctlab.core.metrics.hu_histogram", "InvalidImageError", "hu must hold numbers")
def _(ctx):
    ctlab.hu_histogram(np.array(["air", "fat"]))


@case("ctlab.core.metrics.hu_histogram", "InvalidImageError", "hu has no pixels to count")
def _(ctx):
    ctlab.hu_histogram(HU, mask=np.zeros(HU.shape, bool))


@case("ctlab.core.metrics.tissue_amounts", "InvalidImageError", "need a 2-D or 3-D hu")
def _(ctx):
    ctlab.tissue_amounts(HU, spacing=(1.0,))


@case("ctlab.core.voi.grey_lut", "InvalidWindowError", "dtype must be int8")
def _(ctx):
    from ctlab.core.voi import grey_lut  # the table apply_window uses; public in ctlab.core.voi

    grey_lut("default", dtype=np.float32)


@case("ctlab.core.voi._as_hu_array", "InvalidWindowError", "hu must be an array of real numbers")
def _(ctx):
    ctlab.apply_window(np.array(["-1000", "40"]), "default")


@case("ctlab.core.voi.multiwindow", "InvalidWindowError", "windows must be a non-empty sequence")
def _(ctx):
    ctlab.multiwindow(HU, [])


@case("ctlab.core.window.check_function", "InvalidWindowError", "function must be one of")
def _(ctx):
    ctlab.apply_window(HU, "default", function="cubic")


@case("ctlab.core.window.Window.__post_init__", "InvalidWindowError", "{label} must be a number")
def _(ctx):
    ctlab.Window("forty", 400)


@case("ctlab.core.window.Window.__post_init__", "InvalidWindowError", "{label} must be finite")
def _(ctx):
    ctlab.Window(40, float("inf"))


@case("ctlab.core.window.Window.__post_init__", "InvalidWindowError", "width must be >= 1 HU")
def _(ctx):
    ctlab.Window(40, 0.5)


@case("ctlab.core.window.Window.from_range", "InvalidWindowError", "low and high must be numbers")
def _(ctx):
    ctlab.Window.from_range("fat", 100)


@case("ctlab.core.window.Window.from_range", "InvalidWindowError", "high must exceed low")
def _(ctx):
    ctlab.Window.from_range(-100, -99.5)


@case("ctlab.core.window.Window.from_dicom", "InvalidWindowError", "Window Center (0028,1050) has")
def _(ctx):
    header = pydicom.Dataset()
    header.WindowCenter, header.WindowWidth = [40, 400], 400
    ctlab.Window.from_dicom(header)


@case("ctlab.core.window.Window.from_dicom", "InvalidWindowError", "VOI LUT Function (0028,1056)")
def _(ctx):
    header = pydicom.Dataset()
    header.WindowCenter, header.WindowWidth, header.VOILUTFunction = 40, 400, "CUBIC"
    ctlab.Window.from_dicom(header)


@case("ctlab.core.window.Window.from_dicom", "InvalidWindowError", "window {index + 1} of")
def _(ctx):
    header = pydicom.Dataset()
    header.WindowCenter, header.WindowWidth = [40, 40], [400, 0.5]
    ctlab.Window.from_dicom(header)


@case("ctlab.core.window.resolve_window", "InvalidWindowError", "no preset named")
def _(ctx):
    ctlab.apply_window(HU, "livr")


@case("ctlab.core.window.resolve_window", "InvalidWindowError", "window must be a ctlab.Window")
def _(ctx):
    ctlab.apply_window(HU, (40, 400))


# ctlab.core.conversion ---------------------------------------------------------------------------


@case(
    "ctlab.core.conversion._hu_values", "InvalidImageError", "hu must be an array of real numbers"
)
def _(ctx):
    ctlab.conversion.naive_grey(np.array(["-1000", "40"]), method="minmax")


@case("ctlab.core.conversion._hu_values", "InvalidImageError", "hu is empty")
def _(ctx):
    ctlab.conversion.naive_grey(np.array([], np.int16), method="minmax")


@case("ctlab.core.conversion._finite_range", "InvalidImageError", "hu holds no finite value")
def _(ctx):
    ctlab.conversion.naive_window(np.array([np.nan, np.inf]), method="minmax")


@case("ctlab.core.conversion.naive_window", "InvalidWindowError", "method must be one of")
def _(ctx):
    ctlab.conversion.naive_window(HU, method="gamma")


@case("ctlab.core.conversion.naive_window", "InvalidWindowError", "method='header_window' needs")
def _(ctx):
    ctlab.conversion.naive_window(HU, method="header_window", window=None)


@case("ctlab.core.conversion.naive_window", "InvalidImageError", "method={method!r} cannot convert")
def _(ctx):
    ctlab.conversion.naive_grey(np.full((2, 2), -80, np.int16), method="clip_negative")


@case("ctlab.core.conversion.grey_to_hu", "InvalidWindowError", "grey_to_hu inverts linear")
def _(ctx):
    grey = np.array([0, 128, 255], np.uint8)
    ctlab.conversion.grey_to_hu(grey, ctlab.Window(40, 400, function="sigmoid"))


@case("ctlab.core.conversion._grey_values", "InvalidImageError", "grey must be 8-bit grey levels")
def _(ctx):
    ctlab.conversion.levels_used(HU)


@case("ctlab.core.conversion._mask_of", "InvalidImageError", "{name} must be an array of bool")
def _(ctx):
    ctlab.conversion.levels_used(
        ctlab.apply_window(HU, "default"), mask=np.ones(HU.shape, np.uint8)
    )


@case("ctlab.core.conversion._mask_of", "InvalidImageError", "{name} shape {array.shape} differs")
def _(ctx):
    ctlab.conversion.dice(HU > 0, np.ones((3, 3), bool))


@case("ctlab.core.conversion._selected", "InvalidImageError", "values must be numbers")
def _(ctx):
    ctlab.conversion.texture(np.array(["fat", "liver"]))


@case("ctlab.core.conversion._require_pixels", "InvalidImageError", "{what} selects no pixel")
def _(ctx):
    ctlab.conversion.contrast(HU, HU < 0, np.zeros(HU.shape, bool))


@case("ctlab.core.conversion.hu_per_grey_level", "InvalidImageError", "hu shape {values.shape}")
def _(ctx):
    ctlab.conversion.hu_per_grey_level(HU, ctlab.apply_window(HU[:1], "default"))


# ctlab.io.header: reading a header ----------------------------------------------------------------


@case("ctlab.io.header.read_header", "InvalidDicomError", "{file} is a folder")
def _(ctx):
    # ctlab.load sends a folder to the series search, which reads only the files in it, so
    # this defensive branch is met only by calling read_header (public in ctlab.io.header).
    from ctlab.io.header import read_header

    read_header(ctx.name(ctx.tmp))


@case("ctlab.io.header.read_header", "InvalidDicomError", "{file} is empty (0 bytes); the export")
def _(ctx):
    path = ctx.name(ctx.tmp / "empty.dcm")
    path.write_bytes(b"")
    ctlab.load(path)


@case("ctlab.io.header.read_header", "InvalidDicomError", "{file} is empty (0 bytes); the upload")
def _(ctx):
    ctlab.load(b"", name=str(ctx.name("empty.dcm")))


@case(
    "ctlab.io.header.read_header",
    "InvalidDicomError",
    "{file} is not a DICOM file (no 'DICM' marker, and",
)
def _(ctx):
    path = ctx.name(ctx.tmp / "notes.txt")
    path.write_text("scan notes: liver 60 HU, fat -80 HU\n" * 10)
    ctlab.load(path)


@case("ctlab.io.header.read_header", "InvalidDicomError", "{file} is not a DICOM file, or")
def _(ctx):
    # pydicom raises EOFError only in its strict reading mode (with its default it warns and
    # returns an empty dataset): a user may switch it on. An undefined-length element whose
    # delimiter never comes runs into the end of the file.
    path = ct_file(ctx.name(ctx.tmp / "cut.dcm"))
    path.write_bytes(path.read_bytes() + b"\xe1\x7f\x10\x00OB\x00\x00\xff\xff\xff\xff" + b"\1" * 64)
    settings = pydicom.config.settings
    ctx.monkeypatch.setattr(settings, "reading_validation_mode", pydicom.config.RAISE)
    ctlab.load(path)


@case("ctlab.io.header.read_header", "InvalidDicomError", "{file} has a damaged DICOM header")
def _(ctx):
    path = ctx.name(ctx.tmp / "cut.dcm")
    path.write_bytes(Path(CHEST).read_bytes()[:143])  # cut inside the file meta header
    ctlab.load(path)


@case(
    "ctlab.io.header.read_header",
    "InvalidDicomError",
    "{file} is not a DICOM file (no 'DICM' marker and",
)
def _(ctx):
    # Parses as a DICOM data set (PatientName, implicit VR) but has no image header.
    path = ctx.name(ctx.tmp / "name.bin")
    path.write_bytes(b"\x10\x00\x10\x00\x04\x00\x00\x00Doe^")
    ctlab.load(path)


@case("ctlab.io.header._parse_elements", "InvalidDicomError", "{file}: element")
def _(ctx):
    path = ct_file(ctx.name(ctx.tmp / "long.dcm"), np.zeros((64, 64), np.int16))
    ctlab.load(with_pixel_data_length(path, 0x7FFFFFF0))


# ctlab.io.header: pixel data lengths --------------------------------------------------------------


@case("ctlab.io.header.check_pixel_length", "InvalidDicomError", "{file}: NumberOfFrames")
def _(ctx):
    ds = pydicom.dcmread(ABDOMEN_J2K)
    ds.NumberOfFrames = 5
    ds.save_as(ctx.name(ctx.tmp / "frames.dcm"), enforce_file_format=True)
    ctlab.load(ctx.tmp / "frames.dcm")


@case(
    "ctlab.io.header.check_pixel_length", "InvalidDicomError", "{file}: {size} pixels cannot come"
)
def _(ctx):
    ctlab.load(rle_chest(ctx.name(ctx.tmp / "rle.dcm"), Rows=30000))


@case("ctlab.io.header.check_pixel_length", "InvalidDicomError", "{file}: the compressed image is")
def _(ctx):
    ds = pydicom.dcmread(ABDOMEN_J2K)
    ds.Rows = 256
    ds.save_as(ctx.name(ctx.tmp / "rows.dcm"), enforce_file_format=True)
    ctlab.load(ctx.tmp / "rows.dcm")


@case("ctlab.io.header.check_pixel_length", "InvalidDicomError", "{file}: Pixel Data")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "liar.dcm"), Rows=30000))


# ctlab.io.pixels: header values -------------------------------------------------------------------


@case("ctlab.io.pixels._number", "InvalidDicomError", "{keyword} {tag} is {value!r} in {file}, not")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "slope.dcm"), slope=[1, 2]))


@case("ctlab.io.pixels._number", "InvalidDicomError", "{keyword} {tag} is {value!r} in {file};")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "intercept.dcm"), intercept="nan"))


@case("ctlab.io.pixels._check_modality", "DataPitfallWarning", "Modality (0008,0060) is missing")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "nomodality.dcm"), missing=["Modality"]))


@case("ctlab.io.pixels._check_modality", "NotHounsfieldError", "{file} is {what}, not CT")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "mr.dcm"), modality="MR"))


@case("ctlab.io.pixels._check_modality", "DataPitfallWarning", "RescaleType (0028,1054) is 'US'")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "us.dcm"), RescaleType="US"))


@case(
    "ctlab.io.pixels._check_modality",
    "NotHounsfieldError",
    "RescaleType (0028,1054) is {rescale_type!r}",
)
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "od.dcm"), RescaleType="OD"))


@case("ctlab.io.pixels._check_modality", "InvalidDicomError", "BitsAllocated (0028,0100)")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "bits.dcm"), BitsAllocated=12))


@case("ctlab.io.pixels._check_modality", "NotHounsfieldError", "{file} is a colour image")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "rgb.dcm"), SamplesPerPixel=3))


@case("ctlab.io.pixels._rescale", "DataPitfallWarning", "RescaleSlope (0028,1053) and")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "norescale.dcm"), slope=None, intercept=None))


@case("ctlab.io.pixels._rescale", "InvalidDicomError", "RescaleSlope (0028,1053) is 0")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "IM0007"), slope=0.0))


# ctlab.io.pixels: decoding ------------------------------------------------------------------------


@case("ctlab.io.pixels.check_ct", "NoPixelDataError", "{file} has no image")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "report.dcm"), missing=["PixelData"]))


@case("ctlab.io.pixels._decode", "DecoderMissingError", "{file} is compressed as")
def _(ctx):
    from pydicom.pixels import get_decoder

    syntax = pydicom.dcmread(ABDOMEN_J2K, stop_before_pixels=True).file_meta.TransferSyntaxUID
    ctx.monkeypatch.setattr(get_decoder(syntax), "_available", {})  # as if not installed
    ctlab.load(ctx.name(ABDOMEN_J2K))


@case("ctlab.io.pixels._decode", "InvalidDicomError", "{file}: its pixel data cannot be decoded")
def _(ctx):
    path = ctx.name(ctx.tmp / "video.dcm")
    with quiet_pydicom():
        ds = pydicom.dcmread(ct_file(path))
    ds.file_meta.TransferSyntaxUID = MPEG2MPML  # a video syntax: no image decoder
    ds.PixelData = pydicom.encaps.encapsulate([b"\0" * 24])
    ds.save_as(path, enforce_file_format=True)
    ctlab.load(path)


@case("ctlab.io.pixels._decode", "InvalidDicomError", "{file}: its pixel data is damaged")
def _(ctx):
    path = ct_file(ctx.name(ctx.tmp / "short.dcm"), np.zeros((64, 64), np.int16))
    path.write_bytes(path.read_bytes()[:-100])  # the header still claims all 8192 bytes
    ctlab.load(path)


@case("ctlab.io.pixels._stored_values", "DataPitfallWarning", "{file} says unsigned")
def _(ctx):
    hu = np.array([[-1000, 40]], dtype=np.int16)
    path = ctx.name(ctx.tmp / "wrap.dcm")
    ct_file(path, hu.view(np.uint16), intercept=0.0, BitsStored=12, HighBit=11)
    ctlab.load(path)


@case("ctlab.io.pixels._stored_values", "DataPitfallWarning", "{file} has values outside")
def _(ctx):
    stored = np.array([[0, 1024]], dtype=np.uint16) | np.uint16(0x8000)
    path = ctx.name(ctx.tmp / "overlay.dcm")
    ct_file(path, stored, BitsStored=12, HighBit=11)
    ctlab.load(path)


@case("ctlab.io.pixels.check_ct", "DataPitfallWarning", "PhotometricInterpretation (0028,0004)")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "m1.dcm"), PhotometricInterpretation="MONOCHROME1"))


@case("ctlab.io.pixels.to_hu", "InvalidDicomError", "{file}: its pixel data has shape")
def _(ctx):
    # A two-frame file among single slices: its pixel data is two slices' worth.
    folder = series(ctx.tmp / "scan", 1)
    ds = ct_dataset(np.zeros((3, 4), np.int16), position=9.0, instance=2, NumberOfFrames=2)
    ds.PixelData = np.zeros((2, 3, 4), np.int16).tobytes()
    ds.save_as(ctx.name(folder / "two.dcm"), enforce_file_format=True)
    ctlab.load(folder)


# ctlab.io.export ---------------------------------------------------------------------------------


def _volume() -> ctlab.CTImage:
    return ctlab.CTImage(np.stack([HU, HU]), spacing=(2.5, 0.5, 0.5))


@case("ctlab.io.export._grey_image", "ExportError", "a {file_format} needs uint8 grey levels")
def _(ctx):
    ctlab.save_png(HU, ctx.tmp / "hu.png")


@case("ctlab.io.export.save_png", "ExportError", "cannot write {target}")
def _(ctx):
    ctlab.save_png(ctlab.apply_window(HU, "default"), ctx.name(ctx.tmp / "nowhere" / "x.png"))


@case("ctlab.io.export._prepare_folder", "ExportError", "{folder} is a file")
def _(ctx):
    (ctx.tmp / "out").write_text("not a folder")
    ctlab.export(_volume(), ctx.name(ctx.tmp / "out"))


@case("ctlab.io.export._prepare_folder", "ExportError", "{folder} is the folder the scan")
def _(ctx):
    folder = series(ctx.name(ctx.tmp / "scan"))
    ctlab.export(ctlab.load(folder), folder, source=folder)


@case("ctlab.io.export._prepare_folder", "ExportError", "{folder} is not empty")
def _(ctx):
    (ctx.tmp / "keep.txt").write_text("x")
    ctlab.export(_volume(), ctx.name(ctx.tmp))


@case("ctlab.io.export._prepare_folder", "ExportError", "cannot create {folder}")
def _(ctx):
    (ctx.tmp / "file").write_text("x")
    ctlab.export(_volume(), ctx.name(ctx.tmp / "file" / "out"))


@case("ctlab.io.export.export", "ExportError", "format must be 'png' or 'npy'")
def _(ctx):
    ctlab.export(_volume(), ctx.tmp / "out", format="jpg")


@case("ctlab.io.export.export", "ExportError", "give at least one window")
def _(ctx):
    ctlab.export(_volume(), ctx.tmp / "out", windows=[])


@case("ctlab.io.export.export", "ExportError", "a PNG holds 1 (grey) or 3 (RGB) channels")
def _(ctx):
    ctlab.export(_volume(), ctx.tmp / "out", windows=["brain", "bone"])


@case("ctlab.io.export.export", "ExportError", "cannot write {target / name}")
def _(ctx):
    ctx.name(ctx.tmp / "out" / "slice_0000.npy").mkdir(parents=True)  # a folder in its place
    ctlab.export(_volume(), ctx.tmp / "out", format="npy", overwrite=True)


@case("ctlab.io.export.jpeg_roundtrip", "ExportError", "quality must be an integer")
def _(ctx):
    ctlab.conversion.jpeg_roundtrip(ctlab.apply_window(HU, "default"), quality=75.0)


@case("ctlab.io.export.jpeg_roundtrip", "ExportError", "quality must be from 1 to 100")
def _(ctx):
    ctlab.conversion.jpeg_roundtrip(ctlab.apply_window(HU, "default"), quality=0)


# ctlab.io.loader ---------------------------------------------------------------------------------


@case("ctlab.io.loader.load", "SeriesError", "no files given to ctlab.load")
def _(ctx):
    ctlab.load([])


@case("ctlab.io.loader.load", "CTLabError", "name={name!r} is for in-memory data")
def _(ctx):
    ctlab.load(CHEST, name="chest.dcm")


@case("ctlab.io.loader._memory_file", "InvalidDicomError", "{label} holds")
def _(ctx):
    upload = {"name": str(ctx.name("scan.dcm")), "content": Path(CHEST).read_text("latin-1")}
    ctlab.load(upload)


@case("ctlab.io.loader._in_memory", "CTLabError", "ctlab.load cannot read a")
def _(ctx):
    ctlab.load(42)


@case("ctlab.io.loader._in_memory", "SeriesError", "item {index + 1} of the list given")
def _(ctx):
    ctlab.load([Path(CHEST).read_bytes(), CHEST])


@case("ctlab.io.loader._in_memory", "CTLabError", "item {index + 1} of the list given")
def _(ctx):
    ctlab.load([Path(CHEST).read_bytes(), 42])


@case("ctlab.io.loader._frame_count", "InvalidDicomError", "NumberOfFrames (0028,0008) is")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "frames.dcm"), NumberOfFrames=[2, 3]))


@case("ctlab.io.loader._shape", "InvalidDicomError", "{path} lacks a usable Rows")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "norows.dcm"), missing=["Rows"]))


@case("ctlab.io.loader._shape", "InvalidDicomError", "{path} says its image is")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "rows0.dcm"), Rows=0))


@case("ctlab.io.loader._allocate", "MemoryBudgetError", "{where}: {size} voxels need")
def _(ctx):
    ctlab.load(series(ctx.name(ctx.tmp / "scan")), memory_limit=10)


@case("ctlab.io.loader._allocate", "MemoryBudgetError", "{where}: {size} voxels ({needed")
def _(ctx):
    # Only when numpy cannot allocate what the budget allows: a real scan larger than memory
    # with memory_limit raised past it. Met here by calling the allocator with a shape numpy
    # refuses outright, as no test can exhaust the machine's memory.
    from ctlab.io.loader import _allocate

    _allocate((2**40, 2**40, 2**40), float("inf"), ctx.name(ctx.tmp / "scan"))


@case(
    "ctlab.io.loader._read_frames", "InvalidDicomError", "frame {frame + 1} of {path} has {keyword}"
)
def _(ctx):
    path = ctx.name(ctx.tmp / "enhanced.dcm")
    enhanced_ct([1, 2]).save_as(path, enforce_file_format=True)
    ctlab.load(path)


@case(
    "ctlab.io.loader._read_frames",
    "InvalidDicomError",
    "frame {frame + 1} of {path} has RescaleSlope",
)
def _(ctx):
    path = ctx.name(ctx.tmp / "enhanced.dcm")
    enhanced_ct(0).save_as(path, enforce_file_format=True)
    ctlab.load(path)


@case("ctlab.io.loader._pixel_spacing", "SeriesWarning", "PixelSpacing (0028,0030) is")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "nospacing.dcm"), missing=["PixelSpacing"]))


@case("ctlab.io.loader._slice_spacing", "SeriesWarning", "slice positions were not usable")
def _(ctx):
    ctlab.load(series(ctx.tmp / "scan", position=None, SliceThickness=3.0))


@case("ctlab.io.loader._slice_spacing", "SeriesWarning", "slice spacing unknown")
def _(ctx):
    ctlab.load(series(ctx.tmp / "scan", position=None))


@case("ctlab.io.loader._header_windows", "SeriesWarning", "ignored the window in")
def _(ctx):
    ctlab.load(ct_file(ctx.name(ctx.tmp / "window.dcm"), WindowCenter=[40, 50], WindowWidth=400))


# ctlab.io.privacy, ctlab.io.sample ---------------------------------------------------------------


@case("ctlab.io.privacy._first_dicom_file", "InvalidDicomError", "{path} holds no DICOM file")
def _(ctx):
    (ctx.tmp / "notes.txt").write_text("no scans here")
    ctlab.patient_identifiers(ctx.name(ctx.tmp))


@case("ctlab.io.privacy.patient_identifiers", "InvalidDicomError", "{file} is not a readable DICOM")
def _(ctx):
    path = ctx.name(ctx.tmp / "notes.txt")
    path.write_text("scan notes\n" * 20)
    ctlab.patient_identifiers(path)


@case("ctlab.io.sample._packaged_file", "CTLabError", "the sample file {name} is not installed")
def _(ctx):
    # As if pydicom-data were not installed: pydicom finds none of its files.
    ctx.monkeypatch.setattr(pydicom.data, "get_testdata_file", lambda name, download=True: None)
    ctx.name("explicit_VR-UN.dcm")
    ctlab.data.abdomen.__wrapped__()  # the uncached function: the cache may hold the scan


# ctlab.io.series ---------------------------------------------------------------------------------


@case("ctlab.io.series.find_series", "SeriesError", "no CT images in {where} ({summary}); upload")
def _(ctx):
    ctx.name("the 2 uploaded files")
    ctlab.load([b"scan notes", {"name": "notes.txt", "content": b"liver 60 HU"}])


@case("ctlab.io.series.find_series", "SeriesError", "no CT images in {where} ({summary}); point")
def _(ctx):
    (ctx.tmp / "notes.txt").write_text("no scans here")
    ctlab.load(ctx.name(ctx.tmp))


@case("ctlab.io.series.find_series", "SeriesError", "no CT series {series_uid!r}")
def _(ctx):
    ctlab.load(series(ctx.name(ctx.tmp / "scan")), series_uid=7)


@case("ctlab.io.series.find_series", "SeriesWarning", "{where} holds {len(candidates)} CT series")
def _(ctx):
    folder = series(ctx.name(ctx.tmp / "scan"))
    ct_file(folder / "other.dcm", series_uid="1.2.3.9", series_number=7)
    ctlab.load(folder)


@case("ctlab.io.series.find_series", "SeriesWarning", "skipped {found} in {where}")
def _(ctx):
    folder = series(ctx.name(ctx.tmp / "scan"))
    (folder / "notes.txt").write_text("scan notes")
    ctlab.load(folder)


@case("ctlab.io.series._check_consistent", "SeriesError", "{series.label} mixes image sizes")
def _(ctx):
    folder = series(ctx.tmp / "scan")
    ct_file(folder / ctx.name("odd.dcm"), np.zeros((5, 4), np.int16), position=10.0)
    ctlab.load(folder)


@case("ctlab.io.series.order_slices", "SeriesError", "{series.label} mixes slice orientations")
def _(ctx):
    folder = series(ctx.tmp / "scan")
    ct_file(folder / "sagittal.dcm", position=10.0, ImageOrientationPatient=[0, 1, 0, 0, 0, -1])
    ctlab.load(folder)


@case("ctlab.io.series.order_slices", "SeriesWarning", "{series.label} lacks ImagePositionPatient")
def _(ctx):
    ctlab.load(series(ctx.tmp / "scan", position=None, SliceThickness=3.0))


@case("ctlab.io.series.order_slices", "SeriesWarning", "{file.path.name} is at the same position")
def _(ctx):
    folder = series(ctx.tmp / "scan")
    ct_file(folder / ctx.name("dup.dcm"), position=2.5, instance=99)
    ctlab.load(folder)


@case("ctlab.io.series.order_slices", "SeriesWarning", "gap of {step} mm between slices")
def _(ctx):
    folder = series(ctx.tmp / "scan")
    ct_file(folder / "IM0009", position=10.0, instance=9)  # slices at 0, 2.5, 5 and 10 mm
    ctlab.load(folder)


# ctlab.io.write ----------------------------------------------------------------------------------


@case("ctlab.io.write.write_series", "InvalidImageError", "write_series needs int16 HU")
def _(ctx):
    from ctlab.io.write import write_series

    write_series(ctlab.CTImage(HU.astype(np.float32), spacing=(1.0, 1.0)), ctx.tmp / "out")


@case("ctlab.io.write.write_series", "InvalidImageError", "HU up to")
def _(ctx):
    from ctlab.io.write import write_series

    write_series(ctlab.CTImage(np.full((2, 2), 32000, np.int16), spacing=(1.0, 1.0)), ctx.tmp)


@case("ctlab.io.write.write_series", "ExportError", "{target} already holds DICOM files")
def _(ctx):
    from ctlab.io.write import write_series

    ct_file(ctx.tmp / "old.dcm")
    write_series(ctlab.CTImage(HU, spacing=(1.0, 1.0)), ctx.name(ctx.tmp))


@case("ctlab.io.write.write_series", "ExportError", "cannot write {path}")
def _(ctx):
    from ctlab.io.write import write_series

    ctx.name(ctx.tmp / "slice_000.dcm").mkdir()  # a folder in the file's place
    write_series(ctlab.CTImage(HU, spacing=(1.0, 1.0)), ctx.tmp, overwrite=True)


# ctlab.plot --------------------------------------------------------------------------------------


@case("ctlab.plot.slice.overlay_tissues", "InvalidImageError", "opacity must be between 0 and 1")
def _(ctx):
    ctlab.plot.overlay_tissues(HU, "default", ["fat"], opacity=1.5)


@case("ctlab.plot.slice.multiwindow_figure", "InvalidWindowError", "an RGB image needs exactly 3")
def _(ctx):
    ctlab.plot.multiwindow_figure(HU, ["brain", "bone"])


# ctlab.widgets -----------------------------------------------------------------------------------


@case("ctlab.widgets.link.link_windows", "InvalidWindowError", "link_windows ties two")
def _(ctx):
    ctlab.link_windows(ctlab.WindowExplorer(HU), HU)


@case("ctlab.widgets.rgb.MultiWindowRGB._three", "InvalidWindowError", "an RGB image needs")
def _(ctx):
    ctlab.MultiWindowRGB(HU, windows=["brain", "bone"])


# The tests ---------------------------------------------------------------------------------------


def _triggers_for(entry) -> list[tuple[str, str, str]]:
    return [key for key in TRIGGERS if _matches(key, entry)]


@pytest.mark.parametrize("entry", ENTRIES, ids=[entry.key for entry in ENTRIES])
def test_entry_is_met(entry, tmp_path, monkeypatch, capsys):
    """ctlab raises (or warns) this entry, with the catalogue's class and message, naming the file."""
    keys = _triggers_for(entry)
    if len(keys) != 1:
        pytest.fail(
            f"{len(keys)} triggers for catalogue entry {entry.key!r}; add exactly one to "
            "TRIGGERS in tests/test_error_catalogue_entries.py"
        )
    ctx = Context(tmp_path, monkeypatch, capsys)
    pattern = template_regex(entry.message)
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        if entry.kind == "error":
            with pytest.raises(CTLabError) as caught:
                TRIGGERS[keys[0]](ctx)
            assert type(caught.value).__name__ == entry.cls
            messages = [str(caught.value)]
        else:
            TRIGGERS[keys[0]](ctx)
            messages = [
                str(w.message)
                for w in record
                if issubclass(w.category, CTLabWarning) and w.category.__name__ == entry.cls
            ]
    matching = [message for message in messages if pattern.fullmatch(message)]
    assert matching, f"no {entry.cls} matching {entry.message!r} among {messages}"
    if any(placeholder in entry.message for placeholder in NAMING):
        assert ctx.named, "the trigger must say which file the message names (ctx.name)"
    for text in ctx.named:
        assert text in matching[0], f"{text!r} not named in {matching[0]!r}"


def test_table_equals_catalogue():
    """Each catalogue entry has exactly one trigger, and each trigger meets a catalogue entry."""
    missing = [entry.key for entry in ENTRIES if not _triggers_for(entry)]
    doubled = [entry.key for entry in ENTRIES if len(_triggers_for(entry)) > 1]
    hits = {key: sum(_matches(key, entry) for entry in ENTRIES) for key in TRIGGERS}
    stale = [key for key, count in hits.items() if count == 0]
    vague = [key for key, count in hits.items() if count > 1]
    problems = []
    if missing:
        problems.append(
            "catalogue entries without a trigger (add one with @case(where, class, message "
            "start) in tests/test_error_catalogue_entries.py):\n  " + "\n  ".join(missing)
        )
    if doubled:
        problems.append("entries matched by several triggers:\n  " + "\n  ".join(doubled))
    if stale:
        problems.append(
            "triggers whose entry is no longer in the catalogue (the raise moved, changed "
            "class or message; update or remove them):\n  " + "\n  ".join(map(str, stale))
        )
    if vague:
        problems.append(
            "triggers that match several entries (lengthen their message start):\n  "
            + "\n  ".join(map(str, vague))
        )
    assert not problems, "\n".join(problems)


class TestTemplateRegex:
    def test_placeholders_and_literals(self):
        """Placeholders match any text; brackets, dots and parentheses are literal."""
        pattern = template_regex("{file}: element ({tag}) declares {length} bytes")
        assert pattern.fullmatch("a.dcm: element (7FE0,0010) declares 9 bytes")
        assert not pattern.fullmatch("a.dcm: element 7FE0,0010 declares 9 bytes")

    def test_conditional_placeholder_may_be_empty(self):
        """A plural placeholder matches the singular, where it expands to nothing."""
        pattern = template_regex("about {missing} slice{'s' if missing != 1 else ''} missing")
        assert pattern.fullmatch("about 1 slice missing")
        assert pattern.fullmatch("about 2 slices missing")

    def test_context_names(self):
        """The harness lists every name a trigger declared, as given."""
        ctx = Context(Path("."), SimpleNamespace(), SimpleNamespace())
        assert ctx.name("a/b.dcm") == Path("a/b.dcm") and ctx.named == ["a/b.dcm"]
