"""One training run: data, fit, evaluation, card and save."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import random
import shutil
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from stance.errors import ConfigError, InputError
from stance.stance_model.card import model_card
from stance.stance_model.config import StanceConfig
from stance.stance_model.corpus import SOURCE as CORPUS_SOURCE
from stance.stance_model.corpus import corpus_splits
from stance.stance_model.data import Pair, load_pairs, load_table
from stance.stance_model.model import StanceClassifier
from stance.stance_model.negation import with_negated_targets
from stance.stance_model.public import load_public

log = logging.getLogger(__name__)


def project_splits(data_dir: str | Path) -> dict[str, list[Pair]]:
    """``train``/``dev``/``test`` pairs of the project's annotated data."""
    data_dir = Path(data_dir)
    splits = {}
    for split in ("train", "dev", "test"):
        path = data_dir / f"{split}.jsonl"
        if path.is_file():
            splits[split] = load_pairs(path)
            if not splits[split]:
                raise InputError(path, f"is empty; expected one labelled pair per line in the {split} split")
    return splits


PUBLIC_DATA_ENV = "STANCE_PUBLIC_DATA"
"""The environment variable naming the folder of the public stance sets when ``public_root`` is not given."""


def public_data_root(root: str | Path | None) -> Path:
    """``root``, else ``$STANCE_PUBLIC_DATA``; a clear error when neither is set."""
    chosen = root or os.environ.get(PUBLIC_DATA_ENV)
    if not chosen:
        raise ConfigError(f"public sets were asked for but no folder holds them: expected --public-root DIR "
                          f"(or {PUBLIC_DATA_ENV}) naming the folder with semeval2016/, pstance/, vast/, "
                          "covid19_stance/")
    return Path(chosen)


def sampling_weights(pairs: list[Pair], mix: dict[str, float]) -> list[float]:
    """Per-example weights so that each source is drawn in proportion to ``mix``."""
    counts = Counter(p.source for p in pairs)
    return [mix.get(p.source, 1.0) / counts[p.source] for p in pairs]


