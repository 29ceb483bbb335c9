"""The store a command's ``--db`` names: checked before it is opened, so that every command that opens one
stops on the same clear line for a mistyped path (:func:`check_store_path`) and, where the command only reads or
relabels, for a store that is not there (:func:`open_store` with ``existing``) instead of making an empty one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from stance.errors import StanceError

if TYPE_CHECKING:
    from stance.serve.store import Store


def check_store_path(db: str) -> None:
    """A :class:`StanceError` when ``--db`` names a SQLite store whose parent folder does not exist
    (``/no/such/dir/sub``): the store folder itself is made, never the folders above it, so that a
    mistyped path stops instead of making a tree."""
    if "://" in db:
        return
    parent = Path(db).expanduser().parent
    if not parent.is_dir():
        raise StanceError(f"--db {db}: the folder {parent} does not exist; expected a store folder (or .db file) "
                          f"in an existing folder: create {parent} first, or fix the path")


def check_store_exists(db: str) -> None:
    """A :class:`StanceError` when ``--db`` names a SQLite store whose file is not there (PostgreSQL: checked on
    connecting)."""
    from stance.serve.store.identity import sqlite_path
    from stance.serve.store.store import database_url

    file = sqlite_path(database_url(db))
    if file is not None and not file.is_file():
        raise StanceError(f"--db {db}: no store there (no {file}); expected a folder (or .db file) filled by "
                          "`stance ingest` or `stance serve`, or postgresql://...")


def open_store(db: str, *, existing: bool, upgrade: bool = True) -> Store:
    """The store at ``--db``.  ``existing``: it must be there already (a command that reads or relabels never
    makes one); else a new SQLite store's folder is made in an existing folder.  A path that cannot be opened is
    a :class:`StanceError` saying what was expected; a file that is not a store is the store's own
    :class:`~stance.serve.store.errors.StoreError`, naming it."""
    from stance.serve.store import Store

    check_store_path(db)
    if existing:
        check_store_exists(db)
    try:
        return Store.open(db, upgrade=upgrade)
    except OSError as exc:
        raise StanceError(f"--db {db}: cannot open a store there ({exc.strerror or exc}); expected a folder "
                          "(or .db file) you can write to, or postgresql://...") from None
