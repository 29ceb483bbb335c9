"""Typed, frozen records handed from one pipeline stage to the next.

Every stage takes and returns these records, so each stage can be tested on
records built by hand.  Nothing here imports torch or transformers.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Literal

Stance = Literal["favor", "against", "neutral"]
STANCES: tuple[str, ...] = ("favor", "against", "neutral")
Precision = Literal["day", "month", "year"]
ActorType = Literal["person", "organisation", "country", "group", "media", "anonymous"]

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to a day, a month or only a year.

    ``PartialDate(2018, 1)`` is January 2018 and never invents a day.
    Ordering compares the earliest day the date could mean.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("PartialDate: a day needs a month")
        try:
            _dt.date(self.year, self.month or 1, self.day or 1)
        except ValueError as exc:
            raise ValueError(f"PartialDate: invalid date {self.year}-{self.month}-{self.day}: {exc}") from None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (an ISO timestamp is cut to its day)."""
        text = str(value).strip()[:10] if "T" in str(value) else str(value).strip()
        match = _PARTIAL_DATE.match(text)
        if not match:
            raise ValueError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found {value!r}")
        year, month, day = match.groups()  # the year is always there
        return cls(int(year), int(month) if month else None, int(day) if day else None)

    def start(self) -> _dt.date:
        """The first day this date can mean."""
        return _first_day(self.year, self.month, self.day)

    def end(self) -> _dt.date:
        """The last day this date can mean."""
        if self.day is not None:
            return self.start()
        if self.month is not None:
            nxt = _dt.date(self.year + (self.month == 12), self.month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date(self.year, 12, 31)

    def midpoint(self) -> _dt.date:
        """The middle of the days this date can mean (for weighting and drawing; no label uses it)."""
        return midpoint(self.start(), self.end())

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return (self.start(), self.end()) < (other.start(), other.end())

    def __str__(self) -> str:
        return _date_text(self.year, self.month, self.day)


def midpoint(first: _dt.date, last: _dt.date) -> _dt.date:
    """The day halfway from ``first`` to ``last`` (rounded down): 2018-01-01..2018-01-31 -> 2018-01-16."""
    return first + (last - first) / 2


@functools.lru_cache(maxsize=1 << 16)
def _first_day(year: int, month: int | None, day: int | None) -> _dt.date:
    return _dt.date(year, month or 1, day or 1)


@functools.lru_cache(maxsize=1 << 16)
def _date_text(year: int, month: int | None, day: int | None) -> str:
    """Memoised: a large report prints the same few thousand dates hundreds of thousands of times."""
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True)
class Span:
    """Character offsets ``[start, end)`` into an article's original text."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans share at least one character."""
        return self.start < other.end and other.start < self.end

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        return cls(data["start"], data["end"], data["text"])


def _span_dict(span: Span | None) -> dict[str, Any] | None:
    return span.to_dict() if span is not None else None


def _span_of(data: dict[str, Any] | None) -> Span | None:
    return Span.from_dict(data) if data is not None else None


def _date_text_of(date: PartialDate | None) -> str | None:
    return str(date) if date else None


def _date_of(value: str | None) -> PartialDate | None:
    return PartialDate.parse(value) if value else None


