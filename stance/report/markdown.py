"""The report in Markdown: index.md (summary, grids, shifts, disagreements), actors/<slug>.md and
issues/<slug>.md, with the same words and counts as the HTML pages (:mod:`stance.report.wording`).

Record text goes through :func:`md`, which escapes HTML, Markdown emphasis and
table pipes and folds newlines, so a quote can sit in a table cell or a list item.
A link target names a file written beside it; a ``#fragment`` names an
``<a id="...">`` written before the heading or list it points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from html import escape
from pathlib import Path

from stance.records import Shift, StancePrediction
from stance.report.network_chart import edge_text, strongest
from stance.report.paths import fragment, quote_id, quotes_id, section_id, write_pages
from stance.report.view import DISCOVERED, DISCOVERED_SHORT, LATEST, Entity, ReportModel, change
from stance.report.wording import (
    chart_caption,
    checked_mark,
    checked_text,
    current_text,
    latest_text,
    period_unit,
    plural,
)

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_PLAIN = re.compile(r"[^\\`*_\[\]|&<>\r\n]*")


def md(value: object) -> str:
    """``value`` as inert Markdown text on one line."""
    text = str(value)
    if _PLAIN.fullmatch(text):  # nothing to escape: most names, dates and labels
        return text
    return _NEWLINES.sub(" ", _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False)))


_md_memo = lru_cache(maxsize=1 << 14)(md)
""":func:`md` for the short values every quote repeats (names, stances, dates, citations)."""


def anchor(name: str) -> str:
    """An ``<a id>`` a link's ``#name`` lands on (Markdown renderers keep it)."""
    return f'<a id="{escape(name)}"></a>'


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells are Markdown already escaped."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _marker(ent: Entity) -> str:
    """`` (discovered)`` after an actor the registry did not hold, in a list of actors."""
    return f" ({DISCOVERED_SHORT})" if ent.discovered else ""


def _cell(ent: Entity, issue: str, model: ReportModel, root: str) -> str:
    """The position in words with its counts, linked to the quotes behind it."""
    if issue not in ent.current:
        return ""
    return f"[{md(ent.summaries[issue])}]({root}actors/{ent.slug}.md#{quotes_id(model.issue_slugs[issue])})"


def _grid(entities: Iterable[Entity], model: ReportModel, corner: str = "Actor", names: bool = False) -> str:
    head = [corner] + [f"[{md(model.label(i))}](issues/{model.issue_slugs[i]}.md)" for i in model.issue_ids]
    return table(head, ([f"[{md(ent.name if names else ent.title)}](actors/{ent.slug}.md){_marker(ent)}"]
                        + [_cell(ent, i, model, "") for i in model.issue_ids] for ent in entities))


class Quotes:
    """Quotes as list items for pages at ``root`` (``""`` for index.md, ``../`` one level down); a quote's
    text is built once however many pages show it."""

    def __init__(self, model: ReportModel, doc_links: bool) -> None:
        self.model, self.doc_links = model, doc_links
        self.memo: dict[tuple[str, str, str], str] = {}
        self.lines_memo: dict[tuple[str, str, str, bool], str] = {}

    def item(self, p: StancePrediction, root: str) -> str:
        key = (p.statement.statement_id, p.issue, root)
        found = self.memo.get(key)
        if found is not None:
            return found
        model, st = self.model, p.statement
        ent = model.actors.get(st.actor_id)
        slug = model.issue_slugs.get(p.issue, "")
        who = (f"[{_md_memo(ent.title)}]({root}actors/{ent.slug}.md#{fragment(quote_id(slug, st.statement_id))})"
               if ent else _md_memo(st.actor))
        meta = [who, _md_memo(p.stance) + (" (abstained)" if p.abstained else ""), f"confidence {p.confidence:.2f}",
                _md_memo(str(st.date) if st.date else "undated"), "sources: " + _md_memo(model.sources(st))]
        if p.checked_by:
            meta.insert(2, f"**{md(checked_mark(p))}**")
        if self.doc_links and st.doc_id in model.doc_slugs:
            target = f"{root}docs/{model.doc_slugs[st.doc_id]}.html#{fragment('s-' + st.statement_id)}"
            meta.append(f"[in the text]({target})")
        line = f"{md(st.quote.text)} — " + " · ".join(meta)
        self.memo[key] = line
        return line

    def lines(self, preds: Iterable[StancePrediction], root: str, anchored: bool = False) -> list[str]:
        """``- > `` items (a quote in a list item); ``anchored`` puts each quote's :func:`quote_id` anchor in front
        (an actor page's list)."""
        out = []
        for p in preds:
            key = (p.statement.statement_id, p.issue, root, anchored)
            line = self.lines_memo.get(key)
            if line is None:
                ident = anchor(quote_id(self.model.issue_slugs[p.issue], p.statement.statement_id)) if anchored else ""
                line = self.lines_memo[key] = f"- > {ident}{self.item(p, root)}"
            out.append(line)
        return out or ["- (none)"]


