"""The package as a user installs it: not editable, in a fresh virtual environment, run from elsewhere."""

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [
    {"text": "We will never allow foreign bases on our soil.", "target": "Foreign bases should be allowed."},
    {"text": "The minister welcomed the new trade agreement.", "target": "The trade agreement should be signed."},
    {"text": "The talks resume next week in Geneva.", "issue": "military_bases"},
]


@pytest.mark.slow
def test_fresh_install_runs_predict_from_another_directory(tmp_path):
    """``pip install .`` (a wheel, not editable) ships the models and registries: ``stance predict``
    works from an unrelated folder with no ``--model``.  The new environment borrows this one's
    dependencies through a .pth file (no network), never its editable ``stance``."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--no-build-isolation", "--no-index", str(ROOT)], check=True, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    env.pop("STANCE_MODEL", None)
    env.pop("PYTHONPATH", None)
    where = subprocess.run([str(python), "-c", "import stance; print(stance.__file__)"], check=True,
                           capture_output=True, text=True, cwd=elsewhere, env=env).stdout.strip()
    assert Path(where).is_relative_to(site), f"stance imported from {where}, not the fresh install"
    done = subprocess.run([str(venv / "bin" / "stance"), "predict"], input="".join(json.dumps(p) + "\n" for p in PAIRS),
                          check=True, capture_output=True, text=True, cwd=elsewhere, env=env)
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["text"] for r in rows] == [p["text"] for p in PAIRS]
    assert all(r["stance"] in ("favor", "against", "neutral") and 0 <= r["confidence"] <= 1 for r in rows)
    assert rows[0]["stance"] == "against"
