"""``stance predict``: JSONL pairs in, the same lines with stance out."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from stance.errors import RegistryError
from stance.registries.issues import IssueRegistry

BATCH = 64


def predict_lines(lines: Iterable[str], out: TextIO, model, issues: IssueRegistry, *, source: str = "<stdin>",
                  progress: bool = False) -> list[str]:
    """Write one output line per valid input line (the input object plus
    ``stance``, ``confidence``, ``scores``, ``abstained``); return an error
    message, naming the line, for each line skipped."""
    from tqdm.auto import tqdm

    errors: list[str] = []
    batch: list[tuple[dict, str]] = []

    def flush() -> None:
        if not batch:
            return
        scored = model.predict([row["text"] for row, _ in batch], [t for _, t in batch])
        for (row, _), s in zip(batch, scored):
            row.update(stance=s.stance, confidence=round(s.confidence, 4),
                       scores={k: round(v, 4) for k, v in s.scores.items()}, abstained=s.abstained)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        batch.clear()

    for number, line in enumerate(tqdm(lines, disable=not progress, unit=" lines"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise ValueError('expected a JSON object with a "text" string')
            if isinstance(row.get("target"), str) and row["target"].strip():
                target = row["target"]
            elif "issue" in row:
                target = issues[str(row["issue"])].target
            else:
                raise ValueError('expected an "issue" id or a "target" text')
        except (ValueError, RegistryError) as exc:
            errors.append(f"{source}:{number}: skipped: {exc}")
            continue
        batch.append((row, target))
        if len(batch) >= BATCH:
            flush()
    flush()
    return errors
