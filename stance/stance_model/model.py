"""The stance classifier: a transformer sequence classifier over
(statement, issue target) pairs, fine-tuned fully or with a LoRA adapter."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import NotFittedError, StanceError
from stance.modelling.base import load_error, lora_targets, resolve_base
from stance.modelling.folders import load_weights, read_metrics, save_folder
from stance.modelling.training import pick_device, seed_everything, train_loop
from stance.stance_model.calibration import fit_temperature, softmax
from stance.stance_model.config import CONFIG_NAME, StanceConfig
from stance.stance_model.data import Pair
from stance.stance_model.metrics import stance_metrics
from stance.stance_model.negation import SWAP, negated_proposition

log = logging.getLogger(__name__)
METRICS_NAME = "metrics.json"


@dataclass(frozen=True)
class Scored:
    """The model's answer for one pair."""

    stance: str
    confidence: float
    scores: dict[str, float]
    abstained: bool


def _length_buckets(order: np.ndarray, lengths: Sequence[int], batch_size: int, rng, window: int = 32) -> list:
    """Batches of similar length (less padding): sort each window of ``window``
    batches by length, cut it into batches, then shuffle the batches."""
    batches = []
    span = batch_size * window
    for start in range(0, len(order), span):
        chunk = sorted(order[start:start + span], key=lambda i: lengths[i])
        batches += [np.array(chunk[j:j + batch_size]) for j in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def twin_logits(logits: np.ndarray, negated: np.ndarray, labels: Sequence[str]) -> np.ndarray:
    """The mean of ``logits`` and the negated-target reading ``negated`` with its favor and against
    columns swapped.  A reading that favors the target and one that opposes its negation agree:

    >>> twin_logits(np.array([[2., 0., 1.]]), np.array([[0., 4., 1.]]), ("favor", "against", "neutral"))
    array([[3., 0., 1.]])
    """
    order = [list(labels).index(SWAP[label]) for label in labels]
    return (logits + negated[:, order]) / 2


class Predicting:
    """Calibrated probabilities, abstention and metrics from ``self._logits`` and
    ``self.config`` (shared by the torch model and the ONNX Runtime one)."""

    config: StanceConfig
    """Set by each subclass."""

    def _logits(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Raw logits, one row per pair: each subclass computes them."""
        raise NotImplementedError

    def read(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Logits, one row per pair: :meth:`_logits`; with ``config.twin_reading``, a pair whose target is
        a proposition (:func:`~stance.stance_model.negation.negated_proposition`) gets the mean of its logits
        and its negated-target reading's, favor and against swapped (:func:`twin_logits`).  A name or a
        topic is read once: "Opposition to <topic>" is a poor twin (on the public sets' topics it cost
        7-12 points of F_avg, docs/benchmarks.md)."""
        logits = self._logits(texts, targets, batch_size)
        if not self.config.twin_reading:
            return logits
        twins = {i: negated for i, target in enumerate(targets) if (negated := negated_proposition(target))}
        if twins:
            rows = list(twins)
            negated_logits = self._logits([texts[i] for i in rows], list(twins.values()), batch_size)
            logits[rows] = twin_logits(logits[rows], negated_logits, self.config.labels)
        return logits

    def predict_proba(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Calibrated probabilities, one row per pair, columns in ``config.labels`` order."""
        return softmax(self.read(texts, targets, batch_size) / self.config.temperature)

    def predict(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> list[Scored]:
        """One :class:`Scored` per pair; low-confidence answers become ``neutral`` with ``abstained``."""
        labels = self.config.labels
        out = []
        for row in self.predict_proba(texts, targets, batch_size):
            top = int(row.argmax())
            abstained = bool(row[top] < self.config.abstain_threshold)
            stance = "neutral" if abstained else labels[top]
            out.append(Scored(stance, float(row[top]), {label: float(p) for label, p in zip(labels, row)}, abstained))
        return out

    def evaluate(self, pairs: Sequence[Pair]) -> dict:
        """Metrics on labelled pairs (see :func:`stance_metrics`)."""
        probs = self.predict_proba([p.text for p in pairs], [p.target for p in pairs])
        predicted = [self.config.labels[i] for i in probs.argmax(1)]
        return stance_metrics([p.label for p in pairs], predicted, probs=probs, labels=self.config.labels,
                              targets=[p.issue or p.target for p in pairs])


class StanceClassifier(Predicting):
    """Fit on :class:`Pair` lists, predict on (text, target) lists, save and load.

    The constructor only stores the configuration; :meth:`fit` trains,
    :meth:`load` restores a saved model.
    """

    name: str
    """The model folder's name, set by :meth:`load` (a model fitted here has none)."""

    def __init__(self, config: StanceConfig | None = None) -> None:
        self.config = config or StanceConfig()
        self.model: Any = None
        """The transformers (or peft) model, once fitted or loaded."""
        self.tokenizer: Any = None
        self.metrics: dict = {}

    # ------------------------------------------------------------------ build
    def _build(self, model=None, tokenizer=None, init: str | Path | None = None):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        cfg = self.config
        id2label = dict(enumerate(cfg.labels))
        if init is not None and cfg.method == "lora":  # go on from a saved adapter, still trainable
            from peft import PeftModel

            base = resolve_base(cfg.base_model)
            model = AutoModelForSequenceClassification.from_pretrained(
                base, num_labels=len(cfg.labels), id2label=id2label, label2id={v: k for k, v in id2label.items()})
            torch.manual_seed(cfg.seed)
            return PeftModel.from_pretrained(model, init, is_trainable=True), AutoTokenizer.from_pretrained(base)
        if init is not None:
            model = AutoModelForSequenceClassification.from_pretrained(init)
            tokenizer = AutoTokenizer.from_pretrained(init)
        if model is None:
            base = resolve_base(cfg.base_model)
            model = AutoModelForSequenceClassification.from_pretrained(
                base, num_labels=len(cfg.labels), id2label=id2label, label2id={v: k for k, v in id2label.items()})
            tokenizer = AutoTokenizer.from_pretrained(base)
        if cfg.method == "lora" and init is None:
            from peft import LoraConfig, get_peft_model

            model = get_peft_model(model, LoraConfig(
                r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                target_modules=lora_targets(model, cfg.lora_targets), modules_to_save=["classifier", "pooler"],
                task_type="SEQ_CLS"))
        torch.manual_seed(cfg.seed)
        return model, tokenizer

    # ------------------------------------------------------------------ train
    def fit(self, train: Sequence[Pair], dev: Sequence[Pair] | Mapping[str, Sequence[Pair]] | None = None, *,
            model=None, tokenizer=None, weights: Sequence[float] | None = None, progress: bool = True,
            max_steps: int | None = None, epoch_size: int | None = None,
            checkpoint_dir: str | Path | None = None, init: str | Path | None = None, resume: bool = False,
            stop_after: int | None = None, device: str = "auto") -> StanceClassifier:
        """Train on ``train``; early-stop and calibrate on ``dev`` when given.

        ``dev`` is one list of pairs or several by name (then the model is
        chosen on the mean of their macro-F1, and calibrated on all of them).
        ``model``/``tokenizer`` replace the base (tests pass a tiny random
        BERT); ``weights`` are per-example sampling weights (per-source
        mixing); ``max_steps`` caps optimisation steps (smoke runs);
        ``checkpoint_dir`` receives the best model so far after each epoch
        that improves on dev (a run cut short still leaves a usable model);
        ``init`` is a saved model to go on training from (a second stage).
        ``checkpoint_dir`` also receives the training state after every epoch:
        ``resume`` goes on from it (the same weights as a run never stopped), and
        ``stop_after`` ends this call after that many epochs (``metrics["finished"]``
        says whether the run is complete).  ``device``: where to train (:func:`pick_device`: ``auto``
        is a CUDA GPU where torch sees one); the fitted model stays there (:meth:`save` writes from the CPU).
        """
        import torch

        if not train:
            raise ValueError("fit: expected at least one training pair, found none")
        cfg = self.config
        seed_everything(cfg.seed)
        self.model, self.tokenizer = self._build(model, tokenizer, init)
        where = pick_device(device)
        self.model.to(where)
        label_ids = {label: i for i, label in enumerate(cfg.labels)}
        y = np.array([label_ids[p.label] for p in train])
        counts = np.bincount(y, minlength=len(cfg.labels)).astype(float)
        class_w = counts.sum() / (len(counts) * np.maximum(counts, 1)) if cfg.class_weighting else np.ones(len(counts))
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(class_w, dtype=torch.float32, device=where))
        epoch_size = epoch_size or len(train)
        rng = np.random.default_rng(cfg.seed)
        probs = None if weights is None else np.asarray(weights, float) / np.sum(weights)
        dev_sets = dict(dev) if isinstance(dev, Mapping) else ({"dev": list(dev)} if dev else {})
        dev_sets = {name: list(pairs) for name, pairs in dev_sets.items() if pairs}
        best = _BestEpoch(self)

        def batches_for_epoch(_epoch: int) -> list:
            order = rng.choice(len(train), size=epoch_size, replace=probs is not None or epoch_size > len(train),
                               p=probs)
            if cfg.length_buckets:
                return _length_buckets(order, [len(p.text) + len(p.target) for p in train], cfg.batch_size, rng)
            return [order[j:j + cfg.batch_size] for j in range(0, len(order), cfg.batch_size)]

        def loss_of(idx):
            batch = self._encode([train[j].text for j in idx], [train[j].target for j in idx]).to(where)
            return loss_fn(self.model(**batch).logits, torch.tensor(y[idx], device=where))

        def after_epoch(record: dict, history: list[dict], step: int) -> bool:
            """Dev figures; the best epoch's weights kept (and checkpointed); stop after ``patience`` worse ones."""
            if not dev_sets:
                return False
            record.update(self._dev_record(dev_sets))
            if record["dev_macro_f1"] > best.score:
                best.keep(record["dev_macro_f1"])
                if checkpoint_dir is not None:
                    self.metrics = {"history": [*history, record], "checkpoint": True, "steps": step}
                    self.save(checkpoint_dir)
            else:
                best.bad_epochs += 1
            return best.bad_epochs >= cfg.patience

        started = time.time()
        history, step, finished = train_loop(
            self.model, cfg, examples_per_epoch=epoch_size, batches_for_epoch=batches_for_epoch, loss_of=loss_of,
            after_epoch=after_epoch, max_steps=max_steps, progress=progress, rng=rng, state_dir=checkpoint_dir,
            resume=resume, extra=best, stop_after=stop_after)
        if not finished:
            self.metrics = {"history": history, "steps": step, "finished": False}
            return self
        if best.weights is not None:
            self.model.load_state_dict(best.weights)
        every_dev = [p for pairs in dev_sets.values() for p in pairs]
        self.metrics = {"history": history, "train_pairs": len(train), "dev_pairs": len(every_dev),
                        "train_seconds": round(time.time() - started, 1), "steps": step, "finished": True,
                        "device": where, "resumed": resume}
        if every_dev:
            logits = self.read([p.text for p in every_dev], [p.target for p in every_dev])
            gold = np.array([label_ids[p.label] for p in every_dev])
            cfg.temperature = fit_temperature(logits, gold)
            self.metrics["temperature"] = cfg.temperature
        return self

    def _dev_record(self, dev_sets: dict[str, list[Pair]]) -> dict[str, float]:
        """Per-epoch dev figures: one set's metrics as ``dev_*``; for several,
        each set's macro-F1 and their mean as ``dev_macro_f1``."""
        labels = self.config.labels
        scores = {}
        for name, pairs in dev_sets.items():
            logits = self.read([p.text for p in pairs], [p.target for p in pairs])
            scores[name] = stance_metrics([p.label for p in pairs], [labels[i] for i in logits.argmax(1)])
        if len(scores) == 1:
            return {f"dev_{k}": v for k, v in next(iter(scores.values())).items() if isinstance(v, float)}
        record = {f"dev_{name}_macro_f1": m["macro_f1"] for name, m in scores.items()}
        record["dev_macro_f1"] = float(np.mean([m["macro_f1"] for m in scores.values()]))
        return record

    # -------------------------------------------------------------- inference
    def _check_fitted(self) -> None:
        if self.model is None:
            raise NotFittedError(
                "this StanceClassifier is not fitted yet; call fit(...) or StanceClassifier.load(directory)")

    def _encode(self, texts: Sequence[str], targets: Sequence[str]):
        return self.tokenizer(list(texts), list(targets), truncation="only_first", padding=True,
                              max_length=self.config.max_length, return_tensors="pt")

    def _logits(self, texts: Sequence[str], targets: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Raw logits, batched by length so that padding stays small."""
        import torch

        self._check_fitted()
        if len(texts) != len(targets):
            raise ValueError(f"expected as many targets as texts, found {len(targets)} and {len(texts)}")
        out = np.zeros((len(texts), len(self.config.labels)), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]) + len(targets[i]))
        where = next(self.model.parameters()).device
        was_training = self.model.training
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                batch = self._encode([texts[i] for i in idx], [targets[i] for i in idx]).to(where)
                out[idx] = self.model(**batch).logits.float().cpu().numpy()
        self.model.train(was_training)
        return out

    # -------------------------------------------------------------- save/load
    def save(self, directory: str | Path, card: str | None = None) -> Path:
        """Weights (adapter only, for LoRA) with ``save_pretrained``, the config
        as JSON, the metrics as JSON, and a model card."""
        self._check_fitted()
        return save_folder(directory, self.model, self.tokenizer, self.config, self.metrics, card, METRICS_NAME)

    @classmethod
    def load(cls, directory: str | Path, *, base_model=None, tokenizer=None) -> StanceClassifier:
        """A saved model; a LoRA adapter is merged into its base for speed.

        ``base_model``/``tokenizer`` stand in for the configured base (tests).
        """
        import torch
        from safetensors import SafetensorError
        from transformers import AutoModelForSequenceClassification

        directory = Path(directory)
        config = StanceConfig.load(directory)
        self = cls(config)
        torch.set_grad_enabled(True)
        id2label = dict(enumerate(config.labels))
        try:
            self.model, self.tokenizer = load_weights(
                directory, config, AutoModelForSequenceClassification,
                {"num_labels": len(config.labels), "id2label": id2label,
                 "label2id": {v: k for k, v in id2label.items()}},
                base_model=base_model, tokenizer=tokenizer)
        except StanceError:
            raise
        except (OSError, ValueError, RuntimeError, SafetensorError) as exc:  # damaged weights, a base not found
            raise load_error(directory, CONFIG_NAME, config.base_model, exc) from None
        self.model.eval()
        self.metrics = read_metrics(directory, METRICS_NAME)
        self.name = directory.name
        return self


class _BestEpoch:
    """The best dev score so far, its weights and the epochs since; a
    :class:`~stance.modelling.training.Stateful`, so that a resumed run keeps choosing the same epoch."""

    def __init__(self, classifier: StanceClassifier) -> None:
        self.classifier = classifier
        self.score = -1.0
        self.bad_epochs = 0
        self.weights: dict[str, Any] | None = None

    def keep(self, score: float) -> None:
        self.score, self.bad_epochs = score, 0
        self.weights = {k: v.detach().clone() for k, v in self.classifier.model.state_dict().items()}

    def state(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The score and count, and the best weights that training changes (the rest are the base's)."""
        trainable = {n for n, p in self.classifier.model.named_parameters() if p.requires_grad}
        tensors = {n: w for n, w in (self.weights or {}).items() if n in trainable}
        return {"score": self.score, "bad_epochs": self.bad_epochs, "kept": self.weights is not None}, tensors

    def load_state(self, figures: dict[str, Any], tensors: dict[str, Any]) -> None:
        self.score, self.bad_epochs = figures["score"], figures["bad_epochs"]
        if figures["kept"]:
            current = {k: v.detach().clone() for k, v in self.classifier.model.state_dict().items()}
            self.weights = {**current, **tensors}
