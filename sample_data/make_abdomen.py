"""Write ctlab/data/sample_files/abdomen.dcm: pydicom-data's abdomen slice, RLE Lossless.

pydicom-data ships the Pancreas-CT slice (``explicit_VR-UN.dcm``) compressed as
JPEG 2000, which needs a compiled decoder. Where none can be installed (Pyodide,
JupyterLite) ``ctlab.data.abdomen()`` must still load, so ctlab ships the same
pixels re-encoded as RLE Lossless, which pydicom decodes in pure Python. The
header is the original's; only the transfer syntax and Pixel Data change, and
``tests/io/test_sample_files.py`` checks that the pixels are identical.

Run from the repository root (needs a JPEG 2000 decoder):
``python sample_data/make_abdomen.py``
"""

from pathlib import Path

import pydicom
from pydicom.data import get_testdata_file
from pydicom.uid import RLELossless

TARGET = Path(__file__).resolve().parents[1] / "ctlab" / "data" / "sample_files" / "abdomen.dcm"


def main() -> None:
    dataset = pydicom.dcmread(get_testdata_file("explicit_VR-UN.dcm", download=False))
    dataset.compress(RLELossless, dataset.pixel_array, generate_instance_uid=False)
    dataset.save_as(TARGET, enforce_file_format=True)
    print(f"wrote {TARGET} ({TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
