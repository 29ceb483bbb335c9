"""The `stance review` command: `sample` writes labels for people to check, `import` keeps their
corrections in a store or a run folder, where they win over the model's labels."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from stance.cli import arguments
from stance.cli.parsers import subcommand
from stance.cli.stores import open_store
from stance.errors import StanceError

SAMPLE_DESCRIPTION = """\
Picks up to --n (statement, issue) labels for people to check: the model's least
certain ones (low confidence, a small margin between its two highest scores),
spread so that every issue and every actor gets labels before any gets more, and
none takes more than its share.  Labels already checked are left out.  Writes
FILE.json (Label Studio tasks, the model's stance pre-filled as a prediction),
FILE.xml (the Label Studio labelling config to create the project with) and
FILE.csv (the same labels; fill in correct_stance, coder and note).  The scheme,
with a worked example: docs/review.md."""
IMPORT_DESCRIPTION = """\
Reads a coded review file, the edited CSV or the project's Label Studio JSON
export, and keeps each decision as a correction: in the store (--db) or in
RUN/corrections.jsonl (--run).  One correction is kept per statement, issue and
coder: importing the same file again adds nothing, a later decision by the same
coder replaces the earlier, different coders are kept apart, and positions use
the latest.  correct_stance is favor, against, neutral, or irrelevant (the
statement is not about this issue: the label leaves positions).  A row naming an
unknown statement or stance, or no coder, is reported with its line, and nothing
is stored from a file with such rows unless --skip-bad (then the exit status is 1)."""


def add(sub) -> None:
    """Declare `stance review sample` and `stance review import` on the `stance` parser's subparsers."""
    p = subcommand(sub, "review", cmd_sample, "check the model's labels by hand: sample them, import the corrections",
                 "  stance review sample --run out/demo --n 200 --out review/round1\n"
                 "  stance review import review/round1.csv --run out/demo --coder ak")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    s = subcommand(actions, "sample", cmd_sample, "labels for people to check, as Label Studio tasks and a CSV",
                 "  stance review sample --run out/demo --n 200 --out review/round1\n"
                 "  stance review sample --db stance-data/ --n 50 --out review/db-round1 --seed 7",
                 description=SAMPLE_DESCRIPTION)
    _labels_from(s)
    s.add_argument("--n", type=arguments.positive, default=200, help="labels to pick (default 200)")
    s.add_argument("--out", required=True, metavar="FILE",
                   help="where to write FILE.json, FILE.xml and FILE.csv (a .json/.csv/.xml suffix is dropped)")
    s.add_argument("--seed", type=int, default=13, help="orders labels of equal uncertainty (default 13)")
    s.add_argument("--issues", metavar="REGISTRY",
                   help="the issue registry (YAML/JSON) whose targets coders read; default: the store's issues "
                        "(--db) or the shipped registry (--run)")
    i = subcommand(actions, "import", cmd_import, "keep the corrections of a coded review file",
                 "  stance review import review/round1.csv --run out/demo --coder ak\n"
                 "  stance review import project-3-export.json --db stance-data/",
                 description=IMPORT_DESCRIPTION)
    i.add_argument("file", help="the edited CSV (.csv), a Label Studio JSON export (.json) or a corrections.jsonl")
    _labels_from(i)
    i.add_argument("--coder", metavar="ID",
                   help="who decided: for CSV rows with an empty coder cell, and for every annotation of a Label "
                        "Studio export (default there: each annotation's user, labelstudio-user-N or the email)")
    i.add_argument("--skip-bad", action="store_true",
                   help="store the rows that can be read and list the others (default: store nothing when any "
                        "row is bad)")


def _labels_from(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--db", metavar="STORE", help="a store: a folder (SQLite) or postgresql://...")
    where.add_argument("--run", metavar="RUN_FOLDER", help="the output folder of `stance track`")


def cmd_sample(args: argparse.Namespace) -> int:
    from stance.pipeline.run_folder import read_predictions, read_run_corrections, statements_path
    from stance.registries.issues import IssueRegistry
    from stance.review.export import write_sample
    from stance.review.sample import sample_labels

    if args.db:
        from stance.records import Issue

        store = open_store(args.db, existing=True)
        try:
            predictions = store.predictions(corrected=False)
            checked = {c.label for c in store.corrections()}
            issues = dict(IssueRegistry.load(args.issues)) if args.issues else {}
            for issue_id in sorted({p.issue for p in predictions} - set(issues)):
                row = store.issue(issue_id)
                if row:
                    issues[issue_id] = Issue(row["id"], row["label"], row["target"])
        finally:
            store.close()
        source = f"the store {args.db}"
    else:
        predictions = read_predictions(args.run)
        checked = {c.label for c in read_run_corrections(args.run)}
        issues = dict(IssueRegistry.load(args.issues))
        source = str(statements_path(args.run))
    if not predictions:
        raise StanceError(f"{source} holds no labels; expected statements scored on issues (`stance track` or "
                          "`stance ingest` first)")
    picked = sample_labels(predictions, args.n, seed=args.seed, checked=checked)
    if not picked:
        print(f"every one of the {len(checked)} labels of {source} is checked already; nothing to sample")
        return 0
    files = write_sample(picked, args.out, issues)
    print(f"{len(picked)} labels to check on {len({p.issue for p in picked})} issues by "
          f"{len({p.statement.actor_id for p in picked})} actors, from {source} "
          f"({len(checked)} checked already, left out)")
    print(f"Label Studio tasks: {files.tasks}\nLabel Studio config: {files.config}\nCSV: {files.table}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from stance.pipeline.run_folder import (
        read_predictions,
        read_run_corrections,
        statements_path,
        write_run_corrections,
    )
    from stance.review.corrections import merge_corrections
    from stance.review.reading import check_review_file

    store = None
    if args.db:
        store = open_store(args.db, existing=True)
        labels, where = store.label_keys(), f"the store {args.db}"
    else:
        labels = {(p.statement.statement_id, p.issue) for p in read_predictions(args.run)}
        where = str(statements_path(args.run))
    try:
        checked = check_review_file(args.file, coder=args.coder, labels=labels, where=where)
        if checked.problems and not args.skip_bad:
            raise StanceError(f"{len(checked.problems)} rows of {args.file} cannot be imported, and nothing was "
                              "stored; fix them, or pass --skip-bad to store the other rows:\n"
                              + "\n".join(checked.problems))
        for problem in checked.problems:
            print(f"skipped: {problem}", file=sys.stderr)
        if store is not None:
            merge = store.add_corrections(checked.corrections)
            kept = f"the store {args.db}"
        else:
            merge = merge_corrections(read_run_corrections(args.run), checked.corrections)
            path = write_run_corrections(args.run, merge.kept) if merge.added or merge.replaced else None
            kept = str(path or Path(args.run))
    finally:
        if store is not None:
            store.close()
    print(f"{args.file}: {len(checked.corrections)} decisions read, {checked.unchecked} labels left unchecked"
          + (f", {checked.cancelled} skipped in Label Studio" if checked.cancelled else "")
          + (f", {len(checked.problems)} bad rows skipped" if checked.problems else ""))
    print(f"{len(merge.added)} corrections added, {len(merge.replaced)} replaced, {merge.unchanged} already kept, "
          f"{len(merge.superseded)} older than a kept decision: {kept}")
    return 1 if checked.problems else 0
