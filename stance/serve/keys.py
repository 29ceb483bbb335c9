"""API keys: made once, shown once, stored only as SHA-256 hashes in a keys file; a key is named in
logs by its id, the first characters of its hash."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from pathlib import Path

from stance.errors import InputError

KEY_BYTES = 32
"""Random bytes in a new key (before URL-safe base64)."""
KEYS_FILE_MODE = 0o600
"""The keys file is readable by its owner only."""
KEY_ID_CHARS = 8
"""Hex digits of a key's hash that name it in logs (``grep ^ID keys.txt`` finds its line)."""
_HASH = re.compile(r"[0-9a-f]{64}")


def hash_key(key: str) -> str:
    """The hex SHA-256 of ``key``: what a keys file holds."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def key_id(key_hash: str) -> str:
    """The id a key is logged under: the first :data:`KEY_ID_CHARS` hex digits of its hash, never the
    key itself (``key_id(hash_key("k"))`` is ``"8254c329"``, the start of the line ``8254c329a9...``)."""
    return key_hash[:KEY_ID_CHARS]


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
    """The hashes in ``keys_file`` (one per line, blank lines and ``#`` comments allowed); empty when no
    file is given.  A missing file, one without a hash, or a line that is not a hash (a key pasted in
    by mistake) is an :class:`~stance.errors.InputError` naming the file and line: keys asked for and
    not found must never leave the server open.  The offending line is not repeated: it may be a key."""
    if not keys_file:
        return frozenset()
    fix = f"create one with `stance key new --keys {keys_file}`"
    try:
        lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(keys_file, f"no such keys file; expected a file of API key hashes; {fix}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(keys_file, f"cannot be read as a keys file ({exc}); expected a text file of API key "
                                    f"hashes; {fix}") from None
    hashes = set()
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _HASH.fullmatch(line.lower()):
            raise InputError(keys_file, f"expected a SHA-256 key hash (64 hex digits), found a line of {len(line)} "
                                        "characters that is not one; a keys file holds only the hashes "
                                        f"`stance key new --keys {keys_file}` writes, never a key", number)
        hashes.add(line.lower())
    if not hashes:
        raise InputError(keys_file, f"no API key hashes in the file; expected one SHA-256 hash per line; {fix}")
    return frozenset(hashes)


def matching_hash(key: str | None, hashes: Iterable[str]) -> str | None:
    """The one of ``hashes`` that ``key`` hashes to (compared in constant time), or None."""
    if not key:
        return None
    digest = hash_key(key)
    found = None
    for h in hashes:
        if hmac.compare_digest(digest, h):
            found = h
    return found


def key_allowed(key: str | None, hashes: Iterable[str]) -> bool:
    """Whether ``key`` hashes to one of ``hashes`` (compared in constant time)."""
    return matching_hash(key, hashes) is not None
