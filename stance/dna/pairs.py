"""Hand coding from a DNA file as labelled pairs: training data (``stance train --dna``) and gold
(``stance evaluate --dna``).

A DNA statement is (span, person, organization, concept, agreement).  Its concept becomes the
pair's target: the target of the issue it names when an issue registry is given and one of its
issues has that id, label or target (case-insensitive), else the concept's own words, which in
DNA practice are a proposition ("Rent increases should be capped.").  Agreement 1 is favor,
0 against; DNA has no neutral.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stance.records import Issue
from stance.registries.issues import IssueRegistry
from stance.stance_model.data import Pair

if TYPE_CHECKING:
    from stance.dna.records import DnaCorpus

SOURCE = "dna"
"""The ``source`` of pairs read from a DNA file (its weight in ``stance train --dna-weight``)."""


@dataclass(frozen=True)
class ConceptIssue:
    """What one DNA concept is in stance's terms."""

    concept: str
    issue_id: str
    target: str
    from_registry: bool
    """Whether an issue of the given registry named it (else it stands for itself)."""


def concept_id(concept: str) -> str:
    """A registry id for a concept's words: ``"Rent increases should be capped."`` ->
    ``rent_increases_should_be_capped`` (lower case, runs of other characters as one ``_``, at most 60
    characters, ``c_`` before a leading digit)."""
    slug = re.sub(r"[^a-z0-9]+", "_", concept.casefold()).strip("_")[:60].rstrip("_") or "concept"
    return slug if slug[0].isalpha() else f"c_{slug}"


def concept_issues(concepts: Iterable[str], issues: IssueRegistry | None = None) -> dict[str, ConceptIssue]:
    """Each distinct concept mapped to an issue: one of ``issues`` whose id, label or target equals it
    (case and surrounding space ignored), else a new issue whose target is the concept itself."""
    lookup: dict[str, Issue] = {}
    for issue in (issues or {}).values() if issues else ():
        for key in (issue.issue_id, issue.label, issue.target):
            lookup.setdefault(key.strip().casefold(), issue)
    found: dict[str, ConceptIssue] = {}
    used: set[str] = set(issues or ())
    for concept in sorted(set(concepts)):
        named = lookup.get(concept.strip().casefold())
        if named is not None:
            found[concept] = ConceptIssue(concept, named.issue_id, named.target, True)
            continue
        base = concept_id(concept)
        new_id, n = base, 2
        while new_id in used:
            new_id, n = f"{base}_{n}", n + 1
        used.add(new_id)
        found[concept] = ConceptIssue(concept, new_id, concept.strip(), False)
    return found


def concept_registry(mapped: Mapping[str, ConceptIssue], issues: IssueRegistry | None = None) -> IssueRegistry:
    """The issues the pipeline looks for: the registry's issues that some concept names, plus one issue
    per concept no registry issue names (found by meaning: they have no keywords).  The registry's own
    detection mode holds when every concept is one of its issues; with no keywords at all, ``meaning``."""
    chosen = [issues[c.issue_id] for c in mapped.values() if c.from_registry and issues is not None]
    own = [Issue(c.issue_id, c.concept, c.target) for c in mapped.values() if not c.from_registry]
    unique = list({i.issue_id: i for i in chosen + own}.values())
    mode = "meaning" if not any(i.keywords for i in unique) else (issues.mode if issues and not own else None)
    return IssueRegistry(unique, threshold=issues.threshold if issues else None, mode=mode)


def dna_pairs(corpus: DnaCorpus, mapped: Mapping[str, ConceptIssue]) -> list[Pair]:
    """One labelled pair per coded statement, grouped by document (so splits keep a document whole)."""
    return [Pair(text=s.text, target=mapped[s.concept].target, label=s.agreement, issue=mapped[s.concept].issue_id,
                 source=SOURCE, group=str(s.document_id))
            for s in corpus.statements]


def split_by_document(pairs: Sequence[Pair], holdout: float, seed: int = 13) -> tuple[list[Pair], list[Pair]]:
    """(train, held out): a random ``holdout`` share of the documents (at least one when there are two or
    more), every pair of a document on the same side.  ``holdout`` 0 keeps everything for training.

    >>> p = [Pair("a", "t", "favor", group=g) for g in "1122334455"]
    >>> train, held = split_by_document(p, 0.4, seed=1)
    >>> len(held), len({x.group for x in held})
    (4, 2)
    """
    if not 0 <= holdout < 1:
        raise ValueError(f"expected a held-out share from 0 to under 1, found {holdout}")
    groups = sorted({p.group for p in pairs})
    n = round(len(groups) * holdout)
    if holdout and len(groups) > 1:
        n = max(1, min(n, len(groups) - 1))
    held = set(random.Random(seed).sample(groups, n)) if holdout else set()
    return [p for p in pairs if p.group not in held], [p for p in pairs if p.group in held]
