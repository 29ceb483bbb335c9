"""`stance extract`: the tagger's spans grouped into attributions, the rules' categories added where the tagger
found nothing, each source resolved or left without an actor.  Texts written for these tests."""

import json

import pytest

from stance.attribution.extract import Extractor, group_spans, rule_category
from stance.attribution.rules import Attributor
from stance.cli.main import main
from stance.ingest.sentences import split_sentences
from stance.records import Article, Attribution, Span
from stance.registries.actors import ActorRegistry


def span(text: str, part: str, occurrence: int = 0) -> Span:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(part, start + 1)
    return Span(start, start + len(part), part)


class FakeTagger:
    """Returns the spans it was built with, for one article."""

    def __init__(self, spans: dict[str, list[Span]]) -> None:
        self.spans = spans

    def predict(self, texts):
        return [self.spans for _ in texts]


TEXT = ("The mayor, Ana Ruiz, said the bridge would reopen in May and added that tolls would stay. "
        "Critics disagreed. “It is a waste of money,” said one engineer.")


def test_group_spans_pairs_each_cue_with_its_source_and_content():
    article = Article("d", TEXT)
    tagged = {"source": [span(TEXT, "The mayor, Ana Ruiz"), span(TEXT, "one engineer")],
              "cue": [span(TEXT, "said"), span(TEXT, "added"), span(TEXT, "said", 1)],
              "content": [span(TEXT, "the bridge would reopen in May"), span(TEXT, "tolls would stay"),
                          span(TEXT, "It is a waste of money"), span(TEXT, "Critics disagreed")]}
    groups = group_spans(split_sentences(article), tagged)
    as_text = [tuple(s.text if s else None for s in g) for g in groups]
    assert as_text == [
        ("The mayor, Ana Ruiz", "said", "the bridge would reopen in May"),
        ("The mayor, Ana Ruiz", "added", "tolls would stay"),  # one source, two cues
        (None, None, "Critics disagreed"),  # a content with no cue of its own is kept
        ("one engineer", "said", "It is a waste of money"),
    ]


def test_a_source_left_over_stands_alone():
    text = "Voters, the survey found, were split."
    groups = group_spans(split_sentences(Article("d", text)), {"source": [span(text, "the survey")]})
    assert groups == [(span(text, "the survey"), None, None)]


def test_extractor_keeps_the_taggers_finds_and_adds_a_dash_credit_where_it_found_nothing():
    text = ("Ana Ruiz said the bridge would reopen in May.\n\n"
            "The tolls will stay at two dollars for every car — City spokesman Leo Brandt.")
    tagger = FakeTagger({"source": [span(text, "Ana Ruiz")], "cue": [span(text, "said")],
                         "content": [span(text, "the bridge would reopen in May")]})
    found = Extractor(ActorRegistry.load(None), tagger).extract_many([Article("d", text)])[0]
    assert [(a.source.text if a.source else None, a.content.text if a.content else None, a.origin, a.actor)
            for a in found] == [
        ("Ana Ruiz", "the bridge would reopen in May", "tagger", "Ana Ruiz"),
        ("City spokesman Leo Brandt", "The tolls will stay at two dollars for every car", "rules", "Leo Brandt"),
    ]


def test_without_the_dash_category_the_credit_is_not_added():
    text = "The tolls will stay at two dollars for every car — City spokesman Leo Brandt."
    found = Extractor(ActorRegistry.load(None), FakeTagger({}), rules=("quote-split",)).extract_many(
        [Article("d", text)])[0]
    assert found == []


def test_kinds_and_unresolved_sources():
    text = ("“We will not raise the fare,” said Ana Ruiz, “not this year.” "
            "According to the transit agency, ridership fell. Experts said the figures were old.")
    tagger = FakeTagger({"source": [span(text, "the transit agency"), span(text, "Experts")],
                         "cue": [span(text, "According to"), span(text, "said", 1)],
                         "content": [span(text, "ridership fell"), span(text, "the figures were old")]})
    found = Extractor(ActorRegistry.load(None), tagger).extract_many([Article("d", text)])[0]
    by_content = {a.content.text: a for a in found if a.content}
    split = by_content["We will not raise the fare,” said Ana Ruiz, “not this year."]
    assert (split.kind, split.actor, split.origin) == ("direct", "Ana Ruiz", "rules")
    assert by_content["ridership fell"].kind == "according-to"
    assert (by_content["the figures were old"].kind, by_content["the figures were old"].actor) == ("anonymous", None)


def test_rule_category_names_a_quote_with_its_speaker_in_the_middle():
    text = "“We will not raise the fare,” said Ana Ruiz, “not this year.”"
    article = Article("d", text)
    finds = Attributor(ActorRegistry.load(None)).rule_finds(article)
    assert [rule_category(f) for _, f in finds] == ["quote-split"]


