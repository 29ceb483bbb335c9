#!/usr/bin/env python
"""The Port Aldern domain's hand coding (data/domains/port_aldern/coding_*.jsonl) as a DNA file, the
form our users' own coding comes in: the file that ``stance train --dna``, ``stance evaluate --dna``,
``stance agreement`` and scripts/learning_curve.py read.

    python scripts/port_aldern_dna.py OUT.dna [--coders coder_a,coder_b] [--only-coded-by coder_c]
        [--rename coder_a=reader,coder_b=reader] [--force]

``--coders``: whose coding goes in (default: the two coders who coded every article once);
``--only-coded-by``: keep only the documents that coder coded (to compare a second coder with the
first on the same documents); ``--rename``: coder names as the file shows them.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import sys
from pathlib import Path

from stance.dna import DnaCorpus, DnaDocument, DnaStatement, write_corpus

DOMAIN = Path(__file__).resolve().parents[1] / "data" / "domains" / "port_aldern"


def read_coding(domain: Path, coders: set[str]) -> list[dict]:
    rows = []
    for path in sorted(domain.glob("coding_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if line.strip():
                row = json.loads(line)
                if row["coder"] in coders:
                    rows.append({**row, "where": f"{path}:{number}"})
    return rows


def build(domain: Path, coders: set[str], only: str | None, rename: dict[str, str]) -> DnaCorpus:
    manifest = [json.loads(line) for line in (domain / "articles" / "manifest.jsonl").read_text(
        encoding="utf-8").split("\n") if line.strip()]
    rows = read_coding(domain, coders | ({only} if only else set()))
    keep = {r["file"] for r in rows if r["coder"] == only} if only else {m["file"] for m in manifest}
    documents, ids = [], {}
    for number, meta in enumerate((m for m in manifest if m["file"] in keep), 1):
        text = (domain / "articles" / meta["file"]).read_text(encoding="utf-8")
        ids[meta["file"]] = (number, text)
        day = _dt.date.fromisoformat(meta["date"])
        documents.append(DnaDocument(number, meta["title"], text, _dt.datetime(day.year, day.month, day.day),
                                     meta.get("author", ""), meta["source"], "", meta.get("type", "news"),
                                     f"stance doc_id: {Path(meta['file']).stem}", "Admin"))
    statements = []
    for row in rows:
        if row["file"] not in ids:
            continue
        number, text = ids[row["file"]]
        if text[row["start"]:row["end"]] != row["text"]:
            raise SystemExit(f"{row['where']}: the span's offsets do not hold its text")
        agreement = {"agree": "favor", "disagree": "against"}[row["agreement"]]
        statements.append(DnaStatement(len(statements) + 1, number, row["start"], row["end"], row["text"],
                                       rename.get(row["coder"], row["coder"]), row["person"],
                                       row["organization"], row["concept"], agreement))
    coders_named = tuple(sorted({s.coder for s in statements}))
    return DnaCorpus(tuple(documents), tuple(statements), coders_named)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--coders", default="coder_a,coder_b")
    ap.add_argument("--only-coded-by")
    ap.add_argument("--rename", default="")
    ap.add_argument("--force", action="store_true")
    args = ap.parse_args(argv)
    rename = dict(part.split("=", 1) for part in args.rename.split(",") if "=" in part)
    corpus = build(DOMAIN, set(args.coders.split(",")), args.only_coded_by, rename)
    write_corpus(args.out, corpus, force=args.force)
    print(f"{args.out}: {len(corpus.documents)} documents, {len(corpus.statements)} statements by "
          f"{', '.join(corpus.coders)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
