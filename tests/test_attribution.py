import pytest

from stance.attribution.dedupe import merge_duplicates
from stance.attribution.rules import Attributor
from stance.errors import RegistryError
from stance.ingest.corpus import make_article
from stance.records import PartialDate, Span
from stance.registries.actors import ActorRegistry


def extract(text, date="2021-06-19", doc_id="d1"):
    article = make_article(doc_id, text, "test.txt", date=date)
    return Attributor(ActorRegistry.load()).extract(article), article


def who(statements):
    return [(s.actor, s.kind) for s in statements]


def test_direct_quote_speaker_after_and_offsets():
    text = 'The talks stalled.\n\n"We will never host foreign troops here," Imran Khan said on Sunday.'
    sts, article = extract(text)
    assert who(sts) == [("Imran Khan", "direct")]
    st = sts[0]
    assert st.text.text == "We will never host foreign troops here"
    assert article.text[st.text.start:st.text.end] == st.text.text
    assert article.text[st.quote.start:st.quote.end] == st.quote.text
    assert st.speaker.text == "Imran Khan" and st.affiliation == "Government of Pakistan"


def test_pronoun_resolves_to_last_named_speaker():
    text = ("Pentagon Press Secretary John Kirby said the talks were useful.\n\n"
            '"We keep raising the sanctuaries with them," he said.')
    sts, _ = extract(text, "2021-08-11")
    assert who(sts) == [("John Kirby", "reported"), ("John Kirby", "direct")]


@pytest.mark.parametrize("date,minister", [("2017-10", "Khawaja Asif"), ("2021-06", "Shah Mahmood Qureshi")])
def test_role_resolves_by_article_date(date, minister):
    sts, _ = extract("The foreign minister said Pakistan would not accept any joint raids on its soil.", date)
    assert sts[0].actor == minister


def test_title_with_country_and_name():
    sts, _ = extract("Pakistan's Defence Minister Khurram Dastgir said that intelligence sharing had been suspended.",
                     "2018-01")
    assert who(sts) == [("Khurram Dastgir Khan", "reported")]


def test_organisation_speaker():
    sts, _ = extract("Pakistan has conveyed to the US that hosting its drones is not possible.")
    assert who(sts) == [("Government of Pakistan", "organisation")]
    sts, _ = extract("The Taliban has welcomed the decision not to give bases to American forces.")
    assert who(sts) == [("Taliban", "organisation")]


def test_anonymous_source_gets_affiliation_from_content():
    sts, _ = extract("Sources said that Pakistani officials would ask Kabul to dismantle the sanctuaries.")
    assert who(sts) == [("Anonymous sources (Government of Pakistan)", "anonymous")]
    assert sts[0].affiliation == "Government of Pakistan"
    sts, _ = extract("Two US officials said there was no plan to pause the drone campaign.")
    assert [(s.actor_id, s.kind, s.affiliation) for s in sts] == [
        ("anonymous_us_government", "anonymous", "US Government")]
    sts, _ = extract("Sources said the drone talks would resume.")
    assert [(s.actor_id, s.affiliation) for s in sts] == [("anonymous", None)]


def test_according_to():
    sts, _ = extract("According to Pakistan's ambassador Aizaz Chaudhry, intelligence sharing continues.", "2018-01")
    assert who(sts) == [("Aizaz Ahmad Chaudhry", "according-to")]
    assert sts[0].text.text == "intelligence sharing continues."


def test_media_is_not_the_speaker():
    sts, _ = extract("Dawn reported that the foreign minister had rejected the reports as unfounded.")
    assert who(sts) == [("Shah Mahmood Qureshi", "reported")]
    sts, _ = extract("The channel said the talks had reached an impasse.")
    assert sts == []


def test_speaker_before_inserted_clause():
    sts, _ = extract("Pakistan's Foreign Office spokesman Dr. Faisal, in his weekly briefing, dubbed the "
                     "intelligence exchange an imperative.", "2018-01")
    assert who(sts) == [("Mohammad Faisal", "reported")]


