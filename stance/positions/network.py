"""Actor networks in the manner of the Discourse Network Analyzer: two actors
are congruent on an issue in a period when they lean the same way, in conflict
when they lean opposite ways.  Built from position points; exported as CSV and
GraphML for network tools (Gephi, visone, igraph, networkx).

These are the report's position-based networks (what ``stance track`` writes); DNA's own statement-count networks
(congruence, conflict, subtract, two-mode, normalisations, time windows) are in
:mod:`stance.positions.dna_networks`."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from stance.positions.aggregate import leaning
from stance.positions.periods import overlaps
from stance.records import PartialDate, PositionPoint

KINDS = ("congruence", "conflict")


@dataclass(frozen=True)
class Edge:
    """Two actors (names in sorted order), how often they agree or clash, and where."""

    source: str
    target: str
    kind: str
    weight: int
    """The number of (issue, period) pairs in which both took a position."""
    issues: tuple[str, ...]
    periods: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target, "kind": self.kind, "weight": self.weight,
                "issues": ";".join(self.issues), "periods": ";".join(self.periods)}


def actor_network(points: Iterable[PositionPoint], *, issue: str | None = None,
                  since: PartialDate | None = None, until: PartialDate | None = None) -> list[Edge]:
    """Congruence and conflict edges between actors that lean favor or against
    on the same issue in the same period (neutral positions make no edge);
    optionally one issue and the periods that reach into ``since``..``until``."""
    cells: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for p in points:
        side = leaning(p.score)
        if side == "neutral" or (issue and p.issue != issue) or not overlaps(p.start, p.end, since, until):
            continue
        cells[(p.issue, p.period)].append((p.actor, side))
    found: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    for (iss, period), actors in cells.items():
        for (a, side_a), (b, side_b) in combinations(sorted(set(actors)), 2):
            if a == b:
                continue
            kind = "congruence" if side_a == side_b else "conflict"
            found[(a, b, kind)].append((iss, period))
    return [Edge(a, b, kind, len(where), tuple(sorted({i for i, _ in where})), tuple(sorted({p for _, p in where})))
            for (a, b, kind), where in sorted(found.items())]


def write_network_csv(edges: Sequence[Edge], path: str | Path) -> Path:
    """One row per edge: source, target, kind, weight, issues, periods (``;``-separated)."""
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["source", "target", "kind", "weight", "issues", "periods"])
        writer.writeheader()
        writer.writerows(e.to_dict() for e in edges)
    return path


def write_network_graphml(edges: Sequence[Edge], path: str | Path, affiliations: dict[str, str] | None = None) -> Path:
    """The same edges as GraphML (undirected, one edge per actor pair and kind;
    nodes carry their affiliation when known)."""
    import networkx as nx

    graph = nx.MultiGraph()
    for e in edges:
        for node in (e.source, e.target):
            if node not in graph:
                graph.add_node(node, label=node, affiliation=(affiliations or {}).get(node, ""))
        graph.add_edge(e.source, e.target, key=e.kind, kind=e.kind, weight=e.weight, issues=";".join(e.issues),
                       periods=";".join(e.periods))
    nx.write_graphml(graph, str(path))
    return Path(path)
