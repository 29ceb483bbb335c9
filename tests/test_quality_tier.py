"""Shipped stance models chosen by name, and the quality tier's base joined from its PyPI parts."""

import zipfile
from pathlib import Path

import pytest

from stance.errors import ConfigError
from stance.modelling import base, folders


def test_names_resolve_to_shipped_folders(monkeypatch, tmp_path):
    assert folders.model_dir("default") == folders.model_dir("small") == folders.DEFAULT_MODEL
    assert folders.model_dir(None) == folders.DEFAULT_MODEL
    assert folders.model_dir("runs/mine") == Path("runs/mine")
    monkeypatch.setitem(folders.MODEL_NAMES, "quality", tmp_path / "stance-mpnet")
    with pytest.raises(ConfigError, match=r"^the quality model is not in this install \(.*stance-mpnet is missing\)"):
        folders.model_dir("quality")
    (tmp_path / "stance-mpnet").mkdir()
    assert folders.model_dir("quality") == tmp_path / "stance-mpnet"


def fake_parts(tmp_path: Path, n: int = 5) -> list[Path]:
    """A zip of a tiny all-mpnet-base-v2 folder, cut in ``n`` parts like the PyPI packages."""
    archive = tmp_path / "whole.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("all-mpnet-base-v2/config.json", '{"model_type": "mpnet"}')
        z.writestr("all-mpnet-base-v2/vocab.txt", "x\n" * 500)
    data = archive.read_bytes()
    size = len(data) // n + 1
    parts = []
    for k in range(n):
        part = tmp_path / f"all-mpnet-base-v2.zip.{k + 1:03d}"
        part.write_bytes(data[k * size:(k + 1) * size])
        parts.append(part)
    return parts


def test_quality_base_joins_its_parts_once(monkeypatch, tmp_path):
    parts = fake_parts(tmp_path)
    calls = []
    monkeypatch.setattr(base, "quality_parts", lambda: calls.append(1) or parts)
    folder = base.quality_base(tmp_path / "cache")
    assert folder == tmp_path / "cache" / "all-mpnet-base-v2"
    assert (folder / "config.json").read_text() == '{"model_type": "mpnet"}'
    assert base.quality_base(tmp_path / "cache") == folder and calls == [1]  # joined once, then cached
    monkeypatch.setenv(base.CACHE_ENV, str(tmp_path / "cache"))
    assert base.resolve_base("all-mpnet-base-v2") == str(folder)


def test_quality_base_without_its_parts_says_how_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(base, "quality_parts", lambda: None)
    with pytest.raises(ConfigError, match=r"needs its five PyPI parts; install them with "
                                          r"`pip install 'stance\[quality\]'`"):
        base.quality_base(tmp_path / "cache")


@pytest.mark.slow
@pytest.mark.skipif(base.quality_parts() is None or not folders.QUALITY_MODEL.is_dir(),
                    reason="the quality tier needs its base (pip install 'stance[quality]') and its adapter")
def test_quality_tier_predicts_by_name():
    from stance.pipeline.local import load_predictor

    model = load_predictor("quality")
    scored = model.predict(["We will never allow foreign bases on our soil, the minister said."],
                           ["Foreign military bases should be allowed."])
    assert scored[0].stance == "against"


@pytest.mark.slow
@pytest.mark.skipif(base.quality_parts() is None or not folders.QUALITY_TAGGER.is_dir(),
                    reason="the quality tagger needs its base (pip install 'stance[quality]') and its adapter")
def test_the_quality_tagger_finds_source_cue_and_content_by_name():
    from stance.pipeline.local import load_tagger

    text = "“We will rebuild the pier by spring,” Mayor Ines Caldera told reporters on Monday."
    (found,) = load_tagger("quality", parser=None).predict([text])
    assert [s.text for s in found["source"]] == ["Mayor Ines Caldera"]
    assert [s.text for s in found["cue"]] == ["told"]
    assert any("rebuild the pier" in s.text for s in found["content"])
