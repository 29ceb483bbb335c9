#!/usr/bin/env python
"""Calibrate the two thresholds of issue detection by meaning on the project's stance corpus.

    python scripts/calibrate_issue_threshold.py [--corpus data/stance_corpus/raw] [--precision 0.9]

The corpus (data/stance_corpus/README.md) holds invented statements, each written about one
target of one of 35 policy domains. A statement is *about* its own target and *not about* the
targets of the other domains; statements of kind ``other_target`` (written about a neighbouring
target of the same domain) and the other targets of a statement's own domain are left out, since
they are neither clearly about it nor clearly not. Similarity: the cosine of the base model's
sentence vectors (``stance.issue_detection.encoder``) of the statement's text and of the target.

- ``MEANING_THRESHOLD``: the threshold of highest F1 on the dev targets (or, with ``--precision
  P``, the lowest threshold whose precision reaches P), with precision, recall and F1 on the test
  targets at the same threshold.
- ``CONTEXT_THRESHOLD``: the same with the negatives weighted to the positives' total, as when
  context proposes one issue that is as likely right as wrong.
- ``MEANING_MARGIN``: how far ahead of the other issues of a registry a statement's best issue must be,
  with the threshold above. A registry covers one domain, and its issues share words; so here the
  registry is the six targets of a statement's own domain (all splits), a statement of a dev target is
  about that target, one of kind ``other_target`` about none of the six, and the margin of highest F1
  on the dev targets is chosen (test targets: the same at that margin).

The figures go into the docstrings of ``stance/issue_detection/config.py``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
GRID = np.round(np.arange(0.0, 0.80, 0.01), 2)
"""The thresholds tried."""
MARGINS = np.round(np.arange(0.0, 0.105, 0.01), 2)
"""The margins tried."""


def pairs(rows, split: dict[str, str], name: str, encoder) -> tuple[np.ndarray, np.ndarray]:
    """Similarities of the ``name`` split's statements to their own target (positives) and to the
    targets of that split's other domains (negatives)."""
    kept = [r for r in rows if split[r.target_id] == name]
    targets = sorted({r.target_id for r in kept})
    text = {r.target_id: r.target for r in kept}
    domain = {r.target_id: r.domain for r in kept}
    similarity = encoder.encode([r.text for r in kept]) @ encoder.encode([text[t] for t in targets]).T
    positive, negative = [], []
    for i, row in enumerate(kept):
        for j, target in enumerate(targets):
            if target == row.target_id and row.kind != "other_target":
                positive.append(similarity[i, j])
            elif domain[target] != row.domain:
                negative.append(similarity[i, j])
    return np.asarray(positive), np.asarray(negative)


def scores(positive: np.ndarray, negative: np.ndarray, threshold: float, balanced: bool = False) -> dict:
    """Precision, recall and F1 at ``threshold`` (``balanced``: negatives weighted to the positives' total)."""
    weight = len(positive) / len(negative) if balanced else 1.0
    tp = float((positive >= threshold).sum())
    fp = float((negative >= threshold).sum()) * weight
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(positive)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"threshold": threshold, "precision": precision, "recall": recall, "f1": f1,
            "false_positive_rate": float((negative >= threshold).mean())}


def choose(positive: np.ndarray, negative: np.ndarray, balanced: bool, precision: float | None) -> dict:
    """The threshold of highest F1, or the lowest whose precision reaches ``precision``."""
    rows = [scores(positive, negative, float(t), balanced) for t in GRID]
    if precision is not None:
        reached = [r for r in rows if r["precision"] >= precision]
        if not reached:
            raise SystemExit(f"no threshold reaches precision {precision}")
        return reached[0]
    return max(rows, key=lambda r: r["f1"])


