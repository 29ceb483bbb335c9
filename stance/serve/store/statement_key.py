"""The identity of a stored statement, which the database keeps unique: its speaker, its words and its week.

The store merges a statement into a stored one that repeats it (:func:`stance.attribution.dedupe.same_statement`:
the same speaker, 80% of the words, within a week) before it writes it.  That check alone cannot stop two
writers racing, so the database holds each statement's key under a unique index as well: two statements with
the same key always repeat each other, and a second writer's insert of a key already stored resolves to that
statement (a new source for it), never to a duplicate.

The key is a SHA-256 of the speaker's id, the statement's words (:func:`~stance.attribution.dedupe.tokens`,
sorted) and its time: the week (day ordinal // 7) of a date known to the day, the month or year itself for
a less precise date, ``undated`` for none.  Two statements with the same key are thus within six days of
each other (or share a month, a year, or both have no date) and have the same words, so
``same_statement`` holds for them; a statement of fewer than five words (``Absolutely not``) has no key, as
it is never merged.

    >>> statement_key("imran_khan", "We will never give our bases.", "2021-06-14") == \\
    ...     statement_key("imran_khan", "we will NEVER give our bases", "2021-06-15")  # days 737955-6: week 105422
    True
    >>> statement_key("imran_khan", "We will never give our bases.", "2021-06-19") == \\
    ...     statement_key("imran_khan", "We will never give our bases.", "2021-06-20")  # weeks 105422, 105423
    False
    >>> statement_key("imran_khan", "Absolutely not.", "2021-06-19") is None
    True
"""

from __future__ import annotations

import hashlib

from stance.attribution.dedupe import MIN_TOKENS, tokens
from stance.records import PartialDate, Statement

KEY_CHARS = 64


def statement_key(actor_id: str, text: str, date: str | None) -> str | None:
    """The key of a statement by ``actor_id`` with ``text`` on ``date`` (``YYYY[-MM[-DD]]`` or None), or None for
    one too short to be merged with another."""
    words = tokens(text)
    if len(words) < MIN_TOKENS:
        return None
    if date is None:
        when = "undated"
    else:
        try:
            parsed = PartialDate.parse(date)
            when = f"week {parsed.start().toordinal() // 7}" if parsed.precision == "day" else str(parsed)
        except ValueError:  # a stored date that cannot be read (see stance quarantine): the text itself
            when = date
    return hashlib.sha256("\n".join((actor_id, " ".join(sorted(words)), when)).encode("utf-8")).hexdigest()


def key_of(st: Statement) -> str | None:
    """:func:`statement_key` of a statement record."""
    return statement_key(st.actor_id, st.text.text, str(st.date) if st.date is not None else None)
