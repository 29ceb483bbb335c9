"""The report opens fast in a browser: a list of quotes and a chart are laid out only near the screen
(``content-visibility:auto``), with room held for them, so a link into a long list still lands on its quote."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest
from test_report import Tree, parse
from test_report_pages import ISSUES, build

from stance.positions.aggregate import aggregate
from stance.records import PartialDate, Span, StancePrediction, Statement
from stance.report import write_report
from stance.report.html import CAPTION_HEIGHT, CSS, QUOTE_HEIGHT
from stance.report.svg import date_range, view_height

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)


def _benchmark():
    """scripts/benchmark_report.py as a module: its corpus generator and its DevTools client."""
    spec = importlib.util.spec_from_file_location("benchmark_report", ROOT / "scripts" / "benchmark_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("benchmark_report", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("small")
    preds, articles = build()
    write_report(aggregate(preds), out, issues=ISSUES, articles=articles, formats=["html"])
    return out


def test_lists_and_charts_hold_their_room_until_drawn(small):
    assert "ul.quotes{list-style:none;padding:0;content-visibility:auto}" in CSS
    assert "figure{margin:8px 0;content-visibility:auto}" in CSS
    lists = figures = 0
    for page in ("actors/ana.html", "actors/green-party.html", "issues/dam.html"):
        root = parse(small / page)
        for ul in root.find_all("ul", "quotes"):
            n = len(ul.find_all("li"))
            assert ul.attrs["style"] == f"contain-intrinsic-height:auto {QUOTE_HEIGHT * n}px"
            lists += 1
        for figure in root.find_all("figure"):
            (svg, *_) = figure.find_all("svg")
            height = int(svg.attrs["viewbox"].split()[3]) + CAPTION_HEIGHT
            assert figure.attrs["style"] == f"contain-intrinsic-height:auto {height}px"
            figures += 1
    assert lists >= 6 and figures >= 5


def test_view_height_and_date_range():
    assert view_height('<svg class="chart" viewBox="0 0 720 264" role="img">') == 264.0
    assert view_height('<p class="meta">No dated statements to chart.</p>') is None

    def pred(date: PartialDate | None) -> StancePrediction:
        span = Span(0, 1, "x")
        st = Statement("s", "d", date, "a", "A", "person", None, "direct", span, span)
        return StancePrediction(st, "dam", "favor", 0.9)

    # a month-only date at the end reaches to its month's last day; undated statements are left out
    dates = [PartialDate(2020, 3, 5), PartialDate(2020, 1, 9), PartialDate(2020, 3), None]
    assert date_range([pred(d) for d in dates]) == (dt.date(2020, 1, 9), dt.date(2020, 3, 31))
    assert date_range([pred(None)]) is None


@pytest.mark.skipif(CHROMIUM is None, reason="needs a chromium, chromium-browser or google-chrome binary")
def test_a_link_into_a_long_list_lands_on_its_quote(tmp_path):
    """In Chromium, the lists are skipped while off screen, yet a link to a quote deep in a long list, or to a
    list from the index grid, scrolls that quote or list to the top of the window."""
    bench = _benchmark()
    preds, articles, parents, issues = bench.generate(1500, 2, 1, 4)
    write_report(aggregate(preds, "month", parents), tmp_path, issues=issues, articles=articles, formats=["html"])
    page = tmp_path / "actors" / "a0.html"
    ids = re.findall(r'<li class="\w+" id="(q-issue-0-s\d+)"', page.read_text(encoding="utf-8"))
    assert len(ids) > 600
    grid = [a.attrs["href"] for a in Tree((tmp_path / "index.html").read_text(encoding="utf-8")).root.find_all("a")
            if a.attrs.get("href", "").startswith("actors/a0.html#quotes-")]
    assert grid == ["actors/a0.html#quotes-issue-0"]
    where = ("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {{ try {{"
             "const target = document.getElementById({target!r});"
             "done([getComputedStyle(target.closest('ul.quotes') || target.querySelector('ul.quotes'))"
             ".contentVisibility, Math.round(target.getBoundingClientRect().top), scrollY]);"
             "}} catch (error) {{ done([String(error), null, null]); }} }})))")
    browser = bench.Chromium(CHROMIUM)
    try:
        landed = {}
        for url, target in [(f"{page.as_uri()}#{ids[len(ids) // 3]}", ids[len(ids) // 3]),
                            (f"{page.as_uri()}#{ids[len(ids) // 2]}", ids[len(ids) // 2]),
                            (f"{page.as_uri()}#{grid[0].partition('#')[2]}", "quotes-issue-0")]:
            browser.open(url)
            answer = browser.send("Runtime.evaluate", {"expression": where.format(target=target),
                                                       "awaitPromise": True, "returnByValue": True},
                                  session=browser.session)
            landed[target] = answer["result"]["value"]
    finally:
        browser.close()
    for target, (visibility, top, scrolled) in landed.items():
        assert visibility == "auto", target
        deep = 5000 if target.startswith("q-") else 100  # hundreds of quotes above it, or the page's chart
        assert scrolled > deep and abs(top) <= 1, (target, top, scrolled)