def within_domain(rows, split: dict[str, str], name: str, encoder) -> tuple[list[str | None], np.ndarray]:
    """For the ``name`` split's statements: the target each is about (None for ``other_target``), and
    their similarities to the six targets of their domain (columns: the domain's targets, sorted)."""
    by_domain: dict[str, list[str]] = {}
    text = {}
    for r in rows:
        text[r.target_id] = r.target
        if r.target_id not in by_domain.setdefault(r.domain, []):
            by_domain[r.domain].append(r.target_id)
    kept = [r for r in rows if split[r.target_id] == name]
    vectors = encoder.encode([r.text for r in kept])
    width = max(len(v) for v in by_domain.values())
    similarity = np.full((len(kept), width), -1.0, dtype=np.float32)
    about: list[str | None] = []
    for i, row in enumerate(kept):
        targets = sorted(by_domain[row.domain])
        similarity[i, :len(targets)] = encoder.encode([text[t] for t in targets]) @ vectors[i]
        about.append(None if row.kind == "other_target" else str(targets.index(row.target_id)))
    return about, similarity


def margin_scores(about: list[str | None], similarity: np.ndarray, threshold: float, margin: float) -> dict:
    """Precision, recall and F1 of the rule: best issue at or above ``threshold`` and ``margin`` ahead."""
    tp = fp = fn = 0
    for gold, row in zip(about, similarity, strict=True):
        order = np.argsort(-row)
        best, second = int(order[0]), float(row[order[1]])
        hit = str(best) if row[best] >= threshold and row[best] >= second + margin else None
        tp += hit is not None and hit == gold
        fp += hit is not None and hit != gold
        fn += gold is not None and hit != gold
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"margin": margin, "precision": precision, "recall": recall, "f1": f1}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default=str(ROOT / "data" / "stance_corpus" / "raw"))
    parser.add_argument("--precision", type=float, default=None,
                        help="choose the lowest threshold with this precision instead of the highest F1")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    import torch

    torch.set_num_threads(args.threads)
    from stance.issue_detection.encoder import load_encoder
    from stance.stance_model.corpus import read_corpus, target_splits

    rows = read_corpus(args.corpus)
    split = target_splits(rows)
    encoder = load_encoder()
    dev, test = pairs(rows, split, "dev", encoder), pairs(rows, split, "test", encoder)
    print(f"dev: {len(dev[0]):,} statements about their target, {len(dev[1]):,} pairs with other domains' targets; "
          f"test: {len(test[0]):,} and {len(test[1]):,}\n")
    print("| threshold | for | chosen on dev: P / R / F1 | test at the same threshold: P / R / F1 | "
          "other domains passing (test) |")
    print("|---|---|---|---|---|")
    for name, balanced in (("MEANING_THRESHOLD", False), ("CONTEXT_THRESHOLD", True)):
        best = choose(*dev, balanced, args.precision if not balanced else None)
        held = scores(*test, best["threshold"], balanced)
        print(f"| {best['threshold']:.2f} | {name}{' (balanced prior)' if balanced else ''} | "
              f"{best['precision']:.2f} / {best['recall']:.2f} / {best['f1']:.2f} | "
              f"{held['precision']:.2f} / {held['recall']:.2f} / {held['f1']:.2f} | "
              f"{100 * held['false_positive_rate']:.1f}% |")
        if not balanced:
            meaning = best["threshold"]
    dev_within, test_within = within_domain(rows, split, "dev", encoder), within_domain(rows, split, "test", encoder)
    margins = [margin_scores(*dev_within, meaning, float(m)) for m in MARGINS]
    best = max(margins, key=lambda r: r["f1"])
    held = margin_scores(*test_within, meaning, best["margin"])
    print(f"| {best['margin']:.2f} | MEANING_MARGIN (registry: the domain's six targets, at {meaning:.2f}) | "
          f"{best['precision']:.2f} / {best['recall']:.2f} / {best['f1']:.2f} | "
          f"{held['precision']:.2f} / {held['recall']:.2f} / {held['f1']:.2f} | - |")
    print("\nThe margins on dev (within the domain): margin, precision, recall, F1")
    for r in margins:
        print(f"  {r['margin']:.2f}  {r['precision']:.2f}  {r['recall']:.2f}  {r['f1']:.2f}")
    print("\nThe sweep on dev (unweighted): threshold, precision, recall, F1")
    for t in GRID[10:60:5]:
        r = scores(*dev, float(t))
        print(f"  {t:.2f}  {r['precision']:.2f}  {r['recall']:.2f}  {r['f1']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
