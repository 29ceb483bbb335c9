#!/usr/bin/env python
"""How long the report takes for a generated corpus (default 10,000 statements, 60 actors in 5 parties,
2 issues, 4 years): the view model, each format rendered to text, and the files written, each the best
of ``--repeat`` runs, as wall-clock and CPU seconds (the CPU figure holds on a busy machine).

    python scripts/benchmark_report.py [--statements 10000] [--actors 60] [--issues 2] [--years 4]
        [--repeat 3] [--out DIR]

Statements drift or flip per actor and issue so that shifts exist; 5% of dates are month-only and 1%
missing; documents carry a title, an outlet and a date; 2% of labels are marked checked by a person.
Prints one line per stage and the total ("render" is everything but writing files).  Writes only under
--out (default: a temporary folder, removed after).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stance.positions.aggregate import aggregate
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement
from stance.report.html import render_html
from stance.report.jsonout import dumps, report_dict
from stance.report.markdown import render_markdown
from stance.report.paths import write_pages
from stance.report.view import build_model


def generate(n: int, n_actors: int, n_issues: int, years: int, seed: int = 0):
    """(predictions, articles, parents, issues) of a synthetic corpus."""
    rng = random.Random(seed)
    issues = {f"issue_{k}": Issue(f"issue_{k}", f"Issue {k}", f"target {k}") for k in range(n_issues)}
    parties = [f"Party {k}" for k in range(5)]
    parents = {p: f"Country {k % 2}" for k, p in enumerate(parties)}
    actors = [(f"a{k}", f"Actor {k}", parties[k % len(parties)]) for k in range(n_actors)]
    leaning = {(a[0], i): rng.uniform(-1, 1) for a in actors for i in issues}
    flip = {(a[0], i): rng.random() < 0.15 for a in actors for i in issues}
    first = dt.date(2026 - years, 1, 1)
    preds, texts, dates = [], {}, {}
    for k in range(n):
        actor_id, name, party = actors[rng.randrange(n_actors)]
        issue = rng.choice(list(issues))
        day = first + dt.timedelta(days=rng.randrange(365 * years))
        late = (day - first).days > 365 * years / 2
        value = leaning[(actor_id, issue)] * (-1 if flip[(actor_id, issue)] and late else 1) + rng.gauss(0, 0.5)
        stance = "favor" if value > 0.3 else "against" if value < -0.3 else "neutral"
        r = rng.random()
        date = None if r < 0.01 else PartialDate(day.year, day.month) if r < 0.06 else \
            PartialDate(day.year, day.month, day.day)
        doc = f"d{k // 5}"
        quote = f"{name} said something about {issues[issue].label} (statement {k})."
        start = len(texts.get(doc, ""))
        texts[doc] = texts.get(doc, "") + quote + "\n\n"
        dates.setdefault(doc, date)
        span = Span(start, start + len(quote), quote)
        st = Statement(f"s{k}", doc, date, actor_id, name, "person", party, "direct", span, span, order=k)
        preds.append(StancePrediction(st, issue, stance, rng.uniform(0.4, 1.0),
                                      checked_by="coder-1" if rng.random() < 0.02 else None))
    articles = {d: Article(d, t, dates[d], f"Outlet {int(d[1:]) % 7}", title=f"Report number {d[1:]}",
                           paragraphs=(Span(0, len(t), t),)) for d, t in texts.items()}
    return preds, articles, parents, issues


def best(repeat: int, run: Callable[[], Any]) -> tuple[float, float, Any]:
    """(least wall seconds, least CPU seconds, the last result) of ``repeat`` runs of ``run``."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        result = run()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return min(walls), min(cpus), result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=10_000)
    ap.add_argument("--actors", type=int, default=60)
    ap.add_argument("--issues", type=int, default=2)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()

    preds, articles, parents, issues = generate(args.statements, args.actors, args.issues, args.years)
    positions = aggregate(preds, "month", parents)
    out = args.out or Path(tempfile.mkdtemp(prefix="stance-report-"))
    stages: list[tuple[str, float, float]] = []

    wall, cpu, model = best(args.repeat, lambda: build_model(positions, issues, articles=articles, parents=parents))
    stages.append(("view model", wall, cpu))
    wall, cpu, html = best(args.repeat, lambda: render_html(model))
    stages.append((f"html ({len(html)} pages)", wall, cpu))
    wall, cpu, md = best(args.repeat, lambda: render_markdown(model, doc_links=True))
    stages.append((f"markdown ({len(md)} pages)", wall, cpu))
    wall, cpu, js = best(args.repeat, lambda: dumps(report_dict(model)))
    stages.append(("json", wall, cpu))
    pages = {**html, **md, "report.json": js}
    wall, cpu, _ = best(args.repeat, lambda: write_pages(pages, out))
    megabytes = sum(len(t.encode("utf-8")) for t in pages.values()) / 1e6
    writing = (f"write ({len(pages)} files, {megabytes:.1f} MB)", wall, cpu)

    print(f"{args.statements} statements, {len(model.actors)} actors, {len(model.groups)} groups, "
          f"{len(issues)} issues, {len(model.doc_slugs)} documents (best of {args.repeat})")
    for name, wall, cpu in [*stages, writing]:
        print(f"  {name:<32} {wall:6.3f} s wall  {cpu:6.3f} s CPU")
    print(f"  {'render (all but writing)':<32} {sum(s[1] for s in stages):6.3f} s wall  "
          f"{sum(s[2] for s in stages):6.3f} s CPU")
    print(f"  {'total':<32} {sum(s[1] for s in stages) + writing[1]:6.3f} s wall  "
          f"{sum(s[2] for s in stages) + writing[2]:6.3f} s CPU")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
