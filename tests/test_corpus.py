"""The stance corpus: its loader's checks, target-disjoint splits, twins, and negated-target augmentation."""

import json
from pathlib import Path

import pytest

from stance.errors import InputError
from stance.stance_model.corpus import KINDS, corpus_splits, read_corpus, target_splits, to_pairs, twin_consistency
from stance.stance_model.data import Pair
from stance.stance_model.negation import negate_target, negated_pair, with_negated_targets

ROOT = Path(__file__).resolve().parents[1]


def row(target_id="t_wage", domain="labour", kind="plain", label="favor", text="Raise it now, she said.", **kw):
    return {"target_id": target_id, "domain": domain, "target": kw.get("target", f"{target_id} should happen."),
            "negated": kw.get("negated", f"{target_id} should not happen."), "kind": kind, "label": label,
            "text": text, "speaker": kw.get("speaker", "she")}


def write(folder: Path, name: str, rows) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_loader_reads_and_checks(tmp_path):
    write(tmp_path, "a.jsonl", [row(), row(label="AGAINST", text="No, he said.")])
    rows = read_corpus(tmp_path)
    assert [r.label for r in rows] == ["favor", "against"] and rows[0].where.endswith("a.jsonl:1")


@pytest.mark.parametrize("bad, message", [
    ("{not json", r"b.jsonl:2: is not JSON \(.*\); expected one object per line"),
    ('["a list"]', r"b.jsonl:2: expected a JSON object, found list"),
    (json.dumps(row(kind="sarcasm")), r"b.jsonl:2: kind 'sarcasm' is not one of plain, criticise_opposite"),
    (json.dumps(row(label="maybe")), r"b.jsonl:2: expected a label among \['favor', 'against', 'neutral'\], "
                                     r"found 'maybe'"),
    (json.dumps({**row(), "speaker": ""}), r"b.jsonl:2: expected non-empty text fields .*; missing or empty: "
                                           r"\['speaker'\]"),
    (json.dumps(row(target="Something else entirely.")),
     r"b.jsonl:2: target 't_wage' has another text, twin or domain than at .*a.jsonl:1; expected one target per id"),
])
def test_loader_errors_name_file_and_line(tmp_path, bad, message):
    write(tmp_path, "a.jsonl", [row()])
    write(tmp_path, "b.jsonl", [row(), bad])
    with pytest.raises(InputError, match=message):
        read_corpus(tmp_path)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"has no .jsonl files; expected the stance corpus"):
        read_corpus(tmp_path)


def test_splits_are_disjoint_by_target_and_per_domain(tmp_path):
    rows = [row(target_id=f"{d}_{k}", domain=d, text=f"statement {n}") for d in ("tax", "wage", "rail")
            for k in range(5) for n in range(3)]
    rows += [row(target_id="tiny_1", domain="tiny"), row(target_id="tiny_2", domain="tiny")]
    write(tmp_path, "a.jsonl", rows)
    split = target_splits(read_corpus(tmp_path))
    for domain in ("tax", "wage", "rail"):
        mine = [s for t, s in split.items() if t.startswith(domain)]
        assert sorted(mine) == ["dev", "test", "train", "train", "train"]
    assert split["tiny_1"] == split["tiny_2"] == "train"  # too few targets to hold any out
    pairs = corpus_splits(tmp_path)
    targets = {name: {p.issue.removesuffix("~not") for p in ps} for name, ps in pairs.items()}
    assert not targets["train"] & targets["dev"] and not targets["train"] & targets["test"]
    assert not targets["dev"] & targets["test"]
    assert len(pairs["test"]) == 3 * 3 * 2  # three domains, three statements, each with its twin
    # the split of a target does not depend on the file order or on other domains
    write(tmp_path, "a.jsonl", [*reversed(rows), row(target_id="other_1", domain="other")])
    assert {t: s for t, s in target_splits(read_corpus(tmp_path)).items() if t != "other_1"} == split


