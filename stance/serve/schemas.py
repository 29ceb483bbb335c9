"""The shapes the HTTP API reads and writes, as Pydantic models (they make the OpenAPI schema).

Each response model holds exactly the keys the matching ``to_dict`` writes
(:meth:`stance.records.PositionPoint.to_dict`, :meth:`stance.records.StancePrediction.to_dict`,
the store's actor rows, :func:`stance.serve.queries.issue_row` and
:meth:`stance.serve.store.store.IngestReport.to_dict`), in the same order.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, Field, JsonValue
from typing_extensions import Self

from stance.serve.config import (
    MAX_BATCH_DOCUMENTS,
    MAX_DATE_CHARS,
    MAX_ID_CHARS,
    MAX_SOURCE_CHARS,
    MAX_TEXT_CHARS,
    MAX_URL_CHARS,
)
from stance.serve.store import Page as StorePage

Stance = Literal["favor", "against", "neutral"]
ItemT = TypeVar("ItemT", bound=BaseModel)


# ------------------------------------------------------------------ requests
class DocumentIn(BaseModel):
    """One document to add: its text, and what is known about it."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    id: str | None = Field(default=None, max_length=MAX_ID_CHARS)
    date: str | None = Field(default=None, max_length=MAX_DATE_CHARS)
    source: str | None = Field(default=None, max_length=MAX_SOURCE_CHARS)
    url: str | None = Field(default=None, max_length=MAX_URL_CHARS)
    title: str | None = Field(default=None, max_length=MAX_SOURCE_CHARS)
    author: str | None = Field(default=None, max_length=MAX_SOURCE_CHARS)
    type: str | None = Field(default=None, max_length=MAX_DATE_CHARS,
                             description="news (default), speech, press release, op-ed, letter, interview "
                                         "transcript, testimony, social post or editorial")


class Batch(BaseModel):
    """Several documents; each is checked on its own, so one bad document does not refuse the rest."""

    documents: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_BATCH_DOCUMENTS)


DocumentArray = Annotated[list[dict[str, Any]], Field(min_length=1, max_length=MAX_BATCH_DOCUMENTS)]
"""Several documents sent as a bare JSON array (``[{...}, {...}]``), checked one by one as a :class:`Batch`."""


# ----------------------------------------------------------------- responses
class Page(BaseModel, Generic[ItemT]):
    """One page of a list: ``next`` is the cursor of the following page (``?cursor=``), or null on the last."""

    items: list[ItemT]
    total: int = Field(description="items in the whole list, over all pages")
    next: str | None = Field(description="the cursor of the following page; null on the last page")

    @classmethod
    def of(cls, page: StorePage) -> Self:
        """This model of one of the store's pages."""
        return cls.model_validate({"items": page.items, "total": page.total, "next": page.next})


class Health(BaseModel):
    """The service is up; how much it holds and which model labelled it last."""

    status: Literal["ok"]
    documents: int
    model: str | None = Field(description="the latest model version with predictions; null before any")


class ActorOut(BaseModel):
    """An actor that has at least one statement."""

    id: str
    name: str
    type: str
    affiliation: str | None


class DocumentOut(BaseModel):
    """A stored document, without its text."""

    id: str
    date: str | None = Field(description="YYYY, YYYY-MM or YYYY-MM-DD; null when unknown")
    source: str | None
    url: str | None
    title: str | None
    author: str | None
    type: str = Field(description="news, speech, press release, op-ed, letter, interview transcript, testimony, "
                                  "social post or editorial")


class IssueOut(BaseModel):
    """One issue of the registry the server runs with."""

    id: str
    label: str
    target: str = Field(description="the proposition a `favor` stance agrees with")
    description: str
    keywords: list[str] = Field(description="words that mark a statement as concerning the issue")


class IssuePage(Page[IssueOut]):
    """One page of the issue registry the server runs with, and that registry's version."""

    registry_version: str = Field(description="the registry's version, stored beside each prediction made with it")


class PointOut(BaseModel):
    """An actor's position on an issue over one period."""

    actor_id: str
    actor: str
    issue: str
    period: str
    start: dt.date
    end: dt.date
    score: float = Field(description="confidence-weighted mean stance in [-1, 1]")
    low: float
    high: float
    n_statements: int
    n_sources: int
    statement_ids: list[str]


class SpanOut(BaseModel):
    """A stretch of a document's text, by character offsets."""

    start: int
    end: int
    text: str


class StatementOut(BaseModel):
    """One scored statement on one issue."""

    statement_id: str
    doc_id: str
    sources: list[str]
    date: str | None
    actor: str
    actor_id: str
    actor_type: str
    affiliation: str | None
    kind: str
    issue: str
    stance: Stance
    confidence: float
    scores: dict[str, float]
    abstained: bool
    text: str
    quote: str
    start: int
    end: int
    text_start: int
    text_end: int
    speaker: SpanOut | None
    order: int
    model: str
    checked_by: str | None = Field(default=None, exclude_if=lambda coder: coder is None,
                                   description="the coder whose correction (`stance review import`) set this stance; "
                                               "absent for the model's own label")


class Rejection(BaseModel):
    """A document not stored, and why."""

    index: int | None = Field(default=None, exclude_if=lambda index: index is None,
                              description="its place in the request; absent when the store refused it")
    id: JsonValue = Field(default=None, description="the id it was sent with, if any")
    error: str


class IngestResult(BaseModel):
    """What one ``POST /documents`` did."""

    run_id: int | None = Field(description="the store's run; null when no document got as far as the store")
    added: list[str]
    known: list[str] = Field(description="ids of documents already stored (same text)")
    rejected: list[Rejection]
    statements_added: int
    sources_added: int = Field(description="new outlets of statements already stored")


class DocumentDeleted(BaseModel):
    """What ``DELETE /documents/{id}`` took out of the store."""

    id: str
    statements: int = Field(description="statements first read from the document that no other document carries, "
                                        "deleted with it")
    sources: int = Field(description="statement-document links deleted")
    predictions: int
    corrections: int
    kept: int = Field(description="statements first read from the document that other documents still carry: kept, "
                                  "with their predictions and corrections, now read from the earliest of those")
    kept_in: list[str] = Field(description="the documents that carry the kept statements")


class Problem(BaseModel):
    """An error: what is wrong and, where it helps, what to do."""

    detail: str
