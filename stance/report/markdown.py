"""The report in Markdown: index.md (summary, grids, shifts, disagreements) and actors/<slug>.md.

Record text goes through :func:`md`, which escapes HTML, Markdown emphasis and
table pipes and folds newlines, so a quote can sit in a table cell or a list item.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path

from stance.records import Shift, StancePrediction
from stance.report.view import DISCOVERED, DISCOVERED_SHORT, LATEST, Current, Entity, ReportModel, change

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")


_NEWLINES = re.compile(r"\s*[\r\n]+\s*")
_PLAIN = re.compile(r"[^\\`*_\[\]|&<>\r\n]*")


def md(value: object) -> str:
    """``value`` as inert Markdown text on one line."""
    text = str(value)
    if _PLAIN.fullmatch(text):  # nothing to escape: most names, dates and labels
        return text
    return _NEWLINES.sub(" ", _MD_SPECIAL.sub(r"\\\1", escape(text, quote=False)))


def table(head: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; cells are Markdown already escaped."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _cell(cur: Current | None) -> str:
    return md(cur.text) if cur else ""


def _marker(ent: Entity) -> str:
    """`` (discovered)`` after an actor the registry did not hold, in a list of actors."""
    return f" ({DISCOVERED_SHORT})" if ent.discovered else ""


def _grid(entities: Iterable[Entity], model: ReportModel, corner: str = "Actor") -> str:
    head = [corner] + [md(model.label(i)) for i in model.issue_ids]
    return table(head, ([f"[{md(ent.name)}](actors/{ent.slug}.md){_marker(ent)}"]
                        + [_cell(ent.current.get(i)) for i in model.issue_ids] for ent in entities))


def quote(p: StancePrediction, model: ReportModel, doc_links: bool) -> str:
    """One statement as a list item, from a page under ``actors/``."""
    st = p.statement
    meta = [md(st.actor), md(p.stance) + (" (abstained)" if p.abstained else ""), f"confidence {p.confidence:.2f}",
            md(st.date or "undated"), "sources: " + md(model.sources(st))]
    if doc_links and st.doc_id in model.doc_slugs:
        meta.append(f"[in the text](../docs/{model.doc_slugs[st.doc_id]}.html#s-{md(st.statement_id)})")
    return f"- > {md(st.quote.text)} — " + " · ".join(meta)


def _quotes(preds: Iterable[StancePrediction], model: ReportModel, doc_links: bool) -> list[str]:
    return [quote(p, model, doc_links) for p in preds] or ["- (none)"]


def _shift(s: Shift, model: ReportModel, doc_links: bool, heading: str) -> list[str]:
    return [f"{heading} {md(s.date)}: {md(change(s))}", "", "Before:", "",
            *_quotes(model.evidence(s.before_ids, s.issue), model, doc_links), "", "After:", "",
            *_quotes(model.evidence(s.after_ids, s.issue), model, doc_links), ""]


def index_md(model: ReportModel, doc_links: bool) -> str:
    c = model.positions.corpus
    summary = [("Documents", c.n_documents),
               ("Date range", f"{c.first_date} to {c.last_date}" if c.first_date else "none"),
               ("Statements", c.n_statements), ("Scored pairs", c.n_scored), ("Undated statements", c.n_undated),
               ("Period", model.positions.period)] + [(f"Filter: {k}", v) for k, v in model.filters.items()]
    out = [f"# {md(model.title)}", "", table(["", ""], ([md(k), md(v)] for k, v in summary)), "## Issues", ""]
    out += [f"- {md(model.label(i))}: favor = {md(model.issues[i].target)}" for i in model.issue_ids]
    out += ["", "## Current positions", "", _grid(model.actors.values(), model)]
    if any(ent.discovered for ent in model.actors.values()):
        out += [f"({DISCOVERED_SHORT}): {DISCOVERED}; `stance actors suggest` drafts their registry entries.", ""]
    out += ["## Groups (roll-ups of affiliations)", "", _grid(model.groups.values(), model, "Group"),
            "## Latest shifts", ""]
    rows = model.latest_shifts(LATEST)
    if not rows:
        out += ["No shifts found.", ""]
    for s, ent in rows:
        heading = f"### [{md(ent.name)}](actors/{ent.slug}.md) on {md(model.label(s.issue))},"
        out += _shift(s, model, doc_links, heading)
    disagreements = sorted(model.positions.disagreements, key=lambda d: d.period, reverse=True)[:LATEST]
    out += ["## Internal disagreements", ""]
    out.append(table(["Group", "Issue", "Period", "Favor", "Against"], (
        [md(d.group), md(model.label(d.issue)), md(d.period), md(", ".join(d.favor)), md(", ".join(d.against))]
        for d in disagreements)) if disagreements else "No internal disagreements found.\n")
    return "\n".join(out)


def actor_md(ent: Entity, model: ReportModel, doc_links: bool) -> str:
    out = [f"# {md(ent.name)}", "", md("group roll-up" if ent.kind == "group" else ent.actor_type)
           + (f" · {md(ent.affiliation)}" if ent.affiliation else "") + (f" · {DISCOVERED}" if ent.discovered else ""),
           ""]
    issues = [i for i in model.issue_ids if i in ent.preds]
    if ent.kind == "group":
        voices = [model.actors[a] for a, _ in ent.voices()]
        out += ["## Voices", "", table(["Member"] + [md(model.label(i)) for i in issues],
                                       ([md(v.name) + _marker(v)] + [_cell(v.current.get(i)) for i in issues]
                                        for v in voices))]
    for issue in issues:
        preds = ent.preds[issue]
        out += [f"## {md(model.label(issue))}", "", f"favor = {md(model.issues[issue].target)}", "",
                f"**Current position:** {md(ent.current[issue].text)}", ""]
        if ent.shifts.get(issue):
            out += ["### Shifts", ""]
            for s in ent.shifts[issue]:
                out += _shift(s, model, doc_links, "####")
        dated = [p for p in preds if p.statement.date]
        undated = [p for p in preds if not p.statement.date]
        if dated:
            out += ["### Statements", "", *_quotes(dated, model, doc_links), ""]
        if undated:
            out += ["### Undated", "", *_quotes(undated, model, doc_links), ""]
    return "\n".join(out)


def write_markdown(model: ReportModel, out_dir: Path, doc_links: bool = False) -> Path:
    """Write index.md and actors/<slug>.md; ``doc_links`` links quotes to the HTML doc pages."""
    (out_dir / "actors").mkdir(parents=True, exist_ok=True)
    for ent in model.entities():
        (out_dir / "actors" / f"{ent.slug}.md").write_text(actor_md(ent, model, doc_links), encoding="utf-8")
    index = out_dir / "index.md"
    index.write_text(index_md(model, doc_links), encoding="utf-8")
    return index
