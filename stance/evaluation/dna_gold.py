"""The tool against a human coder's DNA file (``stance evaluate --dna``).

Two measures, both on the statements chosen (a whole file, or one side of a split by document):

* **stance on the coded spans**: the stance model reads each span the coder marked against the
  concept's target; F_avg (the mean F1 of favor and against, SemEval-2016's measure), macro-F1,
  accuracy and the recall of each side, and the same when the model may only pick a side
  (``spans_sided_*``: the coder already said the span takes one);
* **end to end** (with a pipeline): attribution, issue detection and stance run on the coded
  documents, and the tool's (document, actor, concept, stance) tuples are compared with the coder's:
  precision, recall and F1, and the same without the stance (did it find who spoke on what).

An actor matches a coded statement when its name equals the coded person or organization after
case, punctuation and honorifics are set aside, or shares the surname with a person whose first
name it lacks or shares ("Varga" and "Mayor Ines Varga" match "Ines Varga"; "Tom Varga" does not).
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from stance.evaluation.positions import predicted_tuples
from stance.records import STANCES, Article, PartialDate
from stance.stance_model.data import Pair
from stance.stance_model.metrics import stance_metrics

if TYPE_CHECKING:
    from stance.dna.pairs import ConceptIssue
    from stance.dna.records import DnaCorpus, DnaDocument

_HONORIFICS = {"mr", "mrs", "ms", "dr", "sir", "mayor", "councillor", "sen", "senator", "rep", "president",
               "minister", "prof", "professor", "deputy"}

Tuple = tuple[str, str, str, str]
"""(document id, actor, issue id, stance)."""


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of a name without case, punctuation or a leading honorific: ``"Mr. Peter Marsh"`` ->
    ``("peter", "marsh")``."""
    words = re.findall(r"[^\W_]+", name.casefold())
    while words and words[0] in _HONORIFICS and len(words) > 1:
        words = words[1:]
    return tuple(words)


def same_actor(found: str, coded: str) -> bool:
    """Whether a name the tool found is the coded one (see the module's note).

    >>> same_actor("Varga", "Ines Varga"), same_actor("Mayor Ines Varga", "Ines Varga")
    (True, True)
    >>> same_actor("Tom Varga", "Ines Varga"), same_actor("", "Ines Varga")
    (False, False)
    """
    a, b = name_tokens(found), name_tokens(coded)
    if not a or not b:
        return False
    if a == b:
        return True
    if a[-1] != b[-1]:
        return False
    return len(a) == 1 or len(b) == 1 or a[0] == b[0]


def _date(document: DnaDocument) -> PartialDate | None:
    if document.date is None:
        return None
    day: _dt.date = document.date.date() if isinstance(document.date, _dt.datetime) else document.date
    return PartialDate(day.year, day.month, day.day)


def dna_articles(corpus: DnaCorpus, documents: Iterable[str] | None = None) -> list[Article]:
    """The file's documents as articles (doc_id: the DNA document id as text), all or those named."""
    keep = set(documents) if documents is not None else None
    return [Article(str(d.document_id), d.text, _date(d), source=d.source or None, author=d.author or None,
                    date_origin="metadata" if d.date else "missing", title=d.title or None)
            for d in corpus.documents if keep is None or str(d.document_id) in keep]


def coded_tuples(corpus: DnaCorpus, mapped: Mapping[str, ConceptIssue], documents: set[str]) -> set[Tuple]:
    """The coder's (document, actor, issue, stance) tuples in ``documents``; the actor is the person, or the
    organization when no person is coded."""
    return {(str(s.document_id), s.person or s.organization, mapped[s.concept].issue_id, s.agreement)
            for s in corpus.statements if str(s.document_id) in documents and (s.person or s.organization)}


