"""Reading back what `stance track` wrote: the labelled statements of a run folder."""

from __future__ import annotations

import json
from pathlib import Path

from stance.errors import StanceError
from stance.records import StancePrediction

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
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                predictions.append(StancePrediction.from_dict(json.loads(line)))
            except (ValueError, KeyError, TypeError) as exc:
                raise StanceError(f"{source}:{number}: not a statement row ({exc})") from None
    return predictions
