"""``python -m semsearch``: see :mod:`semsearch.cli`."""

import sys

from .cli import main

sys.exit(main())
