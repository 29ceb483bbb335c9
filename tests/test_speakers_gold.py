"""The second-domain speaker gold (coded by hand on PolNeAR dev, no text stored) and its evaluator."""

from pathlib import Path

import pytest

from stance.errors import InputError
from stance.evaluation.speakers import Credited, GoldArticle, GoldStatement, load_gold, same_speaker, speaker_scores

FIXTURE = Path(__file__).parent / "fixtures" / "polnear_speakers.yaml"
HELDOUT = Path(__file__).parent / "fixtures" / "polnear_speakers_heldout.yaml"
POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev" / "text"


@pytest.mark.parametrize(("path", "articles", "statements"), [(FIXTURE, 15, 150), (HELDOUT, 12, 250)])
def test_the_gold_loads_and_holds_no_article_text(path, articles, statements):
    gold = load_gold(path)
    assert len(gold) >= articles
    assert sum(len(g.statements) for g in gold) >= statements
    raw = path.read_text(encoding="utf-8")
    assert "text:" not in raw  # offsets and names only


def test_the_held_out_gold_shares_no_article_with_the_first():
    assert not {g.doc_id for g in load_gold(FIXTURE)} & {g.doc_id for g in load_gold(HELDOUT)}


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="PolNeAR dev is not in ../shared/data")
@pytest.mark.parametrize("path", [FIXTURE, HELDOUT])
def test_the_gold_offsets_lie_inside_their_articles(path):
    for article in load_gold(path):
        text = (POLNEAR / f"{article.doc_id}.txt").read_text(encoding="utf-8")
        for st in article.statements:
            assert st.end <= len(text) and text[st.start:st.end].strip(), (article.doc_id, st)


def test_same_speaker():
    assert same_speaker("Donald Trump", "Donald J. Trump")
    assert same_speaker("House Oversight Committee", "Oversight Committee")
    assert not same_speaker("Bill Clinton", "Hillary Clinton")
    assert not same_speaker("Jason Chaffetz", "Government Reform Committee")


def test_speaker_scores_on_hand_built_rows():
    gold = [GoldArticle("d", (GoldStatement(0, 10, "Bill Clinton", "person"),
                              GoldStatement(20, 30, "Jim Jordan", "person"),
                              GoldStatement(40, 50, None, "anonymous"),
                              GoldStatement(60, 70, "Jason Chaffetz", "person")), ((80, 90),))]
    found = {"d": [Credited(0, 8, "Bill Clinton", "person"), Credited(21, 29, "Hillary Clinton", "person"),
                   Credited(40, 50, None), Credited(82, 88, "Donald Trump", "person")]}
    s = speaker_scores(gold, found)
    assert s["named_found"] == 2 / 3  # Chaffetz's statement is not found
    assert s["resolution"] == 1 / 2  # Jordan's is credited to Hillary Clinton
    assert s["unnamed_right"] == 1.0
    assert s["junk_share"] == 2 / 3  # Hillary Clinton and Donald Trump are no speaker of the article
    assert s["narration_credited"] == 1.0


def test_a_bad_row_names_the_file_and_the_row(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text("articles:\n  d:\n    statements:\n      - {start: 5, end: 2, speaker: X, type: person}\n")
    with pytest.raises(InputError, match=r"g\.yaml: d statement 0: expected a type in \['person', 'organisation', "
                                         r"'anonymous', 'none'\] and 0 <= start < end; found type 'person', "
                                         r"offsets 5\.\.2 \(fix the row\)"):
        load_gold(path)


def test_misses_are_the_found_statements_credited_to_someone_else():
    from stance.evaluation.speakers import Miss, misses

    gold = [GoldArticle("d", (GoldStatement(0, 10, "Bill Clinton", "person"),
                              GoldStatement(20, 30, "Jim Jordan", "person"),
                              GoldStatement(40, 50, "Jason Chaffetz", "person"),
                              GoldStatement(60, 70, None, "anonymous")))]
    found = {"d": [Credited(0, 8, "Bill Clinton", "person"), Credited(21, 29, "Hillary Clinton", "person"),
                   Credited(41, 49, None), Credited(60, 70, "Donald Trump", "person")]}
    assert misses(gold, found) == [Miss("d", 20, 30, "Jim Jordan", "Hillary Clinton"),
                                   Miss("d", 40, 50, "Jason Chaffetz", None)]
