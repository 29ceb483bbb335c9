"""Scores of what `stance track` finds against positions a reader coded by hand:
(document, actor, issue, stance) tuples, favor/against only, each once per
document.  Plain dicts, no files written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from stance.records import StancePrediction

Tuple = tuple[str, str, str, str]


def predicted_tuples(predictions: Iterable[StancePrediction]) -> set[Tuple]:
    """(doc, actor, issue, stance) for every favor/against prediction, once per
    source document (a statement merged across outlets counts in each)."""
    out: set[Tuple] = set()
    for p in predictions:
        if p.stance in ("favor", "against"):
            for doc in p.statement.all_sources:
                out.add((Path(doc).stem, p.statement.actor, p.issue, p.stance))
    return out


def gold_tuples(gold: Mapping[str, Sequence[Mapping]], *, include_hard: bool = True) -> set[Tuple]:
    """The hand-coded tuples: ``{doc: [{"actor", "issue", "stance", "hard"?}, ...]}``."""
    return {(doc, row["actor"], row["issue"], row["stance"]) for doc, rows in gold.items() for row in rows
            if include_hard or not row.get("hard")}


def tuple_scores(predicted: set[Tuple], gold: set[Tuple], speakers: set[tuple[str, str]] | None = None
                 ) -> dict[str, float]:
    """Precision, recall and F1 of predicted tuples against gold, and
    ``actor_recall``: the share of gold (doc, actor) pairs found as a speaker in
    that document (``speakers``: (doc, actor) of every statement, whatever its
    stance; by default those of the predicted tuples)."""
    hits = len(predicted & gold)
    p = hits / len(predicted) if predicted else 0.0
    r = hits / len(gold) if gold else 0.0
    wanted = {(d, a) for d, a, _, _ in gold}
    found = speakers if speakers is not None else {(d, a) for d, a, _, _ in predicted}
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0,
            "actor_recall": len(wanted & found) / len(wanted) if wanted else 0.0,
            "n_predicted": float(len(predicted)), "n_gold": float(len(gold))}


def statement_speakers(statements) -> set[tuple[str, str]]:
    """(doc, actor) of every statement, in each document that carries it."""
    return {(Path(doc).stem, st.actor) for st in statements for doc in st.all_sources}
