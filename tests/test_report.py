"""The report renderer on records built by hand: HTML parsed back, Markdown, JSON and filters."""

from __future__ import annotations

import json
import random
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

import pytest

from stance.positions.aggregate import aggregate
from stance.records import Article, Issue, PartialDate, Span, StancePrediction, Statement
from stance.report import filter_positions, write_report

SCRIPT = "<script>alert(1)</script> & taxes are theft"
ISSUES = {"dam": Issue("dam", "Big Dam", "building the dam"), "tax": Issue("tax", "Carbon tax", "a carbon tax")}
ACTORS = {"ana": ("Ana Li", "Green Party"), "bo": ("Bo Chen", None), "cy": ("Cy Diaz", "Green Party")}
ROWS = [  # statement_id, actor_id, issue, stance, confidence, date, doc_id, quote
    ("s1", "ana", "dam", "favor", 0.9, "2020-01-10", "d1", "Ana Li said the dam will bring water."),
    ("s2", "ana", "dam", "favor", 0.8, "2020-03", "d2", "Ana Li backed the dam again."),
    ("s3", "ana", "dam", "against", 0.9, "2021-06-02", "d3", "Ana Li now says the dam must stop."),
    ("s4", "ana", "dam", "against", 0.85, "2021-07-01", "d4", "Ana Li repeated: no dam."),
    ("s5", "bo", "tax", "against", 0.7, "2021-02-01", "d1", SCRIPT),
    ("s6", "bo", "dam", "neutral", 0.6, None, "d2", "Bo Chen had no view | on the dam\nyet."),
    ("s7", "cy", "dam", "favor", 0.8, "2021-06-15", "d4", "Cy Diaz, of the same party, wants the dam."),
]


def build(rows=ROWS, actors=ACTORS):
    """(predictions, articles): each doc's text is its quotes, one paragraph each."""
    texts: dict[str, str] = {}
    preds = []
    for sid, actor_id, issue, stance, conf, date, doc, quote in rows:
        start = len(texts[doc]) + 2 if doc in texts else 0
        texts[doc] = (texts[doc] + "\n\n" if doc in texts else "") + quote
        span = Span(start, start + len(quote), quote)
        name, aff = actors[actor_id]
        st = Statement(sid, doc, PartialDate.parse(date) if date else None, actor_id, name, "person", aff,
                       "direct", span, span)
        preds.append(StancePrediction(st, issue, stance, conf))
    articles = {d: Article(d, t, paragraphs=tuple(_paragraphs(t))) for d, t in texts.items()}
    return preds, articles


def _paragraphs(text: str):
    start = 0
    for part in text.split("\n\n"):
        yield Span(start, start + len(part), part)
        start += len(part) + 2


class Node:
    def __init__(self, tag: str, attrs: dict):
        self.tag, self.attrs, self.children = tag, attrs, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        out = []
        for c in self.children:
            if isinstance(c, Node):
                if c.tag == tag and (cls is None or cls in c.attrs.get("class", "").split()):
                    out.append(c)
                out += c.find_all(tag, cls)
        return out


class Tree(HTMLParser):
    """A minimal DOM built with the stdlib parser."""

    VOID: ClassVar[set[str]] = {"meta", "br", "img", "link", "input", "hr"}

    def __init__(self, markup: str):
        super().__init__()
        self.root = Node("#root", {})
        self.stack = [self.root]
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    return Tree(path.read_text(encoding="utf-8")).root


def marks(root: Node) -> list[Node]:
    """The statement marks of the charts under ``root`` (▲ favor and ▼ against are paths, ● neutral circles)."""
    return [n for tag in ("path", "circle") for n in root.find_all(tag, "stmt")]


def drawn(svg: Node, tag: str, cls: str) -> list[Node]:
    """The ``tag.cls`` elements of a chart, those of its legend's samples left out."""
    keys = {id(n) for g in svg.find_all("g", "legend") for n in g.find_all(tag, cls)}
    return [n for n in svg.find_all(tag, cls) if id(n) not in keys]


def grid(root: Node, index: int = 0) -> dict[str, list[tuple[str, str]]]:
    """{row name: [(cell class, cell text)]} of the ``index``-th grid table."""
    table = root.find_all("table", "grid")[index]
    return {tr.find_all("th")[0].text(): [(td.attrs.get("class", ""), td.text()) for td in tr.find_all("td")]
            for tr in table.find_all("tr")[1:]}


