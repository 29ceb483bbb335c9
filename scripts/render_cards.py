#!/usr/bin/env python
"""Render the model card (README.md) of each model folder from its saved config and metrics.json.

    python scripts/render_cards.py [DIR ...] [--check]

With no DIR, the shipped models under stance/models/.  No model is loaded (a second or so).
``--check`` writes nothing and exits 1 when a card differs from its rendering (a hand edit, or
a config or metrics.json changed without re-rendering).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from stance.attribution.tagger import card as tagger_card
from stance.attribution.tagger.config import CONFIG_NAME as TAGGER_CONFIG
from stance.modelling.folders import SHIPPED_MODELS
from stance.stance_model import card as stance_card
from stance.stance_model.config import CONFIG_NAME as STANCE_CONFIG

RENDERERS: dict[str, Callable[[Path], str]] = {
    STANCE_CONFIG: stance_card.folder_card,
    TAGGER_CONFIG: tagger_card.folder_card,
}
"""A folder's config file name -> the card of that kind of model."""


def shipped_folders() -> list[Path]:
    return sorted(d for d in SHIPPED_MODELS.iterdir() if d.is_dir() and any((d / n).is_file() for n in RENDERERS))


def render(directory: str | Path) -> str:
    """The card of a model folder, chosen by the config file it holds."""
    directory = Path(directory)
    for config_name, renderer in RENDERERS.items():
        if (directory / config_name).is_file():
            return renderer(directory)
    raise FileNotFoundError(f"{directory}: no {' or '.join(RENDERERS)}; expected a saved model folder")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folders", nargs="*", type=Path, help="model folders (default: the shipped models)")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if a card is out of date")
    args = parser.parse_args(argv)
    stale = 0
    for folder in args.folders or shipped_folders():
        text, path = render(folder), folder / "README.md"
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            print(f"{path}: up to date")
        elif args.check:
            print(f"{path}: differs from its rendering", file=sys.stderr)
            stale += 1
        else:
            path.write_text(text, encoding="utf-8")
            print(f"{path}: written")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
