"""Clear errors where tracebacks or misleading answers were (issue 20, item 8): a damaged attribution tagger, and
every command that opens a store given a path whose folder does not exist or that holds no store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from stance.cli.main import main
from stance.errors import ConfigError

SHIPPED_TAGGER = Path(__file__).resolve().parents[1] / "stance" / "models" / "attribution-minilm"


def damaged_message(weights: Path) -> str:
    return (f"{weights}: cannot be read as safetensors weights (Error while deserializing header: header too large); "
            "expected the weights `stance train` saved: the file is damaged or cut short; copy the model folder "
            "again, or train the model again")


@pytest.fixture
def damaged_tagger(tmp_path) -> Path:
    """A copy of the shipped tagger whose adapter weights are overwritten with bytes that are not safetensors."""
    folder = Path(shutil.copytree(SHIPPED_TAGGER, tmp_path / "tagger"))
    (folder / "adapter_model.safetensors").write_bytes(b"\xff" * 64 + b"not safetensors at all")
    return folder


@pytest.mark.parametrize("runtime", ["torch", "onnx"])
def test_a_damaged_tagger_names_its_weights_file(damaged_tagger, tmp_path, monkeypatch, runtime):
    from stance.attribution.tagger import AttributionTagger

    monkeypatch.setenv("STANCE_RUNTIME", runtime)  # onnx: the form would be built from the damaged weights
    monkeypatch.setenv("STANCE_CACHE", str(tmp_path / "cache"))
    with pytest.raises(ConfigError) as error:
        AttributionTagger.load(damaged_tagger)
    assert str(error.value) == damaged_message(damaged_tagger / "adapter_model.safetensors")
    assert not list((tmp_path / "cache").rglob("*.failed"))  # no failed build recorded for a file to be replaced


@pytest.mark.parametrize("command", ["extract", "track"])
def test_the_cli_stops_on_a_damaged_tagger_with_one_line(damaged_tagger, mini_corpus, tiny_model_dir, tmp_path,
                                                         capsys, command):
    argv = [command, str(mini_corpus), "--tagger", str(damaged_tagger)]
    if command == "track":
        argv += ["--model", str(tiny_model_dir), "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.endswith(f"stance {command}: error: {damaged_message(damaged_tagger / 'adapter_model.safetensors')}\n")
    assert "Traceback" not in err


STORE_COMMANDS = {
    "relabel": ["relabel"],
    "serve": ["serve"],
    "review sample": ["review", "sample", "--out", "{tmp}/sample"],
    "review import": ["review", "import", "{tmp}/coded.csv"],
    "export events": ["export", "events", "{tmp}/events.csv"],
    "quarantine list": ["quarantine", "list"],
}


def run_with_db(name: str, db: Path, tmp_path: Path) -> int:
    return main([part.format(tmp=tmp_path) for part in STORE_COMMANDS[name]] + ["--db", str(db)])


@pytest.mark.parametrize("name", STORE_COMMANDS)
def test_a_store_in_a_missing_folder_is_the_error_ingest_gives(name, tmp_path, capsys):
    db = tmp_path / "no" / "such" / "db"
    assert run_with_db(name, db, tmp_path) == 2
    command = name.split()[0]
    assert capsys.readouterr().err == (
        f"stance {command}: error: --db {db}: the folder {db.parent} does not exist; expected a store folder (or .db "
        f"file) in an existing folder: create {db.parent} first, or fix the path\n")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("name", ["relabel", "review sample", "review import"])
def test_commands_that_read_a_store_never_make_an_empty_one(name, tmp_path, capsys):
    db = tmp_path / "none"
    assert run_with_db(name, db, tmp_path) == 2
    command = name.split()[0]
    assert capsys.readouterr().err == (
        f"stance {command}: error: --db {db}: no store there (no {db}/stance.db); expected a folder (or .db file) "
        "filled by `stance ingest` or `stance serve`, or postgresql://...\n")
    assert not db.exists()
