"""What a speaker phrase names (``stance.attribution.names``): no actor for possessives, concepts, laws, titles
without a holder, outlets, events, places and pairs; people and organisations otherwise.  Every case runs with
the name grammar alone and with spaCy's entities (skipped without an English spaCy pipeline)."""

import pytest

from stance.attribution.names import Name, normal_case, read_name, title_in, title_key
from stance.attribution.parser import load_parser

nlp = load_parser("auto")
PARSERS = [pytest.param(None, id="grammar"),
           pytest.param(nlp, id="spacy", marks=pytest.mark.skipif(
               nlp is None, reason="no English spaCy pipeline: pip install -r requirements/syntax.txt"))]

NEVER_ACTORS = [
    # possessives: the possessor is not the speaker, and what it owns is no name
    "Whitfield's Fifth Amendment", "Delacroix's lawyers", "Ambrose's attorneys", "the senator's aides", "Marston's",
    "the Bureau's director",
    # concepts
    "Tax Fairness", "Professional Conduct", "Public Integrity", "Climate Change", "Border Security",
    "Medicare Advantage", "Attorney-Client Privilege",
    # laws and orders
    "the Second Amendment", "the Clean Water Act", "the Freedom of Information Act", "Executive Order 13769",
    "the Farm Bill",
    # titles without a holder
    "the chairman", "a spokeswoman", "the committee chairman", "The Senator", "the Attorney General",
    "Secretary of State", "the chairman of the House Ethics Committee",
    # news outlets
    "The Springfield Gazette", "Fox News", "the Associated Press", "Reuters", "CNN", "Breitbart News Network",
    "The Daily Ledger",
    # events and places
    "Election Day", "Super Tuesday", "the Republican National Convention", "Hurricane Matthew", "New Hampshire",
    "the Oval Office", "Capitol Hill",
    # more than one actor, groups, pronouns, a name that is not the phrase's head
    "Marston and Whitaker", "Senate Republicans", "House Democrats", "officials", "he",
    "A spokeswoman for Ellen Marsh", "the lawyer for Whitaker",
    # peoples
    "The Europeans", "Hispanics", "a Latina", "Russians",
]


def context(phrase: str) -> str:
    return f"On Tuesday {phrase} said the matter was closed."


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("phrase", NEVER_ACTORS)
def test_never_an_actor(phrase, parser):
    assert read_name(phrase, context(phrase), parser) is None


def test_at_least_thirty_never_actors():
    assert len(set(NEVER_ACTORS)) >= 30


def fields(**expected):
    """The fields a name must have (the others are free)."""
    return expected


