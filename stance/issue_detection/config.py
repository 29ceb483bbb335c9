"""How issues are detected: the mode, the two calibrated thresholds, and the context rules.

Both thresholds are cosine similarities between all-MiniLM-L6-v2 sentence vectors (mean pooled,
unit length) of a statement and of an issue's texts, measured on the project's stance corpus
(``data/stance_corpus/raw``: invented statements, each written about one target of one of 35
policy domains) by ``scripts/calibrate_issue_threshold.py``; see the constants for the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from stance.errors import ConfigError
from stance.modelling.base import DEFAULT_BASE
from stance.registries.issues import DETECTION_MODES

MODES = DETECTION_MODES
"""``keywords``: a keyword hit; ``meaning``: similarity at or above the threshold (and ahead of the
other issues by the margin); ``both``: either."""
DEFAULT_MODE = "both"
"""The mode when neither the config nor the registry (``mode:``) names one."""

MEANING_THRESHOLD = 0.36
"""A statement is about an issue when its similarity to one of the issue's texts reaches this.

Calibrated with ``python scripts/calibrate_issue_threshold.py`` (2026-12-03) on the stance corpus'
dev targets (35, one per domain): each statement is about its own target (1,015 pairs; the 105
``other_target`` statements, written about a neighbouring target, are left out) and not about the
dev targets of the other 34 domains (38,080 pairs). The threshold of highest F1 there is 0.36:
precision 0.76, recall 0.62, F1 0.68. On the test targets, untouched by the choice: precision
0.74, recall 0.64, F1 0.68, with 0.6% of the other domains' targets passing. Each corpus target
was one sentence; an issue of a registry has up to four kinds of text (label, target, description,
examples) and takes the best, so a registry can expect somewhat higher recall and lower precision;
``threshold:`` in the issues file overrides.  On the hand-coded 2016 US-election statements
(``scripts/benchmark_issues.py``) the F1 of meaning alone peaks at 0.34-0.36 too."""

CONTEXT_THRESHOLD = 0.22
"""A statement that names no issue takes one from its context when its similarity to that issue
reaches this (it stays on the topic).

Calibrated by the same script on the same pairs with the negatives weighted to the positives'
total: context proposes one issue, and it is as likely right as wrong before the statement is read.
The threshold of highest F1 under that prior is 0.22 on the dev targets (precision 0.92, recall
0.89; on the test targets 0.89 and 0.90): it passes nine in ten statements that are on the topic
and turns back nine in ten of those on another domain's. Within one domain it turns back few (most
statements of a domain's articles are that close to each of its issues), which is why the rules
read only the nearest context and the ``article`` rule is off by default."""

MEANING_MARGIN = 0.02
"""... and when it is at least this much more similar to that issue than to any other of the registry.

