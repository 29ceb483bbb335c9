"""API keys: made once, shown once, stored only as SHA-256 hashes in a keys file."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from pathlib import Path

KEY_BYTES = 32
"""Random bytes in a new key (before URL-safe base64)."""
KEYS_FILE_MODE = 0o600
"""The keys file is readable by its owner only."""


def hash_key(key: str) -> str:
    """The hex SHA-256 of ``key``: what a keys file holds."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(keys_file: str | Path) -> str:
    """A fresh API key; its SHA-256 hash is appended to ``keys_file`` (the key itself is stored nowhere)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    path = Path(keys_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(hash_key(key) + "\n")
    path.chmod(KEYS_FILE_MODE)
    return key


def load_key_hashes(keys_file: str | Path | None) -> frozenset[str]:
    """The hashes in ``keys_file`` (one per line, ``#`` comments allowed); empty when no file is given."""
    if not keys_file:
        return frozenset()
    lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def key_allowed(key: str | None, hashes: Iterable[str]) -> bool:
    """Whether ``key`` hashes to one of ``hashes`` (compared in constant time)."""
    if not key:
        return False
    digest = hash_key(key)
    return any(hmac.compare_digest(digest, h) for h in hashes)