@dataclass(frozen=True)
class Article:
    """One ingested document.

    ``text`` is the document exactly as read; ``paragraphs`` are the spans of
    it that survived cleaning (web cruft and repeated paragraphs dropped).
    """

    doc_id: str
    text: str
    date: PartialDate | None = None
    source: str | None = None
    url: str | None = None
    path: str | None = None
    paragraphs: tuple[Span, ...] = ()
    date_origin: Literal["metadata", "text", "missing"] = "missing"
    author: str | None = None
    """Who wrote it, as the metadata names them (a reporter of ``news`` is no speaker)."""
    doc_type: str = "news"
    """``news``, or a document that is its author's own statement (``op-ed``, ``speech`` ...;
    see ``stance.ingest.corpus.DOC_TYPES``)."""
    title: str | None = None
    """The headline, from the page's, feed item's or file's metadata or the manifest (None when unknown)."""

    def to_dict(self) -> dict[str, Any]:
        """Lossless and JSON-ready: what crosses a process boundary (the Ray engine)."""
        return {"doc_id": self.doc_id, "text": self.text, "date": _date_text_of(self.date), "source": self.source,
                "url": self.url, "path": self.path, "paragraphs": [p.to_dict() for p in self.paragraphs],
                "date_origin": self.date_origin, "author": self.author, "doc_type": self.doc_type,
                "title": self.title}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Article:
        """The inverse of :meth:`to_dict` (a row written before ``author``, ``doc_type`` and ``title``
        loads as untitled news)."""
        return cls(row["doc_id"], row["text"], _date_of(row["date"]), row["source"], row["url"], row["path"],
                   tuple(Span.from_dict(p) for p in row["paragraphs"]), row["date_origin"],
                   row.get("author"), row.get("doc_type") or "news", row.get("title"))


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    index: int
    span: Span
    paragraph: int