def test_unknown_rule_category_is_refused():
    with pytest.raises(ValueError, match=r"unknown rule categories \['quotes'\]: expected some of \['cue', "):
        Extractor(ActorRegistry.load(None), None, rules=("quotes",))


def test_attribution_round_trip():
    a = Attribution("d:a0", "d", "reported", Span(0, 4, "text"), Span(5, 8, "who"), None, "x", "X", "person",
                    "Party", "rules")
    assert Attribution.from_dict(json.loads(json.dumps(a.to_dict()))) == a


def test_cli_writes_one_attribution_per_line(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Ana Ruiz said the bridge would reopen in May after the repairs.\n",
                                    encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["extract", str(tmp_path), "--tagger", "none", "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["actor"], r["kind"], r["cue"]["text"], r["origin"]) for r in rows] == [
        ("Ana Ruiz", "reported", "said", "rules")]
    assert "1 attributions (1 with a resolved actor)" in capsys.readouterr().out


def test_an_op_eds_own_claims_are_its_authors_and_a_quote_inside_keeps_its_speaker():
    text = ("The city cannot afford another year of closed bridges. "
            "“We will not raise the fare,” said Ana Ruiz, “not this year.” "
            "Tolls are the fairest way to pay for the repairs.")
    article = Article("d", text, author="Marta Quinn", doc_type="op-ed")
    found = Extractor(ActorRegistry.load(None), None).extract_many([article])[0]
    assert [(a.kind, a.actor, a.origin, a.content.text if a.content else None) for a in found] == [
        ("authored", "Marta Quinn", "author", "The city cannot afford another year of closed bridges."),
        ("direct", "Ana Ruiz", "rules", "We will not raise the fare,” said Ana Ruiz, “not this year."),
        ("authored", "Marta Quinn", "author", "Tolls are the fairest way to pay for the repairs."),
    ]


def test_a_new_speaker_gets_the_party_the_article_gives_them_in_track_and_extract():
    from stance.attribution.rules import extract_statements

    text = ("Sen. Lindsey Graham (R-S.C.) said the hearing was a circus.\n\n"
            "Later, Graham said the committee should vote on the subpoenas next week.")
    article = Article("d", text)
    statements = extract_statements([article], ActorRegistry.load(None))
    assert [(s.actor, s.affiliation) for s in statements] == [("Lindsey Graham", "Republican Party")] * 2
    found = Extractor(ActorRegistry.load(None), None).extract_many([article])[0]
    assert [(a.actor, a.affiliation) for a in found] == [("Lindsey Graham", "Republican Party")] * 2


def test_a_transcript_label_makes_its_turn_the_speakers_and_narration_is_nobodys():
    from stance.attribution.rules import extract_statements

    text = ("Senator Maria Delgado and Governor Tom Reyes met on Sunday's programme.\n\n"
            "DELGADO: The budget leaves the rural clinics without a single new nurse. We will fight it.\n\n"
            "MR. REYES: The budget keeps every clinic open and hires forty nurses.\n\n"
            "That sort of sharp difference between what Delgado says and what the budget holds is common.")
    from stance.ingest.clean import clean_paragraphs, split_paragraphs

    article = Article("d", text, paragraphs=tuple(clean_paragraphs(split_paragraphs(text))))
    statements = extract_statements([article], ActorRegistry.load(None))
    assert [(s.actor, s.kind, s.text.text) for s in statements] == [
        ("Maria Delgado", "direct", "The budget leaves the rural clinics without a single new nurse."),
        ("Maria Delgado", "direct", "We will fight it."),
        ("Tom Reyes", "direct", "The budget keeps every clinic open and hires forty nurses."),
    ]
    assert statements[0].speaker is not None and statements[0].speaker.text == "DELGADO"


def test_a_content_the_tagger_found_without_a_source_takes_the_rules_speaker_of_the_same_words():
    text = "Budget talks resumed.\n\nAna Ruiz said on Monday that the bridge would reopen in May.\n"
    tagger = FakeTagger({"cue": [span(text, "said")], "content": [span(text, "the bridge would reopen in May")]})
    (found,) = Extractor(ActorRegistry.load(None), tagger).extract_many([Article("d", text)])
    (attribution,) = [a for a in found if a.content is not None]
    assert (attribution.actor, attribution.source, attribution.origin) == ("Ana Ruiz", None, "tagger")


def test_track_credits_no_one_with_what_a_speaker_says_as_the_tagger_marks_it():
    text = ("Mayor Ana Ruiz unveiled the budget on Monday.\n\n"
            "The gap between what Ruiz says her budget would do and what the auditors found has grown all year.\n")
    tagger = FakeTagger({"source": [span(text, "Ruiz", 1)], "cue": [span(text, "says")],
                         "content": [span(text, "her budget would do")]})
    (statements,) = Attributor(ActorRegistry.load(None), tagger).extract_many([Article("d", text)])
    assert [s.text.text for s in statements] == []
