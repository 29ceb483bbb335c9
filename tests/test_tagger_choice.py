"""Which attribution tagger a command gets: by name (small, quality, best, auto, none) or folder."""

import pytest

import stance.modelling.base as base
from stance.errors import ConfigError
from stance.modelling.folders import DEFAULT_TAGGER, QUALITY_TAGGER
from stance.pipeline.local import tagger_dir_for


@pytest.mark.parametrize("name", [None, "none"])
def test_none_is_rules_only(name):
    assert tagger_dir_for(name) is None


@pytest.mark.parametrize("name", ["auto", "small"])
def test_auto_and_small_are_the_shipped_small_tagger(name):
    assert tagger_dir_for(name) == DEFAULT_TAGGER


def test_best_is_the_quality_tagger_only_where_its_base_is_installed(monkeypatch):
    monkeypatch.setattr(base, "quality_installed", lambda cache=None: False)
    assert tagger_dir_for("best") == DEFAULT_TAGGER
    monkeypatch.setattr(base, "quality_installed", lambda cache=None: True)
    assert tagger_dir_for("best") == (QUALITY_TAGGER if QUALITY_TAGGER.is_dir() else DEFAULT_TAGGER)


def test_the_quality_tagger_without_its_base_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(base, "quality_installed", lambda cache=None: False)
    with pytest.raises(ConfigError) as err:
        tagger_dir_for("quality")
    assert str(err.value) == ("--tagger quality: its base all-mpnet-base-v2 is not installed; install it with "
                              "`pip install 'stance[quality]'`, or use --tagger small")


def test_a_folder_that_is_no_tagger_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError) as err:
        tagger_dir_for(tmp_path / "missing")
    assert str(err.value) == (f"{tmp_path / 'missing'}: no attribution tagger there; expected small, quality, best, "
                              "auto, none or a folder saved by scripts/train_tagger.py (or pass --tagger none for "
                              "rules only)")


def test_extract_defaults_to_the_best_tagger_and_track_to_the_small_one():
    from stance.cli.main import build_parser

    parser = build_parser()
    assert parser.parse_args(["extract", "corpus"]).tagger == "best"
    assert parser.parse_args(["track", "corpus", "--out", "o"]).tagger == "auto"
