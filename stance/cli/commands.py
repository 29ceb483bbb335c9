"""What each ``stance`` subcommand does once its arguments are parsed: load, call the library, print."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from stance.cli.stores import check_store_path, open_store
from stance.errors import StanceError

if TYPE_CHECKING:
    from stance.ingest.skipped import CorpusReport


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


def corpus_options(args: argparse.Namespace) -> dict:
    """``follow_symlinks`` and ``max_bytes`` of :func:`read_corpus` from ``--follow-symlinks`` and
    ``--max-bytes`` (the defaults for a subcommand without them)."""
    return {"follow_symlinks": getattr(args, "follow_symlinks", False), "max_bytes": getattr(args, "max_bytes", None)}


def read_corpus_with_report(path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                            max_bytes: int | None = None) -> tuple[list, CorpusReport]:
    """The corpus's articles and what was passed over; each warning and a one-line summary of the files and
    documents passed over (``skipped 2 files: a.pdf (no PDF reader: ...), ...``) go to standard error."""
    from stance.ingest.corpus import load_corpus_with_report

    articles, report = load_corpus_with_report(path, encoding, follow_symlinks=follow_symlinks, max_bytes=max_bytes)
    for line in report.lines():
        print(line, file=sys.stderr)
    return articles, report


def read_corpus(path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                max_bytes: int | None = None) -> list:
    """The corpus's articles (:func:`read_corpus_with_report`, what was passed over printed)."""
    return read_corpus_with_report(path, encoding, follow_symlinks=follow_symlinks, max_bytes=max_bytes)[0]


REPORT_FOLDER = "report"
"""The folder of a `stance track` run that holds the report; a new run replaces it whole."""
REPORT_MAIN_FILES = ("index.html", "index.md", "report.json")
"""The files one of which a report folder written by `stance track` holds."""


def _own_report(out: Path) -> bool:
    """Whether ``out/report`` is a report `stance track` wrote: a real folder holding index.html, index.md or
    report.json, beside the run's statements.jsonl."""
    report = out / REPORT_FOLDER
    return (report.is_dir() and not report.is_symlink() and (out / "statements.jsonl").is_file()
            and any((report / name).is_file() for name in REPORT_MAIN_FILES))


def check_output_folder(out: Path) -> None:
    """A :class:`StanceError` before any work when ``out`` holds a ``report`` that `stance track` did not write
    (it would be replaced whole), or when ``out`` is a file."""
    if out.exists() and not out.is_dir():
        raise StanceError(f"--out {out}: is a file; expected a folder for the run's outputs (new, or an earlier "
                          "run's): pick another --out")
    report = out / REPORT_FOLDER
    if (report.exists() or report.is_symlink()) and not _own_report(out):
        raise StanceError(f"--out {out}: {report} exists and is not a report written by `stance track` (expected "
                          f"a folder holding {', '.join(REPORT_MAIN_FILES[:-1])} or {REPORT_MAIN_FILES[-1]} beside "
                          "statements.jsonl); a run replaces its report folder whole: pick another --out, or move "
                          "that folder away")


