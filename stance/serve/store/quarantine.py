"""Stored documents that should not be there, and how to take a document out.

:func:`quarantined` lists the documents whose stored rows fail today's checks
(:mod:`stance.serve.store.validation`: a date outside 1000-2999, a NUL byte, an id over 300 characters;
rows written before the checks, or by hand) and those an operator flagged (:func:`flag`).  Readers already
leave out statements whose rows fail the checks; :func:`delete_document` takes a document out with
everything that hangs on it.

A statement belongs to the document it was first read from.  Deleting that document deletes the statement,
its predictions and corrections, and its other sources (documents that repeat it keep their text but no
longer carry it): :class:`Deletion` names those documents, so they can be looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from stance.serve.store.conflicts import lock_speakers, upsert
from stance.serve.store.schema import (
    CorrectionRow,
    Document,
    DocumentFlag,
    PredictionRow,
    StatementRow,
    StatementSource,
)
from stance.serve.store.validation import (
    ACTOR_ID_CHARS,
    STATEMENT_ID_CHARS,
    date_problem,
    document_row_problems,
    text_problem,
)

_ROWS_PER_READ = 500


@dataclass(frozen=True)
class Quarantined:
    """A stored document to look at: why (each failed check, and the operator's flag)."""

    doc_id: str
    reasons: tuple[str, ...]
    flagged: bool = False

    def to_dict(self) -> dict:
        return {"id": self.doc_id, "reasons": list(self.reasons), "flagged": self.flagged}


@dataclass(frozen=True)
class Deletion:
    """What deleting one document took out."""

    doc_id: str
    statements: int
    sources: int
    predictions: int
    corrections: int
    also_in: tuple[str, ...] = ()
    """Other documents that carried a deleted statement (they no longer do)."""

    def to_dict(self) -> dict:
        return {"id": self.doc_id, "statements": self.statements, "sources": self.sources,
                "predictions": self.predictions, "corrections": self.corrections, "also_in": list(self.also_in)}


def quarantined(session: Session) -> list[Quarantined]:
    """The documents whose rows fail the checks or that were flagged, by id (rows read in pages)."""
    reasons: dict[str, list[str]] = {}
    for row in session.scalars(select(Document).order_by(Document.doc_id).execution_options(yield_per=_ROWS_PER_READ)):
        problems = document_row_problems(row)
        if problems:
            reasons.setdefault(row.doc_id, []).extend(problems)
    query = select(StatementRow.statement_id, StatementRow.doc_id, StatementRow.actor_id, StatementRow.date) \
        .order_by(StatementRow.doc_id, StatementRow.statement_id).execution_options(yield_per=_ROWS_PER_READ)
    for statement_id, doc_id, actor_id, date in session.execute(query):
        for problem in (text_problem("its id", statement_id, STATEMENT_ID_CHARS),
                        text_problem("its speaker's id", actor_id, ACTOR_ID_CHARS), date_problem(date)):
            if problem is not None:
                found = reasons.setdefault(doc_id, [])
                text = f"statement {statement_id}: {problem}"
                if text not in found:
                    found.append(text)
    flags = {f.doc_id: f.reason for f in session.scalars(select(DocumentFlag))}
    for doc_id, reason in flags.items():
        reasons.setdefault(doc_id, []).append(f"flagged: {reason}")
    return [Quarantined(d, tuple(reasons[d]), d in flags) for d in sorted(reasons)]


def flag(session: Session, doc_id: str, reason: str) -> bool:
    """Set ``doc_id`` aside with ``reason`` (a second flag replaces the reason); False when no such document."""
    if session.get(Document, doc_id) is None:
        return False
    upsert(session, DocumentFlag, [{"doc_id": doc_id, "reason": reason}], key=["doc_id"])
    return True


def unflag(session: Session, doc_id: str) -> bool:
    """Take ``doc_id``'s flag off; False when it had none."""
    return bool(session.execute(delete(DocumentFlag).where(DocumentFlag.doc_id == doc_id)).rowcount)  # type: ignore[attr-defined]


def delete_document(session: Session, doc_id: str) -> Deletion | None:
    """Delete ``doc_id`` with its statements, their sources, predictions and corrections, its place among
    other statements' sources and its flag, in the caller's transaction; None when there is no such document."""
    if session.get(Document, doc_id) is None:
        return None
    own = select(StatementRow.statement_id).where(StatementRow.doc_id == doc_id)
    lock_speakers(session, session.scalars(select(StatementRow.actor_id).where(StatementRow.doc_id == doc_id)))
    also = sorted(set(session.scalars(select(StatementSource.doc_id).where(StatementSource.statement_id.in_(own),
                                                                          StatementSource.doc_id != doc_id))))

    def gone(statement) -> int:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    corrections = gone(delete(CorrectionRow).where(CorrectionRow.statement_id.in_(own)))
    predictions = gone(delete(PredictionRow).where(PredictionRow.statement_id.in_(own)))
    sources = gone(delete(StatementSource).where(or_(StatementSource.statement_id.in_(own),
                                                     StatementSource.doc_id == doc_id)))
    statements = gone(delete(StatementRow).where(StatementRow.doc_id == doc_id))
    session.execute(delete(DocumentFlag).where(DocumentFlag.doc_id == doc_id))
    session.execute(delete(Document).where(Document.doc_id == doc_id))
    return Deletion(doc_id, statements, sources, predictions, corrections, tuple(also))
