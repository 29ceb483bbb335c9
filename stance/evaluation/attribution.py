"""Span-level scores for attribution (source, cue, content), the measures the
published tools report: exact match and overlap match, precision, recall, F1.
Returns plain dicts and writes no files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from itertools import permutations

from stance.attribution.polnear import ROLES, AnnotatedDoc
from stance.records import Span

_TRIM = " \t\r\n\xa0,.;:!?—–-“”\"‘’'()[]"


def _trimmed(span: Span) -> tuple[int, int]:
    start, text = span.start, span.text
    lo, hi = 0, len(text)
    while lo < hi and text[lo] in _TRIM:
        lo += 1
    while hi > lo and text[hi - 1] in _TRIM:
        hi -= 1
    return start + lo, start + hi


def _matches(gold: list[tuple[int, int]], predicted: list[tuple[int, int]], exact: bool) -> int:
    """One-to-one matches: exact (same trimmed offsets) or overlap (at least one
    shared character).  Overlap pairs gold and predicted spans so that as many as
    possible are matched (an assignment, larger overlaps preferred among equals),
    so every exact match can also count as an overlap match."""
    if exact:
        remaining = list(gold)
        hits = 0
        for p in predicted:
            if p in remaining:
                remaining.remove(p)
                hits += 1
        return hits
    if not gold or not predicted:
        return 0
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    shared = np.array([[max(0, min(g[1], p[1]) - max(g[0], p[0])) for p in predicted] for g in gold], dtype=float)
    longest = max(1.0, float(shared.max()))
    weight = np.where(shared > 0, 1.0 + shared / (longest * (len(gold) + len(predicted) + 1)), 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return int(sum(1 for r, c in zip(rows, cols) if shared[r, c] > 0))


def _prf(hits: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = hits / n_pred if n_pred else 0.0
    r = hits / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def span_scores(docs: Sequence[AnnotatedDoc],
                predicted: Mapping[str, Mapping[str, Sequence[Span]]]) -> dict[str, float]:
    """``{role}_{exact|overlap}_{p|r|f1}`` for each role, micro-averaged over
    documents. ``predicted`` maps a doc id to ``{"source": [...], "cue": [...],
    "content": [...]}``; spans are compared after trimming surrounding spaces,
    punctuation and quotation marks."""
    out: dict[str, float] = {}
    for role in ROLES:
        for exact in (True, False):
            hits = n_pred = n_gold = 0
            for doc in docs:
                gold = [_trimmed(s) for s in doc.spans(role)]
                pred = [_trimmed(s) for s in predicted.get(doc.doc_id, {}).get(role, [])]
                hits += _matches(gold, pred, exact)
                n_pred, n_gold = n_pred + len(pred), n_gold + len(gold)
            p, r, f = _prf(hits, n_pred, n_gold)
            name = f"{role}_{'exact' if exact else 'overlap'}"
            out.update({f"{name}_p": p, f"{name}_r": r, f"{name}_f1": f})
    return out


def agreement(versions: Mapping[str, Sequence[AnnotatedDoc]]) -> dict[str, float]:
    """How far annotators agree with each other, in :func:`span_scores`' measures:
    every ordered pair of two versions of one article scored as prediction and
    gold, micro-averaged (so precision equals recall), over the articles with
    at least two versions; ``pairs`` counts the ordered pairs.  The ceiling a
    tagger scored against one annotator can be expected to reach."""
    gold, predicted = [], {}
    for doc_id, docs in versions.items():
        for (i, first), (j, second) in permutations(enumerate(docs), 2):
            pair = f"{doc_id}#{i}-{j}"
            gold.append(replace(second, doc_id=pair))
            predicted[pair] = {role: first.spans(role) for role in ROLES}
    return {**span_scores(gold, predicted), "pairs": float(len(gold))}


def statement_spans(statements) -> dict[str, list[Span]]:
    """The rules' statements as role spans (speaker, cue, content), one each per utterance."""
    seen: set[tuple[int, int, int | None]] = set()
    out: dict[str, list[Span]] = {"source": [], "cue": [], "content": []}
    for st in statements:
        key = (st.text.start, st.text.end, st.cue.start if st.cue else None)
        if key in seen:  # one utterance with two speakers ("X and Y said") counts once
            continue
        seen.add(key)
        out["content"].append(st.text)
        if st.speaker is not None:
            out["source"].append(st.speaker)
        if st.cue is not None:
            out["cue"].append(st.cue)
    return out


def attribution_spans(attributions) -> dict[str, list[Span]]:
    """``stance extract``'s attributions as role spans (source, cue, content), each distinct span once
    (one source of two cues, ``X said ... and added ...``, is one source span)."""
    out: dict[str, list[Span]] = {"source": [], "cue": [], "content": []}
    for a in attributions:
        for role, spans in out.items():
            span = getattr(a, role)
            if span is not None and span not in spans:
                spans.append(span)
    return out


def combine_spans(first: Mapping[str, Sequence[Span]], second: Mapping[str, Sequence[Span]]) -> dict[str, list[Span]]:
    """``first``'s spans, plus ``second``'s where they overlap none of ``first``'s (per role)."""
    out = {}
    for role in ROLES:
        kept = list(first.get(role, []))
        for span in second.get(role, []):
            if not any(min(span.end, k.end) > max(span.start, k.start) for k in kept):
                kept.append(span)
        out[role] = sorted(kept, key=lambda s: s.start)
    return out
