"""The view model every output format renders: entities, issues, slugs and current positions.

Built once from a :class:`~stance.positions.aggregate.Positions`, so the HTML, Markdown
and JSON writers share one reading of the data.  An *entity* is what gets a
page: a speaker (``kind="actor"``, keyed by actor_id) or an affiliation
roll-up (``kind="group"``, keyed by the group name).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from stance.positions.aggregate import (
    Current,
    Disagreement,
    Positions,
    current_position,
    group_chain,
    leaning,
    time_key,
)
from stance.positions.periods import label_bounds
from stance.records import Article, Issue, PositionPoint, Shift, StancePrediction, Statement

LATEST = 50
"""Rows of shifts and of disagreements shown on the index."""
DISCOVERED = "discovered in the text, not in the registry"
"""The marker of a speaker the actor registry did not hold (add it with `stance actors suggest`)."""
DISCOVERED_SHORT = "discovered"
"""The same marker in a list of actors."""


def change(s: Shift) -> str:
    """``against (-0.80) → favor (+0.90), probability 0.96``: a shift in words, for every rendering."""
    return (f"{leaning(s.before)} ({s.before:+.2f}) → {leaning(s.after)} ({s.after:+.2f}), "
            f"probability {s.probability:.2f}")


def date_key(text: str) -> tuple[_dt.date, _dt.date]:
    """Sort key of a partial date or a period label written as text (``2024-Q2``): its first day, then its last."""
    return label_bounds(text)


def slugify(text: str) -> str:
    """A lower-case ASCII file name stem for ``text`` (never empty)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:60].strip("-")
    return slug or "x"


class Slugs:
    """Hands out unique slugs: a taken one gets ``-<hint>``, then a numbered suffix."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def add(self, text: str, hint: str = "") -> str:
        base = slugify(text)
        slug = f"{base}-{hint}" if hint and base in self.taken else base
        n = 2
        while slug in self.taken:
            slug, n = f"{base}-{n}", n + 1
        self.taken.add(slug)
        return slug


@dataclass
class Entity:
    """A page of the report: one speaker or one group roll-up."""

    key: str
    name: str
    kind: str
    slug: str = ""
    actor_type: str = "group"
    affiliation: str | None = None
    preds: dict[str, list[StancePrediction]] = field(default_factory=lambda: defaultdict(list))
    points: dict[str, list[PositionPoint]] = field(default_factory=lambda: defaultdict(list))
    shifts: dict[str, list[Shift]] = field(default_factory=lambda: defaultdict(list))
    current: dict[str, Current] = field(default_factory=dict)
    discovered: bool = False
    """A speaker the actor registry did not hold (``Statement.known`` false), anonymous sources aside."""

    def statement_ids(self, issue: str) -> set[str]:
        return {p.statement.statement_id for p in self.preds.get(issue, ())}

    def voices(self) -> list[tuple[str, str]]:
        """(actor_id, name) of everyone whose statements make up this entity, by name."""
        seen = {p.statement.actor_id: p.statement.actor for ps in self.preds.values() for p in ps}
        return sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))


@dataclass
class ReportModel:
    """Everything a writer needs, indexed for rendering."""

    positions: Positions
    issue_ids: list[str]
    issues: dict[str, Issue]
    actors: dict[str, Entity]
    groups: dict[str, Entity]
    shift_rows: list[tuple[Shift, Entity]]
    by_statement: dict[tuple[str, str], StancePrediction]
    articles: Mapping[str, Article]
    doc_slugs: dict[str, str]
    issue_slugs: dict[str, str]
    title: str = "Stance report"
    filters: dict[str, str] = field(default_factory=dict)

    def entities(self) -> list[Entity]:
        return [*self.actors.values(), *self.groups.values()]

    def label(self, issue: str) -> str:
        return self.issues[issue].label if issue in self.issues else issue

    def group_of(self, actor: Entity) -> Entity | None:
        return self.groups.get(actor.affiliation) if actor.affiliation else None

    def latest_shifts(self, limit: int) -> list[tuple[Shift, Entity]]:
        """The ``limit`` most recent shifts with the entity each belongs to."""
        return sorted(self.shift_rows, key=lambda r: date_key(r[0].date), reverse=True)[:limit]

    def cite(self, doc_id: str) -> str:
        """A document as a reader knows it: ``Title (Outlet)`` where the corpus gave them, else its id
        (``d41d8 (Outlet)`` with only the outlet known)."""
        article = self.articles.get(doc_id)
        if article is None or not (article.title or article.source):
            return doc_id
        if article.title:
            return f"{article.title} ({article.source})" if article.source else article.title
        return f"{doc_id} ({article.source})"

    def sources(self, st: Statement) -> str:
        """Every document a statement was printed in, cited (see :meth:`cite`), ``;`` between them."""
        return "; ".join(self.cite(d) for d in st.all_sources)

    def evidence(self, ids: Sequence[str], issue: str) -> list[StancePrediction]:
        return [self.by_statement[(i, issue)] for i in ids if (i, issue) in self.by_statement]


def _issue_order(preds: Sequence[StancePrediction], issues: Mapping[str, Issue]) -> list[str]:
    present = {p.issue for p in preds}
    return [i for i in issues if i in present] + sorted(present - set(issues))


def _actors(preds: Sequence[StancePrediction], points: Sequence[PositionPoint]) -> dict[str, Entity]:
    actors: dict[str, Entity] = {}
    for p in preds:
        st = p.statement
        ent = actors.get(st.actor_id) or actors.setdefault(
            st.actor_id, Entity(st.actor_id, st.actor, "actor", actor_type=st.actor_type, affiliation=st.affiliation,
                                discovered=not st.known and st.actor_type != "anonymous"))
        ent.preds[p.issue].append(p)
    for pt in points:
        if pt.actor_id in actors:
            actors[pt.actor_id].points[pt.issue].append(pt)
    return actors


def _groups(preds: Sequence[StancePrediction], group_points: Sequence[PositionPoint],
            parents: Mapping[str, str]) -> dict[str, Entity]:
    """Group entities; dated statements are placed by the roll-up points, undated ones by the affiliation chain."""
    member_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    groups: dict[str, Entity] = {}
    for pt in group_points:
        groups.setdefault(pt.actor_id, Entity(pt.actor_id, pt.actor, "group")).points[pt.issue].append(pt)
        for sid in pt.statement_ids:
            member_of[(sid, pt.issue)].append(pt.actor_id)
    for p in preds:
        if p.statement.date is None:
            for g in group_chain(p, parents):
                groups.setdefault(g, Entity(g, g, "group"))
                member_of[(p.statement.statement_id, p.issue)].append(g)
    for p in preds:
        for g in dict.fromkeys(member_of.get((p.statement.statement_id, p.issue), ())):
            groups[g].preds[p.issue].append(p)
    return groups


def _assign_shifts(shifts: Sequence[Shift], actors: Mapping[str, Entity],
                   groups: Mapping[str, Entity]) -> list[tuple[Shift, Entity]]:
    """Attach each shift to the entity (actor or group) whose statements it cites."""
    rows = []
    for s in shifts:
        ids = set(s.before_ids) | set(s.after_ids)
        owners = [e for e in (actors.get(s.actor_id), groups.get(s.actor_id))
                  if e is not None and ids <= e.statement_ids(s.issue)]
        for e in owners:
            e.shifts[s.issue].append(s)
        if owners:
            rows.append((s, owners[0]))
    return rows


def _mark_divided(groups: Mapping[str, Entity], positions: Positions) -> None:
    """A group's current position says so when its members took opposite sides in the latest divided period."""
    latest: dict[tuple[str, str], Disagreement] = {}
    for d in positions.disagreements:
        key = (d.group, d.issue)
        if key not in latest or d.period > latest[key].period:
            latest[key] = d
    for (group, issue), d in latest.items():
        ent = groups.get(group)
        if ent is not None and issue in ent.current:
            cur = ent.current[issue]
            text = (f"{cur.text}; divided in {d.period}: against {', '.join(d.against)}; "
                    f"favor {', '.join(d.favor)}")
            ent.current[issue] = replace(cur, text=text)


