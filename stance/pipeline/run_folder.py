"""Reading back what `stance track` wrote: the labelled statements of a run folder, and the corrections
people made to them (`stance review import --run`)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path

from stance.errors import StanceError
from stance.ingest.encoding import lines
from stance.records import StancePrediction
from stance.review.corrections import apply_corrections
from stance.review.record import Correction

STATEMENTS = "statements.jsonl"


def statements_path(run: str | Path) -> Path:
    """``run/statements.jsonl`` for a run folder, else ``run`` itself; a clear error when it is missing."""
    source = Path(run) / STATEMENTS if Path(run).is_dir() else Path(run)
    if not source.is_file():
        raise StanceError(f"{source}: not found; expected the statements.jsonl written by `stance track`")
    return source


def read_predictions(run: str | Path) -> list[StancePrediction]:
    """Every (statement, issue) row of a run folder (or of a statements.jsonl), in file order."""
    source = statements_path(run)
    predictions = []
    for number, line in lines(source):  # on "\n" only: a quote may hold U+2028, written unescaped
        if line.strip():
            try:
                predictions.append(StancePrediction.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise StanceError(f"{source}:{number}: not a statement row ({exc})") from None
    return predictions


CORRECTIONS = "corrections.jsonl"
"""A run folder's corrections (`stance review import --run`): one :class:`~stance.review.record.Correction` a line."""


def corrections_path(run: str | Path) -> Path:
    """``run/corrections.jsonl`` for a run folder; beside the file for a statements.jsonl."""
    run = Path(run)
    return run / CORRECTIONS if run.is_dir() else run.parent / CORRECTIONS


def read_run_corrections(run: str | Path) -> list[Correction]:
    """The corrections kept for a run (none when it has no corrections.jsonl), in file order."""
    path = corrections_path(run)
    if not path.is_file():
        return []
    out = []
    for number, line in lines(path):
        if line.strip():
            try:
                out.append(Correction.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise StanceError(f"{path}:{number}: not a correction row ({exc}); expected the lines `stance "
                                  "review import` writes: import the review file again, or remove the line") from None
    return out


def write_run_corrections(run: str | Path, corrections: Iterable[Correction]) -> Path:
    """Replace the run's corrections.jsonl with ``corrections`` (written whole to a temporary file first,
    so an interrupted write leaves the old file)."""
    path = corrections_path(run)
    partial = path.with_name(path.name + ".partial")
    partial.write_text("".join(json.dumps(c.to_dict(), ensure_ascii=False) + "\n" for c in corrections),
                       encoding="utf-8")
    os.replace(partial, path)
    return path


def read_corrected_predictions(run: str | Path) -> list[StancePrediction]:
    """The run's labels (:func:`read_predictions`) with its corrections applied
    (:func:`~stance.review.corrections.apply_corrections`: the coder's stance, confidence 1.0,
    ``checked_by`` set; labels corrected as irrelevant left out)."""
    return apply_corrections(read_predictions(run), read_run_corrections(run))
