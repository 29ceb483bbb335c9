"""Lossless JSON rows for the records that cross a process boundary.

The Ray engine ships articles to its extraction workers and statements back
as plain JSON-ready dicts (nothing pickled of ours), so a worker on another
machine needs only the ``stance`` package, not the driver's objects.
"""

from __future__ import annotations

from typing import Any

from stance.records import Article, PartialDate, Span, Statement


def _span(span: Span | None) -> dict[str, Any] | None:
    return span.to_dict() if span is not None else None


def _unspan(data: dict[str, Any] | None) -> Span | None:
    return Span(data["start"], data["end"], data["text"]) if data is not None else None


def _date(value: str | None) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


def article_to_row(article: Article) -> dict[str, Any]:
    return {"doc_id": article.doc_id, "text": article.text, "date": str(article.date) if article.date else None,
            "source": article.source, "url": article.url, "path": article.path,
            "paragraphs": [_span(p) for p in article.paragraphs], "date_origin": article.date_origin}


def article_from_row(row: dict[str, Any]) -> Article:
    return Article(row["doc_id"], row["text"], _date(row["date"]), row["source"], row["url"], row["path"],
                   tuple(_unspan(p) for p in row["paragraphs"]), row["date_origin"])


_SPANS = ("text", "quote", "speaker", "cue", "scope")


def statement_to_row(st: Statement) -> dict[str, Any]:
    return {"statement_id": st.statement_id, "doc_id": st.doc_id, "date": str(st.date) if st.date else None,
            "actor_id": st.actor_id, "actor": st.actor, "actor_type": st.actor_type,
            "affiliation": st.affiliation, "kind": st.kind, "sources": list(st.sources), "order": st.order,
            **{name: _span(getattr(st, name)) for name in _SPANS}}


def statement_from_row(row: dict[str, Any]) -> Statement:
    return Statement(statement_id=row["statement_id"], doc_id=row["doc_id"], date=_date(row["date"]),
                     actor_id=row["actor_id"], actor=row["actor"], actor_type=row["actor_type"],
                     affiliation=row["affiliation"], kind=row["kind"], sources=tuple(row["sources"]),
                     order=row["order"], **{name: _unspan(row[name]) for name in _SPANS})