A registry covers one domain, and its issues share words (the same country, the same people), so
a statement near one is near all. Calibrated by the same script with the threshold at 0.36 and the
registry made of the six targets of a statement's own domain: a dev target's statement is about
its target, an ``other_target`` one about none of the six; the margin of highest F1 on the dev
targets is 0.02 (precision 0.88, recall 0.58, F1 0.70, against 0.85, 0.59, 0.70 with none); on the
test targets 0.89, 0.60, 0.72. On the 2016 US-election statements it raised the precision of
meaning alone from 73% to 86% for a recall of 55% instead of 58%; on the seed articles, without it,
a statement was near enough to several of the five issues to be put on each."""

RULES = ("sentence", "block", "previous", "paragraph", "article")
"""The context rules, in the order they are tried (see :mod:`stance.issue_detection.context`)."""


@dataclass(frozen=True)
class ContextConfig:
    """Which context rules run, and the similarity a statement needs to take an issue from context.

    ``sentence``: the rest of the statement's own sentence, when the statement covers part of it.
    ``block``: the other sentences of the same quotation (the speaker's quote going on).
    ``previous``: the speaker's own previous statement, at most ``previous_sentences`` back.
    ``paragraph``: the statement's paragraph (needs the articles).  Off by default since 2026-12-04: on the
    positions coded in the 2016 campaign articles it added no position found and cost 2-3 points of precision
    (with and without keywords, small and quality models), and it changed nothing on the seeds or Port Aldern
    (``docs/issue-detection.md``).
    ``article``: the article's topics: the issues of its first paragraph (the headline, when the
    text opens with one) and any issue more than half of its statements with an issue are about;
    also the tie-breaker when a rule offers several issues.  Off by default: on the seed articles
    it gave a speaker positions on the article's topic that the reader did not code
    (``scripts/benchmark_issues.py --seeds`` has the figures).
    ``neutral``: whether the pipeline keeps a statement that took its issue from context when the
    stance model reads it as neutral.  Off: a statement that neither names an issue nor takes a side
    on it is no evidence of a position, and counting it pulled a spokesman's clear position on the
    seed articles to neutral."""

    sentence: bool = True
    block: bool = True
    previous: bool = True
    paragraph: bool = False
    article: bool = False
    threshold: float = CONTEXT_THRESHOLD
    previous_sentences: int = 3
    neutral: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.threshold, bool) or not isinstance(self.threshold, (int, float)) \
                or not -1 <= self.threshold <= 1:
            raise ConfigError(f"ContextConfig: threshold must be a cosine similarity in [-1, 1], "
                              f"found {self.threshold!r}")
        if isinstance(self.previous_sentences, bool) or not isinstance(self.previous_sentences, int) \
                or self.previous_sentences < 1:
            raise ConfigError(f"ContextConfig: previous_sentences must be an integer of at least 1, "
                              f"found {self.previous_sentences!r}")

    @classmethod
    def off(cls) -> ContextConfig:
        """No context rule: each statement's own sentence alone."""
        return cls(**dict.fromkeys(RULES, False))

    @property
    def rules(self) -> tuple[str, ...]:
        """The rules switched on, in the order they are tried."""
        return tuple(name for name in RULES if getattr(self, name))


@dataclass(frozen=True)
class DetectionConfig:
    """``mode`` (one of :data:`MODES`; None: the registry's ``mode:``, else :data:`DEFAULT_MODE`),
    ``threshold`` (None: the registry's ``threshold:``, else :data:`MEANING_THRESHOLD`), ``margin``
    (None: no margin), ``context`` (the rules) and ``base`` (the sentence encoder)."""

    mode: str | None = None
    threshold: float | None = None
    margin: float | None = MEANING_MARGIN
    context: ContextConfig = field(default_factory=ContextConfig)
    base: str = DEFAULT_BASE

    def __post_init__(self) -> None:
        if self.mode is not None and self.mode not in MODES:
            raise ConfigError(f"DetectionConfig: mode must be one of {', '.join(MODES)}, found {self.mode!r}")
        if self.threshold is not None and (isinstance(self.threshold, bool)
                                           or not isinstance(self.threshold, (int, float))
                                           or not 0 < self.threshold < 1):
            raise ConfigError(f"DetectionConfig: threshold must be between 0 and 1, found {self.threshold!r}")
        if self.margin is not None and (isinstance(self.margin, bool) or not isinstance(self.margin, (int, float))
                                        or not 0 <= self.margin < 1):
            raise ConfigError(f"DetectionConfig: margin must be None or between 0 and 1, found {self.margin!r}")
        if not isinstance(self.context, ContextConfig):
            raise ConfigError(f"DetectionConfig: context must be a ContextConfig, found {self.context!r}")

    def needs_encoder(self, mode: str) -> bool:
        """Whether detection in ``mode`` reads meaning: any mode but ``keywords``, or with any context
        rule (they check that a statement stays on the topic by its similarity)."""
        return mode != "keywords" or bool(self.context.rules)



def ablations() -> dict[str, DetectionConfig]:
    """Named set-ups that each switch one part of detection off or on, for benchmarks
    (``scripts/benchmark_domain.py`` reads them as :data:`ABLATIONS`)."""
    default = ContextConfig()
    rows = {"keywords alone": DetectionConfig(mode="keywords", context=ContextConfig.off()),
            "mode both": DetectionConfig(mode="both"),
            "mode keywords": DetectionConfig(mode="keywords"),
            "mode meaning": DetectionConfig(mode="meaning"),
            "no context": DetectionConfig(context=ContextConfig.off()),
            "no margin": DetectionConfig(margin=None)}
    for rule in RULES:
        flipped = "without" if getattr(default, rule) else "with"
        rows[f"{flipped} {rule}"] = DetectionConfig(context=replace(default, **{rule: not getattr(default, rule)}))
    return rows


ABLATIONS = ablations()
