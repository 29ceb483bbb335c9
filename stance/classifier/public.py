"""Loaders for the public stance sets (read by path, never copied):
SemEval-2016 Task 6, P-Stance, COVID-19-Stance and VAST, each mapped to
(text, target, favor/against/neutral) pairs."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from ..errors import InputError
from .data import Pair, normalise_label

csv.field_size_limit(sys.maxsize)
SETS = ("semeval2016", "pstance", "covid19_stance", "vast")
_COVID_TARGETS = {"face_masks": "wearing face masks", "fauci": "Anthony Fauci",
                  "school_closures": "closing schools", "stay_at_home_orders": "stay-at-home orders"}
_VAST_LABELS = {"0": "against", "1": "favor", "2": "neutral"}


def _csv(path: Path, encoding: str = "utf-8", delimiter: str = ","):
    if not path.is_file():
        raise InputError(path, "not found; expected the public data under ../shared/data (see its README)")
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def load_semeval(root: Path, split: str) -> list[Pair]:
    name, encoding = {"train": ("trainingdata-all-annotations.txt", "cp1252"),
                      "dev": ("trialdata-all-annotations.txt", "utf-8")}[split]
    return [Pair(r["Tweet"], r["Target"], normalise_label(r["Stance"]), r["Target"], "semeval2016")
            for r in _csv(root / "semeval2016" / name, encoding, "\t")]


def load_pstance(root: Path, split: str) -> list[Pair]:
    name = {"train": "train", "dev": "val"}[split]
    return [Pair(r["Tweet"], r["Target"], normalise_label(r["Stance"]), r["Target"], "pstance")
            for who in ("bernie", "biden", "trump")
            for r in _csv(root / "pstance" / f"raw_{name}_{who}.csv")]


def load_covid(root: Path, split: str) -> list[Pair]:
    name = {"train": "train", "dev": "val"}[split]
    return [Pair(r["Tweet"], _COVID_TARGETS[t], normalise_label(r["Stance"]), t, "covid19_stance")
            for t in _COVID_TARGETS for r in _csv(root / "covid19_stance" / f"{t}_{name}.csv")]


def load_vast(root: Path, split: str) -> list[Pair]:
    if split == "train":
        return [Pair(r["post"], r["topic_str"], _VAST_LABELS[r["label"]], r["topic_str"], "vast")
                for r in _csv(root / "vast" / "vast_train.csv")]
    return [Pair(r["Tweet"], r["Target 1"], normalise_label(r["Stance 1"]), r["Target 1"], "vast",
                 group="seen" if r.get("seen?") == "1" else "unseen")
            for r in _csv(root / "vast" / "vast_dev_reduced.csv")]


LOADERS = {"semeval2016": load_semeval, "pstance": load_pstance, "covid19_stance": load_covid, "vast": load_vast}


def load_public(name: str, root: str | Path, split: str) -> list[Pair]:
    """Pairs of one public set's ``train`` or ``dev`` split."""
    if name not in LOADERS:
        raise ValueError(f"unknown public set {name!r}; expected one of {', '.join(SETS)}")
    return LOADERS[name](Path(root), split)
