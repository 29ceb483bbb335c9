"""Affiliations: party, state and organisation read around a speaker's name, and groups that change with the date."""

import datetime as dt

import pytest

from stance.attribution.affiliations import Affiliation, read_affiliation, state_of
from stance.attribution.rules import Attributor
from stance.errors import RegistryError
from stance.ingest.corpus import make_article
from stance.positions.aggregate import aggregate
from stance.records import Actor, DatedAffiliation, PartialDate, StancePrediction
from stance.registries.actors import ActorRegistry

R, D, IND = "Republican Party", "Democratic Party", "Independent"


def around(text, name):
    start = text.index(name)
    return read_affiliation(text, start, start + len(name))


# ------------------------------------------------------------------ reading the text
@pytest.mark.parametrize("text, name, party, state", [
    ("Sen. Lindsey Graham (R-S.C.) called the plan reckless.", "Lindsey Graham", R, "South Carolina"),
    ("Rep. Elijah Cummings (D-Md.) said the inquiry had to go on.", "Elijah Cummings", D, "Maryland"),
    ("The panel's chief, Rep. Jason Chaffetz (R-Utah), wrote to the bureau.", "Jason Chaffetz", R, "Utah"),
    ("Sen. Bernie Sanders (I-Vt.) told supporters to keep going.", "Bernie Sanders", IND, "Vermont"),
    ("Sen. Lindsey Graham, R-S.C., said he would vote no.", "Lindsey Graham", R, "South Carolina"),
])
def test_party_and_state_from_a_parenthesis(text, name, party, state):
    assert around(text, name) == Affiliation(party, state, None, None)


@pytest.mark.parametrize("text, name, party", [
    ("Republican Rep. Jason Chaffetz said the emails deserved a second look.", "Jason Chaffetz", R),
    ("Democratic Sen. Mary Holt said the bill would pass.", "Mary Holt", D),
    ("GOP nominee Donald Trump said the system was rigged.", "Donald Trump", R),
    ("The Democratic nominee, Hillary Clinton, said the charge was baseless.", "Hillary Clinton", D),
    ("Hillary Clinton, the Democratic nominee, said the charge was baseless.", "Hillary Clinton", D),
])
def test_party_from_the_words_before_or_an_appositive(text, name, party):
    assert around(text, name).party == party


@pytest.mark.parametrize("text, name, organisation, role", [
    ("Brian Fallon, a spokesman for the Clinton campaign, said the letter was vague.",
     "Brian Fallon", "Clinton campaign", "spokesman"),
    ("Jason Chaffetz, the chairman of the House Oversight Committee, said the case was reopened.",
     "Jason Chaffetz", "House Oversight Committee", "chairman"),
    ("State Department spokesman John Kirby said the talks were useful.",
     "John Kirby", "State Department", "spokesman"),
    ("Robby Mook, Hillary Clinton's campaign manager, told reporters it was a distraction.",
     "Robby Mook", "Hillary Clinton", "campaign manager"),
])
def test_organisation_and_role_from_an_appositive_or_a_title(text, name, organisation, role):
    found = around(text, name)
    assert (found.organisation, found.role) == (organisation, role)
    assert found.party is None


def test_all_four_at_once():
    text = "Rep. Jason Chaffetz (R-Utah), the chairman of the House Oversight Committee, said the inquiry resumed."
    assert around(text, "Jason Chaffetz") == Affiliation(R, "Utah", "House Oversight Committee", "chairman")
    assert around("Elijah Cummings, a Democrat from Maryland, objected.", "Elijah Cummings") == Affiliation(
        D, "Maryland", None, None)


@pytest.mark.parametrize("text, name", [
    ("Donald Trump (pictured) said it was fine.", "Donald Trump"),
    ("Democratic leaders met with John Smith on Tuesday.", "John Smith"),
    ("He voted Republican. Sen. John Smith said the vote was close.", "John Smith"),
    ("John Smith, who lives in Ohio, said the plant would close.", "John Smith"),
    ("John Smith, 45, said the plant would close.", "John Smith"),
    ("John Smith (D-Day veteran) recalled the landing.", "John Smith"),
    ("John Smith, an independent analyst, said the numbers were weak.", "John Smith"),
    ("John Smith, a critic of the Republican Party, said the vote was close.", "John Smith"),
    ("Independent analysts and John Smith disagreed.", "John Smith"),
    ("President Barack Obama said the deal was good.", "Barack Obama"),
])
def test_nothing_where_the_text_says_nothing(text, name):
    assert around(text, name) == Affiliation(None, None, None, None)


