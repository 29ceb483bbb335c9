"""Stance metrics as a plain ``dict`` (no files written)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from stance.records import STANCES
from stance.stance_model.calibration import expected_calibration_error


def stance_metrics(gold: Sequence[str], predicted: Sequence[str], *, probs: np.ndarray | None = None,
                   labels: Sequence[str] = STANCES, targets: Sequence[str] | None = None) -> dict:
    """Macro-F1 over favor/against/neutral (the classes that occur in gold or
    predictions, as scikit-learn counts them), F_avg (mean F1 of favor and
    against, the SemEval-2016 measure), accuracy, per-class F1, the confusion
    matrix (rows gold, columns predicted, in ``labels`` order), per-target
    macro-F1 when ``targets`` are given, and ECE when ``probs`` are."""
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

    if len(gold) != len(predicted):
        raise ValueError(f"expected as many predictions as gold labels, found {len(predicted)} and {len(gold)}")
    labels = list(labels)
    per_class = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    present = [i for i, label in enumerate(labels) if label in set(gold) | set(predicted)] or list(range(len(labels)))
    out: dict = {
        "n": len(gold),
        "accuracy": float(accuracy_score(gold, predicted)) if gold else 0.0,
        "macro_f1": float(np.mean(per_class[present])),
        "f_avg": float(np.mean([per_class[labels.index("favor")], per_class[labels.index("against")]])),
    }
    out.update({f"f1_{label}": float(f) for label, f in zip(labels, per_class)})
    out["confusion"] = confusion_matrix(gold, predicted, labels=labels).tolist()
    if targets is not None:
        by_target: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(targets):
            by_target[t].append(i)
        out["per_target"] = {t: float(np.mean(f1_score([gold[i] for i in idx], [predicted[i] for i in idx],
                                                        labels=labels, average=None, zero_division=0)))
                             for t, idx in sorted(by_target.items())}
    if probs is not None:
        gold_ids = np.array([labels.index(g) for g in gold])
        out["ece"] = expected_calibration_error(np.asarray(probs), gold_ids)
    return out
