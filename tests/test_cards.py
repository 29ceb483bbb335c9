"""Model cards: rendered from a template with YAML front matter, identical to the committed ones, no narrative."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml

from stance.attribution.tagger.config import TaggerConfig
from stance.modelling.folders import SHIPPED_MODELS
from stance.stance_model.config import StanceConfig

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["stance-minilm", "stance-mpnet", "attribution-minilm", "attribution-mpnet"]
BANNED = ("this session", "slow day", "not kept", "today", "runs/", "previous version")
FRONT_KEYS = {"library_name", "base_model", "license", "language", "pipeline_tag", "tags", "datasets",
              "model-index"}


def _script():
    spec = importlib.util.spec_from_file_location("render_cards", ROOT / "scripts" / "render_cards.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _front_matter(card: str) -> dict:
    assert card.startswith("---\n")
    head, _, _ = card[4:].partition("\n---\n")
    return yaml.safe_load(head)


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    render = _script().render
    return {name: render(SHIPPED_MODELS / name) for name in FOLDERS}


@pytest.mark.parametrize("name", FOLDERS)
def test_shipped_card_is_its_rendering(rendered, name):
    committed = (SHIPPED_MODELS / name / "README.md").read_text(encoding="utf-8")
    assert committed == rendered[name], f"{name}/README.md is generated: run `python scripts/render_cards.py`"


@pytest.mark.parametrize("name, task", [("stance-minilm", "text-classification"),
                                        ("attribution-minilm", "token-classification")])
def test_front_matter_is_hugging_face_yaml(rendered, name, task):
    meta = _front_matter(rendered[name])
    assert set(meta) >= FRONT_KEYS
    assert meta["library_name"] == "peft" and meta["base_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert meta["language"] == "en" and meta["pipeline_tag"] == task and meta["license"]
    assert meta["tags"] and meta["datasets"]
    (index,) = meta["model-index"]
    assert index["name"] == name and index["results"]
    for result in index["results"]:
        assert result["task"]["type"] == task and result["dataset"]["split"]
        assert all(0 <= m["value"] <= 1 and m["type"] and m["name"] for m in result["metrics"])


@pytest.mark.parametrize("name", FOLDERS)
def test_no_run_history_in_cards(rendered, name):
    text = rendered[name].lower()
    assert not [phrase for phrase in BANNED if phrase in text]
    assert f"# {name}\n" in rendered[name]


def test_renderer_on_a_made_up_stance_model(tmp_path):
    from stance.stance_model.card import folder_card

    folder = tmp_path / "stance-tiny"
    folder.mkdir()
    StanceConfig(epochs=2, sources={"project": 1.0, "vast": 0.5}).save(folder)
    metrics = {"history": [{"epoch": 1, "train_loss": 0.5}], "train_pairs": 10, "steps": 2, "train_seconds": 3.5,
               "trained_at": "2026-01-02T10:11:12", "note": "narrative is never copied",
               "eval": {"project_test": {"n": 5, "accuracy": 0.8, "macro_f1": 0.75, "f_avg": 0.7, "ece": 0.05},
                        "vast_dev": {"n": 4, "accuracy": 0.5, "macro_f1": 0.4, "f_avg": 0.3}}}
    (folder / "metrics.json").write_text(json.dumps(metrics))
    card = folder_card(folder)
    assert card == folder_card(folder)
    meta = _front_matter(card)
    assert set(meta) >= FRONT_KEYS and meta["datasets"] == ["project", "vast"]
    results = meta["model-index"][0]["results"]
    assert [(r["dataset"]["type"], r["dataset"]["split"]) for r in results] == [("project", "test"), ("vast", "dev")]
    assert {"type": "f1", "name": "macro-F1", "value": 0.75} in results[0]["metrics"]
    assert "# stance-tiny\n" in card and "| trained | 2026-01-02 |" in card and "10:11" not in card
    assert "| VAST | dev | 4 | 40.0 | 30.0 | 50.0 |" in card and "narrative" not in card
    assert str(tmp_path) not in card


def test_a_quality_tier_card_names_its_base_its_corpus_and_where_it_trained(tmp_path):
    from stance.stance_model.card import folder_card

    folder = tmp_path / "stance-big"
    folder.mkdir()
    StanceConfig(base_model="all-mpnet-base-v2", sources={"project": 0.3, "corpus": 1.0}).save(folder)
    metrics = {"history": [{"epoch": 1, "train_loss": 0.5}], "steps": 2, "train_seconds": 3725, "device": "cuda:1"}
    (folder / "metrics.json").write_text(json.dumps(metrics))
    card = folder_card(folder)
    meta = _front_matter(card)
    assert meta["base_model"] == "sentence-transformers/all-mpnet-base-v2" and "mpnet" in meta["tags"]
    assert "A LoRA adapter on all-mpnet-base-v2 that reads" in card
    assert "a 12-layer MPNet with 110M parameters" in card
    assert "| `corpus` | stance corpus | 1.0 | invented (target, statement) pairs in news register" in card
    assert "training time on GPU (cuda:1): 3,725 s (1 h 02 min)" in card
    metrics.update(device="cpu", resumed=True)
    (folder / "metrics.json").write_text(json.dumps(metrics))
    assert "training time on CPU: 3,725 s (1 h 02 min) (the last chunk of a resumed run)" in folder_card(folder)


def test_renderer_on_a_made_up_tagger_without_figures(tmp_path):
    from stance.attribution.tagger.card import tagger_card

    card = tagger_card(TaggerConfig(method="full", decoding="tokens"), {}, "python scripts/train_tagger.py --out x",
                       name="tagger-tiny")
    meta = _front_matter(card)
    assert meta["library_name"] == "transformers" and meta["pipeline_tag"] == "token-classification"
    assert "model-index" not in meta and "No evaluation figures were recorded." in card
    assert "--out x" not in card and "# tagger-tiny\n" in card


def test_the_quality_taggers_card_names_its_base_and_how_it_trained(rendered):
    card = rendered["attribution-mpnet"]
    assert _front_matter(card)["base_model"] == "sentence-transformers/all-mpnet-base-v2"
    assert "A LoRA adapter on all-mpnet-base-v2 that tags" in card
    assert "training time on CPU" in card and "(matrix products in bfloat16, weights in float32)" in card
    assert "mpnet" in _front_matter(card)["tags"] and "minilm" not in _front_matter(card)["tags"]
