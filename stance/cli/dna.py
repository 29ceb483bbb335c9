"""The Discourse Network Analyzer on the command line: ``stance import dna`` (a hand-coded DNA file as a
corpus and labelled pairs), and the work of ``stance export dna|events|table`` (declared with ``export`` in
:mod:`stance.cli.main`, dispatched by :func:`stance.cli.commands.cmd_export`)."""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from stance.cli import arguments
from stance.cli.parsers import subcommand
from stance.cli.stores import check_store_path
from stance.errors import StanceError

IMPORT_DESCRIPTION = """\
Reads a DNA 3 file (.dna, SQLite) and writes, in --out:
  documents.jsonl  the documents as a corpus for `stance track` (id, text, date,
                   source, title, author, type)
  pairs.jsonl      one labelled pair per coded statement (text: the coded span,
                   target: the concept, label: favor for agreement 1, against
                   for 0; with actor, person, organization, doc_id, start, end,
                   coder) for `stance train --extra` or `stance evaluate --data`
The statement type's variables are person, organization, concept and agreement
unless --variables names the file's own."""
EXPORT_SOURCES = "--run RUN --corpus CORPUS, or --db STORE"


def add(sub) -> None:
    """Declare ``stance import`` (action ``dna``) on the ``stance`` parser's subparsers."""
    p = subcommand(sub, "import", cmd_import, "read another tool's files: a DNA file as a corpus and labelled pairs",
                    "  stance import dna coded.dna --out data/coded")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    d = subcommand(actions, "dna", cmd_import, "a DNA file as documents.jsonl and pairs.jsonl",
                    "  stance import dna coded.dna --out data/coded\n"
                    "  stance import dna coded.dna --out data/coded --variables person=speaker,concept=frame "
                    "--coder Anna", description=IMPORT_DESCRIPTION)
    d.add_argument("file", help="the DNA file (.dna)")
    d.add_argument("--out", required=True, help="folder to write documents.jsonl and pairs.jsonl to (made if missing)")
    d.add_argument("--variables", type=arguments.mapping, default=None,
                   help="the file's variable names where they differ from ours, e.g. person=speaker,concept=frame")
    d.add_argument("--coder", help="only this coder's statements (default: every coder's)")
    d.add_argument("--statement-type", default="DNA Statement", help="the statement type read (default: DNA Statement)")
    d.add_argument("--force", action="store_true", help="replace documents.jsonl and pairs.jsonl if --out has them")


def cmd_import(args: argparse.Namespace) -> int:
    """``stance import dna FILE --out DIR``."""
    from stance.dna import read_dna
    from stance.dna.read import corpus_rows, pair_rows
    from stance.ingest.corpus import DOC_TYPES

    corpus = read_dna(args.file, variables=args.variables, statement_type=args.statement_type, coder=args.coder)
    out = Path(args.out)
    targets = [out / "documents.jsonl", out / "pairs.jsonl"]
    there = [str(t) for t in targets if t.exists()]
    if there and not args.force:
        raise StanceError(f"{', '.join(there)}: already there; expected a new --out folder (or pass --force)")
    documents, notes = corpus_rows(corpus, DOC_TYPES)
    pairs, no_concept = pair_rows(corpus)
    try:
        out.mkdir(parents=True, exist_ok=True)
        for target, rows in ((targets[0], list(documents)), (targets[1], list(pairs))):
            target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    except OSError as exc:
        raise StanceError(f"{out}: cannot be written ({exc.strerror or exc})") from None
    labels = Counter(p["label"] for p in pairs)
    coders = Counter(str(p["coder"]) for p in pairs)
    print(f"{args.file} (DNA {corpus.version}): {len(documents)} documents, {len(pairs)} coded statements "
          f"({labels['favor']} favor, {labels['against']} against) on {len({p['target'] for p in pairs})} concepts"
          f" by {', '.join(f'{c} ({n})' for c, n in coders.most_common()) or 'no coder'}")
    for why, n in notes.items():
        print(f"{n} {why}")
    if no_concept:
        print(f"{no_concept} statements without a concept left out (a pair needs a target)")
    print(f"documents: {targets[0]}  (stance track {targets[0]} --out ...)")
    print(f"pairs:     {targets[1]}  (stance train --extra {targets[1]}, stance evaluate --data {targets[1]})")
    return 0


ReadCorpus = Callable[[str, str], list]
"""How the CLI reads a corpus (:func:`stance.cli.commands.read_corpus`: warnings to standard error)."""


