"""The report as an analyst reads it: every link lands, charts carry axis, legend and labels, counts agree."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_report import Node, Tree, drawn, grid, marks, parse
from test_report import build as build_small

from stance.positions.aggregate import aggregate, position
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement
from stance.report import write_report
from stance.report.svg import MAX_MARKS, timeline_svg
from stance.report.swarm import Mark, place
from stance.report.view import build_model

MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
MD_ANCHOR = re.compile(r'<a id="([^"]+)"></a>')

ISSUES = {"dam": Issue("dam", "Big Dam", "building the dam"), "tax": Issue("tax", "Carbon tax", "a carbon tax")}
ACTORS = {  # actor_id: (name, type, affiliation)
    "ana": ("Ana Li", "person", "Green Party"),
    "cy": ("Cy Diaz", "person", "Green Party"),
    "gp": ("Green Party", "organisation", None),  # speaks itself, and is the roll-up of Ana and Cy
    "dan": ("Dan Roe", "person", None),
}
ROWS = [  # statement_id, actor_id, issue, stance, confidence, date, doc_id, checked_by
    ("s1", "ana", "dam", "favor", 0.9, "2020-01-10", "d1", None),
    ("s2", "ana", "dam", "favor", 0.8, "2020-03", "d2", None),
    ("s3", "ana", "dam", "against", 0.9, "2021-06-02", "d3", "coder-1"),
    ("s4", "ana", "dam", "against", 0.85, "2021-07-01", "d4", None),
    *((f"c{k}", "cy", "dam", "favor", 0.5 + k / 10, "2021-06-15", "d4", None) for k in range(6)),  # one day
    ("s11", "gp", "dam", "against", 0.9, "2021-06-20", "d6", None),
    ("s12", "dan", "tax", "favor", 0.9, "2017-10-03", "d7", None),
    ("s13", "dan", "tax", "against", 0.9, "2017-10-20", "d8", "coder-2"),
    ("s14", "ana", "tax", "neutral", 0.6, None, "d2", None),
    ("s15", "dan", "dam", "against", 0.7, "2021-06-10", "d3", None),
    ("s16", "ana", "tax", "favor", 0.7, "2019-05-05", "d9", None),
]
DOCS = {  # doc_id: (title, outlet, date); d8 has nothing but its id
    "d1": ("Dam plan unveiled", "Valley Times", "2020-01-10"), "d2": (None, "River Post", "2020-03"),
    "d3": ("Minister turns on the dam", "Valley Times", "2021-06-02"), "d4": ("Party split", None, "2021-07-01"),
    "d6": ("Green Party statement", "Green Party", "2021-06-20"), "d7": ("Roe backs tax", "Daily Ledger", None),
    "d8": (None, None, None), "d9": ("Ana on tax", "River Post", "2019-05-05"),
}


def quote_of(sid: str, name: str, issue: str, stance: str) -> str:
    return f"{name} spoke on {issue} ({stance}, {sid})."


def build(rows=ROWS):
    """(predictions, articles) with titles, outlets and dates; each doc's text is its quotes."""
    texts: dict[str, str] = {}
    preds = []
    for sid, actor_id, issue, stance, conf, date, doc, checked in rows:
        name, kind, aff = ACTORS[actor_id]
        quote = quote_of(sid, name, issue, stance)
        start = len(texts[doc]) + 2 if doc in texts else 0
        texts[doc] = (texts[doc] + "\n\n" if doc in texts else "") + quote
        span = Span(start, start + len(quote), quote)
        st = Statement(sid, doc, PartialDate.parse(date) if date else None, actor_id, name, kind, aff, "direct",
                       span, span)
        preds.append(StancePrediction(st, issue, stance, conf, checked_by=checked))
    articles = {}
    for doc, text in texts.items():
        title, outlet, date = DOCS[doc]
        articles[doc] = Article(doc, text, PartialDate.parse(date) if date else None, outlet,
                                paragraphs=(Span(0, len(text), text),), title=title)
    return preds, articles


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    preds, articles = build()
    positions = aggregate(preds)
    write_report(positions, out, issues=ISSUES, articles=articles)
    return out, build_model(positions, ISSUES, articles=articles)


# --- links -----------------------------------------------------------------------------------------------------


