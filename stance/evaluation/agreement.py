"""Intercoder agreement between two coders (a person and the machine, or two people): Krippendorff's alpha
(nominal) and Cohen's kappa, per concept and overall, with bootstrap intervals.

Two coders' codings (:class:`~stance.evaluation.codings.Coding`) are first aligned into *units*
(:func:`align`): a unit is what both coders could have coded, with each coder's value or ``None`` when that
coder did not code it.  Each figure is then reported two ways:

- **both coded**: the units both coders coded, the usual reliability figure;
- **with not coded**: every unit, ``not coded`` counting as a fourth category, so a statement one coder
  found and the other missed counts as a disagreement;

plus the coverage (the share of each coder's units the other also coded), the raw percent agreement and the
number of units.  Intervals are bootstrap percentile intervals over units (:func:`bootstrap_interval`).

Cohen's kappa, worked on a 2x2 table (Wikipedia's example): two readers judge 50 grant proposals; both say
yes to 20, both no to 15, A yes and B no to 5, A no and B yes to 10.  Observed agreement
p_o = (20 + 15) / 50 = 0.70.  A says yes to 25/50 = 0.5, B to 30/50 = 0.6, so chance agreement
p_e = 0.5 * 0.6 + 0.5 * 0.4 = 0.50 and kappa = (p_o - p_e) / (1 - p_e) = (0.70 - 0.50) / 0.50 = 0.40.

Krippendorff's alpha (nominal) = 1 - D_o / D_e, the observed disagreement over the disagreement expected by
chance from all values pooled; on his own example of 4 coders and 12 units ("Computing Krippendorff's
Alpha-Reliability", 2011) it is 0.743.  With two coders and no missing values alpha is close to kappa
(it pools both coders' values for chance agreement, kappa keeps each coder's own).
"""

from __future__ import annotations

import math
import warnings
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from stance.errors import StanceError
from stance.evaluation.codings import VALUES, Coding

UnitKind = Literal["span", "actor"]
UNIT_KINDS: tuple[UnitKind, ...] = ("span", "actor")
NOT_CODED = "not coded"
"""The category of a unit one coder did not code, in the "with not coded" figures."""
ALL = "all"
"""The concept name of the figures over every unit pooled."""
CONFIDENCE = 0.95


@dataclass(frozen=True)
class Unit:
    """What both coders could have coded: a stretch of a document on a concept (``--unit span``) or an
    actor on a concept in a document (``--unit actor``), with each coder's value (None: not coded).
    ``start``/``end`` cover the codings the unit joins."""

    doc_id: str
    concept: str
    actor: str
    start: int
    end: int
    value_a: str | None
    value_b: str | None

    @property
    def both(self) -> bool:
        return self.value_a is not None and self.value_b is not None

    def to_dict(self) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "concept": self.concept, "actor": self.actor, "start": self.start,
                "end": self.end, "value_a": self.value_a, "value_b": self.value_b}


# --- alignment ---------------------------------------------------------------------------------------------------


def _overlap(a: Coding, b: Coding) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def align_spans(a: Sequence[Coding], b: Sequence[Coding]) -> list[Unit]:
    """Units of overlapping spans: codings of the same document and concept whose character spans share at
    least one character are paired one to one, the pair sharing the most characters first (ties: the
    earlier span first).  A coding left without a partner is a unit the other coder did not code.

    A codes [0, 50) and [60, 90), B codes [40, 70): the pairs share 10 characters each, so B pairs with the
    earlier A span, and A's [60, 90) is a unit B did not code (2 units, 1 both coded).
    """
    groups: dict[tuple[str, str], tuple[list[Coding], list[Coding]]] = defaultdict(lambda: ([], []))
    for coding in a:
        groups[(coding.doc_id, coding.concept)][0].append(coding)
    for coding in b:
        groups[(coding.doc_id, coding.concept)][1].append(coding)
    units = []
    for (doc_id, concept), (left, right) in groups.items():
        left = sorted(left, key=lambda c: (c.start, c.end))
        right = sorted(right, key=lambda c: (c.start, c.end))
        pairs = sorted(((_overlap(x, y), i, j) for i, x in enumerate(left) for j, y in enumerate(right)
                        if _overlap(x, y) > 0), key=lambda p: (-p[0], p[1], p[2]))
        used_left: set[int] = set()
        used_right: set[int] = set()
        for _, i, j in pairs:
            if i not in used_left and j not in used_right:
                used_left.add(i)
                used_right.add(j)
                x, y = left[i], right[j]
                units.append(Unit(doc_id, concept, x.actor or y.actor, min(x.start, y.start), max(x.end, y.end),
                                  x.value, y.value))
        units += [Unit(doc_id, concept, x.actor, x.start, x.end, x.value, None)
                  for i, x in enumerate(left) if i not in used_left]
        units += [Unit(doc_id, concept, y.actor, y.start, y.end, None, y.value)
                  for j, y in enumerate(right) if j not in used_right]
    return sorted(units, key=lambda u: (u.doc_id, u.concept, u.start, u.end, u.actor))


