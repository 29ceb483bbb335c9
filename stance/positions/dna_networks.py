"""Actor networks with the Discourse Network Analyzer's semantics, from labelled statements.

The Discourse Network Analyzer (DNA, Philip Leifeld; ``leifeld/dna`` on GitHub) codes each statement as
(actor, concept, agreement) and builds networks from those triples in the Java class
``dna/src/main/java/export/Exporter.java``.  Here a :class:`~stance.records.StancePrediction` is one such
statement: the actor is its speaker (or the speaker's organisation), the concept its ``issue``, the agreement
its ``stance``.  Every definition below follows ``Exporter``; the method that holds it is named in each docstring.

What DNA does and this module does the same way:

* **Counting.**  DNA fills an array actor x concept x agreement with the number of *statements* in each cell
  (``createArray``), with its default ``duplicates = "include"`` (every statement counts; stance has already merged
  the same words from several outlets into one statement).  Congruence multiplies the two actors' counts in each
  shared (concept, agreement) cell and sums: two statements in favour of X by A and one by B make 2 x 1 = 2, not 1
  (``computeOneModeMatrix``, boolean qualifier, aggregation ``congruence``).  Conflict multiplies the counts in
  opposite cells of a concept; subtract is congruence minus conflict.
* **Normalisation** (``computeOneModeMatrix``, ``normalization``), for actors *a* and *b* with *n_a* and *n_b*
  statements in the network: ``average`` divides by (n_a + n_b) / 2; ``jaccard`` by m10 + m01 + m11, where m10
  sums a's counts in the (concept, agreement) cells where b has none, m01 the reverse, and m11 the products of the
  counts in the cells both use; ``cosine`` by sqrt(n_a²) x sqrt(n_b²) = n_a x n_b, exactly as DNA computes it
  (the product of the two activity totals, not the Euclidean lengths of the two actors' cell vectors).
* **Two-mode** (``computeTwoModeMatrix``): the weight of actor -> concept is the number of statements (DNA's
  qualifier aggregation ``ignore``, the default), or DNA's ``combine`` code (``lexRank`` over the agreement values
  [no, yes]: 1 favour only, 2 against only, 3 both), or ``subtract`` (favour minus against).
* **Edges** (``exportGraphml``): an edge wherever the weight is not 0, one per actor pair in a one-mode network
  (its upper triangle); nodes are only the actors (and concepts) with a statement in the network (``isolates =
  false``, the default).
* **Time windows** (``computeTimeWindowMatrices``, unit ``days``): DNA moves a window one day at a time, centred
  on each day, and keeps the windows that lie wholly inside the date range; each window is one network of the
  statements dated inside it.  Here a window is ``window_days`` long and moves ``step_days`` at a time from the
  first day of the range; with step 1 and an odd window this is DNA's series exactly (DNA's half-width is
  round((w - 1) / 2), so an even w gives it w + 1 days; here a window is always w days).

What stance adds, because its statements are not DNA's:

* **Neutral statements make no edge.**  DNA's agreement is yes/no; a neutral (or abstained) prediction takes
  no side, so it is left out before counting (and from the activity totals of the normalisations), and counted.
* **Dates keep their precision.**  A statement belongs to a window when every day its date can mean lies
  inside it: one dated ``2021-06`` is in a 30-day window only if the window holds all of June.  Statements
  without a date are left out of time windows and of ``since``/``until`` filters, and counted; so are dated ones
  that fall in no window.
* **Actor level.**  ``person``: the speaker.  ``organization``: the organisation the speaker spoke for on the
  date (the statement's ``affiliation``), or the speaker itself when it is a collective actor (an organisation,
  a country, a group or an outlet); a person or anonymous source with no affiliation is left out, and counted.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import math
import xml.etree.ElementTree as ET
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from stance.errors import ConfigError, StanceError
from stance.positions.periods import overlaps
from stance.records import STANCES, PartialDate, StancePrediction

NETWORK_TYPES = ("congruence", "conflict", "subtract", "two-mode")
NORMALIZATIONS = ("none", "average", "jaccard", "cosine")
ACTOR_LEVELS = ("person", "organization")
TWO_MODE_WEIGHTS = ("statements", "combine", "subtract")
COLLECTIVE_TYPES = frozenset({"organisation", "country", "group", "media"})
"""Actor types that are their own organisation at ``actor_level="organization"``."""
SIDES = ("favor", "against")
COMBINE_CODES = {(True, False): 1, (False, True): 2, (True, True): 3}
"""DNA's ``combine`` code of an actor -> concept edge by (any favour, any against): ``lexRank`` of the binary
vector over the agreement values [0 (no), 1 (yes)], so favour only [0, 1] -> 1, against only [1, 0] -> 2, both -> 3."""
ISSUE_NODE_PREFIX = "issue:"
"""Concept nodes of a two-mode network are ``issue:<id>``, so they never share an id with an actor."""


@dataclass(frozen=True)
class NetworkSpec:
    """Which network to build: its type, normalisation, actor level and filters.

    ``issue`` keeps one issue (any case); ``since``/``until`` keep statements whose date can fall in the range
    (the same rule as ``stance report``).  ``two_mode_weight`` applies to two-mode networks only.
    """

    type: str = "congruence"
    normalize: str = "none"
    actor_level: str = "person"
    issue: str | None = None
    since: PartialDate | None = None
    until: PartialDate | None = None
    two_mode_weight: str = "statements"

    @property
    def one_mode(self) -> bool:
        return self.type != "two-mode"

    def check(self) -> NetworkSpec:
        """The spec itself, or a :class:`ConfigError` saying which value is wrong and what is allowed."""
        for name, value, allowed in (("type", self.type, NETWORK_TYPES), ("normalize", self.normalize, NORMALIZATIONS),
                                     ("actor_level", self.actor_level, ACTOR_LEVELS),
                                     ("two_mode_weight", self.two_mode_weight, TWO_MODE_WEIGHTS)):
            if value not in allowed:
                raise ConfigError(f"network {name} must be one of {', '.join(allowed)}; found {value!r}")
        if not self.one_mode and self.normalize != "none":
            raise ConfigError(f"normalisation {self.normalize!r} applies to one-mode networks; a two-mode network's "
                              "weights are statement counts (DNA's activity and prominence normalisations are not "
                              "implemented): use normalisation 'none'")
        if self.one_mode and self.two_mode_weight != "statements":
            raise ConfigError(f"two-mode weight {self.two_mode_weight!r} applies to two-mode networks; "
                              f"a {self.type} network has its own weight: leave it at 'statements'")
        if self.since and self.until and self.since.start() > self.until.end():
            raise ConfigError(f"since {self.since} is after until {self.until}; swap them")
        return self


@dataclass(frozen=True)
class Coded:
    """One statement as DNA codes it: the actor node, the concept, the agreement, the date."""

    node: str
    label: str
    actor_type: str
    """The speaker's type when the node is the speaker; "" for an organisation reached through an affiliation."""
    affiliation: str
    """The node's own affiliation on the statement's date ("" when none or unknown)."""
    issue: str
    side: str
    """``favor`` or ``against``."""
    date: PartialDate | None
    statement_id: str


