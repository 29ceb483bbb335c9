"""DNA's network semantics (stance.positions.dna_networks) and `stance network`, on predictions built by hand.

The three-actor example used throughout (counts per (issue, side); DNA's actor x concept x agreement array):

    A  (x, favor) 2   (y, against) 1            3 statements
    B  (x, favor) 1   (x, against) 1   (y, against) 1   3 statements
    C  (x, against) 1                           1 statement  (+ 1 neutral on y, which must count nowhere)
"""

import csv
import datetime as dt
import json
import math
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from helpers import pred

from stance.cli.main import main
from stance.errors import ConfigError, StanceError
from stance.positions.dna_networks import (
    NetworkSpec,
    Node,
    display_names,
    dna_network,
    summary_path,
    time_window_networks,
    window_path,
    write_edge_csv,
    write_graphml,
    write_matrix_csv,
    write_series,
)
from stance.records import PartialDate

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


def p(sid, actor, issue, stance, date="2021-06-01", **kw):
    return pred(sid, stance, date=date, actor=actor, issue=issue, **kw)


THREE = [
    p("s1", "A", "x", "favor"), p("s2", "A", "x", "favor"), p("s3", "A", "y", "against"),
    p("s4", "B", "x", "favor"), p("s5", "B", "x", "against"), p("s6", "B", "y", "against"),
    p("s7", "C", "x", "against"),
    p("s8", "C", "y", "neutral"),
]


def weights(kind, normalize="none", predictions=THREE):
    network = dna_network(predictions, NetworkSpec(kind, normalize)).networks[0]
    return {(t.source, t.target): t.weight for t in network.ties}


def test_congruence_counts_products_of_shared_cells():
    # A-B: (x, favor) 2x1 + (y, against) 1x1 = 3; B-C: (x, against) 1x1 = 1; A and C share no cell: no edge
    assert weights("congruence") == {("a", "b"): 3.0, ("b", "c"): 1.0}


def test_conflict_counts_products_of_opposite_cells():
    # A-B: A's (x, favor) 2 x B's (x, against) 1 = 2 (on y both are against); A-C: 2 x 1 = 2; B-C: B's (x, favor) 1
    # x C's (x, against) 1 = 1
    assert weights("conflict") == {("a", "b"): 2.0, ("a", "c"): 2.0, ("b", "c"): 1.0}


def test_subtract_is_congruence_minus_conflict_and_zero_makes_no_edge():
    # A-B 3 - 2 = 1; A-C 0 - 2 = -2; B-C 1 - 1 = 0: no edge
    assert weights("subtract") == {("a", "b"): 1.0, ("a", "c"): -2.0}


def test_ties_name_their_issues_and_nodes_their_statements():
    network = dna_network(THREE, NetworkSpec("congruence")).networks[0]
    assert [(t.source, t.target, t.issues, t.type) for t in network.ties] == [
        ("a", "b", ("x", "y"), "congruence"), ("b", "c", ("x",), "congruence")]
    assert [(n.node_id, n.label, n.type, n.affiliation, n.statements) for n in network.nodes] == [
        ("a", "A", "person", "Government of Pakistan", 3), ("b", "B", "person", "Government of Pakistan", 3),
        ("c", "C", "person", "Government of Pakistan", 1)]
    assert network.n_statements == 7


def test_average_normalisation():
    # divides by (n_a + n_b) / 2: A-B 3 / 3 = 1; B-C 1 / ((3 + 1) / 2) = 0.5 (were C's neutral statement counted,
    # C would have 2 and B-C 1 / 2.5 = 0.4)
    assert weights("congruence", "average") == {("a", "b"): 1.0, ("b", "c"): 0.5}
    # conflict: A-B 2 / 3, A-C 2 / 2 = 1, B-C 1 / 2
    assert weights("conflict", "average") == pytest.approx({("a", "b"): 2 / 3, ("a", "c"): 1.0, ("b", "c"): 0.5})
    # subtract: A-B (3 - 2) / 3, A-C -2 / 2
    assert weights("subtract", "average") == pytest.approx({("a", "b"): 1 / 3, ("a", "c"): -1.0})


