"""Verbs of taking a position, joint speakers, the pronoun's gender in `stance track`'s rules, clauses inside a
reported content, middle initials and accented names: invented sentences, one behaviour each."""

import pytest

from stance.attribution.names import name_from, without_initials
from stance.attribution.rules import Attributor
from stance.attribution.speakers import SpeakerResolver
from stance.ingest.corpus import make_article
from stance.ingest.encoding import repair_mojibake
from stance.registries.actors import ActorRegistry, actor_id_for


def extract(text, date="2016-04-23"):
    article = make_article("d1", text, "test.txt", date=date)
    return Attributor(ActorRegistry.load()).extract(article)


def said(statements):
    return [(s.actor, s.cue.text if s.cue else None, s.text.text) for s in statements]


@pytest.mark.parametrize("sentence,cue,content", [
    ("Mayor Jane Holt denounced the plan to close the Elm Street depot.", "denounced",
     "the plan to close the Elm Street depot."),
    ("Senator Walter Brandt blasts the trade pact with Korea at every stop.", "blasts",
     "the trade pact with Korea at every stop."),
    ("Councillor Ana Ruiz contends that the levy will cost jobs.", "contends", "the levy will cost jobs."),
    ("Governor Tom Reyes supports the new bus lane plan.", "supports", "the new bus lane plan."),
    ("Governor Tom Reyes vows to impose a tax on imported steel.", "vows",
     "to impose a tax on imported steel."),
    ("Senator Elena Park is demanding that the council publish the audit.", "demanding",
     "the council publish the audit."),
    ("Senator Elena Park has questioned the science behind the forecast.", "questioned",
     "the science behind the forecast."),
    # before a preposition or after an adverb, verbs stay cues
    ("Hillary Clinton says in a new interview that she would raise the minimum wage.", "says",
     "she would raise the minimum wage."),
    ("Mr. Obama says of the deal that it is the best available.", "says", "it is the best available."),
    ("Senator Elizabeth Warren warns of a new financial crisis.", "warns", "of a new financial crisis."),
    ("Senator Elena Park is also demanding that the council publish the audit.", "demanding",
     "the council publish the audit."),
])
def test_verbs_of_taking_a_position_are_cues(sentence, cue, content):
    (actor, found_cue, found_content), = said(extract("Council news.\n\n" + sentence))
    assert (found_cue, found_content) == (cue, content)
    assert actor.split()[-1] in sentence  # the named speaker


def test_a_clause_opened_by_saying_after_a_comma_is_the_subjects():
    sts = extract("Council news.\n\nMayor Jane Holt hit back at her critics on Monday, saying the depot would stay "
                  "open.")
    assert said(sts) == [("Jane Holt", "saying", "the depot would stay open.")]


@pytest.mark.parametrize("sentence", [
    "Trump’s proposed wall would cost billions of dollars.",          # an owner before a verb form
    "The Taliban demands were rejected by the government.",           # a plural noun, not a verb
    "Republican claims of fraud were dismissed by the court.",         # the same, before "of"
    "Senator Walter Brandt spent the day supporting local shops.",     # an -ing form without be
    "Senator Walter Brandt left, criticizing the plan.",               # an -ing form that opens no statement
    "Donald Trump called Angela Merkel on Tuesday to discuss trade.",  # a phone call, not a judgement
    "Obama’s critics pounced on the remark, saying it showed weakness.",  # the owner is not the subject
    "Procter and Gamble said its profits fell.",                       # one company, not two speakers
])
def test_words_that_only_look_like_cues_make_no_statement(sentence):
    assert extract("Council news.\n\n" + sentence) == []


def test_a_joint_statement_is_each_speakers():
    sts = extract("Climate pledges.\n\nThe Democratic candidates, Hillary Clinton and Senator Bernie Sanders, have "
                  "promised to pursue strong climate policies.")
    assert [s.actor for s in sts] == ["Hillary Clinton", "Bernie Sanders"]
    assert {s.text.text for s in sts} == {"to pursue strong climate policies."}


def test_she_does_not_carry_to_the_last_man_in_track():
    sts = extract("Trade votes.\n\nSenator Walter Brandt said the pact was dead. Mayor Jane Holt spoke next.\n\n"
                  "She said the port needed the pact.")
    assert [s.actor for s in sts] == ["Walter Brandt", "Jane Holt"]
    sts = extract("Trade votes.\n\nSenator Walter Brandt said the pact was dead.\n\nShe said the port needed it.")
    assert [s.actor for s in sts] == ["Walter Brandt"]  # no woman named: nobody, not the man


def test_a_new_clause_inside_a_reported_content_has_its_own_speaker():
    sts = extract("Targets.\n\nThe White House contends that it is on track to meet the targets, and Brian Deese, "
                  "the White House climate change adviser, said his staff were preparing plans.")
    assert said(sts) == [("White House", "contends", "it is on track to meet the targets"),
                         ("Brian Deese", "said", "his staff were preparing plans.")]


