"""What each ``stance`` subcommand does once its arguments are parsed: load, call the library, print."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

from stance.errors import StanceError


def pipeline_for(args: argparse.Namespace, **fields):
    """The local pipeline, or with ``--engine ray`` the same stages on Ray."""
    from stance.pipeline.local import Pipeline, load_predictor, load_tagger

    if args.engine == "ray":
        from stance.pipeline.ray_engine import RayPipeline, RaySettings

        settings = RaySettings(address=args.ray_address, workers=args.workers, cpus_per_worker=args.cpus_per_worker,
                               gpus_per_worker=args.gpus_per_worker)
        return RayPipeline(model_dir=args.model, tagger_dir=args.tagger, parser=args.parser, settings=settings,
                           **fields)
    return Pipeline(model=load_predictor(args.model), tagger=load_tagger(args.tagger, args.parser), **fields)


def registries_for(args: argparse.Namespace) -> dict:
    """The ``issues`` and ``actors`` fields of a pipeline, from ``--issues`` and ``--actors`` (default: the
    shipped registries); a bad file stops the command before anything is opened."""
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry

    return {"issues": IssueRegistry.load(args.issues), "actors": ActorRegistry.load(args.actors)}


def read_corpus(path: str | Path, encoding: str = "utf-8") -> list:
    """The corpus's articles; each manifest warning and a one-line summary of the files passed over
    (``skipped 2 files: a.pdf (no PDF reader: ...), ...``) go to standard error."""
    from stance.ingest.corpus import load_corpus_with_report

    articles, report = load_corpus_with_report(path, encoding)
    for line in report.lines():
        print(line, file=sys.stderr)
    return articles


def cmd_track(args: argparse.Namespace) -> int:
    from stance.pipeline.local import write_outputs
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry

    issues = IssueRegistry.load(args.issues)
    actors = ActorRegistry.load(args.actors)
    articles = read_corpus(args.corpus, args.encoding)
    pipeline = pipeline_for(args, issues=issues, actors=actors, period=args.period)
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
    from stance.pipeline.run_folder import read_predictions
    from stance.positions.aggregate import aggregate
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry
    from stance.report import filter_positions, match_actors, no_match_message, write_report

    predictions = read_predictions(args.run)
    if args.actor:
        matched = [name for _, name in match_actors(predictions, args.actor)]
        if not matched:
            print(f"stance report: {no_match_message(predictions, args.actor)}", file=sys.stderr)
            return 1
        print(f"--actor {args.actor!r} matches {len(matched)} actor{'s' * (len(matched) > 1)}: {', '.join(matched)}")
    parents = ActorRegistry.load(args.actors).parents()
    positions = aggregate(predictions, args.period, parents)
    positions = filter_positions(positions, actor=args.actor, issue=args.issue, since=args.since,
                                 until=args.until, parents=parents)
    articles = {a.doc_id: a for a in read_corpus(args.corpus)} if args.corpus else None
    main = write_report(positions, args.out, issues=dict(IssueRegistry.load(args.issues)), articles=articles,
                        formats=args.format, parents=parents)
    print(f"report: {main}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from stance.stance_model.config import StanceConfig
    from stance.stance_model.training import train_model

    logging.getLogger("stance.modelling.training").setLevel(logging.INFO)  # one line per epoch

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
                              lora_targets=tuple(args.lora_targets.split(",")),
                              length_buckets=args.length_buckets, max_length=args.max_length)
    metrics = train_model(args.data, args.out, config, public=args.public, public_root=args.public_root,
                          project_weight=args.project_weight, max_steps=args.max_steps,
                          epoch_size=args.epoch_size, public_limit=args.public_eval_limit,
                          extra=args.extra, columns=args.columns, init=args.init, corpus=args.corpus,
                          corpus_weight=args.corpus_weight, negate=args.negate, resume=args.resume,
                          stop_after=args.stop_after_epochs)
    if not metrics.get("finished", True):
        print(f"stopped after epoch {len(metrics['history'])}; go on with the same command and --resume")
        return 0
    for name, m in metrics.get("eval", {}).items():
        print(f"{name:>22}: macro-F1 {100 * m['macro_f1']:.1f}  F_avg {100 * m['f_avg']:.1f}  "
              f"accuracy {100 * m['accuracy']:.1f}  ECE {m.get('ece', 0):.3f}  (n={m['n']})")
    print(f"model: {args.out} ({metrics['train_seconds']} s)")
    return 0


def cmd_predict(args: argparse.Namespace) -> int:
    from stance.cli.predict import predict_lines
    from stance.pipeline.local import load_predictor
    from stance.registries.issues import IssueRegistry

    with contextlib.ExitStack() as files:  # closes what was opened here, never stdin or stdout
        handle = files.enter_context(open(args.input, encoding="utf-8")) if args.input else sys.stdin
        out = files.enter_context(open(args.output, "w", encoding="utf-8")) if args.output else sys.stdout
        errors = predict_lines(handle, out, load_predictor(args.model), IssueRegistry.load(args.issues),
                               source=args.input or "<stdin>", progress=args.output is not None)
    for message in errors:
        print(message, file=sys.stderr)
    return 1 if errors else 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from stance.pipeline.local import load_predictor
    from stance.registries.issues import IssueRegistry
    from stance.stance_model.data import load_pairs

    pairs = load_pairs(args.data, IssueRegistry.load(args.issues).targets())
    metrics = load_predictor(args.model).evaluate(pairs)
    print(json.dumps(metrics, indent=1))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from stance.attribution.extract import extract_attributions
    from stance.pipeline.local import load_tagger
    from stance.registries.actors import ActorRegistry

    articles = read_corpus(args.corpus, args.encoding)
    found = extract_attributions(articles, ActorRegistry.load(args.actors), load_tagger(args.tagger, args.parser))
    with contextlib.ExitStack() as files:  # closes the file opened here, never stdout
        out = files.enter_context(open(args.out, "w", encoding="utf-8")) if args.out else sys.stdout
        for attribution in found:
            out.write(json.dumps(attribution.to_dict(), ensure_ascii=False) + "\n")
    if args.out:
        with_actor = sum(a.actor_id is not None for a in found)
        print(f"{len(found)} attributions ({with_actor} with a resolved actor): {args.out}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_dir
    from stance.stance_model.onnx import export_onnx

    path = export_onnx(model_dir(args.model), args.out, quantize=not args.fp32,
                       recheck_margin=args.recheck_margin)
    print(f"{'fp32' if args.fp32 else 'int8'} ONNX model: {path} ({path.stat().st_size / 1e6:.1f} MB); "
          f"use it with --model {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_version
    from stance.serve.store import Store

    registries = registries_for(args)
    store = Store.open(args.db)
    articles = read_corpus(args.corpus, args.encoding)
    batch = 16 if args.engine == "local" else 64 * args.workers  # Ray: fewer, larger stages
    report = store.ingest(articles, pipeline_for(args, **registries), model_version=model_version(args.model),
                          batch=batch, progress=not args.quiet)
    print(f"{len(report.added)} documents added, {len(report.known)} already stored, {len(report.rejected)} rejected; "
          f"{report.statements_added} new statements, {report.sources_added} new sources of known statements "
          f"(run {report.run_id}, {store.document_count()} documents in {store.where()})")
    for doc_id, why in report.rejected:
        print(f"rejected {doc_id}: {why}", file=sys.stderr)
    return 0


def cmd_relabel(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_version
    from stance.pipeline.local import Pipeline, load_predictor
    from stance.serve.store import Store

    registries = registries_for(args)
    store = Store.open(args.db)
    version = model_version(args.model)
    pipeline = Pipeline(model=load_predictor(args.model), **registries)
    added = store.relabel(pipeline, model_version=version)
    print(f"{added} predictions by {version} with issue registry {pipeline.issues.version()}; "
          f"model versions stored: {', '.join(store.model_versions())}; "
          f"issue registry versions stored: {', '.join(v or 'unrecorded' for v in store.registry_versions())}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from stance.serve.api import Settings, check_bind, create_app
    from stance.serve.keys import load_key_hashes

    hashes = load_key_hashes(args.keys)
    check_bind(args.host, hashes)
    settings = Settings(db=args.db, keys_file=args.keys, model=args.model, tagger=args.tagger, parser=args.parser,
                        issues=args.issues, actors=args.actors, key_hashes=hashes)
    logging.getLogger("stance.api").setLevel(logging.INFO)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from stance.serve.keys import new_key

    key = new_key(args.keys)
    print(f"new API key (shown once; only its hash is kept in {args.keys}):\n{key}")
    return 0


def cmd_actors(args: argparse.Namespace) -> int:
    """``stance actors ACTION``: ``suggest`` writes the speakers of a corpus as a draft registry."""
    from stance.attribution.suggest import suggest_actors, write_suggestions
    from stance.pipeline.local import load_tagger
    from stance.registries.actors import ActorRegistry

    registry = ActorRegistry.load(args.actors)
    articles = read_corpus(args.corpus, args.encoding)
    suggestions = suggest_actors(articles, registry, load_tagger(args.tagger, args.parser),
                                 min_mentions=args.min_mentions)
    try:
        path = write_suggestions(suggestions, args.out, source=str(args.corpus))
    except OSError as exc:
        raise StanceError(f"{args.out}: cannot be written ({exc.strerror or exc})") from None
    discovered = sum(not s.known for s in suggestions)
    print(f"{len(articles)} documents: {discovered} actors discovered in the text, "
          f"{len(suggestions) - discovered} already in the registry")
    print(f"draft registry: {path} (edit it, then pass it with --actors)")
    return 0
