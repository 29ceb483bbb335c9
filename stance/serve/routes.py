"""The API's routes: each parses its request, calls one function of :mod:`stance.serve.queries`
and answers with a response model of :mod:`stance.serve.schemas`.  Errors are raised as exceptions
and answered by :mod:`stance.serve.errors` (by type); no route picks a status code itself.
"""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Depends, Header, Query
from fastapi.openapi.constants import REF_PREFIX
from fastapi.responses import HTMLResponse

from stance.records import PartialDate
from stance.serve import queries
from stance.serve.config import DEFAULT_PERIOD
from stance.serve.deps import (
    DateParam,
    IssuesDep,
    ModelVersionDep,
    PagingDep,
    Period,
    PipelineDep,
    StoreDep,
    WriteLockDep,
    require_key,
)
from stance.serve.errors import NotFound
from stance.serve.schemas import (
    ActorOut,
    Batch,
    DocumentArray,
    DocumentDeleted,
    DocumentIn,
    DocumentOut,
    Health,
    IngestResult,
    IssuePage,
    Page,
    PointOut,
    Problem,
    Stance,
    StatementOut,
)
from stance.serve.store.idempotency import answer_once

router = APIRouter()

UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "the database is locked or cannot be reached"}}
BAD_CURSOR: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "a cursor this server did not hand out"}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"model": Problem, "description": "no such actor or issue"}}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "keys are configured and X-API-Key is not one of them"},
    413: {"model": Problem, "description": "the request body is over the server's limit"},
    422: {"description": "the request is malformed, or every document in it was rejected (`detail` is then "
                         "the ingest result, saying why for each)"}}
HTML_ERRORS: dict[int | str, dict[str, Any]] = {  # JSON, where a `model` would be documented as the route's HTML
    status: {"description": response["description"],
             "content": {"application/json": {"schema": {"$ref": f"{REF_PREFIX}{Problem.__name__}"}}}}
    for status, response in {**NOT_FOUND, **UNAVAILABLE}.items()}


@router.get("/health", responses=UNAVAILABLE)
def health(store: StoreDep) -> Health:
    """Whether the service is up, how many documents it holds, and the latest model version."""
    return Health.model_validate(queries.health(store))


@router.post("/documents", dependencies=[Depends(require_key)], responses={**WRITE_ERRORS, **UNAVAILABLE})
def post_documents(body: Batch | DocumentIn | DocumentArray, store: StoreDep, pipeline: PipelineDep,
                   version: ModelVersionDep, lock: WriteLockDep,
                   idempotency_key: Annotated[str | None, Header()] = None) -> IngestResult:
    """One document, ``{"documents": [...]}`` or a bare array ``[...]`` of them (1 to 1,000); runs the
    `stance track` pipeline on the new ones and
    answers with what was added, what was already known and what was rejected (each with why).  With an
    ``Idempotency-Key`` header, the same key and documents again answer the first answer without running
    anything; the same key with other documents is refused (409)."""
    items = body.documents if isinstance(body, Batch) else body if isinstance(body, list) else [body.model_dump()]
    return IngestResult.model_validate(answer_once(store, idempotency_key, items, lambda: queries.ingest_documents(
        store, pipeline, items, model_version=version, lock=lock)))


@router.delete("/documents/{doc_id}", dependencies=[Depends(require_key)],
               responses={**NOT_FOUND, **UNAVAILABLE, 401: WRITE_ERRORS[401]})
def delete_document(doc_id: str, store: StoreDep) -> DocumentDeleted:
    """Delete a stored document with the statements no other document carries, their sources, predictions and
    corrections; a statement another document carries is kept and moves to it (`kept`, `kept_in`); positions
    are computed anew (for documents `stance quarantine list` names)."""
    deleted = store.delete_document(doc_id)
    if deleted is None:
        raise NotFound(f"no document {doc_id!r} in the store")
    return DocumentDeleted.model_validate(deleted.to_dict())


@router.get("/documents", responses={**BAD_CURSOR, **UNAVAILABLE})
def documents(store: StoreDep, paging: PagingDep, source: str | None = None, since: DateParam = None,
              until: DateParam = None) -> Page[DocumentOut]:
    """Stored documents (without their text) in the order stored; ``source`` and ``since``/``until`` (partial
    dates: a document is kept when its date reaches into that range; undated ones are then left out)."""
    first, last = cast("PartialDate | None", since), cast("PartialDate | None", until)
    return Page[DocumentOut].of(queries.document_list(store, source=source, since=first, until=last,
                                                      limit=paging.limit, cursor=paging.cursor))


