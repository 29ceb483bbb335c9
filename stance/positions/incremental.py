"""Positions kept up to date as predictions arrive, change or leave: the answer of
:func:`~stance.positions.aggregate.aggregate` over everything, for the cost of what a change touches.

A prediction belongs to one *series*, its speaker's on its issue, and rolls up to the groups of
:func:`~stance.positions.aggregate.group_chain`.  :meth:`IncrementalPositions.update` takes the
predictions added or changed (a correction, a new outlet of a statement) and the labels that left
(a correction to ``irrelevant``), and recomputes:

- the points of the periods those predictions fall in (a period's point depends on that period's
  statements only), or, for a moving window (``decay:DAYS``), which has no such bound, the whole series;
- the shifts of the touched series (change points depend on the whole series), and the statements the
  speaker took back in a period (which leave the groups' points);
- the groups' points of those periods (or whole series, with a moving window) and the groups' shifts;
- the disagreements of the groups and periods whose members' points moved, and the corpus summary.

For example, with monthly periods, one new statement by Khawaja Asif on military bases dated
2021-06-19 recomputes his 2021-06 point and his shifts on military bases, the 2021-06 points and the
shifts of Government of Pakistan and Pakistan on military bases, and whether those two groups are
divided on military bases in 2021-06; his 2017-10 point and every other actor's stay as they were.

Every piece is computed with the very functions :func:`aggregate` uses, on the same predictions in
the same order (time, then ``rank``: the caller's order, the store's row id), so :meth:`positions`
equals ``aggregate(predictions in rank order, period, parents, n_documents)`` exactly (the property
test in ``tests/test_service_fast.py`` checks it after random writes on several periods).
"""

from __future__ import annotations

import bisect
import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from stance.positions.aggregate import (
    CorpusSummary,
    Disagreement,
    Positions,
    _decayed_points,
    _group_shifts,
    _points,
    _shifts,
    _superseded,
    group_chain,
    leaning,
    time_key,
)
from stance.positions.periods import decay_days, period_of
from stance.records import PartialDate, PositionPoint, Shift, StancePrediction

Label = tuple[str, str]
"""(statement id, issue): one prediction of a labelling."""
SeriesKey = tuple[str, str]
"""(actor id, issue) of a speaker's series, or (group name, issue) of a group's."""

BULK_SORT = 256
"""Changes above which the time-ordered list of every prediction is sorted afresh rather than patched."""


@dataclass(frozen=True)
class _Entry:
    """One prediction as held: its rank (the caller's order), its place in time and its groups."""

    rank: int
    pred: StancePrediction
    order: tuple
    """``(*time_key(pred), rank)``: where :func:`aggregate` puts it among all predictions."""
    chain: tuple[str, ...]

    @property
    def label(self) -> Label:
        return (self.pred.statement.statement_id, self.pred.issue)

    @property
    def date(self) -> PartialDate | None:
        return self.pred.statement.date


@dataclass(frozen=True)
class PointIndex:
    """The speakers' points of one state by actor id and by issue, each in the order of
    :attr:`~stance.positions.aggregate.Positions.points`: a copy that later updates leave alone, so it can be
    read while the state is updated."""

    by_actor: Mapping[str, tuple[PositionPoint, ...]]
    by_issue: Mapping[str, tuple[PositionPoint, ...]]


@dataclass
class _Touched:
    """What one update changed, gathered before anything is recomputed."""

    series: set[SeriesKey]
    """Speakers' series with a prediction added, changed or gone."""
    periods: dict[SeriesKey, set[str]]
    """Of those, the period labels whose point must be recomputed (all of them with a moving window)."""
    placed: set[Label]
    """Labels whose place in the groups' points may have changed."""
    groups: set[SeriesKey]
    """Groups' series whose points (with a moving window) or shifts must be recomputed."""
    group_periods: set[tuple[str, str, str]]
    """(group, issue, period label) whose point must be recomputed."""
    members: set[tuple[str, str]]
    """(group, actor id) whose membership started or ended."""
    divided: set[tuple[str, str, str]]
    """(issue, period label, actor id) whose own point changed: their groups' disagreements are recomputed."""
    actors: set[str]
    """Actor ids with a prediction added or gone (their name is the one of their latest prediction)."""