def test_unknown_named_speaker_becomes_new_actor():
    registry = ActorRegistry.load()
    article = make_article("d", "Taliban spokesman Abdul Qahar Balkhi said the group opposed any US bases.",
                           "t.txt", date="2021-09")
    st = Attributor(registry).extract(article)[0]
    assert (st.actor, st.actor_type, st.affiliation) == ("Abdul Qahar Balkhi", "person", "Taliban")
    assert "abdul_qahar_balkhi" in registry


def test_two_speakers_in_one_sentence():
    sts, _ = extract("While Kabul claims that Islamabad shelters militants, Pakistan alleges that Afghanistan "
                     "harbours the TTP.", "2021-08")
    assert who(sts) == [("Government of Afghanistan", "organisation"), ("Government of Pakistan", "organisation")]
    assert sts[0].text.text == "Islamabad shelters militants"


def test_same_statement_two_outlets_is_one_with_two_sources():
    quote = '"There is no way we will allow any bases on our territory," Imran Khan said.'
    a, _ = extract("Headline\n\n" + quote, "2021-06-19", "outlet_a")
    b, _ = extract('Islamabad: "There\'s no way we\'ll allow any bases on our territory," the prime minister said.',
                   "2021-06", "outlet_b")
    merged = merge_duplicates(a + b)
    assert len(merged) == 1 and merged[0].sources == ("outlet_a", "outlet_b")


def test_same_words_on_a_later_date_stay_separate():
    quote = '"There is no way we will allow any bases on our territory," Imran Khan said.'
    a, _ = extract(quote, "2021-06-19", "a")
    b, _ = extract(quote, "2021-09-30", "b")
    assert len(merge_duplicates(a + b)) == 2


def test_merge_duplicates_index_finds_what_comparing_every_pair_finds():
    """The week index is only a shortcut: the same clusters as comparing each statement with every earlier
    report of its speaker, with day, month, year and missing dates mixed (a month or a year can be within a
    week of a day; an undated report can match anything)."""
    import random
    from dataclasses import replace

    from stance.attribution.dedupe import same_statement

    base, _ = extract('"There is no way we will allow any bases on our territory," Imran Khan said.')
    other, _ = extract('"Drone strikes inside Pakistan are a violation of our sovereignty," Imran Khan said.')
    rng = random.Random(3)
    dates = [None, PartialDate(2021), PartialDate(2021, 6), PartialDate(2021, 7)] + [
        PartialDate(2021, m, d) for m in (5, 6, 7) for d in (1, 8, 20, 28, 30)]
    statements = [replace(rng.choice(base + other), doc_id=f"d{k}", date=rng.choice(dates)) for k in range(120)]
    clusters = []
    for st in statements:
        match = next((c for c in clusters if same_statement(st, c[0])), None)
        match.append(st) if match else clusters.append([st])
    merged = merge_duplicates(statements)
    assert [m.sources for m in merged] == [tuple(dict.fromkeys(
        [min(c, key=lambda s: {"day": 0, "month": 1, "year": 2}[s.date.precision] if s.date else 3).doc_id]
        + [s.doc_id for s in c])) for c in clusters]
    assert 2 < len(merged) < 60


def test_reporter_voice_is_not_a_statement():
    sts, _ = extract("The US is in talks with regional governments about future operations.")
    assert sts == []


def test_registry_errors(tmp_path):
    bad = tmp_path / "actors.yaml"
    bad.write_text("actors:\n  - {id: x, name: X, type: robot}\n")
    with pytest.raises(RegistryError, match=r"actors\.yaml: actor 'x' has type 'robot'; expected one of person"):
        ActorRegistry.load(bad)
    reg = ActorRegistry.load()
    assert reg.holder("prime minister", "Pakistan", PartialDate(2017, 10)).name == "Shahid Khaqan Abbasi"
    assert reg.parents()["Government of Pakistan"] == "Pakistan"


