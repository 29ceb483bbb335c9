"""`stance agreement`: Krippendorff's alpha and Cohen's kappa against published worked examples, unit
alignment (span and actor), "not coded" as a category, coverage, per-concept figures, the bootstrap, the
readers' error messages, and the command end to end."""

import dataclasses
import inspect
import json

import numpy as np
import pytest
from helpers import pred

from stance.cli.main import main
from stance.errors import InputError, StanceError
from stance.evaluation.agreement import (
    _kappa_of_tables,
    agreement,
    align,
    align_actors,
    align_spans,
    cohen_kappa,
    compare,
    concept_agreement,
    majority,
    nominal_alpha,
)
from stance.evaluation.codings import (
    Coding,
    ConceptMap,
    read_codings,
    read_csv_codings,
    read_jsonl_codings,
    read_run_codings,
)
from stance.records import Issue, Span

HEADER = "doc_id,start,end,actor,concept,value"


def coding(start, end, value="favor", coder="a", concept="bases", doc="d1", actor="Imran Khan"):
    return Coding(doc, start, end, actor, concept, value, coder)


# --- the coefficients against published examples ----------------------------------------------------------------


def test_alpha_is_krippendorffs_own_nominal_example():
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 coders, 12 units, missing
    values; nominal alpha 0.743."""
    rows = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
            [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
    assert round(nominal_alpha(rows), 3) == 0.743
    # the same data as text categories: nominal alpha depends only on which values are equal
    names = {1: "favor", 2: "against", 3: "neutral", 4: "x", 5: "y"}
    assert nominal_alpha([[names.get(v) for v in row] for row in rows]) == pytest.approx(0.743421, abs=1e-6)


def test_kappa_of_the_worked_2x2_table():
    """Both yes 20, both no 15, A yes B no 5, A no B yes 10: p_o 0.70, p_e 0.50, kappa 0.40."""
    a = ["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.40)
    assert _kappa_of_tables(np.array([[[20, 5], [10, 15]]]))[0] == pytest.approx(0.40)


def test_alpha_and_kappa_of_the_docstring_example():
    a, b = ["favor", "against", "neutral"], ["favor", "against", "favor"]
    assert nominal_alpha([a, b]) == pytest.approx(1 - 10 / 22)
    assert cohen_kappa(a, b) == pytest.approx(0.5)


def test_vectorised_kappa_equals_scikit_learn():
    from sklearn.metrics import cohen_kappa_score

    rng = np.random.default_rng(3)
    for _ in range(20):
        a, b = rng.integers(0, 4, 30), rng.integers(0, 4, 30)
        table = np.zeros((1, 4, 4), dtype=int)
        np.add.at(table[0], (a, b), 1)
        assert _kappa_of_tables(table)[0] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def test_undefined_coefficients_are_none():
    assert nominal_alpha([["favor", "favor"], ["favor", "favor"]]) is None
    assert cohen_kappa(["favor", "favor"], ["favor", "favor"]) is None
    assert cohen_kappa([], []) is None
    assert np.isnan(_kappa_of_tables(np.array([[[3, 0], [0, 0]]]))[0])
    with pytest.raises(StanceError, match=r"^kappa needs one value per unit from each coder; found 2 and 1$"):
        cohen_kappa(["favor", "against"], ["favor"])


# --- alignment ---------------------------------------------------------------------------------------------------


def test_spans_pair_largest_overlap_first_one_to_one():
    a = [coding(0, 50, "favor"), coding(60, 90, "against")]
    b = [coding(40, 100, "against", coder="b")]  # shares 10 with the first, 30 with the second
    units = align_spans(a, b)
    assert [(u.start, u.end, u.value_a, u.value_b) for u in units] == [(0, 50, "favor", None),
                                                                        (40, 100, "against", "against")]


def test_spans_tie_goes_to_the_earlier_span():
    units = align_spans([coding(0, 50), coding(60, 90, "against")], [coding(40, 70, "neutral", coder="b")])
    assert [(u.start, u.end, u.value_a, u.value_b) for u in units] == [(0, 70, "favor", "neutral"),
                                                                        (60, 90, "against", None)]


def test_spans_of_another_concept_or_document_or_touching_are_not_paired():
    a = [coding(0, 50), coding(100, 150, doc="d2"), coding(200, 250)]
    b = [coding(0, 50, concept="drones", coder="b"), coding(100, 150, doc="d3", coder="b"),
         coding(250, 300, coder="b")]
    units = align_spans(a, b)
    assert len(units) == 6 and not any(u.both for u in units)


def test_actor_units_ignore_case_and_take_the_majority():
    a = [coding(0, 10, "favor", actor="Imran Khan"), coding(20, 30, "favor", actor="imran khan "),
         coding(40, 50, "against", actor="IMRAN KHAN")]
    b = [coding(500, 510, "against", coder="b", actor="Imran khan"), coding(0, 9, "favor", coder="b", actor="Trump")]
    units = align_actors(a, b)
    assert [(u.actor, u.value_a, u.value_b) for u in units] == [("Imran Khan", "favor", "against"),
                                                               ("Trump", None, "favor")]
    assert (units[0].start, units[0].end) == (0, 510)


def test_majority_ties_are_neutral():
    assert majority(["favor", "favor", "against"]) == "favor"
    assert majority(["favor", "against"]) == "neutral"
    assert majority(["against", "neutral", "against", "favor"]) == "against"
    assert majority(["favor", "against", "neutral"]) == "neutral"


def test_align_names_the_units_it_knows():
    with pytest.raises(StanceError, match=r"^unit 'sentence' is not known; expected one of span, actor$"):
        align([], [], "sentence")


# --- the figures -------------------------------------------------------------------------------------------------


def test_not_coded_counts_as_disagreement_and_coverage():
    """A codes 4 units, B 3, 2 the same: coverage 2/4 and 2/3; both coded: 2 units, 1 agreeing; with
    not coded: 5 units, the same 1 agreeing."""
    a = [coding(0, 10, "favor"), coding(20, 30, "against"), coding(40, 50), coding(60, 70)]
    b = [coding(0, 10, "favor", coder="b"), coding(20, 30, "favor", coder="b"), coding(80, 90, coder="b")]
    result = concept_agreement("bases", align_spans(a, b), bootstrap=0)
    assert (result.units_a, result.units_b, result.units_both) == (4, 3, 2)
    assert result.coverage_a == 0.5 and result.coverage_b == pytest.approx(2 / 3)
    assert result.both_coded.n_units == 2 and result.both_coded.percent.value == 0.5
    assert result.with_not_coded.n_units == 5 and result.with_not_coded.percent.value == pytest.approx(0.2)
    # both coded: (favor, favor), (against, favor): N = 4 values, favor 3, against 1, 2 disagreeing ordered
    # pairs: alpha = 1 - 3 * 2 / (16 - 10) = 0.  With not coded: 10 values (favor 6, against 1, not coded 3),
    # 4 units disagree (8 pairs): alpha = 1 - 9 * 8 / (100 - 46) = -1/3
    assert result.both_coded.alpha.value == pytest.approx(0.0)
    assert result.with_not_coded.alpha.value == pytest.approx(-1 / 3)


def test_per_concept_and_overall():
    a = [coding(0, 10, "favor"), coding(20, 30, "against"), coding(0, 10, "favor", concept="drones"),
         coding(20, 30, "against", concept="drones")]
    b = [coding(0, 10, "favor", coder="b"), coding(20, 30, "against", coder="b"),
         coding(0, 10, "against", coder="b", concept="drones"), coding(20, 30, "favor", coder="b", concept="drones")]
    report = compare(a, b, bootstrap=0)
    assert [c.concept for c in report.concepts] == ["bases", "drones"]
    bases, drones = report.concepts
    assert bases.both_coded.alpha.value == 1.0 and bases.both_coded.kappa.value == 1.0
    assert drones.both_coded.percent.value == 0.0 and drones.both_coded.kappa.value == -1.0
    assert report.overall.concept == "all" and report.overall.both_coded.n_units == 4
    assert report.overall.both_coded.percent.value == 0.5
    assert (report.coder_a, report.coder_b) == ("a", "b")


def test_bootstrap_interval_holds_the_estimate_and_is_reproducible():
    rng = np.random.default_rng(0)
    values = ("favor", "against", "neutral")
    a = [values[i] for i in rng.integers(0, 3, 60)]
    b = [x if rng.random() < 0.7 else values[rng.integers(0, 3)] for x in a]
    first = agreement(a, b, values, bootstrap=300, seed=5)
    for estimate in (first.percent, first.alpha, first.kappa):
        assert estimate.low < estimate.value < estimate.high
    assert agreement(a, b, values, bootstrap=300, seed=5) == first
    assert agreement(a, b, values, bootstrap=300, seed=6).alpha != first.alpha
    # the kappa interval is scikit-learn's kappa over the same resamples
    from sklearn.metrics import cohen_kappa_score

    draws = np.random.default_rng(5).integers(0, 60, size=(300, 60))
    kappas = [cohen_kappa_score([a[i] for i in d], [b[i] for i in d]) for d in draws]
    assert (first.kappa.low, first.kappa.high) == pytest.approx(tuple(np.percentile(kappas, [2.5, 97.5])))


def test_degenerate_cases_are_explained_not_crashed():
    one_value = agreement(["favor"] * 3, ["favor"] * 3, ("favor", "against", "neutral"), bootstrap=50)
    assert one_value.alpha.value is None and one_value.kappa.value is None and one_value.percent.value == 1.0
    assert one_value.notes == ("one value only (favor): alpha and kappa are undefined (no disagreement can be "
                               "expected by chance)",)
    assert one_value.alpha.to_dict() == {"value": None, "low": None, "high": None}
    single = agreement(["favor"], ["against"], ("favor", "against", "neutral"))
    assert single.notes == ("fewer than 2 units: no alpha or kappa",) and single.percent.value == 0.0
    apart = compare([coding(0, 10)], [coding(20, 30, coder="b")], bootstrap=20)
    assert apart.overall.both_coded.notes == ("no unit coded by both coders (no overlap)",)
    assert apart.overall.coverage_a == 0.0 and apart.overall.with_not_coded.n_units == 2
    empty = compare([], [], bootstrap=20)
    assert empty.notes == ("neither coder has any coding: nothing to compare",)
    assert json.loads(json.dumps(empty.to_dict()))["overall"]["coverage_a"] is None


def test_values_outside_the_categories_stop():
    with pytest.raises(StanceError) as caught:
        agreement(["favor", "maybe"], ["favor", "favor"], ("favor", "against", "neutral"))
    assert str(caught.value) == ("values 'maybe' are not among favor, against, neutral; expected each value to be "
                                 "one of them")
    with pytest.raises(StanceError) as caught:
        agreement(["favor"], [], ("favor",))
    assert str(caught.value) == "agreement needs one value per unit from each coder; found 1 and 0"


def test_resamples_of_one_value_are_counted():
    a = ["favor"] * 9 + ["against"]
    result = agreement(a, list(a), ("favor", "against", "neutral"), bootstrap=200, seed=1)
    undefined = sum(1 for d in np.random.default_rng(1).integers(0, 10, size=(200, 10)) if 9 not in d)
    assert undefined > 0
    assert result.notes == (f"{undefined} of 200 resamples hold one value only (no alpha or kappa); their "
                            "intervals come from the other resamples",)


def test_to_dict_holds_plain_floats():
    report = compare([coding(0, 10), coding(20, 30, "against")],
                     [coding(0, 10, coder="b"), coding(20, 30, "favor", coder="b")], bootstrap=30)
    row = report.to_dict()
    assert type(row["overall"]["both_coded"]["alpha"]["low"]) is float
    assert row["units"][0] == {"doc_id": "d1", "concept": "bases", "actor": "Imran Khan", "start": 0, "end": 10,
                               "value_a": "favor", "value_b": "favor"}
    json.dumps(row)


def test_compare_wants_one_coder_a_side():
    with pytest.raises(StanceError, match=r"^coder A's codings come from 2 coders \(a, c\); expected one"):
        compare([coding(0, 10), coding(0, 10, coder="c")], [coding(0, 10, coder="b")])


# --- the readers -------------------------------------------------------------------------------------------------


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_codings_with_and_without_a_coder_column(tmp_path):
    named = write(tmp_path / "x.csv", f"{HEADER},coder,note\nd1,0,42,Imran Khan,us_bases,Against,Alice,hi\n")
    assert read_csv_codings(named) == [Coding("d1", 0, 42, "Imran Khan", "us_bases", "against", "Alice")]
    unnamed = write(tmp_path / "bob.csv", f"{HEADER}\nd1,0,42,,us_bases,neutral\n")
    assert read_codings(unnamed) == [Coding("d1", 0, 42, "", "us_bases", "neutral", "bob")]


@pytest.mark.parametrize("body, message", [
    ("doc_id,start,end,concept,value\nd1,0,4,c,favor\n",
     "x.csv:1: expected a header with columns doc_id,start,end,actor,concept,value[,coder], found "
     "doc_id,start,end,concept,value; add actor"),
    (f"{HEADER}\nd1,0,4,A,c,favor\nd1,x,4,A,c,favor\n",
     "x.csv:3: start is 'x'; expected a character offset, a whole number of 0 or more like 120"),
    (f"{HEADER}\nd1,4,4,A,c,favor\n",
     "x.csv:2: end 4 is not after start 4; expected the span's first character and the one after its last "
     "(start 10, end 42)"),
    (f"{HEADER}\nd1,0,4,A,c,support\n",
     "x.csv:2: value 'support' is not a stance; expected one of favor, against, neutral"),
    (f"{HEADER}\nd1,0,4,A, Ann,favor\n", None),
    (f"{HEADER}\nd1,0,4,A,c,favor,extra\n",
     "x.csv:2: has more fields than the header's 6; quote a value that holds a comma"),
    (f"{HEADER}\nd1,0,4,A\n", "x.csv:2: has fewer fields than the header's 6"),
    (f"{HEADER}\n,0,4,A,c,favor\n", "x.csv:2: doc_id is empty; expected the document id the coding belongs to"),
    (f"{HEADER},coder\nd1,0,4,A,c,favor,\n",
     "x.csv:2: coder is ''; expected the coder's name (or leave the coder column out and the file's name, 'x', "
     "is used)"),
    (f"{HEADER}\n", "x.csv: holds a header but no codings"),
])
def test_csv_errors_name_file_and_line(tmp_path, body, message):
    path = write(tmp_path / "x.csv", body)
    if message is None:  # a concept with a leading space is read stripped
        assert read_csv_codings(path)[0].concept == "Ann"
        return
    with pytest.raises(InputError) as caught:
        read_csv_codings(path)
    assert str(caught.value) == f"{tmp_path}/{message}"


@pytest.mark.parametrize("body, message", [
    ('{"doc_id": "d1", "start": 0, "end": 4, "actor": "A", "concept": "c", "value": "favor"}\n{"doc_id": ',
     "x.jsonl:2: malformed JSON (Expecting value at column 12); expected one object a line"),
    ('["d1", 0, 4]\n', "x.jsonl:1: expected a JSON object, found list"),
    ('{"doc_id": "d1", "start": 0, "end": 4, "concept": "c", "value": "favor"}\n',
     "x.jsonl:1: missing actor; expected every row to have doc_id, start, end, actor, concept, value "
     "(and optionally coder)"),
    ('{"doc_id": "d1", "start": true, "end": 4, "actor": "A", "concept": "c", "value": "favor"}\n',
     "x.jsonl:1: start is True; expected a character offset, a whole number of 0 or more like 120"),
    ("\n\n", "x.jsonl: holds no codings; expected one JSON object a line"),
])
def test_jsonl_errors_name_file_and_line(tmp_path, body, message):
    with pytest.raises(InputError) as caught:
        read_jsonl_codings(write(tmp_path / "x.jsonl", body))
    assert str(caught.value) == f"{tmp_path}/{message}"


def test_jsonl_codings_round_trip(tmp_path):
    rows = [Coding("d1", 0, 4, "A", "c", "favor", "ann"), Coding("d2", 5, 9, "B", "c", "against", "ann")]
    path = write(tmp_path / "ann.jsonl", "\n".join(json.dumps(c.to_dict()) for c in rows) + "\n\n")
    assert read_codings(path) == rows
    assert [Coding.from_dict(c.to_dict()) for c in rows] == rows


def run_rows(tmp_path):
    first = pred("s1", "against", actor="Imran Khan", issue="us_bases", doc="d1", text="no bases here")
    first = dataclasses.replace(first, model="stance-minilm@abc")
    second = dataclasses.replace(pred("s2", "neutral", issue="drones", doc="d2"), abstained=True)
    run = tmp_path / "run"
    run.mkdir()
    write(run / "statements.jsonl", "\n".join(json.dumps(p.to_dict()) for p in (first, second)) + "\n")
    return run


def test_run_codings_read_every_row(tmp_path):
    run = run_rows(tmp_path)
    expected = [Coding("d1", 0, 13, "Imran Khan", "us_bases", "against", "stance-minilm@abc"),
                Coding("d2", 0, 4, "Khawaja Asif", "drones", "neutral", "machine")]
    assert read_codings(run) == expected
    assert read_codings(run / "statements.jsonl") == expected == read_run_codings(run)


def test_a_run_row_with_an_unknown_stance_stops(tmp_path):
    row = pred("s1", "maybe").to_dict()
    path = write(tmp_path / "statements.jsonl", json.dumps(row) + "\n")
    with pytest.raises(InputError) as caught:
        read_run_codings(path)
    assert str(caught.value) == (f"{path}: row 1 (statement 's1') has stance 'maybe'; expected one of favor, "
                                 "against, neutral")


def test_read_codings_says_what_it_reads(tmp_path):
    with pytest.raises(InputError) as caught:
        read_codings(write(tmp_path / "codes.xlsx", "x"))
    assert str(caught.value) == (
        f"{tmp_path}/codes.xlsx: has suffix '.xlsx'; expected a `stance track` output folder, its "
        "statements.jsonl, a .csv or .jsonl of codings (doc_id, start, end, actor, concept, value[, coder]) or a "
        "DNA file (.dna)")
    with pytest.raises(InputError, match=r"missing\.csv: does not exist; expected a `stance track`"):
        read_codings(tmp_path / "missing.csv")


def dna_document(document_id, title="Dawn", text="No bases here, said Khan.", notes=""):
    from stance.dna import DnaDocument

    return DnaDocument(document_id, title, text, None, notes=notes)


def dna_statement(sid, document_id, coder, agreement="favor", concept="US bases in Pakistan", person="Imran Khan",
                  organization="PTI", start=0, end=20):
    from stance.dna import DnaStatement

    return DnaStatement(sid, document_id, start, end, "", coder, person, organization, concept, agreement)


def fake_dna(monkeypatch, statements, documents=None):
    """``stance.dna.read_dna`` answering with these records, whatever the file (no SQLite needed)."""
    from stance.dna import DnaCorpus

    documents = documents or [dna_document(1, notes="stance doc_id: 2018/dawn-1\nstance date: 2018-01"),
                              dna_document(2), dna_document(3, notes="stance doc_id: twice"),
                              dna_document(4, notes="stance doc_id: twice")]
    corpus = DnaCorpus(tuple(documents), tuple(statements), tuple(sorted({s.coder for s in statements})))
    monkeypatch.setattr("stance.dna.read_dna", lambda path, **kw: corpus)


def test_dna_codings_take_the_ids_of_stance_import_dna(monkeypatch, tmp_path):
    """A document keeps the doc_id its notes hold (a file `stance export dna` wrote) unless another document
    holds it too; else it is dna-<id>, as in the corpus `stance import dna` writes."""
    fake_dna(monkeypatch, [dna_statement(1, 1, "Alice"), dna_statement(2, 2, "Bob", "against", person=""),
                           dna_statement(3, 3, "Bob", person="", organization="")])
    path = write(tmp_path / "x.dna", "")
    assert read_codings(path) == [
        Coding("2018/dawn-1", 0, 20, "Imran Khan", "US bases in Pakistan", "favor", "Alice"),
        Coding("dna-2", 0, 20, "PTI", "US bases in Pakistan", "against", "Bob"),
        Coding("dna-3", 0, 20, "", "US bases in Pakistan", "favor", "Bob")]


def test_dna_codings_from_a_real_file(tmp_path):
    """Through the DNA module's own writer and reader: offsets and ids survive the file."""
    from stance.dna import DnaCorpus
    from stance.dna.write import write_corpus

    text = "No bases here, said Khan. Drones must stop."
    corpus = DnaCorpus((dna_document(1, text=text, notes="stance doc_id: d1"),),
                       (dna_statement(1, 1, "Alice", "against", start=0, end=24),
                        dna_statement(2, 1, "Bob", "favor", concept="Drones", start=26, end=43)), ("Alice", "Bob"))
    path = tmp_path / "coded.dna"
    write_corpus(path, corpus)
    assert read_codings(path) == [Coding("d1", 0, 24, "Imran Khan", "US bases in Pakistan", "against", "Alice"),
                                  Coding("d1", 26, 43, "Imran Khan", "Drones", "favor", "Bob")]


