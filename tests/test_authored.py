"""Authored statements: an op-ed, a speech, an editorial speak for their author or outlet; news does not."""

import csv
import json
import re
from pathlib import Path

import pytest

from stance.attribution.authored import author_actor, authored_statements
from stance.attribution.rules import Attributor, extract_statements
from stance.errors import InputError
from stance.ingest.corpus import load_corpus, make_article
from stance.records import Article, Statement
from stance.registries.actors import ActorRegistry

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"

OPED = ("OPINION\n\n"
        "Pakistan cannot host foreign bases\n\n"
        "Pakistan has paid too high a price in other people's wars. Allowing American bases on our soil would "
        "make every city a target.\n\n"
        '"There is no way we are going to let anyone use our bases for action inside Afghanistan," Prime Minister '
        "Imran Khan said last month. Cooperation on intelligence should continue, but only between equals.")
"""Invented for this test: a headline, three claims of the writer's, and a quote of someone else's."""
AUTHORED = ["Pakistan cannot host foreign bases",
            "Pakistan has paid too high a price in other people's wars.",
            "Allowing American bases on our soil would make every city a target.",
            "Cooperation on intelligence should continue, but only between equals."]
ALLOWED = "news, speech, press release, op-ed, letter, interview transcript, testimony, social post, editorial"


def run(article):
    return Attributor(ActorRegistry.load()).extract(article)


def who(statements):
    return [(s.actor, s.kind, s.text.text) for s in statements]


def test_an_oped_author_speaks_its_unattributed_claims_and_a_quote_keeps_its_speaker():
    article = make_article("oped", OPED, "oped.txt", date="2021-07-02", source="Lahore Morning Record",
                           author="Nadia Farooqui", doc_type="op-ed")
    found = run(article)
    quoted = [s for s in found if s.kind != "authored"]
    assert [(s.actor, s.kind) for s in quoted] == [("Imran Khan", "direct")]
    assert quoted[0].statement_id == "oped:4:0"
    authored = [s for s in found if s.kind == "authored"]
    assert who(authored) == [("Nadia Farooqui", "authored", text) for text in AUTHORED]
    assert [s.statement_id for s in authored] == ["oped:1:a", "oped:2:a", "oped:3:a", "oped:5:a"]
    assert [s.order for s in authored] == [10, 20, 30, 50]
    assert all(s.speaker is None and s.cue is None and s.text == s.quote and s.actor_type == "person"
               and s.date == article.date for s in authored)
    assert all(article.text[s.text.start:s.text.end] == s.text.text for s in authored)
    assert [Statement.from_dict(json.loads(json.dumps(s.to_dict()))) for s in authored] == authored


def test_a_known_author_resolves_through_the_registry():
    article = make_article("sp", "Pakistan will not host any foreign bases on its soil.", "sp.txt",
                           date="2021-06-20", author="Imran Khan", doc_type="speech")
    [statement] = run(article)
    assert (statement.actor, statement.actor_id, statement.kind) == ("Imran Khan", "imran_khan", "authored")


def test_an_editorial_speaks_for_its_outlet():
    registry = ActorRegistry.load()
    article = make_article("ed", OPED, "ed.txt", date="2021-07-02", source="Indus Evening Post",
                           author="The Editorial Board", doc_type="editorial")
    found = Attributor(registry).extract(article)
    authored = [s for s in found if s.kind == "authored"]
    assert who(authored) == [("Indus Evening Post", "authored", text) for text in AUTHORED]
    assert {(s.actor_id, s.actor_type) for s in authored} == {("indus_evening_post", "organisation")}
    assert [(s.actor, s.kind) for s in found if s.kind != "authored"] == [("Imran Khan", "direct")]
    outlet = author_actor(article, registry)
    assert outlet is not None and not outlet.known and "indus_evening_post" not in registry
    dawn = author_actor(make_article("ed", OPED, "ed.txt", source="Dawn", doc_type="editorial"), registry)
    assert dawn is not None and (dawn.name, dawn.type, dawn.known) == ("Dawn", "organisation", True)
    no_source = make_article("ed", OPED, "ed.txt", author="Frontier Ledger", doc_type="editorial")
    assert {s.actor for s in run(no_source) if s.kind == "authored"} == {"Frontier Ledger"}


