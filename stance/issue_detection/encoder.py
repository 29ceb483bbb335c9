"""Sentence embeddings from the base model (all-MiniLM-L6-v2 by default): mean pooling over the
last hidden state, L2-normalised, as the sentence-transformers model was trained to be read.

Torch and transformers are imported on :meth:`SentenceEncoder.load`, never at import time.
Embeddings are kept in a least-recently-used cache keyed by a hash of the text, so that issue
texts, and statements that come back (a relabel, a repeated quote), are encoded once.
"""

from __future__ import annotations

import functools
import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np

from stance.errors import ConfigError
from stance.modelling.base import DEFAULT_BASE, resolve_base

BATCH_SIZE = 64
"""Texts per forward pass (sorted by length first, so a batch pads little)."""
MAX_TOKENS = 128
"""Longer texts are cut: all-MiniLM-L6-v2 was trained on 128 word pieces."""
CACHE_SIZE = 100_000
"""Embeddings kept (384 floats each: about 150 MB when full)."""


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
        loaded offline."""
        from transformers import AutoModel, AutoTokenizer

        path = resolve_base(base)
        model = AutoModel.from_pretrained(path)
        model.eval()
        return cls(model, AutoTokenizer.from_pretrained(path), **kwargs)

    @property
    def dimension(self) -> int:
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
        import torch

        order = sorted(range(len(texts)), key=lambda k: len(texts[k]))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        with torch.inference_mode():
            for first in range(0, len(order), self.batch_size):
                chunk = order[first:first + self.batch_size]
                batch = self.tokenizer([texts[k] for k in chunk], padding=True, truncation=True,
                                       max_length=self.max_tokens, return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
                out[chunk] = pooled.float().numpy()
        self.encoded += len(texts)
        return out


def load_encoder(base: str = DEFAULT_BASE) -> SentenceEncoder:
    """One :class:`SentenceEncoder` per base and process (its cache shared by every detector)."""
    return _shared(base)


@functools.lru_cache(maxsize=4)
def _shared(base: str) -> SentenceEncoder:
    return SentenceEncoder.load(base)