class IncrementalPositions:
    """The positions of everything given so far, over one period, updated in place (see the module doc).

        state = IncrementalPositions.of(enumerate(predictions), "month", parents, n_documents=3)
        state.update([(4, new_prediction)], removals=[("s-7", "military_bases")], n_documents=4)
        state.positions()  # == aggregate(predictions + [new_prediction] - s-7's, "month", parents, n_documents=4)

    Not thread-safe: the caller serialises updates and reads.
    """

    def __init__(self, period: str, parents: Mapping[str, str] | None = None) -> None:
        self.period = period
        self.parents: dict[str, str] = dict(parents or {})
        self.n_documents: int | None = None
        self._entries: dict[Label, _Entry] = {}
        self._by_issue: dict[str, dict[str, StancePrediction]] = defaultdict(dict)
        """Issue -> statement id -> prediction: where the groups' shifts look their evidence up."""
        self._orders: list[tuple] = []
        self._ordered: list[StancePrediction] = []
        self._series: dict[SeriesKey, dict[Label, _Entry]] = {}
        self._buckets: dict[SeriesKey, dict[str, dict[Label, _Entry]]] = {}
        self._actor_issues: dict[str, set[str]] = defaultdict(set)
        self._actor_count: Counter[str] = Counter()
        self._latest: dict[str, _Entry] = {}
        self._unnamed: set[str] = set()
        self._names: dict[str, str] = {}
        self._points: dict[SeriesKey, dict[str, tuple[tuple, PositionPoint]]] = {}
        self._shifts: dict[SeriesKey, list[Shift]] = {}
        self._series_first: dict[SeriesKey, tuple] = {}
        self._gone: dict[SeriesKey, set[Label]] = {}
        self._placed: dict[Label, _Entry] = {}
        self._group_buckets: dict[SeriesKey, dict[str, dict[Label, _Entry]]] = {}
        self._group_points: dict[SeriesKey, dict[str, PositionPoint]] = {}
        self._group_shifts: dict[SeriesKey, list[Shift]] = {}
        self._members: dict[str, Counter[str]] = {}
        self._groups_of: dict[str, set[str]] = defaultdict(set)
        self._by_period: dict[tuple[str, str], dict[str, PositionPoint]] = defaultdict(dict)
        self._disagreements: dict[tuple[str, str, str], Disagreement] = {}
        self._issue_first: dict[str, tuple] = {}
        self._statements: Counter[str] = Counter()
        self._undated: Counter[str] = Counter()
        self._sources: Counter[str] = Counter()
        self._dates: tuple[PartialDate, PartialDate] | None = None
        self._dates_stale = False
        self._snapshot: Positions | None = None
        self._index: PointIndex | None = None

    @classmethod
    def of(cls, predictions: Iterable[tuple[int, StancePrediction]], period: str,
           parents: Mapping[str, str] | None = None, n_documents: int | None = None) -> IncrementalPositions:
        """The state of ``predictions`` (``(rank, prediction)`` pairs; ``enumerate(list)`` gives list order)."""
        state = cls(period, parents)
        state.update(predictions, n_documents=n_documents)
        return state

    # ------------------------------------------------------------------------------------------------ reads
    @property
    def half_life(self) -> float | None:
        return decay_days(self.period)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, label: object) -> bool:
        return label in self._entries

    def labels_of(self, statement_ids: Iterable[str]) -> set[Label]:
        """The labels held of these statements (every issue of each)."""
        wanted = set(statement_ids)
        return {label for label in self._entries if label[0] in wanted}

    def actor_points(self, actor_id: str) -> list[PositionPoint]:
        """One speaker's points, in the order of :attr:`Positions.points` (by issue, then time)."""
        return list(self.index().by_actor.get(actor_id, ()))

    def issue_points(self, issue: str) -> list[PositionPoint]:
        """Every speaker's points on one issue, in the order of :attr:`Positions.points`."""
        return list(self.index().by_issue.get(issue, ()))

    def index(self) -> PointIndex:
        """The speakers' points by actor and by issue, as an immutable copy (built once per update)."""
        if self._index is None:
            by_actor: dict[str, list[PositionPoint]] = defaultdict(list)
            by_issue: dict[str, list[PositionPoint]] = defaultdict(list)
            for _, point in sorted((kp for pts in self._points.values() for kp in pts.values()),
                                   key=lambda kp: kp[0]):
                by_actor[point.actor_id].append(point)
                by_issue[point.issue].append(point)
            self._index = PointIndex({a: tuple(ps) for a, ps in by_actor.items()},
                                     {i: tuple(ps) for i, ps in by_issue.items()})
        return self._index

    def positions(self) -> Positions:
        """Everything, as :func:`~stance.positions.aggregate.aggregate` answers it (built once per update)."""
        if self._snapshot is None:
            self._snapshot = self._build()
        return self._snapshot

    # ---------------------------------------------------------------------------------------------- update
    def update(self, upserts: Iterable[tuple[int, StancePrediction]] = (), removals: Iterable[Label] = (), *,
               parents: Mapping[str, str] | None = None, n_documents: int | None = None) -> None:
        """Add or replace the predictions of ``upserts`` (``(rank, prediction)``; a label already held is
        replaced), drop the labels of ``removals``, take the groups' ``parents`` when given, and recompute
        what that touched.  ``n_documents`` is the corpus summary's count (None: the documents the
        predictions cite)."""
        touched = _Touched(set(), defaultdict(set), set(), set(), set(), set(), set(), set())
        changes = 0
        if parents is not None and dict(parents) != self.parents:
            self.parents = dict(parents)
            for entry in [e for e in self._entries.values() if tuple(group_chain(e.pred, self.parents)) != e.chain]:
                self._drop(entry, touched)
                self._add(_Entry(entry.rank, entry.pred, entry.order, tuple(group_chain(entry.pred, self.parents))),
                          touched)
                changes += 2
        if n_documents != self.n_documents:
            self.n_documents, self._snapshot = n_documents, None
        bulk = not self._entries
        for label in removals:
            old = self._entries.get(label)
            if old is not None:
                self._drop(old, touched, patch=not bulk)
                changes += 1
        for rank, pred in upserts:
            old = self._entries.get((pred.statement.statement_id, pred.issue))
            if old is not None:
                self._drop(old, touched, patch=not bulk)
            self._add(_Entry(rank, pred, (*time_key(pred), rank), tuple(group_chain(pred, self.parents))), touched,
                      patch=not bulk)
            changes += 1
            bulk = bulk or changes > BULK_SORT
        if bulk:
            self._resort()
        if not changes:
            return
        self._index = None
        self._rename(touched)
        for key in touched.series:
            self._recompute_series(key, touched)
        self._place(touched)
        for group_period in touched.group_periods:
            self._recompute_group_period(group_period, touched)
        for group_series in touched.groups:
            self._recompute_group_series(group_series)
        self._recompute_disagreements(touched)
        self._snapshot = None

    # ---------------------------------------------------------------------------------- adding and dropping
    def _add(self, entry: _Entry, touched: _Touched, patch: bool = True) -> None:
        p, label = entry.pred, entry.label
        actor, issue = p.statement.actor_id, p.issue
        self._entries[label] = entry
        self._by_issue[issue][label[0]] = p
        if patch:
            at = bisect.bisect_left(self._orders, entry.order)
            self._orders.insert(at, entry.order)
            self._ordered.insert(at, p)
        self._count(entry, +1)
        touched.actors.add(actor)
        first = self._issue_first.get(issue)
        if first is None or entry.order < first:
            self._issue_first[issue] = entry.order
        for g in entry.chain:
            if g != p.statement.actor:
                self._member(g, actor, +1, touched)
        if entry.date is None:
            return
        key = (actor, issue)
        self._series.setdefault(key, {})[label] = entry
        self._actor_issues[actor].add(issue)
        touched.series.add(key)
        if self.half_life is None:
            bucket = period_of(entry.date, self.period)[0]
            self._buckets.setdefault(key, {}).setdefault(bucket, {})[label] = entry
            touched.periods[key].add(bucket)
            touched.placed.add(label)
        else:
            for g in entry.chain:
                self._group_buckets.setdefault((g, issue), {}).setdefault("", {})[label] = entry
                touched.groups.add((g, issue))

    def _drop(self, entry: _Entry, touched: _Touched, patch: bool = True) -> None:
        p, label = entry.pred, entry.label
        actor, issue = p.statement.actor_id, p.issue
        del self._entries[label]
        del self._by_issue[issue][label[0]]
        if patch:
            at = bisect.bisect_left(self._orders, entry.order)
            del self._orders[at], self._ordered[at]
        self._count(entry, -1)
        touched.actors.add(actor)
        if self._issue_first.get(issue) == entry.order:
            rest = [e.order for (_, i), e in self._entries.items() if i == issue]
            if rest:
                self._issue_first[issue] = min(rest)
            else:
                del self._issue_first[issue]
        for g in entry.chain:
            if g != p.statement.actor:
                self._member(g, actor, -1, touched)
        if entry.date is None:
            return
        key = (actor, issue)
        series = self._series[key]
        del series[label]
        touched.series.add(key)
        if self.half_life is None:
            bucket = period_of(entry.date, self.period)[0]
            held = self._buckets[key][bucket]
            del held[label]
            if not held:
                del self._buckets[key][bucket]
            touched.periods[key].add(bucket)
            self._unplace(label, touched)
            touched.placed.add(label)
        else:
            for g in entry.chain:
                del self._group_buckets[(g, issue)][""][label]
                touched.groups.add((g, issue))
        if not series:
            del self._series[key]
            self._actor_issues[actor].discard(issue)

    def _count(self, entry: _Entry, sign: int) -> None:
        """The summary's counters, and the latest prediction of each speaker (which names them)."""
        st = entry.pred.statement
        for counter, key in ((self._statements, st.statement_id), (self._actor_count, st.actor_id)):
            counter[key] += sign
            if counter[key] == 0:
                del counter[key]
        if st.date is None:
            self._undated[st.statement_id] += sign
            if self._undated[st.statement_id] == 0:
                del self._undated[st.statement_id]
        for doc in st.all_sources:
            self._sources[doc] += sign
            if self._sources[doc] == 0:
                del self._sources[doc]
        if sign > 0:
            latest = self._latest.get(st.actor_id)
            if st.actor_id not in self._unnamed and (latest is None or entry.order > latest.order):
                self._latest[st.actor_id] = entry
            if st.date is not None and not self._dates_stale:
                self._dates = (st.date, st.date) if self._dates is None else (
                    min(self._dates[0], st.date), max(self._dates[1], st.date, key=_last_key))
        else:
            if self._latest.get(st.actor_id) is entry:
                del self._latest[st.actor_id]
                self._unnamed.add(st.actor_id)
            if st.date is not None:
                self._dates_stale = True

    def _member(self, group: str, actor: str, sign: int, touched: _Touched) -> None:
        counts = self._members.setdefault(group, Counter())
        counts[actor] += sign
        if counts[actor] == 0:
            del counts[actor]
            self._groups_of[actor].discard(group)
            touched.members.add((group, actor))
            if not counts:
                del self._members[group]
        elif sign > 0 and counts[actor] == 1:
            self._groups_of[actor].add(group)
            touched.members.add((group, actor))

    def _resort(self) -> None:
        ordered = sorted(self._entries.values(), key=lambda e: e.order)
        self._orders = [e.order for e in ordered]
        self._ordered = [e.pred for e in ordered]

    # ------------------------------------------------------------------------------------------- speakers
    def _rename(self, touched: _Touched) -> None:
        """A speaker is named as their latest prediction names them; a new name touches all their series."""
        for actor in touched.actors:
            if actor not in self._actor_count:
                self._unnamed.discard(actor)
                self._latest.pop(actor, None)
                self._names.pop(actor, None)
                continue
            if actor in self._unnamed or actor not in self._latest:
                self._latest[actor] = max((e for e in self._entries.values() if e.pred.statement.actor_id == actor),
                                          key=lambda e: e.order)
            self._unnamed.discard(actor)
            name = self._latest[actor].pred.statement.actor
            if self._names.get(actor) != name:
                self._names[actor] = name
                for issue in self._actor_issues.get(actor, ()):
                    touched.series.add((actor, issue))
                    touched.periods[(actor, issue)].update(self._buckets.get((actor, issue), {}))
                    touched.periods[(actor, issue)].update(self._points.get((actor, issue), {}))

    def _recompute_series(self, key: SeriesKey, touched: _Touched) -> None:
        """A speaker's series: the touched periods' points (all with a moving window), shifts, statements
        taken back."""
        actor, issue = key
        entries = sorted(self._series.get(key, {}).values(), key=lambda e: e.order)
        preds = [e.pred for e in entries]
        old_points = self._points.get(key, {})
        if not entries:
            for _, point in old_points.values():
                self._forget_point(point, touched)
            for index in (self._points, self._shifts, self._series_first, self._buckets):
                index.pop(key, None)
            for label in self._gone.pop(key, set()):
                touched.placed.add(label)
            return
        first = entries[0].order
        self._series_first[key] = first

        def own(_: StancePrediction) -> list[str]:
            return [actor]

        points = dict(old_points)
        if self.half_life is None:
            buckets = self._buckets.get(key, {})
            for bucket in touched.periods.get(key, ()):
                held = sorted(buckets.get(bucket, {}).values(), key=lambda e: e.order)
                if bucket in points:
                    self._forget_point(points.pop(bucket)[1], touched)
                if held:
                    (point,) = _points(own, [e.pred for e in held], self.period, self._names)
                    points[bucket] = ((point.actor, issue, point.start, point.end, held[0].order), point)
        else:
            for _, point in points.values():
                self._forget_point(point, touched)
            points = {p.period: ((p.actor, issue, p.start, p.end, first), p)
                      for p in _decayed_points(own, preds, self.half_life, self._names)}
        for _, point in points.values():
            if point is not old_points.get(point.period, (None, None))[1]:
                self._remember_point(point, touched)
        self._points[key] = points
        shifts = _shifts(own, preds, self._names)
        self._shifts[key] = shifts
        if self.half_life is None:
            gone = _superseded(preds, shifts, self.period)
            before = self._gone.get(key, set())
            touched.placed |= gone ^ before
            self._gone[key] = gone

    def _remember_point(self, point: PositionPoint, touched: _Touched) -> None:
        self._by_period[(point.issue, point.period)][point.actor_id] = point
        touched.divided.add((point.issue, point.period, point.actor_id))

    def _forget_point(self, point: PositionPoint, touched: _Touched) -> None:
        held = self._by_period.get((point.issue, point.period), {})
        if held.get(point.actor_id) is point:
            del held[point.actor_id]
            if not held:
                del self._by_period[(point.issue, point.period)]
        touched.divided.add((point.issue, point.period, point.actor_id))

    # --------------------------------------------------------------------------------------------- groups
    def _place(self, touched: _Touched) -> None:
        """Each touched label in its groups' periods unless its speaker took it back in that period."""
        if self.half_life is not None:
            return
        for label in touched.placed:
            entry = self._entries.get(label)
            wanted = (entry is not None and entry.date is not None
                      and label not in self._gone.get((entry.pred.statement.actor_id, label[1]), ()))
            if self._placed.get(label) is not entry or not wanted:
                self._unplace(label, touched)
            if wanted and entry is not None and label not in self._placed:
                bucket = period_of(entry.date, self.period)[0]  # type: ignore[arg-type]  # wanted: dated
                for g in entry.chain:
                    self._group_buckets.setdefault((g, label[1]), {}).setdefault(bucket, {})[label] = entry
                    touched.group_periods.add((g, label[1], bucket))
                self._placed[label] = entry

    def _unplace(self, label: Label, touched: _Touched) -> None:
        entry = self._placed.pop(label, None)
        if entry is None or entry.date is None:
            return
        bucket = period_of(entry.date, self.period)[0]
        for g in entry.chain:
            held = self._group_buckets[(g, label[1])][bucket]
            del held[label]
            touched.group_periods.add((g, label[1], bucket))

    def _recompute_group_period(self, key: tuple[str, str, str], touched: _Touched) -> None:
        group, issue, bucket = key
        buckets = self._group_buckets.get((group, issue), {})
        held = sorted(buckets.get(bucket, {}).values(), key=lambda e: e.order)
        points = self._group_points.setdefault((group, issue), {})
        if held:
            (points[bucket],) = _points(lambda _: [group], [e.pred for e in held], self.period, {})
        else:
            points.pop(bucket, None)
            buckets.pop(bucket, None)
        touched.groups.add((group, issue))

    def _recompute_group_series(self, key: SeriesKey) -> None:
        group, issue = key
        if self.half_life is not None:
            held = sorted(self._group_buckets.get(key, {}).get("", {}).values(), key=lambda e: e.order)
            self._group_points[key] = {p.period: p for p in _decayed_points(
                lambda _: [group], [e.pred for e in held], self.half_life, {})}
        points = self._group_points.get(key, {})
        if not points:
            self._group_points.pop(key, None)
            self._group_buckets.pop(key, None)
            self._group_shifts.pop(key, None)
            return
        ordered = sorted(points.values(), key=lambda p: (p.start, p.end))
        self._group_shifts[key] = _group_shifts(ordered, self._by_issue[issue])

    def _recompute_disagreements(self, touched: _Touched) -> None:
        """Whether each group whose members' points moved (or whose members changed) is divided."""
        keys = {(g, issue, period) for issue, period, actor in touched.divided
                for g in self._groups_of.get(actor, set()) | {g for g, a in touched.members if a == actor}}
        for group, actor in touched.members:
            keys |= {(group, issue, period) for issue in self._actor_issues.get(actor, ())
                     for period in self._points.get((actor, issue), {})}
            keys |= {(group, issue, period) for (g, issue, period) in self._disagreements if g == group}
        for group, issue, period in keys:
            people: Mapping[str, int] = self._members.get(group, {})
            pts = self._by_period.get((issue, period), {}).values()
            favor = tuple(sorted(p.actor for p in pts if p.actor_id in people and leaning(p.score) == "favor"))
            against = tuple(sorted(p.actor for p in pts if p.actor_id in people and leaning(p.score) == "against"))
            if favor and against:
                self._disagreements[(group, issue, period)] = Disagreement(group, issue, period, favor, against)
            else:
                self._disagreements.pop((group, issue, period), None)

    # ------------------------------------------------------------------------------------------- snapshot
    def _build(self) -> Positions:
        points = [p for _, p in sorted((kp for pts in self._points.values() for kp in pts.values()),
                                       key=lambda kp: kp[0])]
        group_points = sorted((p for pts in self._group_points.values() for p in pts.values()),
                              key=lambda p: (p.actor, p.issue, p.start, p.end))
        own = sorted(((s.actor, s.issue, s.date, self._series_first[key], k), s)
                     for key, shifts in self._shifts.items() for k, s in enumerate(shifts))
        by_issue: dict[str, list[tuple[tuple, Shift]]] = defaultdict(list)
        for (_, issue), shifts in self._group_shifts.items():
            by_issue[issue] += [((s.actor, s.date, k), s) for k, s in enumerate(shifts)]
        groups = [s for issue in sorted(self._issue_first, key=self._issue_first.__getitem__)
                  for _, s in sorted(by_issue.get(issue, []), key=lambda ks: ks[0])]
        return Positions(tuple(self._ordered), tuple(points), tuple(group_points),
                         tuple([s for *_, s in own] + groups),
                         tuple(d for _, d in sorted(self._disagreements.items())), self._summary(), self.period)

    def _summary(self) -> CorpusSummary:
        if self._dates_stale:
            dated = [p.statement.date for p in self._ordered if p.statement.date]
            self._dates = (min(dated), max(dated, key=_dt_end)) if dated else None
            self._dates_stale = False
        return CorpusSummary(
            n_documents=self.n_documents if self.n_documents is not None else len(self._sources),
            n_statements=len(self._statements), n_scored=len(self._entries), n_undated=len(self._undated),
            first_date=str(self._dates[0]) if self._dates else None,
            last_date=str(self._dates[1]) if self._dates else None)


def _dt_end(date: PartialDate) -> _dt.date:
    return date.end()


def _last_key(date: PartialDate) -> tuple[_dt.date, int]:
    """The summary's last date is the one ending last; of those (``2018``, ``2018-12``, ``2018-12-31``) the
    first in time order, the one starting first (``2018``), as ``max`` over the time-ordered list picks it."""
    return date.end(), -date.start().toordinal()
