"""Writes that two writers can run at once: inserts that leave a row already there alone (``INSERT ... ON
CONFLICT DO NOTHING``, or ``DO UPDATE`` for registry rows), and a lock per speaker.

The store checks for a statement it already holds before it adds one (same speaker, same words, within a
week).  Two writers checking at the same time would both miss the other's uncommitted statement, so the
check runs under a lock on each of the document's speakers, held to the end of the document's transaction:
on PostgreSQL an advisory transaction lock per speaker (``pg_advisory_xact_lock``), taken in one order so
that two writers cannot wait on each other; on SQLite the database's single write lock, which the
document's transaction holds from its first insert, already serialises writers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from stance.serve.store.errors import StoreError

DIALECTS = ("sqlite", "postgresql")
"""The databases the store runs on."""


def _insert(session: Session, table: Any) -> Any:
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise StoreError(f"the store runs on {' or '.join(DIALECTS)}, found {name}; open a folder (SQLite) or "
                     "postgresql://...")


def insert_new(session: Session, table: Any, rows: Sequence[dict[str, Any]]) -> list[Any]:
    """Insert ``rows`` into ``table`` (a declarative class), leaving alone each row whose primary key or unique
    key is already there, or comes earlier in ``rows`` (a row another transaction is writing: this one waits for
    it); returns the first primary key column of the rows inserted (read back through RETURNING: the driver's
    row count is -1 here), in one statement per few hundred rows."""
    if not rows:
        return []
    core = table.__table__
    statement = _insert(session, core).on_conflict_do_nothing().returning(next(iter(core.primary_key.columns)))
    return list(session.scalars(statement, list(rows)))


def upsert(session: Session, table: Any, rows: Sequence[dict[str, Any]], key: Sequence[str]) -> None:
    """Insert ``rows``, or where a row with the same ``key`` columns exists, set its other columns to the new
    values (the registry's actors and issues: the latest registry wins)."""
    if not rows:
        return
    statement = _insert(session, table.__table__)
    update = {c: statement.excluded[c] for c in rows[0] if c not in key}
    session.execute(statement.on_conflict_do_update(index_elements=list(key), set_=update) if update
                    else statement.on_conflict_do_nothing(), list(rows))


def lock_key(actor_id: str) -> int:
    """The advisory lock number of a speaker: the first 8 bytes of the SHA-256 of its id, as a signed bigint."""
    return int.from_bytes(hashlib.sha256(actor_id.encode("utf-8")).digest()[:8], "big", signed=True)


def lock_speakers(session: Session, actor_ids: Iterable[str]) -> None:
    """Hold a lock on each speaker until the session's transaction ends (PostgreSQL; nothing on SQLite, whose
    write lock the transaction already holds), taken in lock-number order."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({lock_key(a) for a in actor_ids}):
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
