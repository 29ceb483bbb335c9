#!/usr/bin/env python
"""One stance model's pairs read three ways from the same logits: once, with twin reading on every
target, and with twin reading on propositions only (what ``StanceConfig.twin_reading`` does), on the
project's test split, the public dev splits and the stance corpus' unseen-target test split (with twin
consistency).  Prints one line per set.

    python scripts/compare_twin_reading.py MODEL_DIR [--public-root ../shared/data]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchmark_stance import LABELS, corpus_set, datasets, score

from stance.stance_model.calibration import softmax
from stance.stance_model.corpus import twin_consistency
from stance.stance_model.model import StanceClassifier, twin_logits
from stance.stance_model.negation import is_proposition, negate_target


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model")
    parser.add_argument("--public-root", default="../shared/data")
    parser.add_argument("--data", default="data/annotated")
    parser.add_argument("--corpus", default="data/stance_corpus/raw")
    args = parser.parse_args(argv)
    model = StanceClassifier.load(args.model)
    sets = list(datasets(["project", "semeval2016", "pstance", "vast", "covid19_stance"], Path(args.data),
                         Path(args.public_root), None, 0))
    if Path(args.corpus).is_dir():
        sets.append(corpus_set(Path(args.corpus)))
    for name, _train, test in sets:
        texts, targets = [p.text for p in test], [p.target for p in test]
        once = model._logits(texts, targets)
        both = twin_logits(once, model._logits(texts, [negate_target(t) for t in targets]), model.config.labels)
        propositions = np.array([is_proposition(t) for t in targets])
        ways = {"once": once, "twin_every_target": both,
                "twin_propositions": np.where(propositions[:, None], both, once)}
        row = {}
        for way, logits in ways.items():
            probs = softmax(logits / model.config.temperature)
            row[way] = round(100 * score(name, test, probs)["headline"], 1)
            if name == "corpus":
                predicted = [LABELS[i] for i in probs.argmax(1)]
                row[f"{way}_twin_consistency"] = round(100 * twin_consistency(test, predicted), 1)
        row["propositions"] = f"{100 * propositions.mean():.1f}%"
        print(name, row, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
