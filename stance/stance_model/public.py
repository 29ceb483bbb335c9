"""Loaders for the public stance sets (read by path, never copied):
SemEval-2016 Task 6, P-Stance, COVID-19-Stance and VAST, each mapped to
(text, target, favor/against/neutral) pairs."""

from __future__ import annotations

import csv
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from stance.errors import InputError
from stance.stance_model.data import Pair, normalise_label

csv.field_size_limit(sys.maxsize)
SETS = ("semeval2016", "pstance", "covid19_stance", "vast")
_COVID_TARGETS = {"face_masks": "wearing face masks", "fauci": "Anthony Fauci",
                  "school_closures": "closing schools", "stay_at_home_orders": "stay-at-home orders"}
_VAST_LABELS = {"0": "against", "1": "favor", "2": "neutral"}


def _rows(path: Path, required: tuple[str, ...], encoding: str = "utf-8",
          delimiter: str = ",") -> Iterator[tuple[int, dict]]:
    """(line number, row) of a CSV/TSV file whose header has every ``required`` column."""
    if not path.is_file():
        raise InputError(path, "not found; expected a public stance data set there; pass --public-root DIR "
                               "(or set STANCE_PUBLIC_DATA) to the folder that holds semeval2016/, pstance/, ...")
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"expected columns {list(required)}, found {reader.fieldnames}; "
                                   f"missing {missing}", 1)
        for row in reader:
            yield reader.line_num, row


def _pairs(path: Path, required: tuple[str, ...], make: Callable[[dict], Pair], **csv_options) -> list[Pair]:
    """One :class:`Pair` per row; a bad label is reported with its file and line."""
    out = []
    for number, row in _rows(path, required, **csv_options):
        try:
            out.append(make(row))
        except (KeyError, ValueError) as exc:
            raise InputError(path, f"{exc}", number) from None
    if not out:
        raise InputError(path, "has a header but no rows; expected labelled examples")
    return out


def load_semeval(root: Path, split: str) -> list[Pair]:
    name, encoding = {"train": ("trainingdata-all-annotations.txt", "cp1252"),
                      "dev": ("trialdata-all-annotations.txt", "utf-8")}[split]
    return _pairs(root / "semeval2016" / name, ("Target", "Tweet", "Stance"),
                  lambda r: Pair(r["Tweet"], r["Target"], normalise_label(r["Stance"]), r["Target"], "semeval2016"),
                  encoding=encoding, delimiter="\t")


def load_pstance(root: Path, split: str) -> list[Pair]:
    name = {"train": "train", "dev": "val"}[split]
    return [pair for who in ("bernie", "biden", "trump")
            for pair in _pairs(root / "pstance" / f"raw_{name}_{who}.csv", ("Tweet", "Target", "Stance"),
                               lambda r: Pair(r["Tweet"], r["Target"], normalise_label(r["Stance"]), r["Target"],
                                              "pstance"))]


def load_covid(root: Path, split: str) -> list[Pair]:
    name = {"train": "train", "dev": "val"}[split]
    return [pair for t, target in _COVID_TARGETS.items()
            for pair in _pairs(root / "covid19_stance" / f"{t}_{name}.csv", ("Tweet", "Stance"),
                               functools.partial(_covid_pair, t, target))]


def _covid_pair(issue: str, target: str, r: dict) -> Pair:
    return Pair(r["Tweet"], target, normalise_label(r["Stance"]), issue, "covid19_stance")


def _vast_label(value: str) -> str:
    if value not in _VAST_LABELS:
        raise ValueError(f"expected a VAST label among {sorted(_VAST_LABELS)}, found {value!r}")
    return _VAST_LABELS[value]


def load_vast(root: Path, split: str) -> list[Pair]:
    if split == "train":
        return _pairs(root / "vast" / "vast_train.csv", ("post", "topic_str", "label"),
                      lambda r: Pair(r["post"], r["topic_str"], _vast_label(r["label"]), r["topic_str"], "vast"))
    return _pairs(root / "vast" / "vast_dev_reduced.csv", ("Tweet", "Target 1", "Stance 1"),
                  lambda r: Pair(r["Tweet"], r["Target 1"], normalise_label(r["Stance 1"]), r["Target 1"], "vast",
                                 group="seen" if r.get("seen?") == "1" else "unseen"))


LOADERS = {"semeval2016": load_semeval, "pstance": load_pstance, "covid19_stance": load_covid, "vast": load_vast}


def load_public(name: str, root: str | Path, split: str) -> list[Pair]:
    """Pairs of one public set's ``train`` or ``dev`` split."""
    if name not in LOADERS:
        raise ValueError(f"unknown public set {name!r}; expected one of {', '.join(SETS)}")
    return LOADERS[name](Path(root), split)
