"""Which issues a text is about: by keyword, by meaning, or both.

A text's similarity to an issue is the highest cosine between the text's sentence vector and
the vectors of the issue's texts (label, target, description and each of its ``examples``). By
meaning, a text is about an issue when that similarity reaches the threshold and exceeds its
similarity to every other issue of the registry by the margin (``config.MEANING_THRESHOLD`` and
``config.MEANING_MARGIN``, both calibrated).
Excluded phrases (``exclude:`` of the issue) are blanked out of the text first, for keywords and
meaning alike, so a text whose only link to the issue is an excluded phrase is not assigned.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from stance.errors import ConfigError
from stance.issue_detection.config import DEFAULT_MODE, MEANING_THRESHOLD, DetectionConfig
from stance.issue_detection.encoder import SentenceEncoder, load_encoder
from stance.registries.issues import IssueRegistry

KEYWORD, MEANING = "keyword", "meaning"
""":attr:`Detection.rule` of the two direct rules (context rules are named in ``config.RULES``)."""


@dataclass(frozen=True)
class Detection:
    """One issue a text is about, and why: ``rule`` (``keyword``, ``meaning`` or a context rule),
    ``similarity`` (NaN when meaning was not read) and the keywords that ``matched``."""

    issue: str
    rule: str
    similarity: float = math.nan
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scan:
    """What :meth:`IssueDetector.scan` finds in a batch of texts: the issues of each text, and the
    ``(texts, issues)`` similarity matrix (columns in registry order; None in mode ``keywords``)."""

    found: list[list[Detection]]
    similarity: np.ndarray | None


def issue_texts(issues: IssueRegistry, issue_id: str) -> list[str]:
    """The texts an issue is recognised by: label (unless it is only the id), target, description, examples."""
    issue = issues[issue_id]
    texts = [issue.label if issue.label != issue.issue_id else "", issue.target, issue.description, *issue.examples]
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


def mode_of(issues: IssueRegistry, config: DetectionConfig) -> str:
    """The detection mode in force: the config's, else the registry's ``mode:``, else ``both``."""
    return config.mode or issues.mode or DEFAULT_MODE


class IssueDetector:
    """Finds the issues of texts in batches.  Build one with :meth:`load` (which loads the encoder
    when the config needs it), or give the encoder yourself."""

    def __init__(self, issues: IssueRegistry, encoder: SentenceEncoder | None = None,
                 config: DetectionConfig | None = None) -> None:
        self.issues = issues
        self.config = config or DetectionConfig()
        self.encoder = encoder
        self.mode = mode_of(issues, self.config)
        """The mode in force: the config's, else the registry's, else ``both``."""
        if self.config.needs_encoder(self.mode) and encoder is None:
            raise ConfigError(f"IssueDetector: mode {self.mode!r} with context rules "
                              f"{list(self.config.context.rules)} reads meaning and needs an encoder; "
                              "use IssueDetector.load")
        if self.mode == "keywords" and not issues.has_keywords:
            raise ConfigError("IssueDetector: mode 'keywords' needs keywords and the issue registry has none; "
                              "use mode 'meaning' or 'both'")
        self.threshold = self.config.threshold or issues.threshold or MEANING_THRESHOLD
        """The similarity at which a text is about an issue: the config's, else the registry's, else
        :data:`~stance.issue_detection.config.MEANING_THRESHOLD`."""
        self.ids = list(issues)
        self._vectors: np.ndarray | None = None
        self._owner: np.ndarray | None = None

    @classmethod
    def load(cls, issues: IssueRegistry, config: DetectionConfig | None = None) -> IssueDetector:
        """A detector for ``issues``, with the base model's encoder (loaded once per process) when
        ``config`` reads meaning."""
        config = config or DetectionConfig()
        return cls(issues, load_encoder(config.base) if config.needs_encoder(mode_of(issues, config)) else None,
                   config)

    def _issue_vectors(self, encoder: SentenceEncoder) -> tuple[np.ndarray, np.ndarray]:
        """Every issue text's vector, and the column of the issue each belongs to (encoded once)."""
        if self._vectors is None or self._owner is None:
            texts, owner = [], []
            for column, issue_id in enumerate(self.ids):
                for text in issue_texts(self.issues, issue_id):
                    texts.append(text)
                    owner.append(column)
            self._vectors, self._owner = encoder.encode(texts), np.asarray(owner)
        return self._vectors, self._owner

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), len(issues))``: each text's similarity to each issue, excluded phrases
        of that issue blanked out of the text first."""
        if self.encoder is None:
            raise ConfigError("IssueDetector: similarities need an encoder; use IssueDetector.load")
        vectors, owner = self._issue_vectors(self.encoder)
        out = self._best(self.encoder.encode(texts) @ vectors.T, owner)
        masked: dict[str, list[tuple[int, int]]] = {}  # masked text -> (row, column)
        for row, text in enumerate(texts):
            for issue_id in self.issues.excludes(text):
                masked.setdefault(self.issues.masked(text, issue_id), []).append((row, self.ids.index(issue_id)))
        if masked:
            again = self._best(self.encoder.encode(list(masked)) @ vectors.T, owner)
            for k, places in enumerate(masked.values()):
                for row, column in places:
                    out[row, column] = again[k, column]
        return out

    def _best(self, cosines: np.ndarray, owner: np.ndarray) -> np.ndarray:
        """Per row, the highest cosine over each issue's texts."""
        out = np.full((cosines.shape[0], len(self.ids)), -1.0, dtype=np.float32)
        for column in range(len(self.ids)):
            out[:, column] = cosines[:, owner == column].max(axis=1, initial=-1.0)
        return out

    def scan(self, texts: Sequence[str]) -> Scan:
        """The issues of each text (in registry order) by the mode, and the similarities (read only
        when the mode reads meaning)."""
        mode = self.mode
        similarity = self.similarities(texts) if mode != "keywords" and texts else None
        found: list[list[Detection]] = []
        margin = self.config.margin
        for row, text in enumerate(texts):
            keywords = dict(self.issues.detect(text)) if mode != "meaning" else {}
            hits = []
            for column, issue_id in enumerate(self.ids):
                value = float(similarity[row, column]) if similarity is not None else math.nan
                if issue_id in keywords:
                    hits.append(Detection(issue_id, KEYWORD, value, keywords[issue_id]))
                elif mode != "keywords" and similarity is not None and value >= self.threshold and (
                        margin is None or value >= self._runner_up(similarity[row], column) + margin):
                    hits.append(Detection(issue_id, MEANING, value))
            found.append(hits)
        return Scan(found, similarity)

    @staticmethod
    def _runner_up(row: np.ndarray, column: int) -> float:
        """The highest similarity of the row to any issue but ``column`` (-1 with one issue)."""
        others = np.delete(row, column)
        return float(others.max()) if others.size else -1.0

    def detect(self, texts: Sequence[str]) -> list[list[Detection]]:
        """The issues each text is about, from the text alone (context: :mod:`~stance.issue_detection.context`)."""
        return self.scan(texts).found
