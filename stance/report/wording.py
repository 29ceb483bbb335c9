"""The sentences every rendering of the report shares: counts, scores, what a chart's score means.

HTML and Markdown print the same words, so a number read on one page is the number read on another.
"""

from __future__ import annotations

from collections.abc import Sequence

from stance.positions.aggregate import PRIOR, Current
from stance.positions.periods import decay_days
from stance.records import PositionPoint, StancePrediction

CLASSES = 3
"""favor, against, neutral: each starts with :data:`~stance.positions.aggregate.PRIOR` pseudo-statements."""


def plural(n: int, word: str) -> str:
    """``1 statement``, ``2 statements``."""
    return f"{n} {word}{'s' * (n != 1)}"


def ceiling(n: int) -> float:
    """The score of ``n`` statements all on one side at full confidence: the prior's ``3 × 0.5``
    pseudo-statements keep it short of 1.

    >>> round(ceiling(1), 2), round(ceiling(4), 2), round(ceiling(20), 2)
    (0.4, 0.73, 0.93)
    """
    return n / (n + CLASSES * PRIOR)


def period_word(period: str) -> str:
    """What one point of the line covers: ``month`` for ``month``; a moving window says so."""
    days = decay_days(period)
    if days is None:
        return period
    return f"month (all earlier statements, weights halving every {days:g} days)"


def period_unit(period: str) -> str:
    """The one word for a point's period: ``month`` for ``month`` and for a moving window (monthly points)."""
    return period_word(period).split()[0]


def chart_caption(name: str, points: Sequence[PositionPoint], period: str) -> str:
    """One sentence under a chart: what the score is, and why few statements keep it near neutral, with this
    actor's numbers (its busiest period's count and what that count can reach at most)."""
    n = max((p.n_statements for p in points), default=0)
    most = (f"{name}'s busiest {period_unit(period)} has {plural(n, 'statement')}, and "
            f"{plural(n, 'statement')} all on one side at full confidence would score only ±{ceiling(n):.2f}")
    return (f"The line is the score in each {period_word(period)}: the balance of favor (+1) over against (-1) "
            "in its statements, each weighted by the model's confidence; it starts at neutral (0) and moves with "
            f"each statement, so few statements keep it near 0 ({most}).")


def interval(low: float, high: float) -> str:
    """``95% interval -0.98 to -0.40``."""
    return f"95% interval {low:+.2f} to {high:+.2f}"


def latest_text(points: Sequence[PositionPoint]) -> str:
    """``Latest score -0.69 (2017-10; 95% interval -0.98 to -0.40; 4 statements).`` (empty without points)."""
    if not points:
        return ""
    p = max(points, key=lambda q: (q.end, q.start))
    return (f"Latest score {p.score:+.2f} ({p.period}; {interval(p.low, p.high)}; "
            f"{plural(p.n_statements, 'statement')}).")


def current_text(cur: Current, shift_date: str | None) -> str:
    """``Current score -0.47, from the 1 statement since the shift of 2017-10-20.`` (empty when undated)."""
    if cur.score is None:
        return ""
    basis = (f"the {plural(cur.n_statements, 'statement')} since the shift of {shift_date}" if shift_date
             else f"all {plural(cur.n_statements, 'dated statement')}" if cur.n_statements > 1
             else "its one dated statement")
    return f"Current score {cur.score:+.2f}, from {basis}."


def summary(base: str, total: int, current: int, undated: int) -> str:
    """A current position in words with the count of every statement behind the page's list:
    ``against since 2017-10-20 (1 statement, 1 source); 2 in all`` when the list holds more than the
    position rests on (statements before the latest shift, or undated ones)."""
    if total == current or current == 0:
        return base
    return f"{base}; {total} in all" + (f" ({undated} undated)" if undated else "")


def checked_text(checked: int, labels: int) -> str:
    """``3 of 7 labels checked by a person``."""
    return f"{checked} of {plural(labels, 'label')} checked by a person"


def checked_mark(p: StancePrediction) -> str:
    """``checked by coder-1`` for a label a reviewer set, else empty."""
    return f"checked by {p.checked_by}" if p.checked_by else ""
