"""The limits every document must keep, whatever it was read from, and the checks of one document's fields.

A document that breaks one is *rejected*: :class:`Rejected` names it and says why, the loader lists it as
skipped and reads on (`stance ingest` then exits with status 1).  The limits:

- an id is a non-empty string, or an integer kept as its decimal text (``7`` is ``"7"``, ``0`` is ``"0"``);
  a row without one (no ``"id"``, or ``null``) is numbered ``FILE-LINE`` as before;
- an id and a source hold at most :data:`MAX_FIELD_CHARS` characters (the store's columns);
- no field holds a NUL character (U+0000: PostgreSQL refuses it);
- a text holds at most :data:`MAX_DOCUMENT_CHARS` characters.

A date outside the years :data:`~stance.ingest.dates.MIN_YEAR` to :data:`~stance.ingest.dates.MAX_YEAR`
does not reject its document: the date is dropped with a warning (see :func:`stance.ingest.corpus.make_article`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stance.errors import InputError

MAX_BYTES = 100_000_000
"""The largest file read, in bytes (a text, a page, a feed, a manifest, a JSONL or CSV table alike: about
30,000 news articles in one table; one document is held to :data:`MAX_DOCUMENT_CHARS` besides): more is
almost always a wrong file.  ``--max-bytes`` raises it; tables are read row by row, so a larger one costs no
more memory than its documents."""
MAX_DOCUMENT_CHARS = 1_000_000
"""The longest document text, in characters (about 170,000 words; a long news article has 10,000
characters).  Splitting it into sentences takes about 10 s of CPU."""
MAX_FIELD_CHARS = 300
"""The longest document id or source, in characters: the store keeps them in columns of this width."""
ID_RULE = "a non-empty string, or an integer (kept as its decimal text)"
"""What an id may be, for messages."""


class Rejected(InputError):
    """One document refused for what it holds (a bad id, a NUL character, a field over its limit); the
    loader lists it as skipped with :attr:`reason` and reads on."""

    def __init__(self, path: object, reason: str, line: int | None = None) -> None:
        super().__init__(path, reason, line)
        self.reason = reason


def _shown(value: Any) -> str:
    """A JSON value as a message shows it, cut to 60 characters: ``{"a": 1}``, ``""``, ``true``."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, float):
        return "a number with a fraction"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


def document_id(value: Any, fallback: str, path: object, line: int | None = None) -> str:
    """A table row's document id: a non-empty string as given, an integer as its decimal text,
    ``fallback`` (``FILE-LINE``) when the row has none (``None``); :class:`Rejected` for anything else.

    ``document_id(0, "c-3", "c.jsonl")`` is ``"0"``; ``document_id(None, "c-3", "c.jsonl")`` is ``"c-3"``;
    ``""``, ``"  "``, ``true``, ``1.5``, ``{...}`` and ``[...]`` are rejected."""
    if value is None:
        return fallback
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise Rejected(path, f'"id" {_shown(value)} is {_kind(value)}; expected {ID_RULE}: fix the id, or leave '
                       '"id" out to number the row', line)
    text = str(value)
    if not text.strip():
        raise Rejected(path, f'"id" {_shown(value)} is empty; expected {ID_RULE}: fix the id, or leave "id" out '
                       "to number the row", line)
    return text


def check_fields(doc_id: str, text: str, fields: Mapping[str, Any], path: object, line: int | None = None) -> None:
    """:class:`Rejected` when a document breaks a limit of this module: an id or source over
    :data:`MAX_FIELD_CHARS` characters, a NUL character in its id, text or any text field of ``fields``
    (``source``, ``url``, ``title``, ``author``...), a text over :data:`MAX_DOCUMENT_CHARS` characters;
    an empty id."""
    if not doc_id.strip():
        raise Rejected(path, f"a document's id is empty; expected {ID_RULE}", line)
    for name, value in (("id", doc_id), ("source", fields.get("source"))):
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise Rejected(path, f"document {doc_id[:60]!r}: its {name} is {len(value):,} characters long; expected "
                           f"at most {MAX_FIELD_CHARS} (the store's limit): shorten it", line)
    for name, value in (("id", doc_id), ("text", text), *fields.items()):
        at = value.find("\x00") if isinstance(value, str) else -1
        if at >= 0:
            raise Rejected(path, f"document {doc_id[:60]!r}: its {name} holds a NUL character (U+0000) at "
                           f"character {at:,}; expected text without NUL characters (a binary or mis-encoded "
                           "source?): remove them", line)
    if len(text) > MAX_DOCUMENT_CHARS:
        raise Rejected(path, f"document {doc_id[:60]!r} is {len(text):,} characters long, over the "
                       f"{MAX_DOCUMENT_CHARS:,}-character limit for one document; split it into several documents",
                       line)


def check_size(path: Path, limit: int) -> None:
    """An :class:`InputError` naming the file when it holds more than ``limit`` bytes (see :data:`MAX_BYTES`)."""
    size = path.stat().st_size
    if size > limit:
        raise InputError(path, f"is {size:,} bytes, over the {limit:,}-byte limit for one file; split it, or raise "
                         f"the limit with --max-bytes (here at least --max-bytes {size})")