def _shift(s: Shift, quotes: Quotes, heading: str, root: str) -> list[str]:
    model = quotes.model
    return [f"{heading} {md(s.date)}: {md(change(s))}", "", "Before:", "",
            *quotes.lines(model.evidence(s.before_ids, s.issue), root), "", "After:", "",
            *quotes.lines(model.evidence(s.after_ids, s.issue), root), ""]


def index_md(model: ReportModel, quotes: Quotes) -> str:
    c = model.positions.corpus
    checked = sum(1 for p in model.positions.predictions if p.checked_by)
    summary = [("Documents", c.n_documents),
               ("Date range", f"{c.first_date} to {c.last_date}" if c.first_date else "none"),
               ("Statements", c.n_statements), ("Scored pairs", c.n_scored), ("Undated statements", c.n_undated),
               ("Labels checked by a person", checked),
               ("Period", model.positions.period)] + [(f"Filter: {k}", v) for k, v in model.filters.items()]
    out = [f"# {md(model.title)}", "", table(["", ""], ([md(k), md(v)] for k, v in summary)), "## Issues", ""]
    out += [f"- [{md(model.label(i))}](issues/{model.issue_slugs[i]}.md): favor = {md(model.issues[i].target)}"
            for i in model.issue_ids]
    out += ["", "## Current positions", "",
            "Each cell is the current position (since the latest shift) with the statements it rests on, and how "
            "many there are in all when more; it links to those quotes.", "", _grid(model.actors.values(), model)]
    if any(ent.discovered for ent in model.actors.values()):
        out += [f"({DISCOVERED_SHORT}): {DISCOVERED}; `stance actors suggest` drafts their registry entries.", ""]
    out += ["## Groups (roll-ups of affiliations)", "", _grid(model.groups.values(), model, "Group", True),
            "## Latest shifts", ""]
    rows = model.latest_shifts(LATEST)
    if not rows:
        out += ["No shifts found.", ""]
    for s, ent in rows:
        heading = f"### [{md(ent.title)}](actors/{ent.slug}.md) on {md(model.label(s.issue))},"
        out += _shift(s, quotes, heading, "")
    disagreements = sorted(model.positions.disagreements, key=lambda d: d.period, reverse=True)[:LATEST]
    out += ["## Internal disagreements", ""]
    out.append(table(["Group", "Issue", "Period", "Favor", "Against"], (
        [md(d.group), md(model.label(d.issue)), md(d.period), md(", ".join(d.favor)), md(", ".join(d.against))]
        for d in disagreements)) if disagreements else "No internal disagreements found.\n")
    return "\n".join(out)


def _issue_part(ent: Entity, issue: str, quotes: Quotes) -> list[str]:
    model = quotes.model
    ev, cur = ent.evidence[issue], ent.current[issue]
    slug = model.issue_slugs[issue]
    points = ent.points.get(issue, ())
    numbers = " ".join(t for t in (current_text(cur, ev.shift_date), latest_text(points),
                                   checked_text(ev.checked, ev.total) + ".") if t)
    out = [anchor(section_id(slug)), "", f"## [{md(model.label(issue))}](../issues/{slug}.md)", "",
           f"favor = {md(model.issues[issue].target)}", "", f"**Current position:** {md(ent.summaries[issue])}", "",
           md(numbers), ""]
    if points:
        target = f"{ent.slug}.html#{section_id(slug)}"
        chart = f" [The chart and the scores by {period_unit(model.positions.period)}]({target})." \
            if quotes.doc_links else ""
        out += [md(chart_caption(ent.name, points, model.positions.period)) + chart, ""]
    if ent.shifts.get(issue):
        out += ["### Shifts", ""]
        for s in ent.shifts[issue]:
            out += _shift(s, quotes, "####", "../")
    out += [anchor(quotes_id(slug)), "", f"### Statements ({ev.total})", ""]
    if ev.shift_date:
        out += [f"#### Since the shift of {md(ev.shift_date)}: the current position ({len(ev.current)})", "",
                *quotes.lines(ev.current, "../", True), "", f"#### Before ({len(ev.before)})", "",
                *quotes.lines(ev.before, "../", True), ""]
    elif ev.current:
        out += [*quotes.lines(ev.current, "../", True), ""]
    if ev.undated:
        out += [f"#### Undated ({len(ev.undated)})", "", *quotes.lines(ev.undated, "../", True), ""]
    return out


