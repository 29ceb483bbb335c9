"""`SpeakerResolver` on phrases an article's sources hold: campaigns, organisations named once and pointed back
to, a lone surname named in full only later, a pronoun of the other gender, a person followed by their place, and
outlets at the end of a source.  Texts written for these tests."""

import pytest

from stance.attribution.rules import _tokens
from stance.attribution.speakers import SpeakerResolver, not_a_speaker
from stance.records import Article, Span
from stance.registries.actors import ActorRegistry

TEXT = (
    "Okafor: the levy will pass\n\n"
    "Sen. Grace Okafor (D-Ore.) said on Monday that the levy would pass. The Okafor campaign said it had the votes. "
    "Martin Hale’s campaign disagreed. The Commission on Harbour Safety said the levy was lawful. "
    "The commission added that it would publish its review. Rep. Martin Hale of the Outer Banks said no. "
    "She said the vote would come in June. The FBI said it had opened no inquiry. "
    "The FBI director said nothing more. A reporter for The Hill said the vote was close.\n"
)


def at(part: str) -> int:
    return TEXT.index(part)


def resolver() -> SpeakerResolver:
    return SpeakerResolver(ActorRegistry.load(None), Article("d", TEXT))


def name_of(r: SpeakerResolver, phrase: str, where: str | None = None) -> str | None:
    actor = r.resolve(Span(at(where or phrase), at(where or phrase) + len(phrase), phrase))
    return actor.name if actor else None


def test_a_headline_surname_is_the_person_the_article_names_in_full_after_it():
    assert name_of(resolver(), "Okafor", "Okafor:") == "Grace Okafor"


def test_a_campaign_is_an_organisation_of_its_candidate_with_the_candidates_party():
    r = resolver()
    assert name_of(r, "Sen. Grace Okafor (D-Ore.)") == "Grace Okafor"
    campaign = r.resolve(Span(at("The Okafor campaign"), at("The Okafor campaign") + 19, "The Okafor campaign"))
    assert (campaign.name, campaign.type, campaign.affiliation) == ("Grace Okafor campaign", "organisation",
                                                                   "Democratic Party")
    assert name_of(r, "Martin Hale’s campaign") == "Martin Hale campaign"


def test_the_campaign_alone_is_one_only_where_the_article_named_a_single_campaign():
    r = resolver()
    name_of(r, "The Okafor campaign")
    assert r.resolve_phrase("the campaign", at("Martin Hale’s")) is not None
    name_of(r, "Martin Hale’s campaign")
    assert r.resolve_phrase("the campaign", at("The Commission")) is None  # two campaigns: which?


def test_the_commission_points_back_to_the_commission_named_in_full():
    r = resolver()
    assert name_of(r, "The commission") == "Commission on Harbour Safety"
    assert r.resolve_phrase("the commission", at("The Okafor")) is None  # none named yet


def test_an_organisation_the_registry_lacks_speaks_but_its_director_is_a_person():
    r = resolver()
    assert name_of(r, "The FBI") == "FBI"
    assert name_of(r, "The FBI director") is None  # a title with no holder named: nobody, not the FBI


def test_a_person_followed_by_their_place_is_the_person():
    assert name_of(resolver(), "Rep. Martin Hale of the Outer Banks") == "Martin Hale"


def test_she_never_carries_to_a_man_who_spoke_last():
    r = resolver()
    assert name_of(r, "Sen. Grace Okafor (D-Ore.)") == "Grace Okafor"
    assert name_of(r, "Rep. Martin Hale of the Outer Banks") == "Martin Hale"
    assert name_of(r, "She") == "Grace Okafor"
    assert name_of(r, "he", "Rep. Martin") == "Martin Hale"


@pytest.mark.parametrize("phrase", ["A reporter for The Hill", "The Hill", "a correspondent for Politico",
                                    "the columnist"])
def test_outlets_and_the_press_are_no_speakers(phrase):
    assert not_a_speaker(phrase)


@pytest.mark.parametrize("phrase", ["a spokesman for the Department of Justice", "Sen. Tim Kaine of Virginia",
                                    "an official at the State Department"])
def test_people_of_an_institution_or_a_place_are_speakers(phrase):
    assert not not_a_speaker(phrase)


def test_the_rules_read_a_middle_initial_as_part_of_the_name():
    assert [t.text for t in _tokens("said John D. Podesta, a chief of the U.S. Army")] == [
        "said", "John", "D.", "Podesta", ",", "a", "chief", "of", "the", "U.S.", "Army"]


def test_a_possessor_speaks_through_their_tweet_but_not_through_their_strategist():
    r = resolver()
    where = at("Martin Hale’s campaign")
    assert r.resolve_phrase("Grace Okafor’s tweet", where).name == "Grace Okafor"
    assert r.resolve_phrase("Okafor’s chief strategist", where) is None  # someone else, never named
    assert r.resolve_phrase("the Okafor team", where).name == "Grace Okafor campaign"


def test_the_white_house_speaks_as_itself_and_rolls_up_to_the_us_government():
    actor = ActorRegistry.load(None).resolve("The White House")
    assert (actor.name, actor.type, actor.affiliation) == ("White House", "organisation", "US Government")


def test_a_lead_title_is_the_one_person_the_text_gives_that_title_later():
    text = ("Former port authority chairman warns on tolls\n\n"
            "A former port authority chairman said on Monday that tolls would rise. "
            "Ana Ruiz, a former port authority chairman, said the board had ignored her.\n")
    r = SpeakerResolver(ActorRegistry.load(None), Article("d", text))
    assert r.resolve_phrase("A former port authority chairman", text.index("A former")).name == "Ana Ruiz"
    assert r.resolve_phrase("the senator", text.index("A former")) is None  # a title nobody is given
