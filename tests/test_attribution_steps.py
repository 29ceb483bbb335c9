"""The named steps of the rules' sentence attribution and the records they return (invented sentences)."""

import dataclasses

import pytest

from stance.attribution import rules
from stance.attribution.rules import Attributor, Found, _cues, _quotes, _speaker_candidates, _State, _tokens
from stance.ingest.corpus import make_article
from stance.ingest.sentences import split_sentences
from stance.registries.actors import GROUP_TYPES, ActorRegistry


def one_sentence(text, state=None, date="2021-06-19"):
    """The attributor, the article and what ``_sentence`` finds in its one sentence."""
    article = make_article("steps", text, "steps.txt", date=date)
    (sentence,) = split_sentences(article)
    attributor = Attributor(ActorRegistry.load())
    return attributor, article, attributor._sentence(article, sentence, state or _State())


def test_quote_alternatives_are_named_and_each_found():
    assert list(rules._QUOTES.groupindex) == ["double", "single", "straight", "mixed"]
    text = ("He called it 'a very long quoted phrase' and ‘rather odd words’ then “double quoted words here” "
            "and ‘mixed up marks here”, but not ‘two words’ or 'it's short'.")
    assert [text[a:b] for a, b in _quotes(text)] == [
        "a very long quoted phrase", "rather odd words", "double quoted words here", "mixed up marks here"]
    kinds = [m.lastgroup for m in rules._QUOTES.finditer(text)]
    assert kinds[:4] == ["straight", "single", "double", "mixed"]


def test_cues_are_records_in_reading_order():
    text = "The envoy was told about it, has repeatedly said no, according to aides."
    cues = _cues(text, [])
    assert [(c.match.group(), c.according, c.passive) for c in cues] == [
        ("was told", False, True), ("has repeatedly said", False, False), ("according to ", True, False)]
    assert [text[c.verb_start:c.match.end()] for c in cues] == ["told", "said", "according to "]
    assert _speaker_candidates(_tokens(text), cues[0]) == []  # a passive cue names no speaker beside it
    with pytest.raises(dataclasses.FrozenInstanceError):
        cues[0].passive = False


def test_sentence_returns_found_records_with_named_fields():
    _, _, found = one_sentence("According to the Foreign Office, the border talks will resume in the spring.")
    assert len(found) == 1 and isinstance(found[0], Found)
    (f,) = found
    assert f.actors[0].name == "Pakistan Foreign Office" and f.kind == "according-to"
    assert (f.speaker.text, f.cue.text, f.content.text) == (
        "the Foreign Office", "According to", "the border talks will resume in the spring.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.kind = "direct"


def test_second_speaker_cuts_the_first_content_at_the_comma():
    _, _, found = one_sentence("While Kabul claims that the camps closed long ago, Pakistan alleges that they are "
                               "still active.")
    assert [(f.speaker.text, f.cue.text, f.content.text) for f in found] == [
        ("Kabul", "claims", "the camps closed long ago"), ("Pakistan", "alleges", "they are still active.")]
    assert all(f.actors[0].type in GROUP_TYPES and f.kind == "organisation" for f in found)


def test_headline_credit_and_dash_credit():
    _, _, found = one_sentence("Fishing talks to resume next month: Foreign Office")
    assert [(f.kind, f.content.text, f.speaker.text, f.cue) for f in found] == [
        ("organisation", "Fishing talks to resume next month", "Foreign Office", None)]
    _, _, found = one_sentence("The fishing fleet sails at dawn — Foreign Office spokesman Jane Roe.")
    assert [(f.actors[0].name, f.content.text, f.speaker.text) for f in found] == [
        ("Jane Roe", "The fishing fleet sails at dawn", "Foreign Office spokesman Jane Roe")]


def test_passive_recipient_cue_takes_the_last_group():
    text = "It will be told that the new crossing rules apply from Monday onwards."
    assert one_sentence(text)[2] == []
    registry = ActorRegistry.load()
    state = _State(last_group=registry.get("gov_pakistan"))
    _, _, found = one_sentence(text, state)
    assert [(f.actors[0].actor_id, f.speaker, f.cue.text, f.content.text) for f in found] == [
        ("gov_pakistan", None, "told", "the new crossing rules apply from Monday onwards.")]


def test_quote_going_on_is_the_last_speakers():
    registry = ActorRegistry.load()
    minister = registry.get("gov_pakistan")
    state = _State(last_speaker=minister, last_paragraph=0)
    _, _, found = one_sentence("“The crossings stay open for every lorry that carries food.”", state)
    assert [(f.actors, f.kind, f.speaker, f.cue, f.content.text) for f in found] == [
        ((minister,), "direct", None, None, "The crossings stay open for every lorry that carries food.")]