def links_and_ids(path: Path) -> tuple[list[str], set[str]]:
    """(every href/src of an HTML or Markdown file, every id it defines)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        return MD_LINK.findall(text), set(MD_ANCHOR.findall(text))
    root = Tree(text).root
    refs, ids, stack = [], set(), [root]
    while stack:
        node = stack.pop()
        for child in node.children:
            if isinstance(child, str):
                continue
            refs += [v for k, v in child.attrs.items() if k in ("href", "src", "xlink:href")]
            ids |= {v for k, v in child.attrs.items() if k == "id" or (k == "name" and child.tag == "a")}
            stack.append(child)
    return refs, ids


def broken_links(out_dir: Path) -> list[str]:
    """``page: link (why)`` for each relative link whose file or #anchor is missing."""
    pages = sorted(p for p in out_dir.rglob("*") if p.suffix in (".html", ".md"))
    cache = {p: links_and_ids(p) for p in pages}
    broken = []
    for page in pages:
        for ref in cache[page][0]:
            parts = urlsplit(ref)
            if parts.scheme:  # data: URIs (chart downloads); the report names no other scheme
                assert parts.scheme == "data", f"{page}: {ref}"
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            where = f"{page.relative_to(out_dir)}: {ref}"
            if not target.is_file():
                broken.append(f"{where} (no file)")
            elif parts.fragment:
                ids = cache[target][1] if target in cache else set()
                if unquote(parts.fragment) not in ids:
                    broken.append(f"{where} (no #{parts.fragment})")
    return broken


def test_broken_links_are_found(tmp_path):
    """The crawler finds what index.md linked to before: ``../docs/`` from the report's root."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "d1.html").write_text('<p id="s-s1">x</p>', encoding="utf-8")
    (tmp_path / "index.md").write_text("[a](../docs/d1.html#s-s1) [b](docs/d1.html#s-s1) [c](docs/d1.html#s-s2)",
                                       encoding="utf-8")
    assert broken_links(tmp_path) == ["index.md: ../docs/d1.html#s-s1 (no file)",
                                      "index.md: docs/d1.html#s-s2 (no #s-s2)"]


@pytest.mark.parametrize(("builder", "formats"), [(build, ("html", "md")), (build_small, ("html", "md")),
                                                  (build, ("md",))], ids=["pages", "small", "markdown-alone"])
def test_every_link_in_html_and_markdown_lands(tmp_path, builder, formats):
    preds, articles = builder()
    write_report(aggregate(preds), tmp_path, issues=ISSUES, articles=articles, formats=formats)
    assert broken_links(tmp_path) == []
    md = list(tmp_path.rglob("*.md"))
    assert {p.parent.name for p in md} == {tmp_path.name, "actors", "issues"}
    assert len(list(tmp_path.rglob("*.html"))) == (0 if formats == ("md",) else len(md) + len(articles))


# --- charts ----------------------------------------------------------------------------------------------------


def texts(node: Node, tag: str, cls: str | None = None) -> list[str]:
    return [n.text() for n in node.find_all(tag, cls)]


def charts(page: Node) -> list[Node]:
    return page.find_all("svg", "chart")


def test_chart_has_numeric_axis_legend_title_and_desc(report):
    out, _ = report
    (chart,) = charts(parse(out / "actors" / "ana.html"))[:1]
    assert texts(chart, "text", "yl") == ["+1 favor", "+0.5", "0 neutral", "-0.5", "-1 against"]
    assert chart.children[0].tag == "title" and chart.children[0].text() == "Ana Li on Big Dam: position over time"
    assert chart.children[1].tag == "desc" and chart.children[1].text().startswith(
        "4 dated statements by Ana Li on Big Dam from 2020-01-10 to 2021-07-01: 2 favor, 2 against, 0 neutral; "
        "shifts: 2021-06-02: toward against. Latest score")
    (legend,) = chart.find_all("g", "legend")
    assert texts(legend, "text") == ["score per month", "95% interval", "current position", "shift",
                                     "favor statement", "against statement", "neutral statement",
                                     "size: confidence 0.2 to 1"]
    assert texts(chart, "text", "xl")[:3] == ["2019-07", "2019-10", "2020-01"]  # under 3 years: every 3 months


def test_line_breaks_where_a_month_has_no_statement(report):
    out, _ = report
    chart = charts(parse(out / "actors" / "ana.html"))[0]
    lines = drawn(chart, "polyline", "pos")
    assert len(lines) == 3  # 2020-01 | 2020-03 | 2021-06 and 2021-07: two gaps, three pieces
    assert [len(line.attrs["points"].split()) for line in lines] == [3, 3, 4]


def ticks(chart: Node) -> list[tuple[str, str]]:
    return [(t.attrs["x"], t.text()) for t in chart.find_all("text", "xl")]


def test_charts_of_a_page_share_one_time_axis(report):
    out, _ = report
    ana = charts(parse(out / "actors" / "ana.html"))
    assert len(ana) == 2 and ticks(ana[0]) == ticks(ana[1])  # dam (2020-2021) and tax (2019) on one axis
    assert [t for _, t in ticks(ana[0])][::4] == ["2019-07", "2020-07", "2021-07"]
    dam = [c for c in charts(parse(out / "issues" / "dam.html")) if "network" not in c.attrs["class"]]
    assert len(dam) == 5 and len({tuple(ticks(c)) for c in dam}) == 1  # overview and each of four actors


def centre(mark: Node) -> tuple[float, float, float]:
    """A mark's centre and radius: a circle's, or a triangle's (``svg._shape``: tip and base give the centre,
    y = (tip + 2 base) / 3, and the base's half-width 0.866 × 1.35 × r the radius)."""
    if mark.tag == "circle":
        return float(mark.attrs["cx"]), float(mark.attrs["cy"]), float(mark.attrs["r"])
    (x, tip), (right, base), _ = [tuple(map(float, p.split())) for p in re.findall(r"[ML]([-\d. ]+)", mark.attrs["d"])]
    return x, round((tip + 2 * base) / 3, 1), (right - x) / 0.866 / 1.35