@dataclass(frozen=True)
class DatedAffiliation:
    """A group an actor belonged to from ``start`` to ``end`` (both days included; None: open)."""

    name: str
    start: _dt.date | None = None
    end: _dt.date | None = None

    @property
    def dated(self) -> bool:
        """Whether the range has a bound (an undated one holds on every day)."""
        return self.start is not None or self.end is not None

    def holds_on(self, day: _dt.date) -> bool:
        """Whether ``day`` falls in the range."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Actor:
    """A canonical actor: a person, an organisation or a country.

    ``affiliation`` is the default group (undated); ``affiliations`` the groups
    by date (``US Government`` for a president's terms), see :meth:`affiliation_on`.
    """

    actor_id: str
    name: str
    type: ActorType
    affiliation: str | None = None
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    known: bool = True
    affiliations: tuple[DatedAffiliation, ...] = ()

    def affiliation_on(self, date: PartialDate | None) -> str | None:
        """The group the actor belonged to on ``date``: the first dated affiliation whose range
        holds the date's midpoint, else the first undated one that is listed, else the default
        ``affiliation``; with no date, the default."""
        if date is None:
            return self.affiliation
        day = date.midpoint()
        held = [a for a in self.affiliations if a.holds_on(day)]
        best = next((a for a in held if a.dated), held[0] if held else None)
        return best.name if best is not None else self.affiliation


AttributionKind = Literal["direct", "reported", "according-to", "organisation", "anonymous", "authored"]


@dataclass(frozen=True)
class Statement:
    """Who said what, where.  One per attribution found in an article."""

    statement_id: str
    doc_id: str
    date: PartialDate | None
    actor_id: str
    actor: str
    actor_type: str
    affiliation: str | None
    kind: AttributionKind
    text: Span
    """The content attributed to the actor (quote or reported clause)."""
    quote: Span
    """The whole sentence(s) as printed."""
    speaker: Span | None = None
    cue: Span | None = None
    sources: tuple[str, ...] = ()
    order: int = 0
    """Position in the article, to order statements that share a date."""
    scope: Span | None = None
    """The part of the sentence this statement covers (the whole sentence
    unless it holds several statements): what the stance model reads."""
    known: bool = True
    """Whether the actor registry held the speaker (:attr:`Actor.known`); False for one discovered
    in the text, which the report marks."""

    @property
    def evidence(self) -> Span:
        return self.scope or self.quote

    @property
    def all_sources(self) -> tuple[str, ...]:
        return self.sources or (self.doc_id,)

    def to_dict(self) -> dict[str, Any]:
        """Lossless and JSON-ready: the rows of the Ray engine and of `stance extract`."""
        return {"statement_id": self.statement_id, "doc_id": self.doc_id, "date": _date_text_of(self.date),
                "actor_id": self.actor_id, "actor": self.actor, "actor_type": self.actor_type,
                "affiliation": self.affiliation, "kind": self.kind, "sources": list(self.sources), "order": self.order,
                "known": self.known, **{name: _span_dict(getattr(self, name)) for name in _STATEMENT_SPANS}}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Statement:
        """The inverse of :meth:`to_dict`."""
        spans = {name: _span_of(row[name]) for name in _STATEMENT_SPANS}
        return cls(statement_id=row["statement_id"], doc_id=row["doc_id"], date=_date_of(row["date"]),
                   actor_id=row["actor_id"], actor=row["actor"], actor_type=row["actor_type"],
                   affiliation=row["affiliation"], kind=row["kind"], sources=tuple(row["sources"]),
                   order=row["order"], known=row.get("known", True),
                   **spans)  # type: ignore[arg-type]  # text and quote are always written


_STATEMENT_SPANS = ("text", "quote", "speaker", "cue", "scope")


@dataclass(frozen=True)
class IssueMention:
    statement_id: str
    issue: str
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class StancePrediction:
    """The stance of one statement toward one issue."""

    statement: Statement
    issue: str
    stance: Stance
    confidence: float
    scores: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    abstained: bool = False
    model: str = ""
    checked_by: str | None = None
    """The id of the person whose correction set this stance (:mod:`stance.review`); None: the model's label."""

    @property
    def value(self) -> float:
        """+1 favor, -1 against, 0 neutral."""
        return {"favor": 1.0, "against": -1.0}.get(self.stance, 0.0)

    def to_dict(self) -> dict[str, Any]:
        # one dict literal, the optional keys added last: a large report writes tens of thousands of these
        st = self.statement
        text, quote, speaker, date, scores = st.text, st.quote, st.speaker, st.date, self.scores
        d = {
            "statement_id": st.statement_id,
            "doc_id": st.doc_id,
            "sources": list(st.sources or (st.doc_id,)),
            "date": None if date is None else str(date),
            "actor": st.actor,
            "actor_id": st.actor_id,
            "actor_type": st.actor_type,
            "affiliation": st.affiliation,
            "kind": st.kind,
            "issue": self.issue,
            "stance": self.stance,
            "confidence": round(self.confidence, 4),
            "scores": {k: round(v, 4) for k, v in scores.items()} if scores else {},
            "abstained": self.abstained,
            "text": text.text,
            "quote": quote.text,
            "start": quote.start,
            "end": quote.end,
            "text_start": text.start,
            "text_end": text.end,
            "speaker": None if speaker is None else speaker.to_dict(),
            "order": st.order,
            "model": self.model,
        }
        # only for a speaker the registry did not hold: the store keeps no such flag, and its rows keep their shape
        if not st.known:
            d["known"] = False
        if self.checked_by:  # only for a label a person checked (stance review import)
            d["checked_by"] = self.checked_by
        return d

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> StancePrediction:
        """The inverse of :meth:`to_dict` (spans not written are left out)."""
        speaker = row.get("speaker")
        statement = Statement(
            statement_id=row["statement_id"], doc_id=row["doc_id"],
            date=_date_of(row.get("date")),
            actor_id=row.get("actor_id") or row["actor"], actor=row["actor"],
            actor_type=row.get("actor_type") or "person", affiliation=row.get("affiliation"),
            kind=row.get("kind") or "reported",
            text=Span(row.get("text_start", row["start"]), row.get("text_end", row["end"]), row["text"]),
            quote=Span(row["start"], row["end"], row.get("quote") or row["text"]),
            speaker=_span_of(speaker),
            sources=tuple(row.get("sources") or ()), order=int(row.get("order") or 0),
            known=bool(row.get("known", True)))
        return cls(statement, row["issue"], row["stance"], float(row["confidence"]),
                   dict(row.get("scores") or {}), bool(row.get("abstained")), row.get("model") or "",
                   row.get("checked_by") or None)


@dataclass(frozen=True)
class PositionPoint:
    """An actor's position on an issue over one period."""

    actor_id: str
    actor: str
    issue: str
    period: str
    start: _dt.date
    end: _dt.date
    score: float
    """Confidence-weighted mean stance in [-1, 1]."""
    low: float
    high: float
    n_statements: int
    n_sources: int
    statement_ids: tuple[str, ...] = ()

    def midpoint(self) -> _dt.date:
        """The middle of the period (where a chart draws the point)."""
        return midpoint(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        # shallow and spelled out, keys in field order: every field is a plain value (dataclasses.asdict
        # deep-copies, and a loop over dataclasses.fields took 1.5-2 times as long on a large report)
        return {"actor_id": self.actor_id, "actor": self.actor, "issue": self.issue, "period": self.period,
                "start": self.start.isoformat(), "end": self.end.isoformat(), "score": round(self.score, 4),
                "low": round(self.low, 4), "high": round(self.high, 4), "n_statements": self.n_statements,
                "n_sources": self.n_sources, "statement_ids": list(self.statement_ids)}


@dataclass(frozen=True)
class Shift:
    """A change of position, with the evidence on both sides."""

    actor_id: str
    actor: str
    issue: str
    before: float
    after: float
    date: str
    """The date of the first statement after the change."""
    before_ids: tuple[str, ...]
    after_ids: tuple[str, ...]
    probability: float = 1.0
    """Posterior probability that the position moved this way (see ``aggregate.shift_probability``)."""

    @property
    def direction(self) -> str:
        return "toward favor" if self.after > self.before else "toward against"

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "actor": self.actor,
            "issue": self.issue,
            "before": round(self.before, 4),
            "after": round(self.after, 4),
            "date": self.date,
            "direction": self.direction,
            "before_ids": list(self.before_ids),
            "after_ids": list(self.after_ids),
            "probability": round(self.probability, 3),
        }


@dataclass(frozen=True)
class Issue:
    """One issue of the registry: ``target`` says what "favor" means."""

    issue_id: str
    label: str
    target: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    """Sentences that concern the issue: embedded beside label, target and description for detection by meaning."""
    exclude: tuple[str, ...] = ()
    """Phrases (as keywords are written) whose occurrences are removed from a text before the issue is looked for."""


AttributionOrigin = Literal["tagger", "rules", "author"]


@dataclass(frozen=True)
class Attribution:
    """One attribution as ``stance extract`` reports it: every source, cue and
    content the best system finds, whether or not its speaker is an actor that
    ``stance track`` can follow.  ``actor_id`` is None when the source names
    nobody the registry or the text resolves (``experts``, ``the poll``)."""

    attribution_id: str
    doc_id: str
    kind: AttributionKind
    content: Span | None
    source: Span | None = None
    cue: Span | None = None
    actor_id: str | None = None
    actor: str | None = None
    actor_type: str | None = None
    affiliation: str | None = None
    origin: AttributionOrigin = "tagger"
    """Which system found it: the tagger, a rule, or the document's author."""

    def to_dict(self) -> dict[str, Any]:
        """Lossless and JSON-ready: the rows of ``stance extract``."""
        return {"attribution_id": self.attribution_id, "doc_id": self.doc_id, "kind": self.kind,
                "actor_id": self.actor_id, "actor": self.actor, "actor_type": self.actor_type,
                "affiliation": self.affiliation, "origin": self.origin,
                **{name: _span_dict(getattr(self, name)) for name in _ATTRIBUTION_SPANS}}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Attribution:
        """The inverse of :meth:`to_dict`."""
        return cls(attribution_id=row["attribution_id"], doc_id=row["doc_id"], kind=row["kind"],
                   actor_id=row["actor_id"], actor=row["actor"], actor_type=row["actor_type"],
                   affiliation=row["affiliation"], origin=row["origin"],
                   **{name: _span_of(row[name]) for name in _ATTRIBUTION_SPANS})


_ATTRIBUTION_SPANS = ("content", "source", "cue")
