"""What the routes need, as typed FastAPI dependencies: settings, the store, the issue registry, the
pipeline (built on first use), the model version, the write lock, the key check, paging and the period
parameter.

Everything lives on ``app.state`` (set by :func:`stance.serve.api.create_app`); a route asks for it
by annotation (``store: StoreDep``) and never reaches into the app itself.  Dependencies that only look
something up are ``async``: FastAPI runs them on the event loop rather than handing each to a worker thread
(a hand-over costs a wait for the interpreter lock while this process ingests); the pipeline and the model
version, which read files, stay in worker threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Query, Request
from pydantic import AfterValidator

from stance.modelling.folders import model_version
from stance.pipeline.local import Pipeline, load_predictor, load_tagger
from stance.positions.periods import PERIODS, decay_days
from stance.records import PartialDate
from stance.registries.issues import IssueRegistry
from stance.serve.config import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Settings
from stance.serve.errors import KeyRequired
from stance.serve.keys import key_allowed
from stance.serve.middleware import KEY_REQUIRED
from stance.serve.store import Store
from stance.serve.store.store import decode_cursor


async def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


async def get_issues(request: Request) -> IssueRegistry:
    """The issue registry the app runs with (``--issues``; loaded when the app was made)."""
    issues: IssueRegistry = request.app.state.issues
    return issues


IssuesDep = Annotated[IssueRegistry, Depends(get_issues)]


def get_pipeline(request: Request, settings: SettingsDep) -> Pipeline:
    """The pipeline, built once per process on first use (loading the model is slow), with the app's registries."""
    state = request.app.state
    with state.pipeline_lock:
        if state.pipeline is None:
            state.pipeline = Pipeline(model=load_predictor(settings.model),
                                      tagger=load_tagger(settings.tagger, settings.parser),
                                      issues=state.issues, actors=state.actors)
    pipeline: Pipeline = state.pipeline
    return pipeline


PipelineDep = Annotated[Pipeline, Depends(get_pipeline)]


def get_model_version(request: Request, settings: SettingsDep) -> str:
    """The version predictions are stored under: the model's, hashed once per process."""
    state = request.app.state
    if state.model_version is None:
        state.model_version = model_version(settings.model)
    version: str = state.model_version
    return version


ModelVersionDep = Annotated[str, Depends(get_model_version)]


async def get_write_lock(request: Request) -> threading.Lock:
    """The lock that lets one ingestion at a time write to the store from this process."""
    lock: threading.Lock = request.app.state.write_lock
    return lock


WriteLockDep = Annotated[threading.Lock, Depends(get_write_lock)]


async def require_key(settings: SettingsDep, x_api_key: Annotated[str | None, Header()] = None) -> None:
    """Refuse the request (401) unless keys are off or ``X-API-Key`` is one of them; for
    ``dependencies=[Depends(require_key)]`` on the routes that write.  The app's
    :class:`~stance.serve.middleware.KeyCheck` has refused such a request already, before its body was
    read; this declares the header in the route's schema and holds if the route is mounted elsewhere."""
    if settings.key_hashes and not key_allowed(x_api_key, settings.key_hashes):
        raise KeyRequired(KEY_REQUIRED)


@dataclass(frozen=True)
class Paging:
    """``?limit=&cursor=`` of a list request, the cursor known to be one this server handed out."""

    limit: int
    cursor: str | None


async def get_paging(limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
               cursor: Annotated[str | None, Query(description="the `next` of the previous page")] = None) -> Paging:
    """The paging parameters; a cursor this server did not hand out is refused with 400 before any query."""
    decode_cursor(cursor)  # CursorError (400) for a cursor that is not one of ours
    return Paging(limit, cursor)


PagingDep = Annotated[Paging, Depends(get_paging)]


def known_period(period: str) -> str:
    """``period`` if positions can be computed over it (``day`` ... ``year``, or ``decay:DAYS``), else ValueError."""
    if period not in PERIODS and decay_days(period) is None:  # decay_days raises ValueError on a bad window
        raise ValueError(f"period must be one of {', '.join(PERIODS)} or decay:DAYS, found {period!r}")
    return period


Period = Annotated[str, Query(description=f"{', '.join(PERIODS)} or decay:DAYS"), AfterValidator(known_period)]


def partial_date(value: str | None) -> PartialDate | None:
    """``2018``, ``2018-01`` or ``2018-01-15`` as a :class:`PartialDate`, else ValueError (a 422)."""
    return PartialDate.parse(value) if value else None


DateParam = Annotated[str | None, Query(description="a partial date: YYYY, YYYY-MM or YYYY-MM-DD"),
                      AfterValidator(partial_date)]
"""A ``since``/``until`` query parameter, parsed to a :class:`PartialDate` (the route receives the parsed value)."""