def overlaps(centres: list[tuple[float, float, float]]) -> list[tuple[int, int]]:
    """Pairs of marks closer than their radii allow (0.2 pixels of rounding forgiven)."""
    return [(i, j) for i, (x, y, r) in enumerate(centres) for j, (u, v, s) in enumerate(centres[:i])
            if ((x - u) ** 2 + (y - v) ** 2) ** 0.5 < r + s - 0.2]


def test_statement_marks_are_spread_shaped_and_linked(report):
    out, _ = report
    for page in sorted(out.rglob("*.html")):
        for chart in charts(parse(page)):
            centres = [centre(m) for m in marks(chart)]
            assert overlaps(centres) == [], page  # none hides another
            assert len({(x, y) for x, y, _ in centres}) == len(centres), page
    cy = charts(parse(out / "actors" / "cy.html"))[0]
    same_day = [centre(m) for m in marks(cy)]
    day = float(cy.find_all("path", "stmt")[0].attrs["d"][1:].split()[0])
    assert len(same_day) == 6 and [x for x, _, _ in same_day][:4] == [day] * 4
    assert [round(x - day - 2 * r, 1) for x, _, r in same_day[4:]] == [0.6, 0.6]
    # four fit on the day's column of the favor lane; the fifth and sixth step their own width to the right
    ana = charts(parse(out / "actors" / "ana.html"))[0]
    shapes = {(m.tag, m.attrs["class"]) for m in marks(ana)}
    assert shapes == {("path", "stmt favor"), ("path", "stmt against")}  # ▲ and ▼, not colour alone
    links = [a.attrs["href"] for a in ana.find_all("a")]
    assert links == ["#q-dam-s1", "#q-dam-s2", "#q-dam-s3", "#q-dam-s4"]


def test_swarm_steps_aside_then_overlaps_at_distinct_spots():
    placed = place([Mark(100.0, 0.0, 6.0, 1) for _ in range(30)], limit=20)
    assert placed.centres[:4] == ((100.0, 0.0), (100.0, 12.6), (112.6, 0.0), (112.6, 12.6))
    assert {x for x, _ in placed.centres[:14]} == {100.0 + k * 12.6 for k in (-3, -2, -1, 0, 1, 2, 3)}
    assert placed.crowded == 16  # 7 columns of 2 fit: the rest stay on their day, each at its own offset
    assert len(set(placed.centres)) == 30 and all(0 <= y <= 20 for _, y in placed.centres)


