"""The store: one SQL database behind one interface.

``Store.open(DIR_OR_URL)`` connects (a folder means SQLite in ``DIR/stance.db``;
``postgresql://...`` a server) and brings the schema to the latest migration.
:meth:`Store.ingest` adds only documents it has not seen (by content hash),
each in its own transaction, so an interrupted run leaves no half-written
document and a re-run resumes where it stopped.  Predictions carry the model
version and the issue registry's version; re-labelling with a new model or a new
registry keeps the old ones queryable.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Engine, create_engine, event, func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from stance.errors import StanceError
from stance.records import Article, AttributionKind, PartialDate, Span, Stance, StancePrediction, Statement
from stance.serve.store.schema import (
    ActorRow,
    Alias,
    Document,
    IssueRow,
    PredictionRow,
    Run,
    StatementRow,
    StatementSource,
)

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


_ARTICLES_PER_QUERY = 500
"""Documents read back per query when relabelling (a bound on the ``IN`` list)."""


class StoreError(StanceError):
    """The database cannot be reached, is locked, or refuses a write; nothing was half-written."""


class CursorError(StoreError):
    """A page cursor this store did not hand out."""


class Labelling(NamedTuple):
    """What predictions were made with: the model's version and the issue registry's
    (:meth:`~stance.registries.issues.IssueRegistry.version`; None for rows stored before either was kept)."""

    model_version: str
    registry_version: str | None


@dataclass(frozen=True)
class Page:
    """One page of a list: ``next`` is the cursor of the following page, or None."""

    items: list
    total: int
    next: str | None

    def to_dict(self, item=lambda x: x) -> dict:
        return {"items": [item(i) for i in self.items], "total": self.total, "next": self.next}


@dataclass
class IngestReport:
    """What one ingestion did: document ids added, already known, rejected (with why)."""

    run_id: int
    added: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    statements_added: int = 0
    sources_added: int = 0

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, "added": self.added, "known": self.known,
                "rejected": [{"id": i, "error": e} for i, e in self.rejected],
                "statements_added": self.statements_added, "sources_added": self.sources_added}


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL: given as is when it has a scheme (``postgresql://`` uses psycopg 3),
    else SQLite in ``target/stance.db``
    (``target`` ending in ``.db`` or ``.sqlite`` is the file itself)."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):  # the driver this package installs
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    path = Path(text)
    if path.suffix not in (".db", ".sqlite", ".sqlite3"):
        path = path / "stance.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith("o:"):
            raise ValueError(text)
        return max(0, int(text[2:]))
    except (ValueError, UnicodeDecodeError):
        raise CursorError(f"cursor {cursor!r} is not one this server handed out; "
                         "use the `next` value of the previous page") from None


def _span(data: dict | None) -> Span | None:
    return Span.from_dict(data) if data else None


class Store:
    """Documents, statements and predictions in one database (see module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine | None = None
        self._sessions: Callable[[], Session] | None = None
        self._synced = None
        self._cache: dict = {}
        self._cache_lock = threading.Lock()

    # ----------------------------------------------------------- connect
    @classmethod
    def open(cls, target: str | Path, *, upgrade: bool = True, timeout: float = 5.0) -> Store:
        """``timeout``: seconds to wait for a lock (SQLite) before failing with :class:`StoreError`."""
        self = cls(database_url(target))
        options = ({"connect_args": {"timeout": timeout}} if self.url.startswith("sqlite")
                   else {"pool_pre_ping": True, "connect_args": {"connect_timeout": max(1, int(timeout))}})
        self.engine = create_engine(self.url, **options)
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if upgrade:
            self.upgrade()
        return self

    def upgrade(self, revision: str = "head") -> None:
        """Bring the schema to the latest Alembic migration (or to ``revision``)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        if self.engine is None:
            raise StoreError("this Store is not open; use Store.open(DIR_OR_URL)")
        try:
            with self.engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
        except OperationalError as exc:
            raise StoreError(f"cannot open the database at {self.where()}: {exc.orig}") from None

    def where(self) -> str:
        return self.engine.url.render_as_string(hide_password=True) if self.engine is not None else self.url

    def session(self) -> Session:
        if self._sessions is None:
            raise StoreError("this Store is not open; use Store.open(DIR_OR_URL)")
        return self._sessions()

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()

    # ----------------------------------------------------------- ingest
    def ingest(self, articles: Sequence[Article], pipeline, *, model_version: str, batch: int = 16,
               progress: bool = False) -> IngestReport:
        """Add the articles not stored yet: extraction, de-duplication against the
        store, stance for each new statement; one transaction per document.  Predictions are
        stored under ``model_version`` and the version of the pipeline's issue registry."""
        from tqdm.auto import tqdm

        from stance.attribution.dedupe import merge_duplicates

        labelling = Labelling(model_version, pipeline.issues.version())
        try:
            run_id = self._start_run("ingest", labelling)
            self._sync_registries(pipeline)
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} refused the run ({exc.orig}); nothing was written; "
                             "try again when no other process holds it") from None
        report = IngestReport(run_id)
        bar = tqdm(total=len(articles), desc="ingest", unit="doc", disable=not progress)
        try:
            for start in range(0, len(articles), batch):
                chunk = [a for a in articles[start:start + batch] if not self._known(a, report)]
                bar.update(len(articles[start:start + batch]) - len(chunk))
                found = {a.doc_id: merge_duplicates(f) for a, f in zip(chunk, pipeline.extract(chunk))}
                predictions = pipeline.score([s for a in chunk for s in found[a.doc_id]], chunk)
                by_statement: dict[str, list[StancePrediction]] = {}
                for p in predictions:
                    by_statement.setdefault(p.statement.statement_id, []).append(p)
                for article in chunk:
                    self._write_document(article, found[article.doc_id], by_statement, labelling, report)
                    bar.update(1)
        except OperationalError as exc:
            self._finish_run(run_id, report, "failed")
            raise StoreError(f"the database at {self.where()} failed during ingestion ({exc.orig}); documents "
                             f"written before it are complete, the one in progress was rolled back") from None
        finally:
            bar.close()
        self._finish_run(run_id, report, "done")
        return report

    def _known(self, article: Article, report: IngestReport) -> bool:
        digest = content_hash(article.text)
        with self.session() as s:
            by_hash = s.scalar(select(Document.doc_id).where(Document.content_hash == digest))
            if by_hash is not None:
                report.known.append(by_hash)
                return True
            if s.get(Document, article.doc_id) is not None:
                report.rejected.append((article.doc_id, "a different document with this id is already stored; "
                                                        "give the new version its own id"))
                return True
        return False

    def _write_document(self, article: Article, statements: list[Statement],
                        predictions: dict[str, list[StancePrediction]], labelling: Labelling,
                        report: IngestReport) -> None:
        with self.session() as s:
            try:
                with s.begin():
                    s.add(_document_row(article, report.run_id))
                    s.flush()
                    added = sources = 0
                    for st in statements:
                        twin = self._stored_twin(s, st)
                        if twin is not None:
                            position = s.scalar(select(func.count()).select_from(StatementSource)
                                                .where(StatementSource.statement_id == twin))
                            s.merge(StatementSource(statement_id=twin, doc_id=article.doc_id, position=position))
                            sources += 1
                            continue
                        if s.get(ActorRow, st.actor_id) is None:  # a speaker first met in this document
                            s.add(ActorRow(actor_id=st.actor_id, name=st.actor, type=st.actor_type,
                                           affiliation=st.affiliation))
                        s.add(_statement_row(st, report.run_id))
                        s.flush()
                        for k, doc in enumerate(st.all_sources):
                            s.add(StatementSource(statement_id=st.statement_id, doc_id=doc, position=k))
                        s.add_all(_prediction_row(p, labelling, report.run_id)
                                  for p in predictions.get(st.statement_id, []))
                        added += 1
            except IntegrityError as exc:
                report.rejected.append((article.doc_id, f"not stored: {exc.orig}"))
                return
        report.added.append(article.doc_id)
        report.statements_added += added
        report.sources_added += sources

    def _stored_twin(self, s: Session, st: Statement) -> str | None:
        """The id of a stored statement this one repeats (same speaker, same words, within a week)."""
        from stance.attribution.dedupe import MAX_GAP_DAYS, same_statement

        query = select(StatementRow).where(StatementRow.actor_id == st.actor_id)
        if st.date is not None:  # only what can fall within a week: days in the window, its months and years, undated
            import datetime as dt

            lo = st.date.start() - dt.timedelta(days=MAX_GAP_DAYS)
            hi = st.date.end() + dt.timedelta(days=MAX_GAP_DAYS)
            months = {f"{d.year}-{d.month:02d}" for d in (lo, hi, st.date.start(), st.date.end())}
            years = {str(y) for y in range(lo.year, hi.year + 1)}
            query = query.where(or_(StatementRow.date.is_(None),
                                    StatementRow.date.between(lo.isoformat(), hi.isoformat()),
                                    StatementRow.date.in_(sorted(months | years))))
        rows = s.scalars(query).all()
        for row in rows:
            if row.doc_id != st.doc_id and same_statement(st, _statement(row, st.actor, st.actor_type,
                                                                         st.affiliation, ())):
                return row.statement_id
        return None

    def _sync_registries(self, pipeline) -> None:
        """Registry actors, aliases and issues into their tables, once per pipeline (each POST of a
        batch reuses it; speakers first met in a document are added as that document is written)."""
        if self._synced is pipeline:
            return
        with self.session() as s, s.begin():
            for actor in pipeline.actors.actors.values():
                s.merge(ActorRow(actor_id=actor.actor_id, name=actor.name, type=actor.type,
                                 affiliation=actor.affiliation))
            s.flush()
            known = {(a.actor_id, a.alias) for a in s.scalars(select(Alias))}
            for actor in pipeline.actors.actors.values():
                for alias in dict.fromkeys(actor.aliases):
                    if (actor.actor_id, alias) not in known:
                        s.add(Alias(actor_id=actor.actor_id, alias=alias))
            for issue in pipeline.issues.values():
                s.merge(IssueRow(issue_id=issue.issue_id, label=issue.label, target=issue.target,
                                 keywords=list(issue.keywords)))
        self._synced = pipeline

    def _start_run(self, kind: str, labelling: Labelling) -> int:
        with self.session() as s, s.begin():
            run = Run(kind=kind, model_version=labelling.model_version, registry_version=labelling.registry_version)
            s.add(run)
            s.flush()
            return run.id

    def _finish_run(self, run_id: int, report: IngestReport, status: str) -> None:
        import datetime as dt

        try:
            with self.session() as s, s.begin():
                run = s.get(Run, run_id)
                if run is None:  # _start_run wrote it
                    raise StoreError(f"run {run_id} is not in the store")
                run.status, run.finished_at = status, dt.datetime.now(dt.timezone.utc)
                run.documents_added, run.documents_known = len(report.added), len(report.known)
                run.statements_added = report.statements_added
        except OperationalError:
            log.warning("could not record the end of run %s", run_id)

    # ---------------------------------------------------------- relabel
    def relabel(self, pipeline, *, model_version: str, progress: bool = False) -> int:
        """Re-read the stored statements that have no prediction of ``model_version`` under the
        pipeline's issue registry, detect their issues with that registry and score them
        (``pipeline.score``), all in one transaction; earlier model and registry versions stay.
        The registry's issues and actors are written to their tables first.  Returns how many
        predictions were added."""
        labelling = Labelling(model_version, pipeline.issues.version())
        run_id = self._start_run("relabel", labelling)
        self._sync_registries(pipeline)
        with self.session() as s:
            done = set(s.scalars(select(PredictionRow.statement_id).where(*_labelled(labelling))))
        todo = [st for st in self._statements() if st.statement_id not in done]
        doc_ids = sorted({st.doc_id for st in todo})
        articles: dict[str, Article] = {}
        for start in range(0, len(doc_ids), _ARTICLES_PER_QUERY):  # their paragraphs, for the context rules
            articles.update(self.articles(set(doc_ids[start:start + _ARTICLES_PER_QUERY])))
        predictions = pipeline.score(todo, articles)
        with self.session() as s, s.begin():
            s.add_all(_prediction_row(p, labelling, run_id) for p in predictions)
        self._finish_run(run_id, IngestReport(run_id, statements_added=0), "done")
        return len(predictions)

    # ------------------------------------------------------------ query
    def revision(self) -> tuple:
        """Changes whenever anything a position depends on does (new predictions,
        statements, sources, documents, actors): the key of :meth:`cached`."""
        with self.session() as s:
            return (s.scalar(select(func.max(PredictionRow.id))),
                    s.scalar(select(func.count()).select_from(PredictionRow)),
                    s.scalar(select(func.count()).select_from(StatementSource)),
                    s.scalar(select(func.count()).select_from(Document)),
                    s.scalar(select(func.count()).select_from(ActorRow)))

    def cached(self, key: tuple, compute):
        """``compute()`` memoised on ``key`` and the store's :meth:`revision`: the
        answer is recomputed only after the store changed (a few entries kept)."""
        full = (key, self.revision())
        with self._cache_lock:  # one computation at a time: concurrent requests wait for it, not redo it
            if full not in self._cache:
                while len(self._cache) >= 8:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[full] = compute()
            return self._cache[full]

    def model_versions(self) -> list[str]:
        """Model versions with predictions, the latest run's last."""
        with self.session() as s:
            rows = s.execute(select(PredictionRow.model_version, func.max(PredictionRow.run_id))
                             .group_by(PredictionRow.model_version)).all()
        return [v for v, _ in sorted(rows, key=lambda r: r[1])]

    def labellings(self) -> list[Labelling]:
        """(model version, registry version) pairs with predictions, the latest run's last."""
        with self.session() as s:
            rows = s.execute(select(PredictionRow.model_version, PredictionRow.registry_version,
                                    func.max(PredictionRow.run_id))
                             .group_by(PredictionRow.model_version, PredictionRow.registry_version)).all()
        return [Labelling(m, r) for m, r, _ in sorted(rows, key=lambda row: row[2])]

    def registry_versions(self) -> list[str | None]:
        """Issue registry versions with predictions, the latest run's last (None: rows stored before
        registry versions were kept)."""
        latest = {labelling.registry_version: k for k, labelling in enumerate(self.labellings())}
        return sorted(latest, key=latest.__getitem__)

    def labelling(self, model_version: str | None = None, registry_version: str | None = None) -> Labelling | None:
        """The latest labelling with ``model_version`` and ``registry_version`` (either or both left
        open: the latest run's), or None when no prediction has them."""
        for found in reversed(self.labellings()):
            if model_version in (None, found.model_version) and registry_version in (None, found.registry_version):
                return found
        return None

    def document_count(self) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(Document)) or 0

    def _statements(self, ids: set[str] | None = None) -> list[Statement]:
        with self.session() as s:
            actors = {a.actor_id: a for a in s.scalars(select(ActorRow))}
            sources: dict[str, list[str]] = {}
            for source in s.scalars(select(StatementSource).order_by(StatementSource.statement_id,
                                                                     StatementSource.position)):
                sources.setdefault(source.statement_id, []).append(source.doc_id)
            query = select(StatementRow).order_by(StatementRow.doc_id, StatementRow.order)
            out = []
            for row in s.scalars(query):
                if ids is not None and row.statement_id not in ids:
                    continue
                actor = actors.get(row.actor_id)
                out.append(_statement(row, actor.name if actor else row.actor_id, actor.type if actor else "person",
                                      actor.affiliation if actor else None, tuple(sources.get(row.statement_id, ()))))
        return out

    def predictions(self, model_version: str | None = None, *, registry_version: str | None = None,
                    actor: str | None = None, issue: str | None = None,
                    stance: str | None = None) -> list[StancePrediction]:
        """Stored predictions of one model version and issue registry version (default: those of
        the latest run; see :meth:`labelling`), as records."""
        labelling = self.labelling(model_version, registry_version)
        if labelling is None:
            return []
        version = labelling.model_version
        with self.session() as s:
            query = select(PredictionRow).where(*_labelled(labelling))
            if issue:
                query = query.where(PredictionRow.issue_id == issue)
            if stance:
                query = query.where(PredictionRow.stance == stance)
            rows = s.scalars(query.order_by(PredictionRow.id)).all()
        statements = {st.statement_id: st for st in self._statements({r.statement_id for r in rows})}
        out = []
        for r in rows:
            st = statements[r.statement_id]
            if actor and actor not in (st.actor_id, st.actor):
                continue
            out.append(StancePrediction(st, r.issue_id, cast(Stance, r.stance), r.confidence, dict(r.scores or {}),
                                        r.abstained, version))
        return out

    def actors(self, *, limit: int = 50, cursor: str | None = None) -> Page:
        """Actors that have at least one statement, by name."""
        offset = decode_cursor(cursor)
        with self.session() as s:
            speaking = select(StatementRow.actor_id).distinct()
            total = s.scalar(select(func.count()).select_from(ActorRow).where(ActorRow.actor_id.in_(speaking))) or 0
            rows = s.scalars(select(ActorRow).where(ActorRow.actor_id.in_(speaking)).order_by(ActorRow.name)
                             .offset(offset).limit(limit)).all()
        items = [{"id": a.actor_id, "name": a.name, "type": a.type, "affiliation": a.affiliation} for a in rows]
        return Page(items, total, encode_cursor(offset + limit) if offset + limit < total else None)

    def actor(self, actor_id: str) -> dict | None:
        with self.session() as s:
            a = s.get(ActorRow, actor_id)
        return None if a is None else {"id": a.actor_id, "name": a.name, "type": a.type,
                                       "affiliation": a.affiliation}

    def issue(self, issue_id: str) -> dict | None:
        with self.session() as s:
            i = s.get(IssueRow, issue_id)
        return None if i is None else {"id": i.issue_id, "label": i.label, "target": i.target}

    def parents(self) -> dict[str, str]:
        """Group name -> the group above it (for roll-ups)."""
        with self.session() as s:
            return {a.name: a.affiliation for a in s.scalars(select(ActorRow))
                    if a.affiliation and a.type != "person"}

    def articles(self, doc_ids: set[str]) -> dict[str, Article]:
        from stance.ingest.clean import clean_paragraphs, split_paragraphs

        with self.session() as s:
            rows = s.scalars(select(Document).where(Document.doc_id.in_(doc_ids))).all()
        return {d.doc_id: Article(d.doc_id, d.text, PartialDate.parse(d.date) if d.date else None, d.source, d.url,
                                  paragraphs=tuple(clean_paragraphs(split_paragraphs(d.text))), author=d.author,
                                  doc_type=d.doc_type or "news", title=d.title) for d in rows}


