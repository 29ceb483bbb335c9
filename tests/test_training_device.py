"""Where a model trains (`stance train --device`): the choice, its errors, and a run that says where it went."""

import pytest

from stance.errors import ConfigError
from stance.modelling.training import pick_device
from stance.stance_model.config import StanceConfig
from stance.stance_model.data import Pair
from stance.stance_model.model import StanceClassifier

torch = pytest.importorskip("torch")
LABELS = ("favor", "against", "neutral")
TRAIN = [Pair(f"statement {i} on the levy", "The levy should stay.", LABELS[i % 3]) for i in range(12)]


def test_auto_is_a_gpu_only_where_torch_sees_one():
    assert pick_device("auto") == ("cuda" if torch.cuda.is_available() else "cpu")
    assert pick_device("cpu") == "cpu"


@pytest.mark.parametrize("name", ["gpu", "cuda:x", "cpu:0", "tpu"])
def test_an_unknown_device_is_a_clear_error(name):
    with pytest.raises(ConfigError) as err:
        pick_device(name)
    assert str(err.value) == f"--device {name!r}: expected one of auto, cpu, cuda, mps or cuda:N"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_a_gpu_asked_for_where_there_is_none_never_falls_back_unsaid():
    with pytest.raises(ConfigError) as err:
        pick_device("cuda:1")
    assert str(err.value) == (f"--device cuda:1: torch sees no CUDA GPU here (torch {torch.__version__}); "
                              "use --device cpu, or install a CUDA build of torch")


def test_fit_trains_on_the_device_named_and_saves_from_the_cpu(tiny_bert, tmp_path, monkeypatch):
    import stance.stance_model.model as model_module

    asked = []
    monkeypatch.setattr(model_module, "pick_device", lambda name: asked.append(name) or "cpu")
    model, tokenizer = tiny_bert()
    config = StanceConfig(method="full", epochs=1, batch_size=4)
    clf = StanceClassifier(config).fit(TRAIN, TRAIN[:3], model=model, tokenizer=tokenizer, progress=False,
                                       device="cuda:3")
    assert asked == ["cuda:3"]
    assert {p.device.type for p in clf.model.parameters()} == {"cpu"}
    clf.save(tmp_path / "m")
    assert StanceClassifier.load(tmp_path / "m", base_model=tiny_bert()[0]).predict(["a"], ["b"])


def test_the_train_command_passes_the_device_on(monkeypatch, tmp_path):
    from stance.cli import main
    from stance.stance_model import training

    seen = {}

    def fake_train(*args, **kwargs):
        seen.update(kwargs)
        return {"finished": False, "history": []}

    monkeypatch.setattr(training, "train_model", fake_train)
    assert main(["train", "--data", "data/annotated", "--out", str(tmp_path / "m"), "--device", "cpu"]) == 0
    assert seen["device"] == "cpu"
    main(["train", "--data", "data/annotated", "--out", str(tmp_path / "m")])
    assert seen["device"] == "auto"
