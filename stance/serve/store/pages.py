"""The store's lists, filtered, counted and paged in SQL (``LIMIT``/``OFFSET`` in the query): scored
statements, actors and documents.  Only the rows of one page are read back.

A label is read with its latest correction's stance (:func:`corrected_stance`), as
:func:`~stance.review.corrections.apply_corrections` reads it, so that a label corrected as ``irrelevant``
is not listed and ``stance=favor`` finds the labels a coder set to favor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

from stance.records import PartialDate
from stance.review.record import IRRELEVANT
from stance.serve.store.schema import ActorRow, CorrectionRow, Document, PredictionRow, StatementRow

Column = ColumnElement[Any] | QueryableAttribute[Any]
"""A column of a query: a table's attribute or an expression."""
DOCUMENT_COLUMNS = (Document.doc_id, Document.date, Document.source, Document.url, Document.title, Document.author,
                    Document.doc_type)
"""What a document list holds (its text is left in the database)."""


def corrected_stance(dialect: str) -> ColumnElement[str]:
    """A prediction row's stance as read: the stance of the latest correction of its label (by decision
    time, then coder id in code point order: ``rb`` over ``ak`` on the same second), else the model's."""
    coder = CorrectionRow.coder.collate("C") if dialect == "postgresql" else CorrectionRow.coder
    latest = (select(CorrectionRow.stance)
              .where(CorrectionRow.statement_id == PredictionRow.statement_id,
                     CorrectionRow.issue_id == PredictionRow.issue_id)
              .order_by(CorrectionRow.decided_at.desc(), coder.desc()).limit(1)
              .correlate(PredictionRow).scalar_subquery())
    return func.coalesce(latest, PredictionRow.stance)


def date_overlaps(column: Column, since: PartialDate | None,
                  until: PartialDate | None) -> list[ColumnElement[bool]]:
    """WHERE clauses keeping a stored partial date (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``) whose days reach
    into [``since``, ``until``], as :func:`~stance.positions.periods.overlaps` keeps them; undated rows are
    left out when either is given.  A date's last day is on or after ``since``'s first when the date is not
    before ``since``'s first day cut to the date's length: ``since=2018-02-15`` keeps ``2018-02``
    (``"2018-02" >= "2018-02"``) and ``2018``, and drops ``2018-01``."""
    clauses = []
    for bound, day, keep in ((since, since.start() if since else None, "after"),
                             (until, until.end() if until else None, "before")):
        if bound is None or day is None:
            continue
        text = day.isoformat()
        clauses.append(or_(*(and_(func.length(column) == n,
                                  column >= text[:n] if keep == "after" else column <= text[:n])
                             for n in (10, 7, 4))))
    return clauses


def counted_page(session: Session, query: Select, order: Sequence[Column], offset: int,
                 limit: int) -> tuple[int, list]:
    """(rows ``query`` finds, the rows of one page in ``order``)."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.execute(query.order_by(*order).offset(offset).limit(limit)).all()) if offset < total else []
    return total, rows


def statement_rows(session: Session, labelled: Sequence[ColumnElement[bool]], *, actor: str | None = None,
                   issue: str | None = None, stance: str | None = None, since: PartialDate | None = None,
                   until: PartialDate | None = None, offset: int = 0, limit: int = 50) -> tuple[int, list[int]]:
    """(how many labels pass, the prediction row ids of one page in row order) of the predictions ``labelled``
    selects: by speaker (id or name), issue, stance as read, and the statement's date."""
    query = (select(PredictionRow.id).join(StatementRow, StatementRow.statement_id == PredictionRow.statement_id)
             .where(*labelled))
    if actor:
        query = (query.outerjoin(ActorRow, ActorRow.actor_id == StatementRow.actor_id)
                 .where(or_(StatementRow.actor_id == actor, ActorRow.name == actor)))
    if issue:
        query = query.where(PredictionRow.issue_id == issue)
    if session.scalar(select(CorrectionRow.id).limit(1)) is not None:
        read = corrected_stance(session.get_bind().dialect.name)
        query = query.where(read != IRRELEVANT, *([read == stance] if stance else []))
    elif stance:
        query = query.where(PredictionRow.stance == stance)
    query = query.where(*date_overlaps(StatementRow.date, since, until))
    total, rows = counted_page(session, query, [PredictionRow.id], offset, limit)
    return total, [row_id for (row_id,) in rows]


def actor_rows(session: Session, labelled: Sequence[ColumnElement[bool]] | None, *, scored: bool = True,
               offset: int = 0, limit: int = 50) -> tuple[int, list[ActorRow]]:
    """(how many, one page by name) of the actors with at least one scored statement among the predictions
    ``labelled`` selects (a label corrected as irrelevant does not count), or with ``scored=False`` every
    actor the store holds (the registry's too)."""
    query = select(ActorRow)
    if scored:
        if labelled is None:
            return 0, []
        speaking = (select(StatementRow.actor_id)
                    .join(PredictionRow, PredictionRow.statement_id == StatementRow.statement_id).where(*labelled))
        if session.scalar(select(CorrectionRow.id).limit(1)) is not None:
            speaking = speaking.where(corrected_stance(session.get_bind().dialect.name) != IRRELEVANT)
        query = query.where(ActorRow.actor_id.in_(speaking))
    total, rows = counted_page(session, query, [ActorRow.name, ActorRow.actor_id], offset, limit)
    return total, [row for (row,) in rows]


def document_rows(session: Session, *, source: str | None = None, since: PartialDate | None = None,
                  until: PartialDate | None = None, offset: int = 0, limit: int = 50) -> tuple[int, list]:
    """(how many, one page in the order stored) of the stored documents from ``source`` dated within
    [``since``, ``until``], each as :data:`DOCUMENT_COLUMNS`."""
    query = select(*DOCUMENT_COLUMNS)
    if source:
        query = query.where(Document.source == source)
    query = query.where(*date_overlaps(Document.date, since, until))
    return counted_page(session, query, [Document.added_at, Document.doc_id], offset, limit)
