"""Corrections: how they are merged with those already kept, how they win over the model's labels,
and how they are read for training.

The rules, in one place for the store and for run folders:

- one correction is kept per (statement, issue, coder): re-importing a file adds nothing; a later
  decision by the same coder on the same label replaces the earlier one, an earlier one is ignored;
- different coders are kept apart, and for positions the latest correction of a label wins,
  whoever made it (on the same second, the coder id that sorts last);
- a corrected label becomes the coder's stance with confidence 1.0, one-hot scores, not abstained,
  and ``checked_by`` the coder; ``irrelevant`` (not about this issue) removes the label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from stance.errors import InputError
from stance.records import STANCES, Stance, StancePrediction
from stance.review.reading import check_review_file
from stance.review.record import IRRELEVANT, Correction
from stance.stance_model.data import Pair

SOURCE = "corrections"
"""The source name of corrections among training pairs."""


@dataclass(frozen=True)
class Merge:
    """The outcome of :func:`merge_corrections`: ``kept`` is every correction after the merge (the stored
    ones in their order, then the new ones); ``added`` the new labels-by-coder, ``replaced`` the new
    decisions that replace stored ones; ``unchanged`` counts incoming rows that repeat what was already
    kept, ``superseded`` incoming rows that lost to a later decision (stored, or later in the same input)."""

    kept: tuple[Correction, ...]
    added: tuple[Correction, ...] = ()
    replaced: tuple[Correction, ...] = ()
    unchanged: int = 0
    superseded: tuple[Correction, ...] = field(default=())


def merge_corrections(stored: Iterable[Correction], incoming: Iterable[Correction]) -> Merge:
    """``incoming`` merged into ``stored``, one correction per (statement, issue, coder).

    Incoming rows are taken in time order (rows of the same time in their order): a row equal in
    decision (stance and note) to the kept one changes nothing; a row at least as late replaces it;
    an earlier one is superseded.  For example, with ``favor`` by ``ak`` stored at 10:00 on label
    (s1, bases), incoming ``against`` by ``ak`` at 11:00 replaces it, incoming ``against`` by ``ak``
    at 09:00 is superseded, incoming ``favor`` by ``ak`` at 12:00 is unchanged (the 10:00 row stays),
    and incoming ``neutral`` by ``rb`` is added beside it.
    """
    before = {c.key: c for c in stored}
    kept = dict(before)
    unchanged = 0
    rows = sorted(enumerate(incoming), key=lambda item: (item[1].time, item[0]))
    for _, c in rows:
        current = kept.get(c.key)
        if current is not None and current.same_decision(c):
            unchanged += 1
        elif current is None or c.time >= current.time:
            kept[c.key] = c
    superseded = tuple(c for _, c in rows if kept[c.key] is not c and not kept[c.key].same_decision(c))
    added = tuple(c for k, c in kept.items() if k not in before)
    replaced = tuple(c for k, c in kept.items() if k in before and c is not before[k])
    return Merge(tuple(kept.values()), added, replaced, unchanged, superseded)


def latest_corrections(corrections: Iterable[Correction]) -> dict[tuple[str, str], Correction]:
    """Per label (statement id, issue) the correction that wins: the latest, whoever made it; on the
    same time, the coder id that sorts last (``rb`` over ``ak``)."""
    latest: dict[tuple[str, str], Correction] = {}
    for c in corrections:
        held = latest.get(c.label)
        if held is None or (c.time, c.coder) > (held.time, held.coder):
            latest[c.label] = c
    return latest


def corrected(p: StancePrediction, correction: Correction) -> StancePrediction:
    """``p`` as ``correction`` says: its stance, confidence 1.0, one-hot scores, not abstained, checked
    by its coder (``favor`` by ``ak``: scores favor 1.0, against 0.0, neutral 0.0, ``checked_by`` ak)."""
    scores = {s: float(s == correction.stance) for s in STANCES}
    return dataclasses.replace(p, stance=cast(Stance, correction.stance), confidence=1.0, scores=scores,
                               abstained=False, checked_by=correction.coder)


def apply_corrections(predictions: Sequence[StancePrediction],
                      corrections: Iterable[Correction]) -> list[StancePrediction]:
    """The predictions with every correction applied, in their order: a corrected label takes the
    latest correction's stance (:func:`corrected`), a label corrected as ``irrelevant`` is left out,
    the others stay as the model made them.  Corrections of labels not among ``predictions`` (another
    run's, another registry's) change nothing."""
    latest = latest_corrections(corrections)
    if not latest:
        return list(predictions)
    out = []
    for p in predictions:
        c = latest.get((p.statement.statement_id, p.issue))
        if c is None:
            out.append(p)
        elif c.stance != IRRELEVANT:
            out.append(corrected(p, c))
    return out


def read_corrections(path: str | Path) -> list[Correction]:
    """Every correction in a review file (the edited CSV, a Label Studio JSON export, or a run's
    ``corrections.jsonl``), with the statement's text and the issue's target the coder saw, for
    training; :class:`~stance.errors.InputError` listing every row that cannot be read.  No coder is
    required (training does not need one) and no store or run is consulted."""
    checked = check_review_file(path, require_coder=False)
    if checked.problems:
        raise InputError(path, f"{len(checked.problems)} rows cannot be read:\n" + "\n".join(checked.problems))
    return checked.corrections


def correction_pairs(path: str | Path) -> list[Pair]:
    """Training pairs from a review file: per label the winning correction (:func:`latest_corrections`),
    ``irrelevant`` ones left out (they say nothing of a stance), as (statement text, issue target,
    stance) with source ``corrections`` and the statement id as the group a split keeps together."""
    found = read_corrections(path)
    missing = [c for c in found if not c.text.strip() or not c.target.strip()]
    if missing:
        raise InputError(path, f"{len(missing)} corrections have no statement text or no issue target (the first: "
                               f"{missing[0].statement_id} on {missing[0].issue}); expected the text and target "
                               "columns (or task fields) that `stance review sample` writes: keep them")
    return [Pair(text=c.text, target=c.target, label=c.stance, issue=c.issue, source=SOURCE, group=c.statement_id)
            for c in latest_corrections(found).values() if c.stance != IRRELEVANT]