def page(items: list, limit: int, cursor: str | None) -> Page:
    """A page of an in-memory list, with the same cursors as the store's queries."""
    offset = decode_cursor(cursor)
    return Page(items[offset:offset + limit], len(items),
                encode_cursor(offset + limit) if offset + limit < len(items) else None)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _document_row(article: Article, run_id: int) -> Document:
    return Document(doc_id=article.doc_id, content_hash=content_hash(article.text), text=article.text,
                    date=str(article.date) if article.date else None, source=article.source, url=article.url,
                    title=article.title, author=article.author, doc_type=article.doc_type, run_id=run_id)


def _prediction_row(p: StancePrediction, labelling: Labelling, run_id: int) -> PredictionRow:
    return PredictionRow(statement_id=p.statement.statement_id, issue_id=p.issue, stance=p.stance,
                         confidence=p.confidence, scores=p.scores, abstained=p.abstained,
                         model_version=labelling.model_version, registry_version=labelling.registry_version,
                         run_id=run_id)


def _labelled(labelling: Labelling) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The WHERE clauses of the predictions made under ``labelling`` (a null registry version included)."""
    registry = PredictionRow.registry_version
    return (PredictionRow.model_version == labelling.model_version,
            registry.is_(None) if labelling.registry_version is None else registry == labelling.registry_version)


def _statement_row(st: Statement, run_id: int) -> StatementRow:
    return StatementRow(
        statement_id=st.statement_id, doc_id=st.doc_id, actor_id=st.actor_id, kind=st.kind,
        date=str(st.date) if st.date else None, text=st.text.text, text_start=st.text.start, text_end=st.text.end,
        quote=st.quote.text, quote_start=st.quote.start, quote_end=st.quote.end,
        speaker=st.speaker.to_dict() if st.speaker else None, cue=st.cue.to_dict() if st.cue else None,
        scope=st.scope.to_dict() if st.scope else None, order=st.order, run_id=run_id)


def _statement(row: StatementRow, name: str, actor_type: str, affiliation: str | None,
               sources: tuple[str, ...]) -> Statement:
    return Statement(
        statement_id=row.statement_id, doc_id=row.doc_id, date=PartialDate.parse(row.date) if row.date else None,
        actor_id=row.actor_id, actor=name, actor_type=actor_type, affiliation=affiliation,
        kind=cast(AttributionKind, row.kind),
        text=Span(row.text_start, row.text_end, row.text), quote=Span(row.quote_start, row.quote_end, row.quote),
        speaker=_span(row.speaker), cue=_span(row.cue), sources=sources, order=row.order, scope=_span(row.scope))
