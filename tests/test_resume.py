"""A run cut into chunks and resumed from its saved training state ends with the same weights as
one run never stopped (tiny random BERT, dev-based epoch choice and all)."""

import hashlib

import pytest

from stance.errors import ConfigError
from stance.stance_model.config import StanceConfig
from stance.stance_model.data import Pair
from stance.stance_model.model import StanceClassifier

LABELS = ("favor", "against", "neutral")
TRAIN = [Pair(f"statement {i} on the levy, with {'strong' if i % 2 else 'weak'} words", "The levy should stay.",
              LABELS[i % 3]) for i in range(36)]
DEV = TRAIN[:9]


def digest(clf: StanceClassifier) -> str:
    h = hashlib.sha256()
    for name, value in sorted(clf.model.state_dict().items()):
        h.update(name.encode() + value.detach().numpy().tobytes())
    return h.hexdigest()


def fit(tiny_bert, folder, **kw) -> StanceClassifier:
    model, tokenizer = tiny_bert()
    config = StanceConfig(method="full", epochs=4, batch_size=8, patience=10, learning_rate=1e-3)
    return StanceClassifier(config).fit(TRAIN, DEV, model=model, tokenizer=tokenizer, progress=False,
                                        checkpoint_dir=folder, **kw)


def test_resume_gives_the_same_weights(tiny_bert, tmp_path):
    whole = fit(tiny_bert, tmp_path / "whole")
    assert whole.metrics["finished"] and len(whole.metrics["history"]) == 4
    first = fit(tiny_bert, tmp_path / "cut", stop_after=1)
    assert first.metrics["finished"] is False and len(first.metrics["history"]) == 1
    second = fit(tiny_bert, tmp_path / "cut", resume=True, stop_after=2)
    assert second.metrics["finished"] is False and [r["epoch"] for r in second.metrics["history"]] == [1, 2, 3]
    last = fit(tiny_bert, tmp_path / "cut", resume=True, stop_after=2)
    assert last.metrics["finished"] and last.metrics["history"] == whole.metrics["history"]
    assert digest(last) == digest(whole)
    assert last.config.temperature == whole.config.temperature


def test_resume_without_a_state_is_a_clear_error(tiny_bert, tmp_path):
    with pytest.raises(ConfigError, match=r"no saved training state \(training_state.json and its tensor "
                                          r"shards\); expected the checkpoint folder"):
        fit(tiny_bert, tmp_path / "empty", resume=True)


def test_state_in_shards_and_a_missing_shard(tiny_bert, tmp_path, monkeypatch):
    from stance.modelling import training

    monkeypatch.setattr(training, "SHARD_BYTES", 50_000)  # the tiny model's state then needs several shards
    whole = fit(tiny_bert, tmp_path / "whole")
    fit(tiny_bert, tmp_path / "cut", stop_after=2)
    shards = sorted((tmp_path / "cut").glob("training_state-*.safetensors"))
    assert len(shards) > 2  # a shard holds one tensor larger than the limit, else stays under it
    assert digest(fit(tiny_bert, tmp_path / "cut", resume=True)) == digest(whole)
    shards[1].unlink()
    with pytest.raises(ConfigError, match=r"training_state-00002.safetensors: a shard of the saved training state "
                                          r"is missing"):
        fit(tiny_bert, tmp_path / "cut", resume=True)
