"""What the HTTP API answers, as plain functions over a :class:`~stance.serve.store.Store`
(the routes in :mod:`stance.serve.routes` only parse, call these and wrap the answer in a response model).

They return plain data (the store's :class:`~stance.serve.store.Page`, dicts, HTML) and raise
:class:`~stance.serve.errors.NotFound` or :class:`~stance.serve.errors.NothingAccepted`, never HTTP errors.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from stance.errors import StanceError
from stance.pipeline.local import Pipeline
from stance.positions.aggregate import Positions, group_chain
from stance.positions.periods import overlaps
from stance.records import Article, Issue, PartialDate, StancePrediction
from stance.registries.issues import IssueRegistry
from stance.serve.config import DEFAULT_PAGE_SIZE, DEFAULT_PERIOD
from stance.serve.errors import NotFound, NothingAccepted
from stance.serve.report_links import REPORT_ROOT, report_routes, rewrite_links
from stance.serve.schemas import DocumentIn
from stance.serve.store import Page, Store
from stance.serve.store.aggregation import live
from stance.serve.store.store import content_hash, page

if TYPE_CHECKING:
    from stance.report.view import ReportModel

INGEST_SOURCE = "POST /documents"
"""Where documents posted to the API come from, as their articles record it."""
DOC_ID_HASH_CHARS = 16
"""Characters of the text's hash in the id of a document posted without one."""


def health(store: Store) -> dict[str, Any]:
    """The service is up: how many documents it holds and the latest model version."""
    versions = store.model_versions()
    return {"status": "ok", "documents": store.document_count(), "model": versions[-1] if versions else None}


def issue_row(issue: Issue) -> dict[str, Any]:
    """One issue as ``GET /issues`` lists it."""
    return {"id": issue.issue_id, "label": issue.label, "target": issue.target, "description": issue.description,
            "keywords": list(issue.keywords)}


def issue_list(issues: IssueRegistry, *, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None) -> dict[str, Any]:
    """The issue registry the server runs with, in the registry's order, and its version."""
    listed = page([issue_row(i) for i in issues.values()], limit, cursor)
    return {**listed.to_dict(), "registry_version": issues.version()}


def positions(store: Store, period: str = DEFAULT_PERIOD, model_version: str | None = None) -> Positions:
    """Positions over everything stored (the latest model version unless one is named), as
    :func:`~stance.positions.aggregate.aggregate` computes them, kept current write by write
    (:mod:`stance.serve.store.aggregation`: a write recomputes only the series it touched)."""
    return live(store).read(period, lambda state: state.positions(), model_version)


def actor_list(store: Store, *, scored: bool = True, limit: int = DEFAULT_PAGE_SIZE,
               cursor: str | None = None) -> Page:
    """Actors with at least one scored statement (``scored=False``: every actor the store holds), by name."""
    return store.actors(limit=limit, cursor=cursor, scored=scored)


def document_list(store: Store, *, source: str | None = None, since: PartialDate | None = None,
                  until: PartialDate | None = None, limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None) -> Page:
    """Stored documents (without their text) in the order stored, by source and date."""
    return store.document_page(source=source, since=since, until=until, limit=limit, cursor=cursor)


def actor_positions(store: Store, actor_id: str, *, issue: str | None = None, since: PartialDate | None = None,
                    until: PartialDate | None = None, period: str = DEFAULT_PERIOD, limit: int = DEFAULT_PAGE_SIZE,
                    cursor: str | None = None) -> Page:
    """One actor's position points, by issue then time; :class:`NotFound` for an actor the store lacks.  While
    this process ingests, from the points a background thread keeps current (a fraction of a second behind:
    :meth:`~stance.serve.store.aggregation.LivePositions.index`)."""
    if store.actor(actor_id) is None:
        raise NotFound(f"no actor {actor_id!r}; GET /actors lists them")
    points = live(store).index(period).by_actor.get(actor_id, ())
    kept = [p for p in points if (not issue or p.issue == issue) and overlaps(p.start, p.end, since, until)]
    return page([p.to_dict() for p in kept], limit, cursor)


def issue_timeline(store: Store, issue_id: str, *, period: str = DEFAULT_PERIOD, limit: int = DEFAULT_PAGE_SIZE,
                   cursor: str | None = None) -> Page:
    """Every actor's position points on one issue, in time order; :class:`NotFound` for an unknown issue (read
    as :func:`actor_positions` reads)."""
    if store.issue(issue_id) is None:
        raise NotFound(f"no issue {issue_id!r} in the registry")
    points = sorted(live(store).index(period).by_issue.get(issue_id, ()), key=lambda p: (p.start, p.actor))
    return page([p.to_dict() for p in points], limit, cursor)


def statement_list(store: Store, *, actor: str | None = None, issue: str | None = None, stance: str | None = None,
                   since: PartialDate | None = None, until: PartialDate | None = None,
                   limit: int = DEFAULT_PAGE_SIZE, cursor: str | None = None) -> Page:
    """Scored statements (one item per statement and issue) in the order stored, filtered and paged in SQL."""
    return store.statement_page(actor=actor, issue=issue, stance=stance, since=since, until=until, limit=limit,
                                cursor=cursor)


