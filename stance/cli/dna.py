"""The `stance dna` command (filled in by its owner)."""

from __future__ import annotations


def add(sub) -> None:
    """Declare the subcommand on the `stance` parser's subparsers (none yet)."""
