"""The store: one SQL database behind one interface.

``Store.open(DIR_OR_URL)`` connects (a folder means SQLite in ``DIR/stance.db``;
``postgresql://...`` a server) and brings the schema to the latest migration.
:meth:`Store.ingest` adds only documents it has not seen (by content hash), each in its own transaction, so an
interrupted run leaves no half-written document and a re-run resumes where it stopped; it takes any iterable
of articles, a batch at a time, so a lazily read corpus (:func:`~stance.ingest.corpus.iter_corpus`) is never
held whole.  The database itself keeps documents (by id and by content hash) and statements (speaker, words,
week) unique, and the inserts leave rows another writer stored alone, so writers running at once store
nothing twice; a document that fails the store's checks (:mod:`~stance.serve.store.validation`) is rejected
alone, with why.  Before each write the store checks that the database is still the one it opened
(:mod:`~stance.serve.store.identity`).  Predictions carry the model version and the issue registry's version;
re-labelling with a new model or a new registry keeps the old ones queryable.  People's corrections
(`stance review import`) win over every model's labels wherever the store hands labels out
(:meth:`Store.predictions`).
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Sequence, Sized
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import NamedTuple, cast

from sqlalchemy import ColumnElement, Engine, create_engine, event, func, or_, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from stance.records import Article, AttributionKind, PartialDate, Span, Stance, StancePrediction, Statement
from stance.review.corrections import Merge, apply_corrections, merge_corrections
from stance.review.record import Correction, utc
from stance.serve.store import pages, quarantine
from stance.serve.store.changes import Revision, read_revision
from stance.serve.store.conflicts import DIALECTS, insert_new, lock_speakers, upsert
from stance.serve.store.errors import StoreError
from stance.serve.store.identity import (
    Identity,
    ensure_store_id,
    file_id,
    prepare_sqlite_file,
    read_store_id,
    sqlite_path,
)
from stance.serve.store.in_lists import IDS_PER_QUERY, in_lists
from stance.serve.store.runs import INTERRUPTED, RUNNING, close_dead_runs, this_host
from stance.serve.store.schema import (
    ActorRow,
    Alias,
    CorrectionRow,
    Document,
    IssueRow,
    PredictionRow,
    Run,
    StatementRow,
    StatementSource,
)
from stance.serve.store.statement_key import key_of
from stance.serve.store.validation import article_problems, date_problem, statement_problems, stored_date

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


_ARTICLES_PER_QUERY = 500
"""Documents read back per query when relabelling (a bound on the ``IN`` list)."""


_ROWS_PER_INSERT = 500
"""Rows per multi-row INSERT (a bound on a statement's parameters)."""
_FEW_IDS = 5000
"""Up to this many statements are read by id; more, by reading every statement (one pass is faster)."""
_RETRIES = 3
"""Tries of a document's transaction that PostgreSQL broke off to resolve a deadlock."""
_RETRY_CODES = ("40P01", "40001")
"""PostgreSQL's deadlock_detected and serialization_failure: the transaction may simply be run again."""


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

    @property
    def complete(self) -> bool:
        """Whether every document was stored or already known (``stance ingest`` exits 1 otherwise)."""
        return not self.rejected

    def to_dict(self) -> dict:
        return {"run_id": self.run_id, "added": self.added, "known": self.known,
                "rejected": [{"id": i, "error": e} for i, e in self.rejected],
                "statements_added": self.statements_added, "sources_added": self.sources_added}


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL: given as is when it has a scheme (``postgresql://`` uses psycopg 3),
    else SQLite in ``target/stance.db``
    (``target`` ending in ``.db`` or ``.sqlite`` is the file itself).  Nothing is made here:
    :meth:`Store.open` makes a new store's folder."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):  # the driver this package installs
        return "postgresql+psycopg://" + text.split("://", 1)[1]
    if "://" in text:
        return text
    path = Path(text)
    if path.suffix not in (".db", ".sqlite", ".sqlite3"):
        path = path / "stance.db"
    return f"sqlite:///{path.resolve()}"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The offset of a cursor :func:`encode_cursor` wrote (0 for none), else CursorError: only the exact
    text it writes for an offset from 0 to 2**62 is one (``o:-5``, ``o:+5``, ``o:05`` and ``o:2**63``,
    which no page of any list reaches and SQL's 64-bit OFFSET cannot hold, are refused).

    >>> decode_cursor(encode_cursor(100)), encode_cursor(100)
    (100, 'bzoxMDA')
    """
    if not cursor:
        return 0
    largest = 2**62  # with a page added, still within a 64-bit SQL integer
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        digits = text[2:]
        if not text.startswith("o:") or not (digits.isascii() and digits.isdigit()) or len(digits) > 19:
            raise ValueError(text)
        offset = int(digits)
        if offset > largest or encode_cursor(offset) != cursor:
            raise ValueError(text)
        return offset
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
        self.identity = Identity(None)
        """Which store this is (set by :meth:`open`); checked before each write (:meth:`verify`)."""
        self.created = False
        """Whether :meth:`open` made a new, empty SQLite store."""

    # ----------------------------------------------------------- connect
    @classmethod
    def open(cls, target: str | Path, *, upgrade: bool = True, timeout: float = 5.0) -> Store:
        """``timeout``: seconds to wait for a lock (SQLite) before failing with :class:`StoreError`.

        A SQLite store's folder is made when its parent folder exists (with a warning that the store is new);
        a file that is not SQLite, or is damaged, is a :class:`StoreError` naming it.  Opening (with
        ``upgrade``) closes the runs whose process died as ``interrupted``
        (:func:`~stance.serve.store.runs.close_dead_runs`) and remembers which store this is
        (:class:`~stance.serve.store.identity.Identity`)."""
        self = cls(database_url(target))
        backend = make_url(self.url).get_backend_name()
        if backend not in DIALECTS:
            raise StoreError(f"expected a folder, a .db file or postgresql://... for the store, found {target} "
                             f"({backend}); the store runs on SQLite or PostgreSQL")
        file = sqlite_path(self.url)
        if file is not None:
            self.created = prepare_sqlite_file(file)
        options = ({"connect_args": {"timeout": timeout}} if backend == "sqlite"
                   else {"pool_pre_ping": True, "connect_args": {"connect_timeout": max(1, int(timeout))}})
        self.engine = create_engine(self.url, **options)
        if backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        if upgrade:
            self.upgrade()
        try:
            self._recognise(file, upgrade)
        except OperationalError as exc:
            raise StoreError(f"cannot open the database at {self.where()}: {exc.orig}") from None
        except DatabaseError as exc:
            raise self._damaged(exc) from None
        if self.created:
            log.warning("no store at %s: made a new, empty one", file)
        return self

    def _recognise(self, file: Path | None, upgrade: bool) -> None:
        """Read (with ``upgrade``: make) the store's id, note its file, close the runs of dead processes."""
        with self.session() as s:
            store_id = read_store_id(s)
        if upgrade:
            if store_id is None:  # a store_meta row deleted by hand: a new id
                with self.session() as s, s.begin():
                    store_id = ensure_store_id(s)
            with self.session() as s, s.begin():  # writes (takes SQLite's write lock) only when a run is closed
                closed = close_dead_runs(s)
            if closed:
                log.warning("runs %s of %s were left running by processes that are gone: closed as interrupted",
                            ", ".join(map(str, closed)), self.where())
        self.identity = Identity(store_id, file, file_id(file) if file is not None and file.exists() else None)

    def _damaged(self, exc: DBAPIError) -> StoreError:
        return StoreError(f"the database at {self.where()} cannot be read: {exc.orig}; it is not a stance store or "
                          "it is damaged: restore it from a backup, or move it away to start a new store there")

    def verify(self) -> None:
        """:class:`~stance.serve.store.errors.StoreGone` unless the database is still the one this store opened
        (called before each write)."""
        with self.session() as s:
            self.identity.check(s, self.where())

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
        except DatabaseError as exc:
            raise self._damaged(exc) from None

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
    def ingest(self, articles: Iterable[Article], pipeline, *, model_version: str, batch: int = 16,
               progress: bool = False) -> IngestReport:
        """Add the articles not stored yet: extraction, de-duplication against the
        store, stance for each new statement; one transaction per document.  Predictions are
        stored under ``model_version`` and the version of the pipeline's issue registry.

        ``articles`` may be any iterable (a list, or :func:`~stance.ingest.corpus.iter_corpus` read lazily):
        ``batch`` of them are taken at a time and written before the next are asked for, so memory holds one
        batch of articles, and of the rest only their ids and content hashes (for the report and the checks
        below).  The progress bar counts documents (out of ``len(articles)`` when it has one).

        Each document stands alone: one that fails the store's checks (a date outside 1000-2999, a NUL byte,
        an id or source over 300 characters: :func:`~stance.serve.store.validation.article_problems`) is
        rejected with why, and the rest are written.  One whose text is stored already (by this call: the same
        document twice in ``articles``; or by another writer meanwhile) is ``known``; another text under a
        stored id is rejected.  The run ends ``done``, ``failed`` (the database failed: :class:`StoreError`)
        or ``interrupted``; :attr:`IngestReport.complete` says whether anything was rejected.  An error raised
        by ``articles`` itself (a malformed line met while reading) ends the run ``failed`` and passes on, the
        batches before it stored."""
        from tqdm.auto import tqdm

        from stance.attribution.dedupe import merge_duplicates

        if batch < 1:
            raise ValueError(f"batch is how many articles are taken at a time; expected 1 or more, found {batch}")
        labelling = Labelling(model_version, pipeline.issues.version())
        self.verify()
        try:
            run_id = self._start_run("ingest", labelling)
            self._sync_registries(pipeline)
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} refused the run ({exc.orig}); nothing was written; "
                             "try again when no other process holds it") from None
        report = IngestReport(run_id)
        first: dict[str, str] = {}  # content hash -> the id of the first article of this call with that text
        texts: dict[str, str] = {}  # article id -> its content hash, for the articles of this call
        status = "failed"
        bar = tqdm(total=len(articles) if isinstance(articles, Sized) else None, desc="ingest", unit="doc",
                   disable=not progress)
        items = iter(articles)
        try:
            while part := list(islice(items, batch)):  # the next batch is read once this one is written
                repeats: list[tuple[Article, str]] = []
                chunk = [a for a in part if self._admit(a, report, first, texts, repeats)]
                bar.update(len(part) - len(chunk))
                found = {a.doc_id: merge_duplicates(f) for a, f in zip(chunk, pipeline.extract(chunk))}
                predictions = pipeline.score([s for a in chunk for s in found[a.doc_id]], chunk)
                by_statement: dict[str, list[StancePrediction]] = {}
                for p in predictions:
                    by_statement.setdefault(p.statement.statement_id, []).append(p)
                for article in chunk:
                    self._write_document(article, found[article.doc_id], by_statement, labelling, report)
                    bar.update(1)
                self._settle_repeats(repeats, report)
            status = "done"
        except (KeyboardInterrupt, SystemExit):
            status = INTERRUPTED
            raise
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} failed during ingestion ({exc.orig}); documents "
                             f"written before it are complete, the one in progress was rolled back") from None
        except DBAPIError as exc:
            raise StoreError(f"the database at {self.where()} failed during ingestion ({exc.orig}); documents "
                             "written before it are complete, the one in progress was rolled back; if it says the "
                             "database is damaged, restore it from a backup") from None
        finally:
            bar.close()
            self._finish_run(run_id, report, status)
        return report

    def _admit(self, article: Article, report: IngestReport, first: dict[str, str], texts: dict[str, str],
               repeats: list[tuple[Article, str]]) -> bool:
        """Whether ``article`` goes on to extraction: not when it fails the checks (rejected), repeats an
        article earlier in this call (settled once that one is written: :func:`_settle_repeats`) or is stored
        (:meth:`_known`)."""
        problems = article_problems(article)
        if problems:
            report.rejected.append((article.doc_id, "; ".join(problems)))
            return False
        digest = content_hash(article.text)
        if digest in first:
            repeats.append((article, first[digest]))
            return False
        if texts.get(article.doc_id, digest) != digest:
            report.rejected.append((article.doc_id, "a different document with this id comes earlier in the same "
                                                    "batch; give the new version its own id"))
            return False
        first[digest], texts[article.doc_id] = article.doc_id, digest
        return not self._known(article, report)

    def _settle_repeats(self, repeats: list[tuple[Article, str]], report: IngestReport) -> None:
        """An article whose text came earlier in the same call (``first``: that one's id) is known under the id
        its text is stored with, once that one was written or found stored; rejected with it otherwise."""
        if not repeats:  # the usual batch: no look through the whole report
            return
        added, why = set(report.added), dict(report.rejected)
        for article, first in repeats:
            if first not in added and first in why:
                report.rejected.append((article.doc_id, f"the same text as document {first}, which was not stored: "
                                                        f"{why[first]}"))
                continue
            stored = first if first in added else None
            if stored is None:  # known: stored before, perhaps under another id
                digest = content_hash(article.text)
                with self.session() as s:
                    stored = s.scalar(select(Document.doc_id).where(Document.content_hash == digest))
            report.known.append(stored or first)

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
        """Write one document, its new statements (with their sources and predictions) and the sources it adds
        to statements already stored, in one transaction, or nothing: a document whose statements fail the
        checks, or that the database refuses (a constraint, a value it cannot hold), is rejected with why.
        Another writer's copy of the document, stored since :meth:`_known` looked, makes it ``known``."""
        problems = [p for st in statements for p in statement_problems(st)]
        if problems:
            report.rejected.append((article.doc_id, "; ".join(problems)))
            return
        written: tuple[int, int] | None = None
        for attempt in range(_RETRIES):
            try:
                with self.session() as s, s.begin():
                    self.identity.check(s, self.where())  # in the same session: one connection per document
                    written = self._write_rows(s, article, statements, predictions, labelling, report.run_id)
                break
            except _Refused as refused:
                report.rejected.append((article.doc_id, str(refused)))
                return
            except (IntegrityError, DataError) as exc:
                report.rejected.append((article.doc_id, f"not stored: {_first_line(exc.orig)}"))
                return
            except OperationalError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRY_CODES or attempt == _RETRIES - 1:
                    raise
                log.info("document %s: transaction broken off (%s); trying again", article.doc_id, exc.orig)
        if written is None:  # another writer stored this id or this text first
            with self.session() as s:
                by_hash = s.scalar(select(Document.doc_id).where(Document.content_hash == content_hash(article.text)))
            if by_hash is not None:
                report.known.append(by_hash)
            else:
                report.rejected.append((article.doc_id, "a different document with this id is already stored; "
                                                        "give the new version its own id"))
            return
        report.added.append(article.doc_id)
        report.statements_added += written[0]
        report.sources_added += written[1]

    def _write_rows(self, s: Session, article: Article, statements: list[Statement],
                    predictions: dict[str, list[StancePrediction]], labelling: Labelling,
                    run_id: int) -> tuple[int, int] | None:
        """The rows of :meth:`_write_document`, in ``s``'s transaction: (statements added, sources added), or
        None when the document's id or text is stored already (nothing written)."""
        if not insert_new(s, Document, [_document_values(article, run_id)]):
            return None
        lock_speakers(s, {st.actor_id for st in statements})  # the twin check below sees every writer's statements
        speakers = {st.actor_id: {"actor_id": st.actor_id, "name": st.actor, "type": st.actor_type,
                                  "affiliation": st.affiliation} for st in statements}
        insert_new(s, ActorRow, list(speakers.values()))  # speakers first met in this document
        twins = {st.statement_id: self._stored_twin(s, st) for st in statements}
        fresh = [st for st in statements if twins[st.statement_id] is None]
        inserted = set(insert_new(s, StatementRow, [_statement_values(st, run_id) for st in fresh]))
        for st in fresh:
            if st.statement_id not in inserted:  # its key is taken: a writer stored it first (or it repeats one above)
                twins[st.statement_id] = _twin_by_key(s, st)
                if twins[st.statement_id] is None:
                    raise _Refused(f"statement id {st.statement_id} is stored already, for another document; "
                                   "give this document another id")
        new = [st for st in fresh if st.statement_id in inserted]
        insert_new(s, StatementSource, [{"statement_id": st.statement_id, "doc_id": doc, "position": k}
                                        for st in new for k, doc in enumerate(st.all_sources)])
        insert_new(s, PredictionRow, [_prediction_values(p, labelling, run_id) for st in new  # one per issue
                                      for p in {p.issue: p for p in predictions.get(st.statement_id, [])}.values()])
        sources = 0
        for twin in dict.fromkeys(t for t in twins.values() if t is not None):
            position = s.scalar(select(func.count()).select_from(StatementSource)
                                .where(StatementSource.statement_id == twin))
            sources += len(insert_new(s, StatementSource, [{"statement_id": twin, "doc_id": article.doc_id,
                                                            "position": position}]))
        return len(new), sources

    def _stored_twin(self, s: Session, st: Statement) -> str | None:
        """The id of a stored statement this one repeats (same speaker, same words, within a week).  A stored
        row that fails the store's checks (see :mod:`~stance.serve.store.quarantine`) is passed over."""
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
            if row.doc_id == st.doc_id or date_problem(row.date) is not None:
                continue
            if same_statement(st, _statement(row, st.actor, st.actor_type, st.affiliation, ())):
                return row.statement_id
        return None

    def _sync_registries(self, pipeline) -> None:
        """Registry actors, aliases and issues into their tables, once per pipeline (each POST of a
        batch reuses it; speakers first met in a document are added as that document is written).  Rows
        another writer adds at the same time are left alone (the registry's actors and issues are updated)."""
        if self._synced is pipeline:
            return
        actors = sorted(pipeline.actors.actors.values(), key=lambda a: a.actor_id)  # one order: no deadlock
        with self.session() as s, s.begin():
            for rows in _chunks([{"actor_id": a.actor_id, "name": a.name, "type": a.type,
                                  "affiliation": a.affiliation} for a in actors]):
                upsert(s, ActorRow, rows, key=["actor_id"])
            for rows in _chunks([{"actor_id": a.actor_id, "alias": alias}
                                 for a in actors for alias in dict.fromkeys(a.aliases)]):
                insert_new(s, Alias, rows)
            for rows in _chunks([{"issue_id": i.issue_id, "label": i.label, "target": i.target,
                                  "keywords": list(i.keywords)}
                                 for i in sorted(pipeline.issues.values(), key=lambda i: i.issue_id)]):
                upsert(s, IssueRow, rows, key=["issue_id"])
        self._synced = pipeline

    def _start_run(self, kind: str, labelling: Labelling) -> int:
        import os

        with self.session() as s, s.begin():
            run = Run(kind=kind, model_version=labelling.model_version, registry_version=labelling.registry_version,
                      status=RUNNING, pid=os.getpid(), host=this_host())
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
        except (DBAPIError, StoreError):
            log.warning("could not record the end of run %s (%s)", run_id, status)

    # ---------------------------------------------------------- relabel
    def relabel(self, pipeline, *, model_version: str, progress: bool = False) -> int:
        """Re-read the stored statements that have no prediction of ``model_version`` under the
        pipeline's issue registry, detect their issues with that registry and score them
        (``pipeline.score``), all in one transaction; earlier model and registry versions stay.
        The registry's issues and actors are written to their tables first.  Returns how many
        predictions were added (a prediction another writer added meanwhile is left alone)."""
        labelling = Labelling(model_version, pipeline.issues.version())
        self.verify()
        run_id = self._start_run("relabel", labelling)
        status, added = "failed", 0
        try:
            self._sync_registries(pipeline)
            with self.session() as s:
                done = set(s.scalars(select(PredictionRow.statement_id).where(*_labelled(labelling))))
            todo = [st for st in self._statements() if st.statement_id not in done]
            doc_ids = sorted({st.doc_id for st in todo})
            articles: dict[str, Article] = {}
            for start in range(0, len(doc_ids), _ARTICLES_PER_QUERY):  # their paragraphs, for the context rules
                articles.update(self.articles(set(doc_ids[start:start + _ARTICLES_PER_QUERY])))
            predictions = pipeline.score(todo, articles)
            rows = list({(p.statement.statement_id, p.issue): _prediction_values(p, labelling, run_id)
                         for p in predictions}.values())
            self.verify()
            with self.session() as s, s.begin():
                added = sum(len(insert_new(s, PredictionRow, chunk)) for chunk in _chunks(rows))
            status = "done"
        except (KeyboardInterrupt, SystemExit):
            status = INTERRUPTED
            raise
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} failed while relabelling ({exc.orig}); nothing was "
                             "written; try again when no other process holds it") from None
        finally:
            self._finish_run(run_id, IngestReport(run_id, statements_added=0), status)
        return added

    # ------------------------------------------------------- quarantine
    def quarantined(self) -> list[quarantine.Quarantined]:
        """Stored documents whose rows fail the store's checks, or that an operator flagged
        (:func:`~stance.serve.store.quarantine.quarantined`)."""
        with self.session() as s:
            return quarantine.quarantined(s)

    def flag(self, doc_id: str, reason: str) -> bool:
        """Set a stored document aside with ``reason``; False when there is no such document."""
        self.verify()
        with self.session() as s, s.begin():
            return quarantine.flag(s, doc_id, reason)

    def unflag(self, doc_id: str) -> bool:
        """Take a document's flag off; False when it had none."""
        self.verify()
        with self.session() as s, s.begin():
            return quarantine.unflag(s, doc_id)

    def delete_document(self, doc_id: str) -> quarantine.Deletion | None:
        """Delete a document with its statements, their sources, predictions and corrections, in one transaction
        (:func:`~stance.serve.store.quarantine.delete_document`); None when there is no such document.
        Positions are computed anew on the next read (the store's revision changes)."""
        self.verify()
        try:
            with self.session() as s, s.begin():
                deleted = quarantine.delete_document(s, doc_id)
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} refused the deletion ({exc.orig}); nothing was "
                             "deleted; try again when no other process holds it") from None
        if deleted is not None:
            with self._cache_lock:
                self._cache.clear()
        return deleted

    # ------------------------------------------------------------ query
    def revision(self) -> Revision:
        """Changes whenever anything a position depends on does (new predictions, statements, sources,
        documents, actors, runs, corrections added or replaced), read in one query
        (:func:`~stance.serve.store.changes.read_revision`): the key of :meth:`cached`."""
        with self.session() as s:
            return read_revision(s)

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
        """The stored statements (only those of ``ids`` when given: read by id when they are few), each with its
        speaker's name, type and affiliation and its sources; a row that fails the store's checks is left out."""
        with self.session() as s:
            if ids is not None and len(ids) <= _FEW_IDS:
                found = [found for part in in_lists(sorted(ids)) for found in s.execute(  # one query per IN list
                    select(StatementRow, ActorRow, StatementSource)
                    .outerjoin(ActorRow, ActorRow.actor_id == StatementRow.actor_id)
                    .outerjoin(StatementSource, StatementSource.statement_id == StatementRow.statement_id)
                    .where(StatementRow.statement_id.in_(part))).all()]
                rows = list({row.statement_id: row for row, _, _ in found}.values())
                actors = {a.actor_id: a for _, a, _ in found if a is not None}
                held = sorted((src for _, _, src in found if src is not None),
                              key=lambda src: (src.statement_id, src.position))
            else:
                actors = {a.actor_id: a for a in s.scalars(select(ActorRow))}
                held = list(s.scalars(select(StatementSource).order_by(StatementSource.statement_id,
                                                                       StatementSource.position)))
                rows = [r for r in s.scalars(select(StatementRow).order_by(StatementRow.doc_id, StatementRow.order))
                        if ids is None or r.statement_id in ids]
            sources: dict[str, list[str]] = {}
            for source in held:
                sources.setdefault(source.statement_id, []).append(source.doc_id)
            out = []
            for row in rows:
                actor = actors.get(row.actor_id)
                try:
                    out.append(_statement(row, actor.name if actor else row.actor_id,
                                          actor.type if actor else "person", actor.affiliation if actor else None,
                                          tuple(sources.get(row.statement_id, ()))))
                except ValueError as exc:  # a row that fails the store's checks is left out, not fatal to readers
                    _left_out(row, exc)
        return out

    def predictions(self, model_version: str | None = None, *, registry_version: str | None = None,
                    actor: str | None = None, issue: str | None = None,
                    stance: str | None = None, corrected: bool = True) -> list[StancePrediction]:
        """Stored predictions of one model version and issue registry version (default: those of
        the latest run; see :meth:`labelling`), as records, with people's corrections applied
        (:func:`~stance.review.corrections.apply_corrections`: a corrected label has the coder's stance
        and ``checked_by``, one corrected as irrelevant is left out; ``stance`` filters the corrected
        stance); ``corrected=False``: the model's labels as stored."""
        labelling = self.labelling(model_version, registry_version)
        if labelling is None:
            return []
        version = labelling.model_version
        with self.session() as s:
            query = select(PredictionRow).where(*_labelled(labelling))
            if issue:
                query = query.where(PredictionRow.issue_id == issue)
            if stance and not corrected:
                query = query.where(PredictionRow.stance == stance)
            rows = s.scalars(query.order_by(PredictionRow.id)).all()
        statements = {st.statement_id: st for st in self._statements({r.statement_id for r in rows})}
        out = []
        for r in rows:
            st = statements.get(r.statement_id)  # None: a statement left out (see _left_out)
            if st is None or (actor and actor not in (st.actor_id, st.actor)):
                continue
            out.append(StancePrediction(st, r.issue_id, cast(Stance, r.stance), r.confidence, dict(r.scores or {}),
                                        r.abstained, version))
        if corrected:
            out = apply_corrections(out, self.corrections({p.statement.statement_id for p in out}))
            if stance:
                out = [p for p in out if p.stance == stance]
        return out

    def scored(self, labelling: Labelling, *, rows: Sequence[int] | None = None,
               statements: set[str] | None = None) -> list[tuple[int, StancePrediction]]:
        """The predictions of ``labelling`` as :meth:`predictions` hands them out (corrections applied; a
        label corrected as irrelevant left out), each with its row id, in row order: every one, or with
        ``rows`` or ``statements`` those with one of the row ids or of one of the statements."""
        query = select(PredictionRow).where(*_labelled(labelling))
        with self.session() as s:
            if rows is None and statements is None:
                found = list(s.scalars(query))
            elif len(rows or ()) + len(statements or ()) <= IDS_PER_QUERY:  # one query for the usual few
                found = list(s.scalars(query.where(or_(PredictionRow.id.in_(sorted(rows or ())),
                                                       PredictionRow.statement_id.in_(sorted(statements or ()))))))
            else:
                found = [r for part in in_lists(sorted(rows or ()))
                         for r in s.scalars(query.where(PredictionRow.id.in_(part)))]
                found += [r for part in in_lists(sorted(statements or ()))
                          for r in s.scalars(query.where(PredictionRow.statement_id.in_(part)))]
        found = sorted({r.id: r for r in found}.values(), key=lambda r: r.id)
        held = {st.statement_id: st for st in self._statements({r.statement_id for r in found})}
        out, ranks = [], {}
        for r in found:
            st = held.get(r.statement_id)  # None: a statement left out (see _left_out)
            if st is not None:
                ranks[(r.statement_id, r.issue_id)] = r.id
                out.append(StancePrediction(st, r.issue_id, cast(Stance, r.stance), r.confidence,
                                            dict(r.scores or {}), r.abstained, labelling.model_version))
        corrected = apply_corrections(out, self.corrections({p.statement.statement_id for p in out}))
        return [(ranks[(p.statement.statement_id, p.issue)], p) for p in corrected]

    def statement_page(self, *, actor: str | None = None, issue: str | None = None, stance: str | None = None,
                       since: PartialDate | None = None, until: PartialDate | None = None, limit: int = 50,
                       cursor: str | None = None, model_version: str | None = None) -> Page:
        """One page of the scored statements of the latest labelling (or ``model_version``'s), one item per
        statement and issue in the order stored, as :meth:`StancePrediction.to_dict` writes them: filtered by
        speaker (id or name), issue, stance as read (corrections applied) and date (``since``/``until``:
        statements whose date reaches into the range), counted and paged in SQL
        (:func:`~stance.serve.store.pages.statement_rows`)."""
        offset = decode_cursor(cursor)
        labelling = self.labelling(model_version)
        if labelling is None:
            return Page([], 0, None)
        with self.session() as s:
            total, ids = pages.statement_rows(s, _labelled(labelling), actor=actor, issue=issue, stance=stance,
                                              since=since, until=until, offset=offset, limit=limit)
        items = [p.to_dict() for _, p in self.scored(labelling, rows=ids)]
        return Page(items, total, encode_cursor(offset + limit) if offset + limit < total else None)

    def document_page(self, *, source: str | None = None, since: PartialDate | None = None,
                      until: PartialDate | None = None, limit: int = 50, cursor: str | None = None) -> Page:
        """One page of the stored documents in the order stored (their text left out), filtered by source
        and date in SQL (:func:`~stance.serve.store.pages.document_rows`)."""
        offset = decode_cursor(cursor)
        with self.session() as s:
            total, rows = pages.document_rows(s, source=source, since=since, until=until, offset=offset,
                                              limit=limit)
        items = [{"id": d, "date": date, "source": src, "url": url, "title": title, "author": author,
                  "type": kind or "news"} for d, date, src, url, title, author, kind in rows]
        return Page(items, total, encode_cursor(offset + limit) if offset + limit < total else None)

    def speakers(self) -> dict[str, tuple[str, str, str | None]]:
        """Every actor row: id -> (name, type, affiliation)."""
        with self.session() as s:
            return {a.actor_id: (a.name, a.type, a.affiliation) for a in s.scalars(select(ActorRow))}

    # ------------------------------------------------------- corrections
    def label_keys(self) -> set[tuple[str, str]]:
        """Every (statement id, issue) with a prediction, under any model or registry: the labels a
        correction may name."""
        with self.session() as s:
            return {(sid, issue) for sid, issue in
                    s.execute(select(PredictionRow.statement_id, PredictionRow.issue_id).distinct())}

    def corrections(self, statement_ids: set[str] | None = None) -> list[Correction]:
        """The corrections kept (those of ``statement_ids`` only, when given), in the order written, each
        with the statement's text and the issue's target (empty for an issue the store does not hold)."""
        query = (select(CorrectionRow, StatementRow.text, IssueRow.target)
                 .join(StatementRow, StatementRow.statement_id == CorrectionRow.statement_id)
                 .outerjoin(IssueRow, IssueRow.issue_id == CorrectionRow.issue_id))
        with self.session() as s:
            if statement_ids is None:
                rows = list(s.execute(query).all())
            else:
                rows = [r for part in in_lists(sorted(statement_ids))
                        for r in s.execute(query.where(CorrectionRow.statement_id.in_(part))).all()]
        rows.sort(key=lambda r: r[0].id)
        return [Correction(r.statement_id, r.issue_id, r.stance, r.coder, utc(r.decided_at), r.note or "", text,
                           target or "") for r, text, target in rows]

    def add_corrections(self, corrections: Sequence[Correction]) -> Merge:
        """Keep ``corrections`` by the rules of :func:`~stance.review.corrections.merge_corrections` (one per
        statement, issue and coder; re-adding changes nothing; a later decision replaces an earlier one), in
        one transaction; returns what was added and replaced.  Every statement must be stored."""
        self.verify()
        try:
            with self.session() as s, s.begin():
                rows = {(r.statement_id, r.issue_id, r.coder): r for r in s.scalars(select(CorrectionRow))}
                merge = merge_corrections([_correction(r) for r in rows.values()], corrections)
                for c in merge.added:
                    s.add(CorrectionRow(statement_id=c.statement_id, issue_id=c.issue, stance=c.stance, coder=c.coder,
                                        decided_at=utc(c.time), note=c.note))
                for c in merge.replaced:
                    row = rows[c.key]
                    row.stance, row.decided_at, row.note = c.stance, utc(c.time), c.note
                    row.imported_at = _dt.datetime.now(_dt.timezone.utc)
        except IntegrityError as exc:
            raise StoreError(f"the database at {self.where()} refused the corrections ({exc.orig}); nothing was "
                             "written; check that each names a stored statement") from None
        except OperationalError as exc:
            raise StoreError(f"the database at {self.where()} failed while writing corrections ({exc.orig}); nothing "
                             "was written; try again when no other process holds it") from None
        return merge

    def actors(self, *, limit: int = 50, cursor: str | None = None, scored: bool = True) -> Page:
        """Actors with at least one scored statement in the latest labelling (``scored=False``: every actor the
        store holds), by name, paged in SQL (:func:`~stance.serve.store.pages.actor_rows`)."""
        offset = decode_cursor(cursor)
        labelling = self.labelling() if scored else None
        with self.session() as s:
            total, rows = pages.actor_rows(s, _labelled(labelling) if labelling else None, scored=scored,
                                           offset=offset, limit=limit)
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
            rows = [d for part in in_lists(sorted(doc_ids)) for d in
                    s.scalars(select(Document).where(Document.doc_id.in_(part)))]
        return {d.doc_id: Article(d.doc_id, d.text, None if date_problem(d.date) else stored_date(d.date), d.source,
                                  d.url,
                                  paragraphs=tuple(clean_paragraphs(split_paragraphs(d.text))), author=d.author,
                                  doc_type=d.doc_type or "news", title=d.title) for d in rows}


