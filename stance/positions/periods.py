"""Periods of time: which period holds a date, moving windows, and date-range filters.

Dates keep their precision (:class:`~stance.records.PartialDate`): a date known
only to the month is never given a day.
"""

from __future__ import annotations

import datetime as _dt
import math
import re

from stance.records import PartialDate

PERIODS = ("day", "week", "month", "quarter", "year")
_GRANULARITY = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}
_PRECISION_GRANULARITY = {"day": 0, "month": 2, "year": 4}


def period_of(date: PartialDate, period: str) -> tuple[str, _dt.date, _dt.date]:
    """The label, first and last day of the period holding ``date``.

    A date less precise than the period keeps its own precision: a date known
    only to the month falls in that month even when periods are weeks, so no
    day is invented.
    """
    if period not in _GRANULARITY:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, found {period!r}")
    g = max(_GRANULARITY[period], _PRECISION_GRANULARITY[date.precision])
    if g == 0:
        d = date.start()
        return d.isoformat(), d, d
    if g == 1:
        d = date.start()
        monday = d - _dt.timedelta(days=d.weekday())
        iso = monday.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", monday, monday + _dt.timedelta(days=6)
    if g == 2:
        m = PartialDate(date.year, date.month)
        return str(m), m.start(), m.end()
    if g == 3:
        if date.month is None:  # a year-only date has granularity 4
            raise ValueError(f"period_of: {date} has no month for a quarter")
        q = (date.month - 1) // 3
        first = _dt.date(date.year, 3 * q + 1, 1)
        last = PartialDate(date.year, 3 * q + 3).end()
        return f"{date.year}-Q{q + 1}", first, last
    return str(date.year), _dt.date(date.year, 1, 1), _dt.date(date.year, 12, 31)


_WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")
_QUARTER_LABEL = re.compile(r"^(\d{4})-Q([1-4])$")


def label_bounds(label: str) -> tuple[_dt.date, _dt.date]:
    """The first and last day of a period label as :func:`period_of` writes it (``2024-Q2``: 2024-04-01 to
    2024-06-30; ``2024-W05``; ``2024-03``; ``2024-03-05``; ``2024``)."""
    week = _WEEK_LABEL.match(label)
    if week:
        monday = _dt.date.fromisocalendar(int(week[1]), int(week[2]), 1)
        return monday, monday + _dt.timedelta(days=6)
    quarter = _QUARTER_LABEL.match(label)
    if quarter:
        year, q = int(quarter[1]), int(quarter[2])
        return _dt.date(year, 3 * q - 2, 1), PartialDate(year, 3 * q).end()
    date = PartialDate.parse(label)
    return date.start(), date.end()


def decay_days(period: str) -> float | None:
    """The half-life of ``decay:DAYS`` periods (a moving window), else None; ValueError unless DAYS is a
    finite number above 0 (``decay:0``, ``decay:-1``, ``decay:nan``, ``decay:inf`` are refused).

    >>> decay_days("decay:90"), decay_days("decay:0.5"), decay_days("month")
    (90.0, 0.5, None)
    """
    if not period.startswith("decay:"):
        return None
    try:
        days = float(period.split(":", 1)[1])
    except ValueError:
        days = 0.0
    if not math.isfinite(days) or days <= 0:
        raise ValueError(f"a moving window is written decay:DAYS with DAYS > 0 (the half-life), found {period!r}")
    return days


def overlaps(first: _dt.date, last: _dt.date, since: PartialDate | None, until: PartialDate | None) -> bool:
    """Whether the days ``first``..``last`` can fall in [``since``, ``until``] (either may be open).

    The one date filter of statements (their date's first and last day) and of
    position points (their period's).  ``since=2018-02`` keeps January-March 2018
    (a quarter that reaches into February) and drops December 2017:

    >>> q1 = (_dt.date(2018, 1, 1), _dt.date(2018, 3, 31))
    >>> overlaps(*q1, PartialDate(2018, 2), None), overlaps(*q1, None, PartialDate(2017, 12))
    (True, False)
    """
    return (since is None or last >= since.start()) and (until is None or first <= until.end())