def test_states_and_bad_offsets():
    assert (state_of("W.Va."), state_of("NY"), state_of("Utah"), state_of("Day")) == (
        "West Virginia", "New York", "Utah", None)
    with pytest.raises(ValueError, match=r"expected 0 <= name_start <= name_end <= 5, found 3\.\.9"):
        read_affiliation("Smith", 3, 9)


# ------------------------------------------------------------------ affiliations by date
REGISTRY = """\
actors:
  - {id: alpha, name: Alpha Ministry, type: organisation}
  - {id: beta, name: Beta Party, type: organisation}
  - id: jane_roe
    name: Jane Roe
    type: person
    affiliation: Roe Foundation
    affiliations: [{name: Alpha Ministry, from: 2015-01-01, to: 2016-12-31}, {name: Beta Party, from: 2017-01}]
    aliases: [Jane Roe]
"""


def test_affiliation_on_picks_the_range_that_holds_the_date():
    roe = Actor("roe", "Jane Roe", "person", "Roe Foundation", affiliations=(
        DatedAffiliation("Alpha Ministry", dt.date(2015, 1, 1), dt.date(2016, 12, 31)),
        DatedAffiliation("Beta Party", dt.date(2017, 1, 1), None)))
    on = {d: roe.affiliation_on(PartialDate.parse(d)) for d in ("2014-12", "2016", "2016-12-31", "2017-01-01", "2030")}
    assert on == {"2014-12": "Roe Foundation", "2016": "Alpha Ministry", "2016-12-31": "Alpha Ministry",
                  "2017-01-01": "Beta Party", "2030": "Beta Party"}
    assert roe.affiliation_on(None) == "Roe Foundation"
    # a dated entry goes before an undated one; an actor without dated entries keeps its default
    both = Actor("x", "X", "person", None, affiliations=(DatedAffiliation("Party"), DatedAffiliation(
        "Office", dt.date(2017, 1, 20), dt.date(2021, 1, 20))))
    assert (both.affiliation_on(PartialDate(2018, 3)), both.affiliation_on(PartialDate(2016, 10))) == (
        "Office", "Party")
    assert Actor("y", "Y", "person", "Group").affiliation_on(PartialDate(2018)) == "Group"


