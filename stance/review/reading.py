"""Reading a coded review file back, every row checked: the edited CSV, a Label Studio JSON export,
or a run folder's ``corrections.jsonl``.

A row becomes a :class:`~stance.review.record.Correction` only when it names a label, a stance among
:data:`~stance.review.record.REVIEW_STANCES` and (for an import) a coder; otherwise it becomes a
problem, ``FILE:LINE: found ...; expected ...: fix``.  Given the labels of a store or run, a row
must also name one of them.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import InputError
from stance.review.labelstudio import read_export
from stance.review.record import REVIEW_STANCES, CodedRow, Correction
from stance.review.table import read_table

SUFFIXES = {".csv": "the edited CSV", ".json": "a Label Studio JSON export", ".jsonl": "a corrections.jsonl"}


@dataclass
class ReviewFile:
    """A review file read and checked: its corrections (rows without problems), its problems (each
    naming the file and line; their rows are not among the corrections), how many labels were left
    unchecked (an empty ``correct_stance``, a task without annotations) and how many Label Studio
    annotations were skipped (cancelled)."""

    path: Path
    corrections: list[Correction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchecked: int = 0
    cancelled: int = 0


def check_review_file(path: str | Path, *, coder: str | None = None, require_coder: bool = True,
                      labels: Collection[tuple[str, str]] | None = None, where: str = "") -> ReviewFile:
    """Read ``path`` (by its suffix: ``.csv``, ``.json``, ``.jsonl``) and check every row.

    ``coder``: the coder of rows that name none (and, for a Label Studio export, of every annotation);
    ``require_coder``: a row without any coder is a problem (for an import; training needs none);
    ``labels``: the (statement id, issue) labels rows may name, and ``where`` what holds them (for the
    messages); None: not checked.  :class:`~stance.errors.InputError` when the file as a whole cannot be
    read (missing, another format, malformed JSON, no header).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "not found; expected the CSV or the Label Studio export of a review sample")
    suffix = path.suffix.lower()
    out = ReviewFile(path)
    if suffix == ".csv":
        table = read_table(path, coder)
        rows, out.problems, out.unchecked = table.rows, table.problems, table.unchecked
    elif suffix == ".json":
        export = read_export(path, coder)
        rows, out.problems, out.unchecked, out.cancelled = export.rows, export.problems, export.unchecked, \
            export.cancelled
    elif suffix == ".jsonl":
        rows, out.problems = _read_jsonl(path)
    else:
        raise InputError(path, f"found suffix {path.suffix!r}; expected one of "
                               f"{', '.join(f'{s} ({what})' for s, what in SUFFIXES.items())}")
    modified = _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc)
    statements = {sid for sid, _ in labels} if labels is not None else set()
    issues: dict[str, list[str]] = {}
    for sid, issue in labels or ():
        issues.setdefault(sid, []).append(issue)
    for row in rows:
        problem = _problem(row, require_coder, labels, statements, issues, where)
        if problem:
            out.problems.append(f"{path}:{row.line}: {problem}")
            continue
        out.corrections.append(Correction(row.statement_id, row.issue, row.stance.strip().lower(), row.coder,
                                          row.time or modified, row.note, row.text, row.target))
    out.problems.sort(key=_line_of)
    return out


def _problem(row: CodedRow, require_coder: bool, labels: Collection[tuple[str, str]] | None, statements: set[str],
             issues: dict[str, list[str]], where: str) -> str | None:
    if not row.statement_id or not row.issue:
        return ("found no statement_id or no issue; expected both, as `stance review sample` wrote them: keep "
                "those columns (or task fields) unchanged")
    if labels is not None and row.statement_id not in statements:
        return (f"found statement_id {row.statement_id!r}, not a statement of {where or 'the labels'}; expected "
                "the id of one of its statements: import the file into the store or run it was sampled from")
    if labels is not None and (row.statement_id, row.issue) not in labels:
        return (f"found issue {row.issue!r} for statement {row.statement_id!r}, which has no label on it; "
                f"expected one of its labelled issues ({', '.join(sorted(issues[row.statement_id]))})")
    if row.stance.strip().lower() not in REVIEW_STANCES:
        return (f"found stance {row.stance!r}; expected one of {', '.join(REVIEW_STANCES)} (irrelevant: the "
                "statement is not about this issue)")
    if require_coder and not row.coder:
        return "found no coder; expected who decided: fill in the coder column, or give --coder ID for the file"
    return None


def _read_jsonl(path: Path) -> tuple[list[CodedRow], list[str]]:
    """The rows of a ``corrections.jsonl`` (:meth:`Correction.to_dict` per line)."""
    rows, problems = [], []
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            c = Correction.from_dict(json.loads(line))
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            problems.append(f"{path}:{number}: found {line[:60]!r}; expected a correction with statement_id, issue, "
                            f"stance, coder and an ISO time ({type(exc).__name__}: {exc})")
            continue
        rows.append(CodedRow(number, c.statement_id, c.issue, c.stance, c.coder, c.time, c.note, c.text, c.target))
    return rows, problems


def _line_of(problem: str) -> tuple[int, str]:
    head = problem.split(": ", 1)[0]
    number = head.rsplit(":", 1)[-1]
    return (int(number) if number.isdigit() else 0, problem)