def test_too_many_statements_are_summarised_not_drawn():
    preds = [StancePrediction(Statement(f"s{k}", "d", PartialDate(2020, 1, 1 + k % 28), "a", "A", "person", None,
                                        "direct", Span(0, 1, "x"), Span(0, 1, "x")), "dam", "favor", 0.9)
             for k in range(MAX_MARKS + 1)]
    svg = timeline_svg(preds, aggregate(preds).points, title="A on Big Dam")
    root = Tree(svg).root
    assert marks(root) == [] and f"The {MAX_MARKS + 1} statements are too many to draw one by one" in svg
    assert "favor statement" not in svg  # nor in the legend


def test_shifts_are_labelled_and_the_current_position_drawn(report):
    out, model = report
    chart = charts(parse(out / "actors" / "ana.html"))[0]
    assert texts(chart, "text", "shiftl") == ["2021-06-02: toward against"]
    score = model.actors["ana"].current["dam"].score
    assert texts(chart, "text", "nowl") == [f"now {score:+.2f}"] and len(drawn(chart, "line", "now")) == 1


def test_chart_caption_explains_the_score_with_the_actors_numbers(report):
    out, model = report
    page = parse(out / "actors" / "ana.html")
    caption = page.find_all("figcaption")[0].text()
    assert caption.startswith(
        "The line is the score in each month: the balance of favor (+1) over against (-1) in its statements, each "
        "weighted by the model's confidence; it starts at neutral (0) and moves with each statement, so few "
        "statements keep it near 0 (Ana Li's busiest month has 1 statement, and 1 statement all on one side at "
        "full confidence would score only ±0.40). Download this chart (SVG)")
    ana = model.actors["ana"]
    score = position(ana.evidence["dam"].current)[0]
    last = ana.points["dam"][-1]
    section = next(s for s in page.find_all("section") if s.attrs["id"] == "issue-dam")
    assert section.find_all("p")[2].text() == (
        f"Current score {score:+.2f}, from the 2 statements since the shift of 2021-06-02. Latest score "
        f"{last.score:+.2f} (2021-07; 95% interval {last.low:+.2f} to {last.high:+.2f}; 1 statement). "
        "1 of 4 labels checked by a person.")
    assert "<summary>Scores by month (4)</summary>" in (out / "actors" / "ana.html").read_text()


def test_each_chart_downloads_as_a_standalone_svg(report):
    out, _ = report
    page = parse(out / "actors" / "ana.html")
    downloads = page.find_all("a", "download")
    assert [a.attrs["download"] for a in downloads] == ["ana-dam.svg", "ana-tax.svg"]
    prefix = "data:image/svg+xml;base64,"
    svg = base64.b64decode(downloads[0].attrs["href"].removeprefix(prefix)).decode("utf-8")
    assert downloads[0].attrs["href"].startswith(prefix)
    assert svg.startswith('<?xml version="1.0" encoding="utf-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" ')
    root = Tree(svg).root
    (chart,) = root.find_all("svg")
    assert chart.find_all("style") and chart.find_all("title") and chart.find_all("desc")
    assert chart.find_all("a") == [] and len(marks(chart)) == 4  # the page's links dropped, the marks kept
    issue = parse(out / "issues" / "dam.html")
    assert "network-dam.svg" in [a.attrs["download"] for a in issue.find_all("a", "download")]


# --- pages -----------------------------------------------------------------------------------------------------


def test_a_speaker_and_its_roll_up_have_distinct_titles(report):
    out, _ = report
    own, voices = parse(out / "actors" / "gp.html"), parse(out / "actors" / "green-party.html")
    assert texts(own, "h1") == ["Green Party (its own statements)"]
    assert texts(own, "title")[0] == "Green Party (its own statements)"
    assert texts(voices, "h1") == ["Green Party (all its voices)"]
    assert texts(parse(out / "actors" / "ana.html"), "h1") == ["Ana Li"]
    assert (out / "actors" / "gp.md").read_text().startswith("# Green Party (its own statements)\n")
    assert (out / "actors" / "green-party.md").read_text().startswith("# Green Party (all its voices)\n")
    assert "its group roll-up: Green Party (all its voices)" in own.text()