PEOPLE = [
    ("Mr. Whitaker", fields(text="Whitaker", first=None, surname="Whitaker", honorific="Mr.", gender="m")),
    ("Mrs. Delacroix", fields(text="Delacroix", surname="Delacroix", honorific="Mrs.", gender="f")),
    ("Ms. Okafor", fields(text="Okafor", surname="Okafor", honorific="Ms.", gender="f")),
    ("Sen. Ellen Marsh", fields(text="Ellen Marsh", first="Ellen", surname="Marsh", honorific="Sen.", title="senator",
                              gender="f")),
    ("Gov. Tom Ridley", fields(text="Tom Ridley", honorific="Gov.", title="governor", gender="m")),
    ("Dr. Anna Feld", fields(text="Anna Feld", honorific="Dr.", title=None, gender="f")),
    ("Rep. Steve King", fields(text="Steve King", first="Steve", surname="King", honorific="Rep.")),
    ("Donald J. Trump", fields(text="Donald J. Trump", first="Donald", surname="Trump", gender="m")),
    ("Robert L. Hartley Jr.", fields(text="Robert L. Hartley Jr.", first="Robert", surname="Hartley", suffix="Jr.")),
    ("Charles de Vries", fields(text="Charles de Vries", first="Charles", surname="de Vries")),
    ("Osama bin Laden", fields(surname="bin Laden")),
    ("Hillary Rodham Clinton", fields(first="Hillary", surname="Clinton", gender="f")),
    ("Bill", fields(text="Bill", first="Bill", surname=None, gender="m")),
    ("Whitaker", fields(text="Whitaker", first=None, surname="Whitaker", gender=None)),
    ("FBI Director Lena Ortiz", fields(text="Lena Ortiz", title="director", affiliation="FBI")),
    ("Jason Whitcombe, the committee chairman", fields(text="Jason Whitcombe", title="chairman")),
    ("the committee's chairman, Jason Whitcombe", fields(text="Jason Whitcombe", title="chairman")),
    ("Brian Foley, a spokesman for the Marsh campaign", fields(text="Brian Foley", title="spokesman", gender="m",
                                                            affiliation="Marsh campaign")),
    ("White House press secretary Josh Earnest", fields(text="Josh Earnest", title="press secretary",
                                                      affiliation="White House")),
    ("Okafor's lawyer Daniel Reyes", fields(text="Daniel Reyes", title="lawyer")),
    ("Daniel Reyes, Okafor's lawyer", fields(text="Daniel Reyes", title="lawyer")),
    ("Okafor Daniel Reyes", fields(text="Daniel Reyes", first="Daniel", surname="Reyes")),
    ("Republican nominee Donald Trump", fields(text="Donald Trump", title="nominee")),
    ("Sen. Ellen Marsh (D-Ore.)", fields(text="Ellen Marsh", honorific="Sen.")),
    ("Jason Whitcombe, R-Utah, the committee chairman", fields(text="Jason Whitcombe", title="chairman")),
    ("Gov. Jim Justice", fields(text="Jim Justice", surname="Justice")),
    ("Trump himself", fields(text="Trump")),
    ("MR. WHITAKER", fields(text="Whitaker", honorific="Mr.", gender="m")),
    ("an analysis by Lena Ortiz, a former tax aide", fields(text="Lena Ortiz", title="aide", gender="f")),
    ("Syrian President Bashar al-Assad", fields(text="Bashar al-Assad", surname="al-Assad", title="president")),
    ("Then-candidate Trump", fields(text="Trump", surname="Trump")),
    ("Sen. Ellen Marsh of Oregon", fields(text="Ellen Marsh", title="senator")),
    ("Lena Ortiz of the FBI", fields(text="Lena Ortiz", affiliation="FBI")),
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(("phrase", "expected"), PEOPLE, ids=[p for p, _ in PEOPLE])
def test_people(phrase, expected, parser):
    name = read_name(phrase, context(phrase), parser)
    assert name is not None and name.kind == "person"
    assert {k: getattr(name, k) for k in expected} == expected


ORGANISATIONS = [
    ("the Justice Department", "Justice Department"), ("House Oversight Committee", "House Oversight Committee"),
    ("Clinton campaign", "Clinton campaign"), ("the Clinton campaign", "Clinton campaign"),
    ("Whitaker's campaign", "Whitaker campaign"), ("the Trump administration", "Trump administration"),
    ("the Department of Homeland Security", "Department of Homeland Security"),
    ("the Office of Government Ethics", "Office of Government Ethics"), ("the FBI", "FBI"),
    ("Food and Drug Administration", "Food and Drug Administration"), ("the White House", "White House"),
    ("the U.S. Attorney's Office", "U.S. Attorney's Office"), ("the Senate", "Senate"),
]


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize(("phrase", "text"), ORGANISATIONS, ids=[p for p, _ in ORGANISATIONS])
def test_organisations(phrase, text, parser):
    assert read_name(phrase, context(phrase), parser) == Name(text, "organisation")


def test_a_name_without_first_name_is_an_organisation_when_spacy_says_so():
    assert read_name("Goldman Sachs").kind == "person"  # the grammar alone cannot tell
    if nlp is not None:
        assert read_name("Goldman Sachs", "Goldman Sachs said profits rose.", nlp).kind == "organisation"


def test_full_name():
    assert read_name("Ellen Marsh").full and not read_name("Marsh").full and not read_name("Ellen").full


def test_titles():
    assert title_in("the House Oversight Committee chairman") == "chairman"
    assert title_in("White House press secretary") == "press secretary"
    assert title_in("Sen.") == "senator" and title_in("the report") is None
    assert title_key("spokeswoman") == title_key("spokesman") == "spokesman"
    assert title_key("campaign chairman") == title_key("Chairwoman") == "chairman"


def test_upper_case_phrases_are_read_in_ordinary_case():
    assert normal_case("MR. O'ROURKE") == "Mr. O'Rourke"
    assert normal_case("FBI DIRECTOR") == "FBI Director"
    assert normal_case("Mr. Trump") == "Mr. Trump"
