"""`stance actors suggest`: the speakers of a corpus as a draft registry, on invented city-council news."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stance.attribution.rules import extract_statements
from stance.attribution.suggest import Seen, Suggestion, suggest_actors, write_suggestions
from stance.cli.main import build_parser, main
from stance.ingest.corpus import make_article
from stance.positions.aggregate import aggregate
from stance.records import Actor, Issue, PartialDate, Span, StancePrediction, Statement
from stance.registries.actors import ActorRegistry
from stance.report import write_report
from stance.report.view import DISCOVERED

DOCS = {
    "a1": "2019-03-04\n\nCouncilwoman Maria Delgado said the new bus lanes would cut travel times across the city. "
          "Delgado said the council would vote in April. Mayor Tom Okafor said the plan was too expensive for "
          "taxpayers. Board member John Smith said the lanes were long overdue.",
    "a2": "2019-04-10\n\nThe council approved the bus lanes on Tuesday. Councilwoman Maria Delgado said the vote was "
          "a victory for commuters. Ms. Delgado added that work would start in May. Greens leader Ana Li said the "
          "party was proud of the vote.",
    "a3": "2019-06-01\n\nRep. Jason Chaffetz, a Republican from Utah, said the federal grant would pay for the lanes. "
          "Chaffetz said the money was already approved. Mr. Chaffetz added that the state would help too. "
          "President Chaffetz told reporters that it was good news. Maria Delgado said she was grateful for the grant.",
    "a4": "2019-07-15\n\nPresident Smith said the transit board would meet again in August.",
}
BASE_YAML = """\
actors:
  - {id: green_party, name: Green Party, type: group, aliases: [Green Party, Greens]}
  - {id: ana_li, name: Ana Li, type: person, affiliation: Green Party, aliases: [Ana Li]}
