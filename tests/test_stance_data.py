"""Public-set loaders on rows written here, data errors, multi-dev selection
with checkpoints, and the benchmark's scoring protocols."""

import importlib.util
import json

import numpy as np
import pytest
from conftest import ROOT

from stance.errors import InputError
from stance.stance_model.config import StanceConfig
from stance.stance_model.data import Pair
from stance.stance_model.metrics import stance_metrics
from stance.stance_model.model import StanceClassifier
from stance.stance_model.public import load_public
from stance.stance_model.training import project_splits


def write(path, text, encoding="utf-8"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)


@pytest.fixture
def public_root(tmp_path):
    root = tmp_path / "data"
    write(root / "semeval2016" / "trainingdata-all-annotations.txt",
          "ID\tTarget\tTweet\tStance\n1\tAtheism\tGod is great \u2013 always\tAGAINST\n2\tAtheism\tno gods\tFAVOR\n",
          encoding="cp1252")
    write(root / "semeval2016" / "trialdata-all-annotations.txt",
          "ID\tTarget\tTweet\tStance\n3\tHillary Clinton\tmeh\tNONE\n")
    for who, target in (("bernie", "Bernie Sanders"), ("biden", "Joe Biden"), ("trump", "Donald Trump")):
        write(root / "pstance" / f"raw_val_{who}.csv", f"Tweet,Target,Stance\nvote {who},{target},FAVOR\n")
    for t in ("face_masks", "fauci", "school_closures", "stay_at_home_orders"):
        write(root / "covid19_stance" / f"{t}_val.csv",
              "Tweet,Target,Stance,Opinion Towards,Sentiment,Tweet Id\nok,x,NONE,,,1\n")
    write(root / "vast" / "vast_train.csv", 'post,topic_str,label\n"long, comment",gun control,1\n')
    write(root / "vast" / "vast_dev_reduced.csv",
          "Tweet,Target 1,Stance 1,seen?\nc1,nuclear power,AGAINST,0\nc2,gun control,FAVOR,1\n")
    return root


def test_public_loaders_map_to_one_label_space(public_root):
    semeval = load_public("semeval2016", public_root, "train")
    assert [(p.text, p.target, p.label) for p in semeval] == [
        ("God is great \u2013 always", "Atheism", "against"), ("no gods", "Atheism", "favor")]
    assert load_public("semeval2016", public_root, "dev")[0].label == "neutral"
    assert [(p.target, p.label) for p in load_public("pstance", public_root, "dev")] == [
        ("Bernie Sanders", "favor"), ("Joe Biden", "favor"), ("Donald Trump", "favor")]
    covid = load_public("covid19_stance", public_root, "dev")
    assert [p.target for p in covid][:2] == ["wearing face masks", "Anthony Fauci"] and covid[0].issue == "face_masks"
    assert [(p.text, p.target, p.label) for p in load_public("vast", public_root, "train")] == [
        ("long, comment", "gun control", "favor")]
    assert [(p.label, p.group) for p in load_public("vast", public_root, "dev")] == [
        ("against", "unseen"), ("favor", "seen")]


def test_public_loader_missing_column(public_root):
    write(public_root / "vast" / "vast_train.csv", "post,label\nx,1\n")
    with pytest.raises(InputError) as err:
        load_public("vast", public_root, "train")
    assert str(err.value) == (f"{public_root}/vast/vast_train.csv:1: expected columns ['post', 'topic_str', 'label'], "
                              "found ['post', 'label']; missing ['topic_str']")


def test_public_loader_unknown_label(public_root):
    write(public_root / "vast" / "vast_train.csv", "post,topic_str,label\na,b,1\nx,y,7\n")
    with pytest.raises(InputError) as err:
        load_public("vast", public_root, "train")
    assert str(err.value) == (f"{public_root}/vast/vast_train.csv:3: "
                              "expected a VAST label among ['0', '1', '2'], found '7'")
    write(public_root / "semeval2016" / "trialdata-all-annotations.txt", "ID\tTarget\tTweet\tStance\n1\tA\tt\tMAYBE\n")
    with pytest.raises(InputError, match=r"trialdata-all-annotations.txt:2: expected a label among"):
        load_public("semeval2016", public_root, "dev")


def test_public_loader_empty_and_absent(public_root, tmp_path):
    write(public_root / "semeval2016" / "trialdata-all-annotations.txt", "ID\tTarget\tTweet\tStance\n")
    with pytest.raises(InputError, match=r"trialdata-all-annotations.txt: has a header but no rows"):
        load_public("semeval2016", public_root, "dev")
    with pytest.raises(InputError, match=r"not found; expected a public stance data set there; pass --public-root DIR "
                                         r"\(or set STANCE_PUBLIC_DATA\)"):
        load_public("pstance", tmp_path / "nowhere", "train")
    with pytest.raises(ValueError, match=r"unknown public set 'imdb'"):
        load_public("imdb", public_root, "train")


