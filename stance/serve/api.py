"""The HTTP API (FastAPI): the app, put together from the parts of :mod:`stance.serve`.

    app = create_app(Settings(db="data/", keys_file=None))

:mod:`~stance.serve.routes` holds the routes, :mod:`~stance.serve.deps` what they depend on,
:mod:`~stance.serve.schemas` the shapes they read and write, :mod:`~stance.serve.errors` the status
of each error type, :mod:`~stance.serve.queries` the answers and :mod:`~stance.serve.keys` the API keys.

Lists are paginated one way: ``?limit=&cursor=`` in, ``{"items", "total", "next"}`` out.  With keys
configured every route but ``/health`` and the docs needs an ``X-API-Key`` header (reads not, under
``public_reads``), checked before the body is read; ``Host`` must name the server (DNS rebinding).
Nothing heavy is imported until a route needs it: the stance model loads on the first ``POST /documents``.
"""

from __future__ import annotations

import dataclasses
import threading

from fastapi import FastAPI
from fastapi_offline import FastAPIOffline

from stance import __version__
from stance.errors import StanceError
from stance.pipeline.local import Pipeline
from stance.registries.actors import ActorRegistry
from stance.registries.issues import IssueRegistry
from stance.serve.config import Settings
from stance.serve.errors import add_error_handlers
from stance.serve.keys import load_key_hashes
from stance.serve.middleware import BodyLimit, HostCheck, KeyCheck, access_log
from stance.serve.routes import router
from stance.serve.store import Store

__all__ = ["LOOPBACK", "Settings", "check_bind", "create_app"]

DESCRIPTION = "Who said what, on which issue, with what stance, and how positions move."
LOOPBACK = {"127.0.0.1", "::1", "localhost"}
DOCS_ASSETS = "/docs/assets"
"""Where the scripts and styles of ``/docs`` (Swagger UI) and ``/redoc`` are served from, shipped by the
``fastapi-offline`` package: the docs work with no network, and sit under ``/docs/``, open without a key."""


def create_app(settings: Settings, store: Store | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """The app over ``settings.db`` (or the given ``store``; tests pass a ``pipeline``, whose registries
    then replace those of ``settings``).  The registries load here, so that a bad file stops the start;
    so does the keys file, read when ``settings`` has a ``keys_file`` but no ``key_hashes``."""
    if settings.keys_file and not settings.key_hashes:
        settings = dataclasses.replace(settings, key_hashes=load_key_hashes(settings.keys_file))
    app = FastAPIOffline(title="stance", version=__version__, description=DESCRIPTION, static_url=DOCS_ASSETS,
                         favicon_url=f"{DOCS_ASSETS}/favicon.png")
    app.state.settings = settings
    app.state.store = store or Store.open(settings.db)
    app.state.pipeline = pipeline
    app.state.issues = pipeline.issues if pipeline is not None else IssueRegistry.load(settings.issues)
    app.state.actors = pipeline.actors if pipeline is not None else ActorRegistry.load(settings.actors)
    app.state.pipeline_lock = threading.Lock()
    app.state.write_lock = threading.Lock()
    app.state.model_version = None
    app.add_middleware(BodyLimit, limit=settings.max_body, timeout=settings.body_timeout)
    # added after BodyLimit, so run before it: no body is read for a request with a bad Host or key
    app.add_middleware(KeyCheck, hashes=settings.key_hashes, public_reads=settings.public_reads)
    app.add_middleware(HostCheck, hosts=settings.answered_hosts())
    app.middleware("http")(access_log)
    app.include_router(router)
    add_error_handlers(app)
    return app


def check_bind(host: str, key_hashes: frozenset[str]) -> None:
    """With no API key configured the server binds to loopback only."""
    if host not in LOOPBACK and not key_hashes:
        raise StanceError(f"refusing to listen on {host}: no API keys are configured, so the write endpoints "
                          "would be open to the network; create one with `stance key new --keys FILE` and pass "
                          "--keys FILE, or listen on 127.0.0.1")
