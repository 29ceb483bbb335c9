"""The tagger's configuration: a validated dataclass saved as JSON beside the weights."""

from __future__ import annotations

from dataclasses import dataclass

from stance.modelling.base import DEFAULT_BASE
from stance.modelling.config import JsonConfig

CONFIG_NAME = "tagger_config.json"
ROLES = ("source", "cue", "content")
TAGS = ("O", *(f"{bio}-{role}" for role in ROLES for bio in ("B", "I")))


@dataclass
class TaggerConfig(JsonConfig):
    CONFIG_NAME = CONFIG_NAME
    WRITTEN_BY = "scripts/train_tagger.py"

    base_model: str = DEFAULT_BASE
    method: str = "lora"
    """``lora`` (a small adapter on the base) or ``full``."""
    window: int = 256
    """Tokens per window, special tokens included; windows end at paragraph breaks where they can."""
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    lora_targets: tuple[str, ...] = ("query", "key", "value", "dense")
    epochs: int = 2
    batch_size: int = 8
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    seed: int = 13
    decoding: str = "words"
    """``words``: a tag per word, the best BIO-valid sequence (:func:`viterbi_words`);
    ``tokens``: each token's most likely tag."""

    def __post_init__(self) -> None:
        self.lora_targets = tuple(self.lora_targets)
        checks = [
            (self.method in ("lora", "full"), f"method must be 'lora' or 'full', found {self.method!r}"),
            (self.decoding in ("words", "tokens"), f"decoding must be 'words' or 'tokens', found {self.decoding!r}"),
            (32 <= self.window <= 512, f"window must be in [32, 512], found {self.window}"),
            (self.lora_r >= 1, f"lora_r must be at least 1, found {self.lora_r}"),
            (self.epochs >= 1, f"epochs must be at least 1, found {self.epochs}"),
            (self.batch_size >= 1, f"batch_size must be at least 1, found {self.batch_size}"),
            (0 < self.learning_rate < 1, f"learning_rate must be in (0, 1), found {self.learning_rate}"),
            (0 <= self.warmup_ratio < 1, f"warmup_ratio must be in [0, 1), found {self.warmup_ratio}"),
        ]
        self.check(checks)