FIXTURES = __import__("pathlib").Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("corpus", ["mini_corpus", "articles.jsonl", "articles.csv"])
def test_fixture_corpora_speakers(corpus):
    """The named speakers EXPECTED.md lists, resolved to canonical actors, in every input format."""
    from stance.ingest.corpus import load_corpus

    registry = ActorRegistry.load()
    found = {(s.doc_id.split("_")[0].split("-")[0], s.actor)
             for a in load_corpus(FIXTURES / corpus) for s in Attributor(registry).extract(a)}
    expected = {"mini_corpus": {("a", "Shah Mahmood Qureshi"), ("b", "Aizaz Ahmad Chaudhry"),
                                ("b", "Pakistan Foreign Office"), ("c", "John Kirby")}}.get(corpus, {
        ("gilani", "Yousaf Raza Gilani"), ("nauert", "Heather Nauert"), ("mujahid", "Zabihullah Mujahid"),
        ("mujahid", "Taliban")})
    assert expected <= found


class _FakeTagger:
    """Stands in for the trained tagger: marks fixed spans by their text."""

    def __init__(self, **roles):
        self.roles = roles

    def predict(self, texts):
        from stance.records import Span

        out = []
        for text in texts:
            found = {}
            for role, phrases in self.roles.items():
                found[role] = [Span(text.index(p), text.index(p) + len(p), p) for p in phrases if p in text]
            out.append(found)
        return out


def test_tagger_adds_attributions_the_rules_miss():
    from stance.attribution.rules import Attributor

    text = ("Khawaja Asif is convinced that US bases in Pakistan would never serve the country.\n\n"
            "The foreign minister said drone strikes must end.")
    article = make_article("t", text, "t.txt", date="2017-10-05")
    tagger = _FakeTagger(source=["Khawaja Asif", "The foreign minister"], cue=["is convinced", "said"],
                         content=["that US bases in Pakistan would never serve the country", "drone strikes must end"])
    rules_only = Attributor(ActorRegistry.load()).extract(article)
    both = Attributor(ActorRegistry.load(), tagger).extract(article)
    assert [s.cue.text for s in rules_only] == ["said"]
    assert [(s.actor, s.kind, s.cue.text) for s in both] == [
        ("Khawaja Asif", "reported", "is convinced"), ("Khawaja Asif", "reported", "said")]
    assert both[0].text.text == "that US bases in Pakistan would never serve the country"
    assert both[0].speaker.text == "Khawaja Asif"


def test_tagger_source_that_resolves_to_no_actor_is_dropped():
    from stance.attribution.rules import Attributor

    article = make_article("t", "The weather believes in nothing at all today.", "t.txt", date="2017-10-05")
    tagger = _FakeTagger(source=["The weather"], cue=["believes"], content=["in nothing at all today"])
    assert Attributor(ActorRegistry.load(), tagger).extract(article) == []


@pytest.mark.parametrize("text, expected", [
    ("Pakistan will not allow any US bases on its soil — Imran Khan told reporters on Monday.",
     [("Imran Khan", "Pakistan will not allow any US bases on its soil")]),
    ("The US has made no request for bases — Foreign Office spokesman Zahid Hafeez Chaudhri.",
     [("Zahid Hafeez Chaudhri", "The US has made no request for bases")]),
    ("“There is no question of any bases for anyone,” — Imran Khan, in an interview on Sunday.",
     [("Imran Khan", "There is no question of any bases for anyone")]),
    ("From the Foreign Office: “Pakistan will not permit any foreign bases on its territory.”",
     [("Pakistan Foreign Office", "Pakistan will not permit any foreign bases on its territory.")]),
    ("Talks on bases continued for weeks — and nobody expects a deal soon.", []),
])
def test_dash_credits_and_lead_ins(text, expected):
    found, _ = extract(text, "2021-06-20")
    assert [(s.actor, s.text.text) for s in found] == expected


def test_quote_running_over_several_paragraphs():
    text = ("“We will not allow bases,” Imran Khan said. “Pakistan has suffered enough in this war.\n\n"
            "“We will be partners in peace, but never in conflict again.\n\n"
            "“And our territory will not be used against anyone.”\n\n"
            "Separately, the weather in Islamabad was fine.")
    found, _ = extract(text, "2021-06-20")
    assert [s.actor for s in found] == ["Imran Khan"] * 4
    assert found[2].text.text.startswith("We will be partners") and found[2].kind == "direct"


