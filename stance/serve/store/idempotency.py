"""``Idempotency-Key`` on ``POST /documents``: a client that retries a request it got no answer to gets the
first answer, not a second run.

The answer to a request sent with a key is kept with the key and a hash of the request's documents
(:func:`request_hash`: SHA-256 of their canonical JSON, so the order of an object's keys does not matter).
The same key with the same documents answers the kept answer without processing anything; the same key
with other documents is refused (:class:`~stance.serve.store.errors.IdempotencyConflict`, 409).  Two requests
with one key at the same moment are both processed (the second finds its documents known) and both get the
answer kept first.  A request that failed (every document rejected, or the store unavailable) keeps nothing:
retrying it runs it again.

    >>> request_hash([{"text": "a", "id": "x"}]) == request_hash([{"id": "x", "text": "a"}])
    True
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from stance.errors import StanceError
from stance.serve.store.conflicts import insert_new
from stance.serve.store.errors import IdempotencyConflict
from stance.serve.store.schema import IdempotencyKey

if TYPE_CHECKING:
    from stance.serve.store.store import Store

KEY_CHARS = 200


def request_hash(documents: Sequence[Any]) -> str:
    """SHA-256 of ``documents`` as canonical JSON."""
    text = json.dumps(list(documents), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_key(key: str) -> str:
    """``key`` if it is 1-200 visible ASCII characters, else a :class:`StanceError` (400)."""
    if not 0 < len(key) <= KEY_CHARS or not all(33 <= ord(c) <= 126 for c in key):
        raise StanceError(f"Idempotency-Key must be 1 to {KEY_CHARS} visible ASCII characters (a UUID is a good "
                          f"one), found {key[:40]!r}{'...' if len(key) > 40 else ''}")
    return key


def _kept(store: Store, key: str, digest: str) -> dict[str, Any] | None:
    with store.session() as s:
        row = s.scalar(select(IdempotencyKey).where(IdempotencyKey.key == key))
    if row is None:
        return None
    if row.request_hash != digest:
        raise IdempotencyConflict(f"Idempotency-Key {key!r} was used before with other documents; send a new key "
                                  "for a new request, or resend the first request's documents unchanged")
    return dict(row.result)


def answer_once(store: Store, key: str | None, documents: Sequence[Any],
                run: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """``run()``'s answer, or with a ``key`` the answer kept for it (see the module docstring)."""
    if key is None:
        return run()
    digest = request_hash(documents)
    kept = _kept(store, check_key(key), digest)
    if kept is not None:
        return kept
    result = run()
    store.verify()
    with store.session() as s, s.begin():
        insert_new(s, IdempotencyKey, [{"key": key, "request_hash": digest, "result": result}])
    return _kept(store, key, digest) or result
