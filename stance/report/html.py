"""Self-contained HTML pages: inline CSS and inline SVG, no script, no network reference.

Every piece of text that comes from an article or a record goes through
``html.escape`` (:func:`e`, memoised, for the short values that repeat).  The
index is a grid of current positions, each cell linking to the quotes behind it
on the actor's page; issue pages hold every actor's quotes on the issue and its
actor network.  The charts of one page share one time axis, and each can be
downloaded as an SVG file (a ``data:`` link, so the page stays one file).  A
browser lays out a list of quotes only when it nears the screen (see :data:`CSS`).
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from stance.records import Article, PositionPoint, Shift, StancePrediction
from stance.report.network_chart import DRAWN, network_svg, strongest
from stance.report.paths import fragment, quote_id, quotes_id, section_id, write_pages
from stance.report.svg import (
    CHART_CSS,
    NO_DATES,
    Frame,
    Now,
    data_uri,
    date_range,
    frame,
    issue_svg,
    series_style,
    shift_label,
    timeline_svg,
    view_height,
)
from stance.report.view import DISCOVERED, DISCOVERED_SHORT, LATEST, Current, Entity, ReportModel, change
from stance.report.wording import (
    chart_caption,
    checked_mark,
    checked_text,
    current_text,
    latest_text,
    period_unit,
    plural,
)

CSS = """
body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:1100px;margin:0 auto;padding:0 16px 40px}
nav{padding:8px 0;border-bottom:1px solid #ddd}a{color:#0b57a4}
table{border-collapse:collapse;margin:8px 0}\
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td.favor,.cur.favor{background:#d6e9f5}td.against,.cur.against{background:#f8dccb}
td.neutral,.cur.neutral{background:#e8e8e8}td.none{background:#fafafa;color:#888}\
td.favor a,td.against a,td.neutral a{color:inherit}
.cur{padding:4px 8px;display:inline-block}
ul.quotes{list-style:none;padding:0;content-visibility:auto}\
blockquote{margin:6px 0 0;padding:2px 8px;border-left:3px solid #bbb}
.favor>blockquote{border-color:#0072b2}.against>blockquote{border-color:#d55e00}.meta{color:#666;font-size:12px}
.checked{color:#1b5e20;font-weight:bold}.cols{display:flex;gap:16px}.cols>div{flex:1}
.legend{list-style:none;padding:0;columns:3}figure{margin:8px 0;content-visibility:auto}\
figcaption{color:#555;font-size:12px;max-width:720px}
.text p{white-space:pre-wrap}mark{background:#fff1a8}mark mark{background:none}
.discovered{color:#8a5a00;font-size:12px;font-weight:normal}
""" + CHART_CSS
"""The pages' styles.  A list of quotes and a chart are laid out and drawn only when they come near the screen
(``content-visibility:auto``; a link into a list, find in page and printing still reach every quote), so a page
of thousands of quotes and dozens of charts opens about as fast as a short one."""
QUOTE_HEIGHT = 48
"""About how tall one quote is at the page's width (47.6 px in Chromium): the room a list of quotes holds until
it is drawn, so that the scroll bar and the links into a page land right."""
CAPTION_HEIGHT = 70
"""About how tall a chart's caption is (four lines), added to the chart's own height for the same purpose."""


@lru_cache(maxsize=1 << 16)
def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute (memoised: names, dates and ids repeat; a text seen
    once, a quote or an article, goes to ``html.escape`` itself so as not to crowd them out)."""
    return escape(str(value), quote=True)


_STYLE = f"<style>{CSS}</style></head><body>"


def page(title: str, body: str, root: str = "") -> str:
    """A complete HTML document; ``root`` is the relative path back to the report root."""
    return "".join(('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                    f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(title)}</title>',
                    _STYLE, f'<nav><a href="{root}index.html">Report index</a></nav><main>', body,
                    "</main></body></html>"))


def _table(head: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    """A table; ``head`` and ``rows`` are markup already escaped."""
    return ((f'<table class="{cls}">' if cls else "<table>") + "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"
            + "".join(rows) + "</table>")


def _cell(ent: Entity, issue: str, model: ReportModel, root: str) -> str:
    """A grid cell: the position in words with its counts, linked to the quotes behind it."""
    cur: Current | None = ent.current.get(issue)
    if cur is None:
        return '<td class="none"></td>'
    href = f"{root}actors/{ent.slug}.html#{quotes_id(model.issue_slugs[issue])}"
    return f'<td class="{cur.leaning}"><a href="{href}">{e(ent.summaries[issue])}</a></td>'


def _entity_link(ent: Entity, root: str, text: str | None = None) -> str:
    return f'<a href="{root}actors/{ent.slug}.html">{e(ent.title if text is None else text)}</a>'


def _listed(ent: Entity, root: str, text: str | None = None) -> str:
    """An entity's link in a list of actors, marked when the registry did not hold it."""
    marker = f' <span class="discovered" title="{e(DISCOVERED)}">({e(DISCOVERED_SHORT)})</span>'
    return _entity_link(ent, root, text) + (marker if ent.discovered else "")


def _discovered_note(entities: Iterable[Entity]) -> str:
    """What the marker means, under a list that holds a marked actor."""
    if not any(ent.discovered for ent in entities):
        return ""
    return (f'<p class="meta">({e(DISCOVERED_SHORT)}): {e(DISCOVERED)}; '
            "<code>stance actors suggest</code> drafts their registry entries.</p>")


def _figure(svg: str, caption: str, name: str) -> str:
    """A chart with its caption and a link that downloads it as ``name``.svg."""
    if svg == NO_DATES:
        return svg
    height = view_height(svg)
    room = f' style="contain-intrinsic-height:auto {height + CAPTION_HEIGHT:.0f}px"' if height else ""
    return (f'<figure{room}>{svg}<figcaption>{e(caption)} <a class="download" download="{e(name)}.svg" '
            f'href="{data_uri(svg)}">Download this chart (SVG)</a></figcaption></figure>')


def _scores_table(points: Sequence[PositionPoint], period: str) -> str:
    """Every point of the line as numbers, folded away (open it without script)."""
    if not points:
        return ""
    rows = (f"<tr><td>{e(p.period)}</td><td>{p.score:+.2f}</td><td>{p.low:+.2f} to {p.high:+.2f}</td>"
            f"<td>{p.n_statements}</td></tr>" for p in sorted(points, key=lambda q: (q.start, q.end)))
    word = period_unit(period)
    return (f"<details><summary>Scores by {e(word)} ({len(points)})</summary>"
            + _table([e(word.capitalize()), "Score", "95% interval", "Statements"], rows) + "</details>")


@dataclass
class Pages:
    """Renders the pages of one model; a quote's markup is built once however many pages show it."""

    model: ReportModel

    def __post_init__(self) -> None:
        self.memo: dict[tuple[str, str], str] = {}
        self.items: dict[tuple[str, str, bool], str] = {}
        self.spans: dict[tuple[str, str, str], tuple[_dt.date, _dt.date] | None] = {}
        self.about: dict[tuple[str, str, str], tuple[str, Now | None]] = {}

    # --- time axes ---------------------------------------------------------------------------------------------

    def _span(self, ent: Entity, issue: str) -> tuple[_dt.date, _dt.date] | None:
        """The first and last day the entity's statements on ``issue`` can mean (read once per render)."""
        key = (ent.kind, ent.key, issue)
        if key not in self.spans:
            self.spans[key] = date_range(ent.preds.get(issue, ()))
        return self.spans[key]

    def _frame(self, series: Iterable[tuple[Entity, str]]) -> Frame | None:
        """One time axis for the charts of ``series`` (entity, issue): every day their statements can mean and
        every period of their lines."""
        days: list[_dt.date] = []
        for ent, issue in series:
            days += self._span(ent, issue) or ()
            days += [d for pt in ent.points.get(issue, ()) for d in (pt.start, pt.end)]
        return frame(days)

    # --- quotes ------------------------------------------------------------------------------------------------

    def _quote_body(self, p: StancePrediction) -> str:
        """A statement as evidence, from a page one level down (``actors/``, ``issues/``)."""
        key = (p.statement.statement_id, p.issue)
        found = self.memo.get(key)
        if found is not None:
            return found
        model, st = self.model, p.statement
        ent = model.actors.get(st.actor_id)
        slug = model.issue_slugs.get(p.issue, "")
        who = (f'<a href="../actors/{ent.slug}.html#{fragment(quote_id(slug, st.statement_id))}">{e(ent.title)}</a>'
               if ent else e(st.actor))
        meta = [who, e(p.stance) + (" (abstained)" if p.abstained else ""), f"confidence {p.confidence:.2f}",
                e(str(st.date) if st.date else "undated"), "sources: " + e(model.sources(st))]
        if p.checked_by:
            meta.insert(2, f'<span class="checked">{e(checked_mark(p))}</span>')
        if st.doc_id in model.doc_slugs:
            meta.append(f'<a href="../docs/{model.doc_slugs[st.doc_id]}.html#{fragment("s-" + st.statement_id)}">'
                        "in the text</a>")
        body = f'<blockquote>{escape(st.quote.text)}</blockquote><div class="meta">{" · ".join(meta)}</div>'
        self.memo[key] = body
        return body

    def quotes(self, preds: Iterable[StancePrediction], anchored: bool = False) -> str:
        """A list of quotes; ``anchored`` gives each its :func:`quote_id` (an actor page's own list)."""
        items = []
        for p in preds:
            key = (p.statement.statement_id, p.issue, anchored)
            item = self.items.get(key)
            if item is None:
                ident = (f' id="{escape(quote_id(self.model.issue_slugs[p.issue], p.statement.statement_id))}"'
                         if anchored else "")
                item = self.items[key] = f'<li class="{e(p.stance)}"{ident}>{self._quote_body(p)}</li>'
            items.append(item)
        return (f'<ul class="quotes" style="contain-intrinsic-height:auto {QUOTE_HEIGHT * len(items)}px">'
                + "".join(items) + "</ul>")

    # --- index ---------------------------------------------------------------------------------------------

    def _grid(self, entities: Iterable[Entity], corner: str = "Actor", names: bool = False) -> str:
        """Entities by issues, each cell the current position coloured by leaning and linked to its quotes."""
        model = self.model
        head = [corner] + [f'<a href="issues/{model.issue_slugs[i]}.html">{e(model.label(i))}</a>'
                           for i in model.issue_ids]
        rows = (f"<tr><th>{_listed(ent, '', ent.name if names else None)}</th>"
                + "".join(_cell(ent, i, model, "") for i in model.issue_ids) + "</tr>" for ent in entities)
        return _table(head, rows, "grid")

    def _summary(self) -> str:
        model = self.model
        c = model.positions.corpus
        span = f"{c.first_date} to {c.last_date}" if c.first_date else "no dated statements"
        checked = sum(1 for p in model.positions.predictions if p.checked_by)
        rows = [("Documents", c.n_documents), ("Date range", span), ("Statements", c.n_statements),
                ("Scored pairs (statement, issue)", c.n_scored), ("Undated statements", c.n_undated),
                ("Labels checked by a person", checked), ("Period", model.positions.period)]
        rows += [(f"Filter: {k}", v) for k, v in model.filters.items()]
        return ('<table class="summary">' + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
                + "</table>")

    def _latest_shifts(self) -> str:
        model = self.model
        rows = model.latest_shifts(LATEST)
        if not rows:
            return "<p>No shifts found.</p>"
        more = len(model.shift_rows) - len(rows)
        note = (f'<p class="meta">The {len(rows)} latest of {len(model.shift_rows)}; '
                "each actor page has all of its own.</p>" if more else "")
        return note + _table(["Actor", "Issue", "Date", "Change", ""], (
            f"<tr><td>{_entity_link(ent, '')}</td><td>{e(model.label(s.issue))}</td><td>{e(s.date)}</td>"
            f"<td>{e(change(s))}</td>"
            f"<td><a href=\"actors/{ent.slug}.html#{section_id(model.issue_slugs[s.issue])}\">evidence</a></td></tr>"
            for s, ent in rows))

    def _disagreements(self) -> str:
        model = self.model
        rows = sorted(model.positions.disagreements, key=lambda d: d.period, reverse=True)[:LATEST]
        if not rows:
            return "<p>No internal disagreements found.</p>"

        def group(name: str) -> str:
            return _entity_link(model.groups[name], "", name) if name in model.groups else e(name)

        return _table(["Group", "Issue", "Period", "Favor", "Against"], (
            f"<tr><td>{group(d.group)}</td><td>{e(model.label(d.issue))}</td><td>{e(d.period)}</td>"
            f"<td>{e(', '.join(d.favor))}</td><td>{e(', '.join(d.against))}</td></tr>" for d in rows))

    def index(self) -> str:
        model = self.model
        issues = "".join(f'<li><a href="issues/{model.issue_slugs[i]}.html">{e(model.label(i))}</a>'
                         f' <span class="meta">favor = {e(model.issues[i].target)}</span></li>'
                         for i in model.issue_ids)
        how = ('<p class="meta">Each cell is the current position (since the latest shift) with the statements '
               "it rests on, and how many there are in all when more; it links to those quotes.</p>")
        body = (f"<h1>{e(model.title)}</h1>{self._summary()}<h2>Issues</h2><ul>{issues}</ul>"
                f"<h2>Current positions</h2>{how}{self._grid(model.actors.values())}"
                f"{_discovered_note(model.actors.values())}"
                f"<h2>Groups (roll-ups of affiliations)</h2>{self._grid(model.groups.values(), 'Group', True)}"
                f"<h2>Latest shifts</h2>{self._latest_shifts()}"
                f"<h2>Internal disagreements</h2>{self._disagreements()}")
        return page(model.title, body)

    # --- actor pages ---------------------------------------------------------------------------------------

    def _shift(self, s: Shift) -> str:
        model = self.model
        return (f'<div class="shift"><p><b>{e(s.date)}</b>: {e(change(s))} ({e(s.direction)})</p><div class="cols">'
                f"<div><h4>Before</h4>{self.quotes(model.evidence(s.before_ids, s.issue))}</div>"
                f"<div><h4>After</h4>{self.quotes(model.evidence(s.after_ids, s.issue))}</div></div></div>")

    def _about(self, ent: Entity, issue: str) -> tuple[str, Now | None]:
        """(the chart's description, its current position): the same for the actor page's chart and the issue
        page's small one, so built once."""
        key = (ent.kind, ent.key, issue)
        found = self.about.get(key)
        if found is not None:
            return found
        ev, cur, points = ent.evidence[issue], ent.current[issue], ent.points.get(issue, ())
        shifts = ent.shifts.get(issue, ())
        span = date_range(ev.current) if ev.before else self._span(ent, issue)  # no shift: every dated one
        now = Now(cur.score, *span) if cur.score is not None and span else None
        dated = ev.dated
        counts = Counter(p.stance for p in dated)
        desc = (f"{plural(len(dated), 'dated statement')} by {ent.title} on {self.model.label(issue)}"
                + (f" from {dated[0].statement.date} to {dated[-1].statement.date}" if dated else "")
                + f": {counts['favor']} favor, {counts['against']} against, {counts['neutral']} neutral; "
                + (f"shifts: {'; '.join(shift_label(s) for s in shifts)}. " if shifts else "no shift. ")
                + latest_text(points))
        self.about[key] = found = (desc, now)
        return found

    def _chart(self, ent: Entity, issue: str, fr: Frame | None, compact: bool = False) -> str:
        """The entity's timeline on one issue over the page's shared frame, with caption and download link."""
        model = self.model
        ev, points, shifts = ent.evidence[issue], ent.points.get(issue, ()), ent.shifts.get(issue, ())
        desc, now = self._about(ent, issue)
        label = model.label(issue)
        slug = model.issue_slugs[issue]

        def link(statement_id: str) -> str:
            return "#" + fragment(quote_id(slug, statement_id))

        svg = timeline_svg(ev.dated, points, shifts, fr=fr, title=f"{ent.title} on {label}: position over time",
                           desc=desc, period=period_unit(model.positions.period), now=now,
                           link=None if compact else link, compact=compact)
        return _figure(svg, chart_caption(ent.name, points, model.positions.period), f"{ent.slug}-{slug}")

    def _issue_section(self, ent: Entity, issue: str, fr: Frame | None) -> str:
        model = self.model
        ev, cur = ent.evidence[issue], ent.current[issue]
        slug = model.issue_slugs[issue]
        points = ent.points.get(issue, ())
        numbers = " ".join(t for t in (current_text(cur, ev.shift_date), latest_text(points),
                                       checked_text(ev.checked, ev.total) + ".") if t)
        parts = [f'<section id="{section_id(slug)}">',
                 f'<h2><a href="../issues/{slug}.html">{e(model.label(issue))}</a></h2>',
                 f'<p class="meta">favor = {e(model.issues[issue].target)}</p>',
                 f'<p class="cur {cur.leaning}">Current position: {e(ent.summaries[issue])}</p>',
                 f"<p>{e(numbers)}</p>", self._chart(ent, issue, fr),
                 _scores_table(points, model.positions.period)]
        if ent.shifts.get(issue):
            parts += ["<h3>Shifts</h3>", *(self._shift(s) for s in ent.shifts[issue])]
        parts.append(f'<div id="{quotes_id(slug)}"><h3>Statements ({ev.total})</h3>')
        if ev.shift_date:
            parts.append(f"<h4>Since the shift of {e(ev.shift_date)}: the current position ({len(ev.current)})</h4>"
                         f"{self.quotes(ev.current, True)}<h4>Before ({len(ev.before)})</h4>"
                         f"{self.quotes(ev.before, True)}")
        elif ev.current:
            parts.append(self.quotes(ev.current, True))
        if ev.undated:
            parts.append(f"<h4>Undated ({len(ev.undated)})</h4>{self.quotes(ev.undated, True)}")
        return "".join(parts) + "</div></section>"

    def _voices(self, ent: Entity) -> str:
        """Which member holds which position, for a group page."""
        model = self.model
        issues = [i for i in model.issue_ids if i in ent.preds]
        rows = []
        for actor_id, _ in ent.voices():
            voice = model.actors[actor_id]
            rows.append(f"<tr><th>{_listed(voice, '../')}</th>"
                        + "".join(_cell(voice, i, model, "../") for i in issues) + "</tr>")
        return "<h2>Voices</h2>" + _table(["Member"] + [e(model.label(i)) for i in issues], rows)

    def actor(self, ent: Entity) -> str:
        model = self.model
        if ent.kind == "group":
            sub = f"Group roll-up of {plural(len(ent.voices()), 'voice')}"
        else:
            group = model.group_of(ent)
            aff = _entity_link(group, "../") if group else e(ent.affiliation or "")
            sub = e(ent.actor_type) + (f" · {aff}" if ent.affiliation else "")
            sub += f' · <span class="discovered">{e(DISCOVERED)}</span>' if ent.discovered else ""
            if ent.name in model.groups:
                sub += f" · its group roll-up: {_entity_link(model.groups[ent.name], '../')}"
        checked, labels = ent.labels()
        body = [f'<h1>{e(ent.title)}</h1><p class="meta">{sub}</p><p>{e(checked_text(checked, labels))}.</p>']
        if ent.kind == "group":
            body.append(self._voices(ent))
        issues = [i for i in model.issue_ids if i in ent.preds]
        fr = self._frame((ent, i) for i in issues)
        body += [self._issue_section(ent, issue, fr) for issue in issues]
        return page(ent.title, "".join(body), "../")

    # --- issue pages ---------------------------------------------------------------------------------------

    def _positions_table(self, entities: Iterable[Entity], issue: str, corner: str) -> str:
        rows = [f"<tr><th>{_listed(ent, '../')}</th>{_cell(ent, issue, self.model, '../')}"
                f"<td>{ent.evidence[issue].total}</td></tr>" for ent in entities if issue in ent.preds]
        return _table([corner, "Current position", "Statements"], rows)

    def _network(self, issue: str) -> str:
        model = self.model
        edges = model.network(issue)
        word = period_unit(model.positions.period)
        if not edges:
            return f"<p>No two actors took sides (favor or against) in the same {e(word)} on this issue.</p>"
        by_name: dict[str, str] = {}
        for ent in model.actors.values():
            by_name.setdefault(ent.name, f"../actors/{ent.slug}.html#{section_id(model.issue_slugs[issue])}")
        label = model.label(issue)
        svg = network_svg(edges, title=f"Who agreed and who clashed on {label}", period=word, href=by_name)
        caption = (f"Two actors are linked when both leaned the same way (congruence) or opposite ways (conflict) "
                   f"on {label} in the same {word}; a thicker line counts more {word}s"
                   + (f"; the {DRAWN} strongest of {len(edges)} edges are drawn." if len(edges) > DRAWN else "."))
        listed = strongest(edges, LATEST)
        note = f"The {len(listed)} strongest of {len(edges)} edges." if len(edges) > len(listed) else ""
        rows = (f"<tr><td>{e(ed.source)}</td><td>{e(ed.target)}</td><td>{e(ed.kind)}</td><td>{ed.weight}</td>"
                f"<td>{e(', '.join(ed.periods))}</td></tr>" for ed in listed)
        return (_figure(svg, caption, f"network-{model.issue_slugs[issue]}")
                + (f'<p class="meta">{e(note)}</p>' if note else "")
                + _table(["Actor", "Actor", "Kind", e(word.capitalize() + "s"), e(word.capitalize() + "s listed")],
                         rows))

    def issue(self, issue: str) -> str:
        model = self.model
        info = model.issues[issue]
        slug = model.issue_slugs[issue]
        word = period_unit(model.positions.period)
        speakers = [a for a in model.actors.values() if issue in a.preds]
        charted = [a for a in speakers if a.points.get(issue)]
        fr = self._frame((a, issue) for a in speakers)
        key = "".join(f"<li>{_swatch(i)} {_entity_link(a, '../')}</li>" for i, a in enumerate(charted))
        overview = issue_svg([(a.title, a.points[issue]) for a in charted], fr=fr,
                             title=f"Positions on {info.label} over time",
                             desc=f"The score per {word} of {plural(len(charted), 'actor')} on {info.label}.",
                             period=word)
        caption = (f"Each line is one actor's score per {word} on {info.label}, from -1 (against) to +1 (favor); "
                   "few statements keep a score near 0. Each actor's own chart follows, on the same time axis.")
        small = "".join(f"<h3>{_entity_link(a, '../')}</h3><p class=\"meta\">{e(a.summaries[issue])}</p>"
                        f"{self._chart(a, issue, fr, compact=True)}" for a in charted)
        quotes = "".join(f'<h3 id="by-{e(a.slug)}">{_entity_link(a, "../")}</h3>'
                         f"<p class=\"meta\">{plural(a.evidence[issue].total, 'statement')}, by date</p>"
                         f"{self.quotes(a.evidence[issue].dated + a.evidence[issue].undated)}" for a in speakers)
        body = (f"<h1>{e(info.label)}</h1><p>favor = {e(info.target)}</p><p>{e(info.description)}</p>"
                f"<h2>Positions over time</h2>{_figure(overview, caption, f'issue-{slug}')}"
                f'<ul class="legend">{key}</ul><h2>Each actor</h2>{small}'
                f"<h2>Who agreed and who clashed</h2>{self._network(issue)}"
                f"<h2>Actors</h2>{self._positions_table(model.actors.values(), issue, 'Actor')}"
                f"<h2>Groups</h2>{self._positions_table(model.groups.values(), issue, 'Group')}"
                f"<h2>Quotes by actor</h2>{quotes}")
        return page(info.label, body, "../")


def _swatch(index: int) -> str:
    """A short line in the colour and dash of the ``index``-th series of :func:`issue_svg`."""
    colour, dash = series_style(index)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="26" height="8" aria-hidden="true"><line x1="0" x2="26" y1="4" y2="4" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/></svg>')


def index_page(model: ReportModel) -> str:
    return Pages(model).index()


def actor_page(ent: Entity, model: ReportModel) -> str:
    """One entity's page (also what the service answers at ``/report/actors/{id}``)."""
    return Pages(model).actor(ent)


def issue_page(issue: str, model: ReportModel) -> str:
    return Pages(model).issue(issue)


@dataclass
class _Mark:
    """A non-overlapping stretch of article text carrying one or more statement ids."""

    start: int
    end: int
    ids: list[str]
    tips: list[str]
    placed: bool = False

    def wrap(self, inner: str) -> str:
        """The ids go on the first piece only; a mark split over paragraphs continues without ids."""
        if self.placed:
            return f"<mark>{inner}</mark>"
        self.placed = True
        opening = "".join(f'<mark id="s-{e(i)}" title="{e(t)}">' for i, t in zip(self.ids, self.tips))
        return opening + inner + "</mark>" * len(self.ids)


def _marks(article: Article, preds: Sequence[StancePrediction]) -> tuple[list[_Mark], list[_Mark]]:
    """(marks inside the text, marks whose offsets do not fit it); overlaps are clipped, nested ids share a mark."""
    tips: dict[str, list[str]] = defaultdict(list)
    stmts = {}
    for p in preds:
        stmts[p.statement.statement_id] = p.statement
        tips[p.statement.statement_id].append(f"{p.statement.actor}: {p.stance} on {p.issue}")
    inside: list[_Mark] = []
    outside: list[_Mark] = []
    for st in sorted(stmts.values(), key=lambda s: (s.quote.start, -s.quote.end, s.statement_id)):
        q, tip = st.quote, "; ".join(tips[st.statement_id])
        if not 0 <= q.start < q.end <= len(article.text):
            outside.append(_Mark(0, len(q.text), [st.statement_id], [tip]))
            continue
        start = max(q.start, inside[-1].end if inside else 0)
        if start >= q.end:
            inside[-1].ids.append(st.statement_id)
            inside[-1].tips.append(tip)
        else:
            inside.append(_Mark(start, q.end, [st.statement_id], [tip]))
    return inside, outside


def _paragraph(text: str, start: int, end: int, marks: Sequence[_Mark]) -> str:
    out, cursor = [], start
    for m in marks:
        lo, hi = max(m.start, start), min(m.end, end)
        if lo < hi:
            out += [escape(text[cursor:lo]), m.wrap(escape(text[lo:hi]))]
            cursor = hi
    out.append(escape(text[cursor:end]))
    return "<p>" + "".join(out) + "</p>"


def doc_page(article: Article, preds: Sequence[StancePrediction]) -> str:
    """The article text, escaped, with every statement's quote in ``<mark id="s-<statement_id>">``."""
    inside, outside = _marks(article, preds)
    spans = sorted((s.start, s.end) for s in article.paragraphs) or [(0, len(article.text))]
    paragraphs = "".join(_paragraph(article.text, s, t, inside) for s, t in spans)
    stray = [m for m in inside if not m.placed]
    quotes = {p.statement.statement_id: p.statement.quote for p in preds}
    extra = "".join(f"<p>{m.wrap(escape(article.text[m.start:m.end]))}</p>" for m in stray)
    extra += "".join(f"<p>{m.wrap(escape(quotes[m.ids[0]].text))}</p>" for m in outside)
    meta = " · ".join(e(x) for x in (article.date or "undated", article.source, article.author, article.url) if x)
    heading = article.title or article.doc_id
    body = f'<h1>{e(heading)}</h1><p class="meta">{meta}</p><div class="text">{paragraphs}</div>'
    if extra:
        body += f'<h2>Quotes outside the kept paragraphs</h2><div class="text">{extra}</div>'
    return page(heading, body, "../")


def render_html(model: ReportModel) -> dict[str, str]:
    """Every HTML page by its path under the report folder: index.html, actors/, issues/, docs/."""
    pages = Pages(model)
    out = {f"actors/{ent.slug}.html": pages.actor(ent) for ent in model.entities()}
    out.update((f"issues/{model.issue_slugs[i]}.html", pages.issue(i)) for i in model.issue_ids)
    by_doc: dict[str, list[StancePrediction]] = defaultdict(list)
    for p in model.positions.predictions:
        by_doc[p.statement.doc_id].append(p)
    out.update((f"docs/{slug}.html", doc_page(model.articles[doc_id], by_doc[doc_id]))
               for doc_id, slug in model.doc_slugs.items())
    out["index.html"] = pages.index()
    return out


def write_html(model: ReportModel, out_dir: Path) -> Path:
    """Write index.html, actors/, issues/ and (with articles) docs/; return the index path."""
    write_pages(render_html(model), out_dir)
    return out_dir / "index.html"
