"""What changed in the store, read cheaply: its revision in one query, and since a revision the
prediction rows, corrections and documents that came in (what :mod:`stance.serve.store.aggregation`
updates positions from).

Rows are never edited in place except corrections (a later decision replaces a coder's row and sets its
``imported_at``) and registry actors (a run re-writes them: a new run id).  So the counts and latest ids of
:class:`Revision` change with every write, and :func:`read_changes` finds what a write added by id (or, for
documents, by run).  A reader checks what it found against the counts (:meth:`Revision.explains`): when
they disagree (rows deleted, or a row committed with an id below one already seen, as two PostgreSQL
writers can do), it starts again from everything.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ScalarSelect, func, or_, select
from sqlalchemy.orm import Session

from stance.serve.store.schema import ActorRow, CorrectionRow, Document, PredictionRow, Run, StatementSource


class Revision(NamedTuple):
    """Counts and latest ids of everything positions depend on, read in one query (:func:`read_revision`):
    any write changes at least one of them."""

    last_prediction: int | None
    predictions: int
    sources: int
    documents: int
    actors: int
    corrections: int
    last_correction: int | None
    corrected_at: _dt.datetime | None
    """When the latest correction row was written (a replaced decision sets it anew)."""
    last_run: int | None

    def explains(self, before: Revision, changes: Changes, seen: frozenset[str] | set[str]) -> bool:
        """Whether ``changes`` (read since ``before``, whose documents ``seen`` were known) account for every
        row this revision adds to it.  For example, 3 more predictions than ``before`` with 3 prediction rows
        found after its last id, and 1 more document with its 2 sources found, are explained; 3 more
        predictions with 2 rows found are not (a row was deleted, or committed below an id already seen)."""
        new = changes.new_documents(seen)
        return (self.predictions - before.predictions == len(changes.predictions)
                and self.documents - before.documents == len(new)
                and self.sources - before.sources == sum(len(ids) for ids in new.values())
                and self.corrections - before.corrections == changes.new_corrections
                and self.actors >= before.actors)


def read_revision(session: Session) -> Revision:
    """The store's :class:`Revision`, in one round trip (one row of scalar subqueries)."""
    def count(table: type) -> ScalarSelect[int]:
        return select(func.count()).select_from(table).scalar_subquery()

    row = session.execute(select(
        select(func.max(PredictionRow.id)).scalar_subquery(), count(PredictionRow), count(StatementSource),
        count(Document), count(ActorRow), count(CorrectionRow), select(func.max(CorrectionRow.id)).scalar_subquery(),
        select(func.max(CorrectionRow.imported_at)).scalar_subquery(),
        select(func.max(Run.id)).scalar_subquery())).one()
    return Revision(*row)


@dataclass(frozen=True)
class Changes:
    """What came in since a revision (:func:`read_changes`)."""

    predictions: tuple[tuple[int, str, str | None, str], ...]
    """Prediction rows after the revision's last id: (row id, model version, registry version, statement id)."""
    corrected: frozenset[str]
    """Statements with a correction added or replaced since."""
    new_corrections: int
    """Correction rows after the revision's last correction id."""
    documents: dict[str, tuple[int, tuple[str, ...]]]
    """The documents of the runs from ``floor`` on: each one's run and (for those not seen before) the
    statements it is a source of."""

    def new_documents(self, seen: frozenset[str] | set[str]) -> dict[str, tuple[str, ...]]:
        """The documents not in ``seen``, with the statements each is a source of."""
        return {doc: ids for doc, (_, ids) in self.documents.items() if doc not in seen}


def read_changes(session: Session, since: Revision, floor: int | None, now: Revision | None = None,
                 seen: frozenset[str] | set[str] = frozenset()) -> Changes:
    """The prediction rows after ``since``'s last one, the statements corrected since, and the documents of
    runs ``floor`` and later (the run in progress at ``since`` and those after it) with their run and, for
    those not in ``seen``, the statements each is a source of.  Every lookup is by an index (ids, runs,
    sources by document), so its cost follows what came in, not the size of the store; what ``now`` (the
    revision read just before) shows unchanged is not looked up."""
    now = now or Revision(None, -1, -1, -1, -1, -1, None, None, None)
    predictions: tuple = ()
    if now.last_prediction != since.last_prediction or now.predictions != since.predictions:
        predictions = tuple(session.execute(
            select(PredictionRow.id, PredictionRow.model_version, PredictionRow.registry_version,
                   PredictionRow.statement_id)
            .where(PredictionRow.id > (since.last_prediction or 0)).order_by(PredictionRow.id)).all())
    after = since.last_correction or 0
    statements: set[str] = set()
    new_corrections = 0
    if (now.corrections, now.last_correction, now.corrected_at) != (since.corrections, since.last_correction,
                                                                     since.corrected_at):
        corrected = CorrectionRow.id > after
        if since.corrected_at is not None:  # a coder's later decision replaces their row in place
            corrected = or_(corrected, CorrectionRow.imported_at >= since.corrected_at)
        for row_id, statement_id in session.execute(select(CorrectionRow.id, CorrectionRow.statement_id)
                                                    .where(corrected)).all():
            statements.add(statement_id)
            new_corrections += row_id > after
    documents: dict[str, tuple[int, list[str]]] = {}
    query = (select(Document.doc_id, Document.run_id, StatementSource.statement_id)
             .outerjoin(StatementSource, StatementSource.doc_id == Document.doc_id)
             .where(Document.run_id >= (floor or 0)))
    for doc_id, run_id, statement_id in session.execute(query).all():
        held = documents.setdefault(doc_id, (run_id, []))[1]
        if statement_id is not None and doc_id not in seen:
            held.append(statement_id)
    return Changes(predictions, frozenset(statements), new_corrections,
                   {doc: (run, tuple(ids)) for doc, (run, ids) in documents.items()})