def test_documents_are_cited_by_title_outlet_and_date(report):
    out, _ = report
    metas = texts(parse(out / "actors" / "ana.html"), "div", "meta")
    cited = {m.split("sources: ")[1].split(" · ")[0] for m in metas}
    assert cited == {"Dam plan unveiled (Valley Times, 2020-01-10)", "d2 (River Post, 2020-03)",
                     "Minister turns on the dam (Valley Times, 2021-06-02)", "Party split (2021-07-01)",
                     "Ana on tax (River Post, 2019-05-05)"}
    dan = (out / "actors" / "dan.md").read_text()
    assert "sources: Roe backs tax (Daily Ledger)" in dan and "sources: d8 ·" in dan
    assert texts(parse(out / "docs" / "d3.html"), "h1") == ["Minister turns on the dam"]


def test_grid_cells_link_to_the_quotes_they_count(report):
    out, _ = report
    index = parse(out / "index.html")
    for table in index.find_all("table", "grid"):
        for tr in table.find_all("tr")[1:]:
            for td in tr.find_all("td"):
                if td.attrs["class"] == "none":
                    assert td.find_all("a") == []
                    continue
                (a,) = td.find_all("a")
                page, anchor = a.attrs["href"].split("#")
                target = parse(out / page)
                (block,) = [d for d in target.find_all("div") if d.attrs.get("id") == anchor]
                total = int(block.find_all("h3")[0].text().removeprefix("Statements (").removesuffix(")"))
                assert len(block.find_all("li")) == total
                in_all = re.search(r"; (\d+) in all", a.text())
                counted = re.search(r"\((\d+) statements?", a.text())
                assert total == int(in_all.group(1) if in_all else counted.group(1) if counted else total)
    assert "(actors/gp.md#quotes-dam)" in (out / "index.md").read_text()


def test_issue_page_lists_quotes_by_actor_and_date(report):
    out, _ = report
    page = parse(out / "issues" / "dam.html")
    headings = [h for h in page.find_all("h3") if h.attrs.get("id", "").startswith("by-")]
    assert [h.text() for h in headings] == ["Ana Li", "Cy Diaz", "Dan Roe", "Green Party (its own statements)"]
    body = (out / "issues" / "dam.html").read_text()
    ana = body.split('id="by-ana"')[1].split("</ul>")[0]
    assert re.findall(r"\((?:favor|against|neutral), (s\d+)\)", ana) == ["s1", "s2", "s3", "s4"]
    md = (out / "issues" / "dam.md").read_text()
    assert "### [Ana Li](../actors/ana.md#quotes-dam)\n\n4 statements, by date\n\n- > Ana Li spoke on dam" in md


def test_issue_page_draws_the_actor_network(report):
    out, model = report
    page = parse(out / "issues" / "dam.html")
    (net,) = page.find_all("svg", "network")
    edges = model.network("dam")
    assert net.children[0].text() == "Who agreed and who clashed on Big Dam"
    assert len(drawn(net, "line", "edge")) == len(edges) == 6
    kinds = sorted(ln.attrs["class"] for ln in drawn(net, "line", "edge"))
    assert kinds == ["edge conflict"] * 3 + ["edge congruence"] * 3
    names = texts(net, "text")[2:]
    assert sorted(names) == ["Ana Li", "Cy Diaz", "Dan Roe", "Green Party"]
    rows = [[td.text() for td in tr.find_all("td")] for tr in page.find_all("tr")]
    assert ["Ana Li", "Cy Diaz", "conflict", "1", "2021-06"] in rows
    assert "- Ana Li and Cy Diaz: conflict in 1 period (2021-06)" in (out / "issues" / "dam.md").read_text()


