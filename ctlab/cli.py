"""The ``ctlab`` command: quick looks at a scan and windowed exports.

``ctlab info PATH`` summarises a scan (never patient identifiers or
free-text descriptions unless ``--show-phi``); ``ctlab window PATH`` writes
one windowed slice as PNG; ``ctlab export PATH... -o DIR`` writes a windowed
data set for deep learning, from one series or every series of a collection,
on every core or a Dask cluster; ``ctlab handout -o handout.pdf`` writes the
one-page class handout (PDF or PNG).
Both ``window`` and ``export`` take the same window options and, without any,
the same default window (the ``"default"`` preset, -160..240 HU), and say
which window they used.
A bad argument or file prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import ctlab

if TYPE_CHECKING:
    from ctlab.io.series import Series

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
    # Here, not at the top: importing the CLI stays light (the export module
    # brings the segmentation readers and their decoders).
    from ctlab.io.export import DEFAULT_COMPRESS_LEVEL, DTYPES, FORMATS

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
        "export",
        help="write every slice windowed, as PNG or .npy, with a manifest; "
        "every series of a collection, with an index.csv",
    )
    export.add_argument(
        "path",
        nargs="+",
        help="a DICOM file or a folder holding a series; or folder trees of studies, "
        "several paths or a .csv listing paths: every series, each to its own subfolder; "
        "folders may be fsspec URLs (s3://bucket/scans/) where fsspec is installed",
    )
    export.add_argument("--series", metavar="UID", help="pick one series in a folder")
    export.add_argument(
        "-o",
        "--output",
        required=True,
        help="folder to write into; an fsspec URL (s3://bucket/dataset/) gets a collection's "
        "layout, each series in its own subfolder",
    )
    _add_window_options(export, several=True)
    export.add_argument("--format", choices=FORMATS, default="png")
    export.add_argument(
        "--compress-level",
        type=int,
        default=DEFAULT_COMPRESS_LEVEL,
        metavar="0-9",
        help="PNG zlib level: 0 fastest and largest, 9 smallest "
        f"(default: {DEFAULT_COMPRESS_LEVEL})",
    )
    export.add_argument(
        "--dtype",
        choices=DTYPES,
        default="uint8",
        help="8-bit grey levels, or float32 in 0..1 unrounded (npy formats only)",
    )
    export.add_argument(
        "--overwrite",
        action="store_true",
        help="allow an output folder that is not empty; for a collection: export "
        "again the series an earlier run finished",
    )
    export.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="for a collection: worker processes, each exporting whole series (default: all cores)",
    )
    export.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="for a collection: the address of a Dask scheduler (tcp://host:8786) whose "
        'workers see the same paths or storage; needs pip install "ctlab[dask]"',
    )

    handout = commands.add_parser(
        "handout", help="write the one-page class handout: HU scale, windows, Figure 5"
    )
    handout.add_argument("-o", "--output", required=True, help="PDF or PNG file to write")
    site = commands.add_parser(
        "site",
        help="execute notebooks and write a static site with live widgets (no server needed)",
    )
    site.add_argument("notebooks", nargs="+", help="a folder of .ipynb files, or the files")
    site.add_argument("-o", "--output", required=True, help="folder to write the site into")
    site.add_argument("--timeout", type=float, default=600, help="seconds a cell may run")
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
    given = args.preset is not None or args.center is not None
    print(
        f"wrote {path}: slice {index}, {window}{_which_window(given)}, "
        f"{100 * black:.1f}% black, {100 * white:.1f}% white"
    )


def _one_series(
    paths: list[str], series_uid: str | None, output: str
) -> tuple[bool, tuple[Series, list[str]] | None]:
    """Whether the paths name one series (exported flat, as ever) rather than a collection.

    Deciding it for a folder reads its headers: then the one series found and
    its notes come along too, for ``load_series``, so no header is read twice;
    a collection is told by its second series, and export_many searches it.
    """
    from ctlab.io.series import find_only_series, is_url

    if len(paths) > 1 or Path(paths[0]).suffix.lower() == ".csv":
        return False, None
    if series_uid is None and (is_url(paths[0]) or is_url(output)):
        return False, None  # fsspec URLs (s3://...): ctlab.export_many reads and writes them
    if series_uid is not None or not Path(paths[0]).is_dir():
        return True, None
    only = find_only_series(paths)
    return (False, None) if only is None else (True, only)


def _dask_client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ctlab.CTLabError(
            f"--scheduler {address} needs Dask's distributed scheduler, which is not "
            'installed: pip install "ctlab[dask]"'
        ) from None
    return Client(address)


def _export_keywords(args: argparse.Namespace, windows: list[ctlab.Window]) -> dict[str, Any]:
    """The options ``ctlab.export`` and ``ctlab.export_many`` share, from the command line."""
    return {
        "windows": windows,
        "format": args.format,
        "compress_level": args.compress_level,
        "dtype": args.dtype,
        "invert": args.invert,
        "overwrite": args.overwrite,
    }


def _export(args: argparse.Namespace) -> None:
    windows = [ctlab.resolve_window(name) for name in (args.preset or [DEFAULT_PRESET])]
    if args.function:
        windows = [
            ctlab.Window(w.center, w.width, function=args.function, name=w.name) for w in windows
        ]
    single, found = _one_series(args.path, args.series, args.output)
    if not single:
        if args.labels is not None:
            raise ctlab.CTLabError(
                f"--labels {args.labels} goes with one series, and {' '.join(args.path)} is a "
                "collection; export the series with its labels on its own (one path, or --series)"
            )
        _export_many(args, windows)
        return
    path = args.path[0]
    # Checked before loading; a collection's output folder is meant to be
    # reused (finished series are skipped), so only one series is refused here.
    output = os.fspath(args.output)
    if os.path.isdir(output) and os.listdir(output) and not args.overwrite:
        raise ctlab.CTLabError(
            f"{output} is not empty; choose a new or empty folder with -o, or add --overwrite "
            "to replace the files of an earlier ctlab export there"
        )
    if found is None:
        image = ctlab.load(path, series_uid=args.series)
    else:
        from ctlab.io.loader import load_series

        image = load_series(found[0], notes=found[1])
    labels = (
        None if args.labels is None else ctlab.load_labels(args.labels, like=image, source=path)
    )
    from tqdm import tqdm

    # tqdm draws the bar only on a terminal (disable=None), as export_many's do.
    with tqdm(total=image.n_slices, unit="slice", desc="exporting", disable=None) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        manifest = ctlab.export(
            image,
            args.output,
            **_export_keywords(args, windows),
            source=path,
            progress=progress,
            labels=labels,
        )
    channels = "; ".join(str(w) for w in windows)
    files = f"{image.n_slices} {args.format} file{'s' if image.n_slices != 1 else ''}"
    print(f"wrote {files} ({channels}{_which_window(bool(args.preset))}) and {manifest}")


def _export_many(args: argparse.Namespace, windows: list[ctlab.Window]) -> None:
    client = None if args.scheduler is None else _dask_client(args.scheduler)
    try:
        summary = ctlab.export_many(
            args.path, args.output, **_export_keywords(args, windows), jobs=args.jobs, client=client
        )
    finally:
        if client is not None:
            client.close()
    for name, messages in summary.warnings.items():
        for message in messages:
            print(f"warning: {name + ': ' if name else ''}{message}", file=sys.stderr)
    print(summary)
    for name, message in summary.failed.items():
        print(f"failed: {name} ({summary.sources[name]}): {message}")
    if summary.failed:
        raise ctlab.CTLabError(
            f"{len(summary.failed)} of {len(summary.failed) + len(summary.done)} series could "
            "not be exported (listed above); the others were. Fix or remove those files and "
            "run the same command again: finished series are skipped"
        )


def _handout(args: argparse.Namespace) -> None:
    path = ctlab.plot.save_handout(ctlab.data.abdomen(), args.output)
    print(f"wrote {path}: the one-page handout")


def _site(args: argparse.Namespace) -> None:
    # Imported here: nbclient and nbconvert are needed by this command only.
    from ctlab.widgets.site import build_site

    given = args.notebooks[0] if len(args.notebooks) == 1 else args.notebooks
    index = build_site(given, args.output, timeout=args.timeout)
    print(f"wrote {index}: open it in a browser, or host or zip the folder {index.parent}")


_COMMANDS = {
    "info": _info,
    "window": _window,
    "export": _export,
    "handout": _handout,
    "site": _site,
}


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