def test_statements_roll_up_to_the_group_of_their_date(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text(REGISTRY)
    registry = ActorRegistry.load(path)
    roe = registry.get("jane_roe")
    assert roe.affiliation == "Roe Foundation"
    assert registry.affiliation_on(roe, PartialDate(2016, 3)) == "Alpha Ministry"
    attributor = Attributor(registry)
    preds = []
    for doc, date in (("old", "2016-03-10"), ("new", "2018-05-02")):
        article = make_article(doc, "Jane Roe said the border talks were useful.", "test.txt", date=date)
        (st,) = attributor.extract(article)
        preds.append(StancePrediction(st, "talks", "favor", 0.9, {"favor": 0.9}))
    assert [p.statement.affiliation for p in preds] == ["Alpha Ministry", "Beta Party"]
    groups = {(g.actor, g.period) for g in aggregate(preds, "month", registry.parents()).group_points}
    assert groups == {("Alpha Ministry", "2016-03"), ("Beta Party", "2018-05")}


def test_default_registry_dates_trump_and_clinton():
    registry = ActorRegistry.load()
    trump, clinton = registry.get("donald_trump"), registry.get("hillary_clinton")
    assert registry.affiliation_on(trump, PartialDate(2016, 10)) == "Republican Party"
    assert registry.affiliation_on(trump, PartialDate(2018, 3)) == "US Government"
    assert registry.affiliation_on(trump, PartialDate(2025, 6)) == "US Government"
    assert registry.affiliation_on(clinton, PartialDate(2016, 10)) == "Democratic Party"
    assert registry.affiliation_on(clinton, PartialDate(2011)) == "US State Department"
    assert registry.get("republican_party").type == registry.get("democratic_party").type == "organisation"
    parents = registry.parents()
    assert parents["Pentagon"] == "US Government" and parents["US Government"] == "United States"
    assert "Republican Party" not in parents and "Democratic Party" not in parents  # top-level groups


def test_statement_in_2016_rolls_trump_up_to_his_party():
    attributor = Attributor(ActorRegistry.load())
    for date, group in (("2016-10-12", "Republican Party"), ("2018-03-02", "US Government")):
        (st,) = attributor.extract(make_article("d", "Donald Trump said the talks were useful.", "t.txt", date=date))
        assert (st.actor, st.affiliation) == ("Donald Trump", group)


# ------------------------------------------------------------------ registry errors
def person(affiliations, extra=""):
    return f"actors:\n  - id: x\n    name: X\n    type: person\n{extra}    affiliations: {affiliations}\n"


@pytest.mark.parametrize("yaml_text, message", [
    (person("US Government"),
     "actor 'x': expected 'affiliations' to be a list like [{name: US Government, from: 2017-01-20, "
     "to: 2021-01-20}], found 'US Government'; write each entry as a mapping inside [...]"),
    (person("[{from: 2017}]"),
     "actor 'x': each affiliation needs a non-empty name, found {'from': 2017}; write it as "
     "{name: US Government, from: 2017-01-20, to: 2021-01-20} (from and to are optional)"),
    (person("[{name: '  '}]"),
     "actor 'x': each affiliation needs a non-empty name, found {'name': '  '}; write it as "
     "{name: US Government, from: 2017-01-20, to: 2021-01-20} (from and to are optional)"),
    (person("[{name: Senate, start: 2001}]"),
     "actor 'x': affiliation 'Senate' has unknown key(s) 'start'; expected only name, from, to"),
    (person("[{name: Senate, from: soon}]"),
     "actor 'x': affiliation 'Senate' 'from': expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found 'soon'"),
    (person("[{name: Senate, from: 2009-01-03, to: 2001-01-03}]"),
     "actor 'x': affiliation 'Senate' runs from 2009-01-03 to 2001-01-03; expected 'from' on or before 'to': "
     "swap them"),
    (person("[{name: Democratic Party}]", extra="    affiliation: Republican Party\n"),
     "actor 'x': has several undated affiliations ('Democratic Party', 'Republican Party'); expected one default: "
     "give the others 'from' and 'to' dates"),
])
def test_registry_errors_name_the_file_and_the_actor(tmp_path, yaml_text, message):
    path = tmp_path / "actors.yaml"
    path.write_text(yaml_text)
    with pytest.raises(RegistryError) as caught:
        ActorRegistry.load(path)
    assert str(caught.value) == f"{path}: {message}"


def test_registry_years_and_months_cover_their_days(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text(person("[{name: Senate, from: 2001, to: 2008-12}, {name: Party}]"))
    (x,) = ActorRegistry.load(path).actors.values()
    assert x.affiliation == "Party"
    assert x.affiliations == (DatedAffiliation("Senate", dt.date(2001, 1, 1), dt.date(2008, 12, 31)),
                              DatedAffiliation("Party"))


def test_a_registrys_own_office_resolves_by_date(tmp_path):
    """An office outside the built-in list (``finance minister``) resolves through the registry's roles."""
    from stance.records import PartialDate
    from stance.registries.actors import ActorRegistry

    path = tmp_path / "actors.yaml"
    path.write_text("default_country: Veland\nactors:\n"
                    "  - {id: a, name: Ana Ruiz, type: person, roles: [{title: finance minister, to: 2024-11-14}]}\n"
                    "  - {id: b, name: Leo Brandt, type: person,\n"
                    "     roles: [{title: finance minister, from: 2024-11-15}]}\n",
                    encoding="utf-8")
    registry = ActorRegistry.load(path)
    assert registry.resolve("the finance minister", PartialDate.parse("2024-06")).name == "Ana Ruiz"
    assert registry.resolve("Finance Minister", PartialDate.parse("2025-02")).name == "Leo Brandt"
