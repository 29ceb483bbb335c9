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

``--open`` then opens the written report in headless Chromium (Debian's ``chromium``), driven over the DevTools
protocol on a pipe (standard library only): the index, the largest speaker page, the largest group page, the
largest issue page and a blank page (the floor), each ``--open-runs`` times in turn after one unmeasured load.
For each it prints the page's size and the medians of: the load event (``loadEventEnd`` of the page's
navigation timing, from the start of the navigation), the first frame drawn after it (two animation frames:
style, layout and paint done), and the wall time from asking for the page to its load event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import select
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from stance.positions.aggregate import aggregate
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement
from stance.report.html import render_html
from stance.report.jsonout import dumps, report_dict
from stance.report.markdown import render_markdown
from stance.report.paths import write_pages
from stance.report.view import Entity, build_model


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
    preds: list[StancePrediction] = []
    texts: dict[str, str] = {}
    dates: dict[str, PartialDate | None] = {}
    for k in range(n):
        actor_id, name, party = actors[rng.randrange(n_actors)]
        issue = rng.choice(list(issues))
        day = first + dt.timedelta(days=rng.randrange(365 * years))
        late = (day - first).days > 365 * years / 2
        value = leaning[(actor_id, issue)] * (-1 if flip[(actor_id, issue)] and late else 1) + rng.gauss(0, 0.5)
        stance: Literal["favor", "against", "neutral"] = \
            "favor" if value > 0.3 else "against" if value < -0.3 else "neutral"
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


class Chromium:
    """Headless Chromium driven over ``--remote-debugging-pipe`` (commands on fd 3, answers on fd 4, each a JSON
    message ended by a NUL byte): enough of the DevTools protocol to open pages and read their timing."""

    FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--hide-scrollbars", "--window-size=1280,900")

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="stance-chromium-")
        to_browser, commands = os.pipe()
        answers, from_browser = os.pipe()

        def child_fds() -> None:  # in the child: the read end of our commands as fd 3, its answers to fd 4
            read, write = os.dup(to_browser), os.dup(from_browser)
            os.dup2(read, 3)
            os.dup2(write, 4)
            os.set_inheritable(3, True)  # dup2 onto itself would leave it closed on exec
            os.set_inheritable(4, True)

        self.proc = subprocess.Popen([binary, *self.FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
                                     preexec_fn=child_fds, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self.commands, self.answers = commands, answers
        self.buffer, self.last_id = b"", 0
        self.events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Page.enable", session=self.session)

    def _message(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                raise TimeoutError(f"expected an answer from Chromium within {self.timeout:.0f} s, found none; "
                                   "check that `chromium --headless --remote-debugging-pipe` starts here")
            chunk = os.read(self.answers, 1 << 20)
            if not chunk:
                raise RuntimeError(f"expected Chromium to keep its DevTools pipe open, found it closed "
                                   f"(exit status {self.proc.poll()})")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Run one DevTools command and return its result (events that arrive meanwhile are kept)."""
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            answer = self._message()
            if answer.get("id") == self.last_id:
                if "error" in answer:
                    raise RuntimeError(f"Chromium refused {method}: {answer['error']}")
                return answer.get("result", {})
            self.events.append(answer)

    def wait_for(self, event: str) -> None:
        """Until the page's session reports ``event`` (``Page.loadEventFired``)."""
        while True:
            for k, message in enumerate(self.events):
                if message.get("method") == event and message.get("sessionId") == self.session:
                    del self.events[k]
                    return
            self.events.append(self._message())

    # The page's own clock: loadEventEnd from the navigation's start, then the time after two animation frames
    # (the first frame drawn after load).  Read over DevTools: the pages themselves run no script.
    TIMING = ("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(["
              "performance.getEntriesByType('navigation')[0].loadEventEnd, performance.now()]))))")

    def open(self, url: str) -> tuple[float, float, float]:
        """(load event, first frame after it, wall from asking to the load event), in milliseconds."""
        self.send("Page.navigate", {"url": "about:blank"}, session=self.session)
        self.wait_for("Page.loadEventFired")
        self.events.clear()
        start = time.perf_counter()
        self.send("Page.navigate", {"url": url}, session=self.session)
        self.wait_for("Page.loadEventFired")
        wall = (time.perf_counter() - start) * 1000
        result = self.send("Runtime.evaluate", {"expression": self.TIMING, "awaitPromise": True,
                                                "returnByValue": True}, session=self.session)
        load, frame = result["result"]["value"]
        return load, frame, wall

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.proc.wait(timeout=10)
        except (OSError, RuntimeError, TimeoutError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        os.close(self.commands)
        os.close(self.answers)
        shutil.rmtree(self.profile, ignore_errors=True)


def chromium_binary() -> str:
    found = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
    if found is None:
        raise SystemExit("--open: expected a chromium, chromium-browser or google-chrome binary on PATH, found none; "
                         "install Debian's chromium package")
    return found


def open_times(pages: list[tuple[str, Path]], runs: int) -> None:
    """Print how long headless Chromium takes to open each of ``pages`` ((label, file)) and a blank page (the
    floor): medians of ``runs`` loads, taken in turn after one unmeasured load of each."""
    blank_dir = Path(tempfile.mkdtemp(prefix="stance-blank-"))
    blank = blank_dir / "blank.html"
    blank.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head>'
                     "<body></body></html>", encoding="utf-8")
    files = [*pages, ("blank page (floor)", blank)]
    sizes = {path: path.stat().st_size for _, path in files}
    times: dict[Path, list[tuple[float, float, float]]] = {path: [] for _, path in files}
    browser = Chromium(chromium_binary())
    try:
        for _, path in files:  # the files come off the disk and the browser's code is warm
            browser.open(path.as_uri())
        for _ in range(runs):
            for _, path in files:
                times[path].append(browser.open(path.as_uri()))
    finally:
        browser.close()
        shutil.rmtree(blank_dir, ignore_errors=True)
    print(f"headless Chromium, median of {runs} (ms): load event, first frame after it, wall to load event")
    for label, path in files:
        load, frame, wall = (statistics.median(t[k] for t in times[path]) for k in range(3))
        print(f"  {label:<22} {path.name:<22} {sizes[path]:>10,} bytes {load:7.0f} {frame:7.0f} {wall:7.0f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--statements", type=int, default=10_000)
    ap.add_argument("--actors", type=int, default=60)
    ap.add_argument("--issues", type=int, default=2)
    ap.add_argument("--years", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--open", action="store_true", help="then time opening the largest pages in headless Chromium")
    ap.add_argument("--open-runs", type=int, default=5, help="loads of each page with --open (the median is printed)")
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
    if args.open:
        def largest(entities: list[Entity]) -> Path:
            return max((out / f"actors/{ent.slug}.html" for ent in entities), key=lambda f: (f.stat().st_size, f))

        issue_pages = [out / f"issues/{slug}.html" for slug in model.issue_slugs.values()]
        open_times([("index", out / "index.html"), ("largest speaker page", largest(list(model.actors.values()))),
                    ("largest group page", largest(list(model.groups.values()))),
                    ("largest issue page", max(issue_pages, key=lambda f: (f.stat().st_size, f)))], args.open_runs)
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
