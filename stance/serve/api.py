"""The HTTP API (FastAPI): the app, put together from the parts of :mod:`stance.serve`.

    app = create_app(Settings(db="data/", keys_file=None))

:mod:`~stance.serve.routes` holds the routes, :mod:`~stance.serve.deps` what they depend on,
:mod:`~stance.serve.schemas` the shapes they read and write, :mod:`~stance.serve.errors` the status
of each error type, :mod:`~stance.serve.queries` the answers and :mod:`~stance.serve.keys` the API keys.

Lists are paginated one way: ``?limit=&cursor=`` in, ``{"items", "total", "next"}`` out.  Write
endpoints need an ``X-API-Key`` header when keys are configured.  Nothing heavy is imported until a
route needs it: the stance model loads on the first ``POST /documents``.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI

from stance import __version__
from stance.errors import StanceError
from stance.pipeline.local import Pipeline
from stance.registries.actors import ActorRegistry
from stance.registries.issues import IssueRegistry
from stance.serve.config import Settings
from stance.serve.errors import add_error_handlers
from stance.serve.middleware import BodyLimit, access_log
from stance.serve.routes import router
from stance.serve.store import Store

__all__ = ["LOOPBACK", "Settings", "check_bind", "create_app"]

DESCRIPTION = "Who said what, on which issue, with what stance, and how positions move."
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def create_app(settings: Settings, store: Store | None = None, pipeline: Pipeline | None = None) -> FastAPI:
    """The app over ``settings.db`` (or the given ``store``; tests pass a ``pipeline``, whose registries
    then replace those of ``settings``).  The registries load here, so that a bad file stops the start."""
    app = FastAPI(title="stance", version=__version__, description=DESCRIPTION)
    app.state.settings = settings
    app.state.store = store or Store.open(settings.db)
    app.state.pipeline = pipeline
    app.state.issues = pipeline.issues if pipeline is not None else IssueRegistry.load(settings.issues)
    app.state.actors = pipeline.actors if pipeline is not None else ActorRegistry.load(settings.actors)
    app.state.pipeline_lock = threading.Lock()
    app.state.write_lock = threading.Lock()
    app.state.model_version = None
    app.add_middleware(BodyLimit, limit=settings.max_body)
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
