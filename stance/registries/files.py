"""Reading a registry file (YAML or JSON), shared by the issue and actor registries."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from stance.errors import RegistryError


def read_registry(path: str | Path | None, default: str, what: str) -> tuple[Path, object]:
    """The parsed contents of ``path`` (YAML, or JSON for ``.json``), or of the
    shipped ``stance/registries/resources/<default>`` when ``path`` is None."""
    if path is None:
        path = Path(str(resources.files("stance.registries") / "resources" / default))
    path = Path(path)
    if not path.is_file():
        raise RegistryError(f"{path}: {what} registry not found")
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            return path, json.loads(text)
        import yaml

        return path, yaml.safe_load(text)
    except Exception as exc:  # yaml and json raise many types
        raise RegistryError(
            f"{path}: cannot be parsed as {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}") from None
