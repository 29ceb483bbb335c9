"""The report: self-contained HTML (inline CSS and SVG), Markdown and JSON.

``write_report(positions, out_dir, issues=...)`` writes::

    index.html            summary, actors x issues grid (each cell linked to its quotes), group grid,
                          latest shifts, disagreements
    actors/<slug>.html    per issue: current position and score in words, timeline chart (shared time axis,
                          downloadable as SVG), scores by period, shifts with quotes, every quote
    issues/<slug>.html    every actor's line and chart on one issue, its actor network, every quote by actor
    docs/<slug>.html      article text with each quote in <mark id="s-<statement_id>"> (given articles)
    index.md, actors/<slug>.md, issues/<slug>.md
    report.json

Modules: ``view`` (the view model), ``wording`` (the sentences every format shares), ``svg`` and ``swarm``
(timelines), ``network_chart`` (the actor network), ``paths`` (page anchors), ``html``, ``markdown``,
``jsonout``, ``select`` (``--actor`` names).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from stance.errors import StanceError
from stance.positions.aggregate import Positions, aggregate
from stance.positions.periods import overlaps
from stance.records import Article, Issue, PartialDate, StancePrediction
from stance.report.html import write_html
from stance.report.jsonout import write_json
from stance.report.markdown import write_markdown
from stance.report.select import match_actors, no_match_message
from stance.report.view import ReportModel, build_model

FORMATS = ("html", "md", "json")

__all__ = ["FORMATS", "ReportModel", "build_model", "filter_positions", "match_actors", "no_match_message",
           "write_report"]


def _as_date(value: str | PartialDate | None, name: str) -> PartialDate | None:
    if value is None or isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise StanceError(f"{name}: {exc}") from None


def _matcher(who: set[str] | None, issue: str | None, since: PartialDate | None, until: PartialDate | None):
    """A predicate on predictions: by actor_id among ``who`` (None: any).  Dates match when the statement's
    date can fall in [since, until]."""
    what = issue.casefold() if issue else None

    def keep(p: StancePrediction) -> bool:
        st = p.statement
        if who is not None and st.actor_id not in who:
            return False
        if what and p.issue.casefold() != what:
            return False
        if since or until:
            return st.date is not None and overlaps(st.date.start(), st.date.end(), since, until)
        return True

    return keep


def filter_positions(positions: Positions, actor: str | None = None, issue: str | None = None,
                     since: str | PartialDate | None = None, until: str | PartialDate | None = None,
                     parents: Mapping[str, str] | None = None) -> Positions:
    """The positions recomputed on the predictions that match every given filter.

    ``actor`` matches an actor_id or a name, or else a part of one (``imran`` for Imran Khan; see
    :func:`~stance.report.select.match_actors`), ``issue`` an issue id (both case-insensitive).
    ``since`` / ``until`` are partial dates (``2021``, ``2021-06``, ``2021-06-03``); a statement is kept
    when its own date can fall in the range, so undated statements drop out of a date filter.
    ``parents`` is passed to :func:`~stance.positions.aggregate.aggregate`, with the
    original ``period``.
    """
    who = {i for i, _ in match_actors(positions.predictions, actor)} if actor else None
    keep = _matcher(who, issue, _as_date(since, "since"), _as_date(until, "until"))
    return aggregate([p for p in positions.predictions if keep(p)], positions.period, parents)


def write_report(positions: Positions, out_dir: str | Path, *, issues: Mapping[str, Issue],
                 articles: Mapping[str, Article] | None = None, formats: Sequence[str] = FORMATS,
                 actor: str | None = None, issue: str | None = None, since: str | None = None,
                 until: str | None = None, parents: Mapping[str, str] | None = None,
                 title: str = "Stance report") -> Path:
    """Write the report under out_dir and return the path of the main file
    (index.html, or index.md / report.json when html is not among formats).

    With any of ``actor`` / ``issue`` / ``since`` / ``until`` the positions are
    first narrowed by :func:`filter_positions` (using ``parents``).
    """
    wanted = [f.lower() for f in formats]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown or not wanted:
        raise StanceError(f"formats must be among {', '.join(FORMATS)}, found {', '.join(unknown) or 'none'}")
    filters = {"actor": actor, "issue": issue, "since": since, "until": until}
    if any(filters.values()):
        positions = filter_positions(positions, actor, issue, since, until, parents)
    model = build_model(positions, issues, articles=articles,
                        parents=parents, title=title, filters=filters)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    if "json" in wanted:
        written["json"] = write_json(model, out)
    if "md" in wanted:
        written["md"] = write_markdown(model, out, doc_links="html" in wanted)
    if "html" in wanted:
        written["html"] = write_html(model, out)
    return next(written[f] for f in ("html", "md", "json") if f in written)