def build_model(positions: Positions, issues: Mapping[str, Issue], *, articles: Mapping[str, Article] | None = None,
                parents: Mapping[str, str] | None = None, title: str = "Stance report",
                filters: Mapping[str, str | None] | None = None) -> ReportModel:
    """Index ``positions`` for rendering: entities, slugs, current positions and shift owners."""
    preds = sorted(positions.predictions, key=time_key)
    actors = dict(sorted(_actors(preds, positions.points).items(), key=lambda kv: (kv[1].name.lower(), kv[0])))
    groups = dict(sorted(_groups(preds, positions.group_points, parents or {}).items(), key=lambda kv: kv[0].lower()))
    shift_rows = _assign_shifts(positions.shifts, actors, groups)
    slugs = Slugs()
    for ent in [*actors.values(), *groups.values()]:
        ent.slug = slugs.add(ent.key, "group" if ent.kind == "group" else "")
        ent.current = {issue: current_position(ps, ent.shifts.get(issue, ())) for issue, ps in ent.preds.items()}
    _mark_divided(groups, positions)
    issue_ids = _issue_order(preds, issues)
    issue_slugs, doc_slugs = Slugs(), Slugs()
    articles = articles or {}
    return ReportModel(
        positions=positions, issue_ids=issue_ids,
        issues={i: issues.get(i) or Issue(i, i, "") for i in issue_ids},
        actors=actors, groups=groups,
        shift_rows=shift_rows,
        by_statement={(p.statement.statement_id, p.issue): p for p in preds},
        articles=articles,
        doc_slugs={d: doc_slugs.add(d) for d in sorted({p.statement.doc_id for p in preds} & set(articles))},
        issue_slugs={i: issue_slugs.add(i) for i in issue_ids},
        title=title, filters={k: str(v) for k, v in (filters or {}).items() if v},
    )
