"""The attribution tagger's fast form: its merged model as an fp32 ONNX graph with its tokenizer,
built once into the cache (:mod:`stance.modelling.cache`) and loaded with neither transformers nor
peft (importing them and merging the adapter took 3 to 5 s of `stance track`'s start).

The graph takes ``input_ids`` and ``attention_mask`` and is called like the torch model
(:class:`~stance.modelling.onnx_graph.OnnxGraph`), the tokenizer is
:class:`~stance.modelling.onnx_graph.WordPieces`: the tagger's own code runs unchanged.  Each build
is checked against torch on :data:`PROBES`: the same word pieces and offsets, every logit within
:data:`LOGIT_TOLERANCE` of torch's and every token's tag the same.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from stance.attribution.tagger.config import TaggerConfig
from stance.modelling.cache import FormCheckError, cached_form, has_onnxruntime, model_sources
from stance.modelling.onnx_graph import OnnxGraph, WordPieces, export_graph

FORM = "onnx-fp32-1"
"""The salt of a form's key: the export's format; a change here builds every form again."""
GRAPH_NAME = "model.onnx"
METRICS_NAME = "metrics.json"
LOGIT_TOLERANCE = 1e-3
PROBES = (
    "The minister said on Monday that the talks would resume next week.",
    '"We have no plans to leave," a spokesman told reporters, according to two officials.\n\n'
    "Critics argued the deal was unfair.",
)
"""Texts written for the build check (any text with attributions will do)."""


def tagger_form(folder: str | Path, torch_weights: Callable[[], tuple[Any, Any]],
                cache: Path | None = None) -> Path | None:
    """The cached form of the tagger in ``folder``, built on first use from ``torch_weights()``
    (the merged model and its tokenizer, as the torch tagger loads them); None when ONNX Runtime is
    missing or the form failed its check."""
    folder = Path(folder)
    if not has_onnxruntime():
        return None
    config = TaggerConfig.load(folder)
    sources = model_sources(folder, config.base_model if config.method == "lora" else None)
    return cached_form("onnx", folder.name, sources, lambda out: build_form(folder, out, *torch_weights()),
                       salt=FORM, cache=cache, what="the ONNX Runtime form of the attribution tagger")


def build_form(folder: Path, out: Path, model: Any, tokenizer: Any) -> dict:
    """Write the graph of ``model``, its tokenizer, the config and the metrics to ``out``; check it."""
    sample = tokenizer(["a sentence to trace the graph with"], return_tensors="pt")
    export_graph(model, {n: sample[n] for n in ("input_ids", "attention_mask")}, out / GRAPH_NAME, "logits")
    tokenizer.save_pretrained(out)
    TaggerConfig.load(folder).save(out)
    if (folder / METRICS_NAME).is_file():
        shutil.copy(folder / METRICS_NAME, out / METRICS_NAME)
    return check_form(model, tokenizer, *load_form(out))


def load_form(form: Path) -> tuple[OnnxGraph, WordPieces]:
    """The graph and the tokenizer of a built form."""
    return OnnxGraph.load(form / GRAPH_NAME), WordPieces.load(form)


def check_form(model: Any, tokenizer: Any, graph: OnnxGraph, pieces: WordPieces, probes=PROBES) -> dict:
    """The form beside the torch model on ``probes``: :class:`FormCheckError` unless the word pieces
    and offsets are the same, every logit within :data:`LOGIT_TOLERANCE` and every tag the same."""
    import torch

    worst, tags_differing = 0.0, 0
    for text in probes:
        want = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        got = pieces(text, add_special_tokens=False, return_offsets_mapping=True)
        if list(want["input_ids"]) != got["input_ids"] or [tuple(o) for o in want["offset_mapping"]] != \
                got["offset_mapping"]:
            raise FormCheckError(f"its tokenizer cuts {text[:40]!r}... differently from the model's")
        ids = torch.tensor([[pieces.cls_token_id, *got["input_ids"], pieces.sep_token_id]])
        batch = {"input_ids": ids, "attention_mask": torch.ones_like(ids)}
        with torch.inference_mode():
            expected = model(**batch).logits.float().numpy()
        found = graph(**batch).logits.numpy()
        worst = max(worst, float(np.abs(found - expected).max()))
        tags_differing += int((found.argmax(-1) != expected.argmax(-1)).sum())
    if worst > LOGIT_TOLERANCE:
        raise FormCheckError(f"its logits differ from torch's by up to {worst:.2g} on the probe texts; expected at "
                             f"most {LOGIT_TOLERANCE}")
    if tags_differing:
        raise FormCheckError(f"{tags_differing} token tags of the probe texts differ from torch's")
    return {"probes": len(probes), "tags_differing": 0, "max_logit_difference": worst}
