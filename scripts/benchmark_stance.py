#!/usr/bin/env python
"""Benchmark stance models against a TF-IDF + logistic-regression baseline trained
on the same data in the same run, on the project's test split and on the public
sets' dev splits, beside the published figures.

    python scripts/benchmark_stance.py --models default=stance/models/stance-minilm[,other=DIR...]
        [--sets project,semeval2016,pstance,vast,covid19_stance] [--limit N] [--json out.json]

Each row scores one evaluation split with the measure its published figure uses
(from ../shared/data/README.md):

* project test, VAST dev: macro-F1 over favor/against/neutral;
* SemEval-2016 trial, COVID-19-Stance val: F_avg, the mean F1 of favor and against
  (neutral still counts as a wrong answer when it is one);
* P-Stance val: F_avg on the favor/against rows with the answer restricted to
  favor/against (P-Stance as published is a two-class task; the raw files add NONE rows).

A column per model (several models give the zero-shot picture: a model trained
only on the project's data scored on the public sets, a model trained only on
public data scored on the project's test split); then the baseline, trained on
each set's own training split.  A second table gives, for the first model,
macro-F1, F_avg, ECE and per-target figures.  Public sets are read from
../shared/data and skipped when absent.  Writes nothing unless --json is given.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

from stance.stance_model.data import Pair
from stance.stance_model.metrics import stance_metrics
from stance.stance_model.public import load_public
from stance.stance_model.training import project_splits

LABELS = ("favor", "against", "neutral")
PUBLISHED = {
    "project": "-",
    "semeval2016": "67.8 (best SemEval system), 68.0 (RoBERTa-base)",
    "pstance": "80.5 (BERTweet)",
    "vast": "~66 (BERT-joint), 72.3 (JointCL)",
    "vast_unseen": "-",
    "covid19_stance": "~82-84",
    "corpus": "-",
}
TITLES = {
    "project": ("project test", "macro-F1"),
    "semeval2016": ("SemEval-2016 trial", "F_avg"),
    "pstance": ("P-Stance val (favor/against rows)", "F_avg"),
    "vast": ("VAST dev", "macro-F1"),
    "vast_unseen": ("VAST dev, unseen targets", "macro-F1"),
    "covid19_stance": ("COVID-19-Stance val", "F_avg"),
    "corpus": ("stance corpus test, unseen targets (with twins)", "macro-F1"),
}
PROBES = [
    ("\"Keeping workers on poverty wages has failed this city for a decade,\" the mayor said.",
     "The city should raise the minimum wage to $15.", "favor"),
    ("\"Slashing taxes on the wealthy hasn't worked,\" Clinton said.",
     "The government should raise taxes on the wealthy.", "favor"),
    ("\"I am a strong supporter of publicly financed campaigns,\" the donor told reporters.",
     "Public financing of election campaigns should be expanded.", "favor"),
    ("Trump promised again to build a great wall.", "A wall should be built.", "favor"),
    ("The wall was a waste of money.", "A wall should be built.", "against"),
    ("\"It would be a terrible mistake to abandon the Paris agreement,\" she said.",
     "The country should stay in the Paris agreement.", "favor"),
]
"""Sentences a tone-reading model gets wrong (written for issue 15), with the label a reader gives."""


def baseline_probs(train: list[Pair], test: list[Pair]) -> np.ndarray:
    """TF-IDF (word 1-2 grams of the text, plus target words) + logistic regression."""
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
    out = np.zeros((len(test), len(LABELS)))
    for j, label in enumerate(LABELS):
        if label in classes:
            out[:, j] = probs[:, classes.index(label)]
    return out


def score(name: str, test: list[Pair], probs: np.ndarray) -> dict:
    """Metrics for one split under its published protocol; ``headline`` is the
    figure that sits beside the published one."""
    probs = np.asarray(probs, dtype=float)
    if name == "pstance":  # two-class task: answer favor or against
        probs = probs.copy()
        probs[:, LABELS.index("neutral")] = 0.0
        probs /= np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
    predicted = [LABELS[i] for i in probs.argmax(1)]
    m = stance_metrics([p.label for p in test], predicted, probs=probs, labels=LABELS,
                       targets=[p.issue or p.target for p in test])
    m["headline"] = m["macro_f1"] if TITLES[name][1] == "macro-F1" else m["f_avg"]
    if name in ("semeval2016", "covid19_stance", "pstance"):  # per-target F_avg, the published breakdown
        m["per_target_f_avg"] = metric_by(test, predicted, lambda p: p.issue or p.target, "f_avg")
    return m


def metric_by(test: list[Pair], predicted: list[str], key, measure: str) -> dict[str, float]:
    """``measure`` of :func:`stance_metrics` for each group of pairs with the same ``key(pair)``, by key."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(test):
        groups.setdefault(key(p), []).append(i)
    return {k: stance_metrics([test[i].label for i in idx], [predicted[i] for i in idx])[measure]
            for k, idx in sorted(groups.items())}