def write_fresh(out: Path, write: Callable[[Path], Path]) -> Path:
    """Run ``write`` (which writes a run's outputs into the folder it is given and returns the report's main
    file) on a new hidden folder inside ``out``, then move each output into ``out``: the report folder
    replaces the last run's whole (so no page of it is left behind), each file its namesake.  Nothing else in
    ``out`` is touched (a corrections.jsonl stays); if ``write`` fails, ``out`` keeps the last run's outputs.
    Returns the report's main file in ``out``."""
    staging: Path | None = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".stance-track-", dir=out))
        main = write(staging)
        for entry in sorted(staging.iterdir()):
            target = out / entry.name
            if entry.is_dir() and target.is_dir() and not target.is_symlink():
                os.replace(target, staging / f"{entry.name}.last-run")  # removed with the staging folder
            os.replace(entry, target)
        return out / main.relative_to(staging)
    except OSError as exc:
        raise StanceError(f"--out {out}: cannot write the outputs there ({exc.strerror or exc}: "
                          f"{exc.filename or out}); expected a folder you can write to") from None
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def cmd_track(args: argparse.Namespace) -> int:
    from stance.pipeline.local import write_outputs
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry

    issues = IssueRegistry.load(args.issues)
    actors = ActorRegistry.load(args.actors)
    check_output_folder(Path(args.out))
    articles = read_corpus(args.corpus, args.encoding, **corpus_options(args))
    pipeline = pipeline_for(args, issues=issues, actors=actors, period=args.period)
    result = pipeline.run(articles)
    main = write_fresh(Path(args.out), lambda folder: write_outputs(result, folder, issues, args.format))
    c = result.positions.corpus
    print(f"{c.n_documents} documents ({c.first_date or '?'} to {c.last_date or '?'}), {c.n_statements} statements "
          f"on the issues, {c.n_scored} scored pairs, {c.n_undated} undated")
    print(f"statements: {Path(args.out) / 'statements.jsonl'}")
    print(f"positions:  {Path(args.out) / 'positions.json'}")
    print(f"report:     {main}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from stance.pipeline.run_folder import read_corrected_predictions
    from stance.positions.aggregate import aggregate
    from stance.registries.actors import ActorRegistry
    from stance.registries.issues import IssueRegistry
    from stance.report import filter_positions, match_actors, no_match_message, write_report

    predictions = read_corrected_predictions(args.run)  # people's corrections (stance review import) win
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

        from stance.modelling.folders import MODEL_NAMES, model_dir

        if args.init in MODEL_NAMES:  # "default", "small", "quality": the shipped model's folder
            args.init = str(model_dir(args.init))
        saved = StanceConfig.load(args.init)
        config = dataclasses.replace(saved, epochs=args.epochs, learning_rate=args.lr or saved.learning_rate,
                                     batch_size=args.batch_size, seed=args.seed, length_buckets=args.length_buckets,
                                     max_length=args.max_length, temperature=1.0, sources={},
                                     twin_reading=args.twin_reading or saved.twin_reading)
    else:
        config = StanceConfig(base_model=args.base, method=args.method, epochs=args.epochs,
                              learning_rate=args.lr or (5e-4 if args.method == "lora" else 5e-5),
                              batch_size=args.batch_size, seed=args.seed, lora_r=args.lora_r,
                              lora_targets=tuple(args.lora_targets.split(",")),
                              length_buckets=args.length_buckets, max_length=args.max_length,
                              twin_reading=args.twin_reading)
    more, more_evals, more_devs = _training_pairs(args)
    metrics = train_model(args.data, args.out, config, public=args.public, public_root=args.public_root,
                          project_weight=args.project_weight, max_steps=args.max_steps,
                          epoch_size=args.epoch_size, public_limit=args.public_eval_limit,
                          extra=args.extra, columns=args.columns, init=args.init, corpus=args.corpus,
                          corpus_weight=args.corpus_weight, negate=args.negate, resume=args.resume,
                          stop_after=args.stop_after_epochs, more=more, more_evals=more_evals,
                          more_devs=more_devs, device=args.device)
    if not metrics.get("finished", True):
        print(f"stopped after epoch {len(metrics['history'])}; go on with the same command and --resume")
        return 0
    for name, m in metrics.get("eval", {}).items():
        print(f"{name:>22}: macro-F1 {100 * m['macro_f1']:.1f}  F_avg {100 * m['f_avg']:.1f}  "
              f"accuracy {100 * m['accuracy']:.1f}  ECE {m.get('ece', 0):.3f}  (n={m['n']})")
    print(f"model: {args.out} ({metrics['train_seconds']} s)")
    return 0


def dna_split(args: argparse.Namespace):
    """(the DNA file's corpus, its concepts as issues, its training pairs, its held-out pairs) from the
    ``--dna*`` options (the same split in `stance train` and `stance evaluate`)."""
    from stance.dna import read_dna
    from stance.dna.pairs import concept_issues, dna_pairs, split_by_document
    from stance.registries.issues import IssueRegistry

    corpus = read_dna(args.dna, variables=args.dna_variables, coder=args.dna_coder)
    if not corpus.statements:
        raise StanceError(f"{args.dna}: no coded statements{f' by coder {args.dna_coder!r}' if args.dna_coder else ''}"
                          f"; coders in the file: {', '.join(corpus.coders) or 'none'}")
    registry = getattr(args, "issues", None)  # `stance train` maps concepts onto no registry
    mapped = concept_issues((s.concept for s in corpus.statements), IssueRegistry.load(registry) if registry else None)
    try:
        train, held = split_by_document(dna_pairs(corpus, mapped), args.dna_holdout, args.dna_seed)
    except ValueError as exc:
        raise StanceError(f"--dna-holdout: {exc}") from None
    return corpus, mapped, train, held


def _training_pairs(args: argparse.Namespace) -> tuple[dict, dict, dict]:
    """``more``, ``more_evals`` and ``more_devs`` of :func:`~stance.stance_model.training.train_model` from
    --dna (with --dna-dev) and --corrections."""
    from stance.dna.pairs import SOURCE, split_by_document

    more: dict = {}
    evals: dict = {}
    devs: dict = {}
    if args.dna_dev and not args.dna:
        raise StanceError("--dna-dev: expected --dna FILE, whose training side it splits; give both, or leave "
                          "--dna-dev out")
    if args.dna:
        _, mapped, train, held = dna_split(args)
        dev: list = []
        if args.dna_dev:
            if not 0 < args.dna_dev < 1:
                raise StanceError(f"--dna-dev: expected a share of the training side's documents from 0 to under "
                                  f"1, found {args.dna_dev}")
            train, dev = split_by_document(train, args.dna_dev, args.dna_seed + 1)
            if not train:
                raise StanceError(f"--dna-dev {args.dna_dev}: no document left to train on; give a smaller share")
            devs["dna_dev"] = dev
        more[SOURCE] = (train, args.dna_weight)
        evals["dna_heldout"] = held
        voting = f"choosing the epoch on {len(dev)} with the project dev split, " if dev else ""
        print(f"{args.dna}: {len(train) + len(dev) + len(held)} coded statements on {len(mapped)} concepts; "
              f"training on {len(train)}, {voting}holding out {len(held)}")
    if args.corrections:
        from stance.review.corrections import correction_pairs

        pairs = correction_pairs(args.corrections)
        more["corrections"] = (pairs, args.corrections_weight)
        print(f"{args.corrections}: {len(pairs)} corrected labels to train on")
    return more, evals, devs


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

    if bool(args.data) == bool(args.dna):
        raise StanceError("expected one of --data (labelled pairs) or --dna (a DNA file as gold), found "
                          f"{'both' if args.data else 'neither'}")
    predictor = load_predictor(args.model)
    if args.data:
        pairs = load_pairs(args.data, IssueRegistry.load(args.issues).targets())
        print(json.dumps(predictor.evaluate(pairs), indent=1))
        return 0
    from stance.evaluation.dna_gold import evaluate_dna

    corpus, mapped, train, held = dna_split(args)
    part = {"all": train + held, "heldout": held, "train": train}[args.dna_part]
    if not part:
        raise StanceError(f"--dna-part {args.dna_part}: no statements on that side of the split "
                          f"(--dna-holdout {args.dna_holdout})")
    pipeline = None
    if args.end_to_end:
        from stance.dna.pairs import concept_registry
        from stance.pipeline.local import Pipeline, load_tagger
        from stance.registries.actors import ActorRegistry

        issues = concept_registry(mapped, IssueRegistry.load(args.issues) if args.issues else None)
        pipeline = Pipeline(model=predictor, issues=issues, actors=ActorRegistry.load(args.actors),
                            tagger=load_tagger(args.tagger, args.parser))
    figures = evaluate_dna(corpus, mapped, part, predictor, pipeline)
    print(json.dumps(figures, indent=1))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from stance.attribution.extract import extract_attributions
    from stance.pipeline.local import load_tagger
    from stance.registries.actors import ActorRegistry

    articles = read_corpus(args.corpus, args.encoding, **corpus_options(args))
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
    """``stance export [onnx] --out DIR``, or ``stance export dna|events|table PATH`` (:mod:`stance.cli.dna`)."""
    if args.action != "onnx":
        from stance.cli import dna

        if not args.path:
            raise StanceError(f"stance export {args.action}: expected the file to write, e.g. stance export "
                              f"{args.action} out/statements.{'dna' if args.action == 'dna' else 'csv'} "
                              "--run out/run --corpus corpus/")
        if args.out:
            raise StanceError(f"stance export {args.action}: --out is onnx's; give the file to write as PATH")
        work = {"dna": dna.export_dna, "events": dna.export_events, "table": dna.export_table}[args.action]
        return work(args, read_corpus)
    from stance.modelling.folders import model_dir
    from stance.stance_model.onnx import export_onnx

    if args.path or args.run or args.db:
        raise StanceError("stance export onnx: expected --out DIR (and --model); PATH, --run and --db are for dna, "
                          "events and table")
    if not args.out:
        raise StanceError("stance export onnx: expected --out DIR, the folder to write the ONNX model to")
    path = export_onnx(model_dir(args.model), args.out, quantize=not args.fp32,
                       recheck_margin=args.recheck_margin)
    print(f"{'fp32' if args.fp32 else 'int8'} ONNX model: {path} ({path.stat().st_size / 1e6:.1f} MB); "
          f"use it with --model {args.out}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    """Stream the corpus into the store: articles are read a batch at a time (:func:`iter_corpus`) and each
    batch is written before the next is read, so memory stays flat in the corpus's size.  An error in the
    input (a malformed line) stops the reading there: the documents before it are stored and reported, then
    the error is raised (exit status 2); a re-run skips what was stored."""
    from stance.errors import InputError
    from stance.ingest.corpus import iter_corpus
    from stance.modelling.folders import model_version
    from stance.serve.store import Store

    registries = registries_for(args)
    check_store_path(args.db)
    try:
        store = Store.open(args.db)
    except OSError as exc:
        raise StanceError(f"--db {args.db}: cannot open a store there ({exc.strerror or exc}); expected a folder "
                          "(or .db file) you can write to, or postgresql://...") from None
    stream = iter_corpus(args.corpus, args.encoding, **corpus_options(args))
    first = next(stream)  # before the run starts: a corpus with no document stops here, nothing written
    stopped: list[InputError] = []

    def articles() -> Iterator:
        yield first
        try:
            yield from stream
        except InputError as exc:  # the batches read so far are stored; the error is raised once they are
            stopped.append(exc)

    batch = 16 if args.engine == "local" else 64 * args.workers  # Ray: fewer, larger stages
    report = store.ingest(articles(), pipeline_for(args, **registries), model_version=model_version(args.model),
                          batch=batch, progress=not args.quiet)
    read = stream.report()
    for line in read.lines():  # the warnings and every file passed over, with the reasons
        print(line, file=sys.stderr)
    print(f"{len(report.added)} documents added, {len(report.known)} already stored, {len(report.rejected)} rejected; "
          f"{report.statements_added} new statements, {report.sources_added} new sources of known statements "
          f"(run {report.run_id}, {store.document_count()} documents in {store.where()})")
    for where, why in [*((s.path, s.reason) for s in read.rejected), *report.rejected]:
        print(f"rejected {where}: {why}", file=sys.stderr)
    if stopped:
        print(f"stance ingest: reading stopped at the error below, after {stream.count} documents (handled as "
              "counted above); fix the input and run again: the documents stored are skipped", file=sys.stderr)
        raise stopped[0]
    refused = len(report.rejected) + len(read.rejected)
    if refused:  # a run that left documents out is not a success, even when the rest were stored
        print(f"stance ingest: {refused} document{'s' * (refused != 1)} rejected ({len(read.rejected)} when read, "
              f"{len(report.rejected)} by the store); exit status 1", file=sys.stderr)
        return 1
    return 0


def cmd_relabel(args: argparse.Namespace) -> int:
    from stance.modelling.folders import model_version
    from stance.pipeline.local import Pipeline, load_predictor

    registries = registries_for(args)
    store = open_store(args.db, existing=True)  # never an empty new store: there is nothing to relabel
    version = model_version(args.model)
    pipeline = Pipeline(model=load_predictor(args.model), **registries)
    added = store.relabel(pipeline, model_version=version)
    print(f"{added} predictions by {version} with issue registry {pipeline.issues.version()}; "
          f"model versions stored: {', '.join(store.model_versions())}; "
          f"issue registry versions stored: {', '.join(v or 'unrecorded' for v in store.registry_versions())}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import math

    import uvicorn

    from stance.errors import ConfigError
    from stance.serve.api import Settings, check_bind, create_app
    from stance.serve.keys import load_key_hashes
    from stance.serve.middleware import json_logs

    check_store_path(args.db)  # a new store is made, in an existing folder only
    hashes = load_key_hashes(args.keys)  # a missing or empty keys file stops here, naming the fix
    check_bind(args.host, hashes)
    if args.public_reads and not hashes:
        raise ConfigError("--public-reads opens reads to callers without a key, but no --keys is given, so "
                          "every route is open already; add --keys FILE or drop --public-reads")
    if not math.isfinite(args.body_timeout) or args.body_timeout <= 0:
        raise ConfigError(f"--body-timeout is the seconds a client has to send a request body; expected a number "
                          f"above 0, found {args.body_timeout:g}")
    settings = Settings(db=args.db, keys_file=args.keys, model=args.model, tagger=args.tagger, parser=args.parser,
                        issues=args.issues, actors=args.actors, key_hashes=hashes, public_reads=args.public_reads,
                        host=args.host, allowed_hosts=tuple(h.strip() for h in args.allowed_hosts.split(",")
                                                            if h.strip()),
                        body_timeout=args.body_timeout)
    with json_logs():  # one JSON line per request on stderr, and uvicorn's own access line off
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info", access_log=False)
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
    articles = read_corpus(args.corpus, args.encoding, **corpus_options(args))
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
