"""The Ray engine (local mode) gives the local engine's outputs."""

import json
import sys
from pathlib import Path

import pytest

from stance.cli.main import main
from stance.errors import ConfigError
from stance.ingest.corpus import load_corpus
from stance.records import Article, Statement

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"


def test_records_survive_the_json_round_trip(mini_corpus):
    from stance import ActorRegistry, Attributor

    articles = load_corpus(mini_corpus)
    assert [Article.from_dict(json.loads(json.dumps(a.to_dict()))) for a in articles] == articles
    statements = [s for a in articles for s in Attributor(ActorRegistry.load()).extract(a)]
    assert statements and any(s.cue for s in statements) and any(s.date and s.date.precision == "month"
                                                                  for s in statements)
    assert [Statement.from_dict(json.loads(json.dumps(s.to_dict()))) for s in statements] == statements


def test_settings_are_checked():
    from stance.pipeline.ray_engine import RaySettings

    with pytest.raises(ConfigError, match=r"^workers must be at least 1, found 0$"):
        RaySettings(workers=0)


def test_missing_ray_is_a_clear_error(monkeypatch):
    from stance.pipeline.ray_engine import _ray

    monkeypatch.setitem(sys.modules, "ray", None)
    with pytest.raises(ConfigError,
                       match=r"^the Ray engine needs Ray: pip install 'stance\[ray\]' \(or use --engine local\)$"):
        _ray()


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'stance[ray]'")
    from stance.pipeline.ray_engine import RaySettings, start

    start(RaySettings(workers=2))
    yield ray
    ray.shutdown()


def _rows(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _same(a, b):
    """Equal rows; scores may differ in the last printed digit (batches pad differently)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert {k: v for k, v in x.items() if k not in ("confidence", "scores")} == \
               {k: v for k, v in y.items() if k not in ("confidence", "scores")}
        assert x["confidence"] == pytest.approx(y["confidence"], abs=2e-4)


def test_track_on_ray_equals_local(local_ray, tiny_model_dir, tmp_path):
    common = [str(EXAMPLES), "--model", str(tiny_model_dir), "--tagger", "none", "--format", "json"]
    assert main(["track", *common, "--out", str(tmp_path / "local")]) == 0
    assert main(["track", *common, "--out", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2"]) == 0
    local, on_ray = _rows(tmp_path / "local" / "statements.jsonl"), _rows(tmp_path / "ray" / "statements.jsonl")
    assert len(local) > 20
    _same(local, on_ray)
    positions = [json.loads((tmp_path / run / "positions.json").read_text()) for run in ("local", "ray")]
    assert positions[0]["corpus"] == positions[1]["corpus"]
    assert [(p["actor"], p["issue"], p["period"], p["statement_ids"]) for p in positions[0]["positions"]] == \
           [(p["actor"], p["issue"], p["period"], p["statement_ids"]) for p in positions[1]["positions"]]
    assert (tmp_path / "local" / "network.csv").read_text() == (tmp_path / "ray" / "network.csv").read_text()


def test_new_speakers_keep_their_first_affiliation_across_workers(local_ray, tiny_model_dir, tmp_path):
    """A person the registry lacks, named with a title in one article and bare in
    the next: the local engine remembers the first; so must the workers' output."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "1.txt").write_text("Taliban spokesperson Zabiullah Nadeem said the drone strikes must stop.",
                                  encoding="utf-8")
    (folder / "2.txt").write_text("Zabiullah Nadeem said the drone strikes were a crime.", encoding="utf-8")
    from stance import Pipeline, load_predictor
    from stance.pipeline.ray_engine import RayPipeline, RaySettings

    articles = load_corpus(folder)
    local = Pipeline(model=load_predictor(tiny_model_dir)).run(articles)
    settings = RaySettings(workers=2, articles_per_batch=1)  # each article may go to another worker
    on_ray = RayPipeline(model_dir=str(tiny_model_dir), tagger_dir="none", settings=settings).run(articles)
    assert [s.affiliation for s in local.statements] == ["Taliban", "Taliban"]
    assert on_ray.statements == local.statements
    assert on_ray.parents == local.parents


def test_ingest_on_ray_stores_what_local_stores(local_ray, tiny_model_dir, tmp_path, mini_corpus):
    from stance.serve.store import Store

    common = [str(mini_corpus), "--model", str(tiny_model_dir), "--tagger", "none", "--quiet"]
    assert main(["ingest", *common, "--db", str(tmp_path / "local")]) == 0
    assert main(["ingest", *common, "--db", str(tmp_path / "ray"), "--engine", "ray", "--workers", "2"]) == 0
    assert main(["ingest", *common, "--db", str(tmp_path / "ray"), "--engine", "ray"]) == 0  # nothing new
    stored = [sorted((p.statement.statement_id, p.issue, p.stance) for p in Store.open(tmp_path / run).predictions())
              for run in ("local", "ray")]
    assert stored[0] and stored[0] == stored[1]
    assert Store.open(tmp_path / "ray").document_count() == 3


def test_driver_reconciles_speakers_first_met_on_other_workers():
    from stance.pipeline.ray_engine import RayPipeline
    from stance.records import Span, Statement

    def said(doc, affiliation):
        return Statement(f"{doc}-0", doc, None, "zabiullah_nadeem", "Zabiullah Nadeem", "person", affiliation,
                         "reported", Span(0, 5, "words"), Span(0, 5, "words"))

    pipeline = RayPipeline()
    out = pipeline._register_new_actors([[said("1", "Taliban")], [said("2", None)], [said("3", "Taliban")]])
    assert [s.affiliation for found in out for s in found] == ["Taliban", "Taliban", "Taliban"]
    assert pipeline.actors.get("zabiullah_nadeem").affiliation == "Taliban"