@router.get("/actors", responses={**BAD_CURSOR, **UNAVAILABLE})
def actors(store: StoreDep, paging: PagingDep, scored: Annotated[bool, Query(
        description="true: actors with at least one scored statement; false: every actor the store holds")] = True
           ) -> Page[ActorOut]:
    """Actors with at least one scored statement (``scored=false``: every actor the store holds), by name."""
    return Page[ActorOut].of(queries.actor_list(store, scored=scored, limit=paging.limit, cursor=paging.cursor))


@router.get("/actors/{actor_id}/positions", responses={**BAD_CURSOR, **NOT_FOUND, **UNAVAILABLE})
def actor_positions(actor_id: str, store: StoreDep, paging: PagingDep, issue: str | None = None,
                    since: DateParam = None, until: DateParam = None,
                    period: Period = DEFAULT_PERIOD) -> Page[PointOut]:
    """One actor's position points, by issue then time (``since``/``until``: partial dates; a point is kept
    when its period reaches into that range)."""
    # DateParam's validator has parsed both to PartialDate (the declared str is what the query string holds)
    first, last = cast("PartialDate | None", since), cast("PartialDate | None", until)
    return Page[PointOut].of(queries.actor_positions(store, actor_id, issue=issue, since=first, until=last,
                                                     period=period, limit=paging.limit, cursor=paging.cursor))


@router.get("/issues", responses=BAD_CURSOR)
def issues(registry: IssuesDep, paging: PagingDep) -> IssuePage:
    """The issue registry the server runs with (``--issues``), in its order, with the registry's version."""
    return IssuePage.model_validate(queries.issue_list(registry, limit=paging.limit, cursor=paging.cursor))


@router.get("/issues/{issue_id}/timeline", responses={**BAD_CURSOR, **NOT_FOUND, **UNAVAILABLE})
def timeline(issue_id: str, store: StoreDep, paging: PagingDep, period: Period = DEFAULT_PERIOD) -> Page[PointOut]:
    """Every actor's position points on one issue, in time order."""
    return Page[PointOut].of(queries.issue_timeline(store, issue_id, period=period, limit=paging.limit,
                                                    cursor=paging.cursor))


@router.get("/statements", responses={**BAD_CURSOR, **UNAVAILABLE})
def statements(store: StoreDep, paging: PagingDep, actor: str | None = None, issue: str | None = None,
               stance: Annotated[Stance | None, Query()] = None, since: DateParam = None,
               until: DateParam = None) -> Page[StatementOut]:
    """Scored statements (one item per statement and issue) in the order stored; ``actor`` (id or name),
    ``issue``, ``stance`` (people's corrections applied; a corrected label names its coder in ``checked_by``) and
    ``since``/``until`` (partial dates: a statement is kept when its date reaches into that range; undated ones are
    then left out)."""
    first, last = cast("PartialDate | None", since), cast("PartialDate | None", until)
    return Page[StatementOut].of(queries.statement_list(store, actor=actor, issue=issue, stance=stance, since=first,
                                                        until=last, limit=paging.limit, cursor=paging.cursor))


@router.get("/report", response_class=HTMLResponse, responses=HTML_ERRORS)
def report_index(store: StoreDep, registry: IssuesDep) -> str:
    """The index page of `stance report`, as HTML: every actor's and group's current position per issue."""
    return queries.index_report_html(store, registry=registry)


@router.get("/report/actors/{actor_id:path}", response_class=HTMLResponse, responses=HTML_ERRORS)
def actor_report(actor_id: str, store: StoreDep, registry: IssuesDep) -> str:
    """The actor's page of `stance report`, as HTML (its links lead to the routes under ``/report``)."""
    return queries.actor_report_html(store, actor_id, registry=registry)


@router.get("/report/groups/{name:path}", response_class=HTMLResponse, responses=HTML_ERRORS)
def group_report(name: str, store: StoreDep, registry: IssuesDep) -> str:
    """A group's page of `stance report` (its members' statements rolled up), by the group's name."""
    return queries.group_report_html(store, name, registry=registry)


@router.get("/report/issues/{issue_id:path}", response_class=HTMLResponse, responses=HTML_ERRORS)
def issue_report(issue_id: str, store: StoreDep, registry: IssuesDep) -> str:
    """An issue's page of `stance report`: every actor's positions and quotes on it."""
    return queries.issue_report_html(store, issue_id, registry=registry)


@router.get("/report/docs/{doc_id:path}", response_class=HTMLResponse, responses=HTML_ERRORS)
def document_report(doc_id: str, store: StoreDep) -> str:
    """A stored document's text with each scored statement marked."""
    return queries.document_report_html(store, doc_id)
