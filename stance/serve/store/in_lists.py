"""Ids in ``IN`` lists of a bounded size, so that no query outgrows what a database takes in one statement."""

from __future__ import annotations

from collections.abc import Sequence

IDS_PER_QUERY = 500
"""Ids per ``IN`` list of a query or a delete."""


def in_lists(ids: Sequence, size: int = IDS_PER_QUERY) -> list[list]:
    """``ids`` in lists of at most ``size`` (each one ``IN`` list)."""
    return [list(ids[k:k + size]) for k in range(0, len(ids), size)]
