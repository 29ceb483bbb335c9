#!/usr/bin/env python
"""A learning curve for the review loop: how much a reviewer's corrections teach the stance model a
domain it was not trained on.

    python scripts/learning_curve.py --dna port_aldern.dna [--holdout 0.4] [--sizes 0,50,100,200]
        [--seeds 13,14,15] [--epochs 3] [--model DIR] [--json FILE]

The DNA file's documents are split in two (``--holdout``, by document, seed 13: the split of
``stance train --dna FILE --dna-holdout``).  Statements of the training side stand for
corrections: for each seed they are shuffled once and the first n are the n corrections (so a
larger n holds every smaller one).  For each n the shipped model is tuned on them exactly as
``stance train --init MODEL --corrections FILE`` does (the corrections at weight 1 beside the
project's own training data, which keeps the model from forgetting the rest, epochs chosen on
the project's dev split), then scored on the held-out side's coded spans.  n = 0 is the model as
shipped; the last row, the "ceiling", is tuned on every statement of the training side.

Prints per n: F_avg and macro-F1 on the held-out statements (mean and spread over seeds), the
recall of "against", and the project's dev macro-F1 (forgetting shows there).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from stance.dna import read_dna
from stance.dna.pairs import concept_issues, dna_pairs, split_by_document
from stance.modelling.folders import model_dir
from stance.stance_model.config import StanceConfig
from stance.stance_model.model import StanceClassifier
from stance.stance_model.training import train_model

ROOT = Path(__file__).resolve().parents[1]


def tuned(pool, model: Path, epochs: int, seed: int) -> tuple[StanceClassifier, dict]:
    """The model tuned on ``pool`` as `stance train --init model --corrections` does; its metrics."""
    saved = StanceConfig.load(model)
    config = dataclasses.replace(saved, epochs=epochs, seed=seed, temperature=1.0, sources={})
    with tempfile.TemporaryDirectory() as out:
        metrics = train_model(ROOT / "data" / "annotated", out, config, init=model, progress=False,
                              more={"corrections": (pool, 1.0)}, epoch_size=max(200, 4 * len(pool)))
        return StanceClassifier.load(out), metrics


def figures(model, held) -> dict[str, float]:
    m = model.evaluate(held)
    labels = list(model.config.labels)
    row = m["confusion"][labels.index("against")]
    return {"f_avg": m["f_avg"], "macro_f1": m["macro_f1"],
            "against_recall": row[labels.index("against")] / sum(row) if sum(row) else 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dna", required=True)
    ap.add_argument("--holdout", type=float, default=0.4)
    ap.add_argument("--sizes", default="0,50,100,200")
    ap.add_argument("--seeds", default="13,14,15")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--model", default=None, help="the model to tune (default: the shipped one)")
    ap.add_argument("--json", help="write every run's figures here")
    args = ap.parse_args(argv)
    corpus = read_dna(args.dna)
    mapped = concept_issues(s.concept for s in corpus.statements)
    pool, held = split_by_document(dna_pairs(corpus, mapped), args.holdout, 13)
    sizes = [int(n) for n in args.sizes.split(",")]
    seeds = [int(s) for s in args.seeds.split(",")]
    if max(sizes) > len(pool):
        print(f"--sizes: at most {len(pool)} statements on the training side, asked for {max(sizes)}", file=sys.stderr)
        return 2
    base = model_dir(args.model)
    print(f"{args.dna}: {len(pool)} statements to draw corrections from, {len(held)} held out "
          f"({len({p.group for p in held})} documents); {len(mapped)} concepts")
    untuned = StanceClassifier.load(base)
    runs: list[dict] = []
    start = time.time()
    for n in [*sizes, len(pool)]:
        for seed in seeds if n else seeds[:1]:
            order = random.Random(seed).sample(pool, len(pool))
            if n == 0:
                row = {**figures(untuned, held), "project_dev_macro_f1": untuned.evaluate(
                    _project_dev())["macro_f1"]}
            else:
                model, metrics = tuned(order[:n], base, args.epochs, seed)
                row = {**figures(model, held), "project_dev_macro_f1": metrics["eval"]["project_dev"]["macro_f1"]}
            row.update(n=n, seed=seed, ceiling=n == len(pool))
            runs.append(row)
            print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
            if n == len(pool):
                break  # the ceiling: every statement, one seed's order is as good as another's
    print(f"\n{'corrections':>12} {'F_avg':>13} {'macro-F1':>13} {'against R':>10} {'project dev':>12}  runs")
    for n in sorted({r["n"] for r in runs}):
        rows = [r for r in runs if r["n"] == n]
        name = f"{n} (ceiling)" if rows[0]["ceiling"] else str(n)

        print(f"{name:>12} {_cell(rows, 'f_avg'):>13} {_cell(rows, 'macro_f1'):>13} "
              f"{_cell(rows, 'against_recall'):>10} {_cell(rows, 'project_dev_macro_f1'):>12}  {len(rows)}")
    print(f"({time.time() - start:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


def _cell(rows: list[dict], key: str) -> str:
    """Mean (and spread over seeds) of a figure, in percent."""
    values = [100 * r[key] for r in rows]
    spread = f"±{statistics.stdev(values):.1f}" if len(values) > 1 else ""
    return f"{statistics.mean(values):.1f}{spread}"


def _project_dev():
    from stance.stance_model.training import project_splits

    return project_splits(ROOT / "data" / "annotated")["dev"]


if __name__ == "__main__":
    sys.exit(main())
