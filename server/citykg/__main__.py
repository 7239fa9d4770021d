"""``python -m citykg`` runs the ``citykg`` command."""

import sys

from citykg.cli import main

sys.exit(main())