@dataclass(frozen=True)
class LeftOut:
    """How many statements (one per statement and issue) were left out, each under the first reason that applies,
    in this order."""

    other_issue: int = 0
    neutral: int = 0
    no_organization: int = 0
    undated: int = 0
    outside_range: int = 0
    in_no_window: int = 0

    def lines(self) -> list[str]:
        """One line per reason that left something out: ``3 neutral statements left out: ...``."""
        reasons = (
            (self.other_issue, "on another issue"),
            (self.neutral, "neutral: a neutral statement takes no side, so it makes no edge"),
            (self.no_organization, "by a person or anonymous source with no affiliation (actor level organization)"),
            (self.undated, "undated: no date to place in a time window or in --since/--until"),
            (self.outside_range, "dated outside --since/--until"),
            (self.in_no_window, "in no time window (dated too coarsely for the window, or after the last window)"),
        )
        return [f"{n} statement{'s' if n != 1 else ''} left out, {why}" for n, why in reasons if n]


@dataclass(frozen=True)
class Node:
    """An actor (or, in a two-mode network, an issue) with the statements behind it in one network."""

    node_id: str
    label: str
    type: str
    """The actor's type (``person``, ``organisation``, ...) or ``issue``."""
    affiliation: str
    """The actor's most frequent affiliation in the network's statements; "" when none."""
    statements: int


