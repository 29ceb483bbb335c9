"""Transformer models as ONNX graphs: exported from torch (fp32) once, then run on ONNX Runtime with
the ``tokenizers`` library, so that a run imports neither transformers nor peft (nor torch, unless
its caller hands torch tensors).  The stance model, the attribution tagger and the issue detector's
sentence encoder keep such graphs in the cache (:mod:`stance.modelling.cache`).

    export_graph(model, {"input_ids": ids, "attention_mask": mask}, path, "logits")
    graph = OnnxGraph.load(path)
    logits = graph.run({"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from stance.errors import ConfigError

OPSET = 17


def export_graph(model: Any, inputs: Mapping[str, Any], path: str | Path, output: str, opset: int = OPSET) -> Path:
    """Write ``path``: the fp32 graph of ``model(**inputs).<output>`` (a transformers model, torch
    tensors in ``inputs``), its batch and token axes free.

    A copy of ``model`` is traced: with torch 2.13 and transformers 5, a model that was traced
    answers differently afterwards (its last hidden state moved by about 1 on a new text, while a
    fresh copy and the graph agree to 3e-6), so a caller comparing the graph with ``model`` later
    compares it with the model as it was."""
    import copy

    import torch

    names = list(inputs)

    class Output(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return getattr(self.inner(**dict(zip(names, args))), output)

    axes: dict[str, dict[int, str]] = {n: {0: "batch", 1: "tokens"} for n in names}
    axes[output] = {0: "batch"}
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the tracer's notes on the attention mask: the caller checks the graph
        torch.onnx.export(Output(copy.deepcopy(model).eval()), tuple(inputs[n] for n in names), str(path),
                          input_names=names, output_names=[output], dynamic_axes=axes, opset_version=opset,
                          dynamo=False)
    return Path(path)


class OnnxGraph:
    """An ONNX Runtime session of one exported graph: named int64 inputs, one output."""

    def __init__(self, session: Any, inputs: list[str], output: str) -> None:
        self.session, self.inputs, self.output = session, inputs, output

    @classmethod
    def load(cls, path: str | Path, threads: int | None = None) -> OnnxGraph:
        import onnxruntime as ort

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        return cls(session, [i.name for i in session.get_inputs()], session.get_outputs()[0].name)

    def run(self, feed: Mapping[str, np.ndarray]) -> np.ndarray:
        """The output for the inputs the graph takes (others in ``feed`` are left out)."""
        return self.session.run([self.output], {n: np.asarray(feed[n], dtype=np.int64) for n in self.inputs})[0]

    def __call__(self, **batch: Any) -> SimpleNamespace:
        """Called like the transformers model it came from, with torch tensors: ``graph(**batch).logits``."""
        import torch

        return SimpleNamespace(**{self.output: torch.from_numpy(self.run({k: v.numpy() for k, v in batch.items()}))})


def fast_tokenizer(directory: str | Path) -> Any:
    """The ``tokenizers.Tokenizer`` of a model folder's ``tokenizer.json``, with no truncation or
    padding set (the file may carry a length the model was saved with: callers set their own)."""
    from tokenizers import Tokenizer

    path = Path(directory) / "tokenizer.json"
    if not path.is_file():
        raise ConfigError(f"{path}: not found; expected the fast tokenizer of the model (tokenizer.json), "
                          "which transformers' save_pretrained writes")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def special_token(directory: str | Path, tokenizer: Any, role: str, default: str) -> tuple[str, int]:
    """A special token and its id (``role``: ``pad_token``, ``cls_token``, ``sep_token``), named in
    the folder's ``tokenizer_config.json`` (else ``default``)."""
    settings = Path(directory) / "tokenizer_config.json"
    token = json.loads(settings.read_text(encoding="utf-8")).get(role) if settings.is_file() else None
    token = token if isinstance(token, str) else default
    token_id = tokenizer.token_to_id(token)
    if token_id is None:
        raise ConfigError(f"{Path(directory) / 'tokenizer.json'}: the {role.replace('_', ' ')} {token!r} is not in "
                          "the vocabulary; expected the tokenizer the model was trained with")
    return token, int(token_id)


class WordPieces:
    """The part of a transformers tokenizer the attribution tagger reads, from ``tokenizers`` alone:
    ``pieces(text, add_special_tokens=False, return_offsets_mapping=True)`` gives ``input_ids`` and
    ``offset_mapping``, and ``pad_token_id``, ``cls_token_id``, ``sep_token_id`` are set."""

    def __init__(self, tokenizer: Any, pad_token_id: int, cls_token_id: int, sep_token_id: int) -> None:
        self.tokenizer = tokenizer
        self.pad_token_id, self.cls_token_id, self.sep_token_id = pad_token_id, cls_token_id, sep_token_id

    @classmethod
    def load(cls, directory: str | Path) -> WordPieces:
        tokenizer = fast_tokenizer(directory)
        ids = [special_token(directory, tokenizer, role, default)[1]
               for role, default in (("pad_token", "[PAD]"), ("cls_token", "[CLS]"), ("sep_token", "[SEP]"))]
        return cls(tokenizer, *ids)

    def __call__(self, text: str, add_special_tokens: bool = True,
                 return_offsets_mapping: bool = False) -> dict[str, list]:
        encoded = self.tokenizer.encode(text, add_special_tokens=add_special_tokens)
        out: dict[str, list] = {"input_ids": list(encoded.ids), "attention_mask": list(encoded.attention_mask)}
        if return_offsets_mapping:
            out["offset_mapping"] = [tuple(o) for o in encoded.offsets]
        return out
