"""Configuration dataclasses saved as JSON beside the weights, validated on creation."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any, ClassVar

from stance.errors import ConfigError


class JsonConfig:
    """Mixin for dataclasses: ``save(directory)`` writes ``CONFIG_NAME`` there,
    ``load(directory)`` reads it back, refusing unknown keys; ``check`` raises
    :class:`ConfigError` on the first failed (condition, message) pair."""

    CONFIG_NAME = "config.json"
    WRITTEN_BY = "stance"
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    """Set by ``@dataclass`` on each subclass; declared so that the type checker sees a dataclass."""

    def check(self, checks) -> None:
        for ok, message in checks:
            if not ok:
                raise ConfigError(f"{type(self).__name__}: {message}")

    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / self.CONFIG_NAME
        path.write_text(json.dumps(dataclasses.asdict(self), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path):
        path = Path(directory) / cls.CONFIG_NAME
        if not path.is_file():
            raise ConfigError(f"{path}: not found; expected a model directory written by {cls.WRITTEN_BY}")
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"{path}: unknown keys {sorted(unknown)}; expected only {sorted(known)}")
        return cls(**data)