def train_model(data_dir: str | Path, out_dir: str | Path, config: StanceConfig | None = None, *,
                public: dict[str, float] | None = None, public_root: str | Path | None = None,
                project_weight: float = 1.0, progress: bool = True, max_steps: int | None = None,
                epoch_size: int | None = None, public_limit: int | None = None,
                extra: dict[str, float] | None = None, columns: dict[str, str] | None = None,
                select_on_public: bool = True, init: str | Path | None = None,
                corpus: str | Path | None = None, corpus_weight: float = 1.0, negate: float = 0.0,
                resume: bool = False, stop_after: int | None = None,
                more: Mapping[str, tuple[Sequence[Pair], float]] | None = None,
                more_evals: Mapping[str, Sequence[Pair]] | None = None,
                more_devs: Mapping[str, Sequence[Pair]] | None = None, device: str = "auto") -> dict:
    """Train on the project's data (and public sets, and ``extra`` CSV/JSONL files or
    saved datasets read with the ``columns`` mapping, each with a sampling weight),
    evaluate on every dev/test split, save to ``out_dir``; return metrics.
    ``init``: a saved model to go on training from (for example a model trained
    on the public sets, then tuned on the project's data).

    With public sets and ``select_on_public``, the epoch kept is the one with
    the best mean macro-F1 over the project's dev split and each public dev
    split (at most ``public_limit`` pairs each); the best model so far is
    written to ``out_dir/checkpoint`` as training goes.

    ``corpus``: the stance corpus folder (``data/stance_corpus/raw``): its train targets
    (with their negated twins) join the mix at ``corpus_weight``, its dev targets vote on
    the epoch, and its test targets are evaluated.  ``negate``: the share of the other
    training pairs also read against their negated target (:mod:`.negation`).
    ``resume``/``stop_after``: go on from ``out_dir/checkpoint``'s training state / stop
    this call after that many epochs (the returned metrics then say ``finished: false``).
    ``more_devs``: dev splits of those sources, by name, that vote on the epoch beside the project's dev split
    (the mean of their macro-F1s chooses it) and are evaluated after training.
    ``more``: pairs read elsewhere (a DNA file's coding, a reviewer's corrections), by source name, each
    with its sampling weight; ``more_evals``: held-out pairs evaluated by name after training (they
    never choose the epoch, so their figures stay honest).  ``device``: where to train
    (:func:`~stance.modelling.training.pick_device`)."""
    config = config or StanceConfig()
    splits = project_splits(data_dir)
    if "train" not in splits:
        raise FileNotFoundError(f"{data_dir}: expected train.jsonl (and dev.jsonl, test.jsonl) of annotated pairs")
    train = list(splits["train"])
    mix = {"project": project_weight}
    extra_evals: dict[str, list[Pair]] = {}
    if public:
        root = public_data_root(public_root)
        for name, weight in public.items():
            train += load_public(name, root, "train")
            mix[name] = weight
            public_dev = load_public(name, root, "dev")
            if public_limit and len(public_dev) > public_limit:
                public_dev = random.Random(config.seed).sample(public_dev, public_limit)
            extra_evals[f"{name}_dev"] = public_dev
    for path, weight in (extra or {}).items():
        pairs = load_table(path, columns, source=Path(path).stem)
        train += pairs
        mix[Path(path).stem] = weight
    for name, (pairs_of, weight) in (more or {}).items():
        if not pairs_of:
            raise ConfigError(f"{name}: no labelled pairs to train on; expected at least one coded statement")
        train += [p if p.source == name else dataclasses.replace(p, source=name) for p in pairs_of]
        mix[name] = weight
    corpus_test: list[Pair] = []
    if corpus is not None:
        parts = corpus_splits(corpus)
        train += parts["train"]
        mix[CORPUS_SOURCE] = corpus_weight
        extra_evals["corpus_dev"] = parts["dev"]
        corpus_test = parts["test"]
    if negate:
        train = with_negated_targets(train, negate, seed=config.seed)
    config.sources = mix
    weights = sampling_weights(train, mix) if (public or extra or corpus or more) else None
    project_dev = splits.get("dev")
    dev: list[Pair] | dict[str, list[Pair]] | None = project_dev
    if select_on_public and extra_evals:
        # project_weight 0 trains on public data alone: the project's dev split then
        # plays no part either, so that its test split measures transfer honestly
        dev = {**({"project": project_dev or []} if project_weight > 0 else {}), **extra_evals}
    own_devs = {name: list(pairs_of) for name, pairs_of in (more_devs or {}).items() if pairs_of}
    if own_devs:  # the user's own coding votes on the epoch too
        dev = {**(dev if isinstance(dev, dict) else {"project": project_dev or []}), **own_devs}
    model = StanceClassifier(config).fit(train, dev, weights=weights, progress=progress, max_steps=max_steps,
                                         epoch_size=epoch_size, checkpoint_dir=Path(out_dir) / "checkpoint",
                                         init=init, resume=resume, stop_after=stop_after, device=device)
    if not model.metrics["finished"]:
        log.info("stopped after %d epochs; go on with --resume", len(model.metrics["history"]))
        return model.metrics
    evals = {f"project_{s}": model.evaluate(splits[s]) for s in ("dev", "test") if s in splits}
    evals.update({k: model.evaluate(v) for k, v in extra_evals.items()})
    if corpus_test:
        evals["corpus_test"] = model.evaluate(corpus_test)
    evals.update({name: model.evaluate(pairs_of) for name, pairs_of in own_devs.items()})
    evals.update({name: model.evaluate(list(pairs_of)) for name, pairs_of in (more_evals or {}).items() if pairs_of})
    model.metrics["eval"] = evals
    command = "stance train " + " ".join(sys.argv[2:]) if sys.argv[1:2] == ["train"] else "stance train"
    model.save(out_dir, card=model_card(config, model.metrics, command))
    shutil.rmtree(Path(out_dir) / "checkpoint", ignore_errors=True)
    log.info("saved to %s: %s", out_dir, json.dumps({k: round(v["macro_f1"], 4) for k, v in evals.items()}))
    return model.metrics
