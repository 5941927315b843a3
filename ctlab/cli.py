"""The ``ctlab`` command: quick looks at a scan and windowed exports.

``ctlab info PATH`` summarises a scan (never patient identifiers or
free-text descriptions unless ``--show-phi``); ``ctlab window PATH`` writes
one windowed slice as PNG; ``ctlab export PATH -o DIR`` writes a windowed
data set for deep learning; ``ctlab handout -o handout.pdf`` writes the one-page
class handout (PDF or PNG).
A bad argument or file prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

import ctlab

_EXIT_USAGE = 2


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
            help=f"window preset, repeat for channels (default: default); one of {presets}",
        )
    else:
        parser.add_argument("--preset", metavar="NAME", help=f"window preset, one of {presets}")
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
    parser = _Parser(prog="ctlab", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="version", version=f"ctlab {ctlab.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    info = commands.add_parser("info", help="summarise a scan: size, spacing, windows, HU")
    info.add_argument("path", help="a DICOM file, a folder holding a series, or files")
    info.add_argument("--series", metavar="UID", help="pick a series in a folder")
    info.add_argument(
        "--show-phi",
        action="store_true",
        help="also print patient identifiers (name, ID, dates...) and free text "
        "(descriptions, comments) from the header",
    )
    info.add_argument(
        "--labels",
        metavar="SEG",
        help="a segmentation of the scan (NIfTI, DICOM SEG, RT Structure Set): measure each label",
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

    handout = commands.add_parser(
        "handout", help="write the one-page class handout: HU scale, windows, Figure 5"
    )
    handout.add_argument("-o", "--output", required=True, help="PDF or PNG file to write")
    export.add_argument(
        "--labels",
        metavar="SEG",
        help="also write this segmentation's labels, slice by slice, into labels/",
    )
    return parser


def _chosen_window(args: argparse.Namespace) -> ctlab.Window:
    by_numbers = args.center is not None or args.width is not None
    if args.preset and by_numbers:
        raise ctlab.CTLabError("give either --preset or --center and --width, not both")
    if by_numbers:
        if args.center is None or args.width is None:
            raise ctlab.CTLabError("--center and --width go together; give both (in HU)")
        return ctlab.Window(args.center, args.width, name="custom")
    if args.preset:
        return ctlab.resolve_window(args.preset)
    raise ctlab.CTLabError("choose a window: --preset NAME, or --center C --width W")


def _format_window(window: ctlab.Window) -> str:
    return f"{window} [{window.function}]"


def _info(args: argparse.Namespace) -> None:
    image = ctlab.load(args.path, series_uid=args.series)
    rows = [(key.replace("_", " "), value) for key, value in image.info.items()]
    size = " x ".join(str(n) for n in image.shape)
    rows.insert(0, ("size", f"{size} ({image.n_slices} slices, {image.hu.dtype})"))
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
    # Reference tissue ranges overlap and organ ranges hold for one contrast phase,
    # so the shares do not add up to 100 % and say nothing about which organ a pixel is.
    print("pixels per reference tissue range (ranges overlap; organ ranges hold for one phase):")
    print(f"  {'tissue range':<22}{'phase':<15}{'HU range':>14}{'pixels':>12}{'share':>9}")
    for tissue in ctlab.TISSUES.values():
        pixels = int(ctlab.tissue_mask(values, tissue).sum())
        share = 100 * pixels / values.size
        print(
            f"  {tissue.label:<22}{tissue.phase or 'any':<15}"
            f"{f'{tissue.low}..{tissue.high}':>14}{pixels:>12,}{share:>8.1f}%"
        )

    if args.labels:
        _print_labels(args, image)

    if args.show_phi:
        print("patient identifiers and free text (shown because you asked with --show-phi):")
        identifiers = ctlab.patient_identifiers(args.path)
        for keyword, value in identifiers.items():
            print(f"  {keyword:<24} {value}")
        if not identifiers:
            print("  none found")


def _print_labels(args: argparse.Namespace, image: ctlab.CTImage) -> None:
    labels = ctlab.load_labels(args.labels, like=image, source=args.path)
    print(f"labels from {args.labels} ({labels.info['format']}), HU per label:")
    print(
        f"  {'value':>5}  {'name':<20}{'voxels':>10}{'mL':>10}{'mean':>8}{'median':>8}"
        f"{'p5..p95':>16}  window from its HU"
    )
    for m in labels.measure(image):
        if not m.voxels:
            print(f"  {m.value:>5}  {m.name:<20}{0:>10}  (no voxel outside the padding)")
            continue
        spread = f"{m.percentiles[0][1]:g}..{m.percentiles[-1][1]:g}"
        print(
            f"  {m.value:>5}  {m.name:<20}{m.voxels:>10,}{m.volume_ml:>10.1f}{m.mean:>8.1f}"
            f"{m.median:>8g}{spread:>16}  {m.window}"
        )


def _window(args: argparse.Namespace) -> None:
    image = ctlab.load(args.path, series_uid=args.series)
    window = _chosen_window(args)
    if args.slice is not None and not 0 <= args.slice < image.n_slices:
        raise ctlab.CTLabError(
            f"--slice {args.slice} is out of range: {args.path} has {image.n_slices} slices "
            f"(0..{image.n_slices - 1})"
        )
    index = image.slice_or_middle(args.slice)
    grey = ctlab.apply_window(
        image.slice_hu(index), window, function=args.function, invert=args.invert
    )
    path = ctlab.save_png(grey, args.output)
    black, white = ctlab.clipped_fractions(
        image.slice_hu(index), window, function=args.function, mask=~image.padding_mask(index)
    )
    print(
        f"wrote {path}: slice {index}, {window}, {100 * black:.1f}% black, {100 * white:.1f}% white"
    )


def _export(args: argparse.Namespace) -> None:
    image = ctlab.load(args.path, series_uid=args.series)
    windows = [ctlab.resolve_window(name) for name in (args.preset or ["default"])]
    if args.function:
        windows = [
            ctlab.Window(w.center, w.width, function=args.function, name=w.name) for w in windows
        ]
    labels = (
        None
        if args.labels is None
        else ctlab.load_labels(args.labels, like=image, source=args.path)
    )
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
        labels=labels,
    )
    channels = ", ".join(w.name for w in windows)
    print(f"wrote {image.n_slices} {args.format} files ({channels}) and {manifest}")


def _handout(args: argparse.Namespace) -> None:
    path = ctlab.plot.save_handout(ctlab.data.abdomen(), args.output)
    print(f"wrote {path}: the one-page handout")


_COMMANDS = {"info": _info, "window": _window, "export": _export, "handout": _handout}


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
    except (ctlab.CTLabError, FileNotFoundError, IsADirectoryError, PermissionError) as error:
        # One line, whatever a decoder's message quoted inside ours spans.
        print(f"ctlab {args.command}: error: {' '.join(str(error).split())}", file=sys.stderr)
        return _EXIT_USAGE
    return 0
