"""The same pipeline on a Ray cluster (``--engine ray``; ``pip install 'stance[ray]'``).

Extraction and classification run as Ray Data ``map_batches`` stages, each
with its model held by an actor pool (one load per worker, not per batch);
merging duplicates and aggregation run on the driver over the collected
records, so the outputs are those of the local engine.  Records cross
process boundaries as JSON rows (``to_dict``/``from_dict`` of :mod:`stance.records`); workers need the
``stance`` package and the model folders at the same paths (a shared disk,
or the same install on every node).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import cast

from stance.attribution.parser import DEFAULT_PARSER
from stance.errors import ConfigError
from stance.issue_detection.context import Articles
from stance.pipeline.local import Pipeline, Predictor
from stance.records import Actor, ActorType, Article, Stance, StancePrediction, Statement

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RaySettings:
    """Where and how wide to run.  ``address``: ``None`` starts a local Ray on
    this machine, ``"auto"`` or ``ray://HOST:10001`` joins a running cluster."""

    address: str | None = None
    workers: int = 1
    """Actors per stage (each holds one copy of its model)."""
    cpus_per_worker: float = 1.0
    gpus_per_worker: float = 0.0
    articles_per_batch: int = 16
    pairs_per_batch: int = 64

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, found {self.workers}")
        if self.cpus_per_worker <= 0 or self.gpus_per_worker < 0:
            raise ConfigError(f"cpus_per_worker must be > 0 and gpus_per_worker >= 0, found "
                              f"{self.cpus_per_worker} and {self.gpus_per_worker}")
        if self.articles_per_batch < 1 or self.pairs_per_batch < 1:
            raise ConfigError("articles_per_batch and pairs_per_batch must be at least 1")


def _ray():
    try:
        import ray
    except ImportError:
        raise ConfigError("the Ray engine needs Ray: pip install 'stance[ray]' (or use --engine local)") from None
    return ray


def start(settings: RaySettings) -> None:
    """Connect to (or start) Ray once per process."""
    ray = _ray()
    if ray.is_initialized():
        return
    kwargs = {"address": settings.address, "include_dashboard": False, "log_to_driver": False,
              "ignore_reinit_error": True, "logging_level": logging.WARNING}
    if settings.address is None:  # a local Ray: just enough CPUs for the pools
        import os

        kwargs["num_cpus"] = max(int(settings.workers * settings.cpus_per_worker), os.cpu_count() or 1)
    ray.init(**kwargs)
    ray.data.DataContext.get_current().enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)


def _threads(cpus: float) -> int:
    """One worker's share of the node: its torch threads (ONNX gets the same count)."""
    import torch

    n = max(1, int(cpus))
    torch.set_num_threads(n)
    return n


class _Extract:
    """A Ray actor: the attribution rules and tagger, loaded once."""

    def __init__(self, actors, tagger_dir: str | None, parser: str | None = DEFAULT_PARSER, cpus: float = 1.0,
                 issues=None, first: str = "rules") -> None:
        """``issues``: an :class:`~stance.issues.IssueRegistry`; the tagger then reads only
        paragraphs where the rules find nothing and an issue is named, as the local engine."""
        from stance.attribution.rules import Attributor
        from stance.pipeline.local import load_tagger, relevant_test

        _threads(cpus)
        self.attributor = Attributor(actors, load_tagger(tagger_dir, parser),
                                     relevant_test(issues) if issues else None, first)

    def __call__(self, batch: dict) -> dict:
        index, rows = [], []
        articles = [Article.from_dict(json.loads(article)) for article in batch["article"]]
        for i, found in zip(batch["i"], self.attributor.extract_many(articles)):
            for k, st in enumerate(found):
                index.append((int(i), k))
                rows.append(json.dumps(st.to_dict(), ensure_ascii=False))
        import numpy as np

        return {"i": np.array([i for i, _ in index], dtype=np.int64),
                "k": np.array([k for _, k in index], dtype=np.int64),
                "statement": np.array(rows, dtype=object)}


class _Classify:
    """A Ray actor: the stance model, loaded once."""

    def __init__(self, model_dir: str | None, targets: dict[str, str], batch_size: int, cpus: float = 1.0) -> None:
        from stance.pipeline.local import load_predictor

        self.model = load_predictor(model_dir, threads=_threads(cpus))
        self.targets, self.batch_size = targets, batch_size

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        scored = self.model.predict([str(t) for t in batch["text"]], [self.targets[i] for i in batch["issue"]],
                                    batch_size=self.batch_size)
        return {"k": np.asarray(batch["k"], dtype=np.int64),
                "stance": np.array([s.stance for s in scored], dtype=object),
                "confidence": np.array([s.confidence for s in scored], dtype=np.float64),
                "scores": np.array([json.dumps(s.scores) for s in scored], dtype=object),
                "abstained": np.array([s.abstained for s in scored], dtype=bool)}