@pytest.fixture
def report(tmp_path):
    preds, articles = build()
    out = write_report(aggregate(preds), tmp_path, issues=ISSUES, articles=articles)
    return tmp_path, out


def test_index_grid_holds_current_positions(report):
    out_dir, index = report
    assert index == out_dir / "index.html"
    root = parse(index)
    actors = grid(root)
    assert actors["Ana Li"][0] == ("against", "against since 2021-06-02 (2 statements, 2 sources); 4 in all")
    assert actors["Bo Chen"] == [("none", "no dated statements (1 undated)"),
                                 ("against", "against since 2021-02-01 (1 statement, 1 source)")]
    assert "Green Party" in grid(root, 1)
    links = {a.text(): a.attrs["href"] for a in root.find_all("a")}
    assert (out_dir / links["Ana Li"]).is_file() and (out_dir / links["Big Dam"]).is_file()
    assert any(td.text().startswith("favor (+") for td in root.find_all("td"))  # the shift row
    rows = [[td.text() for td in tr.find_all("td")] for tr in root.find_all("tr")]
    assert ["Green Party", "Big Dam", "2021-06", "Cy Diaz", "Ana Li"] in rows  # the disagreement


def test_actor_page_charts_statements_and_shifts(report):
    out_dir, _ = report
    ana = parse(out_dir / "actors" / "ana.html")
    svg = ana.find_all("svg")
    assert len(svg) == 1 and len(marks(svg[0])) == 4
    assert len(svg[0].find_all("line", "wh")) == 1  # the month-precision date
    assert len(drawn(svg[0], "line", "shift")) == 1
    assert len(svg[0].find_all("polygon", "band")) == 3  # 2020-01, 2020-03, 2021-06..07: the line breaks twice
    shift = ana.find_all("div", "shift")[0]
    assert "Ana Li backed the dam again." in shift.text() and "Ana Li now says the dam must stop." in shift.text()
    assert [a.attrs["href"] for a in ana.find_all("a") if a.text() == "in the text"][-4:] == [
        "../docs/d3.html#s-s3", "../docs/d4.html#s-s4", "../docs/d1.html#s-s1", "../docs/d2.html#s-s2"]
    bo = parse(out_dir / "actors" / "bo.html")
    assert sum(len(marks(s)) for s in bo.find_all("svg")) == 1
    assert "No dated statements to chart." in bo.text()  # on the dam: one undated statement, no empty chart
    assert any(h.text() == "Undated (1)" for h in bo.find_all("h4"))
    group = parse(out_dir / "actors" / "green-party.html")
    assert "Voices" in group.text() and "Ana Li" in group.text()
    assert len(marks(group)) == 5


def test_issue_and_doc_pages(report):
    out_dir, _ = report
    dam = parse(out_dir / "issues" / "dam.html")
    overview = dam.find_all("svg")[0]
    # Ana (three runs of months: 2020-01, 2020-03, 2021-06..07) and Cy; Bo has no dated statement on the dam
    assert len(overview.find_all("polyline", "ser")) == 4
    assert "Ana Li" in dam.find_all("ul", "legend")[0].text()
    doc = parse(out_dir / "docs" / "d1.html")
    marks = {m.attrs["id"]: m.text() for m in doc.find_all("mark") if "id" in m.attrs}
    assert marks == {"s-s1": ROWS[0][7], "s-s5": SCRIPT}


def test_everything_escaped_and_offline(report):
    out_dir, _ = report
    files = [p for p in out_dir.rglob("*") if p.is_file()]
    assert {p.suffix for p in files} == {".html", ".md", ".json"}  # charts download from data: links
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), path
        if path.suffix == ".html":
            root = Tree(text).root
            refs = [v for tag in ("a", "img", "link", "script", "iframe") for n in root.find_all(tag)
                    for k, v in n.attrs.items() if k in ("href", "src")]
            assert refs and not any(r.startswith(("http:", "https:", "//")) for r in refs), path
            assert "http://" not in text and "https://" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; taxes" in (out_dir / "actors" / "bo.html").read_text()


