#!/usr/bin/env python
"""Scale of aggregation and reporting: a generated corpus of labelled
statements (default 100,000 over 200 actors, 5 issues and 5 years) is
aggregated and rendered (HTML, Markdown, JSON); prints seconds per stage,
peak memory and, when Chromium is installed, how long the index page takes
to load in headless Chromium against a blank page in the same run.

    python scripts/benchmark_positions.py [--statements 100000] [--actors 200] [--years 5]
        [--out /tmp/stance-scale] [--formats html,md,json]

The generated actors belong to 20 parties in 4 countries; each actor drifts
or flips on some issues so that shifts exist; 5% of dates are month-only and
1% missing.  Writes only under --out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from stance.positions.aggregate import aggregate
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement
from stance.report import write_report

ISSUES = {i: Issue(i, i.replace("_", " "), f"target {i}") for i in
          ("military_bases", "safe_havens", "intelligence_sharing", "joint_operations", "drone_strikes")}


def generate(n: int, n_actors: int, years: int, seed: int = 0):
    """(predictions, articles, parents) of a synthetic corpus."""
    rng = random.Random(seed)
    parties = [f"Party {k}" for k in range(20)]
    parents = {p: f"Country {k % 4}" for k, p in enumerate(parties)}
    actors = [(f"a{k}", f"Actor {k}", parties[k % len(parties)]) for k in range(n_actors)]
    leaning = {(a[0], i): rng.uniform(-1, 1) for a in actors for i in ISSUES}
    flip = {(a[0], i): rng.random() < 0.15 for a in actors for i in ISSUES}
    first = dt.date(2026 - years, 1, 1)
    per_doc = 5
    preds, texts = [], {}
    for k in range(n):
        actor_id, name, party = actors[rng.randrange(n_actors)]
        issue = rng.choice(list(ISSUES))
        day = first + dt.timedelta(days=rng.randrange(365 * years))
        late = (day - first).days > 365 * years / 2
        mean = leaning[(actor_id, issue)] * (-1 if flip[(actor_id, issue)] and late else 1)
        value = mean + rng.gauss(0, 0.5)
        stance = "favor" if value > 0.3 else "against" if value < -0.3 else "neutral"
        r = rng.random()
        date = None if r < 0.01 else PartialDate(day.year, day.month) if r < 0.06 else \
            PartialDate(day.year, day.month, day.day)
        doc = f"d{k // per_doc}"
        quote = f"{name} said something about {issue} (statement {k})."
        start = len(texts.get(doc, ""))
        texts[doc] = texts.get(doc, "") + quote + "\n\n"
        span = Span(start, start + len(quote), quote)
        st = Statement(f"s{k}", doc, date, actor_id, name, "person", party, "reported", span, span, order=k % per_doc)
        preds.append(StancePrediction(st, issue, stance, rng.uniform(0.4, 1.0)))
    articles = {d: Article(d, t, paragraphs=(Span(0, len(t), t),)) for d, t in texts.items()}
    return preds, articles, parents


def chromium_seconds(page: Path) -> tuple[float, float] | None:
    """(index page, blank page) wall seconds for headless Chromium to load and dump the DOM."""
    browser = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
    if browser is None:
        return None
    blank = page.parent / "blank.html"
    blank.write_text("<!DOCTYPE html><title>blank</title>", encoding="utf-8")
    out = []
    for target in (page, blank):
        started = time.time()
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", target.as_uri()],
                       capture_output=True, timeout=300, check=True)
        out.append(time.time() - started)
    return out[0], out[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--actors", type=int, default=200)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--out", default="/tmp/stance-scale")
    parser.add_argument("--formats", default="html,md,json")
    args = parser.parse_args(argv)

    started = time.time()
    preds, articles, parents = generate(args.statements, args.actors, args.years)
    t_gen = time.time() - started
    started = time.time()
    positions = aggregate(preds, "month", parents, n_documents=len(articles))
    t_agg = time.time() - started
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    started = time.time()
    index = write_report(positions, out, issues=ISSUES, articles=articles, formats=args.formats.split(","),
                         parents=parents)
    t_report = time.time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    files = sum(1 for _ in out.rglob("*") if _.is_file())
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 1e6
    print(f"{args.statements:,} statements, {args.actors} actors, {len(articles):,} documents, {args.years} years")
    print(f"generate {t_gen:.1f} s | aggregate {t_agg:.1f} s ({len(positions.points):,} points, "
          f"{len(positions.group_points):,} group points, {len(positions.shifts):,} shifts) | "
          f"report {t_report:.1f} s ({files:,} files, {size:.0f} MB) | aggregate + report {t_agg + t_report:.1f} s")
    print(f"peak memory {peak:.0f} MB")
    if index.suffix == ".html":
        timing = chromium_seconds(index)
        if timing:
            print(f"headless Chromium: index.html ({index.stat().st_size / 1e6:.1f} MB) loads in {timing[0]:.2f} s, "
                  f"a blank page in {timing[1]:.2f} s (difference {timing[0] - timing[1]:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
