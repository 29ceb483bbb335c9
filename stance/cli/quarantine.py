"""The `stance quarantine` command: list the stored documents that should not be there, flag one, delete one."""

from __future__ import annotations

import argparse
import json

from stance.cli.parsers import subcommand
from stance.cli.stores import open_store
from stance.errors import StanceError

DESCRIPTION = """\
Lists the documents of a store whose rows fail the store's checks (a date
outside 1000-2999, a NUL byte, an id or source over 300 characters: rows
written before the checks, or by hand) or that an operator flagged, each with
why.  Readers leave such statements out; `delete` takes a document out with
the statements no other document carries, their sources, predictions and
corrections (positions are computed anew on the next read; a running server
answers with them at once).  A statement that other documents repeat is kept,
with its predictions and corrections, and is read from the earliest of them
from then on: they are named.  `flag` sets a document aside with a reason;
`unflag` takes the flag off."""


def add(sub) -> None:
    """Declare `stance quarantine list|flag|unflag|delete` on the `stance` parser's subparsers."""
    p = subcommand(sub, "quarantine", cmd_list, "stored documents that fail the store's checks: list, flag, delete",
                 "  stance quarantine list --db stance-data/\n"
                 "  stance quarantine delete --db stance-data/ doc-42", description=DESCRIPTION)
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = subcommand(actions, "list", cmd_list, "the documents to look at, each with why",
                       "  stance quarantine list --db stance-data/\n"
                       "  stance quarantine list --db postgresql://user@host/stance --json")
    _store(listing)
    listing.add_argument("--json", action="store_true", help="one JSON object per line: id, reasons, flagged")
    flag = subcommand(actions, "flag", cmd_flag, "set a stored document aside, with why",
                    "  stance quarantine flag --db stance-data/ doc-42 --reason 'duplicate of doc-41'")
    _store(flag)
    flag.add_argument("doc_id", metavar="DOC_ID")
    flag.add_argument("--reason", required=True, help="why (listed by `stance quarantine list`)")
    unflag = subcommand(actions, "unflag", cmd_unflag, "take a document's flag off",
                      "  stance quarantine unflag --db stance-data/ doc-42")
    _store(unflag)
    unflag.add_argument("doc_id", metavar="DOC_ID")
    delete = subcommand(actions, "delete", cmd_delete, "delete a document with its statements, sources, predictions "
                      "and corrections", "  stance quarantine delete --db stance-data/ doc-42")
    _store(delete)
    delete.add_argument("doc_id", metavar="DOC_ID")


def _store(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", required=True, metavar="STORE", help="a store: a folder (SQLite) or postgresql://...")


def _open(args: argparse.Namespace):
    """The store at ``--db``; it must exist (these commands never make one)."""
    return open_store(args.db, existing=True)


def cmd_list(args: argparse.Namespace) -> int:
    """Print each quarantined document with its reasons."""
    store = _open(args)
    try:
        found = store.quarantined()
    finally:
        store.close()
    for item in found:
        if args.json:
            print(json.dumps(item.to_dict(), ensure_ascii=False))
        else:
            print(f"{item.doc_id}{' (flagged)' if item.flagged else ''}")
            for reason in item.reasons:
                print(f"  {reason}")
    if not args.json:
        print(f"{len(found)} document{'s' if len(found) != 1 else ''} to look at in {store.where()}")
    return 0


def cmd_flag(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        if not store.flag(args.doc_id, args.reason):
            raise StanceError(f"no document {args.doc_id!r} in {store.where()}; `stance quarantine list` lists "
                              "the documents to look at")
    finally:
        store.close()
    print(f"flagged {args.doc_id}: {args.reason}")
    return 0


def cmd_unflag(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        if not store.unflag(args.doc_id):
            raise StanceError(f"document {args.doc_id!r} is not flagged in {store.where()}")
    finally:
        store.close()
    print(f"unflagged {args.doc_id}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    store = _open(args)
    try:
        deleted = store.delete_document(args.doc_id)
        if deleted is None:
            raise StanceError(f"no document {args.doc_id!r} in {store.where()}; `stance quarantine list` lists "
                              "the documents to look at")
    finally:
        store.close()
    print(f"deleted {deleted.doc_id}: {deleted.statements} statements, {deleted.sources} sources, "
          f"{deleted.predictions} predictions, {deleted.corrections} corrections")
    if deleted.kept:
        print(f"kept {deleted.kept} statement{'s' * (deleted.kept != 1)} that other documents carry, read from "
              f"the earliest of them from now on: {', '.join(deleted.kept_in)}")
    return 0