def _report_model(store: Store, registry: Mapping[str, Issue] | None, period: str,
                  shown: Callable[[Positions], Iterable[StancePrediction]]) -> ReportModel:
    """The view model of `stance report` over everything stored, with the issues of ``registry`` (default: the
    shipped one) and those the store holds, and the documents that the predictions ``shown`` cite."""
    from stance.report.view import build_model

    pos = positions(store, period)
    issues = dict(registry if registry is not None else IssueRegistry.load())
    for issue_id in sorted({p.issue for p in pos.predictions} - set(issues)):
        row = store.issue(issue_id)
        if row:
            issues[issue_id] = Issue(row["id"], row["label"], row["target"])
    docs = {d for p in shown(pos) for d in p.statement.all_sources}
    return build_model(pos, issues, articles=store.articles(docs), parents=store.parents())


def actor_report_html(store: Store, actor_id: str, period: str = DEFAULT_PERIOD,
                      registry: Mapping[str, Issue] | None = None) -> str:
    """The actor's page of `stance report`, as HTML, its links made routes of this API
    (:mod:`stance.serve.report_links`); :class:`NotFound` when the actor has no statement."""
    from stance.report.html import actor_page

    model = _report_model(store, registry, period,
                          lambda pos: (p for p in pos.predictions if p.statement.actor_id == actor_id))
    entity = model.actors.get(actor_id)
    if entity is None:
        raise NotFound(f"no statements by actor {actor_id!r}")
    return rewrite_links(actor_page(entity, model), report_routes(model))


def group_report_html(store: Store, group: str, period: str = DEFAULT_PERIOD,
                      registry: Mapping[str, Issue] | None = None) -> str:
    """A group's page of `stance report` (its members' statements rolled up); :class:`NotFound` when no
    statement rolls up to it."""
    from stance.report.html import actor_page

    parents = store.parents()
    model = _report_model(store, registry, period,
                          lambda pos: (p for p in pos.predictions if group in group_chain(p, parents)))
    entity = model.groups.get(group)
    if entity is None:
        raise NotFound(f"no statements roll up to group {group!r}")
    return rewrite_links(actor_page(entity, model), report_routes(model))


def issue_report_html(store: Store, issue_id: str, period: str = DEFAULT_PERIOD,
                      registry: Mapping[str, Issue] | None = None) -> str:
    """An issue's page of `stance report`; :class:`NotFound` when no statement is on it."""
    from stance.report.html import issue_page

    model = _report_model(store, registry, period, lambda pos: (p for p in pos.predictions if p.issue == issue_id))
    if issue_id not in model.issue_ids:
        raise NotFound(f"no statements on issue {issue_id!r}")
    return rewrite_links(issue_page(issue_id, model), report_routes(model))


def index_report_html(store: Store, period: str = DEFAULT_PERIOD, registry: Mapping[str, Issue] | None = None) -> str:
    """The report's index page: every actor's and group's current position on every issue."""
    from stance.report.html import index_page

    model = _report_model(store, registry, period, lambda pos: ())
    return rewrite_links(index_page(model), report_routes(model))


def document_report_html(store: Store, doc_id: str) -> str:
    """A stored document's page of `stance report`: its text with each scored statement marked;
    :class:`NotFound` for a document the store lacks."""
    from stance.report.html import doc_page

    article = store.articles({doc_id}).get(doc_id)
    if article is None:
        raise NotFound(f"no document {doc_id!r} in the store")
    preds = [p for p in positions(store).predictions if p.statement.doc_id == doc_id]
    return rewrite_links(doc_page(article, preds), {"index.html": REPORT_ROOT})


def ingest_documents(store: Store, pipeline: Pipeline, items: Sequence[dict[str, Any]], *, model_version: str,
                     lock: threading.Lock) -> dict[str, Any]:
    """Check each document on its own, run the `stance track` pipeline on the new ones (one ingestion at a
    time under ``lock``) and say what was added, what was already known and what was rejected (each with
    why and, for those refused here, its place in ``items``).  :class:`NothingAccepted` when no document
    was either added or known."""
    from stance.ingest.corpus import make_article

    articles: list[Article] = []
    rejected: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            doc = DocumentIn.model_validate(item)
            doc_id = doc.id or f"doc-{content_hash(doc.text)[:DOC_ID_HASH_CHARS]}"
            articles.append(make_article(doc_id, doc.text, INGEST_SOURCE,  # type: ignore[arg-type]  # a label
                                         date=doc.date, source=doc.source, url=doc.url, line=index,
                                         title=doc.title, author=doc.author, doc_type=doc.type))
        except ValidationError as exc:
            fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'document'}: {e['msg']}" for e in exc.errors())
            rejected.append({"index": index, "id": item.get("id") if isinstance(item, dict) else None,
                             "error": fields})
        except StanceError as exc:
            rejected.append({"index": index, "id": item.get("id"), "error": str(exc)})
    if articles:
        with lock, live(store).following():  # reads meanwhile answer from positions a thread keeps current
            out = store.ingest(articles, pipeline, model_version=model_version).to_dict()
    else:
        out = {"run_id": None, "added": [], "known": [], "rejected": [], "statements_added": 0, "sources_added": 0}
    out["rejected"] = rejected + out["rejected"]
    if not out["added"] and not out["known"] and rejected:
        raise NothingAccepted(out)
    return out
