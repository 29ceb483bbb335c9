"""The project's stance corpus: invented news-register statements on policy targets from many
domains, each target with its negated twin, split by target so that dev and test targets are unseen.

The corpus lives in ``data/stance_corpus/raw/*.jsonl``, one statement per line::

    {"target_id": "p1_wealth_tax", "domain": "taxation_public_finance",
     "target": "The government should raise taxes on the wealthy.",
     "negated": "The government should not raise taxes on the wealthy.",
     "kind": "criticise_opposite", "label": "favor",
     "text": "\\"Letting the richest pay less than nurses is a scandal,\\" the senator said.",
     "speaker": "the senator"}

See ``data/stance_corpus/README.md`` and ``data/annotated/GUIDELINES.md`` for the kinds and labels.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.errors import InputError
from stance.stance_model.data import Pair, normalise_label
from stance.stance_model.negation import NEGATED_SUFFIX, negated_pair

KINDS = ("plain", "criticise_opposite", "praise_opposite", "reject_criticism", "negation", "hedged",
         "negative_phrasing", "critic_in_frame", "question", "other_target", "reported")
"""What each statement exercises (``data/annotated/GUIDELINES.md``, rules 16-26)."""
FIELDS = ("target_id", "domain", "target", "negated", "kind", "label", "text", "speaker")
SPLITS = ("train", "dev", "test")
HELD_OUT_PER_DOMAIN = 1
"""Targets of each domain held out for dev, and as many for test (the rest train)."""
SOURCE = "corpus"
"""``Pair.source`` of the corpus' pairs (its sampling weight in a mix)."""


@dataclass(frozen=True)
class Statement:
    """One row of the corpus, checked."""

    target_id: str
    domain: str
    target: str
    negated: str
    kind: str
    label: str
    text: str
    speaker: str
    where: str = ""
    """``file:line`` the row came from, for errors."""


def read_corpus(folder: str | Path) -> list[Statement]:
    """Every statement under ``folder`` (``*.jsonl``, sorted by name), each checked: all
    fields present and strings, a known kind and label, and one target text (and one
    negated text) per target id across the corpus."""
    folder = Path(folder)
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise InputError(folder, "has no .jsonl files; expected the stance corpus (data/stance_corpus/raw)")
    rows: list[Statement] = []
    first: dict[str, Statement] = {}
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
            if not line.strip():
                continue
            row = _row(path, number, line)
            seen = first.setdefault(row.target_id, row)
            if (seen.target, seen.negated, seen.domain) != (row.target, row.negated, row.domain):
                raise InputError(path, f"target {row.target_id!r} has another text, twin or domain than at "
                                       f"{seen.where}; expected one target per id (rename one of them)", number)
            rows.append(row)
    return rows


def _row(path: Path, number: int, line: str) -> Statement:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"is not JSON ({exc.msg}); expected one object per line", number) from None
    if not isinstance(data, dict):
        raise InputError(path, f"expected a JSON object, found {type(data).__name__}", number)
    missing = [f for f in FIELDS if not isinstance(data.get(f), str) or not data[f].strip()]
    if missing:
        raise InputError(path, f"expected non-empty text fields {list(FIELDS)}; missing or empty: {missing}", number)
    if data["kind"] not in KINDS:
        raise InputError(path, f"kind {data['kind']!r} is not one of {', '.join(KINDS)}", number)
    try:
        label = normalise_label(data["label"])
    except ValueError as exc:
        raise InputError(path, str(exc), number) from None
    return Statement(**{f: data[f].strip() for f in FIELDS if f != "label"}, label=label,
                     where=f"{path}:{number}")


def target_splits(rows: Iterable[Statement], held_out: int = HELD_OUT_PER_DOMAIN) -> dict[str, str]:
    """``target_id -> split``: within each domain the targets are ordered by a hash of their
    id, the first ``held_out`` go to test, the next ``held_out`` to dev, the rest to train.

    The order does not depend on the files or on other domains, so adding a target moves
    at most the targets of its own domain.  A domain with fewer than ``2 * held_out + 1``
    targets is all train."""
    by_domain: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        by_domain[row.domain].add(row.target_id)
    out = {}
    for ids in by_domain.values():
        ordered = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
        for k, target_id in enumerate(ordered):
            if len(ordered) < 2 * held_out + 1:
                out[target_id] = "train"
            else:
                out[target_id] = "test" if k < held_out else "dev" if k < 2 * held_out else "train"
    return out


def to_pairs(rows: Sequence[Statement], twins: bool = True) -> list[Pair]:
    """A :class:`Pair` per statement (``issue`` the target id, ``group`` the target id, ``kind``
    the kind), followed by its twin on the negated target when ``twins``."""
    out = []
    for row in rows:
        pair = Pair(text=row.text, target=row.target, label=row.label, issue=row.target_id, source=SOURCE,
                    group=row.target_id, kind=row.kind)
        out.append(pair)
        if twins:
            out.append(negated_pair(pair, row.negated))
    return out


def corpus_splits(folder: str | Path, twins: bool = True) -> dict[str, list[Pair]]:
    """``train``/``dev``/``test`` pairs of the corpus, split by target (twins stay with their target)."""
    rows = read_corpus(folder)
    split = target_splits(rows)
    return {name: to_pairs([r for r in rows if split[r.target_id] == name], twins) for name in SPLITS}


def twin_consistency(pairs: Sequence[Pair], predicted: Sequence[str]) -> float:
    """The share of statements right on both their target and its negated twin (pairs as
    :func:`to_pairs` makes them with ``twins``; a statement without its twin is left out)."""
    right: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for pair, label in zip(pairs, predicted, strict=True):
        right[(pair.text, pair.issue.removesuffix(NEGATED_SUFFIX))].append(label == pair.label)
    both = [all(r) for r in right.values() if len(r) == 2]
    return sum(both) / len(both) if both else 0.0
