"""Inline SVG charts of stance over time: x is time, y the score from -1 (against) to +1 (favor).

Plain SVG styled by :data:`CHART_CSS` (the page includes it; a downloaded chart carries it): no script, no
external reference.  Every chart has a ``<title>`` and a ``<desc>``, a numeric y-axis, a legend, and a time
axis (:class:`Frame`) its caller shares between the charts of one page.  The position line breaks where a
period has no statement.  A statement is a mark at its stance (▲ favor at +1, ● neutral at 0, ▼ against at
-1; colour-blind-safe colours), sized by confidence and spread by :func:`~stance.report.swarm.place` so none
hides another; a date known only to the month or year has a whisker over the days it can mean, so no day is
invented.
"""

from __future__ import annotations

import base64
import datetime as _dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from stance.positions.periods import label_bounds
from stance.records import PartialDate, PositionPoint, Shift, StancePrediction
from stance.report.swarm import Mark, place

WIDTH = 720
LEFT, RIGHT, BOTTOM = 70, 74, 26
MAX_TICKS = 10
COLOURS = {"favor": "#0072b2", "against": "#d55e00", "neutral": "#6e6e6e"}
"""Okabe-Ito blue and vermillion, and a grey: told apart with any colour vision, and by shape too."""
SHAPES = {"favor": "▲", "against": "▼", "neutral": "●"}
"""Each stance's mark, also named in its tooltip."""
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000", "#f0e442",
           "#8c564b", "#7f7f7f")
DASHES = ("", "6 3", "2 3")
Y_TICKS = ((1.0, "+1 favor"), (0.5, "+0.5"), (0.0, "0 neutral"), (-0.5, "-0.5"), (-1.0, "-1 against"))
SVG_NS = "http://www.w3.org/2000/svg"
"""Named only in a downloaded chart: a page's inline SVG needs no namespace (and names no address)."""
CHAR = 5.6
"""Average width of a 10px label character, to lay labels out without measuring text."""

CHART_CSS = f"""
.chart{{width:100%;max-width:{WIDTH}px;height:auto;display:block}}
.chart text{{font:10px system-ui,sans-serif;fill:#444}}
.chart .grid{{stroke:#e6e6e6}}.chart .axis{{stroke:#888}}.chart .yl{{text-anchor:end}}.chart .xl{{text-anchor:middle}}
.chart .band{{fill:#8fa3ad;fill-opacity:.3}}.chart .pos{{fill:none;stroke:#263238;stroke-width:2}}
.chart .now{{stroke:#263238;stroke-width:2;stroke-dasharray:1 3;stroke-linecap:round}}
.chart .nowl{{font-weight:bold;fill:#263238}}.chart .shift{{stroke:#6a1b9a;stroke-dasharray:4 3}}
.chart .shiftl{{fill:#6a1b9a}}.chart .wh{{stroke:#999}}.chart .ser{{fill:none;stroke-width:2}}
.chart .stmt,.chart .key{{fill-opacity:.8;stroke:#fff;stroke-width:.5}}.chart .edge{{fill:none}}
.chart .favor{{fill:{COLOURS['favor']}}}.chart .against{{fill:{COLOURS['against']}}}\
.chart .neutral{{fill:{COLOURS['neutral']}}}
.chart .congruence{{stroke:{COLOURS['favor']}}}.chart .conflict{{stroke:{COLOURS['against']};stroke-dasharray:5 3}}
.chart .node{{fill:#fff;stroke:#263238;stroke-width:1.5}}
"""
"""The charts' own styles: on every page, and inside every downloaded chart."""


@lru_cache(maxsize=1 << 14)
def _esc(text: str) -> str:
    """``html.escape``, memoised for the names and stances every mark repeats."""
    return escape(text)


@dataclass(frozen=True)
class Frame:
    """A time range (day ordinals), shared by every chart of a page so their x-axes line up."""

    lo: int
    hi: int


