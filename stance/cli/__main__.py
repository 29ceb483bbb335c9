"""``python -m stance.cli``: the ``stance`` command."""

import sys

from stance.cli.main import main

sys.exit(main())