def export_inputs(args: argparse.Namespace, read_corpus: ReadCorpus, need_texts: bool) -> tuple[list, list, dict]:
    """(articles, predictions, issues by id) from ``--run`` (with ``--corpus``) or ``--db``, and
    ``--issues``; an issue only the store knows is taken from the store."""
    from stance.records import Issue
    from stance.registries.issues import IssueRegistry

    if bool(args.run) == bool(args.db):
        raise StanceError(f"stance export {args.action}: expected {EXPORT_SOURCES}, found "
                          f"{'both --run and --db' if args.run else 'neither'}")
    issues: dict[str, Issue] = dict(IssueRegistry.load(args.issues))
    if args.run:
        from stance.pipeline.run_folder import read_corrected_predictions

        if need_texts and not args.corpus:
            raise StanceError(f"stance export {args.action}: --run needs --corpus CORPUS (the run's corpus: the "
                              "documents' texts and titles)")
        predictions = read_corrected_predictions(args.run)
        articles = read_corpus(args.corpus, args.encoding) if args.corpus else []
        return articles, predictions, issues
    from stance.serve.store import Store

    check_store_path(args.db)
    where = Path(args.db)
    database = where if where.suffix in (".db", ".sqlite", ".sqlite3") else where / "stance.db"
    if "://" not in args.db and not database.is_file():
        raise StanceError(f"{args.db}: no store there; expected a folder (or .db file) filled by `stance ingest`, "
                          "or postgresql://...")
    store = Store.open(args.db, upgrade=False)
    try:
        predictions = store.predictions()
        if not predictions:
            raise StanceError(f"{args.db}: no predictions stored; expected a store filled by `stance ingest`")
        for issue_id in {p.issue for p in predictions} - set(issues):
            row = store.issue(issue_id)
            if row is not None:
                issues[issue_id] = Issue(issue_id, row["label"], row["target"])
        wanted = {p.statement.doc_id for p in predictions}
        found = store.articles(wanted)
    finally:
        store.close()
    return [found[d] for d in sorted(found)], predictions, issues


def model_version(predictions: list) -> str:
    """The model most predictions name (the DNA coder of the machine statements), else ``stance``."""
    named = Counter(p.model for p in predictions if p.model)
    return named.most_common(1)[0][0] if named else "stance"


def export_dna(args: argparse.Namespace, read_corpus: ReadCorpus) -> int:
    """``stance export dna OUT.dna ...``."""
    from stance.dna import write_dna

    articles, predictions, issues = export_inputs(args, read_corpus, need_texts=True)
    report = write_dna(args.path, articles, predictions, model_version=model_version(predictions), issues=issues,
                       force=args.force, password=args.password)
    if report.statements == 0 and predictions:
        print(f"stance export dna: no statement written of {len(predictions)} labels (see below)")
    for line in report.lines():
        print(line)
    print(f"open it in DNA 3 as Admin or {model_version(predictions)} (password: {args.password!r}; change it in "
          "DNA's coder manager)")
    return 0


def export_events(args: argparse.Namespace, read_corpus: ReadCorpus) -> int:
    """``stance export events OUT.csv ...``: the statements DNA would hold, as DNA's event list."""
    from stance.dna import dna_corpus, write_events

    articles, predictions, issues = export_inputs(args, read_corpus, need_texts=True)
    selection = dna_corpus(articles, predictions, model_version=model_version(predictions), issues=issues)
    n = write_events(args.path, selection.corpus, force=args.force)
    left = selection.neutral + selection.abstained
    print(f"{n} events (favor/against statements); left out {left} neutral labels, "
          f"{len(selection.missing_document)} without their document, {len(selection.span_mismatch)} whose quote "
          "is not at its offsets")
    print(f"event list: {args.path}")
    return 0


def export_table(args: argparse.Namespace, read_corpus: ReadCorpus) -> int:
    """``stance export table OUT.csv|OUT.parquet ...``: every label, neutral ones too."""
    from stance.dna import table_rows, write_table

    articles, predictions, issues = export_inputs(args, read_corpus, need_texts=False)
    rows = table_rows(predictions, {a.doc_id: a for a in articles}, issues)
    n = write_table(args.path, rows, force=args.force)
    print(f"{n} rows (one per statement and issue){'' if articles else '; no --corpus: titles left empty'}")
    print(f"table: {args.path}")
    return 0