@dataclass
class RayPipeline(Pipeline):
    """:class:`~stance.pipeline.local.Pipeline` with extraction and classification on Ray.

    Give model folders as paths (``model_dir``, ``tagger_dir``) rather than loaded
    models: each worker loads its own copy.
    """

    # No model here: each worker loads its own from model_dir (score() is overridden and never reads it).
    model: Predictor | None = None  # type: ignore[assignment]  # Pipeline requires one; a Ray pipeline has none
    model_dir: str | None = None
    """The stance model's folder (``None``: the shipped one)."""
    tagger_dir: str | None = "auto"
    parser: str | None = DEFAULT_PARSER
    """The spaCy pipeline that completes the tagger's source phrases (``"none"``: without)."""
    settings: RaySettings = field(default_factory=RaySettings)

    def _map(self, rows: list[dict], udf, kwargs: dict, batch_size: int) -> list[dict]:
        ray = _ray()
        start(self.settings)
        s = self.settings
        ds = ray.data.from_items(rows).map_batches(
            udf, fn_constructor_kwargs=kwargs, batch_size=batch_size, batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=s.workers), num_cpus=s.cpus_per_worker,
            num_gpus=s.gpus_per_worker or None)
        return ds.take_all()

    def extract(self, articles: Sequence[Article]) -> list[list[Statement]]:
        if not articles:
            return []
        rows = [{"i": i, "article": json.dumps(a.to_dict(), ensure_ascii=False)}
                for i, a in enumerate(articles)]
        kwargs = {"actors": self.actors, "tagger_dir": self.tagger_dir, "parser": self.parser,
                  "cpus": self.settings.cpus_per_worker, "issues": self.issues, "first": self.first}
        out = self._map(rows, _Extract, kwargs, self.settings.articles_per_batch)
        found: list[list[tuple[int, Statement]]] = [[] for _ in articles]
        for row in out:
            found[int(row["i"])].append((int(row["k"]), Statement.from_dict(json.loads(row["statement"]))))
        return self._register_new_actors([[st for _, st in sorted(f, key=lambda x: x[0])] for f in found])

    def _register_new_actors(self, found: list[list[Statement]]) -> list[list[Statement]]:
        """Speakers the registry did not know, as the local engine would see them:
        added to the driver's registry on first sight (corpus order), and the
        affiliation first met kept for later statements, whichever worker read them."""
        first: dict[str, Statement] = {}
        out = []
        for statements in found:
            kept = []
            for st in statements:
                if st.actor_id not in self.actors and st.actor_type != "anonymous":
                    first[st.actor_id] = st
                    self.actors.add(Actor(st.actor_id, st.actor, cast(ActorType, st.actor_type), st.affiliation,
                                          (st.actor,), known=False))
                elif st.actor_id in first and first[st.actor_id].affiliation \
                        and st.affiliation != first[st.actor_id].affiliation:
                    st = replace(st, affiliation=first[st.actor_id].affiliation)
                kept.append(st)
            out.append(kept)
        return out

    def score(self, statements: Sequence[Statement], articles: Articles = None) -> list[StancePrediction]:
        from stance.pipeline.local import issue_detections, keep_sided

        found = issue_detections(statements, self.issues, self.detector(), articles)
        pairs = [(st, d.issue) for st, d in found]
        if not pairs:
            return []
        rows = [{"k": k, "text": st.evidence.text, "issue": issue} for k, (st, issue) in enumerate(pairs)]
        targets = {issue_id: self.issues[issue_id].target for _, issue_id in pairs}
        kwargs = {"model_dir": self.model_dir, "targets": targets, "batch_size": self.batch_size,
                  "cpus": self.settings.cpus_per_worker}
        out = sorted(self._map(rows, _Classify, kwargs, self.settings.pairs_per_batch), key=lambda r: int(r["k"]))
        name = _model_name(self.model_dir)
        predictions = [StancePrediction(st, issue, cast(Stance, str(r["stance"])), float(r["confidence"]),
                                        json.loads(r["scores"]), bool(r["abstained"]), name)
                       for (st, issue), r in zip(pairs, out)]
        return keep_sided(predictions, [d for _, d in found], self.detection.context)


def _model_name(model_dir: str | None) -> str:
    """The name a loaded model reports (its folder's name), without loading it."""
    from stance.modelling.folders import model_dir as resolve

    return resolve(model_dir).name