def test_news_with_an_author_adds_nothing():
    """A reporter is not a speaker."""
    article = make_article("n", OPED, "n.txt", date="2021-07-02", author="Nadia Farooqui")
    assert article.doc_type == "news"
    assert [(s.actor, s.kind) for s in run(article)] == [("Imran Khan", "direct")]
    assert authored_statements(article, [], ActorRegistry.load()) == []
    no_author = make_article("o", OPED, "o.txt", doc_type="op-ed")
    assert authored_statements(no_author, [], ActorRegistry.load()) == []


def test_every_path_adds_authored_statements_once():
    articles = [make_article(f"o{k}", OPED, "o.txt", date="2021-07-02", author="Nadia Farooqui", doc_type=t)
                for k, t in enumerate(("op-ed", "news"))]
    by_many = Attributor(ActorRegistry.load()).extract_many(articles)
    assert [len([s for s in found if s.kind == "authored"]) for found in by_many] == [len(AUTHORED), 0]
    everything = extract_statements(articles, ActorRegistry.load())
    ids = [s.statement_id for s in everything]
    assert len(ids) == len(set(ids)) == len(AUTHORED) + 2


def test_an_unknown_type_is_an_error_naming_file_line_and_the_allowed_values(tmp_path):
    (tmp_path / "a.txt").write_text(OPED, encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"file": "a.txt"}) + "\n" + json.dumps({"file": "a.txt", "type": "oped"}) + "\n")
    expected = (f"{tmp_path / 'manifest.jsonl'}:2: document 'a' has type 'oped'; expected one of {ALLOWED} "
                '(write it exactly so, or leave "type" out for news)')
    with pytest.raises(InputError, match=f"^{re.escape(expected)}$"):
        load_corpus(tmp_path)
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({"id": "x", "text": OPED, "type": "Op-Ed"}) + "\n")
    with pytest.raises(InputError, match=re.escape("c.jsonl:1: document 'x' has type 'Op-Ed'; expected one of")):
        load_corpus(jsonl)
    table = tmp_path / "c.csv"
    table.write_text("id,text,type\nx,Some text of the letter.,letter\ny,Some other text here.,blog\n")
    with pytest.raises(InputError, match=re.escape("c.csv:3: document 'y' has type 'blog'; expected one of")):
        load_corpus(table)
    jsonl.write_text(json.dumps({"id": "x", "text": OPED, "author": ["A", "B"]}) + "\n")
    with pytest.raises(InputError, match=re.escape("c.jsonl:1: document 'x' has author ['A', 'B']; expected text")):
        load_corpus(jsonl)


def test_author_and_type_load_from_a_manifest_jsonl_and_csv(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(OPED, encoding="utf-8")
    (folder / "manifest.jsonl").write_text(
        json.dumps({"file": "a.txt", "author": "Nadia Farooqui", "type": "letter"}) + "\n")
    a, b = load_corpus(folder)
    assert (a.author, a.doc_type, b.author, b.doc_type) == ("Nadia Farooqui", "letter", None, "news")

    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({"id": "x", "text": OPED, "author": " Imran Khan ", "type": "interview transcript"})
                     + "\n" + json.dumps({"id": "y", "text": OPED, "author": None, "type": None}) + "\n")
    x, y = load_corpus(jsonl)
    assert (x.author, x.doc_type, y.author, y.doc_type) == ("Imran Khan", "interview transcript", None, "news")

    table = tmp_path / "c.csv"
    with table.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text", "author", "type"])
        writer.writerow(["p", OPED, "Nadia Farooqui", "press release"])
        writer.writerow(["q", OPED, "", ""])
    p, q = load_corpus(table)
    assert (p.author, p.doc_type, q.author, q.doc_type) == ("Nadia Farooqui", "press release", None, "news")


def test_articles_keep_author_and_type_through_their_dicts():
    article = make_article("o", OPED, "o.txt", author="Nadia Farooqui", doc_type="testimony")
    assert Article.from_dict(json.loads(json.dumps(article.to_dict()))) == article
    old = {k: v for k, v in article.to_dict().items() if k not in ("author", "doc_type")}
    assert (Article.from_dict(old).author, Article.from_dict(old).doc_type) == (None, "news")


def test_the_example_oped_loads_as_its_authors():
    oped = next(a for a in load_corpus(EXAMPLES) if a.doc_id == "13_farooqui_oped_no_bases")
    assert (oped.author, oped.doc_type) == ("Nadia Farooqui", "op-ed")
    found = run(oped)
    assert {s.actor for s in found if s.kind == "authored"} == {"Nadia Farooqui"}
    assert [s.kind for s in found if s.kind != "authored"] == ["anonymous"]