@dataclass(frozen=True)
class Tie:
    """One edge: ``source`` and ``target`` node ids (in sorted order in a one-mode network; actor then issue in a
    two-mode one), the weight after normalisation, and the issues behind it."""

    source: str
    target: str
    type: str
    weight: float
    issues: tuple[str, ...]
    favor: int = 0
    """Two-mode: the actor's statements in favour of the issue (0 in a one-mode network)."""
    against: int = 0

    @property
    def agreement(self) -> str:
        """Two-mode: ``favor``, ``against`` or ``both``."""
        return {1: "favor", 2: "against", 3: "both"}.get(self.combine, "")

    @property
    def combine(self) -> int:
        """Two-mode: DNA's combine code (1 favour only, 2 against only, 3 both; 0 in a one-mode network)."""
        return COMBINE_CODES.get((self.favor > 0, self.against > 0), 0)


@dataclass(frozen=True)
class Network:
    """One network: the spec it was built with, its nodes and ties, and the days it covers (None: all)."""

    spec: NetworkSpec
    nodes: tuple[Node, ...]
    ties: tuple[Tie, ...]
    start: _dt.date | None = None
    end: _dt.date | None = None

    @property
    def n_statements(self) -> int:
        """Statements behind the network (each counted once, at its actor)."""
        return sum(n.statements for n in self.nodes if n.type != "issue")

    def weight(self, a: str, b: str) -> float:
        """The weight between two node ids (0.0 without a tie), in either order."""
        return next((t.weight for t in self.ties if {t.source, t.target} == {a, b}), 0.0)


@dataclass(frozen=True)
class NetworkSeries:
    """What a build returns: one network, or one per time window, and what was left out of all of them."""

    networks: tuple[Network, ...]
    left_out: LeftOut
    window_days: int | None = None
    step_days: int | None = None


def dna_network(predictions: Iterable[StancePrediction], spec: NetworkSpec = NetworkSpec()) -> NetworkSeries:
    """One network of every kept statement (undated ones too, unless ``since``/``until`` is given).

    A worked example (congruence, no normalisation): A says favour on X twice, B favour on X once and against
    on X once.  Cell (X, favour): 2 x 1 = 2, so the A-B congruence weight is 2; conflict is A's favour x B's
    against = 2 x 1 = 2, and subtract 2 - 2 = 0, which makes no edge.
    """
    spec = spec.check()
    coded, left_out = _code(predictions, spec, dated=spec.since is not None or spec.until is not None)
    start = spec.since.start() if spec.since else None
    end = spec.until.end() if spec.until else None
    return NetworkSeries((build(coded, spec, start, end),), left_out)


