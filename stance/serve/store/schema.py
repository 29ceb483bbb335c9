"""Tables of the store (SQLAlchemy 2 declarative models).  The migration in
``migrations/versions`` creates exactly these; change both together."""

from __future__ import annotations

import datetime as _dt

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


class Base(DeclarativeBase):
    pass


class Run(Base):
    """One ingestion or re-labelling run."""

    __tablename__ = "runs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    model_version: Mapped[str] = mapped_column(String(200))
    registry_version: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The issue registry's :meth:`~stance.registries.issues.IssueRegistry.version` (null: a run before 0002)."""
    started_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[_dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    documents_added: Mapped[int] = mapped_column(Integer, default=0)
    documents_known: Mapped[int] = mapped_column(Integer, default=0)
    statements_added: Mapped[int] = mapped_column(Integer, default=0)
    pid: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The process that runs it (null: a run before 0004): a run left running by a dead process is closed as
    interrupted when the store next opens on its host."""
    host: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Document(Base):
    __tablename__ = "documents"
    doc_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)
    source: Mapped[str | None] = mapped_column(String(300), nullable=True)
    url: Mapped[str | None] = mapped_column(Text, nullable=True)
    title: Mapped[str | None] = mapped_column(Text, nullable=True)
    author: Mapped[str | None] = mapped_column(Text, nullable=True)
    doc_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    """``news``, ``op-ed``, ``speech`` ... (null: a document stored before 0002, read back as news)."""
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    """Indexed (0005): the documents of the latest runs are what a reader of changes looks at."""
    added_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ActorRow(Base):
    __tablename__ = "actors"
    actor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(32))
    affiliation: Mapped[str | None] = mapped_column(String(300), nullable=True)


class Alias(Base):
    __tablename__ = "aliases"
    __table_args__ = (UniqueConstraint("actor_id", "alias"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.actor_id"), index=True)
    alias: Mapped[str] = mapped_column(String(300))


class IssueRow(Base):
    __tablename__ = "issues"
    issue_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    label: Mapped[str] = mapped_column(String(300))
    target: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list] = mapped_column(JSON, default=list)


class StatementRow(Base):
    __tablename__ = "statements"
    __table_args__ = (Index("uq_statements_identity_key", "identity_key", unique=True),)
    statement_id: Mapped[str] = mapped_column(String(400), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), index=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.actor_id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    date: Mapped[str | None] = mapped_column(String(10), nullable=True, index=True)
    text: Mapped[str] = mapped_column(Text)
    text_start: Mapped[int] = mapped_column(Integer)
    text_end: Mapped[int] = mapped_column(Integer)
    quote: Mapped[str] = mapped_column(Text)
    quote_start: Mapped[int] = mapped_column(Integer)
    quote_end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    cue: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    scope: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    order: Mapped[int] = mapped_column(Integer, default=0)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    identity_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """Speaker, words and week (:mod:`stance.serve.store.statement_key`), unique: two writers cannot store
    the same statement twice (null: a statement too short to be merged with another)."""


class StatementSource(Base):
    """Every document that carries a statement (the first one included)."""

    __tablename__ = "statement_sources"
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.statement_id"), primary_key=True)
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), primary_key=True, index=True)
    """Indexed (0005) on its own: the statements a new document is a source of."""
    position: Mapped[int] = mapped_column(Integer, default=0)


class PredictionRow(Base):
    """One (statement, issue) stance, under the model and the issue registry that made it: re-labelling
    with another model or another registry adds rows and keeps the earlier ones."""

    __tablename__ = "predictions"
    __table_args__ = (UniqueConstraint("statement_id", "issue_id", "model_version", "registry_version",
                                       name="uq_predictions_labelling"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.statement_id"), index=True)
    issue_id: Mapped[str] = mapped_column(String(100), index=True)
    stance: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    abstained: Mapped[bool] = mapped_column(Boolean, default=False)
    model_version: Mapped[str] = mapped_column(String(200), index=True)
    registry_version: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    """The issue registry the issue was detected with (null: a prediction stored before 0002)."""
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))


class CorrectionRow(Base):
    """A person's stance on one (statement, issue) label (`stance review import`), which wins over every
    model's: one row per (statement, issue, coder); a later decision by the same coder replaces the row."""

    __tablename__ = "corrections"
    __table_args__ = (UniqueConstraint("statement_id", "issue_id", "coder", name="uq_corrections_label_coder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    statement_id: Mapped[str] = mapped_column(ForeignKey("statements.statement_id"), index=True)
    issue_id: Mapped[str] = mapped_column(String(100), index=True)
    stance: Mapped[str] = mapped_column(String(16))
    """favor, against, neutral, or irrelevant (not about the issue: the label leaves positions)."""
    coder: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True))
    """When the coder decided (the review file's time), which orders decisions."""
    note: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    """When the row was written (a replacement sets it anew): part of the store's revision."""


class StoreMeta(Base):
    """Facts about the store itself: ``store_id``, a random id that tells this store from any other
    (:mod:`stance.serve.store.identity`)."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class IdempotencyKey(Base):
    """The answer to one ``POST /documents`` sent with an ``Idempotency-Key`` header: the same key and body
    again get this answer without being processed again; the same key with another body is refused."""

    __tablename__ = "idempotency_keys"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the request's documents as canonical JSON."""
    result: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class DocumentFlag(Base):
    """A stored document an operator set aside (``stance quarantine flag``), with why: listed by ``stance
    quarantine list`` until it is deleted or unflagged."""

    __tablename__ = "document_flags"
    doc_id: Mapped[str] = mapped_column(ForeignKey("documents.doc_id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    flagged_at: Mapped[_dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
