"""How every ``stance`` subcommand is declared: one place, shared by :mod:`stance.cli.main` and the
modules that declare their own commands (``dna``, ``agreement``, ``network``, ``review``, ``quarantine``)."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def subcommand(sub, name: str, func: Callable[[argparse.Namespace], int], help: str, example: str,
               description: str | None = None) -> argparse.ArgumentParser:
    """A subparser whose ``--help`` ends with ``example`` (``example:`` then the lines given) and whose
    ``func`` runs the command."""
    p = sub.add_parser(name, help=help, description=description or help, epilog=f"example:\n{example}",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=func)
    return p