def test_twins_swap_favor_and_against_and_keep_neutral():
    rows = list(read_corpus_rows([row(label="favor"), row(label="against", text="b"),
                                  row(label="neutral", text="c", kind="question")]))
    pairs = to_pairs(rows)
    assert [(p.target, p.label, p.issue, p.kind) for p in pairs] == [
        ("t_wage should happen.", "favor", "t_wage", "plain"),
        ("t_wage should not happen.", "against", "t_wage~not", "plain"),
        ("t_wage should happen.", "against", "t_wage", "plain"),
        ("t_wage should not happen.", "favor", "t_wage~not", "plain"),
        ("t_wage should happen.", "neutral", "t_wage", "question"),
        ("t_wage should not happen.", "neutral", "t_wage~not", "question")]
    assert len(to_pairs(rows, twins=False)) == 3


def read_corpus_rows(rows):
    from stance.stance_model.corpus import Statement

    return [Statement(**dict(r.items())) for r in rows]


def test_twin_consistency_counts_statements_right_on_both_readings():
    pairs = to_pairs(read_corpus_rows([row(label="favor", text="a"), row(label="against", text="b")]))
    assert twin_consistency(pairs, ["favor", "against", "against", "favor"]) == 1.0
    assert twin_consistency(pairs, ["favor", "favor", "against", "favor"]) == 0.5  # tone-reader: same label twice
    assert twin_consistency(pairs, ["against", "favor", "favor", "against"]) == 0.0


@pytest.mark.parametrize("target, negated", [
    ("Taxes on the wealthy should be raised.", "Taxes on the wealthy should not be raised."),
    ("The city should not build the stadium.", "The city should build the stadium."),
    ("We shouldn't extend the mandate.", "We should extend the mandate."),
    ("The country must leave the treaty.", "The country must not leave the treaty."),
    ("Nuclear power is safe.", "Nuclear power is not safe."),
    ("Governments ought to fund research.", "Governments ought not to fund research."),
    ("Donald Trump", "Opposition to Donald Trump"),
    ("Opposition to Donald Trump", "Donald Trump"),
])
def test_negate_target(target, negated):
    assert negate_target(target) == negated


def test_negated_pair_and_augmentation_on_hand_built_rows():
    favor = Pair("We need the tax now, she said.", "A carbon tax should be introduced.", "favor", "carbon", "semeval")
    neutral = Pair("The vote is on Tuesday.", "Atheism", "neutral", "atheism", "semeval")
    corpus = Pair("x", "A should happen.", "against", "a", "corpus")
    assert negated_pair(favor) == Pair("We need the tax now, she said.", "A carbon tax should not be introduced.",
                                       "against", "carbon~not", "semeval")
    assert negated_pair(neutral).label == "neutral" and negated_pair(neutral).target == "Opposition to Atheism"
    assert with_negated_targets([favor, neutral, corpus], share=0) == [favor, neutral, corpus]
    both = with_negated_targets([favor, neutral, corpus], share=1)
    assert both == [favor, neutral, corpus, negated_pair(favor), negated_pair(neutral)]  # corpus has its own twins
    half = [with_negated_targets([favor] * 200, share=0.5, seed=s) for s in (1, 1, 2)]
    assert half[0] == half[1] and half[0] != half[2] and 60 < len(half[0]) - 200 < 140
    with pytest.raises(ValueError, match=r"share must be in \[0, 1\], found 1.5"):
        with_negated_targets([favor], share=1.5)


def test_the_kinds_are_the_guidelines_kinds():
    guide = (ROOT / "data" / "annotated" / "GUIDELINES.md").read_text(encoding="utf-8")
    assert [k for k in KINDS if f"`{k}`" not in guide] == []


@pytest.mark.skipif(not (ROOT / "data" / "stance_corpus" / "raw").is_dir(), reason="no corpus in this checkout")
def test_the_shipped_corpus_loads_with_unseen_dev_and_test_targets():
    rows = read_corpus(ROOT / "data" / "stance_corpus" / "raw")
    split = target_splits(rows)
    assert {split[r.target_id] for r in rows} == {"train", "dev", "test"}
    assert len({r.target_id for r in rows}) >= 200 and len({r.domain for r in rows}) >= 25