def test_empty_project_split(tmp_path):
    write(tmp_path / "train.jsonl", json.dumps({"text": "a", "target": "t", "label": "favor"}) + "\n")
    write(tmp_path / "dev.jsonl", "\n")
    with pytest.raises(InputError) as err:
        project_splits(tmp_path)
    assert str(err.value) == f"{tmp_path}/dev.jsonl: is empty; expected one labelled pair per line in the dev split"


def test_macro_f1_counts_only_classes_that_occur():
    m = stance_metrics(["favor", "against"], ["favor", "against"])
    assert m["macro_f1"] == 1.0 and m["f_avg"] == 1.0


TARGET = "The United States should carry out drone strikes inside Pakistan."
PAIRS = [Pair("The minister said drone strikes must stop.", TARGET, "against"),
         Pair("The general said the strikes should continue.", TARGET, "favor"),
         Pair("A drone strike was reported on Monday.", TARGET, "neutral")] * 4


def test_several_dev_sets_select_on_their_mean_and_checkpoint(tmp_path, tiny_bert):
    model, tokenizer = tiny_bert()
    cfg = StanceConfig(method="full", epochs=2, batch_size=4, learning_rate=1e-3)
    clf = StanceClassifier(cfg).fit(PAIRS, {"project": PAIRS[:3], "tweets": PAIRS[3:9]}, model=model,
                                    tokenizer=tokenizer, progress=False, checkpoint_dir=tmp_path / "ckpt")
    first = clf.metrics["history"][0]
    assert set(first) >= {"dev_project_macro_f1", "dev_tweets_macro_f1", "dev_macro_f1"}
    assert first["dev_macro_f1"] == pytest.approx((first["dev_project_macro_f1"] + first["dev_tweets_macro_f1"]) / 2)
    assert clf.metrics["dev_pairs"] == 9
    saved = json.loads((tmp_path / "ckpt" / "metrics.json").read_text())
    assert saved["checkpoint"] is True and saved["history"][0]["epoch"] == 1


def _benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_stance", ROOT / "scripts" / "benchmark_stance.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_protocols():
    bench = _benchmark()
    test = [Pair("a", "Joe Biden", "favor"), Pair("b", "Joe Biden", "against")]
    probs = np.array([[0.3, 0.1, 0.6], [0.1, 0.3, 0.6]])  # neutral on top, favor/against right below
    assert bench.score("pstance", test, probs)["headline"] == 1.0  # two-class task: neutral is not an answer
    assert bench.score("semeval2016", test, probs)["headline"] == 0.0  # neutral answers count against F_avg
    assert bench.parse_models("a=x/m,y/other") == {"a": "x/m", "other": "y/other"}


def test_benchmark_table_and_card(tmp_path, tiny_model_dir, capsys):
    import shutil

    model = tmp_path / "tiny"
    shutil.copytree(tiny_model_dir, model)
    (model / "README.md").write_text("# Card\n\nhand-typed text\n")
    bench = _benchmark()
    assert bench.main(["--models", f"tiny={model}", "--sets", "project", "--data", str(ROOT / "data" / "annotated"),
                       "--write-card"]) == 0
    out = capsys.readouterr().out
    assert "| project test | macro-F1 | 195 |" in out
    assert "| set (eval split) | measure | pairs | tiny | tfidf_lr |" in out
    from stance.stance_model.card import folder_card

    card = (model / "README.md").read_text()
    assert card == folder_card(model) and "hand-typed" not in card  # rendered, never appended to
    record = json.loads((model / "benchmark.json").read_text())
    assert record["command"].startswith("python scripts/benchmark_stance.py --models tiny=")
    assert f"### Benchmark of {record['date']}\n\nFrom `{record['command']}`:" in card
    assert card.count("| set (eval split) | measure | pairs | tiny | tfidf_lr |") == 1


def test_public_sets_need_a_root(monkeypatch, tmp_path):
    from stance.errors import ConfigError
    from stance.stance_model.training import public_data_root

    monkeypatch.delenv("STANCE_PUBLIC_DATA", raising=False)
    with pytest.raises(ConfigError, match=r"^public sets were asked for but no folder holds them: expected "
                                          r"--public-root DIR \(or STANCE_PUBLIC_DATA\)"):
        public_data_root(None)
    monkeypatch.setenv("STANCE_PUBLIC_DATA", str(tmp_path))
    assert public_data_root(None) == tmp_path
    assert public_data_root("elsewhere").name == "elsewhere"
