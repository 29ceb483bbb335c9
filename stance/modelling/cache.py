"""Model forms built once from model files and kept in the cache folder (``$STANCE_CACHE``, default
``~/.cache/stance``): the ONNX Runtime forms of the shipped models, which start in a fraction of the
time torch, transformers and peft take to import (see docs/benchmarks.md, "Start-up").

A form lives in ``CACHE/KIND/NAME-KEY/`` (for example, the shipped stance model's:
``~/.cache/stance/onnx/stance-minilm-d9357a279376abd1/``).  ``KEY`` is 16 hex digits of a SHA-256 over a salt (the
form's format and version) and each source file's name and bytes, so a changed adapter, config or
base gets a new folder and the old one is never used again.  Files over :data:`CONTENT_LIMIT` bytes
(the 90 MB base weights) enter the key by name, size and modification time instead of their bytes,
so that a start does not read them: a reinstalled base is built again even when its bytes are the
same.

A form is built in a hidden temporary folder beside its place and renamed into place when complete
(with ``built.json``, saying when, from what and what the build's check found), so a run cut short
leaves nothing half-written and two processes building at once both end with one whole folder.  A
build whose check fails (or that raises) leaves ``NAME-KEY.failed`` (the reason) instead, and the
caller goes on without the form, saying so each run, until that file is deleted (or the salt
changes: a change to a form's export code should change its salt, so that no form or failure of the
old code is kept).

``$STANCE_RUNTIME`` says which runtime the models use: ``auto`` (the default: the cached ONNX form of
a shipped model, else torch), ``onnx`` (the form of any model folder) or ``torch`` (never a form).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from stance.errors import ConfigError, StanceError
from stance.modelling.base import CACHE_ENV, cache_dir, resolve_base
from stance.modelling.folders import SHIPPED_MODELS

log = logging.getLogger(__name__)

RUNTIME_ENV = "STANCE_RUNTIME"
RUNTIMES = ("auto", "onnx", "torch")
CONTENT_LIMIT = 8_000_000
"""Source files larger than this (bytes) enter a key by name, size and modification time."""
KEY_CHARS = 16
BUILT_NAME = "built.json"
BASE_FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
              "special_tokens_map.json")
"""The files of a base model folder that a form built on it depends on."""


class FormCheckError(StanceError):
    """A built form that does not answer like the model it was built from."""


def runtime() -> str:
    """``$STANCE_RUNTIME``: ``auto`` (default), ``onnx`` or ``torch``."""
    value = (os.environ.get(RUNTIME_ENV) or "auto").strip().lower()
    if value not in RUNTIMES:
        raise ConfigError(f"{RUNTIME_ENV} must be auto, onnx or torch, found {os.environ.get(RUNTIME_ENV)!r}; "
                          f"unset it for auto (the fast ONNX Runtime form of the shipped models)")
    return value


def wants_form(folder: Path) -> bool:
    """Whether the model in ``folder`` should run from its cached form: under ``auto`` only a
    shipped model (in ``stance/models/``), under ``onnx`` any, under ``torch`` none."""
    choice = runtime()
    if choice == "auto":
        return Path(folder).resolve().parent == SHIPPED_MODELS
    return choice == "onnx"


def has_onnxruntime() -> bool:
    """Whether ONNX Runtime can be imported (it is a dependency, but a slim install may lack it)."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def sources_key(files: Iterable[Path], salt: str) -> str:
    """16 hex digits of a SHA-256 over ``salt`` and each file's name and bytes (name, size and
    modification time for files over :data:`CONTENT_LIMIT`), in the order given.  A missing file
    counts as missing, so that adding it changes the key."""
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(f"\0{path.name}\0".encode())
        if not path.is_file():
            digest.update(b"missing")
            continue
        stat = path.stat()
        if stat.st_size > CONTENT_LIMIT:
            digest.update(f"{stat.st_size}:{stat.st_mtime_ns}".encode())
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:KEY_CHARS]


def model_sources(folder: Path, base: str | None) -> list[Path]:
    """The files a model's form is built from: the model folder's (less its card, ``README.md``)
    and, for a LoRA adapter on the base ``base`` (a name :func:`~stance.modelling.base.resolve_base`
    knows, or a folder), the base's :data:`BASE_FILES`."""
    own = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.name != "README.md")
    return own + base_sources(base) if base is not None else own


def base_sources(base: str) -> list[Path]:
    """The :data:`BASE_FILES` of the base model ``base``."""
    folder = Path(resolve_base(base))
    return [folder / name for name in BASE_FILES]


def cached_form(kind: str, name: str, sources: Iterable[Path], build: Callable[[Path], dict], *, salt: str,
                cache: Path | None = None, what: str = "the form") -> Path | None:
    """The folder ``CACHE/kind/name-KEY`` of a form of the files ``sources``, built on first use by
    ``build(folder)`` (which writes the form there and returns what its check found, or raises
    :class:`FormCheckError`).  None, with a warning, when the build failed its check or raised
    (then or on an earlier run: ``name-KEY.failed`` says why) or the cache cannot be written."""
    sources = list(sources)
    key = sources_key(sources, salt)
    root = (cache or cache_dir()) / kind
    folder = root / f"{name}-{key}"
    failed = root / f"{name}-{key}.failed"
    if (folder / BUILT_NAME).is_file():
        return folder
    if failed.is_file():
        log.warning("%s: %s; going on without it (delete that file to build it again)", failed,
                    failed.read_text(encoding="utf-8").strip())
        return None
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{name}-{key}-", dir=root))
        work.chmod(0o755)  # mkdtemp makes it private; the form is not
    except OSError as exc:
        log.warning("%s: cannot be written (%s); going on without %s (set %s to a writable folder)", root,
                    exc.strerror or exc, what, CACHE_ENV)
        return None
    log.warning("building %s (%s) into %s (once: later runs load it)", what, name, folder)
    try:
        checked = build(work)
    except Exception as exc:  # a failed check, or an exporter that cannot trace the model: the model still runs
        shutil.rmtree(work, ignore_errors=True)
        why = f"failed its check: {exc}" if isinstance(exc, FormCheckError) else \
            f"could not be built: {type(exc).__name__}: {exc}"
        failed.write_text(f"{what} built on {_now()} {why}\n", encoding="utf-8")
        log.warning("%s: %s %s; going on without it", failed, what, why)
        return None
    except BaseException:  # interrupted: nothing is left behind
        shutil.rmtree(work, ignore_errors=True)
        raise
    record = {"name": name, "key": key, "salt": salt, "built": _now(), "sources": [str(p) for p in sources],
              "check": checked}
    (work / BUILT_NAME).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    try:
        work.rename(folder)
    except OSError:  # another process put the same form there first: keep theirs
        shutil.rmtree(work, ignore_errors=True)
        if not (folder / BUILT_NAME).is_file():
            raise
    return folder


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
