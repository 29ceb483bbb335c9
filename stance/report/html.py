"""Self-contained HTML pages: inline CSS and inline SVG, no script, no network reference.

Every piece of text that comes from an article or a record goes through
:func:`e` (``html.escape``).  The index is a grid of current positions; the
quotes live on the actor pages, so each page stays small.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from stance.records import Article, Shift, StancePrediction
from stance.report.svg import issue_svg, series_style, timeline_svg
from stance.report.view import DISCOVERED, DISCOVERED_SHORT, LATEST, Current, Entity, ReportModel, change

CSS = """
body{font:14px/1.45 system-ui,sans-serif;color:#222;max-width:1100px;margin:0 auto;padding:0 16px 40px}
nav{padding:8px 0;border-bottom:1px solid #ddd}a{color:#0b57a4}
table{border-collapse:collapse;margin:8px 0}\
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
td.favor,.cur.favor{background:#d7efd9}td.against,.cur.against{background:#f6d4d4}
td.neutral,.cur.neutral{background:#e8e8e8}td.none{background:#fafafa;color:#888}\
.cur{padding:4px 8px;display:inline-block}
.chart{width:100%;max-width:720px;height:auto;display:block}.chart text{font-size:10px;fill:#555}
.chart .grid{stroke:#e3e3e3}.chart .tick{stroke:#eee}.chart .yl{text-anchor:end}.chart .xl{text-anchor:middle}
.chart .band{fill:#90a4ae;fill-opacity:.25}.chart .pos{fill:none;stroke:#37474f;stroke-width:2}
.chart .shift{stroke:#6a1b9a;stroke-dasharray:4 3}.chart .wh{stroke:#999}.chart .ser{fill:none;stroke-width:2}
.chart .stmt{fill-opacity:.7}.chart .favor{fill:#2e7d32}.chart .against{fill:#c62828}.chart .neutral{fill:#757575}
ul.quotes{list-style:none;padding:0}blockquote{margin:6px 0 0;padding:2px 8px;border-left:3px solid #bbb}
.favor>blockquote{border-color:#2e7d32}.against>blockquote{border-color:#c62828}.meta{color:#666;font-size:12px}
.cols{display:flex;gap:16px}.cols>div{flex:1}.legend{list-style:none;padding:0;columns:3}
.text p{white-space:pre-wrap}mark{background:#fff1a8}mark mark{background:none}
.discovered{color:#8a5a00;font-size:12px;font-weight:normal}
"""


def e(value: object) -> str:
    """Escape any value for HTML text or a quoted attribute."""
    return escape(str(value), quote=True)


def page(title: str, body: str, root: str = "") -> str:
    """A complete HTML document; ``root`` is the relative path back to the report root."""
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(title)}</title>'
            f'<style>{CSS}</style></head><body><nav><a href="{root}index.html">Report index</a></nav>'
            f"<main>{body}</main></body></html>")


def _table(head: Sequence[str], rows: Iterable[str], cls: str = "") -> str:
    """A table; ``head`` and ``rows`` are markup already escaped."""
    return ((f'<table class="{cls}">' if cls else "<table>") + "<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"
            + "".join(rows) + "</table>")


def _cell(cur: Current | None) -> str:
    if cur is None:
        return '<td class="none"></td>'
    return f'<td class="{cur.leaning}">{e(cur.text)}</td>'


def _entity_link(ent: Entity, root: str) -> str:
    return f'<a href="{root}actors/{ent.slug}.html">{e(ent.name)}</a>'


def _listed(ent: Entity, root: str) -> str:
    """An entity's link in a list of actors, marked when the registry did not hold it."""
    marker = f' <span class="discovered" title="{e(DISCOVERED)}">({e(DISCOVERED_SHORT)})</span>'
    return _entity_link(ent, root) + (marker if ent.discovered else "")


def _discovered_note(entities: Iterable[Entity]) -> str:
    """What the marker means, under a list that holds a marked actor."""
    if not any(ent.discovered for ent in entities):
        return ""
    return (f'<p class="meta">({e(DISCOVERED_SHORT)}): {e(DISCOVERED)}; '
            "<code>stance actors suggest</code> drafts their registry entries.</p>")


def _grid(entities: Iterable[Entity], model: ReportModel, corner: str = "Actor") -> str:
    """Entities by issues, each cell the current position coloured by leaning."""
    head = [corner] + [f'<a href="issues/{model.issue_slugs[i]}.html">{e(model.label(i))}</a>'
                       for i in model.issue_ids]
    rows = (f"<tr><th>{_listed(ent, '')}</th>" + "".join(_cell(ent.current.get(i)) for i in model.issue_ids)
            + "</tr>" for ent in entities)
    return _table(head, rows, "grid")


def _summary(model: ReportModel) -> str:
    c = model.positions.corpus
    span = f"{c.first_date} to {c.last_date}" if c.first_date else "no dated statements"
    rows = [("Documents", c.n_documents), ("Date range", span), ("Statements", c.n_statements),
            ("Scored pairs (statement, issue)", c.n_scored), ("Undated statements", c.n_undated),
            ("Period", model.positions.period)]
    rows += [(f"Filter: {k}", v) for k, v in model.filters.items()]
    return ('<table class="summary">' + "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
            + "</table>")


def _latest_shifts(model: ReportModel) -> str:
    rows = model.latest_shifts(LATEST)
    if not rows:
        return "<p>No shifts found.</p>"
    more = len(model.shift_rows) - len(rows)
    note = (f'<p class="meta">The {len(rows)} latest of {len(model.shift_rows)}; '
            "each actor page has all of its own.</p>" if more else "")
    return note + _table(["Actor", "Issue", "Date", "Change", ""], (
        f"<tr><td>{_entity_link(ent, '')}</td><td>{e(model.label(s.issue))}</td><td>{e(s.date)}</td>"
        f"<td>{e(change(s))}</td>"
        f"<td><a href=\"actors/{ent.slug}.html#issue-{model.issue_slugs[s.issue]}\">evidence</a></td></tr>"
        for s, ent in rows))


def _disagreements(model: ReportModel) -> str:
    rows = sorted(model.positions.disagreements, key=lambda d: d.period, reverse=True)[:LATEST]
    if not rows:
        return "<p>No internal disagreements found.</p>"

    def group(name: str) -> str:
        return _entity_link(model.groups[name], "") if name in model.groups else e(name)

    return _table(["Group", "Issue", "Period", "Favor", "Against"], (
        f"<tr><td>{group(d.group)}</td><td>{e(model.label(d.issue))}</td><td>{e(d.period)}</td>"
        f"<td>{e(', '.join(d.favor))}</td><td>{e(', '.join(d.against))}</td></tr>" for d in rows))


def index_page(model: ReportModel) -> str:
    issues = "".join(f'<li><a href="issues/{model.issue_slugs[i]}.html">{e(model.label(i))}</a>'
                     f' <span class="meta">favor = {e(model.issues[i].target)}</span></li>' for i in model.issue_ids)
    body = (f"<h1>{e(model.title)}</h1>{_summary(model)}<h2>Issues</h2><ul>{issues}</ul>"
            f"<h2>Current positions</h2>{_grid(model.actors.values(), model)}"
            f"{_discovered_note(model.actors.values())}"
            f"<h2>Groups (roll-ups of affiliations)</h2>{_grid(model.groups.values(), model, 'Group')}"
            f"<h2>Latest shifts</h2>{_latest_shifts(model)}"
            f"<h2>Internal disagreements</h2>{_disagreements(model)}")
    return page(model.title, body)


def _quote(p: StancePrediction, model: ReportModel) -> str:
    """One statement as evidence, from a page under ``actors/``."""
    st = p.statement
    ent = model.actors.get(st.actor_id)
    who = _entity_link(ent, "../") if ent else e(st.actor)
    meta = [who, e(p.stance) + (" (abstained)" if p.abstained else ""), f"confidence {p.confidence:.2f}",
            e(st.date or "undated"), "sources: " + e(model.sources(st))]
    if st.doc_id in model.doc_slugs:
        meta.append(f'<a href="../docs/{model.doc_slugs[st.doc_id]}.html#s-{e(st.statement_id)}">in the text</a>')
    return (f'<li class="{e(p.stance)}"><blockquote>{e(st.quote.text)}</blockquote>'
            f'<div class="meta">{" · ".join(meta)}</div></li>')


def _quotes(preds: Iterable[StancePrediction], model: ReportModel) -> str:
    return '<ul class="quotes">' + "".join(_quote(p, model) for p in preds) + "</ul>"


def _shift(s: Shift, model: ReportModel) -> str:
    return (f'<div class="shift"><p><b>{e(s.date)}</b>: {e(change(s))} ({e(s.direction)})</p><div class="cols">'
            f"<div><h4>Before</h4>{_quotes(model.evidence(s.before_ids, s.issue), model)}</div>"
            f"<div><h4>After</h4>{_quotes(model.evidence(s.after_ids, s.issue), model)}</div></div></div>")


def _issue_section(ent: Entity, issue: str, model: ReportModel) -> str:
    preds = ent.preds[issue]
    dated = [p for p in preds if p.statement.date]
    undated = [p for p in preds if not p.statement.date]
    cur = ent.current[issue]
    slug = model.issue_slugs[issue]
    parts = [f'<section id="issue-{slug}"><h2><a href="../issues/{slug}.html">{e(model.label(issue))}</a></h2>',
             f'<p class="meta">favor = {e(model.issues[issue].target)}</p>',
             f'<p class="cur {cur.leaning}">Current position: {e(cur.text)}</p>',
             timeline_svg(dated, ent.points.get(issue, ()), ent.shifts.get(issue, ()),
                          label=f"{ent.name} on {model.label(issue)}")]
    if ent.shifts.get(issue):
        parts += ["<h3>Shifts</h3>", *(_shift(s, model) for s in ent.shifts[issue])]
    if dated:
        parts.append(f"<h3>Statements ({len(dated)})</h3>{_quotes(dated, model)}")
    if undated:
        parts.append(f"<h3>Undated ({len(undated)})</h3>{_quotes(undated, model)}")
    return "".join(parts) + "</section>"


def _voices(ent: Entity, model: ReportModel) -> str:
    """Which member holds which position, for a group page."""
    issues = [i for i in model.issue_ids if i in ent.preds]
    rows = []
    for actor_id, _ in ent.voices():
        voice = model.actors[actor_id]
        rows.append(f"<tr><th>{_listed(voice, '../')}</th>" + "".join(_cell(voice.current.get(i)) for i in issues)
                    + "</tr>")
    return "<h2>Voices</h2>" + _table(["Member"] + [e(model.label(i)) for i in issues], rows)


def actor_page(ent: Entity, model: ReportModel) -> str:
    if ent.kind == "group":
        sub = f"Group roll-up of {len(ent.voices())} voice(s)"
    else:
        group = model.group_of(ent)
        aff = _entity_link(group, "../") if group else e(ent.affiliation or "")
        sub = e(ent.actor_type) + (f" · {aff}" if ent.affiliation else "")
        sub += f' · <span class="discovered">{e(DISCOVERED)}</span>' if ent.discovered else ""
    body = [f'<h1>{e(ent.name)}</h1><p class="meta">{sub}</p>']
    if ent.kind == "group":
        body.append(_voices(ent, model))
    body += [_issue_section(ent, issue, model) for issue in model.issue_ids if issue in ent.preds]
    return page(ent.name, "".join(body), "../")


def _position_rows(entities: Iterable[Entity], issue: str) -> list[str]:
    return [f"<tr><th>{_listed(ent, '../')}</th>{_cell(ent.current[issue])}<td>{len(ent.preds[issue])}</td></tr>"
            for ent in entities if issue in ent.preds]


def _swatch(index: int) -> str:
    """A short line in the colour and dash of the ``index``-th series of :func:`issue_svg`."""
    colour, dash = series_style(index)
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (f'<svg width="26" height="8"><line x1="0" x2="26" y1="4" y2="4" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/></svg>')


def issue_page(issue: str, model: ReportModel) -> str:
    info = model.issues[issue]
    speakers = [a for a in model.actors.values() if a.points.get(issue)]
    legend = "".join(f"<li>{_swatch(i)} {_entity_link(a, '../')}</li>" for i, a in enumerate(speakers))
    body = (f"<h1>{e(info.label)}</h1><p>favor = {e(info.target)}</p><p>{e(info.description)}</p>"
            f"{issue_svg([(a.name, a.points[issue]) for a in speakers], label=info.label)}"
            f'<ul class="legend">{legend}</ul>'
            f"<h2>Actors</h2>"
            f"{_table(['Actor', 'Current position', 'Statements'], _position_rows(model.actors.values(), issue))}"
            f"<h2>Groups</h2>"
            f"{_table(['Group', 'Current position', 'Statements'], _position_rows(model.groups.values(), issue))}")
    return page(info.label, body, "../")


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
            out += [e(text[cursor:lo]), m.wrap(e(text[lo:hi]))]
            cursor = hi
    out.append(e(text[cursor:end]))
    return "<p>" + "".join(out) + "</p>"


def doc_page(article: Article, preds: Sequence[StancePrediction]) -> str:
    """The article text, escaped, with every statement's quote in ``<mark id="s-<statement_id>">``."""
    inside, outside = _marks(article, preds)
    spans = sorted((s.start, s.end) for s in article.paragraphs) or [(0, len(article.text))]
    paragraphs = "".join(_paragraph(article.text, s, t, inside) for s, t in spans)
    stray = [m for m in inside if not m.placed]
    quotes = {p.statement.statement_id: p.statement.quote for p in preds}
    extra = "".join(f"<p>{m.wrap(e(article.text[m.start:m.end]))}</p>" for m in stray)
    extra += "".join(f"<p>{m.wrap(e(quotes[m.ids[0]].text))}</p>" for m in outside)
    meta = " · ".join(e(x) for x in (article.date or "undated", article.source, article.url) if x)
    heading = article.title or article.doc_id
    body = f'<h1>{e(heading)}</h1><p class="meta">{meta}</p><div class="text">{paragraphs}</div>'
    if extra:
        body += f'<h2>Quotes outside the kept paragraphs</h2><div class="text">{extra}</div>'
    return page(heading, body, "../")


def write_html(model: ReportModel, out_dir: Path) -> Path:
    """Write index.html, actors/, issues/ and (with articles) docs/; return the index path."""
    for sub in ("actors", "issues") + (("docs",) if model.doc_slugs else ()):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    for ent in model.entities():
        (out_dir / "actors" / f"{ent.slug}.html").write_text(actor_page(ent, model), encoding="utf-8")
    for issue in model.issue_ids:
        (out_dir / "issues" / f"{model.issue_slugs[issue]}.html").write_text(issue_page(issue, model), encoding="utf-8")
    by_doc: dict[str, list[StancePrediction]] = defaultdict(list)
    for p in model.positions.predictions:
        by_doc[p.statement.doc_id].append(p)
    for doc_id, slug in model.doc_slugs.items():
        (out_dir / "docs" / f"{slug}.html").write_text(doc_page(model.articles[doc_id], by_doc[doc_id]),
                                                       encoding="utf-8")
    index = out_dir / "index.html"
    index.write_text(index_page(model), encoding="utf-8")
    return index