"""


def base() -> ActorRegistry:
    return ActorRegistry([Actor("green_party", "Green Party", "group", aliases=("Green Party", "Greens")),
                          Actor("ana_li", "Ana Li", "person", "Green Party", ("Ana Li",))])


@pytest.fixture(scope="module")
def articles():
    return [make_article(doc_id, text, Path(f"{doc_id}.txt")) for doc_id, text in DOCS.items()]


@pytest.fixture(scope="module")
def suggestions(articles):
    return {s.name: s for s in suggest_actors(articles, base())}


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


def test_counts_dates_titles_and_aliases(suggestions):
    delgado = suggestions["Maria Delgado"]
    assert (delgado.actor_id, delgado.type, delgado.known) == ("maria_delgado", "person", False)
    assert (delgado.mentions, delgado.documents) == (5, 3)
    assert (delgado.first, delgado.last) == (day("2019-03-04"), day("2019-06-01"))
    assert {"Delgado", "Ms. Delgado", "Councilwoman Maria Delgado"} <= set(delgado.aliases)
    assert "Maria Delgado" not in delgado.aliases and delgado.titles[0] == "councilwoman"
    okafor = suggestions["Tom Okafor"]
    assert (okafor.mentions, okafor.titles, okafor.aliases) == (1, ("mayor",), ("Mayor Tom Okafor",))


def test_surname_and_honorific_forms_merge_into_the_full_name(suggestions):
    chaffetz = suggestions["Jason Chaffetz"]
    assert (chaffetz.mentions, chaffetz.documents) == (4, 1)
    assert {"Chaffetz", "Mr. Chaffetz", "Rep. Jason Chaffetz", "President Chaffetz"} <= set(chaffetz.aliases)
    assert {"representative", "president"} <= set(chaffetz.titles)
    assert "Chaffetz" not in suggestions and "President Chaffetz" not in suggestions


def test_a_surname_in_other_documents_is_not_merged(suggestions):
    smith = suggestions["John Smith"]
    assert smith.mentions == 1 and not {"Smith", "President Smith"} & set(smith.aliases)


def test_parties_and_states_with_their_dates(suggestions):
    chaffetz = suggestions["Jason Chaffetz"]
    assert chaffetz.parties == (Seen("Republican Party", 1, day("2019-06-01"), day("2019-06-01")),)
    assert chaffetz.states == (Seen("Utah", 1, day("2019-06-01"), day("2019-06-01")),)
    assert chaffetz.affiliation == "Republican Party"
    ana = suggestions["Ana Li"]
    assert Seen("Green Party", 1, day("2019-04-10"), day("2019-04-10")) in ana.affiliations


def test_registry_actors_are_apart_and_the_registry_unchanged(articles):
    registry = base()
    found = suggest_actors(articles, registry)
    ana = next(s for s in found if s.name == "Ana Li")
    assert (ana.actor_id, ana.known, ana.aliases) == ("ana_li", True, ())
    assert [s.known for s in found] == sorted(s.known for s in found)  # the discovered ones first
    assert not any(s.known for s in found if s.name != "Ana Li")
    assert set(registry.actors) == {"green_party", "ana_li"}


def test_min_mentions(articles):
    names = {s.name for s in suggest_actors(articles, base(), min_mentions=2)}
    assert names == {"Maria Delgado", "Jason Chaffetz"}
    with pytest.raises(ValueError, match="min_mentions"):
        suggest_actors(articles, base(), min_mentions=0)


def test_yaml_loads_back_as_a_registry(suggestions, tmp_path):
    path = write_suggestions(list(suggestions.values()), tmp_path / "drafts" / "actors.yaml", source="city news")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A draft actor registry") and "city news" in text
    loaded = ActorRegistry.load(path)
    discovered = [s for s in suggestions.values() if not s.known]
    assert set(loaded.actors) == {s.actor_id for s in discovered}
    for s in discovered:
        actor = loaded.get(s.actor_id)
        assert (actor.name, actor.type, actor.aliases, actor.affiliation) == (s.name, s.type, s.aliases, s.affiliation)
    match = loaded.match_alias("Ms. Delgado")
    assert match is not None and match.actor_id == "maria_delgado"
    data = yaml.safe_load(text)
    assert [row["id"] for row in data["in_registry"]] == ["ana_li"]
    delgado = next(row for row in data["actors"] if row["id"] == "maria_delgado")
    assert (delgado["mentions"], delgado["first_seen"], delgado["last_seen"]) == (5, "2019-03-04", "2019-06-01")


def test_yaml_quotes_what_yaml_would_misread(tmp_path):
    odd = Suggestion("o_brien", "Seán O'Brien: Jr", "person", False, 2, 1, aliases=("Yes", "#1", "O'Brien"),
                     parties=(Seen("No", 2, day("2020"), day("2020-05")),))
    empty = ActorRegistry.load(write_suggestions([], tmp_path / "none.yaml"))
    assert empty.actors == {}
    actor = ActorRegistry.load(write_suggestions([odd], tmp_path / "odd.yaml")).get("o_brien")
    assert (actor.name, actor.aliases, actor.affiliation) == ("Seán O'Brien: Jr", ("Yes", "#1", "O'Brien"), "No")


def test_statements_say_whether_the_registry_knew_the_speaker(articles):
    statements = extract_statements(articles, base())
    known = {s.actor_id: s.known for s in statements}
    delgado = [actor_id for actor_id in known if actor_id.endswith("maria_delgado")]
    assert known["ana_li"] is True and delgado and not any(known[actor_id] for actor_id in delgado)
    st = next(s for s in statements if not s.known)
    assert Statement.from_dict(st.to_dict()) == st
    row = StancePrediction(st, "lanes", "favor", 0.9).to_dict()
    assert row["known"] is False and StancePrediction.from_dict(row).statement.known is False
    assert "known" not in StancePrediction(next(s for s in statements if s.known), "lanes", "favor", 0.9).to_dict()


def _prediction(sid: str, actor_id: str, name: str, known: bool) -> StancePrediction:
    span = Span(0, 20, "The lanes are good.")
    st = Statement(sid, "d1", day("2019-03-04"), actor_id, name, "person", None, "reported", span, span, known=known)
    return StancePrediction(st, "lanes", "favor", 0.9)


def test_report_marks_discovered_actors(tmp_path):
    preds = [_prediction("s1", "ana_li", "Ana Li", True), _prediction("s2", "maria_delgado", "Maria Delgado", False)]
    write_report(aggregate(preds, "month"), tmp_path, issues={"lanes": Issue("lanes", "Bus lanes", "bus lanes")})
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count("(discovered)") == 2  # the grid's marker and the note saying what it means
    assert DISCOVERED in (tmp_path / "actors" / "maria-delgado.html").read_text(encoding="utf-8")
    assert DISCOVERED not in (tmp_path / "actors" / "ana-li.html").read_text(encoding="utf-8")
    assert "[Maria Delgado](actors/maria-delgado.md) (discovered)" in (tmp_path / "index.md").read_text("utf-8")
    assert DISCOVERED in (tmp_path / "actors" / "maria-delgado.md").read_text(encoding="utf-8")


@pytest.fixture
def corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for doc_id, text in DOCS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def test_cli_end_to_end(corpus, tmp_path, capsys):
    registry = tmp_path / "base.yaml"
    registry.write_text(BASE_YAML, encoding="utf-8")
    out = tmp_path / "out" / "actors.yaml"
    argv = ["actors", "suggest", str(corpus), "--out", str(out), "--tagger", "none", "--actors", str(registry)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "4 documents: " in printed and " actors discovered in the text, 1 already in the registry" in printed
    assert str(out) in printed
    loaded = ActorRegistry.load(out)
    assert {"maria_delgado", "jason_chaffetz", "tom_okafor", "john_smith"} <= set(loaded.actors)
    assert "ana_li" not in loaded.actors
    assert main([*argv, "--min-mentions", "2"]) == 0
    assert set(ActorRegistry.load(out).actors) == {"maria_delgado", "jason_chaffetz"}


def test_cli_errors(corpus, tmp_path, capsys):
    assert main(["actors", "suggest", str(tmp_path / "missing"), "--out", str(tmp_path / "a.yaml"),
                 "--tagger", "none"]) == 2
    assert "stance actors: error:" in capsys.readouterr().err
    for argv in (["actors", "suggest", str(corpus), "--out", "a.yaml", "--min-mentions", "0"], ["actors"]):
        with pytest.raises(SystemExit) as done:
            main(argv)
        assert done.value.code == 2


def test_suggest_help_ends_with_an_example(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["actors", "suggest", "--help"])
    text = capsys.readouterr().out
    assert "in_registry" in text and "  stance actors suggest" in text[text.index("\nexample:\n"):]
