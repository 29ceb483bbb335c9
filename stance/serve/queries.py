"""What the HTTP API answers, as plain functions over a :class:`~stance.serve.store.Store`
(the routes in :mod:`stance.serve.api` only parse, call these and serialise)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from pathlib import Path

from stance.positions.aggregate import aggregate
from stance.records import PositionPoint, StancePrediction
from stance.serve.store import Page, Store
from stance.serve.store.store import page


def _within(label: str, since: str | None, until: str | None) -> bool:
    return (not since or label >= since) and (not until or label[:len(until)] <= until)


def positions(store: Store, period: str = "month", model_version: str | None = None):
    """Positions over everything stored (the latest model version unless one is named),
    computed once per change of the store."""
    return store.cached(("positions", period, model_version), lambda: aggregate(
        store.predictions(model_version), period, store.parents(), n_documents=store.document_count()))


def point_dict(p: PositionPoint) -> dict:
    return p.to_dict()


def actor_positions(store: Store, actor_id: str, *, issue: str | None = None, since: str | None = None,
                    until: str | None = None, period: str = "month", limit: int = 50,
                    cursor: str | None = None) -> Page:
    """One actor's position points, by issue then time."""
    points = [p for p in positions(store, period).points
              if p.actor_id == actor_id and (not issue or p.issue == issue) and _within(p.period, since, until)]
    return page([point_dict(p) for p in points], limit, cursor)


def issue_timeline(store: Store, issue_id: str, *, period: str = "month", limit: int = 50,
                   cursor: str | None = None) -> Page:
    """Every actor's position points on one issue, in time order."""
    points = sorted((p for p in positions(store, period).points if p.issue == issue_id),
                    key=lambda p: (p.start, p.actor))
    return page([point_dict(p) for p in points], limit, cursor)


def statement_list(store: Store, *, actor: str | None = None, issue: str | None = None, stance: str | None = None,
                   limit: int = 50, cursor: str | None = None) -> Page:
    """Scored statements (one item per statement and issue), in corpus order."""
    preds: list[StancePrediction] = store.predictions(actor=actor, issue=issue, stance=stance)
    return page([p.to_dict() for p in preds], limit, cursor)


def actor_report_html(store: Store, actor_id: str, period: str = "month") -> str | None:
    """The actor's page of `stance report`, as HTML (None when the actor has no statement)."""
    from stance.registries.issues import IssueRegistry
    from stance.report.html import actor_page
    from stance.report.view import build_model

    pos = positions(store, period)
    docs = {d for p in pos.predictions if p.statement.actor_id == actor_id for d in p.statement.all_sources}
    issues = dict(IssueRegistry.load())
    for p in pos.predictions:
        if p.issue not in issues:
            row = store.issue(p.issue)
            if row:
                from stance.records import Issue

                issues[p.issue] = Issue(row["id"], row["label"], row["target"])
    model = build_model(pos, issues, articles=store.articles(docs), parents=store.parents())
    entity = model.actors.get(actor_id)
    return None if entity is None else actor_page(entity, model)


# ------------------------------------------------------------------ API keys
def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key(keys_file: str | Path) -> str:
    """A fresh API key; its SHA-256 hash is appended to ``keys_file`` (the key itself is stored nowhere)."""
    key = secrets.token_urlsafe(32)
    path = Path(keys_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(hash_key(key) + "\n")
    path.chmod(0o600)
    return key


def load_key_hashes(keys_file: str | Path | None) -> frozenset[str]:
    """The hashes in ``keys_file`` (one per line, ``#`` comments allowed); empty when no file is given."""
    if not keys_file:
        return frozenset()
    lines = Path(keys_file).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def key_allowed(key: str | None, hashes: Iterable[str]) -> bool:
    if not key:
        return False
    digest = hash_key(key)
    return any(hmac.compare_digest(digest, h) for h in hashes)
