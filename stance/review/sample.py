"""Which labels a person should check: the model's least certain ones, spread over every issue and
every actor.

**Uncertainty.**  A label's uncertainty is ``1 - (confidence + margin) / 2``, where ``confidence`` is
the model's probability of its stance and ``margin`` the gap between its two highest ``scores``
(without scores, the rest of the probability is taken as split evenly over the other two stances).
Scores favor .45, against .40, neutral .15 give margin .05 and uncertainty 1 - (.45 + .05) / 2 = .75;
scores .90, .06, .04 give margin .84 and uncertainty 1 - (.90 + .84) / 2 = .13.  The most uncertain
label possible, three equal scores, has uncertainty 1 - (1/3 + 0) / 2 = 5/6.

**The scheme** (:func:`sample_labels`).  Labels already checked are left out.  The rest are ranked by
uncertainty, most uncertain first; equal uncertainties are ordered at random by the seed.  Picks
then go, until ``n`` are picked:

1. *every issue*: issues in the order of their most uncertain label, each gets its most uncertain
   label of an actor not picked yet (else its most uncertain label);
2. *every actor*: actors not picked yet, in the order of their most uncertain label, each gets its
   most uncertain label on the issue with the fewest picks so far;
3. *balance*: one at a time, the issue with the fewest picks (ties: the one with the most uncertain
   label left) gets the label of its actor with the fewest picks (ties: the most uncertain).

So no issue or actor is left out while ``n`` allows, no issue gets a second round before every issue
has had one, and no actor gets more picks on an issue than another actor with labels left on it.

Worked example, ``n = 5``, labels (actor, uncertainty) on *bases*: A .8, A .7, B .6, C .2, and on
*drones*: A .5, A .4.  Step 1 picks A .8 on bases (the issue with the most uncertain label), then A .5
on drones (A is its only actor).  Step 2 picks B .6 and C .2 on bases (B and C were not picked; bases is
their only issue).  Step 3 gives the fifth pick to drones (1 pick against bases' 3): A .4.  A .7 on
bases, though more uncertain than A .4, is not picked: bases and A have their share.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Collection, Sequence

from stance.records import STANCES, StancePrediction


def uncertainty(p: StancePrediction) -> float:
    """``1 - (confidence + margin) / 2``, in [0, 1], rounded to 6 places (see the module docstring)."""
    scores = sorted(p.scores.values(), reverse=True)
    if len(scores) >= 2:
        margin = scores[0] - scores[1]
    else:
        margin = p.confidence - (1.0 - p.confidence) / (len(STANCES) - 1)
    return round(min(1.0, max(0.0, 1.0 - (p.confidence + margin) / 2)), 6)


def sample_labels(predictions: Sequence[StancePrediction], n: int, *, seed: int = 13,
                  checked: Collection[tuple[str, str]] = ()) -> list[StancePrediction]:
    """Up to ``n`` labels to check, in the order picked (the scheme of the module docstring);
    ``checked``: (statement id, issue) labels already corrected, left out.  The same labels and seed
    give the same sample, whatever their order."""
    if n < 1:
        return []
    seen = set(checked)
    pool = []
    for p in sorted(predictions, key=_label):
        if _label(p) not in seen:
            seen.add(_label(p))
            pool.append(p)
    rng = random.Random(seed)
    draws = [rng.random() for _ in pool]
    ranked = [pool[k] for k in sorted(range(len(pool)), key=lambda k: (-uncertainty(pool[k]), draws[k]))]
    return [ranked[rank] for rank in _Picker(ranked).pick(n)]


def _label(p: StancePrediction) -> tuple[str, str]:
    return (p.statement.statement_id, p.issue)


class _Picker:
    """The three steps over labels ranked most uncertain first (rank = index)."""

    def __init__(self, ranked: list[StancePrediction]) -> None:
        self.ranked = ranked
        self.cells: dict[tuple[str, str], deque[int]] = {}
        self.actors_of: dict[str, list[str]] = {}
        self.issues_of: dict[str, list[str]] = {}
        for rank, p in enumerate(ranked):
            cell = (p.issue, p.statement.actor_id)
            if cell not in self.cells:
                self.cells[cell] = deque()
                self.actors_of.setdefault(cell[0], []).append(cell[1])
                self.issues_of.setdefault(cell[1], []).append(cell[0])
            self.cells[cell].append(rank)
        self.issue_picks = dict.fromkeys(self.actors_of, 0)
        self.actor_picks = dict.fromkeys(self.issues_of, 0)
        self.picked: list[int] = []

    def pick(self, n: int) -> list[int]:
        for issue in sorted(self.actors_of, key=self._best_of_issue):
            fresh = [a for a in self.actors_of[issue] if not self.actor_picks[a]] or self.actors_of[issue]
            self._take(issue, min(fresh, key=lambda a: self._head(issue, a)), n)
        for actor in sorted(self.issues_of, key=self._best_of_actor):
            if not self.actor_picks[actor]:
                issue = min(self.issues_of[actor], key=lambda i: (self.issue_picks[i], self._head(i, actor)))
                self._take(issue, actor, n)
        while len(self.picked) < n:
            open_issues = [i for i in self.actors_of if self._best_of_issue(i) < len(self.ranked)]
            if not open_issues:
                break
            issue = min(open_issues, key=lambda i: (self.issue_picks[i], self._best_of_issue(i)))
            actor = min((a for a in self.actors_of[issue] if self._head(issue, a) < len(self.ranked)),
                        key=lambda a: (self.actor_picks[a], self._head(issue, a)))
            self._take(issue, actor, n)
        return self.picked

    def _head(self, issue: str, actor: str) -> int:
        """The rank of the most uncertain label left in the cell (past the end: none left)."""
        cell = self.cells[(issue, actor)]
        return cell[0] if cell else len(self.ranked)

    def _best_of_issue(self, issue: str) -> int:
        return min(self._head(issue, a) for a in self.actors_of[issue])

    def _best_of_actor(self, actor: str) -> int:
        return min(self._head(i, actor) for i in self.issues_of[actor])

    def _take(self, issue: str, actor: str, n: int) -> None:
        cell = self.cells[(issue, actor)]
        if len(self.picked) >= n or not cell:
            return
        self.picked.append(cell.popleft())
        self.issue_picks[issue] += 1
        self.actor_picks[actor] += 1
