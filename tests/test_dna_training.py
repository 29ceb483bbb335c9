"""A DNA file's coding as training data and as gold: concepts mapped to issues, pairs split by
document, `stance train --dna`, `stance evaluate --dna` (spans and end to end)."""

import datetime as dt
import json

import pytest
from helpers import pred

from stance.cli.main import main
from stance.dna import DnaCorpus, DnaDocument, DnaStatement, write_corpus
from stance.dna.pairs import concept_id, concept_issues, concept_registry, dna_pairs, split_by_document
from stance.evaluation.dna_gold import coded_tuples, same_actor, tuple_scores
from stance.evaluation.positions import predicted_tuples
from stance.records import Issue
from stance.registries.issues import IssueRegistry
from stance.stance_model.data import Pair

TRAM = "Port Aldern should build the tram line."
RENT = "Rent increases should be capped."
TEXTS = {
    1: "Mayor Ines Varga said the city would build the tram line. Peter Marsh said rent increases must not be "
       "capped.",
    2: "Dana Whitcombe said rent increases should be capped at once. Graham Pell said the tram line is a waste.",
    3: "Ines Varga said the tram line would be built by 2030. Dana Whitcombe said a rent cap is overdue.",
    4: "Graham Pell said the tram line must be stopped. Peter Marsh said a rent cap would empty the market.",
}
CODED = [  # (document, span text, person, organization, concept, agreement)
    (1, "the city would build the tram line", "Ines Varga", "Civic Alliance", TRAM, "favor"),
    (1, "rent increases must not be capped", "Peter Marsh", "Landlords", RENT, "against"),
    (2, "rent increases should be capped at once", "Dana Whitcombe", "Tenants' Union", RENT, "favor"),
    (2, "the tram line is a waste", "Graham Pell", "Aldern First", TRAM, "against"),
    (3, "the tram line would be built by 2030", "Ines Varga", "Civic Alliance", TRAM, "favor"),
    (3, "a rent cap is overdue", "Dana Whitcombe", "Tenants' Union", RENT, "favor"),
    (4, "the tram line must be stopped", "Graham Pell", "Aldern First", TRAM, "against"),
    (4, "a rent cap would empty the market", "Peter Marsh", "Landlords", RENT, "against"),
]


def corpus(coder="reader") -> DnaCorpus:
    documents = tuple(DnaDocument(k, f"Story {k}", text, dt.datetime(2025, k, 1)) for k, text in TEXTS.items())
    statements = tuple(DnaStatement(n, doc, TEXTS[doc].index(span), TEXTS[doc].index(span) + len(span), span, coder,
                                    person, org, concept, agreement)
                       for n, (doc, span, person, org, concept, agreement) in enumerate(CODED, 1))
    return DnaCorpus(documents, statements, (coder,))


