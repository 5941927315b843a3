"""The ``ctlab`` command: quick looks at a scan and windowed exports.

``ctlab info PATH`` summarises a scan (never patient identifiers unless
``--show-phi``); ``ctlab window PATH`` writes one windowed slice as PNG;
``ctlab export PATH -o DIR`` writes a windowed data set for deep learning.
Both take the same window options and, without any, the same default window
(the ``"default"`` preset, -160..240 HU), and say which window they used.
A bad argument or file prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import ctlab

_EXIT_USAGE = 2
#: The window ``window`` and ``export`` use when no window option is given.
DEFAULT_PRESET = "default"
#: Rows of ``image.info`` that ``info`` already prints as "size" and "spacing".
_SHOWN_ABOVE = {"shape", "spacing_mm"}


def _plain(text: str) -> str:
    """Docstring text for a terminal: without the ``double backquotes`` of reST."""
    return text.replace("``", "")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument in one line, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(_EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _add_window_options(parser: argparse.ArgumentParser, *, several: bool) -> None:
    presets = ", ".join(ctlab.PRESETS)
    if several:
        parser.add_argument(
            "--preset",
            action="append",
            metavar="NAME",
            help=f"window preset, repeat for channels (default: {DEFAULT_PRESET}); "
            f"one of {presets}",
        )
    else:
        parser.add_argument(
            "--preset",
            metavar="NAME",
            help=f"window preset (default: {DEFAULT_PRESET}); one of {presets}",
        )
        parser.add_argument("--center", type=float, help="window centre (level) in HU")
        parser.add_argument("--width", type=float, help="window width in HU")
    parser.add_argument(
        "--function",
        choices=("linear", "linear_exact", "sigmoid"),
        help="DICOM VOI function (default: the window's own, linear)",
    )
    parser.add_argument("--invert", action="store_true", help="draw low HU white")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ctlab`` command."""
    parser = _Parser(
        prog="ctlab",
        description=_plain(__doc__),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ctlab {ctlab.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="summarise a scan: size, spacing, windows, HU")
    info.add_argument("path", help="a DICOM file, a folder holding a series, or files")
    info.add_argument("--series", metavar="UID", help="pick a series in a folder")
    info.add_argument(
        "--show-phi",
        action="store_true",
        help="also print patient identifiers from the header (name, ID, dates...)",
    )

    window = commands.add_parser("window", help="write one windowed slice as PNG")
    window.add_argument("path", help="a DICOM file or a folder holding a series")
    window.add_argument("--series", metavar="UID", help="pick a series in a folder")
    _add_window_options(window, several=False)
    window.add_argument("--slice", type=int, help="slice index (default: the middle one)")
    window.add_argument("-o", "--output", required=True, help="PNG file to write")

    export = commands.add_parser(
        "export", help="write every slice windowed, as PNG or .npy, with a manifest"
    )
    export.add_argument("path", help="a DICOM file or a folder holding a series")
    export.add_argument("--series", metavar="UID", help="pick a series in a folder")
    export.add_argument("-o", "--output", required=True, help="folder to write into")
    _add_window_options(export, several=True)
    export.add_argument("--format", choices=("png", "npy"), default="png")
    export.add_argument(
        "--overwrite", action="store_true", help="allow an output folder that is not empty"
    )
    return parser


def _chosen_window(args: argparse.Namespace) -> ctlab.Window:
    by_numbers = args.center is not None or args.width is not None
    if args.preset and by_numbers:
        raise ctlab.CTLabError("give either --preset or --center and --width, not both")
    if by_numbers:
        if args.center is None or args.width is None:
            raise ctlab.CTLabError("--center and --width go together; give both (in HU)")
        window = ctlab.Window(args.center, args.width, name="custom")
        # A window equal to a preset goes by the preset's name.
        return next((p for p in ctlab.PRESETS.values() if p == window), window)
    return ctlab.resolve_window(args.preset or DEFAULT_PRESET)


def _which_window(given: bool) -> str:
    """How the window came to be used, for the report."""
    return "" if given else f" (no window given: the {DEFAULT_PRESET!r} preset)"


def _format_window(window: ctlab.Window) -> str:
    return f"{window} [{window.function}]"


def _info(args: argparse.Namespace) -> None:
    image = ctlab.load(args.path, series_uid=args.series)
    rows = [
        (key.replace("_", " "), value)
        for key, value in image.info.items()
        if key not in _SHOWN_ABOVE
    ]
    size = " x ".join(str(n) for n in image.shape)
    slices = f"{image.n_slices} slice{'s' if image.n_slices != 1 else ''}"
    rows.insert(0, ("size", f"{size} ({slices}, {image.hu.dtype})"))
    rows.insert(1, ("spacing", " x ".join(f"{s:.3g}" for s in image.spacing) + " mm"))
    windows = "; ".join(_format_window(w) for w in image.windows) or "none in the header"
    rows.append(("header windows", windows))
    print(args.path)
    for key, value in rows:
        if value not in (None, "", [], ()):
            print(f"  {key:<20} {value}")

    values = image.valid_hu()
    padding = image.hu.size - values.size
    print(
        f"HU over {values.size:,} pixels"
        + (f" ({padding:,} padding pixels left out)" if padding else "")
        + f": min {values.min():g}, mean {values.mean():.1f}, max {values.max():g}"
    )
    print(f"  {'tissue band':<18}{'HU range':>16}{'pixels':>12}{'share':>9}")
    for tissue in ctlab.TISSUES.values():
        pixels = int(ctlab.tissue_mask(values, tissue).sum())
        share = 100 * pixels / values.size
        print(
            f"  {tissue.label:<18}{f'{tissue.low}..{tissue.high}':>16}{pixels:>12,}{share:>8.1f}%"
        )

    if args.show_phi:
        print("patient identifiers (shown because you asked with --show-phi):")
        identifiers = ctlab.patient_identifiers(args.path)
        for keyword, value in identifiers.items():
            print(f"  {keyword:<24} {value}")
        if not identifiers:
            print("  none found")


def _window(args: argparse.Namespace) -> None:
    image = ctlab.load(args.path, series_uid=args.series)
    window = _chosen_window(args)
    index = image.n_slices // 2 if args.slice is None else args.slice
    if not 0 <= index < image.n_slices:
        raise ctlab.CTLabError(
            f"--slice {index} is out of range: {args.path} has {image.n_slices} slices "
            f"(0..{image.n_slices - 1})"
        )
    grey = ctlab.apply_window(
        image.slice_hu(index), window, function=args.function, invert=args.invert
    )
    path = ctlab.save_png(grey, args.output)
    black, white = ctlab.clipped_fractions(
        image.slice_hu(index), window, function=args.function, mask=~image.padding_mask(index)
    )
    given = args.preset is not None or args.center is not None
    print(
        f"wrote {path}: slice {index}, {window}{_which_window(given)}, "
        f"{100 * black:.1f}% black, {100 * white:.1f}% white"
    )


def _export(args: argparse.Namespace) -> None:
    output = os.fspath(args.output)
    if os.path.isdir(output) and os.listdir(output) and not args.overwrite:
        raise ctlab.CTLabError(
            f"{output} is not empty; choose a new or empty folder with -o, or add --overwrite "
            "to replace the files of an earlier ctlab export there"
        )
    image = ctlab.load(args.path, series_uid=args.series)
    windows = [ctlab.resolve_window(name) for name in (args.preset or [DEFAULT_PRESET])]
    if args.function:
        windows = [
            ctlab.Window(w.center, w.width, function=args.function, name=w.name) for w in windows
        ]
    show_progress = sys.stderr.isatty() and image.n_slices > 1

    def progress(done: int, total: int) -> None:
        if show_progress:
            filled = round(30 * done / total)
            bar = "#" * filled + "-" * (30 - filled)
            print(f"\rexporting [{bar}] {done}/{total} slices", end="", file=sys.stderr)
            if done == total:
                print(file=sys.stderr)

    manifest = ctlab.export(
        image,
        args.output,
        windows=windows,
        format=args.format,
        invert=args.invert,
        overwrite=args.overwrite,
        source=args.path,
        progress=progress,
    )
    channels = "; ".join(str(w) for w in windows)
    files = f"{image.n_slices} {args.format} file{'s' if image.n_slices != 1 else ''}"
    print(f"wrote {files} ({channels}{_which_window(bool(args.preset))}) and {manifest}")


_COMMANDS = {"info": _info, "window": _window, "export": _export}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``ctlab`` command; return its exit status.

    Examples
    --------
    >>> main(["window", "missing.dcm", "--preset", "fat", "-o", "out.png"])
    2
    """
    args = build_parser().parse_args(argv)
    try:
        _COMMANDS[args.command](args)
        sys.stdout.flush()
    except (ctlab.CTLabError, FileNotFoundError, IsADirectoryError, PermissionError) as error:
        # One line, whatever a decoder's message quoted inside ours spans.
        print(f"ctlab {args.command}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return _EXIT_USAGE
    except BrokenPipeError:
        # The reader left (`ctlab info scan | head`): stop quietly, as cat does.
        # Python would report the pipe again when it flushes stdout at exit,
        # so point stdout at /dev/null first (the recipe of Python's signal docs).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
