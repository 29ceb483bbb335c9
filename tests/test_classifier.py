import json

import numpy as np
import pytest

from stance.errors import ConfigError, InputError, NotFittedError
from stance.stance_model.calibration import expected_calibration_error, fit_temperature
from stance.stance_model.config import StanceConfig
from stance.stance_model.data import Pair, load_pairs
from stance.stance_model.metrics import stance_metrics
from stance.stance_model.model import StanceClassifier

TARGET = "The United States should carry out drone strikes inside Pakistan."
PAIRS = [
    Pair("The minister said drone strikes must stop at once.", TARGET, "against"),
    Pair("The general said the strikes were vital and should continue.", TARGET, "favor"),
    Pair("A drone strike was reported in the north on Monday.", TARGET, "neutral"),
] * 4


def test_predict_before_fit_raises_value_error():
    with pytest.raises(NotFittedError, match="not fitted yet") as info:
        StanceClassifier().predict(["text"], [TARGET])
    assert isinstance(info.value, ValueError)


def test_config_validation_names_field():
    with pytest.raises(ConfigError, match=r"StanceConfig: method must be 'lora' or 'full', found 'qlora'"):
        StanceConfig(method="qlora")


@pytest.mark.parametrize("method", ["lora", "full"])
def test_fit_save_load_roundtrip(tmp_path, tiny_bert, method):
    model, tokenizer = tiny_bert()
    cfg = StanceConfig(method=method, epochs=2, batch_size=4, learning_rate=1e-3, lora_targets=("query", "value"))
    clf = StanceClassifier(cfg).fit(PAIRS, PAIRS[:3], model=model, tokenizer=tokenizer, progress=False)
    texts, targets = [p.text for p in PAIRS[:3]], [TARGET] * 3
    before = clf.predict_proba(texts, targets)
    clf.save(tmp_path)
    saved = json.loads((tmp_path / "stance_config.json").read_text())
    assert saved["method"] == method and saved["temperature"] == pytest.approx(clf.config.temperature)
    assert (tmp_path / "metrics.json").is_file()
    base, _ = tiny_bert()
    loaded = StanceClassifier.load(tmp_path, base_model=base, tokenizer=tokenizer)
    np.testing.assert_allclose(loaded.predict_proba(texts, targets), before, atol=1e-5)
    scored = loaded.predict(texts, targets)
    assert [s.stance in ("favor", "against", "neutral") for s in scored] == [True] * 3
    assert all(abs(sum(s.scores.values()) - 1) < 1e-5 for s in scored)


def test_abstain_turns_low_confidence_into_neutral(tiny_bert):
    model, tokenizer = tiny_bert()
    clf = StanceClassifier(StanceConfig(abstain_threshold=0.99, epochs=1))
    clf.model, clf.tokenizer = model.eval(), tokenizer
    scored = clf.predict([PAIRS[0].text], [TARGET])[0]
    assert scored.stance == "neutral" and scored.abstained


def test_metrics_f_avg_and_confusion():
    m = stance_metrics(["favor", "against", "neutral", "against"], ["favor", "against", "against", "against"])
    assert m["f1_favor"] == 1.0 and m["f1_neutral"] == 0.0
    assert m["f_avg"] == pytest.approx((1.0 + 0.8) / 2)
    assert m["confusion"] == [[1, 0, 0], [0, 2, 0], [0, 1, 0]]


def test_temperature_and_ece():
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, 500)
    logits = rng.normal(size=(500, 3))
    logits[np.arange(500), gold] += 1.0
    overconfident = logits * 5
    t = fit_temperature(overconfident, gold)
    assert t > 2
    p = lambda z: np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert expected_calibration_error(p(overconfident / t), gold) < expected_calibration_error(p(overconfident), gold)


def test_load_pairs_reports_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text(json.dumps({"text": "a", "target": "t", "label": "favor"}) + "\n{broken\n")
    with pytest.raises(InputError, match=r"pairs.jsonl:2: expected a JSON object with text and label"):
        load_pairs(path)


