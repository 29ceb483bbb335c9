"""Labelled (target, text, label) pairs from the project's JSONL format."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import InputError
from stance.records import STANCES

_LABEL_ALIASES = {"favor": "favor", "favour": "favor", "pro": "favor", "support": "favor",
                  "against": "against", "con": "against", "oppose": "against",
                  "neutral": "neutral", "none": "neutral"}


@dataclass(frozen=True)
class Pair:
    """One labelled example: ``text`` is the first segment, ``target`` the second."""

    text: str
    target: str
    label: str
    issue: str = ""
    source: str = "project"
    group: str = ""
    """What a split must keep together (an article id, a corpus target)."""
    kind: str = ""
    """What the pair exercises, for figures by kind (the corpus' kinds; empty elsewhere)."""


def normalise_label(value: object) -> str:
    label = _LABEL_ALIASES.get(str(value).strip().lower())
    if label is None:
        raise ValueError(f"expected a label among {list(STANCES)}, found {value!r}")
    return label


def load_pairs(path: str | Path, issues: Mapping[str, str] | None = None, source: str = "project") -> list[Pair]:
    """Pairs from a JSONL file of ``{"issue" or "target", "text", "label"}``.

    ``issues`` maps issue ids to target sentences, used when a row has an
    ``issue`` but no ``target``.
    """
    path = Path(path)
    pairs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            text, label = row["text"], normalise_label(row["label"])
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise InputError(path, f"expected a JSON object with text and label: {exc}", number) from None
        target = row.get("target") or (issues or {}).get(row.get("issue", ""))
        if not target:
            raise InputError(path, f"row has no target and its issue {row.get('issue')!r} is unknown", number)
        pairs.append(Pair(text=text, target=target, label=label, issue=row.get("issue", ""), source=source,
                          group=str(row.get("article", ""))))
    return pairs


def load_table(path: str | Path, columns: Mapping[str, str] | None = None, source: str | None = None) -> list[Pair]:
    """Pairs from any CSV/TSV/JSONL file, or a Hugging Face ``datasets`` dataset saved
    on disk, with a column mapping (``{"text": "Tweet", "target": "Target", "label": "Stance"}``).

    Labels are read through the usual aliases (FAVOR/AGAINST/NONE, pro/con...).
    """
    import csv

    path = Path(path)
    cols = {"text": "text", "target": "target", "label": "label", **(columns or {})}
    rows: Iterable[tuple[int, Mapping[str, Any]]]  # (line or row number, the row)
    if path.is_dir():
        try:
            from datasets import load_from_disk
        except ImportError:
            raise InputError(
                path, "is a folder: reading a saved `datasets` dataset needs `pip install datasets`") from None
        data = load_from_disk(str(path))
        rows = enumerate((dict(r) for r in (data["train"] if hasattr(data, "keys") else data)), 1)
    elif path.suffix == ".jsonl":
        rows = ((n, json.loads(line)) for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
                if line.strip())
    elif path.suffix in (".csv", ".tsv"):
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t" if path.suffix == ".tsv" else ",")
            rows = list(enumerate(reader, 2))
    else:
        raise InputError(path, f"has suffix {path.suffix!r}; expected .csv, .tsv, .jsonl or a datasets folder")
    pairs = []
    for number, row in rows:
        try:
            pairs.append(Pair(str(row[cols["text"]]), str(row[cols["target"]]), normalise_label(row[cols["label"]]),
                              str(row[cols["target"]]), source or path.stem))
        except (KeyError, ValueError) as exc:
            raise InputError(path, f"expected columns {sorted(cols.values())} with a stance label: {exc}",
                             number) from None
    return pairs
