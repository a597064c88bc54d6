"""``python -m nnsim``: the same as the ``nnsim`` command."""

import sys

from nnsim.cli import main

sys.exit(main())
