"""Twin reading: a pair also read against its negated target, the two readings averaged."""

from __future__ import annotations

import numpy as np
import pytest

from stance.stance_model.config import StanceConfig
from stance.stance_model.model import Predicting, twin_logits
from stance.stance_model.negation import negate_target

LABELS = ("favor", "against", "neutral")


class ToneReader(Predicting):
    """Reads mostly tone (-2 for "failed"), and the target a little: +1.5 toward favor on a target
    as stated, -0.5 on its negation ("not").  Read once, the tone wins on both; ``target_weight`` 0
    reads tone alone."""

    def __init__(self, twin: bool, target_weight: float = 1.0) -> None:
        self.config = StanceConfig(twin_reading=twin)
        self.target_weight = target_weight

    def _logits(self, texts, targets, batch_size=32):
        rows = []
        for text, target in zip(texts, targets):
            tone = -2.0 if "failed" in text else 2.0
            lean = self.target_weight * (-0.5 if " not " in f" {target} " else 1.5)
            rows.append([tone + lean, -tone - lean, 0.0])
        return np.array(rows, dtype=np.float32)


def test_twin_logits_swaps_favor_and_against_whatever_the_label_order():
    logits = np.array([[1.0, 2.0, 3.0]])
    negated = np.array([[4.0, 6.0, 8.0]])  # in ("neutral", "against", "favor") order
    assert twin_logits(logits, negated, ("neutral", "against", "favor")).tolist() == [[2.5, 5.0, 4.5]]
    assert twin_logits(logits, negated, LABELS).tolist() == [[3.5, 3.0, 5.5]]


def test_without_twin_reading_a_tone_reader_gives_a_target_and_its_negation_the_same_answer():
    model = ToneReader(twin=False)
    target = "Taxes on the wealthy should be raised."
    text = "Slashing taxes on the wealthy has failed, she said."
    answers = [s.stance for s in model.predict([text, text], [target, negate_target(target)])]
    assert answers == ["against", "against"]


def test_twin_reading_turns_the_answer_with_the_target():
    model = ToneReader(twin=True)
    target = "Taxes on the wealthy should be raised."
    text = "Slashing taxes on the wealthy has failed, she said."
    probs = model.predict_proba([text, text], [target, negate_target(target)])
    # the two rows mirror each other: favor and against swapped, neutral the same
    np.testing.assert_allclose(probs[0], probs[1][[1, 0, 2]], atol=1e-6)
    answers = [s.stance for s in model.predict([text, text], [target, negate_target(target)])]
    assert answers == ["favor", "against"]


def test_a_pure_tone_reader_read_twice_abstains():
    """Its two readings cancel: no answer is better than one that follows the tone."""
    model = ToneReader(twin=True, target_weight=0.0)
    target = "Taxes on the wealthy should be raised."
    scored = model.predict(["Slashing taxes on the wealthy has failed, she said."], [target])[0]
    assert (scored.stance, scored.abstained) == ("neutral", True)


def test_twin_reading_is_saved_with_the_config(tmp_path):
    StanceConfig(twin_reading=True).save(tmp_path)
    assert StanceConfig.load(tmp_path).twin_reading is True
    StanceConfig().save(tmp_path)
    assert StanceConfig.load(tmp_path).twin_reading is False


def test_stance_train_takes_twin_reading():
    from stance.cli.main import build_parser

    args = build_parser().parse_args(["train", "--data", "d", "--out", "o", "--twin-reading"])
    assert args.twin_reading is True
    assert build_parser().parse_args(["train", "--data", "d", "--out", "o"]).twin_reading is False


@pytest.mark.parametrize("target", ["Taxes on the wealthy should be raised.", "Nuclear power is safe",
                                    "Donald Trump"])
def test_negating_twice_gives_the_target_back(target):
    """Twin reading leans on this: the negated target's negation is the target."""
    assert negate_target(negate_target(target)) == target


def test_a_name_or_topic_is_read_once():
    """Only propositions get a twin: a topic's "Opposition to ..." reading is not averaged in."""
    model = ToneReader(twin=True)
    calls = []
    read_once = model._logits

    def counting(texts, targets, batch_size=32):
        calls.append(list(targets))
        return read_once(texts, targets, batch_size)

    model._logits = counting
    texts = ["Slashing taxes on the wealthy has failed, she said."] * 2
    model.read(texts, ["Donald Trump", "Taxes on the wealthy should be raised."])
    assert calls == [["Donald Trump", "Taxes on the wealthy should be raised."],
                     ["Taxes on the wealthy should not be raised."]]
    np.testing.assert_allclose(model.read(texts[:1], ["Donald Trump"]), ToneReader(twin=False).read(
        texts[:1], ["Donald Trump"]))


@pytest.mark.parametrize(("target", "expected"), [
    ("Taxes on the wealthy should be raised.", True), ("Nuclear power is safe", True),
    ("The city ought to build it", True), ("Donald Trump", False), ("face masks", False),
    ("Opposition to gun control", False)])
def test_is_proposition(target, expected):
    from stance.stance_model.negation import is_proposition

    assert is_proposition(target) is expected
