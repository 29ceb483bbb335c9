#!/usr/bin/env python
"""`stance track` on the five seed articles against the positions a careful
reader codes in them (tests/fixtures/seeds_gold.yaml): precision and recall of
(document, actor, issue, stance), with and without the tuples that need context
beyond the sentence, and which tuples were missed or extra.

    python scripts/benchmark_seeds.py [--seeds ../shared/seeds] [--model DIR] [--tagger DIR] [--first rules|tagger]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

from stance.evaluation.positions import gold_tuples, predicted_tuples, statement_speakers, tuple_scores

GOLD = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "seeds_gold.yaml"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", default="../shared/seeds")
    parser.add_argument("--model", default=None)
    parser.add_argument("--tagger", default="auto",
                        help="attribution tagger folder, auto (the shipped one if present) or none")
    parser.add_argument("--first", choices=("rules", "tagger"), default="rules",
                        help="which attributions win in a sentence where rules and tagger both find some")
    args = parser.parse_args(argv)

    from stance import Pipeline, load_corpus, load_predictor

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["seeds"]
    started = time.time()
    from stance.pipeline.local import load_tagger

    result = Pipeline(model=load_predictor(args.model), tagger=load_tagger(args.tagger),
                      first=args.first).run(load_corpus(args.seeds))
    seconds = time.time() - started
    predicted = predicted_tuples(result.predictions)
    for label, include_hard in (("all tuples", True), ("sentence-level tuples only", False)):
        s = tuple_scores(predicted, gold_tuples(gold, include_hard=include_hard),
                         statement_speakers(result.statements))
        print(f"{label}: precision {100 * s['precision']:.1f}, recall {100 * s['recall']:.1f}, "
              f"F1 {100 * s['f1']:.1f}, actors found {100 * s['actor_recall']:.1f}% "
              f"({int(s['n_predicted'])} predicted, {int(s['n_gold'])} gold)")
    everything = gold_tuples(gold)
    print(f"\n{len(result.statements)} statements, {len(result.predictions)} scored pairs in {seconds:.1f} s")
    print("\nmissed:\n" + "\n".join(f"  {t}" for t in sorted(everything - predicted)))
    print("extra:\n" + "\n".join(f"  {t}" for t in sorted(predicted - everything)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
