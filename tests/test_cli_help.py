"""Every subcommand's --help ends with a runnable example; `stance predict` documents its JSONL and streams."""

import pytest

from stance.cli.main import SUBCOMMANDS, build_parser

NAMES = ["track", "report", "train", "predict", "evaluate", "extract", "export", "ingest", "relabel", "serve", "key",
         "actors", "import", "agreement", "network", "review", "quarantine"]


def _help(capsys, name: str) -> str:
    with pytest.raises(SystemExit) as done:
        build_parser().parse_args([name, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def test_every_subcommand_is_listed():
    assert len(SUBCOMMANDS) == len(NAMES)
    assert set(build_parser()._subparsers._group_actions[0].choices) == set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_help_ends_with_an_example(capsys, name):
    text = _help(capsys, name)
    example = text[text.index("\nexample:\n"):]
    assert f"  stance {name}" in example or (name == "predict" and "| stance predict" in example)


def test_predict_help_documents_fields_and_streams(capsys):
    text = _help(capsys, "predict")
    for field in ('"text"', '"target"', '"issue"', '"stance"', '"confidence"', '"scores"', '"abstained"'):
        assert field in text
    assert "default: standard input" in text and "default: standard output" in text


def test_version(capsys):
    from stance import __version__

    with pytest.raises(SystemExit):
        build_parser().parse_args(["--version"])
    assert capsys.readouterr().out.strip() == f"stance {__version__}"
