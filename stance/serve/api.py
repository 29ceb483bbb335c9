"""The HTTP API (FastAPI): thin routes over :mod:`stance.serve.queries` and the store.

    app = create_app(Settings(db="data/", keys_file=None))

Lists are paginated one way: ``?limit=&cursor=`` in, ``{"items", "total",
"next"}`` out.  Write endpoints need an ``X-API-Key`` header when keys are
configured.  Nothing heavy is imported until a route needs it: the stance
model loads on the first ``POST /documents``.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field, ValidationError

from stance.serve import queries as service
from stance.errors import StanceError
from stance.serve.store import Store
from stance.serve.store.store import StoreError
from stance.attribution.parser import DEFAULT_PARSER
from stance.modelling.folders import model_version

log = logging.getLogger("stance.api")
MAX_BODY = 10 * 1024 * 1024


@dataclass
class Settings:
    db: str = "stance-data"
    keys_file: str | None = None
    model: str | None = None
    tagger: str | None = "auto"
    parser: str | None = DEFAULT_PARSER
    max_body: int = MAX_BODY
    key_hashes: frozenset[str] = field(default_factory=frozenset)


class DocumentIn(BaseModel):
    """One document to add: its text, and what is known about it."""

    text: str = Field(min_length=1, max_length=5_000_000)
    id: str | None = Field(default=None, max_length=300)
    date: str | None = Field(default=None, max_length=40)
    source: str | None = Field(default=None, max_length=300)
    url: str | None = Field(default=None, max_length=2000)


class Batch(BaseModel):
    documents: list[dict[str, Any]] = Field(min_length=1, max_length=1000)


class _BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and int(declared) > self.limit:
            return await _too_large(send, self.limit)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes; send smaller batches"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_pipeline(request: Request):
    """The pipeline, built once per process on first use (loading the model is slow)."""
    state = request.app.state
    with state.lock:
        if state.pipeline is None:
            from stance.pipeline.local import Pipeline, load_predictor, load_tagger

            state.pipeline = Pipeline(model=load_predictor(state.settings.model),
                                      tagger=load_tagger(state.settings.tagger, state.settings.parser))
    return state.pipeline


def require_key(request: Request, x_api_key: Annotated[str | None, Header()] = None) -> None:
    hashes = request.app.state.settings.key_hashes
    if hashes and not service.key_allowed(x_api_key, hashes):
        raise HTTPException(401, "this endpoint needs a valid X-API-Key header")


StoreDep = Annotated[Store, Depends(get_store)]
Limit = Annotated[int, Query(ge=1, le=500)]


def create_app(settings: Settings, store: Store | None = None, pipeline=None) -> FastAPI:
    """The app over ``settings.db`` (or the given ``store``; tests pass a ``pipeline``)."""
    app = FastAPI(title="stance", version="0.1.0",
                  description="Who said what, on which issue, with what stance, and how positions move.")
    app.state.settings = settings
    app.state.store = store or Store.open(settings.db)
    app.state.pipeline = pipeline
    app.state.lock = threading.Lock()
    app.add_middleware(_BodyLimit, limit=settings.max_body)

    @app.middleware("http")
    async def access_log(request: Request, call_next):
        started = time.perf_counter()
        response = await call_next(request)
        log.info(json.dumps({"method": request.method, "path": request.url.path, "status": response.status_code,
                             "ms": round(1000 * (time.perf_counter() - started), 1)}))
        return response

    @app.exception_handler(StanceError)
    async def stance_error(_request: Request, exc: StanceError):
        status = 503 if isinstance(exc, StoreError) and "cursor" not in str(exc) else 400
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.get("/health")
    def health(store: StoreDep) -> dict:
        versions = store.model_versions()
        return {"status": "ok", "documents": store.document_count(), "model": versions[-1] if versions else None}

    @app.post("/documents", dependencies=[Depends(require_key)])
    def post_documents(body: Batch | DocumentIn, store: StoreDep, pipeline=Depends(get_pipeline)) -> dict:
        """One document or ``{"documents": [...]}``; runs the `stance track` pipeline on the new ones and
        answers with what was added, what was already known and what was rejected (each with why)."""
        from stance.ingest.corpus import make_article
        from stance.serve.store.store import content_hash

        raw = body.documents if isinstance(body, Batch) else [body.model_dump()]
        articles, rejected = [], []
        for index, item in enumerate(raw):
            try:
                doc = DocumentIn.model_validate(item)
                doc_id = doc.id or f"doc-{content_hash(doc.text)[:16]}"
                articles.append(make_article(doc_id, doc.text, "POST /documents", date=doc.date, source=doc.source,
                                             url=doc.url, line=index))
            except ValidationError as exc:
                fields = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'document'}: {e['msg']}" for e in exc.errors())
                rejected.append({"index": index, "id": item.get("id") if isinstance(item, dict) else None,
                                 "error": fields})
            except StanceError as exc:
                rejected.append({"index": index, "id": item.get("id"), "error": str(exc)})
        if getattr(app.state, "model_version", None) is None:
            app.state.model_version = model_version(settings.model)
        version = app.state.model_version
        with app.state.lock:
            report = store.ingest(articles, pipeline, model_version=version) if articles else None
        out = report.to_dict() if report else {"run_id": None, "added": [], "known": [], "rejected": [],
                                               "statements_added": 0, "sources_added": 0}
        out["rejected"] = rejected + out["rejected"]
        if not out["added"] and not out["known"] and rejected:
            raise HTTPException(422, out)
        return out

    @app.get("/actors")
    def actors(store: StoreDep, limit: Limit = 50, cursor: str | None = None) -> dict:
        return store.actors(limit=limit, cursor=cursor).to_dict()

    @app.get("/actors/{actor_id}/positions")
    def actor_positions(actor_id: str, store: StoreDep, issue: str | None = None, since: str | None = None,
                        until: str | None = None, period: str = "month", limit: Limit = 50,
                        cursor: str | None = None) -> dict:
        if store.actor(actor_id) is None:
            raise HTTPException(404, f"no actor {actor_id!r}; GET /actors lists them")
        return service.actor_positions(store, actor_id, issue=issue, since=since, until=until, period=period,
                                       limit=limit, cursor=cursor).to_dict()

    @app.get("/issues/{issue_id}/timeline")
    def timeline(issue_id: str, store: StoreDep, period: str = "month", limit: Limit = 50,
                 cursor: str | None = None) -> dict:
        if store.issue(issue_id) is None:
            raise HTTPException(404, f"no issue {issue_id!r} in the registry")
        return service.issue_timeline(store, issue_id, period=period, limit=limit, cursor=cursor).to_dict()

    @app.get("/statements")
    def statements(store: StoreDep, actor: str | None = None, issue: str | None = None,
                   stance: Annotated[str | None, Query(pattern="^(favor|against|neutral)$")] = None,
                   limit: Limit = 50, cursor: str | None = None) -> dict:
        return service.statement_list(store, actor=actor, issue=issue, stance=stance, limit=limit,
                                      cursor=cursor).to_dict()

    @app.get("/report/actors/{actor_id}", response_class=HTMLResponse)
    def actor_report(actor_id: str, store: StoreDep) -> str:
        html = service.actor_report_html(store, actor_id)
        if html is None:
            raise HTTPException(404, f"no statements by actor {actor_id!r}")
        return html

    return app


LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def check_bind(host: str, key_hashes: frozenset[str]) -> None:
    """With no API key configured the server binds to loopback only."""
    if host not in LOOPBACK and not key_hashes:
        raise StanceError(f"refusing to listen on {host}: no API keys are configured, so the write endpoints "
                          "would be open to the network; create one with `stance key new --keys FILE` and pass "
                          "--keys FILE, or listen on 127.0.0.1")
