#!/usr/bin/env python
"""Benchmark a stance model against a TF-IDF + logistic-regression baseline trained
on the same data in the same run, on the project's test split and on the public
sets' dev splits, beside the published figures.

    python scripts/benchmark_stance.py --model models/stance-minilm [--sets project,semeval2016,pstance,vast,covid19_stance]
        [--limit 800] [--json out.json]

Prints a Markdown table (macro-F1 over favor/against/neutral, F_avg = mean F1 of
favor and against, ECE).  Public sets are read from ../shared/data and skipped
when absent.  Writes nothing unless --json is given.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from stance.classifier.data import Pair
from stance.classifier.metrics import stance_metrics
from stance.classifier.public import load_public
from stance.classifier.training import project_splits

PUBLISHED = {
    "project": "-",
    "semeval2016": "F_avg 67.8 (best SemEval system), 68.0 (RoBERTa-base, TweetEval)",
    "pstance": "macro-F1 80.5 (BERTweet)",
    "vast": "macro-F1 about 66 (BERT-joint), 72.3 (JointCL)",
    "covid19_stance": "about 82-84",
}


def baseline(train: list[Pair], test: list[Pair]) -> dict:
    """TF-IDF (word 1-2 grams of text, plus target words) + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    def joined(pairs):
        return [f"{p.text} || " + " ".join(f"T_{w}" for w in p.target.lower().split()) for p in pairs]

    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
                          LogisticRegression(max_iter=2000, class_weight="balanced", C=4.0))
    model.fit(joined(train), [p.label for p in train])
    probs = model.predict_proba(joined(test))
    classes = list(model.classes_)
    order = [classes.index(c) for c in ("favor", "against", "neutral")]
    probs = probs[:, order]
    predicted = [("favor", "against", "neutral")[i] for i in probs.argmax(1)]
    return stance_metrics([p.label for p in test], predicted, probs=probs)


def datasets(names: list[str], data_dir: Path, public_root: Path, limit: int | None, seed: int):
    rng = random.Random(seed)
    for name in names:
        if name == "project":
            splits = project_splits(data_dir)
            yield name, splits["train"], splits["test"]
            continue
        try:
            train, dev = load_public(name, public_root, "train"), load_public(name, public_root, "dev")
        except Exception as exc:  # absent data: skip the row, say why
            print(f"skipping {name}: {exc}", file=sys.stderr)
            continue
        if limit and len(dev) > limit:
            dev = rng.sample(dev, limit)
        yield name, train, dev
        if name == "vast":  # zero-shot proper: dev targets that never occur in training
            yield "vast (unseen targets)", train, [p for p in dev if p.group == "unseen"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="models/stance-minilm")
    parser.add_argument("--sets", default="project,semeval2016,pstance,vast,covid19_stance")
    parser.add_argument("--data", default="data/annotated")
    parser.add_argument("--public-root", default="../shared/data")
    parser.add_argument("--limit", type=int, default=None, help="evaluate on at most this many dev pairs per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)

    from stance.pipeline import load_predictor

    model = load_predictor(args.model)
    rows, results = [], {}
    for name, train, test in datasets(args.sets.split(","), Path(args.data), Path(args.public_root), args.limit,
                                      args.seed):
        started = time.time()
        ours = model.evaluate(test)
        seconds = time.time() - started
        base = baseline(train, test)
        results[name] = {"model": ours, "baseline": base, "n": len(test), "seconds": round(seconds, 1)}
        rows.append(f"| {name} | {len(test)} | {100 * ours['macro_f1']:.1f} | {100 * ours['f_avg']:.1f} | "
                    f"{ours['ece']:.3f} | {100 * base['macro_f1']:.1f} | {100 * base['f_avg']:.1f} | "
                    f"{PUBLISHED.get(name, '-')} |")
    print(f"model: {args.model}\n")
    print("| set (eval split) | pairs | macro-F1 | F_avg | ECE | TF-IDF+LR macro-F1 | TF-IDF+LR F_avg | published |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