def datasets(names: list[str], data_dir: Path, public_root: Path, limit: int | None, seed: int):
    """(row name, training pairs for the baseline, evaluation pairs) per set."""
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
        if name == "pstance":
            dev = [p for p in dev if p.label != "neutral"]
            train = [p for p in train if p.label != "neutral"]
        if limit and len(dev) > limit:
            dev = rng.sample(dev, limit)
        yield name, train, dev
        if name == "vast":  # zero-shot proper: dev targets that never occur in training
            yield "vast_unseen", train, [p for p in dev if p.group == "unseen"]


def corpus_set(folder: Path):
    """(row name, the corpus' train pairs for the baseline, its test pairs: unseen targets with twins)."""
    from stance.stance_model.corpus import corpus_splits

    parts = corpus_splits(folder)
    return "corpus", parts["train"], parts["test"]


def by_kind(test: list[Pair], predicted: list[str]) -> dict[str, float]:
    """Macro-F1 per kind of the corpus' test pairs."""
    return metric_by(test, predicted, lambda p: p.kind, "macro_f1")


TWIN_SUFFIX = "+twin"
"""A model path ending in it is read with ``twin_reading`` on (each pair also against its negated target)."""


def load_model(path: str):
    """The model at ``path``; ``DIR+twin`` loads DIR with ``config.twin_reading`` set."""
    from stance.stance_model.model import StanceClassifier

    twin = path.endswith(TWIN_SUFFIX)
    model = StanceClassifier.load(path[:-len(TWIN_SUFFIX)] if twin else path)
    model.config.twin_reading = twin or model.config.twin_reading
    return model


