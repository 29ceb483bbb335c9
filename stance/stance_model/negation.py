"""Negated-target augmentation: the same statement against the negated target, favor and against swapped.

A model that reads tone gives "The wall was a waste of money" the same label whatever the target;
a model that reads the target must flip its answer when the target is negated.  Training on both
readings of a pair teaches that.  The project's corpus writes its twins by hand
(:mod:`stance.stance_model.corpus`); for other data :func:`negate_target` builds them by rule.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from stance.stance_model.data import Pair

SWAP = {"favor": "against", "against": "favor", "neutral": "neutral"}
NEGATED_SUFFIX = "~not"
"""Appended to ``Pair.issue`` on an augmented pair."""
_MODAL = re.compile(r"\b(should|must|will|would|can|could|may|might|shall)(\s+not\b|n't\b)?", re.IGNORECASE)
_OUGHT = re.compile(r"\bought(\s+not)?\s+to\b", re.IGNORECASE)
_COPULA = re.compile(r"\b(is|are|was|were)(\s+not\b|n't\b)?", re.IGNORECASE)
_OPPOSITION = "Opposition to "


def negate_target(target: str) -> str:
    """The target with the opposite meaning, by rule.

    A modal or copula takes (or loses) ``not``; anything else (a name or a topic, as in the
    public sets) becomes "Opposition to ...", and that prefix is taken off again:

    >>> negate_target("Taxes on the wealthy should be raised.")
    'Taxes on the wealthy should not be raised.'
    >>> negate_target("The city should not build the stadium.")
    'The city should build the stadium.'
    >>> negate_target("Nuclear power is safe")
    'Nuclear power is not safe'
    >>> negate_target("Donald Trump"), negate_target("Opposition to gun control")
    ('Opposition to Donald Trump', 'gun control')
    """
    text = target.strip()
    if text.startswith(_OPPOSITION):
        return text[len(_OPPOSITION):]
    for pattern, positive, negative in ((_OUGHT, "ought to", "ought not to"),):
        m = pattern.search(text)
        if m:
            return text[:m.start()] + (positive if m.group(1) else negative) + text[m.end():]
    for pattern in (_MODAL, _COPULA):
        m = pattern.search(text)
        if m:
            word = m.group(1)
            return text[:m.start()] + (word if m.group(2) else f"{word} not") + text[m.end():]
    return _OPPOSITION + text


def negated_proposition(target: str) -> str | None:
    """:func:`negate_target` of ``target`` when it negates it by its verb (a modal, ``ought to`` or a
    copula); None for a name or a topic, which it would turn into "Opposition to ...":

    >>> negated_proposition("Taxes on the wealthy should be raised."), negated_proposition("Donald Trump")
    ('Taxes on the wealthy should not be raised.', None)
    """
    text = target.strip()
    if text.startswith(_OPPOSITION):
        return None
    negated = negate_target(text)
    return None if negated.startswith(_OPPOSITION) else negated


def is_proposition(target: str) -> bool:
    """Whether :func:`negate_target` negates ``target`` by its verb (see :func:`negated_proposition`)."""
    return negated_proposition(target) is not None


def negated_pair(pair: Pair, negated: str | None = None) -> Pair:
    """``pair`` against the negated target (``negated``, else :func:`negate_target` of its target):
    favor and against swap, neutral stays."""
    return replace(pair, target=negated if negated is not None else negate_target(pair.target),
                   label=SWAP[pair.label], issue=pair.issue + NEGATED_SUFFIX)


def with_negated_targets(pairs: Sequence[Pair], share: float, seed: int = 0,
                         skip_sources: tuple[str, ...] = ("corpus",)) -> list[Pair]:
    """``pairs`` followed by the negated reading of a random ``share`` of them (0: none, 1: all),
    leaving out sources that carry their own twins.  The same seed draws the same pairs."""
    if not 0 <= share <= 1:
        raise ValueError(f"share must be in [0, 1], found {share}")
    rng = random.Random(seed)
    extra = [negated_pair(p) for p in pairs if p.source not in skip_sources and rng.random() < share]
    return [*pairs, *extra]