@dataclass(frozen=True)
class Plot:
    """Maps dates and scores to pixels for one chart: a frame, the plot's top and its height."""

    frame: Frame
    top: float
    height: float

    def x(self, day: _dt.date) -> float:
        return LEFT + (day.toordinal() - self.frame.lo) / (self.frame.hi - self.frame.lo) * (WIDTH - LEFT - RIGHT)

    def y(self, value: float) -> float:
        return self.top + (1 - value) / 2 * self.height

    @property
    def base(self) -> float:
        return self.top + self.height


NO_DATES = '<p class="meta">No dated statements to chart.</p>'


def frame(days: Iterable[_dt.date]) -> Frame | None:
    """A frame holding every day of ``days`` with a little padding (None without days)."""
    ords = [d.toordinal() for d in days]
    if not ords:
        return None
    lo, hi = min(ords), max(ords)
    pad = max(10, (hi - lo) // 40)
    return Frame(lo - pad, hi + pad)


def days_of(preds: Iterable[StancePrediction], points: Iterable[PositionPoint]) -> list[_dt.date]:
    """The first and last day of the dated statements and of every period: what a shared frame must hold."""
    span = date_range(preds)
    return [*(span or ())] + [d for pt in points for d in (pt.start, pt.end)]


def date_range(preds: Iterable[StancePrediction]) -> tuple[_dt.date, _dt.date] | None:
    """(first, last) of the days the dated statements of ``preds`` can mean; None when none is dated."""
    dates = [d for p in preds if (d := p.statement.date) is not None]
    if not dates:
        return None
    return min(d.start() for d in dates), max(d.start() if d.day is not None else d.end() for d in dates)


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


def _axes(plot: Plot) -> list[str]:
    """The y-axis (-1 against to +1 favor, ticks every 0.5, labelled) and the time axis, with gridlines."""
    parts = ['<g class="axes">']
    for value, label in Y_TICKS:
        y = plot.y(value)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<line class="axis" x1="{LEFT - 4}" x2="{LEFT}" y1="{y:.1f}" y2="{y:.1f}"/>'
                     f'<text class="yl" x="{LEFT - 6}" y="{y + 3:.1f}">{label}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{plot.top}" y2="{plot.base}"/>'
                 f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{plot.base}" y2="{plot.base}"/>')
    for day, label in ticks(plot.frame):
        x = plot.x(day)
        parts.append(f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{plot.base}" y2="{plot.base + 4}"/>'
                     f'<text class="xl" x="{x:.1f}" y="{plot.base + 16}">{label}</text>')
    parts.append("</g>")
    return parts


def _open(height: float, title: str, desc: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {height:.0f}" '
            f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>')


def _segments(points: Sequence[PositionPoint]) -> list[list[PositionPoint]]:
    """The points in time order, cut where a period with no statement lies between two points."""
    runs: list[list[PositionPoint]] = []
    for p in sorted(points, key=lambda q: (q.start, q.end)):
        if runs and (p.start - runs[-1][-1].end).days <= 1:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs


def _xs(run: Sequence[PositionPoint], plot: Plot) -> list[float]:
    """Where :func:`_trace` puts one run's points: its first period's start, each midpoint, its last one's end."""
    return [plot.x(run[0].start), *(plot.x(p.midpoint()) for p in run), plot.x(run[-1].end)]


def _trace(run: Sequence[PositionPoint], plot: Plot, attr: str,
           xs: Sequence[float] | None = None) -> list[tuple[float, float]]:
    """Pixel path through one run's period midpoints, held flat to its first period's start and last one's end."""
    ys = [plot.y(getattr(p, attr)) for p in run]
    return list(zip(xs or _xs(run, plot), [ys[0], *ys, ys[-1]]))


def _coords(path: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in path)


def _edge(run: Sequence[PositionPoint], xs: Sequence[str], plot: Plot, attr: str) -> list[str]:
    """``x,y`` of :func:`_trace` for one run, its xs already written."""
    ys = [f"{plot.y(getattr(p, attr)):.1f}" for p in run]
    return [f"{x},{y}" for x, y in zip(xs, [ys[0], *ys, ys[-1]])]


def _position(points: Sequence[PositionPoint], plot: Plot) -> list[str]:
    """The band (95% interval) and the line (score), one piece per run of adjacent periods."""
    parts = []
    for run in _segments(points):
        xs = [f"{x:.1f}" for x in _xs(run, plot)]  # written once for the band's two edges and the line
        band = _edge(run, xs, plot, "high") + _edge(run, xs, plot, "low")[::-1]
        parts += [f'<polygon class="band" points="{" ".join(band)}"/>',
                  f'<polyline class="pos" points="{" ".join(_edge(run, xs, plot, "score"))}"/>']
    return parts


def _shape(stance: str, x: float, y: float, r: float) -> tuple[str, str]:
    """(element name, geometry attributes): ▲ favor, ▼ against, ● neutral; a triangle's area about the circle's."""
    if stance == "neutral":
        return "circle", f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    t = r * 1.35
    tip, foot = (-t, t / 2) if stance == "favor" else (t, -t / 2)
    half = t * 0.866
    base = f"{y + foot:.1f}"
    return "path", f'd="M{x:.1f} {y + tip:.1f}L{x + half:.1f} {base}L{x - half:.1f} {base}Z"'


SIDE = {"favor": 1, "against": -1}
"""Which way a mark may leave its lane's line: favor marks (at the top) down, against marks up, neutral either."""
MAX_MARKS = 400
"""More statements than this on one chart are not drawn one by one (they could not be told apart): the
chart says so, and the page's list still has each."""


def radius(confidence: float) -> float:
    """A statement's mark: 2.5 pixels at confidence 0, 6 at confidence 1."""
    return 2.5 + 3.5 * max(0.0, min(1.0, confidence))


def _statements(preds: Sequence[StancePrediction], plot: Plot,
                link: Callable[[str], str] | None) -> tuple[list[str], int]:
    """A mark per dated statement (linked to ``link(statement_id)`` when given); how many found no room."""
    spans: dict[PartialDate, tuple[float, float, float, str, bool]] = {}
    """A date's midpoint, first and last day in pixels, its text and whether it is one day: once per date."""
    lanes: dict[str, tuple[float, int, str]] = {}
    """A stance's line in pixels, the way its marks may leave it, and its text (escaped)."""
    at, marks = [], []
    for p in preds:
        date = p.statement.date
        if date is None:
            raise ValueError(f"_statements: expected a dated statement, found {p.statement.statement_id!r} undated")
        span = spans.get(date)
        if span is None:
            span = spans[date] = (plot.x(date.midpoint()), plot.x(date.start()), plot.x(date.end()), str(date),
                                  date.precision == "day")
        lane = lanes.get(p.stance)
        if lane is None:
            lane = lanes[p.stance] = (plot.y(p.value), SIDE.get(p.stance, 0), _esc(p.stance))
        at.append(span)
        marks.append(Mark(span[0], lane[0], radius(p.confidence), lane[1]))
    placed = place(marks, limit=plot.height / 4 - radius(1.0) - 1)
    parts = []
    for p, (_, first, last, day, exact), m, (x, y) in zip(preds, at, marks, placed.centres):
        st = p.statement
        if not exact:
            parts.append(f'<line class="wh" x1="{first:.1f}" x2="{last:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>')
        checked = f", checked by {_esc(p.checked_by)}" if p.checked_by else ""
        stance = lanes[p.stance][2]
        tag, geometry = _shape(p.stance, x, y, m.r)
        mark = (f'<{tag} class="stmt {stance}" {geometry}><title>{day} · {_esc(st.actor)} · '
                f'{SHAPES.get(p.stance, "")} {stance} (confidence {p.confidence:.2f}{checked})</title></{tag}>')
        parts.append(f'<a href="{escape(link(st.statement_id))}">{mark}</a>' if link else mark)
    return parts, placed.crowded


def _label_rows(items: Sequence[tuple[float, str]], rows: int) -> list[tuple[float, int, str]]:
    """(x, row, text) for labels at ``x``: each in the first row where it does not run into the one before."""
    ends = [-math.inf] * rows
    out = []
    for x, text in sorted(items):
        width = len(text) * CHAR
        start = min(x + 3, WIDTH - width)
        row = next((k for k in range(rows) if ends[k] < start), rows - 1)
        ends[row] = start + width + 4
        out.append((start, row, text))
    return out


def shift_label(s: Shift) -> str:
    """``2021-06-02: toward against``."""
    return f"{s.date}: {s.direction}"


def _shifts(shifts: Sequence[Shift], plot: Plot) -> list[str]:
    """A dashed line at each shift's date, labelled with its date and direction above the plot."""
    placed = []
    parts = []
    for s in shifts:
        first, last = label_bounds(s.date)
        x = plot.x(first + (last - first) / 2)
        tip = f"shift {s.direction} at {s.date}: {s.before:+.2f} → {s.after:+.2f}, probability {s.probability:.2f}"
        parts.append(f'<line class="shift" x1="{x:.1f}" x2="{x:.1f}" y1="{plot.top - 20}" y2="{plot.base}">'
                     f"<title>{escape(tip)}</title></line>")
        placed.append((x, shift_label(s)))
    for x, row, text in _label_rows(placed, 2):
        parts.append(f'<text class="shiftl" x="{x:.1f}" y="{plot.top - 12 + 9 * row:.1f}">{escape(text)}</text>')
    return parts


@dataclass(frozen=True)
class Now:
    """The current position to draw: its score, from the day of its first statement to the last one's."""

    score: float
    first: _dt.date
    last: _dt.date


def _now(now: Now, plot: Plot) -> list[str]:
    """The current position as a dotted line (at least 12 pixels, so one day shows) with its score written just
    after it (a direct label)."""
    x1, y = plot.x(now.first), plot.y(now.score)
    x2 = max(plot.x(now.last), x1 + 12)
    text = f"now {now.score:+.2f}"
    at = min(x2 + 4, WIDTH - len(text) * CHAR - 2)
    return [f'<line class="now" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y:.1f}" y2="{y:.1f}"/>',
            f'<text class="nowl" x="{at:.1f}" y="{y + 3:.1f}">{text}</text>']


def legend(rows: Sequence[Sequence[tuple[str, str]]]) -> list[str]:
    """Rows of (sample markup drawn at 0,0 to 18,0; label), laid out left to right from the plot's left edge."""
    parts = ['<g class="legend">']
    for k, row in enumerate(rows):
        x, y = float(LEFT), 12 + 14 * k
        for sample, label in row:
            parts.append(f'<g transform="translate({x:.0f},{y})">{sample}<text x="22" y="3">{escape(label)}</text></g>')
            x += 30 + len(label) * CHAR
    parts.append("</g>")
    return parts


def legend_rows(period: str, dots: bool, now: bool, shifts: bool) -> list[list[tuple[str, str]]]:
    """The legend of a timeline: line, band, current position and shift; then statements by stance and size."""
    lines = [('<line class="pos" x1="0" x2="18" y1="0" y2="0"/>', f"score per {period}"),
             ('<rect class="band" x="0" y="-5" width="18" height="10"/>', "95% interval")]
    if now:
        lines.append(('<line class="now" x1="0" x2="18" y1="0" y2="0"/>', "current position"))
    if shifts:
        lines.append(('<line class="shift" x1="9" x2="9" y1="-6" y2="6"/>', "shift"))
    if not dots:
        return [lines]
    marks = []
    for stance in ("favor", "against", "neutral"):
        tag, geometry = _shape(stance, 9, 0, 4.5)
        marks.append((f'<{tag} class="key {stance}" {geometry}/>', f"{stance} statement"))
    small = _shape("neutral", 4, 0, radius(0.2))[1]
    large = _shape("neutral", 14, 0, radius(1.0))[1]
    marks.append((f'<circle class="key neutral" {small}/><circle class="key neutral" {large}/>',
                  "size: confidence 0.2 to 1"))
    return [lines, marks]


def timeline_svg(preds: Sequence[StancePrediction], points: Sequence[PositionPoint], shifts: Sequence[Shift] = (),
                 *, fr: Frame | None = None, title: str = "stance over time", desc: str = "", period: str = "month",
                 now: Now | None = None, link: Callable[[str], str] | None = None, compact: bool = False) -> str:
    """One actor on one issue: the position line and band, a mark per dated statement (at most
    :data:`MAX_MARKS`), the current position (``now``), shift markers; over ``fr`` (shared with the page's
    other charts; default: its own).  ``compact``: a small multiple, half as tall, without statement marks."""
    dots = not compact
    dated = [p for p in preds if p.statement.date]
    fr = fr or frame(days_of(dated, points))
    if fr is None or not (dated or points):
        return NO_DATES
    if dots and len(dated) > MAX_MARKS:
        dots = False
        desc += (f" The {len(dated)} statements are too many to draw one by one (more than {MAX_MARKS}): "
                 "the line and band summarise them.")
    rows = legend_rows(period, dots and bool(dated), now is not None, bool(shifts))
    top = 14 * len(rows) + 30
    plot = Plot(fr, top, 180 if dots or not compact else 90)
    marks, crowded = _statements(dated, plot, link) if dots else ([], 0)
    if crowded:
        desc += f" {crowded} of the {len(dated)} statement marks found no free room and overlap others."
    parts = [_open(plot.base + BOTTOM, title, desc.strip()), *_axes(plot), *legend(rows), *_position(points, plot)]
    parts += _now(now, plot) if now else []
    parts += _shifts(shifts, plot)
    parts += marks
    parts.append("</svg>")
    return "".join(parts)


def issue_svg(series: Sequence[tuple[str, Sequence[PositionPoint]]], *, fr: Frame | None = None,
              title: str = "positions over time", desc: str = "", period: str = "month") -> str:
    """Every actor's position line on one issue; the ``i``-th series is drawn in :func:`series_style` ``(i)``
    (the page lists the key), each line broken where its actor has a period without statements."""
    fr = fr or frame(d for _, pts in series for pt in pts for d in (pt.start, pt.end))
    if fr is None:
        return NO_DATES
    rows = [[('<line class="pos" x1="0" x2="18" y1="0" y2="0"/>',
              f"one actor's score per {period}: colours and dashes in the key below")]]
    plot = Plot(fr, 14 * len(rows) + 16, 180)
    parts = [_open(plot.base + BOTTOM, title, desc), *_axes(plot), *legend(rows)]
    for i, (name, pts) in enumerate(series):
        colour, dash = series_style(i)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _segments(pts):
            parts.append(f'<polyline class="ser" stroke="{colour}"{dash_attr} '
                         f'points="{_coords(_trace(run, plot, "score"))}"><title>{escape(name)}</title></polyline>')
    parts.append("</svg>")
    return "".join(parts)


_LINK = re.compile(r"<a href=\"[^\"]*\">|</a>")
_VIEW_HEIGHT = re.compile(r'<svg [^>]*?viewBox="0 0 [0-9.]+ ([0-9.]+)"')


def view_height(svg: str) -> float | None:
    """A chart's height in its own units (its pixels at full width), read from its ``viewBox``; None if it has
    none (:data:`NO_DATES`)."""
    found = _VIEW_HEIGHT.match(svg)
    return float(found.group(1)) if found else None


def standalone(svg: str) -> str:
    """A chart as a file of its own: its styles inside, its links to the page's quotes dropped."""
    head, _, rest = svg.partition(">")
    head = head.replace("<svg ", f'<svg xmlns="{SVG_NS}" ', 1)
    return f'<?xml version="1.0" encoding="utf-8"?>\n{head}><style>{CHART_CSS}</style>{_LINK.sub("", rest)}'


def data_uri(svg: str) -> str:
    """``data:image/svg+xml;base64,...`` of :func:`standalone` ``(svg)``: a download link needing no file."""
    return "data:image/svg+xml;base64," + base64.b64encode(standalone(svg).encode("utf-8")).decode("ascii")
