"""AttributionTagger: fit on annotated documents, predict spans on raw text,
save and load (a LoRA adapter on the offline base by default)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stance.attribution.polnear import AnnotatedDoc
from stance.attribution.tagger.config import CONFIG_NAME, ROLES, TAGS, TaggerConfig
from stance.attribution.tagger.windows import Window, bio_labels, decode, viterbi_words, windows
from stance.errors import NotFittedError, StanceError
from stance.modelling.base import damaged_weights, load_error, lora_targets, resolve_base
from stance.modelling.folders import load_weights, read_metrics, save_folder
from stance.modelling.training import device_of, pick_device, seed_everything, train_loop
from stance.records import Span

log = logging.getLogger(__name__)
METRICS_NAME = "metrics.json"


class AttributionTagger:
    """Token tagger for attribution spans.  The constructor only stores the
    configuration; :meth:`fit` trains, :meth:`load` restores."""

    def __init__(self, config: TaggerConfig | None = None, parser=None) -> None:
        """``parser``: a spaCy pipeline (:func:`stance.attribution.parser.load_parser`) that
        grows source spans to whole phrases after tagging; ``None``: spans as tagged."""
        self.config = config or TaggerConfig()
        self.parser = parser
        self.model: Any = None
        """The transformers (or peft) model, once fitted or loaded."""
        self.tokenizer: Any = None
        self.metrics: dict = {}

    def _build(self, model=None, tokenizer=None):
        from transformers import AutoModelForTokenClassification, AutoTokenizer

        cfg = self.config
        if model is None:
            base = resolve_base(cfg.base_model)
            model = AutoModelForTokenClassification.from_pretrained(
                base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)),
                label2id={t: i for i, t in enumerate(TAGS)})
            tokenizer = AutoTokenizer.from_pretrained(base)
        if cfg.method == "lora":
            from peft import LoraConfig, get_peft_model

            model = get_peft_model(model, LoraConfig(
                r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
                target_modules=lora_targets(model, cfg.lora_targets), modules_to_save=["classifier"],
                task_type="TOKEN_CLS"))
        return model, tokenizer

    def _batch(self, items: Sequence[Window], labels: Sequence[list[int]] | None = None):
        import torch

        tok = self.tokenizer
        width = max(len(w.ids) for w in items) + 2
        ids = torch.full((len(items), width), tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros((len(items), width), dtype=torch.long)
        gold = torch.full((len(items), width), -100, dtype=torch.long)
        for i, w in enumerate(items):
            n = len(w.ids)
            ids[i, :n + 2] = torch.tensor([tok.cls_token_id, *w.ids, tok.sep_token_id])
            mask[i, :n + 2] = 1
            if labels is not None:
                gold[i, 1:n + 1] = torch.tensor(labels[i])
        return {"input_ids": ids, "attention_mask": mask}, gold

    def fit(self, docs: Sequence[AnnotatedDoc], dev: Sequence[AnnotatedDoc] | None = None, *, model=None,
            tokenizer=None, progress: bool = True, max_steps: int | None = None,
            init: str | Path | None = None, device: str = "auto", bf16: bool = False) -> AttributionTagger:
        """Train on annotated documents (``init``: go on from a saved LoRA tagger's adapter;
        ``device``: where to train, as :func:`~stance.modelling.training.pick_device` reads it;
        ``bf16``: matrix products in bfloat16 under ``torch.autocast``, the weights kept in float32;
        about twice as fast on a CPU with AVX512-BF16)."""
        import torch

        if not docs:
            raise ValueError("fit: expected at least one annotated document, found none")
        cfg = self.config
        seed_everything(cfg.seed)
        if init is not None:
            from peft import PeftModel
            from transformers import AutoModelForTokenClassification, AutoTokenizer

            base = resolve_base(cfg.base_model)
            self.model = PeftModel.from_pretrained(AutoModelForTokenClassification.from_pretrained(
                base, num_labels=len(TAGS), id2label=dict(enumerate(TAGS)),
                label2id={t: i for i, t in enumerate(TAGS)}), init, is_trainable=True)
            self.tokenizer = AutoTokenizer.from_pretrained(base)
        else:
            self.model, self.tokenizer = self._build(model, tokenizer)
        where = pick_device(device)
        self.model.to(where)
        items, labels = [], []
        for doc in docs:
            spans = {role: doc.spans(role) for role in ROLES}
            for w in windows(doc.text, self.tokenizer, cfg.window):
                items.append(w)
                labels.append(bio_labels(w, spans))
        rng = np.random.default_rng(cfg.seed)

        def batches_for_epoch(_epoch: int) -> list:
            """Similar lengths together, the batches shuffled."""
            order = sorted(rng.permutation(len(items)), key=lambda i: len(items[i].ids))
            batches = [order[j:j + cfg.batch_size] for j in range(0, len(order), cfg.batch_size)]
            rng.shuffle(batches)
            return batches

        def loss_of(idx):
            batch, gold = self._batch([items[j] for j in idx], [labels[j] for j in idx])
            with torch.autocast(where.partition(":")[0], dtype=torch.bfloat16, enabled=bf16):
                logits = self.model(**{k: v.to(where) for k, v in batch.items()}).logits.float()
            return torch.nn.functional.cross_entropy(logits.view(-1, len(TAGS)), gold.to(where).view(-1),
                                                     ignore_index=-100)

        started = time.time()
        history, step, _ = train_loop(self.model, cfg, examples_per_epoch=len(items),
                                      batches_for_epoch=batches_for_epoch, loss_of=loss_of, max_steps=max_steps,
                                      progress=progress)
        self.metrics = {"history": history, "train_docs": len(docs), "train_windows": len(items), "steps": step,
                        "train_seconds": round(time.time() - started, 1), "device": where,
                        "precision": "bf16" if bf16 else "fp32"}
        return self

    def _check_fitted(self) -> None:
        if self.model is None:
            raise NotFittedError(
                "this AttributionTagger is not fitted yet; call fit(...) or AttributionTagger.load(directory)")

    def predict(self, texts: Sequence[str], batch_size: int = 16) -> list[dict[str, list[Span]]]:
        """Per text, the spans found for each role: ``{"source": [...], "cue": [...], "content": [...]}``."""
        import torch

        self._check_fitted()
        jobs = [(t, w) for t, text in enumerate(texts) for w in windows(text, self.tokenizer, self.config.window)]
        out: list[dict[str, list[Span]]] = [{role: [] for role in ROLES} for _ in texts]
        order = sorted(range(len(jobs)), key=lambda k: len(jobs[k][1].ids))
        where = device_of(self.model)
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chunk = [jobs[k] for k in order[start:start + batch_size]]
                batch, _ = self._batch([w for _, w in chunk])
                if where is not None:
                    batch = {k: v.to(where) for k, v in batch.items()}
                log_probs = torch.log_softmax(self.model(**batch).logits.float(), -1).cpu().numpy()
                for (t, w), row in zip(chunk, log_probs):
                    row = row[1:len(w.ids) + 1]
                    found = (viterbi_words(w, row, texts[t]) if self.config.decoding == "words"
                             else decode(w, row.argmax(-1), texts[t]))
                    for role, spans in found.items():
                        out[t][role].extend(spans)
        for by_role in out:
            for role in ROLES:
                by_role[role].sort(key=lambda s: s.start)
        if self.parser is not None:
            from stance.attribution.parser import refine

            out = refine(self.parser, texts, out)
        return out

    def save(self, directory: str | Path, card: str | None = None) -> Path:
        """Written from the CPU, wherever the tagger trained (:func:`~stance.modelling.folders.save_folder`)."""
        self._check_fitted()
        return save_folder(directory, self.model, self.tokenizer, self.config, self.metrics, card, METRICS_NAME)

    @classmethod
    def load(cls, directory: str | Path, *, base_model=None, tokenizer=None, parser=None) -> AttributionTagger:
        """A saved tagger; a LoRA adapter is merged into its base.  A shipped tagger runs from its
        ONNX Runtime form, built once into the cache (:mod:`stance.attribution.tagger.fast`;
        ``STANCE_RUNTIME=torch`` keeps torch), unless ``base_model`` or ``tokenizer`` stand in for
        the base (tests).  Damaged weights, or a base that cannot be loaded, are a
        :class:`~stance.errors.ConfigError` naming the file (:func:`~stance.modelling.base.load_error`)."""
        from stance.modelling.cache import wants_form

        directory = Path(directory)
        self = cls(TaggerConfig.load(directory), parser)
        self.metrics = read_metrics(directory, METRICS_NAME)
        if base_model is None and tokenizer is None and wants_form(directory):
            damaged = damaged_weights(directory)
            if damaged is not None:  # before the form's build, which would record the failure in the cache
                raise load_error(directory, CONFIG_NAME, self.config.base_model, OSError(damaged[1]))
            from stance.attribution.tagger.fast import load_form, tagger_form

            form = tagger_form(directory, lambda: self._torch_weights(directory))
            if form is not None:
                self.model, self.tokenizer = load_form(form)
                log.info("attribution tagger %s: its ONNX Runtime form in %s", directory.name, form)
                return self
        self.model, self.tokenizer = self._torch_weights(directory, base_model, tokenizer)
        return self

    def _torch_weights(self, directory: Path, base_model=None, tokenizer=None):
        """The torch model (adapter merged) and tokenizer saved in ``directory``."""
        from safetensors import SafetensorError
        from transformers import AutoModelForTokenClassification

        try:
            model, tokenizer = load_weights(
                directory, self.config, AutoModelForTokenClassification,
                {"num_labels": len(TAGS), "id2label": dict(enumerate(TAGS)),
                 "label2id": {t: i for i, t in enumerate(TAGS)}},
                base_model=base_model, tokenizer=tokenizer)
        except StanceError:
            raise
        except (OSError, ValueError, RuntimeError, SafetensorError) as exc:  # damaged weights, a base not found
            raise load_error(directory, CONFIG_NAME, self.config.base_model, exc) from None
        return model.eval(), tokenizer
