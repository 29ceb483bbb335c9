"""Inline SVG charts of stance over time: x is time, y runs from -1 (against) to +1 (favor).

Plain SVG markup styled by the page's CSS classes: no script, no external
reference.  A date known only to the month or year is drawn at its midpoint
with a whisker over the days it can mean, so no day is invented.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from stance.positions.periods import label_bounds
from stance.records import PositionPoint, Shift, StancePrediction

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 58, 12, 10, 24
MAX_TICKS = 10
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22")
DASHES = ("", "6 3", "2 3")


@dataclass(frozen=True)
class Frame:
    """Maps dates (as day ordinals) and stance values to pixels."""

    lo: int
    hi: int

    def x(self, day: _dt.date) -> float:
        return LEFT + (day.toordinal() - self.lo) / (self.hi - self.lo) * (WIDTH - LEFT - RIGHT)

    @staticmethod
    def y(value: float) -> float:
        return TOP + (1 - value) / 2 * (HEIGHT - TOP - BOTTOM)


NO_DATES = '<p class="meta">No dated statements to chart.</p>'


def frame(days: Iterable[_dt.date]) -> Frame | None:
    """A frame holding every day of ``days`` with a little padding (None without days)."""
    ords = [d.toordinal() for d in days]
    if not ords:
        return None
    lo, hi = min(ords), max(ords)
    pad = max(10, (hi - lo) // 40)
    return Frame(lo - pad, hi + pad)


def series_style(index: int) -> tuple[str, str]:
    """(colour, dash pattern) of the ``index``-th line of a multi-line chart."""
    return PALETTE[index % len(PALETTE)], DASHES[(index // len(PALETTE)) % len(DASHES)]


def _month_index(day: _dt.date) -> int:
    return day.year * 12 + day.month - 1


def ticks(fr: Frame) -> list[tuple[_dt.date, str]]:
    """Year ticks, or month ticks when the range is shorter than three years."""
    lo, hi = _dt.date.fromordinal(fr.lo), _dt.date.fromordinal(fr.hi)
    if (hi - lo).days > 3 * 365:
        years = [y for y in range(lo.year, hi.year + 1) if lo <= _dt.date(y, 1, 1) <= hi]
        step = math.ceil(len(years) / MAX_TICKS)
        return [(_dt.date(y, 1, 1), str(y)) for y in years if (y - years[0]) % step == 0]
    months = [m for m in range(_month_index(lo), _month_index(hi) + 1)
              if lo <= _dt.date(m // 12, m % 12 + 1, 1) <= hi]
    if not months:
        mid = lo + (hi - lo) / 2
        return [(mid, f"{mid.year:04d}-{mid.month:02d}")]
    step = next((s for s in (1, 2, 3, 6, 12) if len(months) / s <= MAX_TICKS), 12)
    return [(_dt.date(m // 12, m % 12 + 1, 1), f"{m // 12:04d}-{m % 12 + 1:02d}") for m in months if m % step == 0]


def _axes(fr: Frame) -> list[str]:
    parts = []
    for value, label in ((1.0, "favor"), (0.0, "neutral"), (-1.0, "against")):
        y = fr.y(value)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="yl" x="{LEFT - 4}" y="{y + 3:.1f}">{label}</text>')
    base = HEIGHT - BOTTOM
    for day, label in ticks(fr):
        x = fr.x(day)
        parts.append(f'<line class="tick" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{base + 4}"/>'
                     f'<text class="xl" x="{x:.1f}" y="{HEIGHT - 6}">{label}</text>')
    return parts


def _open(label: str) -> str:
    return f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">'


def _trace(points: Sequence[PositionPoint], fr: Frame, attr: str) -> list[tuple[float, float]]:
    """Pixel path through period midpoints, held flat to the first period's start and the last one's end."""
    pts = sorted(points, key=PositionPoint.midpoint)
    path = [(fr.x(pts[0].start), fr.y(getattr(pts[0], attr)))]
    path += [(fr.x(p.midpoint()), fr.y(getattr(p, attr))) for p in pts]
    path.append((fr.x(pts[-1].end), fr.y(getattr(pts[-1], attr))))
    return path


def _coords(path: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in path)


def _position(points: Sequence[PositionPoint], fr: Frame) -> list[str]:
    if not points:
        return []
    band = _trace(points, fr, "high") + _trace(points, fr, "low")[::-1]
    return [f'<polygon class="band" points="{_coords(band)}"/>',
            f'<polyline class="pos" points="{_coords(_trace(points, fr, "score"))}"/>']


def _statement(p: StancePrediction, fr: Frame) -> str:
    """A circle (radius by confidence, class by stance) with a whisker for a month or year date."""
    st = p.statement
    date = st.date
    if date is None:
        raise ValueError(f"_statement: expected a dated statement, found {st.statement_id!r} undated")
    y = fr.y(p.value)
    x = fr.x(date.midpoint())
    whisker = ""
    if date.precision != "day":
        whisker = (f'<line class="wh" x1="{fr.x(date.start()):.1f}" x2="{fr.x(date.end()):.1f}" '
                   f'y1="{y:.1f}" y2="{y:.1f}"/>')
    quote = st.quote.text if len(st.quote.text) <= 140 else st.quote.text[:139] + "…"
    tip = f"{date} · {st.actor} · {p.stance} ({p.confidence:.2f}): {quote}"
    return (f'{whisker}<circle class="stmt {escape(p.stance)}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{2.5 + 4 * p.confidence:.1f}"><title>{escape(tip)}</title></circle>')


def _shift_marker(s: Shift, fr: Frame) -> str:
    first, last = label_bounds(s.date)
    x = fr.x(first + (last - first) / 2)
    tip = f"shift {s.direction} at {s.date}: {s.before:+.2f} → {s.after:+.2f}"
    return (f'<line class="shift" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{HEIGHT - BOTTOM}">'
            f"<title>{escape(tip)}</title></line>")


def timeline_svg(preds: Sequence[StancePrediction], points: Sequence[PositionPoint],
                 shifts: Sequence[Shift] = (), label: str = "stance over time") -> str:
    """One actor on one issue: a circle per dated statement, the position line and band, shift markers."""
    dated = [p for p in preds if p.statement.date]
    dates = [p.statement.date for p in dated if p.statement.date is not None]
    days = [d for date in dates for d in (date.start(), date.end())]
    fr = frame(days + [d for pt in points for d in (pt.start, pt.end)])
    if fr is None:
        return NO_DATES
    parts = [_open(label), *_axes(fr), *_position(points, fr)]
    parts += [_shift_marker(s, fr) for s in shifts]
    parts += [_statement(p, fr) for p in dated]
    parts.append("</svg>")
    return "".join(parts)


def issue_svg(series: Sequence[tuple[str, Sequence[PositionPoint]]], label: str = "positions over time") -> str:
    """Every actor's position line on one issue; the ``i``-th series is drawn in :func:`series_style` ``(i)``."""
    fr = frame(d for _, pts in series for pt in pts for d in (pt.start, pt.end))
    if fr is None:
        return NO_DATES
    parts = [_open(label), *_axes(fr)]
    for i, (name, pts) in enumerate(series):
        if not pts:
            continue
        colour, dash = series_style(i)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline class="ser" stroke="{colour}"{dash_attr} points="{_coords(_trace(pts, fr, "score"))}">'
                     f"<title>{escape(name)}</title></polyline>")
    parts.append("</svg>")
    return "".join(parts)
