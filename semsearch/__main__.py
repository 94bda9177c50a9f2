"""``python -m semsearch``: see :mod:`semsearch.cli`."""

import sys

from semsearch.cli import main

sys.exit(main())
