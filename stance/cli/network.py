"""The ``stance network`` command: the Discourse Network Analyzer's actor networks (congruence, conflict,
subtract, two-mode) from the labelled statements of a ``stance track`` run, as one file or one per time window."""

from __future__ import annotations

import argparse

from stance.cli.parsers import subcommand
from stance.errors import ConfigError
from stance.positions.dna_networks import ACTOR_LEVELS, NETWORK_TYPES, NORMALIZATIONS, TWO_MODE_WEIGHTS
from stance.records import PartialDate

DESCRIPTION = """\
Builds an actor network from a run's statements with the Discourse Network
Analyzer's definitions (leifeld/dna, Exporter.java; docs/networks.md).  Each
statement on an issue is DNA's (actor, concept, agreement):
  congruence  weight = sum over (issue, side) of the two actors' statement counts
              multiplied: A twice in favour of X, B once -> 2
  conflict    the same over opposite sides of an issue
  subtract    congruence minus conflict (may be negative; 0 makes no edge)
  two-mode    actor -> issue, weight = statements (or --two-mode-weight combine:
              1 favour only, 2 against only, 3 both; subtract: favour - against)
--normalize (one-mode only) divides by (n_a + n_b) / 2 (average), by the
statements in cells only one uses plus the products in shared cells (jaccard),
or by n_a x n_b (cosine, as DNA computes it).  Neutral statements take no side
and make no edge; undated ones are left out of time windows and of
--since/--until.  Every statement left out is counted on standard output.

--out FILE.graphml writes GraphML (typed keys, one edge per actor pair);
--out FILE.csv the edge list, or with --matrix DNA's ;-separated matrix.
With --window, one file per window, named FILE-NN-START_END.graphml (NN the
window's number, START and END its first and last day), and FILE-windows.csv
listing them."""


def add(sub) -> None:
    """Declare ``stance network`` on the ``stance`` parser's subparsers."""
    p = subcommand(sub, "network", cmd_network,
                   "DNA actor networks (congruence, conflict, subtract, two-mode) of a run",
                "  stance network out/demo --type congruence --normalize average --out out/congruence.graphml\n"
                "  stance network out/demo --type two-mode --actor-level organization --out out/two-mode.csv\n"
                "  stance network out/demo/statements.jsonl --type subtract --since 2017 --until 2018-06 "
                "--window 90 --step 30 --out out/windows/net.graphml")
    p.add_argument("run", help="the output folder of `stance track` (or its statements.jsonl)")
    p.add_argument("--type", choices=NETWORK_TYPES, default="congruence", help="the network (default congruence)")
    p.add_argument("--normalize", choices=NORMALIZATIONS, default="none",
                   help="one-mode edge weight normalisation (default none)")
    p.add_argument("--actor-level", choices=ACTOR_LEVELS, default="person",
                   help="person: the speaker (default); organization: the speaker's affiliation on the date, or the "
                        "speaker itself when it is an organisation, country, group or outlet")
    p.add_argument("--issue", help="keep one issue id (any case)")
    p.add_argument("--since", type=partial_date, help="a partial date: 2018, 2018-01 or 2018-01-15")
    p.add_argument("--until", type=partial_date, help="a partial date, inclusive")
    p.add_argument("--window", type=_days, metavar="DAYS", help="a moving time window of DAYS days: one network each")
    p.add_argument("--step", type=_days, metavar="DAYS", help="with --window: days from one window to the next "
                                                              "(default 1, as DNA)")
    p.add_argument("--two-mode-weight", choices=TWO_MODE_WEIGHTS, default="statements",
                   help="with --type two-mode: statements (default), combine (DNA's 1/2/3 code) or subtract")
    p.add_argument("--matrix", action="store_true", help="with a .csv --out: the weight matrix instead of edges")
    p.add_argument("--out", required=True, help="FILE.graphml or FILE.csv")


def partial_date(value: str) -> PartialDate:
    """``2018-06`` -> PartialDate(2018, 6), or the reason it is not one."""
    try:
        return PartialDate.parse(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _days(value: str) -> int:
    """``30`` -> 30: a whole number of days, 1 or more."""
    try:
        days = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of days, found {value!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"expected 1 day or more, found {days}")
    return days


def cmd_network(args: argparse.Namespace) -> int:
    from stance.pipeline.run_folder import read_corrected_predictions
    from stance.positions.dna_networks import NetworkSpec, dna_network, time_window_networks, write_series

    if args.step is not None and args.window is None:
        raise ConfigError(f"--step {args.step} moves a time window: give --window DAYS too")
    predictions = read_corrected_predictions(args.run)
    spec = NetworkSpec(args.type, args.normalize, args.actor_level, args.issue, args.since, args.until,
                       args.two_mode_weight)
    if args.window:
        series = time_window_networks(predictions, spec, args.window, args.step or 1)
    else:
        series = dna_network(predictions, spec)
    written = write_series(series, args.out, matrix=args.matrix)
    what = (f"{spec.type} network{'s' if args.window else ''}, {spec.actor_level} level"
            + (f", normalisation {spec.normalize}" if spec.one_mode else f", weight {spec.two_mode_weight}"))
    kept = {c for n in series.networks for c in n.nodes if c.type != "issue"}
    print(f"{len(predictions)} statements read; {what}")
    if args.window:
        counted = sum(n.n_statements for n in series.networks)
        print(f"{len(series.networks)} windows of {args.window} days, step {args.step or 1}: {counted} statement "
              f"placements, {len({n.node_id for n in kept})} actors in all")
        print(f"files: {written[0]} ... {written[-2]}" if len(written) > 2 else f"file:  {written[0]}")
        print(f"summary: {written[-1]}")
    else:
        network = series.networks[0]
        print(f"{network.n_statements} statements, {len(kept)} actors, {len(network.ties)} edges: {written[0]}")
    for line in series.left_out.lines():
        print(line)
    return 0