def test_cosine_normalisation_divides_by_the_product_of_the_totals_as_dna_does():
    # sqrt(n_a^2) x sqrt(n_b^2) = n_a x n_b: A-B 3 / (3x3), B-C 1 / (3x1); conflict A-C 2 / (3x1)
    assert weights("congruence", "cosine") == pytest.approx({("a", "b"): 1 / 3, ("b", "c"): 1 / 3})
    assert weights("conflict", "cosine") == pytest.approx({("a", "b"): 2 / 9, ("a", "c"): 2 / 3, ("b", "c"): 1 / 3})


def test_jaccard_normalisation():
    # A-B: m10 (A's counts where B has none) 0, m01 (B's (x, against)) 1, m11 2x1 + 1x1 = 3 -> 4; 3 / 4
    # B-C: m10 (x, favor) 1 + (y, against) 1 = 2, m01 0, m11 (x, against) 1 -> 3; 1 / 3
    assert weights("congruence", "jaccard") == pytest.approx({("a", "b"): 0.75, ("b", "c"): 1 / 3})
    # A-C: m10 2 + 1 = 3, m01 (C's (x, against)) 1, m11 0 -> 4; conflict 2 / 4.  A-B conflict 2 / 4.
    assert weights("conflict", "jaccard") == pytest.approx({("a", "b"): 0.5, ("a", "c"): 0.5, ("b", "c"): 1 / 3})


def test_neutral_statements_are_counted_out():
    series = dna_network(THREE, NetworkSpec("congruence"))
    assert series.left_out.neutral == 1
    assert series.left_out.lines() == ["1 statement left out, neutral: a neutral statement takes no side, "
                                       "so it makes no edge"]


def test_two_mode_statements_and_agreement():
    network = dna_network(THREE, NetworkSpec("two-mode")).networks[0]
    ties = {(t.source, t.target): (t.weight, t.favor, t.against, t.agreement, t.combine) for t in network.ties}
    assert ties == {
        ("a", "issue:x"): (2.0, 2, 0, "favor", 1), ("a", "issue:y"): (1.0, 0, 1, "against", 2),
        ("b", "issue:x"): (2.0, 1, 1, "both", 3), ("b", "issue:y"): (1.0, 0, 1, "against", 2),
        ("c", "issue:x"): (1.0, 0, 1, "against", 2)}
    issues = [(n.node_id, n.label, n.type, n.statements) for n in network.nodes if n.type == "issue"]
    assert issues == [("issue:x", "x", "issue", 5), ("issue:y", "y", "issue", 2)]  # x: s1 s2 s4 s5 s7


def test_two_mode_combine_and_subtract_weights():
    def two_mode(weight):
        network = dna_network(THREE, NetworkSpec("two-mode", two_mode_weight=weight)).networks[0]
        return {(t.source, t.target[len("issue:"):]): t.weight for t in network.ties}

    # DNA's combine: 1 favour only, 2 against only, 3 both
    assert two_mode("combine") == {("a", "x"): 1, ("a", "y"): 2, ("b", "x"): 3, ("b", "y"): 2, ("c", "x"): 2}
    # favour minus against; B on x is 1 - 1 = 0: no edge
    assert two_mode("subtract") == {("a", "x"): 2, ("a", "y"): -1, ("b", "y"): -1, ("c", "x"): -1}


def test_spec_errors():
    with pytest.raises(ConfigError) as two_mode:
        dna_network(THREE, NetworkSpec("two-mode", "average"))
    assert str(two_mode.value) == (
        "normalisation 'average' applies to one-mode networks; a two-mode network's weights are statement counts "
        "(DNA's activity and prominence normalisations are not implemented): use normalisation 'none'")
    with pytest.raises(ConfigError, match=r"^network type must be one of congruence, conflict, subtract, two-mode; "
                                          r"found 'affinity'$"):
        dna_network(THREE, NetworkSpec("affinity"))
    with pytest.raises(ConfigError, match=r"^no statement is on issue 'z'; the statements' issues are: x, y$"):
        dna_network(THREE, NetworkSpec(issue="z"))
    bad = [p("s9", "A", "x", "maybe")]
    with pytest.raises(StanceError, match=r"^statement 's9' on 'x' has stance 'maybe'; expected one of favor, "
                                          r"against, neutral: fix the statements file$"):
        dna_network(bad)