def time_window_networks(predictions: Iterable[StancePrediction], spec: NetworkSpec, window_days: int,
                         step_days: int = 1) -> NetworkSeries:
    """One network per moving window of ``window_days`` days, the next starting ``step_days`` later.

    The windows run from ``since`` (else the first day a kept statement can mean) and every window lies wholly
    before ``until`` (else the last such day), as DNA keeps only the windows inside its range; an empty window
    is still a network (DNA keeps it too).  Statements from 2021-06-01 to 2021-06-10 with ``window_days=7``,
    ``step_days=3`` make two windows, 06-01..06-07 and 06-04..06-10; the next (06-07..06-13) would end after
    the last day.
    """
    spec = spec.check()
    if window_days < 1 or step_days < 1:
        raise ConfigError(f"a time window needs a window and a step of 1 day or more; found window {window_days}, "
                          f"step {step_days}")
    coded, left_out = _code(predictions, spec, dated=True)
    first = spec.since.start() if spec.since else min((c.date.start() for c in coded if c.date), default=None)
    last = spec.until.end() if spec.until else max((c.date.end() for c in coded if c.date), default=None)
    if first is None or last is None:
        raise ConfigError("no dated statement is left to place in time windows" +
                          (f" ({'; '.join(left_out.lines())})" if left_out.lines() else ""))
    span = (last - first).days + 1
    if span < window_days:
        raise ConfigError(f"no window fits: the range {first}..{last} is {span} days, shorter than a {window_days}-day "
                          "window; use a smaller window or a wider --since/--until")
    bounds = [(first + _dt.timedelta(days=s), first + _dt.timedelta(days=s + window_days - 1))
              for s in range(0, span - window_days + 1, step_days)]
    spans = sorted((c.date.start(), c.date.end(), i) for i, c in enumerate(coded) if c.date)
    opening = [day for day, _, _ in spans]
    networks, placed = [], set()
    for start, end in bounds:  # a statement is inside when its first day is at or after start and its last by end
        candidates = spans[bisect_left(opening, start):bisect_right(opening, end)]
        inside = sorted(i for _, closing, i in candidates if closing <= end)
        placed.update(inside)
        networks.append(build([coded[i] for i in inside], spec, start, end))
    left_out = dataclasses.replace(left_out, in_no_window=len(coded) - len(placed))
    return NetworkSeries(tuple(networks), left_out, window_days, step_days)


def _code(predictions: Iterable[StancePrediction], spec: NetworkSpec, dated: bool) -> tuple[list[Coded], LeftOut]:
    """The kept statements as DNA triples, and the counts of those left out (first reason wins)."""
    counts: Counter[str] = Counter()
    coded, issues_seen = [], set()
    wanted = spec.issue.casefold() if spec.issue else None
    for p in predictions:
        st = p.statement
        if p.stance not in STANCES:
            raise StanceError(f"statement {st.statement_id!r} on {p.issue!r} has stance {p.stance!r}; expected one of "
                              f"{', '.join(STANCES)}: fix the statements file")
        issues_seen.add(p.issue)
        if wanted and p.issue.casefold() != wanted:
            counts["other_issue"] += 1
            continue
        if p.stance == "neutral":
            counts["neutral"] += 1
            continue
        actor = _actor_node(p, spec.actor_level)
        if actor is None:
            counts["no_organization"] += 1
            continue
        if dated and st.date is None:
            counts["undated"] += 1
            continue
        if st.date and not overlaps(st.date.start(), st.date.end(), spec.since, spec.until):
            counts["outside_range"] += 1
            continue
        coded.append(Coded(*actor, p.issue, p.stance, st.date, st.statement_id))
    if wanted and not any(i.casefold() == wanted for i in issues_seen):
        raise ConfigError(f"no statement is on issue {spec.issue!r}; the statements' issues are: "
                          f"{', '.join(sorted(issues_seen)) or 'none'}")
    return coded, LeftOut(**counts)


def _actor_node(p: StancePrediction, level: str) -> tuple[str, str, str, str] | None:
    """(node id, label, type, affiliation) of the statement's actor at ``level``; None when it has none."""
    st = p.statement
    if level == "person":
        return st.actor_id, st.actor, st.actor_type, st.affiliation or ""
    if st.actor_type in COLLECTIVE_TYPES:
        return st.actor, st.actor, st.actor_type, st.affiliation or ""
    if st.affiliation:
        return st.affiliation, st.affiliation, "", ""
    return None


def build(coded: Sequence[Coded], spec: NetworkSpec, start: _dt.date | None = None,
          end: _dt.date | None = None) -> Network:
    """The network of these coded statements (all of them: filters are applied before)."""
    cells: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for c in coded:
        cells[c.node][(c.issue, c.side)] += 1
    nodes = _actor_nodes(coded)
    if spec.one_mode:
        ties = _one_mode_ties(cells, spec)
    else:
        ties = _two_mode_ties(cells, spec)
        on_issue = Counter(c.issue for c in coded)
        nodes += tuple(Node(ISSUE_NODE_PREFIX + i, i, "issue", "", n) for i, n in sorted(on_issue.items()))
    return Network(spec, nodes, ties, start, end)