def test_load_table_with_column_mapping(tmp_path):
    from stance.stance_model.data import load_table

    path = tmp_path / "tweets.csv"
    path.write_text("Tweet,Target,Stance\nGreat plan,Dams,FAVOR\nNo way,Dams,AGAINST\nhm,Dams,NONE\n")
    pairs = load_table(path, {"text": "Tweet", "target": "Target", "label": "Stance"})
    assert [(p.text, p.target, p.label) for p in pairs] == [
        ("Great plan", "Dams", "favor"), ("No way", "Dams", "against"), ("hm", "Dams", "neutral")]
    path.write_text("Tweet,Target,Stance\nx,Dams,MAYBE\n")
    with pytest.raises(InputError, match=r"tweets.csv:2: expected columns"):
        load_table(path, {"text": "Tweet", "target": "Target", "label": "Stance"})


def test_lora_on_a_base_with_q_k_v_names():
    from transformers import MPNetConfig, MPNetForSequenceClassification

    from stance.stance_model.model import lora_targets

    tiny = MPNetForSequenceClassification(MPNetConfig(vocab_size=100, hidden_size=16, num_hidden_layers=1,
                                                      num_attention_heads=2, intermediate_size=32, num_labels=3))
    assert lora_targets(tiny, ("query", "key", "value", "dense")) == ["q", "k", "v", "dense", "o"]
    clf = StanceClassifier(StanceConfig())
    model, _ = clf._build(tiny, object())
    lora = {n.split(".lora_A")[0].split(".")[-1] for n, _ in model.named_parameters() if "lora_A" in n}
    assert {"q", "k", "v", "o", "dense"} <= lora


def test_onnx_export_agrees_with_torch(tmp_path, tiny_model_dir):
    pytest.importorskip("onnxruntime")
    from stance.pipeline.local import load_predictor
    from stance.stance_model.onnx import OnnxStanceClassifier, export_onnx

    texts = [p.text for p in PAIRS[:3]] + ["A much longer statement " * 20]
    targets = [TARGET] * 4
    torch_probs = StanceClassifier.load(tiny_model_dir).predict_proba(texts, targets)
    export_onnx(tiny_model_dir, tmp_path / "fp32", quantize=False)
    fp32 = load_predictor(tmp_path / "fp32")
    assert isinstance(fp32, OnnxStanceClassifier)
    np.testing.assert_allclose(fp32.predict_proba(texts, targets), torch_probs, atol=1e-4)
    export_onnx(tiny_model_dir, tmp_path / "int8", recheck_margin=0)
    assert not (tmp_path / "int8" / "model-fp32.onnx").exists()
    int8 = OnnxStanceClassifier.load(tmp_path / "int8")
    assert int8.predict_proba(texts, targets).shape == (4, 3) and int8.rechecked == 0
    # close calls re-scored in fp32: with a margin of 1 every pair is one, so the answers are fp32's
    export_onnx(tiny_model_dir, tmp_path / "recheck", recheck_margin=1.0)
    recheck = OnnxStanceClassifier.load(tmp_path / "recheck")
    np.testing.assert_allclose(recheck.predict_proba(texts, targets), torch_probs, atol=1e-4)
    assert recheck.rechecked == 4
    with pytest.raises(ConfigError, match=r"^recheck_margin must be in \[0, 1\], found 2.0$"):
        export_onnx(tiny_model_dir, tmp_path / "bad", recheck_margin=2.0)
    with pytest.raises(ConfigError, match=r"no model.onnx; create one with `stance export"):
        OnnxStanceClassifier.load(tmp_path)


def test_second_stage_goes_on_from_a_saved_model(tmp_path, tiny_model_dir):
    start = StanceClassifier.load(tiny_model_dir)
    texts, targets = [p.text for p in PAIRS[:3]], [TARGET] * 3
    before = start.predict_proba(texts, targets)
    clf = StanceClassifier(StanceConfig(method="full", epochs=1, batch_size=4, learning_rate=1e-3))
    clf.fit(PAIRS, init=tiny_model_dir, progress=False)
    after = clf.predict_proba(texts, targets)
    assert after.shape == before.shape and not np.allclose(after, before)
    assert clf.model.config.hidden_size == 32  # the saved tiny model, not the base


def test_export_cli_default_margin_is_the_library_default():
    from stance.cli.main import build_parser
    from stance.stance_model.onnx import RECHECK_MARGIN

    args = build_parser().parse_args(["export", "--out", "x"])
    assert args.recheck_margin == RECHECK_MARGIN == 0.5
