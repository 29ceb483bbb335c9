"""Integration: the shipped model on the five seed articles (skipped when ../shared/seeds is absent).

What a careful reader of the seeds finds (written for this test; no article text is copied here):
the Pakistani PM against US bases (2021), the Pentagon spokesman against safe havens (2021), the
Pakistani government's intelligence-sharing position moving between 2017-10 and 2018-01 with its
members divided in 2018, and the foreign minister who offered a joint operation and then took it back.
"""

import pytest
from conftest import SEEDS

from stance.modelling.folders import DEFAULT_MODEL
from stance.positions.aggregate import current_position, leaning

SEEDS_MIN = {"precision": 0.80, "recall": 0.85}
"""Floors under the measured figures of the shipped model (scripts/benchmark_seeds.py): stage 8 (2026-12-04) has
precision 83.3 and recall 87.0. Stage 4 had 95.5 / 91.3; stage 8 reads targets far better on news outside the
seeds' domain and gave up three seed labels for it (docs/benchmarks.md, "Stage 8 on a GPU")."""
KNOWN_WRONG = {
    ("Anonymous sources (Government of Pakistan)", "safe_havens", "against"),
    # stage 8: "send the Haqqani network and the Taliban back to Afghanistan" read as favor of safe havens
    ("Aizaz Ahmad Chaudhry", "safe_havens", "favor"),
    ("Government of Pakistan", "safe_havens", "favor"),
    # stage 8: the foreign minister's refusal of bases read as favor
    ("Shah Mahmood Qureshi", "military_bases", "favor"),
}
"""The (actor, issue, stance) labels the report shows that the reader would call wrong; any other is a regression."""

pytestmark = pytest.mark.skipif(not SEEDS.is_dir() or not DEFAULT_MODEL.is_dir(),
                                reason="needs ../shared/seeds and stance/models/stance-minilm")


@pytest.fixture(scope="module")
def result():
    from stance import Pipeline, load_corpus, load_predictor
    from stance.pipeline.local import load_tagger

    return Pipeline(model=load_predictor(), tagger=load_tagger("auto")).run(load_corpus(SEEDS))  # as `stance track`


def series(result, actor, issue):
    return [p for p in result.predictions if p.statement.actor == actor and p.issue == issue]


def test_prime_minister_against_bases(result):
    preds = series(result, "Imran Khan", "military_bases")
    assert len(preds) >= 3
    cur = current_position(preds)
    assert cur.leaning == "against" and cur.since.startswith("2021")


def test_pentagon_spokesman_against_safe_havens(result):
    cur = current_position(series(result, "John Kirby", "safe_havens"))
    assert cur.leaning == "against" and cur.since.startswith("2021")


def test_foreign_minister_offer_withdrawn(result):
    shifts = [s for s in result.positions.shifts if s.actor == "Khawaja Asif" and s.issue == "joint_operations"]
    assert len(shifts) == 1 and shifts[0].before > 0 > shifts[0].after and shifts[0].date == "2017-10"


def test_pakistan_intelligence_sharing_2017_to_2018(result):
    points = {p.period: p for p in result.positions.group_points
              if p.actor == "Government of Pakistan" and p.issue == "intelligence_sharing"}
    assert leaning(points["2017-10"].score) == "favor"
    assert points["2018-01"].n_statements >= 3


def test_pakistan_divided_on_intelligence_sharing_in_2018(result):
    """2017-10: the government is for strengthening intelligence sharing; 2018-01: the defence minister says it
    has been suspended (recalled in the ambassador's interview) while the ambassador and the Foreign Office
    spokesman call it ongoing and an imperative.  A reader codes that as a government divided in 2018, two
    voices for and one against, not as a reversal of the whole government, so no group shift is expected."""
    divided = [d for d in result.positions.disagreements
               if d.group == "Government of Pakistan" and d.issue == "intelligence_sharing"]
    assert divided and divided[0].period == "2018-01"
    assert "Khurram Dastgir Khan" in divided[0].against
    assert {"Aizaz Ahmad Chaudhry", "Mohammad Faisal"} <= set(divided[0].favor)
    assert current_position(series(result, "Khurram Dastgir Khan", "intelligence_sharing")).leaning == "against"
    assert not [s for s in result.positions.shifts
                if s.actor == "Government of Pakistan" and s.issue == "intelligence_sharing"]


def test_same_interview_two_outlets(result):
    merged = [s for s in result.statements if len(s.all_sources) == 2]
    assert any(s.actor == "Imran Khan" for s in merged)


def test_speakers_resolved(result):
    actors = {s.actor for s in result.statements}
    assert {"Imran Khan", "Shah Mahmood Qureshi", "John Kirby", "Aizaz Ahmad Chaudhry", "Khurram Dastgir Khan",
            "Mohammad Faisal", "Khawaja Asif", "Suhail Shaheen", "Fawad Chaudhry", "Taliban", "Pentagon",
            "Government of Pakistan"} <= actors


def test_positions_a_careful_reader_codes(result):
    """Precision and recall of (document, actor, issue, stance) against tests/fixtures/seeds_gold.yaml."""
    import yaml
    from conftest import ROOT

    from stance.evaluation.positions import gold_tuples, predicted_tuples, statement_speakers, tuple_scores

    gold = yaml.safe_load((ROOT / "tests" / "fixtures" / "seeds_gold.yaml").read_text())["seeds"]
    predicted = predicted_tuples(result.predictions)
    overall = tuple_scores(predicted, gold_tuples(gold), statement_speakers(result.statements))
    sentence_level = tuple_scores(predicted, gold_tuples(gold, include_hard=False),
                                  statement_speakers(result.statements))
    assert overall["precision"] >= SEEDS_MIN["precision"] and overall["recall"] >= SEEDS_MIN["recall"], overall
    assert sentence_level["actor_recall"] == 1.0  # every named speaker resolved to its canonical actor


def test_no_label_a_reader_would_call_wrong(result):
    """Every favor/against the report shows matches the reader's coding, save :data:`KNOWN_WRONG`: the anonymous
    sources' demand to dismantle sanctuaries, coded as the government's (the reader resolved "sources said that
    Pakistani officials would ask ..." to the government; the tracker keeps the anonymous sources), and three
    labels stage 8 reads wrong."""
    import yaml
    from conftest import ROOT

    from stance.evaluation.positions import gold_tuples, predicted_tuples

    gold = gold_tuples(yaml.safe_load((ROOT / "tests" / "fixtures" / "seeds_gold.yaml").read_text())["seeds"])
    extra = predicted_tuples(result.predictions) - gold
    assert {(actor, issue, stance) for _, actor, issue, stance in extra} <= KNOWN_WRONG, extra
