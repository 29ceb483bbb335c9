"""A sample written for coders: Label Studio tasks (``FILE.json``), the project's labelling config
(``FILE.xml``) and the same labels as a CSV to fill in (``FILE.csv``), all beside each other.

``--out review/round1`` and ``--out review/round1.json`` both write ``review/round1.json``,
``review/round1.xml`` and ``review/round1.csv``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from stance.errors import StanceError
from stance.records import Issue, StancePrediction
from stance.review.labelstudio import labelling_config, write_tasks
from stance.review.table import write_table


@dataclass(frozen=True)
class SampleFiles:
    """Where a sample was written."""

    tasks: Path
    config: Path
    table: Path


def sample_paths(out: str | Path) -> SampleFiles:
    """The three files for ``out`` (its suffix, if any, replaced)."""
    base = Path(out)
    if base.suffix.lower() in (".json", ".csv", ".xml"):
        base = base.with_suffix("")
    return SampleFiles(base.with_name(base.name + ".json"), base.with_name(base.name + ".xml"),
                       base.with_name(base.name + ".csv"))


def write_sample(labels: Sequence[StancePrediction], out: str | Path, issues: Mapping[str, Issue]) -> SampleFiles:
    """Write ``labels`` for coders (see the module docstring); every label's issue must be in ``issues``,
    whose targets and labels the coders read."""
    missing = sorted({p.issue for p in labels} - set(issues))
    if missing:
        raise StanceError(f"the labels' issues {', '.join(missing)} are not in the issue registry; expected the "
                          "registry the labels were made with: pass it with --issues FILE")
    files = sample_paths(out)
    files.tasks.parent.mkdir(parents=True, exist_ok=True)
    pairs = [(p, issues[p.issue]) for p in labels]
    write_tasks(pairs, files.tasks)
    files.config.write_text(labelling_config(), encoding="utf-8")
    write_table(pairs, files.table)
    return files