def test_middle_initials_reach_the_registrys_person_and_nobody_else():
    sts = extract("Wall.\n\nDonald J. Trump said the wall would be built.")
    assert [(s.actor_id, s.actor) for s in sts] == [("donald_trump", "Donald Trump")]  # the registry's
    article = make_article("d1", "Wall.\n\nDonald J. Trump Jr. spoke.", "test.txt", date="2016-05-01")
    junior = SpeakerResolver(ActorRegistry.load(), article).resolve_phrase("Donald J. Trump Jr.", 20)
    assert junior.actor_id == "donald_j_trump_jr"  # a suffix: somebody else
    sts = extract("Wall.\n\nBarry R. McCaffrey, a retired general, said the wall would not stop smugglers.")
    assert [s.actor for s in sts] == ["Barry R. McCaffrey"]  # a new actor keeps the name as written
    registry = ActorRegistry.load()
    assert registry.resolve("George W. Bush").actor_id != registry.resolve("George H. W. Bush").actor_id
    assert without_initials("Donald J. Trump Jr.") == "Donald Trump Jr."
    assert without_initials("J. K. Rowling") == "J. K. Rowling"  # a first initial stays


def test_a_registry_alias_with_its_initial_still_matches(tmp_path):
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - id: gwb\n    name: George W. Bush\n    type: person\n    aliases: [George W. Bush]\n"
                    "  - id: ghwb\n    name: George H. W. Bush\n    type: person\n    aliases: [George H. W. Bush]\n",
                    encoding="utf-8")
    registry = ActorRegistry.load(path)
    article = make_article("d1", "Iraq.\n\nGeorge H. W. Bush said the war was over. George W. Bush said it was not.",
                           "test.txt", date="2003-05-01")
    assert [s.actor_id for s in Attributor(registry).extract(article)] == ["ghwb", "gwb"]


def test_accented_names_are_names():
    assert name_from("President Enrique Peña Nieto").text == "Enrique Peña Nieto"
    assert name_from("Ségolène Royal").first == "Ségolène"
    assert actor_id_for("Ségolène Royal") == "segolene_royal"
    sts = extract("Visit.\n\nPresident Enrique Peña Nieto met Trump.\n\nPeña Nieto said that Mexico would not pay.")
    assert [s.actor for s in sts] == ["Enrique Peña Nieto"]


def test_mojibake_is_repaired_when_a_document_is_made():
    assert repair_mojibake("President Enrique PeÃ±a Nieto") == "President Enrique Peña Nieto"
    assert repair_mojibake("PeA\u0303\u00b1a Nieto") == "Peña Nieto"  # stored decomposed
    assert repair_mojibake("“Quoted” — as written, don’t") == "“Quoted” — as written, don’t"
    assert repair_mojibake("plain") == "plain"
    article = make_article("d1", "Visit.\n\nPeÃ±a Nieto said that Mexico would not pay.", "test.txt")
    assert "Peña Nieto said" in article.text


def test_a_clause_opened_by_calling_for_after_an_honorific_subject():
    sts = extract("Trade.\n\nDonald J. Trump spoke in Indiana.\n\nMr. Trump has repudiated free trade, calling for "
                  "heavy tariffs on Mexican-made goods.")
    assert said(sts) == [("Donald Trump", "calling for", "heavy tariffs on Mexican-made goods.")]
    # a dateline opens the sentence: no subject is guessed
    assert extract("Council.\n\nRIVERTON, May 3: Mayor Jane Holt hit back, saying the depot stays.") == []


def test_a_relative_clause_is_a_statement_of_the_name_before_it():
    sts = extract("Levy.\n\nSenator Walter Brandt, who has long opposed the levy, said on Monday that the council "
                  "would vote on it.")
    assert said(sts) == [("Walter Brandt", "opposed", "the levy"),
                         ("Walter Brandt", "said", "the council would vote on it.")]
    sts = extract("Trade.\n\nVoters like Senator Bernie Sanders of Vermont, who similarly blasts free trade, but "
                  "from the left.")
    assert said(sts) == [("Bernie Sanders", "blasts", "free trade")]


def test_a_name_before_an_anonymous_description_is_the_speaker():
    sts = extract("Climate.\n\nBenjamin J. Rhodes, one of the president's closest aides, recalled the summit in "
                  "Paris.")
    assert said(sts) == [("Benjamin J. Rhodes", "recalled", "the summit in Paris.")]
    sts = extract("Climate.\n\nOne of the president's closest aides said the summit had failed.")
    assert [s.actor_type for s in sts] == ["anonymous"]  # with no name, the description still speaks


def test_called_and_other_verbs_of_judging_are_cues():
    sts = extract("Climate.\n\nSenator Walter Brandt called the accord a hoax. Mayor Jane Holt hailed the accord.")
    assert said(sts) == [("Walter Brandt", "called", "the accord a hoax."),
                         ("Jane Holt", "hailed", "the accord.")]
    sts = extract("Trade.\n\nSenator Walter Brandt threatened to impose a tariff on steel.")
    assert said(sts) == [("Walter Brandt", "threatened", "to impose a tariff on steel.")]


def test_a_relative_clause_never_takes_the_sentences_quotation():
    sts = extract('Deal.\n\nSenator Ted Cruz, who has long opposed the deal, said: "It is a disaster for America."')
    assert said(sts) == [("Ted Cruz", "opposed", "the deal"), ("Ted Cruz", "said", "It is a disaster for America.")]
    sts = extract("Fee.\n\nMayor Jane Holt, who opposed the $1,000 fee, said it would go.")
    assert said(sts)[0] == ("Jane Holt", "opposed", "the $1,000 fee")


def test_text_without_mojibake_comes_back_exactly_as_written():
    decomposed = "Ségolène Royal a parlé. Peña".replace("é", "e\u0301")  # accents stored decomposed
    assert repair_mojibake(decomposed) == decomposed  # no mojibake: not even composed, offsets never move
    assert repair_mojibake("Peña Nieto\nPeÃ±a Nieto") == "Peña Nieto\nPeña Nieto"  # only the broken line
