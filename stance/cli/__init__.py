"""The ``stance`` command: parses arguments and delegates to the library."""

from stance.cli.main import main

__all__ = ["main"]
