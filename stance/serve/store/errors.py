"""What the store raises: every error says what it expected, what it found and what to do, and none leaves a
half-written document behind."""

from __future__ import annotations

from stance.errors import StanceError


class StoreError(StanceError):
    """The database cannot be reached, is locked, or refuses a write; nothing was half-written."""


class StoreGone(StoreError):
    """The database is no longer the one this :class:`~stance.serve.store.Store` opened (its file was deleted or
    replaced, or its tables dropped): the store refuses to write rather than write into a stranger or a void."""


class IdempotencyConflict(StanceError):
    """An ``Idempotency-Key`` used before with another request body."""