def _actor_nodes(coded: Sequence[Coded]) -> tuple[Node, ...]:
    by_node: dict[str, list[Coded]] = defaultdict(list)
    for c in coded:
        by_node[c.node].append(c)
    out = []
    for node_id, mine in sorted(by_node.items()):
        types = Counter(c.actor_type for c in mine if c.actor_type)
        affiliations = Counter(c.affiliation for c in mine if c.affiliation)
        out.append(Node(node_id, mine[0].label, _most_common(types) or "organisation", _most_common(affiliations),
                        len(mine)))
    return tuple(out)


def _most_common(counts: Counter[str]) -> str:
    """The most frequent value; a tie goes to the first in alphabetical order; "" when empty."""
    return min(counts, key=lambda v: (-counts[v], v)) if counts else ""


def _one_mode_ties(cells: dict[str, Counter[tuple[str, str]]], spec: NetworkSpec) -> tuple[Tie, ...]:
    """DNA's ``computeOneModeMatrix`` for a boolean qualifier, then the non-zero upper triangle.

    Three actors (counts per (issue, side)): A (x, favor) 2, (y, against) 1; B (x, favor) 1, (x, against) 1,
    (y, against) 1; C (x, against) 1.  Congruence A-B = 2x1 + 1x1 = 3, B-C = 1; conflict A-B = 2x1 = 2,
    A-C = 2x1 = 2, B-C = 1x1 = 1; subtract A-B = 1, A-C = -2, B-C = 0 (no edge).
    """
    # only pairs that share an issue can have a weight: visit those, through each issue's speakers
    on_issue: dict[str, set[str]] = defaultdict(set)
    for node, counts in cells.items():
        for issue, _ in counts:
            on_issue[issue].add(node)
    pairs = {pair for speakers in on_issue.values() for pair in combinations(sorted(speakers), 2)}
    ties = []
    for a, b in sorted(pairs):
        ca, cb = cells[a], cells[b]
        same = {k: ca[k] * cb[k] for k in ca if k in cb}
        opposite = {(issue, side): ca[(issue, side)] * cb[(issue, other)]
                    for issue, side in ca for other in SIDES if other != side and (issue, other) in cb}
        congruence, conflict = sum(same.values()), sum(opposite.values())
        raw = {"congruence": congruence, "conflict": conflict, "subtract": congruence - conflict}[spec.type]
        if raw == 0:
            continue
        norm = _norm(ca, cb, spec.normalize)
        behind = ({} if spec.type == "conflict" else same) | ({} if spec.type == "congruence" else opposite)
        ties.append(Tie(a, b, spec.type, raw / norm, tuple(sorted({issue for issue, _ in behind}))))
    return tuple(ties)


def _norm(ca: Counter[tuple[str, str]], cb: Counter[tuple[str, str]], normalize: str) -> float:
    """The divisor of DNA's normalisation for actors with cell counts ``ca`` and ``cb``.

    With A and B of the example in :func:`_one_mode_ties` (3 statements each): average (3 + 3) / 2 = 3;
    cosine 3 x 3 = 9; jaccard m10 = 0 (A has no cell B lacks), m01 = 1 (B's (x, against)), m11 = 2x1 + 1x1 = 3,
    so 4.
    """
    if normalize == "none":
        return 1.0
    na, nb = sum(ca.values()), sum(cb.values())
    if normalize == "average":
        return (na + nb) / 2
    if normalize == "cosine":
        return math.sqrt(na * na) * math.sqrt(nb * nb)
    m10 = sum(n for k, n in ca.items() if not cb[k])
    m01 = sum(n for k, n in cb.items() if not ca[k])
    m11 = sum(n * cb[k] for k, n in ca.items() if cb[k])
    return float(m10 + m01 + m11)