def actor_md(ent: Entity, quotes: Quotes) -> str:
    model = quotes.model
    kind = (f"group roll-up of {plural(len(ent.voices()), 'voice')}" if ent.kind == "group"
            else md(ent.actor_type) + (f" · {md(ent.affiliation)}" if ent.affiliation else ""))
    if ent.kind != "group" and ent.name in model.groups:
        kind += f" · its group roll-up: [{md(model.groups[ent.name].title)}]({model.groups[ent.name].slug}.md)"
    checked, labels = ent.labels()
    out = [f"# {md(ent.title)}", "", kind + (f" · {DISCOVERED}" if ent.discovered else ""), "",
           checked_text(checked, labels) + ".", ""]
    issues = [i for i in model.issue_ids if i in ent.preds]
    if ent.kind == "group":
        voices = [model.actors[a] for a, _ in ent.voices()]
        out += ["## Voices", "", table(["Member"] + [md(model.label(i)) for i in issues],
                                       ([f"[{md(v.title)}]({v.slug}.md){_marker(v)}"]
                                        + [_cell(v, i, model, "../") for i in issues] for v in voices))]
    for issue in issues:
        out += _issue_part(ent, issue, quotes)
    return "\n".join(out)


def issue_md(issue: str, quotes: Quotes) -> str:
    model = quotes.model
    info = model.issues[issue]
    word = period_unit(model.positions.period)
    out = [f"# {md(info.label)}", "", f"favor = {md(info.target)}", ""]
    out += [md(info.description), ""] if info.description else []
    for heading, entities in (("Actors", model.actors.values()), ("Groups", model.groups.values())):
        out += [f"## {heading}", "", table([heading[:-1], "Current position", "Statements"], (
            [f"[{md(ent.title)}](../actors/{ent.slug}.md){_marker(ent)}", _cell(ent, issue, model, "../"),
             str(ent.evidence[issue].total)] for ent in entities if issue in ent.preds))]
    edges = model.network(issue)
    out += ["## Who agreed and who clashed", ""]
    if edges:
        listed = strongest(edges, LATEST)
        if len(listed) < len(edges):
            out += [f"The {len(listed)} strongest of {len(edges)} edges.", ""]
        out += [f"- {md(edge_text(ed))} ({md(', '.join(ed.periods))})" for ed in listed] + [""]
    else:
        out += [f"No two actors took sides (favor or against) in the same {word} on this issue.", ""]
    out += ["## Quotes by actor", ""]
    for ent in model.actors.values():
        if issue in ent.preds:
            ev = ent.evidence[issue]
            out += [f"### [{md(ent.title)}](../actors/{ent.slug}.md#{quotes_id(model.issue_slugs[issue])})", "",
                    f"{plural(ev.total, 'statement')}, by date", "", *quotes.lines(ev.dated + ev.undated, "../"), ""]
    return "\n".join(out)


def render_markdown(model: ReportModel, doc_links: bool = False) -> dict[str, str]:
    """Every Markdown page by its path under the report folder; ``doc_links``: the HTML pages are written
    beside them (quotes link to their article's page, sections to their chart)."""
    quotes = Quotes(model, doc_links)
    out = {f"actors/{ent.slug}.md": actor_md(ent, quotes) for ent in model.entities()}
    out.update((f"issues/{model.issue_slugs[i]}.md", issue_md(i, quotes)) for i in model.issue_ids)
    out["index.md"] = index_md(model, quotes)
    return out


def write_markdown(model: ReportModel, out_dir: Path, doc_links: bool = False) -> Path:
    """Write index.md, actors/<slug>.md and issues/<slug>.md; return the index path."""
    pages: Mapping[str, str] = render_markdown(model, doc_links)
    write_pages(pages, out_dir)
    return out_dir / "index.md"
