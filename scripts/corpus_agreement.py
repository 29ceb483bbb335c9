#!/usr/bin/env python
"""The stance corpus' second, independent labelling pass and the agreement with the first.

    python scripts/corpus_agreement.py sample [--fraction 0.1] [--seed 0] --out blind.jsonl
    python scripts/corpus_agreement.py score [--second data/stance_corpus/second_pass.jsonl]

``sample`` draws a random share of the corpus' statements and writes them blind
(``id``, ``target``, ``text``, ``speaker``: no label, no kind) for a second coder.
``score`` reads the second coder's file (the same rows with a ``label``) and
prints Cohen's kappa and raw agreement against the corpus labels, overall, by
kind and by label, then every disagreement (to be rewritten or relabelled).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "stance_corpus" / "raw"
SECOND = ROOT / "data" / "stance_corpus" / "second_pass.jsonl"


def row_id(target_id: str, text: str) -> str:
    """A statement's stable id: its target and a hash of its words."""
    return f"{target_id}#{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def corpus() -> dict:
    from stance.stance_model.corpus import read_corpus

    return {row_id(r.target_id, r.text): r for r in read_corpus(CORPUS)}


def sample(fraction: float, seed: int, out: Path) -> int:
    rows = corpus()
    chosen = sorted(random.Random(seed).sample(sorted(rows), round(fraction * len(rows))))
    with out.open("w", encoding="utf-8") as handle:
        for key in chosen:
            r = rows[key]
            handle.write(json.dumps({"id": key, "target": r.target, "text": r.text, "speaker": r.speaker},
                                    ensure_ascii=False) + "\n")
    print(f"{len(chosen)} of {len(rows)} statements written blind to {out}")
    return 0


def score(second: Path) -> int:
    from sklearn.metrics import cohen_kappa_score

    rows = corpus()
    pairs = []
    missing = 0
    for line in second.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        if data["id"] not in rows:
            missing += 1
            continue
        pairs.append((rows[data["id"]], data["label"]))
    if missing:
        print(f"{missing} second-pass rows name statements no longer in the corpus (rewritten since); left out")
    first = [r.label for r, _ in pairs]
    other = [label for _, label in pairs]
    agree = sum(a == b for a, b in zip(first, other, strict=True))
    print(f"statements: {len(pairs)}; agreement {100 * agree / len(pairs):.1f}%; "
          f"Cohen's kappa {cohen_kappa_score(first, other):.3f}")
    by_kind: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r, label in pairs:
        by_kind[r.kind].append((r.label, label))
    print("\n| kind | statements | agreement | kappa |\n|---|---|---|---|")
    for kind, labels in sorted(by_kind.items()):
        a, b = zip(*labels, strict=True)
        kappa = cohen_kappa_score(a, b) if len(set(a) | set(b)) > 1 else float("nan")
        print(f"| {kind} | {len(labels)} | {100 * sum(x == y for x, y in labels) / len(labels):.0f}% | {kappa:.2f} |")
    print("\ndisagreements (corpus label -> second pass):")
    for r, label in pairs:
        if r.label != label:
            print(f"- {row_id(r.target_id, r.text)} [{r.kind}] {r.label} -> {label}: {r.text}  || {r.target}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--fraction", type=float, default=0.1)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("score")
    c.add_argument("--second", type=Path, default=SECOND)
    args = parser.parse_args(argv)
    return sample(args.fraction, args.seed, args.out) if args.command == "sample" else score(args.second)


if __name__ == "__main__":
    sys.exit(main())
