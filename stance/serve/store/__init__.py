"""The persistent store: documents, statements, predictions (per model and issue registry
version), actors, issues and runs in one SQL database (SQLite by default,
PostgreSQL by URL), with Alembic migrations and incremental ingestion."""

from stance.serve.store.errors import IdempotencyConflict, StoreGone
from stance.serve.store.store import CursorError, Page, Store, StoreError

__all__ = ["CursorError", "IdempotencyConflict", "Page", "Store", "StoreError", "StoreGone"]