def _two_mode_ties(cells: dict[str, Counter[tuple[str, str]]], spec: NetworkSpec) -> tuple[Tie, ...]:
    """DNA's ``computeTwoModeMatrix``: actor -> issue, weighted by statements, the combine code or favour minus
    against (A with 2 in favour of x and 1 against: 3, 3 (both) or 1)."""
    ties = []
    for node in sorted(cells):
        for issue in sorted({i for i, _ in cells[node]}):
            favor, against = cells[node][(issue, "favor")], cells[node][(issue, "against")]
            weight = {"statements": favor + against, "subtract": favor - against,
                      "combine": COMBINE_CODES[(favor > 0, against > 0)]}[spec.two_mode_weight]
            if weight:
                ties.append(Tie(node, ISSUE_NODE_PREFIX + issue, "two-mode", float(weight), (issue,), favor, against))
    return tuple(ties)


# --- files -----------------------------------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GRAPHML_TYPES = frozenset({"string", "double", "int", "boolean"})
"""The ``attr.type`` of every key written (networkx writes Python ints as ``long`` and booleans as ``True``, which
is why this module writes GraphML itself)."""


def write_graphml(network: Network, path: str | Path) -> Path:
    """The network as GraphML: undirected, one edge per actor pair, every ``<key>`` typed, no empty values.

    Keys: graph ``type``, ``normalization``, ``actor_level``, ``issue``, ``start``, ``end`` (strings; "" when
    open) and ``statements`` (int); node ``label``, ``type``, ``affiliation`` (strings) and ``statements`` (int);
    edge ``weight`` (double), ``type`` and ``issues`` (strings, issues ``;``-separated), and in a two-mode network
    ``favor``, ``against``, ``combine`` (int) and ``agreement`` (string).
    """
    spec = network.spec
    graph_data = {"type": spec.type, "normalization": spec.normalize, "actor_level": spec.actor_level,
                  "issue": spec.issue or "", "start": _day(network.start), "end": _day(network.end),
                  "statements": network.n_statements}
    edge_keys = {"weight": "double", "type": "string", "issues": "string"}
    if not spec.one_mode:
        edge_keys |= {"favor": "int", "against": "int", "combine": "int", "agreement": "string"}
    keys = {"graph": {k: "int" if isinstance(v, int) else "string" for k, v in graph_data.items()},
            "node": {"label": "string", "type": "string", "affiliation": "string", "statements": "int"},
            "edge": edge_keys}
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    for domain, declared in keys.items():
        for name, kind in declared.items():
            ET.SubElement(root, "key", {"id": f"{domain[0]}_{name}", "for": domain, "attr.name": name,
                                        "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": "G", "edgedefault": "undirected"})
    _data(graph, "g", graph_data)
    for node in network.nodes:
        element = ET.SubElement(graph, "node", {"id": node.node_id})
        _data(element, "n", {"label": node.label, "type": node.type, "affiliation": node.affiliation,
                             "statements": node.statements})
    for number, tie in enumerate(network.ties):
        element = ET.SubElement(graph, "edge", {"id": f"e{number}", "source": tie.source, "target": tie.target})
        values: dict[str, object] = {"weight": tie.weight, "type": tie.type, "issues": ";".join(tie.issues)}
        if not spec.one_mode:
            values |= {"favor": tie.favor, "against": tie.against, "combine": tie.combine, "agreement": tie.agreement}
        _data(element, "e", values)
    ET.indent(root)
    path = Path(path)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def _data(parent: ET.Element, domain: str, values: dict[str, object]) -> None:
    for name, value in values.items():
        text = repr(value) if isinstance(value, float) else str(value)
        ET.SubElement(parent, "data", {"key": f"{domain}_{name}"}).text = text


def _day(day: _dt.date | None) -> str:
    return day.isoformat() if day else ""


EDGE_COLUMNS = ("source", "target", "weight", "type", "issues", "source_id", "target_id")
TWO_MODE_COLUMNS = ("favor", "against", "agreement", "combine")


def write_edge_csv(network: Network, path: str | Path) -> Path:
    """One row per edge: ``source``, ``target`` (labels), ``weight``, ``type``, ``issues`` (``;``-separated),
    ``source_id``, ``target_id``, and for a two-mode network ``favor``, ``against``, ``agreement``, ``combine``.
    Weights are whole numbers without normalisation, else 6 decimals (as DNA writes them)."""
    names = display_names(network.nodes)
    whole = network.spec.normalize == "none"
    columns = EDGE_COLUMNS + (() if network.spec.one_mode else TWO_MODE_COLUMNS)
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for t in network.ties:
            row: list[object] = [names[t.source], names[t.target], _number(t.weight, whole), t.type,
                                 ";".join(t.issues), t.source, t.target]
            if not network.spec.one_mode:
                row += [t.favor, t.against, t.agreement, t.combine]
            writer.writerow(row)
    return path