def test_issue_and_date_filters():
    dated = [p("s1", "A", "x", "favor", "2021-05-20"), p("s2", "B", "x", "favor", "2021-06-02"),
             p("s3", "C", "x", "favor", "2021-06"), p("s4", "C", "x", "favor", None), p("s5", "B", "y", "favor")]
    series = dna_network(dated, NetworkSpec(issue="X", since=PartialDate(2021, 6)))
    # unfiltered: A (x, favor) 1, B (x, favor) 1 and (y, favor) 1, C (x, favor) 2 (s3 and the undated s4)
    # filtered: s2 and s3 (June 2021 can fall in the range); s1 is before it, s4 has no date, s5 is on y
    assert weights("congruence", predictions=dated) == {("a", "b"): 1.0, ("a", "c"): 2.0, ("b", "c"): 2.0}
    assert {(t.source, t.target): t.weight for t in series.networks[0].ties} == {("b", "c"): 1.0}
    assert (series.left_out.other_issue, series.left_out.outside_range, series.left_out.undated) == (1, 1, 1)
    assert series.networks[0].start.isoformat() == "2021-06-01" and series.networks[0].end is None


WINDOWED = [
    p("w1", "A", "x", "favor", "2021-06-01"),
    p("w2", "B", "x", "favor", "2021-06-04"),
    p("w3", "C", "x", "favor", "2021-06-06"),
    p("w4", "A", "x", "favor", "2021-06"),      # known to the month: inside no 5-day window
    p("w5", "B", "x", "favor", None),           # undated
    p("w6", "C", "x", "favor", "2021-06-10"),   # after the last window that fits
    p("w7", "A", "x", "favor", "2021-05-20"),   # before --since
]


def test_time_windows():
    # range 06-01..06-10 (10 days); 5-day windows every 3 days start at offsets 0 and 3 (offset 6 would end on
    # 06-11, past the range): [06-01, 06-05] holds w1, w2; [06-04, 06-08] holds w2, w3
    spec = NetworkSpec("congruence", since=PartialDate(2021, 6, 1), until=PartialDate(2021, 6, 10))
    series = time_window_networks(WINDOWED, spec, window_days=5, step_days=3)
    spans = [(n.start.isoformat(), n.end.isoformat()) for n in series.networks]
    assert spans == [("2021-06-01", "2021-06-05"), ("2021-06-04", "2021-06-08")]
    assert [{(t.source, t.target): t.weight for t in n.ties} for n in series.networks] == [
        {("a", "b"): 1.0}, {("b", "c"): 1.0}]
    assert [[n.node_id for n in network.nodes] for network in series.networks] == [["a", "b"], ["b", "c"]]
    left = series.left_out
    assert (left.undated, left.outside_range, left.in_no_window) == (1, 1, 2)  # w5; w7; w4 and w6
    assert "1 statement left out, undated: no date to place in a time window or in --since/--until" in left.lines()


def test_time_windows_with_step_one_move_a_day_at_a_time_over_the_statements_range():
    # without since/until the range is the kept statements' first to last possible day: 2021-05-20..2021-06-30
    # (w4 can mean any day of June), 42 days; 40-day windows with step 1: offsets 0, 1, 2
    series = time_window_networks(WINDOWED, NetworkSpec("congruence"), window_days=40)
    assert [(n.start.isoformat(), n.end.isoformat()) for n in series.networks] == [
        ("2021-05-20", "2021-06-28"), ("2021-05-21", "2021-06-29"), ("2021-05-22", "2021-06-30")]
    # the last window holds June whole, so w4 (A, June) joins: A has w1 and w4, B w2, C w3 and w6
    assert {(t.source, t.target): t.weight for t in series.networks[-1].ties} == {
        ("a", "b"): 2.0, ("a", "c"): 4.0, ("b", "c"): 2.0}
    assert series.left_out.in_no_window == 0