def majority(values: Sequence[str]) -> str:
    """The value most of ``values`` take; a tie is ``neutral``: (favor, favor, against) -> favor,
    (favor, against) -> neutral, (favor, neutral) -> neutral."""
    counts = Counter(values).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return "neutral"
    return counts[0][0]


def align_actors(a: Sequence[Coding], b: Sequence[Coding]) -> list[Unit]:
    """Units of actors: one per (document, actor, concept) either coder coded, actor names compared without
    regard to case or surrounding spaces.  A coder with several codings in one unit gets their majority
    value (a tie is ``neutral``, see :func:`majority`): A codes Imran Khan favor, favor, against on
    us_bases in d1, B codes him against once: one unit, favor vs against."""
    keyed: dict[tuple[str, str, str], tuple[list[Coding], list[Coding]]] = defaultdict(lambda: ([], []))
    for side, codings in enumerate((a, b)):
        for coding in codings:
            keyed[(coding.doc_id, coding.actor.strip().casefold(), coding.concept)][side].append(coding)
    units = []
    for (doc_id, _, concept), (left, right) in keyed.items():
        every = left + right
        units.append(Unit(doc_id, concept, every[0].actor.strip(), min(c.start for c in every),
                          max(c.end for c in every), majority([c.value for c in left]) if left else None,
                          majority([c.value for c in right]) if right else None))
    return sorted(units, key=lambda u: (u.doc_id, u.concept, u.actor.casefold(), u.start))


def align(a: Sequence[Coding], b: Sequence[Coding], unit: str = "span") -> list[Unit]:
    """:func:`align_spans` for ``unit="span"``, :func:`align_actors` for ``unit="actor"``."""
    if unit == "span":
        return align_spans(a, b)
    if unit == "actor":
        return align_actors(a, b)
    raise StanceError(f"unit {unit!r} is not known; expected one of {', '.join(UNIT_KINDS)}")


# --- the coefficients --------------------------------------------------------------------------------------------


def nominal_alpha(reliability_data: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha for nominal data (``krippendorff.alpha``): one row per coder, one column per
    unit, None where a coder gave no value.  None when alpha is undefined: fewer than two distinct values
    (no disagreement can be expected) or no unit with two values.

    Krippendorff's example (2011): 4 coders x 12 units, 0.743.  Two coders on 3 units, (favor, favor),
    (against, against), (neutral, favor): 6 values (favor 3, against 2, neutral 1), 2 of the 6 ordered
    pairs within units disagree, so alpha = 1 - (6 - 1) * 2 / (6 * 6 - (3*3 + 2*2 + 1*1)) = 1 - 10/22 =
    0.545 (kappa on the same units: p_o = 2/3, p_e = (1*2 + 1*1)/9 = 1/3, kappa = 0.5).
    """
    import krippendorff

    values = sorted({v for row in reliability_data for v in row if v is not None}, key=repr)
    if len(values) < 2:
        return None
    index = {v: float(i) for i, v in enumerate(values)}
    matrix = np.array([[np.nan if v is None else index[v] for v in row] for row in reliability_data], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # 0 / 0 when no unit holds two values: nan
        alpha = float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    return None if math.isnan(alpha) else alpha


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa (``sklearn.metrics.cohen_kappa_score``) between two coders' values on the same units;
    None when undefined: no units, or both coders gave one and the same value throughout (chance agreement
    is then 1).  The worked 2x2 example of the module's docstring gives 0.40."""
    from sklearn.metrics import cohen_kappa_score

    if len(a) != len(b):
        raise StanceError(f"kappa needs one value per unit from each coder; found {len(a)} and {len(b)}")
    if not a or len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(list(a), list(b)))


def _kappa_of_tables(tables: np.ndarray) -> np.ndarray:
    """Kappa of each K x K table of counts (rows coder A, columns coder B), nan where undefined: the same
    formula as scikit-learn's, vectorised for the bootstrap (a scikit-learn call costs 0.6 ms, a
    thousand resamples per figure 0.6 s).  A 2x2 table [[20, 5], [10, 15]] gives 0.40."""
    n = tables.sum(axis=(1, 2)).astype(float)
    observed = np.trace(tables, axis1=1, axis2=2) / n
    chance = (tables.sum(axis=2) * tables.sum(axis=1)).sum(axis=1) / (n * n)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(chance < 1 - 1e-12, (observed - chance) / (1 - chance), np.nan)