def tuple_scores(coded: set[Tuple], found: set[Tuple], organizations: Mapping[str, str] | None = None
                 ) -> dict[str, float]:
    """Precision, recall and F1 of ``found`` against ``coded`` (actors compared with :func:`same_actor`;
    ``organizations`` maps a coded person to their organization, which the tool may name instead),
    with the stance and without it (``*_who_what``).

    >>> coded = {("1", "Ines Varga", "tram", "favor"), ("1", "Peter Marsh", "rent", "against")}
    >>> found = {("1", "Varga", "tram", "favor"), ("1", "Marsh", "rent", "favor"), ("1", "Osei", "tram", "favor")}
    >>> s = tuple_scores(coded, found)
    >>> s["precision"], s["recall"], s["recall_who_what"]
    (0.3333, 0.5, 1.0)
    """
    organizations = organizations or {}

    def hit(f: Tuple, c: Tuple, stance: bool) -> bool:
        return (f[0] == c[0] and f[2] == c[2] and (not stance or f[3] == c[3])
                and (same_actor(f[1], c[1]) or same_actor(f[1], organizations.get(c[1], ""))))

    out: dict[str, float] = {"coded": float(len(coded)), "found": float(len(found))}
    for suffix, stance in (("", True), ("_who_what", False)):
        precision = sum(any(hit(f, c, stance) for c in coded) for f in found) / len(found) if found else 0.0
        recall = sum(any(hit(f, c, stance) for f in found) for c in coded) / len(coded) if coded else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.update({f"precision{suffix}": round(precision, 4), f"recall{suffix}": round(recall, 4),
                    f"f1{suffix}": round(f1, 4)})
    return out


def _top(scores: Mapping[str, float], labels: Sequence[str]) -> str:
    """The label with the highest score (the first on a tie), as the model's ``evaluate`` takes its argmax."""
    return max(labels, key=lambda label: scores.get(label, 0.0))


def sided_scores(pairs: Sequence[Pair], scored: Sequence[Any]) -> dict[str, float]:
    """F_avg and accuracy when the model only chooses a side: a coder who marked a span already said it
    agrees or disagrees (DNA has no neutral), so the larger of the model's favor and against scores
    (``scored``: the model's answer per pair) decides (``spans_sided_*``)."""
    sides = ["favor" if s.scores.get("favor", 0.0) >= s.scores.get("against", 0.0) else "against" for s in scored]
    metrics = stance_metrics([p.label for p in pairs], sides)
    return {"spans_sided_f_avg": round(metrics["f_avg"], 4), "spans_sided_accuracy": round(metrics["accuracy"], 4)}


def evaluate_dna(corpus: DnaCorpus, mapped: Mapping[str, ConceptIssue], pairs: Sequence[Pair], predictor: Any,
                 pipeline: Any = None) -> dict[str, float]:
    """The figures of the module's note for the coded statements ``pairs`` (from
    :func:`stance.dna.pairs.dna_pairs`, grouped by document), as one flat ``dict[str, float]``."""
    labels = list(getattr(getattr(predictor, "config", None), "labels", STANCES))
    scored = predictor.predict([p.text for p in pairs], [p.target for p in pairs])  # one pass serves both measures
    top = [_top(s.scores, labels) for s in scored]
    metrics = stance_metrics([p.label for p in pairs], top, labels=labels)
    out: dict[str, float] = {
        "statements": float(len(pairs)), "documents": float(len({p.group for p in pairs})),
        "spans_f_avg": round(metrics["f_avg"], 4), "spans_macro_f1": round(metrics["macro_f1"], 4),
        "spans_accuracy": round(metrics["accuracy"], 4),
        "spans_f1_favor": round(metrics["f1_favor"], 4), "spans_f1_against": round(metrics["f1_against"], 4)}
    confusion = metrics.get("confusion")
    for label in ("favor", "against"):
        if confusion and label in labels:  # rows: gold, columns: predicted, in the model's label order
            row = confusion[labels.index(label)]
            out[f"spans_{label}_recall"] = round(row[labels.index(label)] / sum(row), 4) if sum(row) else 0.0
    out.update(sided_scores(pairs, scored))
    if pipeline is not None:
        documents = {p.group for p in pairs}
        result = pipeline.run(dna_articles(corpus, documents))
        organizations = {s.person: s.organization for s in corpus.statements if s.person and s.organization}
        scores = tuple_scores(coded_tuples(corpus, mapped, documents), predicted_tuples(result.predictions),
                              organizations)
        out.update({f"end_to_end_{k}": v for k, v in scores.items()})
    return out