def test_dna_errors_name_the_statement(monkeypatch, tmp_path):
    path = write(tmp_path / "x.dna", "")
    fake_dna(monkeypatch, [dna_statement(7, 1, "Alice", agreement="2")])
    with pytest.raises(InputError) as caught:
        read_codings(path)
    assert str(caught.value) == f"{path}: statement 7 has agreement '2'; expected one of favor, against, neutral"
    fake_dna(monkeypatch, [dna_statement(8, 9, "Alice")])
    with pytest.raises(InputError) as caught:
        read_codings(path)
    assert str(caught.value) == (f"{path}: statement 8 names document 9, which the file does not hold; expected a "
                                 "statement of one of its documents")


def test_the_real_dna_reader_has_the_interface_used():
    from stance.dna import read_dna

    assert {"variables", "statement_type", "coder"} <= set(inspect.signature(read_dna).parameters)


# --- concepts to issues ------------------------------------------------------------------------------------------


def test_concept_map_from_yaml(tmp_path):
    path = write(tmp_path / "map.yaml", "US bases in Pakistan: us_bases\nDrone strikes: drones\n")
    mapping = ConceptMap.load(path)
    codings = [coding(0, 5, concept="us bases in pakistan "), coding(0, 5, concept="us_bases"),
               coding(0, 5, concept="Safe havens"), coding(9, 12, concept="Safe havens")]
    mapped, unmapped = mapping.apply(codings)
    assert [c.concept for c in mapped] == ["us_bases", "us_bases", "Safe havens", "Safe havens"]
    assert unmapped == {"Safe havens": 2}