def parse_models(spec: str) -> dict[str, str]:
    out = {}
    for item in spec.split(","):
        name, _, path = item.partition("=")
        out[name.strip() if path else Path(name).name] = (path or name).strip()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", "--model", default="default=stance/models/stance-minilm",
                        help="NAME=DIR pairs, comma-separated; the first is described in detail; DIR+twin reads "
                             "DIR's model with twin_reading on")
    parser.add_argument("--sets", default="project,semeval2016,pstance,vast,covid19_stance")
    parser.add_argument("--data", default="data/annotated")
    parser.add_argument("--public-root", default="../shared/data")
    parser.add_argument("--limit", type=int, default=None, help="evaluate on at most this many pairs per set")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", default="data/stance_corpus/raw",
                        help="the stance corpus (its unseen-target test split, by kind and twin consistency); "
                             "'none' leaves it out")
    parser.add_argument("--json", help="also write every figure here")
    parser.add_argument("--write-card", action="store_true",
                        help="also keep the tables beside the first model (benchmark.json, dated) and re-render its "
                             "card (README.md) with them")
    args = parser.parse_args(argv)

    models = {name: load_model(path) for name, path in parse_models(args.models).items()}
    results: dict = {}
    started = time.time()
    for name, train, test in datasets(args.sets.split(","), Path(args.data), Path(args.public_root), args.limit,
                                      args.seed):
        texts, targets = [p.text for p in test], [p.target for p in test]
        row = {m: score(name, test, model.predict_proba(texts, targets)) for m, model in models.items()}
        row["tfidf_lr"] = score(name, test, baseline_probs(train, test))
        results[name] = {"n": len(test), "scores": row}
    extra: list[str] = []
    if args.corpus != "none" and Path(args.corpus).is_dir():
        from stance.stance_model.corpus import twin_consistency

        name, train, test = corpus_set(Path(args.corpus))
        probs = {m: model.predict_proba([p.text for p in test], [p.target for p in test])
                 for m, model in models.items()}
        probs["tfidf_lr"] = baseline_probs(train, test)
        results[name] = {"n": len(test), "scores": {m: score(name, test, pr) for m, pr in probs.items()}}
        predicted = {m: [LABELS[i] for i in np.asarray(pr).argmax(1)] for m, pr in probs.items()}
        kinds = {m: by_kind(test, labels) for m, labels in predicted.items()}
        names = [*models, "tfidf_lr"]
        extra += ["", "Stance corpus test (unseen targets), macro-F1 by kind, and twin consistency (the share of "
                  "statements right on both the target and its negated twin):", "",
                  "| kind | pairs | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
        counts = {k: sum(p.kind == k for p in test) for k in kinds[names[0]]}
        for kind in kinds[names[0]]:
            extra.append(f"| {kind} | {counts[kind]} | " + " | ".join(f"{100 * kinds[m][kind]:.1f}" for m in names)
                         + " |")
        extra.append(f"| **twin consistency** | {len(test) // 2} statements | "
                     + " | ".join(f"{100 * twin_consistency(test, predicted[m]):.1f}%" for m in names) + " |")
    extra += ["", "The sentences of issue 15 (a tone-reader's failures):", "",
              "| statement | target | reader | " + " | ".join(models) + " |", "|---|---|---|" + "---|" * len(models)]
    for text, target, gold in PROBES:
        cells = []
        for model in models.values():
            s = model.predict([text], [target])[0]
            cells.append(f"{s.stance} {s.confidence:.2f}")
        extra.append(f"| {text} | {target} | {gold} | " + " | ".join(cells) + " |")

    lines = tables(results, [*models, "tfidf_lr"]) + extra
    header = (f"models: {', '.join(f'{m}={p}' for m, p in parse_models(args.models).items())}"
              f" ({time.time() - started:.0f} s)")
    print(header + "\n\n" + "\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    if args.write_card:
        import datetime as dt

        from stance.stance_model.card import BENCHMARK_NAME, folder_card

        folder = Path(next(iter(parse_models(args.models).values())).removesuffix(TWIN_SUFFIX))
        command = "python scripts/benchmark_stance.py " + " ".join(sys.argv[1:] if argv is None else argv)
        record = {"date": dt.date.today().isoformat(), "command": command.strip(), "table": lines}
        (folder / BENCHMARK_NAME).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        (folder / "README.md").write_text(folder_card(folder), encoding="utf-8")
    return 0


def tables(results: dict, names: list[str]) -> list[str]:
    """The headline table (one column per model, then the baseline) and the first model's details."""
    lines = ["| set (eval split) | measure | pairs | " + " | ".join(names) + " | published |",
             "|---|---|---|" + "---|" * len(names) + "---|"]
    for name, r in results.items():
        title, measure = TITLES[name]
        cells = " | ".join(f"{100 * r['scores'][m]['headline']:.1f}" for m in names)
        lines.append(f"| {title} | {measure} | {r['n']} | {cells} | {PUBLISHED[name]} |")
    first = names[0]
    lines += ["", f"Details for `{first}`:", "",
              "| set | macro-F1 | F_avg | F1 favor / against / neutral | ECE | per target |",
              "|---|---|---|---|---|---|"]
    for name, r in results.items():
        m = r["scores"][first]
        per_target = m.get("per_target_f_avg") or m.get("per_target") or {}
        shown = (", ".join(f"{t[:24]} {100 * v:.0f}" for t, v in per_target.items()) if len(per_target) <= 6
                 else f"{len(per_target)} targets")
        lines.append(f"| {TITLES[name][0]} | {100 * m['macro_f1']:.1f} | {100 * m['f_avg']:.1f} | "
                     f"{100 * m['f1_favor']:.0f} / {100 * m['f1_against']:.0f} / {100 * m['f1_neutral']:.0f} | "
                     f"{m['ece']:.3f} | {shown} |")
    return lines


if __name__ == "__main__":
    sys.exit(main())
