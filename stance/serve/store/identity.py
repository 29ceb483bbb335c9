"""Which store this is, so that a store never writes into another one or into a deleted file.

A store keeps a random id in its ``store_meta`` table (written by migration 0004).  When a
:class:`~stance.serve.store.Store` opens it remembers that id and, for SQLite, the file's device and inode
(:class:`Identity`); before each write it checks both (:meth:`Identity.check`).  A SQLite file deleted under a
running server (its open connections would go on writing into the unlinked file, and a restart would find
nothing), replaced by another file, or a PostgreSQL schema dropped and made anew, all end in
:class:`~stance.serve.store.errors.StoreGone` and nothing written.

Opening checks the file too (:func:`prepare_sqlite_file`): a file that is not SQLite is refused with its name,
a write-ahead log without its database (the database deleted, the log left) is refused rather than a new,
empty store made beside it, and a new store is made only in an existing folder (or as a new folder in one),
with a warning.
"""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from stance.serve.store.conflicts import insert_new
from stance.serve.store.errors import StoreError, StoreGone
from stance.serve.store.schema import StoreMeta

log = logging.getLogger(__name__)

STORE_ID = "store_id"
"""The ``store_meta`` key of the store's random id."""
SQLITE_HEADER = b"SQLite format 3\x00"


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///FILE`` URL, or None (another database, or SQLite in memory)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(str(parsed.database))


def prepare_sqlite_file(path: Path) -> bool:
    """Check that ``path`` can be a store's SQLite file; True when there is none yet (a new store will be made,
    its folder created when that folder's own parent exists).  :class:`StoreError` for a file that is not
    SQLite, a write-ahead log left without its database, or a folder that cannot hold it."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder; expected a store's SQLite file (or give the folder that holds "
                         "stance.db)")
    if path.exists():
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_HEADER))
        if head and head != SQLITE_HEADER:
            raise StoreError(f"{path} is not a SQLite database (it begins with {head[:8]!r}, expected "
                             f"{SQLITE_HEADER[:15].decode()!r}); point --db at a store's folder or its stance.db, or "
                             "move this file away to start a new store there")
        return False
    wal = path.with_name(path.name + "-wal")
    if wal.exists():
        raise StoreError(f"{path} is missing but its write-ahead log {wal.name} is there: the store's file was "
                         "deleted or moved; restore it, or delete the -wal and -shm files to start a new, "
                         "empty store")
    folder = path.parent
    if not folder.is_dir():
        if folder.exists():
            raise StoreError(f"{folder} is a file; expected a folder to keep the store in: give --db a folder")
        if not folder.parent.is_dir():
            raise StoreError(f"the folder {folder.parent} does not exist; expected an existing folder to make the "
                             f"store {folder.name} in: create it (mkdir -p {folder.parent}) or give another path")
        try:
            folder.mkdir()
        except OSError as exc:
            raise StoreError(f"cannot make the store's folder {folder}: {exc.strerror}; give a folder you can "
                             "write to") from None
    return True


def file_id(path: Path) -> tuple[int, int]:
    """The device and inode of ``path``: a file deleted and made anew under the same name has another."""
    status = os.stat(path)
    return status.st_dev, status.st_ino


def read_store_id(session: Session) -> str | None:
    """The store's id, or None where the table or the row is missing (a store before 0004, or a dropped one).
    A failed query spoils a PostgreSQL transaction: give a session of its own."""
    try:
        return session.scalar(select(StoreMeta.value).where(StoreMeta.key == STORE_ID))
    except DBAPIError:
        return None


def ensure_store_id(session: Session) -> str:
    """The store's id, made (a random UUID) where missing; in the caller's transaction."""
    insert_new(session, StoreMeta, [{"key": STORE_ID, "value": uuid.uuid4().hex}])
    value = session.scalar(select(StoreMeta.value).where(StoreMeta.key == STORE_ID))
    if value is None:  # insert_new wrote it or found it
        raise StoreError("the store's id could not be written to store_meta")
    return value


@dataclass(frozen=True)
class Identity:
    """What a store was when it opened: its id (None before migration 0004), and for SQLite its file and that
    file's (device, inode)."""

    store_id: str | None
    file: Path | None = None
    inode: tuple[int, int] | None = None

    def check(self, session: Session, where: str) -> None:
        """:class:`StoreGone` unless the database is still the one opened: the file there, the same file, the
        same id (``session``: one of its own, outside the write's transaction)."""
        if self.file is not None:
            try:
                now = file_id(self.file)
            except FileNotFoundError:
                raise StoreGone(f"the store's file {self.file} is gone (deleted or moved) since it was opened; nothing "
                                "was written; restore the file and try again, or restart to open what is there "
                                "now") from None
            if now != self.inode:
                raise StoreGone(f"the store's file {self.file} was replaced by another file since it was opened; "
                                "nothing was written; restart to open the new file") from None
        if self.store_id is None:
            return
        found = read_store_id(session)
        if found != self.store_id:
            raise StoreGone(f"the database at {where} is not the store opened here (store id "
                            f"{found or 'missing'}, expected {self.store_id}): it was dropped or replaced; nothing "
                            "was written; restart to open the store that is there now")
