"""The congruence / conflict network and its CSV and GraphML exports."""

import csv
import datetime as dt
import xml.etree.ElementTree as ET

from stance.positions.network import actor_network, write_network_csv, write_network_graphml
from stance.records import PartialDate, PositionPoint


def point(actor, issue, period, score):
    day = dt.date(2021, int(period[-2:]), 1)
    return PositionPoint(actor.lower(), actor, issue, period, day, day, score, score - 0.2, score + 0.2, 2, 1)


POINTS = [
    point("Imran Khan", "military_bases", "2021-06", -0.9),
    point("Shah Mahmood Qureshi", "military_bases", "2021-06", -0.7),
    point("John Kirby", "military_bases", "2021-06", 0.8),
    point("Suhail Shaheen", "military_bases", "2021-06", -0.6),
    point("Imran Khan", "military_bases", "2021-07", -0.9),
    point("John Kirby", "military_bases", "2021-07", 0.7),
    point("Ned Price", "military_bases", "2021-07", 0.05),   # neutral: no edge
    point("Imran Khan", "drone_strikes", "2021-07", -0.8),
    point("John Kirby", "drone_strikes", "2021-07", -0.5),
]


def test_congruence_and_conflict_edges():
    edges = {(e.source, e.target, e.kind): e for e in actor_network(POINTS)}
    clash = edges[("Imran Khan", "John Kirby", "conflict")]
    assert clash.weight == 2 and clash.periods == ("2021-06", "2021-07") and clash.issues == ("military_bases",)
    agree = edges[("Imran Khan", "John Kirby", "congruence")]
    assert agree.weight == 1 and agree.issues == ("drone_strikes",)
    assert edges[("Imran Khan", "Shah Mahmood Qureshi", "congruence")].weight == 1
    assert not any("Ned Price" in (e.source, e.target) for e in edges.values())
    assert len(edges) == 7


def test_network_filters():
    only = actor_network(POINTS, issue="drone_strikes")
    assert [(e.source, e.target, e.kind) for e in only] == [("Imran Khan", "John Kirby", "congruence")]
    july = actor_network(POINTS, since=PartialDate(2021, 7), issue="military_bases")
    assert [(e.kind, e.weight) for e in july] == [("conflict", 1)]


def test_csv_and_graphml_exports(tmp_path):
    edges = actor_network(POINTS)
    with open(write_network_csv(edges, tmp_path / "n.csv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() == {"source", "target", "kind", "weight", "issues", "periods"} and len(rows) == len(edges)
    graphml = write_network_graphml(edges, tmp_path / "n.graphml", {"Imran Khan": "Government of Pakistan"})
    root = ET.parse(graphml).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 4 and len(root.findall(".//g:edge", ns)) == len(edges)
    assert "Government of Pakistan" in ET.tostring(root, encoding="unicode")
