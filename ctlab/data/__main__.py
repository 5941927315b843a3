"""``python -m ctlab.data FOLDER``: write the phantom series shipped in ``sample_data/phantom``.

The shipped series is regenerated this way after any change to the phantom
or to the writer; ``tests/io/test_write.py`` checks that it is current.
"""

from __future__ import annotations

import sys

from ctlab.data.synthetic.phantom import make_phantom
from ctlab.io.write import write_series


def main(argv: list[str]) -> int:
    """Write the phantom series into the one folder named in ``argv``."""
    if len(argv) != 1:
        print("usage: python -m ctlab.data FOLDER  (writes the phantom series)")
        return 2
    files = write_series(make_phantom(), argv[0], overwrite=True)
    print(f"wrote {len(files)} slices of the ctlab phantom to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
