#!/usr/bin/env python
"""Train the stance model: the same as `stance train` (see `stance train --help`).

    python scripts/train.py --data data/annotated --out stance/models/stance-minilm
"""

import sys

from stance.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