def page(items: list, limit: int, cursor: str | None) -> Page:
    """A page of an in-memory list, with the same cursors as the store's queries."""
    offset = decode_cursor(cursor)
    return Page(items[offset:offset + limit], len(items),
                encode_cursor(offset + limit) if offset + limit < len(items) else None)


def _left_out(row: StatementRow, exc: ValueError) -> None:
    """Say (once per statement and process) that a stored statement was left out of what readers get."""
    if row.statement_id not in _LEFT_OUT:
        _LEFT_OUT.add(row.statement_id)
        log.warning("statement %s of document %s left out: %s; `stance quarantine list` lists its document, "
                    "`stance quarantine delete` removes it", row.statement_id, row.doc_id, exc)


_LEFT_OUT: set[str] = set()


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


class _Refused(Exception):
    """A document the database cannot take as it is (its transaction rolled back); the message says why."""


def _first_line(error: object) -> str:
    """A driver's message without the SQL and parameters it may go on with."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _chunks(rows: list[dict], size: int = _ROWS_PER_INSERT) -> list[list[dict]]:
    return [rows[k:k + size] for k in range(0, len(rows), size)]


def _twin_by_key(s: Session, st: Statement) -> str | None:
    """The stored statement with ``st``'s identity key (:mod:`~stance.serve.store.statement_key`), if any."""
    key = key_of(st)
    return None if key is None else s.scalar(select(StatementRow.statement_id).where(StatementRow.identity_key == key))