@pytest.mark.parametrize("body, message", [
    ("- a\n- b\n", "map.yaml:1: expected a mapping of concept text to issue id (`Drone strikes: drone_strikes`), "
                   "found a list"),
    ("", "map.yaml:1: expected a mapping of concept text to issue id (`Drone strikes: drone_strikes`), "
         "found nothing"),
    ("a: x\nb: [1, 2]\n", "map.yaml:2: expected `concept text: issue_id` (two pieces of text), found 'b': a list"),
    ("Drones: drones\ndrones : x\n", "map.yaml:2: concept 'drones' appears twice (case is ignored); keep one"),
    ("a: [\n", None),
])
def test_concept_map_errors(tmp_path, body, message):
    path = write(tmp_path / "map.yaml", body)
    with pytest.raises(InputError) as caught:
        ConceptMap.load(path)
    if message is None:
        assert str(caught.value).startswith(f"{path}:2: cannot be parsed as YAML")
    else:
        assert str(caught.value) == f"{tmp_path}/{message}"


def test_concept_map_from_issues():
    issues = [Issue("us_bases", "US bases", "The US should have bases in Pakistan."),
              Issue("drones", "drones", "Drone strikes should go on.")]
    mapping = ConceptMap.from_issues(issues)
    mapped, unmapped = mapping.apply([coding(0, 5, concept="us BASES"), coding(0, 5, concept="drones"),
                                      coding(0, 5, concept="drone strikes should go on."),
                                      coding(0, 5, concept="Taxes")])
    assert [c.concept for c in mapped] == ["us_bases", "drones", "drones", "Taxes"]
    assert unmapped == {"Taxes": 1}
    with pytest.raises(StanceError) as caught:
        ConceptMap.from_issues([*issues, Issue("x", "Drones", "X.")])
    assert str(caught.value) == ("the issue registry names 'Drones' for two issues ('drones' and 'x'); give the "
                                 "concepts a map with --concepts instead")