def test_time_window_errors():
    with pytest.raises(ConfigError, match=r"^no window fits: the range 2021-06-01\.\.2021-06-10 is 10 days, shorter "
                                          r"than a 30-day window; use a smaller window or a wider --since/--until$"):
        time_window_networks(WINDOWED, NetworkSpec(since=PartialDate(2021, 6, 1), until=PartialDate(2021, 6, 10)),
                             window_days=30)
    with pytest.raises(ConfigError, match=r"^no dated statement is left to place in time windows "
                                          r"\(1 statement left out, undated: .*\)$"):
        time_window_networks([p("u1", "A", "x", "favor", None)], NetworkSpec(), window_days=3)


ORGS = [
    p("o1", "Ann", "x", "favor", affiliation="Org One"),
    p("o2", "Bob", "x", "favor", affiliation="Org One"),
    p("o3", "Org Two", "x", "favor", actor_type="organisation", affiliation="Country"),
    p("o4", "Anonymous sources (Org Two)", "x", "against", actor_type="anonymous", affiliation="Org Two"),
    p("o5", "Cid", "x", "favor", affiliation=None),
]


def test_actor_level_organization():
    series = dna_network(ORGS, NetworkSpec("congruence", actor_level="organization"))
    network = series.networks[0]
    # Org One: Ann and Bob, (x, favor) 2; Org Two: itself (x, favor) 1 and its anonymous source (x, against) 1
    assert [(n.node_id, n.type, n.affiliation, n.statements) for n in network.nodes] == [
        ("Org One", "organisation", "", 2), ("Org Two", "organisation", "Country", 2)]
    assert network.weight("Org One", "Org Two") == 2.0  # 2 x 1
    assert series.left_out.no_organization == 1  # Cid has no affiliation
    conflict = dna_network(ORGS, NetworkSpec("conflict", actor_level="organization")).networks[0]
    assert conflict.weight("Org Two", "Org One") == 2.0  # Org One's favour 2 x Org Two's against 1


def test_actor_level_person():
    network = dna_network(ORGS, NetworkSpec("congruence")).networks[0]
    assert network.weight("ann", "bob") == 1.0 and network.weight("ann", "cid") == 1.0
    assert network.weight("ann", "anonymous_sources_(org_two)") == 0.0
    assert {n.node_id: n.type for n in network.nodes}["org_two"] == "organisation"


def _graphml(path):
    root = ET.parse(path).getroot()
    keys = {k.get("id"): k for k in root.findall("g:key", NS)}
    return root, keys


@pytest.mark.parametrize("spec", [NetworkSpec("conflict", "jaccard"), NetworkSpec("subtract"),
                                  NetworkSpec("two-mode", two_mode_weight="combine")])
def test_graphml_has_typed_keys_and_no_parallel_edges(tmp_path, spec):
    network = dna_network(THREE, spec).networks[0]
    root, keys = _graphml(write_graphml(network, tmp_path / "n.graphml"))
    assert keys and all(k.get("attr.type") in {"string", "double", "int", "boolean"} for k in keys.values())
    declared = {(k.get("for"), k.get("attr.name")): k.get("attr.type") for k in keys.values()}
    assert {("node", "label"): "string", ("node", "type"): "string", ("node", "affiliation"): "string",
            ("node", "statements"): "int", ("edge", "weight"): "double", ("edge", "type"): "string"}.items() <= \
        declared.items()
    graph = root.find("g:graph", NS)
    assert graph.get("edgedefault") == "undirected"
    edges = graph.findall("g:edge", NS)
    pairs = [frozenset((e.get("source"), e.get("target"))) for e in edges]
    assert len(pairs) == len(set(pairs)) == len(network.ties)
    for data in root.iter(f"{{{NS['g']}}}data"):
        kind = keys[data.get("key")].get("attr.type")
        assert (data.text or "") != "None"
        if kind == "double":
            assert math.isfinite(float(data.text))
        if kind == "int":
            int(data.text)
    for node in graph.findall("g:node", NS):
        assert {keys[d.get("key")].get("attr.name") for d in node.findall("g:data", NS)} == {
            "label", "type", "affiliation", "statements"}
    back = nx.read_graphml(tmp_path / "n.graphml")
    assert not back.is_multigraph() and back.number_of_edges() == len(network.ties)
    tie = network.ties[0]
    assert back.edges[tie.source, tie.target]["weight"] == tie.weight
    assert back.nodes[tie.source]["statements"] == next(n.statements for n in network.nodes
                                                        if n.node_id == tie.source)