def _document_values(article: Article, run_id: int) -> dict:
    return {"doc_id": article.doc_id, "content_hash": content_hash(article.text), "text": article.text,
            "date": str(article.date) if article.date else None, "source": article.source, "url": article.url,
            "title": article.title, "author": article.author, "doc_type": article.doc_type, "run_id": run_id,
            "added_at": _dt.datetime.now(_dt.timezone.utc)}


def _document_row(article: Article, run_id: int) -> Document:
    return Document(**_document_values(article, run_id))


def _prediction_values(p: StancePrediction, labelling: Labelling, run_id: int) -> dict:
    return {"statement_id": p.statement.statement_id, "issue_id": p.issue, "stance": p.stance,
            "confidence": p.confidence, "scores": p.scores, "abstained": p.abstained,
            "model_version": labelling.model_version, "registry_version": labelling.registry_version,
            "run_id": run_id}


def _prediction_row(p: StancePrediction, labelling: Labelling, run_id: int) -> PredictionRow:
    return PredictionRow(**_prediction_values(p, labelling, run_id))


def _labelled(labelling: Labelling) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """The WHERE clauses of the predictions made under ``labelling`` (a null registry version included)."""
    registry = PredictionRow.registry_version
    return (PredictionRow.model_version == labelling.model_version,
            registry.is_(None) if labelling.registry_version is None else registry == labelling.registry_version)