# --- figures with intervals --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """A figure and its bootstrap interval (None: undefined, or no interval asked for or possible; the
    :class:`Agreement` holding it says why in its notes)."""

    value: float | None
    low: float | None = None
    high: float | None = None

    def to_dict(self) -> dict[str, Any]:
        def plain(x: float | None) -> float | None:
            return None if x is None or math.isnan(x) else round(float(x), 4)

        return {"value": plain(self.value), "low": plain(self.low), "high": plain(self.high)}


def bootstrap_interval(resampled: np.ndarray) -> tuple[float | None, float | None]:
    """The percentile interval: the 2.5th and 97.5th percentiles of the statistic over the resamples
    where it is defined (not nan; numpy's linear interpolation between order statistics), None with none
    defined.  Of 1000 resamples, it runs from between the 25th and 26th smallest value to between the
    975th and 976th."""
    defined = resampled[~np.isnan(resampled)]
    if len(defined) == 0:
        return None, None
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high)


@dataclass(frozen=True)
class Agreement:
    """Agreement on one set of units: their number, the percent agreement (a share, 0 to 1), alpha and
    kappa, each with its interval, and notes on what could not be computed."""

    n_units: int
    percent: Estimate
    alpha: Estimate
    kappa: Estimate
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"n_units": self.n_units, "percent_agreement": self.percent.to_dict(), "alpha": self.alpha.to_dict(),
                "kappa": self.kappa.to_dict(), "notes": list(self.notes)}


def agreement(a: Sequence[str], b: Sequence[str], categories: Sequence[str], *, bootstrap: int = 1000,
              seed: int = 13) -> Agreement:
    """Percent agreement, alpha and kappa of two coders' values on the same units (``a[i]`` and ``b[i]`` on
    unit i, each among ``categories``), with bootstrap intervals from ``bootstrap`` resamples of the units
    (0: no intervals).  The resamples come from ``numpy.random.default_rng(seed)``, drawn afresh for each
    call, so a concept's interval does not move when other concepts are added.

    Fewer than 2 units: no alpha or kappa (a note says so); one value throughout: alpha and kappa
    undefined (None, with a note); no units: nothing but the note."""
    n = len(a)
    if len(b) != n:
        raise StanceError(f"agreement needs one value per unit from each coder; found {n} and {len(b)}")
    unknown = sorted((set(a) | set(b)) - set(categories))
    if unknown:
        raise StanceError(f"values {', '.join(map(repr, unknown))} are not among {', '.join(categories)}; "
                          "expected each value to be one of them")
    if n == 0:
        none = Estimate(None)
        return Agreement(0, none, none, none, ("no units to compare",))
    percent = sum(x == y for x, y in zip(a, b)) / n
    if n < 2:
        return Agreement(n, Estimate(percent), Estimate(None), Estimate(None),
                         ("fewer than 2 units: no alpha or kappa",))
    notes = []
    alpha, kappa = nominal_alpha([a, b]), cohen_kappa(a, b)
    if alpha is None:
        notes.append(f"one value only ({', '.join(sorted(set(a) | set(b)))}): alpha and kappa are undefined "
                     "(no disagreement can be expected by chance)")
    if bootstrap <= 0:
        return Agreement(n, Estimate(percent), Estimate(alpha), Estimate(kappa), tuple(notes))
    k = len(categories)
    index = {c: i for i, c in enumerate(categories)}
    ia, ib = np.array([index[x] for x in a]), np.array([index[y] for y in b])
    draws = np.random.default_rng(seed).integers(0, n, size=(bootstrap, n))
    cells = (np.arange(bootstrap)[:, None] * k * k + ia[draws] * k + ib[draws]).ravel()
    tables = np.bincount(cells, minlength=bootstrap * k * k).reshape(bootstrap, k, k)
    counts = np.eye(k)[ia] + np.eye(k)[ib]  # per unit, how many of its two values fall in each category
    resampled = {"percent agreement": np.trace(tables, axis1=1, axis2=2) / n,
                 "alpha": np.array([_alpha_of_counts(counts[d], k) for d in draws]),
                 "kappa": _kappa_of_tables(tables)}
    undefined = int(np.isnan(resampled["alpha"]).sum())
    if alpha is not None and undefined:  # a resample whose units all take one value: alpha and kappa both undefined
        notes.append(f"{undefined} of {bootstrap} resamples hold one value only (no alpha or kappa); their "
                     "intervals come from the other resamples")
    estimates = [Estimate(value, *bootstrap_interval(resampled[what])) if value is not None else Estimate(None)
                 for value, what in ((percent, "percent agreement"), (alpha, "alpha"), (kappa, "kappa"))]
    return Agreement(n, estimates[0], estimates[1], estimates[2], tuple(notes))


def _alpha_of_counts(value_counts: np.ndarray, k: int) -> float:
    """Alpha of one resample from its units' value counts (``krippendorff.alpha``'s ``value_counts``:
    one row per unit, one column per category); nan where undefined (one value only)."""
    import krippendorff

    if np.count_nonzero(value_counts.sum(axis=0)) < 2:
        return math.nan
    return float(krippendorff.alpha(value_counts=value_counts, value_domain=list(range(k)),
                                    level_of_measurement="nominal"))


# --- the report --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConceptAgreement:
    """The figures for one concept (or ``all``): each coder's units, the units both coded, coverage (the
    share of A's units that B also coded, and of B's that A coded; None with no units), agreement on the
    units both coded and with "not coded" as a category."""

    concept: str
    units_a: int
    units_b: int
    units_both: int
    coverage_a: float | None
    coverage_b: float | None
    both_coded: Agreement
    with_not_coded: Agreement

    def to_dict(self) -> dict[str, Any]:
        return {"concept": self.concept, "units_a": self.units_a, "units_b": self.units_b,
                "units_both": self.units_both,
                "coverage_a": None if self.coverage_a is None else round(self.coverage_a, 4),
                "coverage_b": None if self.coverage_b is None else round(self.coverage_b, 4),
                "both_coded": self.both_coded.to_dict(), "with_not_coded": self.with_not_coded.to_dict()}


def concept_agreement(concept: str, units: Sequence[Unit], *, bootstrap: int = 1000,
                      seed: int = 13) -> ConceptAgreement:
    """The figures of :class:`ConceptAgreement` over ``units``.

    A codes 4 units, B codes 3, 2 of them the same ones: coverage of A 2/4 = 0.5, of B 2/3 = 0.667; the
    "with not coded" figures run over all 5 units, the "both coded" ones over the 2."""
    both = [u for u in units if u.both]
    units_a = sum(u.value_a is not None for u in units)
    units_b = sum(u.value_b is not None for u in units)
    if both:
        both_coded = agreement([u.value_a or "" for u in both], [u.value_b or "" for u in both], VALUES,
                               bootstrap=bootstrap, seed=seed)
    else:
        none = Estimate(None)
        both_coded = Agreement(0, none, none, none, ("no unit coded by both coders (no overlap)",))
    with_missing = agreement([u.value_a or NOT_CODED for u in units], [u.value_b or NOT_CODED for u in units],
                             (*VALUES, NOT_CODED), bootstrap=bootstrap, seed=seed)
    return ConceptAgreement(concept, units_a, units_b, len(both), len(both) / units_a if units_a else None,
                            len(both) / units_b if units_b else None, both_coded, with_missing)


@dataclass(frozen=True)
class AgreementReport:
    """Two coders compared: per concept (sorted) and over every unit pooled (``overall``, concept ``all``),
    with the settings used, the aligned units and notes (concepts left unmapped ...)."""

    coder_a: str
    coder_b: str
    unit: str
    bootstrap: int
    seed: int
    overall: ConceptAgreement
    concepts: tuple[ConceptAgreement, ...]
    units: tuple[Unit, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"coder_a": self.coder_a, "coder_b": self.coder_b, "unit": self.unit, "bootstrap": self.bootstrap,
                "seed": self.seed, "confidence": CONFIDENCE, "overall": self.overall.to_dict(),
                "concepts": [c.to_dict() for c in self.concepts], "notes": list(self.notes),
                "units": [u.to_dict() for u in self.units]}


def compare(a: Sequence[Coding], b: Sequence[Coding], *, unit: str = "span", bootstrap: int = 1000, seed: int = 13,
            notes: Sequence[str] = ()) -> AgreementReport:
    """Align coder A's and coder B's codings into units (:func:`align`) and report agreement per concept
    and overall.  The coder names are taken from the codings (each side must hold one coder)."""
    names = []
    for side, codings in (("A", a), ("B", b)):
        coders = sorted({c.coder for c in codings})
        if len(coders) > 1:
            raise StanceError(f"coder {side}'s codings come from {len(coders)} coders ({', '.join(coders)}); "
                              "expected one: pick it first")
        names.append(coders[0] if coders else "")
    if bootstrap < 0:
        raise StanceError(f"bootstrap is {bootstrap}; expected a number of resamples, 0 or more")
    units = align(a, b, unit)
    by_concept: dict[str, list[Unit]] = defaultdict(list)
    for u in units:
        by_concept[u.concept].append(u)
    concepts = tuple(concept_agreement(c, by_concept[c], bootstrap=bootstrap, seed=seed) for c in sorted(by_concept))
    overall = concept_agreement(ALL, units, bootstrap=bootstrap, seed=seed)
    extra = list(notes)
    if not units:
        extra.append("neither coder has any coding: nothing to compare")
    return AgreementReport(names[0], names[1], unit, bootstrap, seed, overall, concepts, tuple(units), tuple(extra))