def test_edge_csv_and_matrix_csv(tmp_path):
    network = dna_network(THREE, NetworkSpec("conflict", "average")).networks[0]
    with write_edge_csv(network, tmp_path / "e.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["source"], r["target"], r["weight"], r["type"], r["issues"]) for r in rows] == [
        ("A", "B", "0.666667", "conflict", "x"), ("A", "C", "1.000000", "conflict", "x"),
        ("B", "C", "0.500000", "conflict", "x")]
    matrix = write_matrix_csv(network, tmp_path / "m.csv").read_text(encoding="utf-8").splitlines()
    assert matrix == [";A;B;C", "A;0.000000;0.666667;1.000000", "B;0.666667;0.000000;0.500000",
                      "C;1.000000;0.500000;0.000000"]
    two_mode = dna_network(THREE, NetworkSpec("two-mode")).networks[0]
    assert write_matrix_csv(two_mode, tmp_path / "t.csv").read_text(encoding="utf-8").splitlines() == [
        ";x;y", "A;2;1", "B;2;1", "C;1;0"]
    with write_edge_csv(two_mode, tmp_path / "t2.csv").open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first == {"source": "A", "target": "x", "weight": "2", "type": "two-mode", "issues": "x", "source_id": "a",
                     "target_id": "issue:x", "favor": "2", "against": "0", "agreement": "favor", "combine": "1"}


def test_display_names_tell_apart_shared_labels():
    nodes = [Node("kirby_1", "John Kirby", "person", "", 1), Node("kirby_2", "John Kirby", "person", "", 1),
             Node("price", "Ned Price", "person", "", 1)]
    assert display_names(nodes) == {"kirby_1": "John Kirby [kirby_1]", "kirby_2": "John Kirby [kirby_2]",
                                    "price": "Ned Price"}


def test_series_files_and_names(tmp_path):
    spec = NetworkSpec("congruence", since=PartialDate(2021, 6, 1), until=PartialDate(2021, 6, 10))
    series = time_window_networks(WINDOWED, spec, window_days=5, step_days=3)
    written = write_series(series, tmp_path / "out" / "net.graphml")
    assert [w.name for w in written] == ["net-1-2021-06-01_2021-06-05.graphml", "net-2-2021-06-04_2021-06-08.graphml",
                                         "net-windows.csv"]
    assert window_path("a/net.csv", 3, 12, series.networks[0]).as_posix() == "a/net-03-2021-06-01_2021-06-05.csv"
    assert summary_path("a/net.csv").as_posix() == "a/net-windows.csv"
    with written[-1].open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle))[1] == {
            "window": "2", "file": "net-2-2021-06-04_2021-06-08.graphml", "start": "2021-06-04", "end": "2021-06-08",
            "statements": "2", "nodes": "2", "edges": "1"}
    with pytest.raises(ConfigError, match=r"net\.txt: expected a \.graphml or \.csv file to write; found the suffix "
                                          r"'\.txt'$"):
        write_series(series, tmp_path / "net.txt")
    with pytest.raises(ConfigError, match=r"net\.graphml: a matrix is written as CSV; name a \.csv file$"):
        write_series(series, tmp_path / "net.graphml", matrix=True)