def test_box_list_chart_grid_and_json_count_the_same_statements(report):
    """Dan favoured the tax on 2017-10-03 and opposed it on 2017-10-20: a shift within one month.  The box
    and the grid used to say "1 statement" while the list said "Statements (2)" and the month's line sat at
    neutral; now each says which statements it counts, and the chart draws the position since the shift."""
    out, model = report
    cell = dict(grid(parse(out / "index.html")))["Dan Roe"][1]
    assert cell == ("against", "against since 2017-10-20 (1 statement, 1 source); 2 in all")
    page = parse(out / "actors" / "dan.html")
    section = next(s for s in page.find_all("section") if s.attrs["id"] == "issue-tax")
    assert section.find_all("p", "cur")[0].text() == f"Current position: {cell[1]}"
    assert texts(section, "h3") == ["Shifts", "Statements (2)"]
    (listed,) = [d for d in section.find_all("div") if d.attrs.get("id") == "quotes-tax"]
    assert texts(listed, "h4") == ["Since the shift of 2017-10-20: the current position (1)", "Before (1)"]
    assert [li.attrs["id"] for li in listed.find_all("li")] == ["q-tax-s13", "q-tax-s12"]
    (chart,) = section.find_all("svg", "chart")
    assert len(marks(chart)) == 2
    score = model.actors["dan"].current["tax"].score
    assert texts(chart, "text", "nowl") == [f"now {score:+.2f}"] and score < -0.2  # the line's month sits at 0
    rows = {tr.find_all("th")[0].text(): [td.text() for td in tr.find_all("td")]
            for tr in parse(out / "issues" / "tax.html").find_all("tr") if tr.find_all("th")}
    assert rows["Dan Roe"] == [cell[1], "2"]
    data = json.loads((out / "report.json").read_text())
    current = {(c["actor_id"], c["issue"]): c for c in data["current"]}
    assert {k: current[("dan", "tax")][k] for k in ("statements", "since_shift", "undated", "summary")} == {
        "statements": 2, "since_shift": 1, "undated": 0, "summary": cell[1]}
    assert current[("dan", "tax")]["text"] == "against since 2017-10-20 (1 statement, 1 source)"  # as before
    for ent in model.entities():  # every page: the list, the chart and the box count one split
        for issue, ev in ent.evidence.items():
            assert len(ev.current) == ent.current[issue].n_statements
            assert ev.total == len(ent.preds[issue]) == current[(ent.key, issue)]["statements"]


def test_labels_checked_by_a_person_are_marked_and_counted(report):
    out, _ = report
    ana = parse(out / "actors" / "ana.html")
    assert ana.find_all("p")[1].text() == "1 of 6 labels checked by a person."
    checked = [li for li in ana.find_all("li") if li.find_all("span", "checked")]
    assert [li.attrs.get("id") for li in checked] == [None, "q-dam-s3"]  # in the shift's evidence, in the list
    assert checked[0].find_all("span", "checked")[0].text() == "checked by coder-1"
    md = (out / "actors" / "ana.md").read_text()
    assert "**checked by coder-1**" in md and "1 of 6 labels checked by a person." in md
    data = json.loads((out / "report.json").read_text())
    assert {s["statement_id"]: s.get("checked_by") for s in data["statements"] if s.get("checked_by")} == {
        "s3": "coder-1", "s13": "coder-2"}
    assert data["checked"] == {"labels": 16, "checked": 2, "by": {"coder-1": 1, "coder-2": 1}}
    assert {(c["actor_id"], c["issue"]): c["checked"] for c in data["current"] if c["checked"]} == {
        ("ana", "dam"): 1, ("dan", "tax"): 1, ("Green Party", "dam"): 1}


# --- in a browser ----------------------------------------------------------------------------------------------

CHROMIUM = next((c for c in ("chromium", "chromium-browser") if shutil.which(c)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="needs a chromium or chromium-browser binary (Debian's chromium)")
@pytest.mark.parametrize("page", ["index.html", "actors/ana.html", "issues/dam.html"])
def test_pages_render_in_headless_chromium(report, tmp_path, page):
    """The DOM Chromium builds from each page (no script runs: the pages have none) keeps axis, legend and links."""
    out, _ = report
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                           (out / page).as_uri()], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    dom = Tree(done.stdout).root
    hrefs = [a.attrs.get("href", "") for a in dom.find_all("a")]
    if page == "index.html":
        assert "actors/ana.html#quotes-dam" in hrefs and "actors/dan.html#quotes-tax" in hrefs
        return
    (chart, *_) = dom.find_all("svg", "chart")
    assert texts(chart, "text", "yl") == ["+1 favor", "+0.5", "0 neutral", "-0.5", "-1 against"]
    assert chart.find_all("g", "legend")
    if page == "actors/ana.html":
        assert "#q-dam-s3" in hrefs and "../docs/d3.html#s-s3" in hrefs
    else:
        assert "../actors/ana.html#q-dam-s3" in hrefs and dom.find_all("svg", "network")