def test_markdown_and_json(report):
    out_dir, _ = report
    index = (out_dir / "index.md").read_text()
    assert ("| [Ana Li](actors/ana.md) | [against since 2021-06-02 (2 statements, 2 sources); 4 in all]"
            "(actors/ana.md#quotes-dam) |") in index
    bo = (out_dir / "actors" / "bo.md").read_text()
    assert "no view \\| on the dam yet." in bo and "&lt;script&gt;" in bo
    data = json.loads((out_dir / "report.json").read_text())
    statements = {s["statement_id"]: s for s in data["statements"]}
    assert len(statements) == 7 and statements["s5"]["quote"] == SCRIPT
    assert data["issues"]["tax"] == {"label": "Carbon tax", "target": "a carbon tax"}
    current = {(c["actor_id"], c["issue"]): c for c in data["current"]}
    assert current[("ana", "dam")]["leaning"] == "against" and current[("Green Party", "dam")]["kind"] == "group"
    assert data["shifts"] and data["corpus"]["n_undated"] == 1 and data["disagreements"]


def test_filters_narrow_the_positions():
    positions = aggregate(build()[0])

    def ids(**kw):
        return sorted(p.statement.statement_id for p in filter_positions(positions, **kw).predictions)

    assert ids(actor="ANA LI") == ids(actor="ana") == ["s1", "s2", "s3", "s4"]
    assert ids(issue="tax") == ["s5"]
    assert ids(since="2021") == ["s3", "s4", "s5", "s7"]
    assert ids(until="2020-03") == ["s1", "s2"]
    assert ids(actor="bo", since="2021-02", until="2021-02") == ["s5"]
    assert filter_positions(positions, since="2021-06-05").period == positions.period


def test_write_report_filters_and_formats(tmp_path):
    positions = aggregate(build()[0])
    index = write_report(positions, tmp_path / "bo", issues=ISSUES, actor="bo")
    assert list(grid(parse(index))) == ["Bo Chen"]
    assert write_report(positions, tmp_path / "md", issues=ISSUES, formats=["md"]).name == "index.md"
    assert not (tmp_path / "md" / "index.html").exists()
    assert write_report(positions, tmp_path / "js", issues=ISSUES, formats=["json"]).name == "report.json"
    with pytest.raises(ValueError):
        write_report(positions, tmp_path / "x", issues=ISSUES, formats=["pdf"])


def test_large_corpus_renders(tmp_path):
    rng = random.Random(0)
    actors = {f"a{i}": (f"Actor {i}", f"Party {i % 5}") for i in range(60)}
    rows = []
    for n in range(10_000):
        y, m, d = rng.randint(2015, 2023), rng.randint(1, 12), rng.randint(1, 28)
        # PartialDate ordering cannot compare mixed precisions within one year: keep them in years of their own
        date = rng.choice([f"{y}-{m:02d}-{d:02d}", f"2014-{m:02d}", "2013", None])
        rows.append((f"s{n}", rng.choice(list(actors)), rng.choice(["dam", "tax"]),
                     rng.choice(["favor", "against", "neutral"]), rng.random(), date, f"d{n // 4}", f"Quote {n} <b>"))
    preds, articles = build(rows, actors)
    index = write_report(aggregate(preds), tmp_path, issues=ISSUES, articles=articles)
    assert index.is_file() and len(list((tmp_path / "docs").iterdir())) == 2500
    for cur in json.loads((tmp_path / "report.json").read_text())["current"]:
        assert cur["leaning"] == cur["text"].split()[0] or cur["leaning"] == "none"


CHROMIUM = next((c for c in ("chromium", "chromium-browser", "google-chrome") if __import__("shutil").which(c)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package (headless)")
def test_index_renders_in_headless_chromium(report):
    """The page as Chromium parses and lays it out (its DOM after load) still shows the grid."""
    import subprocess

    _, index = report
    done = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", index.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
    dumped = index.parent / "dumped.html"
    dumped.write_text(done.stdout, encoding="utf-8")
    actors = grid(parse(dumped))
    assert actors["Ana Li"][0] == ("against", "against since 2021-06-02 (2 statements, 2 sources); 4 in all")
    assert set(actors) >= {"Ana Li", "Bo Chen"}