def test_tagger_finds_that_are_not_speech_are_dropped():
    from stance.attribution.rules import Attributor

    text = ("The prime minister was questioned by the US media on granting the CIA access to military bases.\n\n"
            "A pullout was announced by NATO, giving way to speculation that the Taliban could fill the vacuum.")
    article = make_article("t", text, "t.txt", date="2021-06-19")
    tagger = _FakeTagger(source=["the US media", "NATO"], cue=["on", "to speculation"],
                         content=["granting the CIA access to military bases",
                                  "that the Taliban could fill the vacuum"])
    assert Attributor(ActorRegistry.load(), tagger).extract(article) == []


def test_quote_opened_single_and_closed_double_is_a_quote():
    text = ("Asked about the exchange of intelligence with Washington, Imran Khan said, "
            "‘Both sides stay in touch on security at the working level.”")
    sts, _ = extract(text)
    assert who(sts) == [("Imran Khan", "direct")]
    assert sts[0].text.text == "Both sides stay in touch on security at the working level."


def test_extract_many_runs_the_tagger_once_and_equals_extract():
    from stance.attribution.rules import Attributor

    texts = ["Khawaja Asif is convinced that US bases in Pakistan would never serve the country.",
             "The foreign minister believes that drone strikes must end at once."]
    articles = [make_article(f"t{k}", t, "t.txt", date="2017-10-05") for k, t in enumerate(texts)]
    tagger = _FakeTagger(source=["Khawaja Asif", "The foreign minister"], cue=["is convinced", "believes"],
                         content=["that US bases in Pakistan would never serve the country",
                                  "that drone strikes must end at once"])
    calls = []
    predict = tagger.predict
    tagger.predict = lambda batch: calls.append(len(batch)) or predict(batch)
    attributor = Attributor(ActorRegistry.load(), tagger)
    many = attributor.extract_many(articles)
    assert calls == [2]
    assert many == [attributor.extract(a) for a in articles] and all(len(found) == 1 for found in many)
    assert attributor.extract_many([]) == []


def test_with_relevant_the_tagger_reads_only_paragraphs_the_rules_leave_empty_on_an_issue():
    from stance.attribution.rules import Attributor
    from stance.registries.issues import IssueRegistry

    paragraphs = ["Imran Khan said drone strikes must end.",
                  "Khawaja Asif is convinced that US bases in Pakistan would never serve the country.",
                  "The foreign minister is persuaded that the weather in Sialkot is fine this week."]
    text = "\n\n".join(paragraphs)
    article = make_article("t", text, "t.txt", date="2017-10-05")
    tagger = _FakeTagger(source=["Khawaja Asif", "The foreign minister"], cue=["is convinced", "is persuaded"],
                         content=["that US bases in Pakistan would never serve the country",
                                  "that the weather in Sialkot is fine this week"])
    seen = []
    predict = tagger.predict
    tagger.predict = lambda batch: seen.extend(batch) or predict(batch)
    everything = Attributor(ActorRegistry.load(), tagger).extract(article)
    assert seen == [text]
    seen.clear()
    scoped = Attributor(ActorRegistry.load(), tagger, IssueRegistry.load().mentions).extract_many([article])[0]
    # the first paragraph has the rules' statement, the third names no issue
    assert seen == [paragraphs[1]]
    assert [s.cue.text for s in everything] == ["said", "is convinced", "is persuaded"]
    assert scoped == everything[:2]
    assert scoped[1].speaker == Span(41, 53, "Khawaja Asif") and text[scoped[1].text.start:].startswith("that US")


def test_issue_registry_mentions():
    from stance.registries.issues import IssueRegistry

    issues = IssueRegistry.load()
    assert issues.mentions("They spoke about drone strikes.") and not issues.mentions("The weather is fine.")


def test_alias_index_offers_every_alias_a_phrase_contains():
    registry = ActorRegistry.load()
    for actor in list(registry.actors.values()):
        for alias in {actor.name, *actor.aliases}:
            phrase = f"in a statement, {alias}’s office said on Monday"
            candidates = {actor_id for _, actor_id, _ in registry._candidates(phrase)}
            assert actor.actor_id in candidates, alias
            assert registry.match_alias(phrase) is not None, alias
