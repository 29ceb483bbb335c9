"""The stance model's configuration: a validated dataclass saved as JSON next to the weights."""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.modelling.base import DEFAULT_BASE
from stance.modelling.config import JsonConfig
from stance.records import STANCES

CONFIG_NAME = "stance_config.json"
"""Symbolic name of the offline base: the model directory of the pip package of that name."""


@dataclass
class StanceConfig(JsonConfig):
    CONFIG_NAME = CONFIG_NAME
    WRITTEN_BY = "`stance train`"

    base_model: str = DEFAULT_BASE
    method: str = "lora"
    """``lora`` (a small adapter on the base) or ``full`` (every weight trained)."""
    labels: tuple[str, ...] = STANCES
    max_length: int = 160
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    lora_targets: tuple[str, ...] = ("query", "key", "value", "dense")
    epochs: int = 10
    batch_size: int = 16
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    patience: int = 3
    class_weighting: bool = True
    length_buckets: bool = False
    """Batch examples of similar length together (faster on mixed-length data such as VAST)."""
    seed: int = 13
    temperature: float = 1.0
    """Set by calibration on the dev split: logits are divided by it."""
    abstain_threshold: float = 0.45
    """A top probability below this turns the prediction into ``neutral``, flagged as abstained."""
    twin_reading: bool = False
    """Also read every pair whose target is a proposition against its negated target
    (:func:`~stance.stance_model.negation.negate_target`) and average the two readings' logits, favor
    and against swapped: the answer then turns with the target by construction, at twice the cost of
    one reading.  Names and topics are read once."""
    sources: dict[str, float] = field(default_factory=dict)
    """Training sources and their sampling weights, recorded for the model card."""

    def __post_init__(self) -> None:
        self.labels = tuple(self.labels)
        self.lora_targets = tuple(self.lora_targets)
        self.validate()

    def validate(self) -> None:
        checks = [
            (self.method in ("lora", "full"), f"method must be 'lora' or 'full', found {self.method!r}"),
            (set(self.labels) == set(STANCES) and len(self.labels) == 3,
             f"labels must be {list(STANCES)} in some order, found {list(self.labels)}"),
            (16 <= self.max_length <= 512, f"max_length must be in [16, 512], found {self.max_length}"),
            (self.lora_r >= 1, f"lora_r must be at least 1, found {self.lora_r}"),
            (0 <= self.lora_dropout < 1, f"lora_dropout must be in [0, 1), found {self.lora_dropout}"),
            (self.epochs >= 1, f"epochs must be at least 1, found {self.epochs}"),
            (self.batch_size >= 1, f"batch_size must be at least 1, found {self.batch_size}"),
            (0 < self.learning_rate < 1, f"learning_rate must be in (0, 1), found {self.learning_rate}"),
            (0 <= self.warmup_ratio < 1, f"warmup_ratio must be in [0, 1), found {self.warmup_ratio}"),
            (self.patience >= 1, f"patience must be at least 1, found {self.patience}"),
            (self.temperature > 0, f"temperature must be positive, found {self.temperature}"),
            (0 <= self.abstain_threshold < 1, f"abstain_threshold must be in [0, 1), found {self.abstain_threshold}"),
        ]
        self.check(checks)
