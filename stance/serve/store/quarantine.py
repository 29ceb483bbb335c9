"""Stored documents that should not be there, and how to take a document out.

:func:`quarantined` lists the documents whose stored rows fail today's checks
(:mod:`stance.serve.store.validation`: a date outside 1000-2999, a NUL byte, an id over 300 characters;
rows written before the checks, or by hand) and those an operator flagged (:func:`flag`).  Readers already
leave out statements whose rows fail the checks; :func:`delete_document` takes a document out with
everything that hangs on it.

A statement belongs to the document it was first read from, and lists every document that carries it (its
sources).  Deleting a document deletes the statements no other document carries, with their predictions and
corrections, and takes the document out of every statement's sources.  A statement another document still
carries is kept, with its predictions and corrections: it moves to the earliest of those documents (the first
of its remaining sources, in the order the store met them), takes that document's date (as a statement read
from it would have) and its offsets in that document's text (:func:`_anchored`), so nothing a remaining
document says is lost.  :class:`Deletion` counts what went and names the documents that carry the statements
kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from stance.serve.store.conflicts import lock_speakers, upsert
from stance.serve.store.in_lists import in_lists
from stance.serve.store.schema import (
    CorrectionRow,
    Document,
    DocumentFlag,
    PredictionRow,
    StatementRow,
    StatementSource,
)
from stance.serve.store.statement_key import statement_key
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
    kept: int = 0
    """Statements first read from the document that other documents still carry: kept, with their predictions
    and corrections, and moved to the earliest of those documents."""
    kept_in: tuple[str, ...] = ()
    """The documents that carry the kept statements, by id."""

    def to_dict(self) -> dict:
        return {"id": self.doc_id, "statements": self.statements, "sources": self.sources,
                "predictions": self.predictions, "corrections": self.corrections, "kept": self.kept,
                "kept_in": list(self.kept_in)}


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
    """Delete ``doc_id`` with the statements no other document carries (their sources, predictions and
    corrections), its place among other statements' sources and its flag, in the caller's transaction; a
    statement another document carries is moved to it (:func:`_move`).  None when there is no such document."""
    if session.get(Document, doc_id) is None:
        return None
    own = list(session.scalars(select(StatementRow).where(StatementRow.doc_id == doc_id)
                               .order_by(StatementRow.statement_id)))
    lock_speakers(session, {row.actor_id for row in own})  # no writer merges into them meanwhile
    carriers: dict[str, list[str]] = {}  # statement id -> the other documents carrying it, earliest first
    for part in in_lists([row.statement_id for row in own]):
        query = (select(StatementSource.statement_id, StatementSource.doc_id)
                 .join(Document, Document.doc_id == StatementSource.doc_id)  # stored (the foreign key holds it)
                 .where(StatementSource.statement_id.in_(part), StatementSource.doc_id != doc_id)
                 .order_by(StatementSource.statement_id, StatementSource.position, StatementSource.doc_id))
        for statement_id, other in session.execute(query):
            carriers.setdefault(statement_id, []).append(other)
    for row in own:
        if row.statement_id in carriers:
            _move(session, row, carriers[row.statement_id][0])
    session.flush()

    def gone(statement) -> int:
        return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    dropped = [row.statement_id for row in own if row.statement_id not in carriers]
    corrections = predictions = statements = 0
    sources = gone(delete(StatementSource).where(StatementSource.doc_id == doc_id))
    for part in in_lists(dropped):
        corrections += gone(delete(CorrectionRow).where(CorrectionRow.statement_id.in_(part)))
        predictions += gone(delete(PredictionRow).where(PredictionRow.statement_id.in_(part)))
        sources += gone(delete(StatementSource).where(StatementSource.statement_id.in_(part)))
        statements += gone(delete(StatementRow).where(StatementRow.statement_id.in_(part))
                           .execution_options(synchronize_session=False))
    session.execute(delete(DocumentFlag).where(DocumentFlag.doc_id == doc_id))
    session.execute(delete(Document).where(Document.doc_id == doc_id))
    kept_in = sorted({other for ids in carriers.values() for other in ids})
    return Deletion(doc_id, statements, sources, predictions, corrections, len(carriers), tuple(kept_in))


def _move(session: Session, row: StatementRow, doc_id: str) -> None:
    """Make ``row`` a statement of ``doc_id``: that document's date (and the identity key that goes with it,
    unless another statement holds that key: then the date and key stay) and offsets in its text."""
    document = session.get(Document, doc_id)
    if document is None:  # found by a join with the documents, in this transaction
        raise LookupError(f"document {doc_id}, a source of statement {row.statement_id}, is not stored")
    key = statement_key(row.actor_id, row.text, document.date)
    taken = key is not None and key != row.identity_key and session.scalar(
        select(StatementRow.statement_id).where(StatementRow.identity_key == key,
                                                StatementRow.statement_id != row.statement_id)) is not None
    if not taken:
        row.date, row.identity_key = document.date, key
    row.doc_id = doc_id
    for field, value in _anchored(row, document.text).items():
        setattr(row, field, value)


def _anchored(row: StatementRow, text: str) -> dict:
    """The offsets of ``row``'s spans in ``text``, another document's text: where the statement's words stand
    in it verbatim, each span shifted with them; a span found elsewhere, at its first place; one not found
    (the other document words it a little differently), 0 to 0 for the statement and the quote (what a reader
    takes for "not placed") and none for the speaker, cue and scope."""
    at = text.find(row.text)
    shift = at - row.text_start if at >= 0 else 0

    def place(words: str, start: int, end: int) -> tuple[int, int] | None:
        if start + shift >= 0 and text[start + shift:end + shift] == words:
            return start + shift, end + shift
        found = text.find(words) if words else -1
        return (found, found + len(words)) if found >= 0 else None

    values: dict = {}
    for name in ("text", "quote"):
        values[f"{name}_start"], values[f"{name}_end"] = place(
            getattr(row, name), getattr(row, f"{name}_start"), getattr(row, f"{name}_end")) or (0, 0)
    for name in ("speaker", "cue", "scope"):
        span = getattr(row, name)
        if span:
            placed = place(span["text"], span["start"], span["end"])
            values[name] = None if placed is None else {**span, "start": placed[0], "end": placed[1]}
    return values