def _run(tmp_path, predictions):
    run = tmp_path / "run"
    run.mkdir()
    (run / "statements.jsonl").write_text("".join(json.dumps(x.to_dict()) + "\n" for x in predictions),
                                          encoding="utf-8")
    return run


def test_cli_one_network(tmp_path, capsys):
    run = _run(tmp_path, THREE)
    out = tmp_path / "nets" / "congruence.graphml"
    assert main(["network", str(run), "--type", "congruence", "--normalize", "average", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "8 statements read; congruence network, person level, normalisation average",
        f"7 statements, 3 actors, 2 edges: {out}",
        "1 statement left out, neutral: a neutral statement takes no side, so it makes no edge"]
    graph = nx.read_graphml(out)
    assert graph.edges["a", "b"]["weight"] == 1.0 and graph.edges["b", "c"]["weight"] == 0.5
    matrix = tmp_path / "m.csv"
    assert main(["network", str(run / "statements.jsonl"), "--type", "two-mode", "--two-mode-weight", "combine",
                 "--matrix", "--out", str(matrix)]) == 0
    assert matrix.read_text(encoding="utf-8").splitlines() == [";x;y", "A;1;2", "B;3;2", "C;2;0"]


def test_cli_time_windows(tmp_path, capsys):
    run = _run(tmp_path, WINDOWED)
    out = tmp_path / "w" / "net.csv"
    assert main(["network", str(run), "--type", "congruence", "--since", "2021-06-01", "--until", "2021-06-10",
                 "--window", "5", "--step", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[:2] == ["7 statements read; congruence networks, person level, normalisation none",
                           "2 windows of 5 days, step 3: 4 statement placements, 3 actors in all"]
    assert printed[3:] == [
        f"summary: {tmp_path / 'w' / 'net-windows.csv'}",
        "1 statement left out, undated: no date to place in a time window or in --since/--until",
        "1 statement left out, dated outside --since/--until",
        "2 statements left out, in no time window (dated too coarsely for the window, or after the last window)"]
    with (tmp_path / "w" / "net-1-2021-06-01_2021-06-05.csv").open(encoding="utf-8") as handle:
        assert [(r["source"], r["target"], r["weight"]) for r in csv.DictReader(handle)] == [("A", "B", "1")]


def test_cli_errors(tmp_path, capsys):
    run = _run(tmp_path, THREE)
    assert main(["network", str(run), "--step", "3", "--out", str(tmp_path / "n.graphml")]) == 2
    assert capsys.readouterr().err.strip() == ("stance network: error: --step 3 moves a time window: give --window "
                                               "DAYS too")
    assert main(["network", str(run), "--issue", "zz", "--out", str(tmp_path / "n.graphml")]) == 2
    assert capsys.readouterr().err.strip() == ("stance network: error: no statement is on issue 'zz'; the statements' "
                                               "issues are: x, y")
    with pytest.raises(SystemExit):
        main(["network", str(run), "--since", "June", "--out", str(tmp_path / "n.graphml")])
    assert "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, found 'June'" in capsys.readouterr().err


def test_step_one_windows_are_dnas_centred_windows_for_an_odd_size():
    # DNA (computeTimeWindowMatrices, unit days) centres a window on each day t of the range, from t - a to t + a
    # with a = round((w - 1) / 2), and keeps the windows wholly inside the range; for w = 3 over 06-01..06-06 the
    # centres 06-02..06-05 give [06-01, 06-03] .. [06-04, 06-06]
    spec = NetworkSpec(since=PartialDate(2021, 6, 1), until=PartialDate(2021, 6, 6))
    series = time_window_networks(WINDOWED, spec, window_days=3)
    first, last, a = series.networks[0].start, series.networks[-1].end, 1
    centres = [first + dt.timedelta(days=d) for d in range((last - first).days + 1)]
    dna = [(t - dt.timedelta(days=a), t + dt.timedelta(days=a)) for t in centres
           if t - dt.timedelta(days=a) >= first and t + dt.timedelta(days=a) <= last]
    assert [(n.start, n.end) for n in series.networks] == dna
    assert len(dna) == 4
