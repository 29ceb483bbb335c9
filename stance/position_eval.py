"""Scores of what `stance track` finds against positions a reader coded by hand:
(document, actor, issue, stance) tuples, favor/against only, each once per
document.  Plain dicts, no files written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .records import StancePrediction

Tuple = tuple[str, str, str, str]


def predicted_tuples(predictions: Iterable[StancePrediction]) -> set[Tuple]:
    """(doc, actor, issue, stance) for every favor/against prediction, once per
    source document (a statement merged across outlets counts in each)."""
    out = set()
    for p in predictions:
        if p.stance in ("favor", "against"):
            for doc in p.statement.all_sources:
                out.add((Path(doc).stem, p.statement.actor, p.issue, p.stance))
    return out


def gold_tuples(gold: Mapping[str, Sequence[Mapping]], *, include_hard: bool = True) -> set[Tuple]:
    """The hand-coded tuples: ``{doc: [{"actor", "issue", "stance", "hard"?}, ...]}``."""
    return {(doc, row["actor"], row["issue"], row["stance"]) for doc, rows in gold.items() for row in rows
            if include_hard or not row.get("hard")}


def tuple_scores(predicted: set[Tuple], gold: set[Tuple]) -> dict[str, float]:
    """Precision, recall and F1 of predicted tuples against gold, and the share
    of gold (doc, actor) pairs whose actor is found in that document at all."""
    hits = len(predicted & gold)
    p = hits / len(predicted) if predicted else 0.0
    r = hits / len(gold) if gold else 0.0
    speakers = {(d, a) for d, a, _, _ in gold}
    found = {(d, a) for d, a, _, _ in predicted}
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "actor_recall": len(speakers & found) / len(speakers) if speakers else 0.0,
            "n_predicted": float(len(predicted)), "n_gold": float(len(gold))}
