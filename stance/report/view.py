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
from functools import cached_property

from stance.positions.aggregate import (
    Current,
    Disagreement,
    Positions,
    current_of_dated,
    group_chain,
    leaning,
    time_key,
)
from stance.positions.network import Edge, actor_network
from stance.positions.periods import label_bounds
from stance.records import Article, Issue, PositionPoint, Shift, StancePrediction, Statement
from stance.report.wording import summary

LATEST = 50
"""Rows of shifts and of disagreements shown on the index."""
DISCOVERED = "discovered in the text, not in the registry"
"""The marker of a speaker the actor registry did not hold (add it with `stance actors suggest`)."""
DISCOVERED_SHORT = "discovered"
"""The same marker in a list of actors."""
OWN, ALL_VOICES = "its own statements", "all its voices"
"""How the titles tell apart a speaker and the group roll-up of the same name (``Government of Pakistan``)."""


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


@dataclass(frozen=True)
class Evidence:
    """An entity's statements on one issue, split the one way every rendering counts them: the box, the
    grid cell, the list, the chart and report.json all count these.

    ``current`` are the dated statements the current position rests on (since the latest shift, or all of
    them), ``before`` the dated ones before that shift, ``undated`` the rest; each in time order.
    """

    current: tuple[StancePrediction, ...] = ()
    before: tuple[StancePrediction, ...] = ()
    undated: tuple[StancePrediction, ...] = ()
    shift_date: str | None = None
    """The date of the first statement after the latest shift (None when there was none)."""

    @cached_property
    def dated(self) -> tuple[StancePrediction, ...]:
        return self.before + self.current

    @property
    def total(self) -> int:
        return len(self.current) + len(self.before) + len(self.undated)

    @cached_property
    def checked(self) -> int:
        """How many of the labels a person checked (:attr:`~stance.records.StancePrediction.checked_by`)."""
        return sum(1 for part in (self.current, self.before, self.undated) for p in part if p.checked_by)

    @classmethod
    def split(cls, preds: Sequence[StancePrediction], current: Current) -> Evidence:
        """``preds`` (in time order) split at the start of ``current``: its last ``n_statements`` dated ones."""
        return cls.of_parts(tuple(p for p in preds if p.statement.date),
                            tuple(p for p in preds if not p.statement.date), current)

    @classmethod
    def of_parts(cls, dated: tuple[StancePrediction, ...], undated: tuple[StancePrediction, ...],
                 current: Current) -> Evidence:
        """:meth:`split` of a series already parted into its dated statements (in time order) and the rest."""
        n = current.n_statements if current.score is not None else 0
        cut = len(dated) - n
        return cls(dated[cut:], dated[:cut], undated, current.since if cut and n else None)


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
    title: str = ""
    """The page's title: the name, told apart from a group roll-up of the same name (see :data:`OWN`)."""
    evidence: dict[str, Evidence] = field(default_factory=dict)
    summaries: dict[str, str] = field(default_factory=dict)
    """The current position in words with its counts (:func:`~stance.report.wording.summary`): box and grid."""
    voice_list: list[tuple[str, str]] | None = field(default=None, repr=False, compare=False)
    """What :meth:`voices` found."""

    def labels(self) -> tuple[int, int]:
        """(labels a person checked, labels) over every issue."""
        return (sum(ev.checked for ev in self.evidence.values()), sum(ev.total for ev in self.evidence.values()))

    def statement_ids(self, issue: str) -> set[str]:
        return {p.statement.statement_id for p in self.preds.get(issue, ())}

    def voices(self) -> list[tuple[str, str]]:
        """(actor_id, name) of everyone whose statements make up this entity, by name (read once: call it after
        the model is built)."""
        if self.voice_list is None:
            seen = {p.statement.actor_id: p.statement.actor for ps in self.preds.values() for p in ps}
            self.voice_list = sorted(seen.items(), key=lambda kv: (kv[1].lower(), kv[0]))
        return list(self.voice_list)


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
    networks: dict[str, list[Edge]] = field(default_factory=dict)
    """The actor network of each issue, built on first use (:meth:`network`)."""
    citations: dict[str, str] = field(default_factory=dict)
    """Each document as :meth:`cite` words it, on first use."""
    source_lists: dict[tuple[str, ...], str] = field(default_factory=dict)
    """Each list of documents as :meth:`sources` words it, on first use."""

    def network(self, issue: str) -> list[Edge]:
        """Congruence and conflict edges between actors on ``issue``
        (:func:`~stance.positions.network.actor_network`)."""
        if issue not in self.networks:
            self.networks[issue] = actor_network(self.positions.points, issue=issue)
        return self.networks[issue]

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
        """A document as a reader knows it: ``Title (Outlet, 2017-10-05)`` with what the corpus gave
        (``Title``, ``Title (Outlet)``, ``Title (2017-10)``); its id stands for the title only when there is
        none (``d41d8 (Outlet)``), and alone when nothing is known."""
        found = self.citations.get(doc_id)
        if found is not None:
            return found
        article = self.articles.get(doc_id)
        about = ", ".join(str(x) for x in (article.source, article.date) if x) if article else ""
        name = (article.title if article else None) or doc_id
        self.citations[doc_id] = cited = f"{name} ({about})" if about else name
        return cited

    def sources(self, st: Statement) -> str:
        """Every document a statement was printed in, cited (see :meth:`cite`), ``;`` between them."""
        docs = st.all_sources
        found = self.source_lists.get(docs)
        if found is None:
            found = self.source_lists[docs] = "; ".join(self.cite(d) for d in docs)
        return found

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
    member_of: dict[str, dict[str, list[str]]] = defaultdict(dict)
    """issue -> statement id -> the groups the statement counts toward there (in the order found)."""
    groups: dict[str, Entity] = {}
    for pt in group_points:
        ent = groups.get(pt.actor_id) or groups.setdefault(pt.actor_id, Entity(pt.actor_id, pt.actor, "group"))
        ent.points[pt.issue].append(pt)
        of_issue, gid = member_of[pt.issue], pt.actor_id
        for sid in pt.statement_ids:
            found = of_issue.get(sid)
            if found is None:
                of_issue[sid] = [gid]
            else:
                found.append(gid)
    for p in preds:
        if p.statement.date is None:
            for g in group_chain(p, parents):
                if g not in groups:
                    groups[g] = Entity(g, g, "group")
                member_of[p.issue].setdefault(p.statement.statement_id, []).append(g)
    for p in preds:
        found = member_of[p.issue].get(p.statement.statement_id)
        if found:
            for g in dict.fromkeys(found):
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
            divided = f"; divided in {d.period}: against {', '.join(d.against)}; favor {', '.join(d.favor)}"
            ent.current[issue] = replace(cur, text=cur.text + divided)
            ent.summaries[issue] += divided


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
        ent.title = (f"{ent.name} ({ALL_VOICES})" if ent.kind == "group"
                     else f"{ent.name} ({OWN})" if ent.name in groups else ent.name)
        for issue, ps in ent.preds.items():
            # each entity's statements were appended in the time order of ``preds``: parted once, sorted never again
            dated = tuple([p for p in ps if p.statement.date is not None])
            undated = tuple([p for p in ps if p.statement.date is None]) if len(dated) < len(ps) else ()
            cur = ent.current[issue] = current_of_dated(dated, len(undated), ent.shifts.get(issue, ()))
            ev = ent.evidence[issue] = Evidence.of_parts(dated, undated, cur)
            ent.summaries[issue] = summary(cur.text, ev.total, len(ev.current), len(ev.undated))
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