def write_matrix_csv(network: Network, path: str | Path) -> Path:
    """The weight matrix as DNA's CSV export writes it (``exportCSV``): ``;``-separated, an empty corner, the
    column labels, then one row per actor; actors x actors (0 on the diagonal) or actors x issues; whole numbers
    without normalisation, else 6 decimals."""
    names = display_names(network.nodes)
    actors = [n.node_id for n in network.nodes if n.type != "issue"]
    columns = actors if network.spec.one_mode else [n.node_id for n in network.nodes if n.type == "issue"]
    weights = {(t.source, t.target): t.weight for t in network.ties}
    if network.spec.one_mode:
        weights |= {(t.target, t.source): t.weight for t in network.ties}
    whole = network.spec.normalize == "none"
    path = Path(path)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["", *(names[c] for c in columns)])
        for a in actors:
            writer.writerow([names[a], *(_number(weights.get((a, c), 0.0), whole) for c in columns)])
    return path


def display_names(nodes: Sequence[Node]) -> dict[str, str]:
    """Node id -> label, with ``label [id]`` for labels that two nodes share (two speakers of the same name)."""
    shared = {label for label, n in Counter(n.label for n in nodes).items() if n > 1}
    return {n.node_id: f"{n.label} [{n.node_id}]" if n.label in shared else n.label for n in nodes}


def _number(value: float, whole: bool) -> str:
    return str(int(value)) if whole and value == int(value) else f"{value:.6f}"


SUMMARY_COLUMNS = ("window", "file", "start", "end", "statements", "nodes", "edges")


def window_path(out: str | Path, number: int, total: int, network: Network) -> Path:
    """``net.graphml`` -> ``net-01-2021-06-01_2021-06-07.graphml``: the window's number (zero-padded to the
    width of the count, as DNA numbers them) and its first and last day."""
    out = Path(out)
    width = len(str(total))
    return out.with_name(f"{out.stem}-{number:0{width}d}-{_day(network.start)}_{_day(network.end)}{out.suffix}")


def summary_path(out: str | Path) -> Path:
    """``net.graphml`` -> ``net-windows.csv``."""
    out = Path(out)
    return out.with_name(f"{out.stem}-windows.csv")


def write_series(series: NetworkSeries, out: str | Path, matrix: bool = False) -> list[Path]:
    """Write each network to ``out`` (GraphML for ``.graphml``, else CSV: the edge list, or with ``matrix`` the
    matrix).  One network goes to ``out`` itself; windows go to :func:`window_path` files, followed by the
    :func:`summary_path` CSV (one row per window: number, file, start, end, statements, nodes, edges).
    Returns the paths written, the summary last."""
    out = Path(out)
    if out.suffix.lower() not in (".graphml", ".csv"):
        raise ConfigError(f"{out}: expected a .graphml or .csv file to write; found the suffix {out.suffix!r}")
    if matrix and out.suffix.lower() != ".csv":
        raise ConfigError(f"{out}: a matrix is written as CSV; name a .csv file")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = write_graphml if out.suffix.lower() == ".graphml" else write_matrix_csv if matrix else write_edge_csv
    if series.window_days is None:
        return [writer(network, out) for network in series.networks]
    total = len(series.networks)
    written = [writer(n, window_path(out, i, total, n)) for i, n in enumerate(series.networks, 1)]
    summary = summary_path(out)
    with summary.open("w", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(SUMMARY_COLUMNS)
        for number, (network, path) in enumerate(zip(series.networks, written), 1):
            rows.writerow([number, path.name, _day(network.start), _day(network.end), network.n_statements,
                           sum(1 for n in network.nodes if n.type != "issue"), len(network.ties)])
    return [*written, summary]
