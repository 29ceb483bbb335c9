"""Positions over time: pure functions from stance predictions to positions.

The position of an actor on an issue over a period is the posterior mean of
``p(favor) - p(against)`` under a Dirichlet prior updated with the
confidence-weighted statements of that period.  The interval is the mean
plus or minus 1.96 posterior standard deviations: it is wide with few
statements and with statements that conflict.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from stance.positions.periods import decay_days, period_of
from stance.records import PartialDate, PositionPoint, Shift, StancePrediction

PRIOR = 0.5
"""Dirichlet pseudo-count per class (favor, against, neutral)."""
LEANING = 0.2
"""|score| above which a position reads as favor or against."""
Z_95 = 1.96
"""Standard deviations either side of the mean for a 95% interval."""
MIN_WEIGHT = 1e-6
"""The least weight a statement counts with, so that a zero confidence never divides by zero."""
DECAY_MIN_WEIGHT = 0.05
"""With ``decay:DAYS`` periods, a month whose decayed evidence weighs less than this gets no point."""


@dataclass(frozen=True)
class Disagreement:
    """Members of one group taking opposite sides on an issue in one period."""

    group: str
    issue: str
    period: str
    favor: tuple[str, ...]
    against: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"group": self.group, "issue": self.issue, "period": self.period,
                "favor": list(self.favor), "against": list(self.against)}


@dataclass(frozen=True)
class CorpusSummary:
    n_documents: int
    n_statements: int
    n_scored: int
    n_undated: int
    first_date: str | None
    last_date: str | None

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Positions:
    """Everything the report needs, derived from the predictions alone."""

    predictions: tuple[StancePrediction, ...]
    points: tuple[PositionPoint, ...]
    """Per (actor, issue, period)."""
    group_points: tuple[PositionPoint, ...]
    """Per (affiliation group, issue, period): people rolled up to their group."""
    shifts: tuple[Shift, ...]
    disagreements: tuple[Disagreement, ...]
    corpus: CorpusSummary
    period: str

    def to_dict(self) -> dict:
        return {
            "period": self.period,
            "corpus": self.corpus.to_dict(),
            "positions": [p.to_dict() for p in self.points],
            "group_positions": [p.to_dict() for p in self.group_points],
            "shifts": [s.to_dict() for s in self.shifts],
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


def _posterior(preds: Sequence[StancePrediction], prior: float = PRIOR,
               weights: Sequence[float] | None = None) -> tuple[float, float]:
    """Mean and variance of ``p(favor) - p(against)`` under the Dirichlet posterior."""
    alpha = {"favor": prior, "against": prior, "neutral": prior}
    if weights is None:  # the same sums as a weight of 1.0 each, without the multiplications
        for p in preds:
            alpha[p.stance] += p.confidence
    else:
        for i, p in enumerate(preds):
            alpha[p.stance] += p.confidence * weights[i]
    a0 = sum(alpha.values())
    af, aa = alpha["favor"], alpha["against"]
    return (af - aa) / a0, (af * (a0 - af) + aa * (a0 - aa) + 2 * af * aa) / (a0 * a0 * (a0 + 1))


def position(preds: Sequence[StancePrediction], prior: float = PRIOR,
             weights: Sequence[float] | None = None) -> tuple[float, float, float]:
    """(score, low, high) for a set of predictions; score in [-1, 1].  Each
    statement counts with its confidence, times its weight when ``weights`` are given."""
    mean, var = _posterior(preds, prior, weights)
    half = Z_95 * math.sqrt(var)
    return mean, max(-1.0, mean - half), min(1.0, mean + half)


SHIFT_PROBABILITY = 0.8
"""A shift is reported only when the posterior probability that the position
moved the way it seems to is at least this (see :func:`shift_probability`)."""


def shift_probability(before: Sequence[StancePrediction], after: Sequence[StancePrediction]) -> float:
    """The posterior probability that the position after differs from the one
    before in the direction of their means: the two segments' Dirichlet
    posteriors (as in :func:`position`), compared under a normal approximation.
    One confident statement against one confident statement of the other side
    gives 0.89; two confident statements on each side 0.98; weak statements less."""
    mb, vb = _posterior(before)
    ma, va = _posterior(after)
    z = abs(ma - mb) / math.sqrt(vb + va)
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def leaning(score: float) -> str:
    if score > LEANING:
        return "favor"
    if score < -LEANING:
        return "against"
    return "neutral"


def time_key(p: StancePrediction) -> tuple:
    """Order of statements in time: by first possible day, then document and position (undated last)."""
    st = p.statement
    return (st.date.start() if st.date else _dt.date.max, st.doc_id, st.order)


def _date_of(p: StancePrediction) -> PartialDate:
    """The date of a statement in a dated series."""
    if p.statement.date is None:
        raise ValueError(f"expected a dated statement, found {p.statement.statement_id!r} undated")
    return p.statement.date


def group_chain(p: StancePrediction, parents: Mapping[str, str]) -> list[str]:
    """The groups a statement rolls up to: the speaker's affiliation and every group above it;
    a speaker that is itself a group counts toward its own roll-up first."""
    st = p.statement
    chain = ancestors(st.affiliation, parents)
    if st.actor in parents or st.actor_type in ("organisation", "country", "group"):
        own = ancestors(st.actor, parents)
        chain = own + [g for g in chain if g not in own]
    return chain


def _points(key_of, preds: Iterable[StancePrediction], period: str, names: Mapping[str, str]) -> list[PositionPoint]:
    buckets: dict[tuple, list[StancePrediction]] = defaultdict(list)
    spans: dict[tuple, tuple[_dt.date, _dt.date]] = {}
    for p in preds:
        if p.statement.date is None:
            continue
        for key in key_of(p):
            label, first, last = period_of(p.statement.date, period)
            buckets[(key, p.issue, label)].append(p)
            spans[(key, p.issue, label)] = (first, last)
    out = []
    for (key, issue, label), group in buckets.items():
        score, low, high = position(group)
        first, last = spans[(key, issue, label)]
        sources = {s for g in group for s in g.statement.all_sources}
        out.append(PositionPoint(
            actor_id=key, actor=names.get(key, key), issue=issue, period=label, start=first, end=last,
            score=score, low=low, high=high, n_statements=len(group), n_sources=len(sources),
            statement_ids=tuple(g.statement.statement_id for g in sorted(group, key=time_key)),
        ))
    return sorted(out, key=lambda p: (p.actor, p.issue, p.start, p.end))


def _decayed_points(key_of, preds: Iterable[StancePrediction], half_life: float,
                    names: Mapping[str, str], min_weight: float = DECAY_MIN_WEIGHT) -> list[PositionPoint]:
    """A moving window with decay: at the end of each month from an actor's
    first statement on an issue to its last, the position from every earlier
    statement, each weighted by ``0.5 ** (age in days / half_life)``; months
    where the evidence has decayed below ``min_weight`` are left out."""
    series: dict[tuple, list[StancePrediction]] = defaultdict(list)
    for p in preds:
        if p.statement.date is not None:
            for key in key_of(p):
                series[(key, p.issue)].append(p)
    out = []
    for (key, issue), group in series.items():
        group.sort(key=time_key)
        dated = [(p, _date_of(p)) for p in group]
        year, mon = dated[0][1].year, dated[0][1].month or 1
        month = PartialDate(year, mon)
        last = max(date.end() for _, date in dated)
        while month.start() <= last:
            end = month.end()
            seen_dated = [(p, date) for p, date in dated if date.midpoint() <= end]
            seen = [p for p, _ in seen_dated]
            weights = [0.5 ** ((end - date.midpoint()).days / half_life) for _, date in seen_dated]
            if seen and sum(w * p.confidence for w, p in zip(weights, seen)) >= min_weight:
                score, low, high = position(seen, weights=weights)
                recent = [p for p, w in zip(seen, weights) if w >= 0.5]
                out.append(PositionPoint(
                    actor_id=key, actor=names.get(key, key), issue=issue, period=str(month), start=month.start(),
                    end=end, score=score, low=low, high=high, n_statements=len(recent),
                    n_sources=len({s for p in recent for s in p.statement.all_sources}),
                    statement_ids=tuple(p.statement.statement_id for p in recent)))
            year, mon = year + mon // 12, mon % 12 + 1
            month = PartialDate(year, mon)
    return sorted(out, key=lambda p: (p.actor, p.issue, p.start, p.end))


def detect_shifts(series: Sequence[StancePrediction], min_change: float = 1.0) -> list[tuple[int, float, float]]:
    """Change points in one time-ordered actor-issue series of statements.

    Binary segmentation over confidence-weighted stance values.  A split is
    kept when the weighted means on its two sides differ by at least
    ``min_change`` (half the scale).  A segment of one statement is allowed
    only at either end of the series (a change that is the latest word, or
    the first), so one noisy statement in a steady series is not a shift.
    Returns ``(index of first statement after, mean before, mean after)``.
    """
    return change_points([p.value for p in series], [max(p.confidence, MIN_WEIGHT) for p in series], min_change)


def change_points(values: Sequence[float], weights: Sequence[float],
                  min_change: float) -> list[tuple[int, float, float]]:
    """Binary segmentation of a weighted series (see :func:`detect_shifts`)."""
    cum_w, cum_vw = [0.0], [0.0]
    for v, w in zip(values, weights):
        cum_w.append(cum_w[-1] + w)
        cum_vw.append(cum_vw[-1] + v * w)

    def mean(lo: int, hi: int) -> float:
        return (cum_vw[hi] - cum_vw[lo]) / (cum_w[hi] - cum_w[lo])

    found: list[tuple[int, float, float]] = []

    def split(lo: int, hi: int) -> None:
        best = None
        for k in range(lo + 1, hi):
            left, right = k - lo, hi - k
            if (left == 1 and lo != 0) or (right == 1 and hi != len(values)):
                continue
            before, after = mean(lo, k), mean(k, hi)
            change = abs(after - before)
            if change >= min_change and (best is None or change > best[0]):
                best = (change, k, before, after)
        if best is None:
            return
        _, k, before, after = best
        found.append((k, before, after))
        split(lo, k)
        split(k, hi)

    split(0, len(values))
    return sorted(found)


SAME_DATE_MIN_CHANGE = 1.5
"""A change between statements of the same date (one report) counts only as a full reversal."""

REVERSAL = re.compile(
    r"\b(?:never said|did not say|didn't say|denied|denies|deny|withdr[ae]w|withdrawn|took back|taken back|"
    r"back(?:ed|s)? (?:down|away|off)|backtrack\w*|retract\w*|revers\w*|u-turn|no longer|clarif\w*|"
    r"changed (?:his|her|their|its) (?:mind|position|stance)|now (?:says?|said|opposes?|supports?))\b", re.I)
"""Words with which a report says that its speaker changed position."""


def _one_report(before: StancePrediction, after: StancePrediction) -> bool:
    """Two statements of one document on one date: a single report, not two moments."""
    a, b = before.statement, after.statement
    return a.date == b.date and bool(set(a.all_sources) & set(b.all_sources))


def _says_it_changed(p: StancePrediction) -> bool:
    return bool(REVERSAL.search(p.statement.text.text) or REVERSAL.search(p.statement.quote.text))


def _shifts(key_of, preds: Sequence[StancePrediction], names: Mapping[str, str], evidence: int = 2) -> list[Shift]:
    series: dict[tuple[str, str], list[StancePrediction]] = defaultdict(list)
    for p in preds:
        if p.statement.date is None:
            continue
        for key in key_of(p):
            series[(key, p.issue)].append(p)
    out = []
    for (key, issue), group in series.items():
        group.sort(key=time_key)
        found = detect_shifts(group)
        bounds = [0] + [k for k, _, _ in found] + [len(group)]
        for j, (k, before, after) in enumerate(found):
            same_day = group[k - 1].statement.date == group[k].statement.date
            if same_day and abs(after - before) < SAME_DATE_MIN_CHANGE:
                continue
            if _one_report(group[k - 1], group[k]) and not _says_it_changed(group[k]):
                continue  # two readings of one report differ: noise unless the text reports a change
            probability = shift_probability(group[bounds[j]:k], group[k:bounds[j + 2]])
            if probability < SHIFT_PROBABILITY:
                continue
            out.append(Shift(
                actor_id=key, actor=names.get(key, key), issue=issue, before=before, after=after,
                date=str(group[k].statement.date),
                before_ids=tuple(p.statement.statement_id for p in group[max(0, k - evidence):k]),
                after_ids=tuple(p.statement.statement_id for p in group[k:k + evidence]),
                probability=probability,
            ))
    return sorted(out, key=lambda s: (s.actor, s.issue, s.date))


def _superseded(preds: Sequence[StancePrediction], shifts: Sequence[Shift], period: str) -> set[tuple[str, str]]:
    """(statement id, issue) of statements an actor took back in the same period: those
    before one of the actor's own shifts and in the period of its first statement after.
    A group's point counts what its members hold at the period's end (an offer
    withdrawn within the month is not the government's position for that month)."""
    if not shifts:
        return set()
    series: dict[tuple[str, str], list[StancePrediction]] = defaultdict(list)
    for p in preds:
        if p.statement.date is not None:
            series[(p.statement.actor_id, p.issue)].append(p)
    out = set()
    for s in shifts:
        group = sorted(series.get((s.actor_id, s.issue), []), key=time_key)
        index = {p.statement.statement_id: i for i, p in enumerate(group)}
        k = index.get(s.after_ids[0]) if s.after_ids else None
        if k is None:
            continue
        label = period_of(_date_of(group[k]), period)[0]
        out |= {(p.statement.statement_id, p.issue) for p in group[:k]
                if period_of(_date_of(p), period)[0] == label}
    return out


GROUP_MIN_CHANGE = 0.5
"""Groups speak with many voices: their shifts are found between periods, on period positions."""


def _weighted_mean(ids: Sequence[str], by_id: Mapping[str, StancePrediction]) -> float:
    preds = [by_id[i] for i in ids]
    weight = sum(max(p.confidence, MIN_WEIGHT) for p in preds)
    return sum(p.value * max(p.confidence, MIN_WEIGHT) for p in preds) / weight


def _group_shifts(points: Sequence[PositionPoint], by_id: Mapping[str, StancePrediction],
                  min_change: float = GROUP_MIN_CHANGE) -> list[Shift]:
    """Shifts between periods of a group, on the confidence-weighted mean stance of each period."""
    series: dict[tuple[str, str], list[PositionPoint]] = defaultdict(list)
    for p in points:
        if p.statement_ids:  # a moving-window month whose statements are all older than the half-life
            series[(p.actor_id, p.issue)].append(p)
    out = []
    for (key, issue), pts in series.items():
        pts.sort(key=lambda p: (p.start, p.end))
        means = [_weighted_mean(p.statement_ids, by_id) for p in pts]
        found = change_points(means, [p.n_statements for p in pts], min_change)
        bounds = [0] + [k for k, _, _ in found] + [len(pts)]
        for j, (k, before, after) in enumerate(found):
            segments = [[by_id[i] for p in pts[lo:hi] for i in p.statement_ids]
                        for lo, hi in ((bounds[j], k), (k, bounds[j + 2]))]
            probability = shift_probability(*segments)
            if probability < SHIFT_PROBABILITY:
                continue
            out.append(Shift(actor_id=key, actor=pts[k].actor, issue=issue, before=before, after=after,
                             date=pts[k].period, before_ids=pts[k - 1].statement_ids[-2:],
                             after_ids=pts[k].statement_ids[:2], probability=probability))
    return sorted(out, key=lambda s: (s.actor, s.issue, s.date))


def ancestors(group: str | None, parents: Mapping[str, str]) -> list[str]:
    """``group`` and every group above it (cycles are cut)."""
    out: list[str] = []
    while group and group not in out:
        out.append(group)
        group = parents.get(group)
    return out


def _disagreements(points: Sequence[PositionPoint], members: Mapping[str, set[str]]) -> list[Disagreement]:
    by_key: dict[tuple[str, str], list[PositionPoint]] = defaultdict(list)
    for p in points:
        by_key[(p.issue, p.period)].append(p)
    out = []
    for group, people in sorted(members.items()):
        for (issue, period), pts in sorted(by_key.items()):
            favor = tuple(sorted(p.actor for p in pts if p.actor_id in people and leaning(p.score) == "favor"))
            against = tuple(sorted(p.actor for p in pts if p.actor_id in people and leaning(p.score) == "against"))
            if favor and against:
                out.append(Disagreement(group, issue, period, favor, against))
    return out


def aggregate(
    predictions: Sequence[StancePrediction],
    period: str = "month",
    parents: Mapping[str, str] | None = None,
    n_documents: int | None = None,
) -> Positions:
    """Positions, roll-ups, shifts and disagreements from stance predictions.

    ``period`` is ``day``, ``week``, ``month``, ``quarter`` or ``year``, or
    ``decay:DAYS`` for a moving window: monthly positions from all earlier
    statements with a half-life of DAYS (n_statements then counts the
    statements younger than one half-life).

    ``parents`` maps a group to the group above it (``Government of
    Pakistan`` -> ``Pakistan``); a person's statements count toward their
    affiliation and every group above it.  An actor that is itself a group
    (a government speaking) counts toward its own roll-up.  A statement its
    speaker took back within the same period (before the speaker's own
    shift) does not count toward the groups' points for that period.
    """
    parents = parents or {}
    preds = tuple(sorted(predictions, key=time_key))
    names = {p.statement.actor_id: p.statement.actor for p in preds}

    def own(p: StancePrediction) -> list[str]:
        return [p.statement.actor_id]

    group_names = ({p.statement.actor for p in preds}
                   | {p.statement.affiliation for p in preds if p.statement.affiliation})

    def groups(p: StancePrediction) -> list[str]:
        return group_chain(p, parents)

    members: dict[str, set[str]] = defaultdict(set)
    for p in preds:
        for g in groups(p):
            if g != p.statement.actor:
                members[g].add(p.statement.actor_id)

    half_life = decay_days(period)
    own_shifts = _shifts(own, preds, names)
    if half_life is None:
        points = _points(own, preds, period, names)
        gone = _superseded(preds, own_shifts, period)
        group_points = _points(groups, [p for p in preds if (p.statement.statement_id, p.issue) not in gone], period,
                               {g: g for g in group_names | set(parents)})
    else:
        points = _decayed_points(own, preds, half_life, names)
        group_points = _decayed_points(groups, preds, half_life, {g: g for g in group_names | set(parents)})
    by_issue_id: dict[str, dict[str, StancePrediction]] = {}
    for p in preds:
        by_issue_id.setdefault(p.issue, {})[p.statement.statement_id] = p
    shifts = own_shifts + [
        s for issue, by_id in by_issue_id.items()
        for s in _group_shifts([g for g in group_points if g.issue == issue], by_id)]
    dated = [p.statement.date for p in preds if p.statement.date]
    statement_ids = {p.statement.statement_id for p in preds}
    corpus = CorpusSummary(
        n_documents=(n_documents if n_documents is not None
                     else len({s for p in preds for s in p.statement.all_sources})),
        n_statements=len(statement_ids),
        n_scored=len(preds),
        n_undated=len({p.statement.statement_id for p in preds if p.statement.date is None}),
        first_date=str(min(dated)) if dated else None,
        last_date=str(max(dated, key=lambda d: d.end())) if dated else None,
    )
    return Positions(preds, tuple(points), tuple(group_points), tuple(shifts),
                     tuple(_disagreements(points, members)), corpus, period)


@dataclass(frozen=True)
class Current:
    """The latest position of one actor (or group) on one issue."""

    text: str
    """In words: ``against since 2021-06 (4 statements, 3 sources)``."""
    leaning: str
    """favor, against, neutral, or none when no statement is dated."""
    score: float | None
    since: str | None = None
    n_statements: int = 0
    n_sources: int = 0


def current_position(preds: Sequence[StancePrediction], shifts: Sequence[Shift] | None = None) -> Current:
    """The position since the latest shift of one actor-issue series.

    ``shifts`` are the series' shifts as :func:`aggregate` found them; when
    None they are searched for here, statement by statement.
    """
    dated = sorted((p for p in preds if p.statement.date), key=time_key)
    return current_of_dated(dated, len(preds) - len(dated), shifts)


def current_of_dated(dated: Sequence[StancePrediction], n_undated: int,
                     shifts: Sequence[Shift] | None = None) -> Current:
    """:func:`current_position` of a series whose dated statements are already picked out and in time order
    (the order ``sorted(..., key=time_key)`` gives them), with ``n_undated`` undated ones beside them: for a
    caller that holds its series sorted (the report's view model), so that none is sorted twice."""
    if not dated:
        return Current(f"no dated statements ({n_undated} undated)", "none", None)
    if shifts is None:
        cut = detect_shifts(dated)
        start = cut[-1][0] if cut else 0
    else:
        after = {s.after_ids[0] for s in shifts if s.after_ids}
        # the last statement that opens one of the shifts (an id listed twice counts where it comes last)
        start = max((i for i, p in enumerate(dated) if p.statement.statement_id in after), default=0) if after else 0
    tail = dated[start:]
    score, _, _ = position(tail)
    sts = [p.statement for p in tail]  # their sources (each one's all_sources), gathered at C speed
    sources = {st.doc_id for st in sts if not st.sources}.union(*[st.sources for st in sts if st.sources])
    n, since = len(tail), str(tail[0].statement.date)
    text = (f"{leaning(score)} since {since} "
            f"({n} statement{'s' * (n != 1)}, {len(sources)} source{'s' * (len(sources) != 1)})")
    return Current(text, leaning(score), score, since, n, len(sources))
