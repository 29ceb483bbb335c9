"""What the store accepts, checked the same way on SQLite and PostgreSQL.

SQLite would take a NUL byte, a 400-character id or the date ``9999-12-20``; PostgreSQL refuses the first two
with a driver error, and the third breaks every reader later (the month after December 9999 is in year
10000).  So the store checks each document and each statement before it writes it, and rejects a bad one
alone with a reason (:func:`article_problems`, :func:`statement_problems`); the rest of its batch is written.
The same checks over stored rows (:func:`document_row_problems`, :func:`stored_date`) find rows written
before them (``stance quarantine list``), which readers then leave out instead of failing.

    >>> from stance.ingest.corpus import make_article
    >>> article_problems(make_article("d", "Text.", "x", date="9999-12-20"))
    ['date 9999-12-20 is outside the years 1000-2999 the store accepts; correct the date or leave it out']
    >>> text_problem("source", "x" * 301, 300)
    'source is 301 characters, over the 300 the store keeps; shorten it'
"""

from __future__ import annotations

from typing import Any

from stance.records import Article, PartialDate, Statement
from stance.serve.store.schema import ActorRow, Document, StatementRow

MIN_YEAR = 1000
MAX_YEAR = 2999
"""The years a stored date may have: the periods positions are computed over (a quarter, a month, a week)
must begin and end within the years Python's dates hold (1-9999), with room to spare."""


def _limit(column: Any) -> int:
    """The length of a ``String(N)`` column: what PostgreSQL holds (SQLite holds any length)."""
    length: int = column.type.length
    return length


ID_CHARS = _limit(Document.__table__.c.doc_id)
SOURCE_CHARS = _limit(Document.__table__.c.source)
TYPE_CHARS = _limit(Document.__table__.c.doc_type)
STATEMENT_ID_CHARS = _limit(StatementRow.__table__.c.statement_id)
ACTOR_ID_CHARS = _limit(ActorRow.__table__.c.actor_id)
ACTOR_NAME_CHARS = _limit(ActorRow.__table__.c.name)


def date_problem(value: str | None) -> str | None:
    """Why ``value`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) cannot be stored, or None when it can.

    >>> date_problem("2018-01"), date_problem("0001-01-01") is not None
    (None, True)
    """
    if value is None:
        return None
    try:
        date = PartialDate.parse(value)
    except ValueError as exc:
        return f"date {value!r} cannot be read: {exc}"
    if not MIN_YEAR <= date.year <= MAX_YEAR:
        return (f"date {value} is outside the years {MIN_YEAR}-{MAX_YEAR} the store accepts; correct the date or "
                "leave it out")
    return None


def text_problem(field: str, value: str | None, limit: int | None = None) -> str | None:
    """Why the text ``value`` of ``field`` cannot be stored (a NUL byte, or over ``limit`` characters), or None."""
    if value is None:
        return None
    if "\x00" in value:
        return (f"{field} contains a NUL byte (\\u0000) at character {value.index(chr(0))}; expected text without "
                "NUL bytes (PostgreSQL cannot store them): remove them")
    if limit is not None and len(value) > limit:
        return f"{field} is {len(value)} characters, over the {limit} the store keeps; shorten it"
    return None


def _problems(checks: list[str | None]) -> list[str]:
    return [p for p in checks if p is not None]


def article_problems(article: Article) -> list[str]:
    """Why ``article`` cannot be stored, or an empty list."""
    return _problems([
        text_problem("id", article.doc_id, ID_CHARS),
        text_problem("text", article.text),
        date_problem(str(article.date) if article.date is not None else None),
        text_problem("source", article.source, SOURCE_CHARS),
        text_problem("url", article.url),
        text_problem("title", article.title),
        text_problem("author", article.author),
        text_problem("type", article.doc_type, TYPE_CHARS),
    ])


def statement_problems(st: Statement) -> list[str]:
    """Why the statement ``st`` cannot be stored (its speaker's id or name too long, say), or an empty list."""
    who = f"statement {st.statement_id}"
    return _problems([
        text_problem(f"{who}: its id", st.statement_id, STATEMENT_ID_CHARS),
        text_problem(f"{who}: its speaker's id", st.actor_id, ACTOR_ID_CHARS),
        text_problem(f"{who}: its speaker's name", st.actor, ACTOR_NAME_CHARS),
        text_problem(f"{who}: its speaker's affiliation", st.affiliation, ACTOR_NAME_CHARS),
        text_problem(f"{who}: its text", st.text.text),
        date_problem(str(st.date) if st.date is not None else None),
    ])


def document_row_problems(row: Document) -> list[str]:
    """Why a stored document would not be stored today (written before these checks, or by hand)."""
    return _problems([
        text_problem("id", row.doc_id, ID_CHARS),
        text_problem("text", row.text),
        date_problem(row.date),
        text_problem("source", row.source, SOURCE_CHARS),
        text_problem("url", row.url),
        text_problem("title", row.title),
        text_problem("author", row.author),
        text_problem("type", row.doc_type, TYPE_CHARS),
    ])


def stored_date(value: str | None) -> PartialDate | None:
    """A stored date as a :class:`PartialDate` (None for none); ValueError, with the reason, for one that
    :func:`date_problem` refuses."""
    problem = date_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return PartialDate.parse(value) if value is not None else None