# --- the command -------------------------------------------------------------------------------------------------


def two_coders(tmp_path):
    a = write(tmp_path / "alice.csv", f"{HEADER}\nd1,0,40,Imran Khan,us_bases,against\n"
                                      "d1,50,90,Trump,us_bases,favor\nd2,0,30,Qureshi,drones,against\n"
                                      "d2,40,80,Pompeo,drones,favor\n")
    b = write(tmp_path / "bob.csv", f"{HEADER}\nd1,5,38,imran khan,us_bases,against\n"
                                    "d1,55,95,Trump,us_bases,against\nd2,0,30,Qureshi,drones,against\n")
    return a, b


def test_command_end_to_end(tmp_path, capsys):
    a, b = two_coders(tmp_path)
    out = tmp_path / "agreement.json"
    assert main(["agreement", str(a), str(b), "--bootstrap", "200", "--seed", "3", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == ("coder A: alice    coder B: bob    unit: span    95% bootstrap intervals: "
                                    "200 resamples, seed 3")
    assert "Units both coded" in text and '"Not coded" as a category' in text and "Coverage" in text
    coverage = [line for line in text.splitlines() if line.startswith("drones ") and "%" in line][-1]
    assert coverage.split() == ["drones", "2", "1", "1", "50%", "100%"]
    saved = json.loads(out.read_text())
    assert saved["overall"]["units_both"] == 3 and saved["overall"]["with_not_coded"]["n_units"] == 4
    assert saved["overall"]["both_coded"]["percent_agreement"]["value"] == pytest.approx(2 / 3, abs=1e-4)
    assert [c["concept"] for c in saved["concepts"]] == ["drones", "us_bases"]
    assert len(saved["units"]) == 4 and saved["bootstrap"] == 200


def test_command_on_one_file_of_two_coders(tmp_path, capsys):
    a, b = two_coders(tmp_path)
    both = write(tmp_path / "both.jsonl", "".join(json.dumps(c.to_dict()) + "\n"
                                                  for c in read_codings(a) + read_codings(b)))
    assert main(["agreement", str(both), "--unit", "actor", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.startswith("coder A: alice    coder B: bob    unit: actor    95% bootstrap "
                                              "intervals: no intervals")
    assert main(["agreement", str(both), "--coder-b", "ALICE", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.startswith("coder A: bob    coder B: alice")


def test_command_errors(tmp_path, capsys):
    a, b = two_coders(tmp_path)
    rows = read_codings(a) + read_codings(b) + [Coding("d9", 0, 4, "X", "c", "favor", "carol")]
    three = write(tmp_path / "three.jsonl", "".join(json.dumps(c.to_dict()) + "\n" for c in rows))
    assert main(["agreement", str(three)]) == 2
    assert capsys.readouterr().err == (f"stance agreement: error: {three}: holds 3 coders (alice, bob, carol); name "
                                       "the two to compare with --coder-a NAME --coder-b NAME, or give coder B's "
                                       "file\n")
    assert main(["agreement", str(three), "--coder-a", "bob"]) == 2
    assert capsys.readouterr().err == (f"stance agreement: error: {three}: holds 2 coders besides bob (alice, "
                                       "carol); pick one with --coder-b NAME\n")
    assert main(["agreement", str(a), str(b), "--coder-b", "dave"]) == 2
    assert capsys.readouterr().err == f"stance agreement: error: {b}: no coder named 'dave'; its coders are bob\n"
    assert main(["agreement", str(three), "--coder-a", "bob", "--coder-b", "Bob"]) == 2
    assert capsys.readouterr().err == ("stance agreement: error: --coder-a and --coder-b both name 'bob'; pick two "
                                       "different coders\n")
    with pytest.raises(SystemExit):
        main(["agreement", str(a), "--bootstrap", "-1"])
    assert "expected 0 (no intervals) or more, found -1" in capsys.readouterr().err


def test_command_dna_against_a_run_with_an_issue_registry(tmp_path, capsys, monkeypatch):
    run = run_rows(tmp_path)  # d1 [0, 13) Imran Khan us_bases against; d2 [0, 4) drones neutral
    fake_dna(monkeypatch, [dna_statement(1, 1, "Alice", "against", start=2, end=10),
                           dna_statement(2, 1, "Alice", "favor", concept="Taxes"),
                           dna_statement(3, 1, "Bob", "favor")],
             documents=[dna_document(1, text="no bases here", notes="stance doc_id: d1")])
    dna = write(tmp_path / "coded.dna", "")
    registry = write(tmp_path / "issues.yaml", "issues:\n  - id: us_bases\n    label: US bases in Pakistan\n"
                                               "    target: The US should have bases in Pakistan.\n")
    out = tmp_path / "a.json"
    assert main(["agreement", str(dna), str(run), "--coder-a", "alice", "--coder-b", "stance-minilm@abc",
                 "--issues", str(registry), "--bootstrap", "50", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "- concepts of Alice left unmapped (kept as written): 'Taxes' (1 codings)" in text
    saved = json.loads(out.read_text())
    assert (saved["coder_a"], saved["coder_b"]) == ("Alice", "stance-minilm@abc")
    bases = next(c for c in saved["concepts"] if c["concept"] == "us_bases")
    assert bases["units_both"] == 1 and bases["both_coded"]["percent_agreement"]["value"] == 1.0
    assert bases["both_coded"]["notes"] == ["fewer than 2 units: no alpha or kappa"]


def test_help_ends_with_examples(capsys):
    with pytest.raises(SystemExit):
        main(["agreement", "--help"])
    text = capsys.readouterr().out
    assert text.rstrip().endswith("stance agreement coded.dna out/demo --coder-a Alice --issues my_issues.yaml")
    assert "\nexample:\n  stance agreement gold.csv out/demo" in text


def test_span_of_a_run_is_the_content_attributed(tmp_path):
    """The machine's span is the statement's text (content), not the whole sentence it sits in."""
    p = pred("s1", "favor", text="whole sentence")
    p = dataclasses.replace(p, statement=dataclasses.replace(p.statement, text=Span(6, 14, "sentence")))
    path = write(tmp_path / "statements.jsonl", json.dumps(p.to_dict()) + "\n")
    assert [(c.start, c.end) for c in read_run_codings(path)] == [(6, 14)]


def test_a_team_counts_as_one_coder_and_held_out_documents_alone_are_compared(tmp_path, capsys):
    """Alice coded documents 1-2 and Bob 3-4 (a team that split the work): `--coder-a alice,bob` is one coder;
    `--dna-holdout` compares only on the documents `stance train --dna-holdout` held out, the same split."""
    from stance.cli.agreement import held_out_documents
    from stance.dna import DnaCorpus
    from stance.dna.pairs import concept_issues, dna_pairs, split_by_document
    from stance.dna.write import write_corpus

    text = "No bases here, said Khan."
    documents = tuple(dna_document(k, text=text, notes=f"stance doc_id: d{k}") for k in range(1, 5))
    statements = tuple(dna_statement(k, k, "Alice" if k <= 2 else "Bob", "against" if k % 2 else "favor",
                                     start=0, end=24) for k in range(1, 5))
    corpus = DnaCorpus(documents, statements, ("Alice", "Bob"))
    dna = tmp_path / "coded.dna"
    write_corpus(dna, corpus)
    machine = write(tmp_path / "machine.jsonl", "".join(
        json.dumps(Coding(f"d{k}", 0, 24, "Imran Khan", "US bases in Pakistan", "against", "machine").to_dict())
        + "\n" for k in range(1, 5)))
    out = tmp_path / "a.json"
    assert main(["agreement", str(dna), str(machine), "--coder-a", "alice,bob", "--bootstrap", "0",
                 "--json", str(out)]) == 0
    assert capsys.readouterr().out.startswith("coder A: Alice,Bob    coder B: machine")
    assert json.loads(out.read_text())["overall"]["units_both"] == 4  # both coders' documents
    _, held = split_by_document(dna_pairs(corpus, concept_issues(s.concept for s in statements)), 0.5, 13)
    expected = {f"d{p.group}" for p in held}
    assert held_out_documents(dna, 0.5, 13) == expected and len(expected) == 2
    assert main(["agreement", str(dna), str(machine), "--coder-a", "alice,bob", "--dna-holdout", "0.5",
                 "--bootstrap", "0", "--json", str(out)]) == 0
    assert f"- only the 2 documents --dna-holdout 0.5 (seed 13) holds out of {dna}" in capsys.readouterr().out
    saved = json.loads(out.read_text())
    assert saved["overall"]["units_both"] == 2
    assert {u["doc_id"] for u in saved["units"]} == expected
    assert main(["agreement", str(machine), str(machine), "--dna-holdout", "0.5"]) == 2
    assert "--dna-holdout: expected A or B to be a DNA file (.dna), whose split it repeats" in capsys.readouterr().err


def test_a_coder_name_with_a_comma_and_teams_that_overlap(tmp_path, capsys):
    rows = [Coding("d1", 0, 10, "Imran Khan", "bases", "favor", "Smith, Ana"),
            Coding("d1", 0, 10, "Imran Khan", "bases", "favor", "Bob"),
            Coding("d1", 0, 10, "Imran Khan", "bases", "against", "Carol")]
    path = write(tmp_path / "c.jsonl", "".join(json.dumps(r.to_dict()) + "\n" for r in rows))
    assert main(["agreement", str(path), "--coder-a", "Smith, Ana", "--coder-b", "Bob", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.startswith("coder A: Smith, Ana    coder B: Bob")  # the whole name first
    assert main(["agreement", str(path), "--coder-a", "Bob,Carol", "--bootstrap", "0"]) == 0
    assert capsys.readouterr().out.startswith("coder A: Bob,Carol    coder B: Smith, Ana")  # the one left
    assert main(["agreement", str(path), "--coder-a", "Bob,Carol", "--coder-b", "Carol"]) == 2
    assert capsys.readouterr().err == ("stance agreement: error: --coder-a 'Bob,Carol' and --coder-b 'Carol' share "
                                       "Carol; a coder is compared with others, not with a team that includes "
                                       "them\n")
