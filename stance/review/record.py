"""The records of the review loop: a row of a coded review file as read, and the correction it becomes.

A :class:`Correction` is one person's decision on one label (a statement's stance on one issue):
``favor``, ``against``, ``neutral``, or ``irrelevant`` (the statement is not about this issue).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from stance.records import STANCES

IRRELEVANT = "irrelevant"
"""A correction saying the statement is not about the issue: the label leaves positions."""
REVIEW_STANCES: tuple[str, ...] = (*STANCES, IRRELEVANT)
"""What a coder may answer: a stance, or :data:`IRRELEVANT`."""


def utc(moment: _dt.datetime) -> _dt.datetime:
    """``moment`` as an aware UTC time (a naive one, as SQLite gives back, is read as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=_dt.timezone.utc)
    return moment.astimezone(_dt.timezone.utc)


def parse_time(value: str) -> _dt.datetime:
    """An ISO 8601 time (``2026-12-04T10:15:00Z``, ``2026-12-04 10:15:00+01:00``, ``2026-12-04``) in UTC;
    a time without a zone is UTC.  ValueError for anything else."""
    text = str(value).strip()
    if text.endswith(("Z", "z")):  # Python 3.10's fromisoformat does not read the Z that Label Studio writes
        text = text[:-1] + "+00:00"
    return utc(_dt.datetime.fromisoformat(text))


@dataclass(frozen=True)
class Correction:
    """A person's stance on one (statement, issue) label, which wins over the model's.

    ``time`` is when the coder decided (a Label Studio annotation's ``updated_at``; a CSV row's
    ``time`` cell, else the file's modification time), aware and in UTC.  ``text`` and ``target`` are
    the statement's words and the issue's target sentence as the coder saw them (empty when the
    source does not carry them, as the store's rows do not): what training reads.
    """

    statement_id: str
    issue: str
    stance: str
    """One of :data:`REVIEW_STANCES`."""
    coder: str
    time: _dt.datetime
    note: str = ""
    text: str = ""
    target: str = ""

    @property
    def label(self) -> tuple[str, str]:
        """The label corrected: (statement id, issue)."""
        return (self.statement_id, self.issue)

    @property
    def key(self) -> tuple[str, str, str]:
        """(statement id, issue, coder): one correction per key is kept."""
        return (self.statement_id, self.issue, self.coder)

    def same_decision(self, other: Correction) -> bool:
        """Whether ``other`` says the same (stance and note), whenever it was made."""
        return (self.stance, self.note) == (other.stance, other.note)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: one line of a run folder's ``corrections.jsonl``."""
        return {"statement_id": self.statement_id, "issue": self.issue, "stance": self.stance, "coder": self.coder,
                "time": self.time.isoformat(), "note": self.note, "text": self.text, "target": self.target}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Correction:
        """The inverse of :meth:`to_dict` (``note``, ``text`` and ``target`` may be left out)."""
        return cls(str(row["statement_id"]), str(row["issue"]), str(row["stance"]), str(row["coder"]),
                   parse_time(row["time"]), str(row.get("note") or ""), str(row.get("text") or ""),
                   str(row.get("target") or ""))


@dataclass(frozen=True)
class CodedRow:
    """One decision as a review file holds it, before it is checked: ``line`` is where it starts in the
    file; ``stance`` and ``coder`` are as written (empty when missing); ``time`` None when the row has none."""

    line: int
    statement_id: str
    issue: str
    stance: str
    coder: str
    time: _dt.datetime | None
    note: str = ""
    text: str = ""
    target: str = ""