@pytest.fixture
def dna_file(tmp_path):
    path = tmp_path / "coded.dna"
    write_corpus(path, corpus())
    return path


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "annotated"
    folder.mkdir()
    rows = [{"text": "We back the plan fully.", "target": TRAM, "label": "favor"},
            {"text": "We reject the plan.", "target": TRAM, "label": "against"},
            {"text": "The weather was fine.", "target": RENT, "label": "neutral"}]
    for split in ("train", "dev"):
        (folder / f"{split}.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return folder


def test_concepts_map_onto_a_registry_by_id_label_or_target_else_stand_for_themselves():
    registry = IssueRegistry([Issue("rent_cap", "Rent cap", "Rents should be capped."),
                              Issue("tram", "Tram", TRAM)])
    mapped = concept_issues(["rent cap", TRAM, "  TRAM ", "The water company should be sold."], registry)
    assert (mapped["rent cap"].issue_id, mapped["rent cap"].target) == ("rent_cap", "Rents should be capped.")
    assert mapped[TRAM].issue_id == mapped["  TRAM "].issue_id == "tram"
    own = mapped["The water company should be sold."]
    assert (own.issue_id, own.target, own.from_registry) == ("the_water_company_should_be_sold",
                                                              "The water company should be sold.", False)


def test_concept_ids_are_valid_registry_ids_and_never_collide():
    assert concept_id("2030: no cars!") == "c_2030_no_cars"
    mapped = concept_issues(["Tram!", "tram?"])
    assert sorted(c.issue_id for c in mapped.values()) == ["tram", "tram_2"]
    IssueRegistry([Issue(c.issue_id, c.concept, c.target) for c in mapped.values()])  # ids the registry accepts


def test_concept_registry_detects_own_concepts_by_meaning_and_keeps_a_registry_mode():
    mapped = concept_issues([TRAM, RENT])
    assert concept_registry(mapped).mode == "meaning"
    registry = IssueRegistry([Issue("tram", "Tram", TRAM, keywords=("tram",)),
                              Issue("rent", "Rent", RENT, keywords=("rent",))], mode="keywords")
    both = concept_registry(concept_issues([TRAM, RENT], registry), registry)
    assert (sorted(both), both.mode) == (["rent", "tram"], "keywords")


def test_pairs_keep_each_document_on_one_side_of_the_split():
    pairs = dna_pairs(corpus(), concept_issues([TRAM, RENT]))
    assert [(p.text, p.target, p.label, p.source) for p in pairs[:1]] == [
        ("the city would build the tram line", TRAM, "favor", "dna")]
    train, held = split_by_document(pairs, 0.5, seed=3)
    assert len(train) == len(held) == 4
    assert not {p.group for p in train} & {p.group for p in held}
    assert split_by_document(pairs, 0.5, seed=3) == (train, held)
    assert split_by_document(pairs, 0.0) == (pairs, [])
    with pytest.raises(ValueError, match=r"expected a held-out share from 0 to under 1, found 1\.0$"):
        split_by_document(pairs, 1.0)


def test_a_tiny_holdout_still_holds_one_document_and_keeps_one_for_training():
    pairs = [Pair("t", "x", "favor", group=g) for g in "ab"]
    train, held = split_by_document(pairs, 0.1)
    assert (len(train), len(held)) == (1, 1)


def test_names_match_on_surname_with_first_names_that_agree():
    assert same_actor("Varga", "Ines Varga") and same_actor("Mr. Peter Marsh", "Peter Marsh")
    assert not same_actor("Tom Varga", "Ines Varga") and not same_actor("Varga", "")


def test_end_to_end_tuples_score_stance_and_who_what_apart():
    mapped = concept_issues([TRAM, RENT])
    coded = coded_tuples(corpus(), mapped, {"1"})
    tram, rent = mapped[TRAM].issue_id, mapped[RENT].issue_id
    assert coded == {("1", "Ines Varga", tram, "favor"), ("1", "Peter Marsh", rent, "against")}
    found = predicted_tuples([pred("s1", "favor", actor="Varga", issue=tram, doc="1"),
                          pred("s2", "favor", actor="Peter Marsh", issue=rent, doc="1"),
                          pred("s3", "neutral", actor="Ines Varga", issue=rent, doc="1")])
    assert found == {("1", "Varga", tram, "favor"), ("1", "Peter Marsh", rent, "favor")}
    scores = tuple_scores(coded, found)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (0.5, 0.5, 0.5)
    assert (scores["precision_who_what"], scores["recall_who_what"]) == (1.0, 1.0)


def test_an_organisation_named_for_its_coded_person_counts():
    coded = {("1", "Peter Marsh", "rent", "against")}
    found = {("1", "Landlords", "rent", "against")}
    assert tuple_scores(coded, found)["recall"] == 0.0
    assert tuple_scores(coded, found, {"Peter Marsh": "Landlords"})["recall"] == 1.0


def test_evaluate_dna_scores_the_held_out_spans(dna_file, tiny_model_dir, capsys):
    assert main(["evaluate", "--dna", str(dna_file), "--model", str(tiny_model_dir), "--dna-holdout", "0.5",
                 "--dna-part", "heldout"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["statements"], figures["documents"]) == (4.0, 2.0)
    assert {"spans_f_avg", "spans_macro_f1", "spans_accuracy", "spans_favor_recall",
            "spans_against_recall"} <= set(figures)


def test_evaluate_dna_end_to_end_runs_the_pipeline_on_the_coded_documents(dna_file, tiny_model_dir, tmp_path,
                                                                          capsys):
    issues = tmp_path / "issues.yaml"
    issues.write_text(f"mode: keywords\nissues:\n  - {{id: tram, target: '{TRAM}', keywords: [tram]}}\n"
                      f"  - {{id: rent, target: '{RENT}', keywords: [rent]}}\n", encoding="utf-8")
    assert main(["evaluate", "--dna", str(dna_file), "--model", str(tiny_model_dir), "--issues", str(issues),
                 "--end-to-end", "--tagger", "none"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["end_to_end_coded"] == 8.0
    assert {"end_to_end_precision", "end_to_end_recall", "end_to_end_f1", "end_to_end_recall_who_what"} <= set(figures)


class Says:
    """A stub stance model: every pair gets ``stance``."""

    name = "stub"

    def __init__(self, stance):
        self.stance = stance

    def predict(self, texts, targets, batch_size=32):
        from stance.stance_model.model import Scored

        return [Scored(self.stance, 0.9, {self.stance: 0.9}, False) for _ in texts]

    def evaluate(self, pairs):
        from stance.stance_model.metrics import stance_metrics

        return stance_metrics([p.label for p in pairs], [self.stance] * len(pairs))


def test_end_to_end_finds_who_said_what_and_scores_the_stance(tmp_path):
    from stance.evaluation.dna_gold import evaluate_dna
    from stance.pipeline.local import Pipeline

    mapped = concept_issues([TRAM, RENT])
    registry = IssueRegistry([Issue(mapped[TRAM].issue_id, "Tram", TRAM, keywords=("tram",)),
                              Issue(mapped[RENT].issue_id, "Rent", RENT, keywords=("rent",))], mode="keywords")
    pairs = dna_pairs(corpus(), mapped)
    figures = evaluate_dna(corpus(), mapped, pairs, Says("favor"), Pipeline(model=Says("favor"), issues=registry))
    assert figures["spans_favor_recall"] == 1.0 and figures["spans_against_recall"] == 0.0
    assert (figures["spans_sided_accuracy"], figures["spans_sided_f_avg"]) == (0.5, 0.3333)
    assert figures["end_to_end_recall_who_what"] == 1.0  # the rules find every "X said ..." speaker
    assert (figures["end_to_end_precision"], figures["end_to_end_recall"]) == (0.5, 0.5)  # half the coding is against


def test_evaluate_needs_one_source_of_gold(tiny_model_dir, dna_file, capsys):
    assert main(["evaluate", "--model", str(tiny_model_dir)]) == 2
    assert "expected one of --data (labelled pairs) or --dna (a DNA file as gold), found neither" in \
        capsys.readouterr().err
    assert main(["evaluate", "--dna", str(dna_file), "--dna-coder", "Admin", "--model", str(tiny_model_dir)]) == 2
    assert f"{dna_file}: no coded statements by coder 'Admin'; coders in the file: Admin, reader" in \
        capsys.readouterr().err


def test_train_on_a_dna_file_holds_documents_out_and_scores_them(dna_file, data_dir, tiny_model_dir, tmp_path,
                                                                 capsys):
    out = tmp_path / "model"
    assert main(["train", "--data", str(data_dir), "--out", str(out), "--init", str(tiny_model_dir), "--epochs", "1",
                 "--dna", str(dna_file), "--dna-holdout", "0.5", "--dna-weight", "2"]) == 0
    printed = capsys.readouterr().out
    assert f"{dna_file}: 8 coded statements on 2 concepts; training on 4, holding out 4" in printed
    assert "dna_heldout: macro-F1" in printed and "(n=4)" in printed
    config = json.loads((out / "stance_config.json").read_text())
    assert config["sources"] == {"project": 1.0, "dna": 2.0}


def test_a_dev_share_of_the_coding_votes_on_the_epoch_with_the_project_dev_split(dna_file, data_dir,
                                                                                tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "model"
    assert main(["train", "--data", str(data_dir), "--out", str(out), "--init", str(tiny_model_dir), "--epochs", "1",
                 "--dna", str(dna_file), "--dna-holdout", "0.25", "--dna-dev", "0.34"]) == 0
    printed = capsys.readouterr().out
    assert (f"{dna_file}: 8 coded statements on 2 concepts; training on 4, choosing the epoch on 2 with the "
            "project dev split, holding out 2") in printed
    assert "dna_dev: macro-F1" in printed and "dna_heldout: macro-F1" in printed
    history = json.loads((out / "metrics.json").read_text())["history"]
    assert {"dev_project_macro_f1", "dev_dna_dev_macro_f1"} <= set(history[0])  # both voted


def test_a_bad_dev_share_is_refused(dna_file, data_dir, tiny_model_dir, tmp_path, capsys):
    assert main(["train", "--data", str(data_dir), "--out", str(tmp_path / "m"), "--init", str(tiny_model_dir),
                 "--dna", str(dna_file), "--dna-dev", "1.5"]) != 0
    assert ("--dna-dev: expected a share of the training side's documents from 0 to under 1, found 1.5"
            in capsys.readouterr().err)


def test_a_statement_merged_across_documents_counts_in_each():
    import dataclasses

    p = pred("s1", "favor", actor="Ines Varga", issue="tram", doc="1")
    merged = dataclasses.replace(p, statement=dataclasses.replace(p.statement, sources=("1", "2")))
    coded = {("1", "Ines Varga", "tram", "favor"), ("2", "Ines Varga", "tram", "favor")}
    assert tuple_scores(coded, predicted_tuples([merged]))["recall"] == 1.0


def test_init_takes_a_shipped_model_by_name(dna_file, data_dir, tiny_model_dir, tmp_path, monkeypatch, capsys):
    from stance.modelling import folders

    monkeypatch.setitem(folders.MODEL_NAMES, "default", tiny_model_dir)  # the shipped folder, as a tiny model
    out = tmp_path / "model"
    assert main(["train", "--data", str(data_dir), "--out", str(out), "--init", "default", "--epochs", "1",
                 "--dna", str(dna_file), "--dna-holdout", "0.5"]) == 0
    assert (out / "stance_config.json").is_file()


def test_a_dev_share_needs_a_dna_file(data_dir, tiny_model_dir, tmp_path, capsys):
    assert main(["train", "--data", str(data_dir), "--out", str(tmp_path / "m"), "--init", str(tiny_model_dir),
                 "--dna-dev", "0.25"]) != 0
    assert ("--dna-dev: expected --dna FILE, whose training side it splits; give both, or leave --dna-dev out"
            in capsys.readouterr().err)
