#!/usr/bin/env python
"""The quote each statement of a .dna file was meant to hold, as "statement id<TAB>quote" lines for
``DnaCheck --expect`` (backslash, tab, newline and carriage return escaped as \\\\, \\t, \\n, \\r).

    python scripts/jvm/expected_quotes.py FILE.dna OUT.tsv --run RUN_DIR
        a file of ``stance export dna --run RUN_DIR``: each statement's note names the stance statement,
        whose ``quote`` in RUN_DIR/statements.jsonl is the expected text
    python scripts/jvm/expected_quotes.py FILE.dna OUT.tsv --port-aldern [--coders coder_a,coder_b]
        a file of ``scripts/port_aldern_dna.py`` (default coders): the coded spans' texts, in its order

The quotes come from the inputs, not from the .dna file's offsets, so a wrong offset shows as a mismatch.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import sys
from pathlib import Path

from stance.dna.offsets import panel_text

ROOT = Path(__file__).resolve().parents[2]


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def from_run(dna: Path, run: Path) -> dict[int, str]:
    quotes = {}
    for line in (run / "statements.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            quotes[row["statement_id"]] = row["quote"]
    out = {}
    with sqlite3.connect(f"file:{dna}?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT DATALONGTEXT.StatementId, DATALONGTEXT.Value FROM DATALONGTEXT "
                                  "INNER JOIN VARIABLES ON VARIABLES.ID = DATALONGTEXT.VariableId "
                                  "WHERE VARIABLES.Variable = 'note' AND VARIABLES.StatementTypeId = 1")
        for statement_id, note in rows:
            found = re.search(r"statement: (.*?), model: ", note or "")
            if found and found.group(1) in quotes:
                out[statement_id] = panel_text(quotes[found.group(1)])
    return out


def from_port_aldern(coders: str) -> dict[int, str]:
    spec = importlib.util.spec_from_file_location("port_aldern_dna", ROOT / "scripts" / "port_aldern_dna.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    corpus = module.build(module.DOMAIN, set(coders.split(",")), None, {})
    return {s.statement_id: panel_text(s.text) for s in corpus.statements}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dna", type=Path)
    ap.add_argument("out", type=Path)
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--run", type=Path)
    source.add_argument("--port-aldern", action="store_true")
    ap.add_argument("--coders", default="coder_a,coder_b")
    args = ap.parse_args(argv)
    quotes = from_run(args.dna, args.run) if args.run else from_port_aldern(args.coders)
    args.out.write_text("".join(f"{k}\t{escape(v)}\n" for k, v in sorted(quotes.items())), encoding="utf-8")
    print(f"{args.out}: {len(quotes)} expected quotes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
