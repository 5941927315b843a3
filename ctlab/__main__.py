"""``python -m ctlab``: the ctlab command line."""

import sys

from ctlab.cli import main

sys.exit(main())