def _correction(row: CorrectionRow) -> Correction:
    return Correction(row.statement_id, row.issue_id, row.stance, row.coder, utc(row.decided_at), row.note or "")


def _statement_values(st: Statement, run_id: int) -> dict:
    return {"statement_id": st.statement_id, "doc_id": st.doc_id, "actor_id": st.actor_id, "kind": st.kind,
            "date": str(st.date) if st.date else None, "text": st.text.text, "text_start": st.text.start,
            "text_end": st.text.end, "quote": st.quote.text, "quote_start": st.quote.start, "quote_end": st.quote.end,
            "speaker": st.speaker.to_dict() if st.speaker else None, "cue": st.cue.to_dict() if st.cue else None,
            "scope": st.scope.to_dict() if st.scope else None, "order": st.order, "run_id": run_id,
            "identity_key": key_of(st)}


def _statement_row(st: Statement, run_id: int) -> StatementRow:
    return StatementRow(**_statement_values(st, run_id))


def _statement(row: StatementRow, name: str, actor_type: str, affiliation: str | None,
               sources: tuple[str, ...]) -> Statement:
    """The record of a stored statement; ValueError for a row whose date fails the store's checks."""
    return Statement(
        statement_id=row.statement_id, doc_id=row.doc_id, date=stored_date(row.date) if row.date else None,
        actor_id=row.actor_id, actor=name, actor_type=actor_type, affiliation=affiliation,
        kind=cast(AttributionKind, row.kind),
        text=Span(row.text_start, row.text_end, row.text), quote=Span(row.quote_start, row.quote_end, row.quote),
        speaker=_span(row.speaker), cue=_span(row.cue), sources=sources, order=row.order, scope=_span(row.scope))
