"""Sample scans: real CT slices shipped by pydicom and pydicom-data, the phantom, hidden figures.

Nothing is downloaded: the files come with the installed packages.
"""

from __future__ import annotations

import os
from functools import cache
from importlib.resources import files
from pathlib import Path

from ctlab.core.errors import CTLabError
from ctlab.core.image import CTImage
from ctlab.data.synthetic.chest_phantom import make_chest_phantom
from ctlab.data.synthetic.hidden_figures import hidden_figures as _draw_hidden_figures
from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.loader import load
from ctlab.io.write import write_series

__all__ = [
    "abdomen",
    "chest",
    "chest_phantom",
    "head",
    "hidden_figures",
    "phantom",
    "phantom_series",
]


def _packaged_file(name: str) -> str:
    from pydicom.data import get_testdata_file

    # download=False: pydicom would otherwise fetch a missing file from the
    # network, and ctlab promises no network at run time.
    path = get_testdata_file(name, download=False)
    if path is None:
        raise CTLabError(
            f"the sample file {name} is not installed; pip install pydicom-data "
            "(it ships real CT slices)"
        )
    return str(path)


@cache
def abdomen() -> CTImage:
    """A real abdominal CT slice: liver, kidneys, fat, spine (512 x 512).

    From the Pancreas-CT collection of The Cancer Imaging Archive, shipped by
    pydicom-data as ``explicit_VR-UN.dcm`` (JPEG 2000 compressed). ctlab
    ships the same pixels and header re-encoded as RLE Lossless, which pydicom
    decodes without a compiled plugin, so the slice loads also where no JPEG
    2000 decoder can be installed (Pyodide, JupyterLite). Its header suggests
    no window.

    Examples
    --------
    >>> abdomen().shape
    (512, 512)
    """
    return load(str(files("ctlab.data") / "sample_files" / "abdomen.dcm"))


@cache
def chest() -> CTImage:
    """A small real chest CT slice (128 x 128), pydicom's own ``CT_small.dcm``.

    Examples
    --------
    >>> chest().shape
    (128, 128)
    """
    return load(_packaged_file("CT_small.dcm"))


@cache
def chest_phantom() -> CTImage:
    """A synthetic contrast-enhanced chest slice (512 x 512) with ground-truth labels.

    Lungs with vessels and airways, a solid nodule, a ground-glass patch,
    ribs, sternum, scapulae and a vertebra, fat, muscle, the heart and the
    descending aorta, all in one arterial contrast phase. Synthetic: no
    full real chest slice ships with ctlab. See
    :func:`ctlab.data.synthetic.chest_phantom.make_chest_phantom`.

    Examples
    --------
    >>> image = chest_phantom()
    >>> image.shape, image.label_names[9]
    ((512, 512), 'ground_glass')
    """
    return make_chest_phantom()


@cache
def head() -> CTImage:
    """A real head CT slice (512 x 512) with a 40/100 brain window, pydicom-data's ``693_UNCR.dcm``.

    Examples
    --------
    >>> head().default_window
    Window(center=40.0, width=100.0)
    """
    return load(_packaged_file("693_UNCR.dcm"))


@cache
def phantom() -> CTImage:
    """ctlab's procedural abdominal phantom (48 x 256 x 256) with ground-truth labels.

    See :func:`ctlab.data.synthetic.phantom.make_phantom`.

    Examples
    --------
    >>> image = phantom()
    >>> image.shape, image.labels is not None
    ((48, 256, 256), True)
    """
    return make_phantom()


@cache
def hidden_figures() -> CTImage:
    """Four singers on a stage, each visible only in its own window (256 x 512).

    The seed's "Rat Pack" analogy as a synthetic image: a soft-tissue singer
    the default 40/400 window shows, and a fat, a bone and a lung singer it
    hides. ``labels`` marks each singer and its spotlight. See
    :func:`ctlab.data.synthetic.hidden_figures.hidden_figures`.

    Examples
    --------
    >>> image = hidden_figures()
    >>> image.shape, sorted(image.label_names.values())[:3]
    ((256, 512), ['bone', 'bone_spotlight', 'fat'])
    """
    return _draw_hidden_figures()


def phantom_series(folder: str | os.PathLike[str]) -> Path:
    """Write the phantom as a DICOM series into ``folder`` and return it.

    For trying the loader and the command line on a real series on disk.

    Examples
    --------
    >>> import tempfile
    >>> folder = phantom_series(tempfile.mkdtemp())
    >>> len(list(folder.glob("*.dcm")))
    48
    """
    write_series(phantom(), folder)
    return Path(folder)
