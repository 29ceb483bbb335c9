"""The review CSV: a sample as a table to fill in (a spreadsheet will do), and its coded rows read back.

Columns, as :func:`write_table` writes them: ``statement_id``, ``issue`` (the label's ids: leave them
as they are), ``actor``, ``doc_id``, ``date``, ``text`` (the statement), ``quote`` (its sentence),
``target`` (what *favor* means on the issue), ``model_stance``, ``model_confidence``, then three to
fill in: ``correct_stance`` (favor, against, neutral, or irrelevant: not about this issue),
``coder`` (who decided; else ``--coder``) and ``note``.  An optional ``time`` column (ISO 8601) says
when each row was decided; without it a row's time is the file's modification time.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stance.errors import InputError
from stance.records import Issue, StancePrediction
from stance.review.record import CodedRow, parse_time

COLUMNS = ("statement_id", "issue", "actor", "doc_id", "date", "text", "quote", "target", "model_stance",
           "model_confidence", "correct_stance", "coder", "note")
REQUIRED = ("statement_id", "issue", "correct_stance")
"""The columns a coded file must keep."""


def write_table(labels: Sequence[tuple[StancePrediction, Issue]], path: str | Path) -> Path:
    """The labels as a CSV of :data:`COLUMNS` (UTF-8 with a byte-order mark, which spreadsheets need to
    read it as UTF-8), the columns to fill in empty."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for p, issue in labels:
            st = p.statement
            writer.writerow([st.statement_id, p.issue, st.actor, st.doc_id, str(st.date) if st.date else "",
                             st.text.text, st.quote.text, issue.target, p.stance, f"{p.confidence:.4f}", "", "", ""])
    return path


@dataclass
class TableRows:
    """The coded rows of a CSV, the problems found (each naming the file and line) and how many rows
    were left without a ``correct_stance``."""

    rows: list[CodedRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchecked: int = 0


def read_table(path: str | Path, coder: str | None = None) -> TableRows:
    """The rows of an edited review CSV that have a ``correct_stance``, each with the line it starts on.

    A row's coder is its ``coder`` cell, else ``coder``; its time its ``time`` cell, else the file's
    modification time (so re-reading an unchanged file gives the same rows).
    """
    path = Path(path)
    out = TableRows()
    modified = _dt.datetime.fromtimestamp(path.stat().st_mtime, _dt.timezone.utc)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            names = [n.strip() for n in next(reader, [])]
            missing = [c for c in REQUIRED if c not in names]
            if missing:
                raise InputError(path, f"found columns {names}; expected {', '.join(REQUIRED)} among them (the "
                                       "CSV of `stance review sample`): keep its header, and save as CSV UTF-8 with "
                                       "commas", 1)
            start = reader.line_num + 1
            for cells in reader:
                line, start = start, reader.line_num + 1
                if not any(c.strip() for c in cells):
                    continue
                if len(cells) > len(names):
                    out.problems.append(f"{path}:{line}: found {len(cells)} cells; expected at most {len(names)}, "
                                        "one per column of the header")
                    continue
                row = {name: cell.strip() for name, cell in zip(names, cells)}
                _read_row(path, line, row, coder, modified, out)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 ({exc.reason} at byte {exc.start}); expected the CSV as written "
                               "(save it as CSV UTF-8)") from None
    except csv.Error as exc:
        raise InputError(path, f"is not a readable CSV ({exc})") from None
    return out


def _read_row(path: Path, line: int, row: dict[str, str], coder: str | None, modified: _dt.datetime,
              out: TableRows) -> None:
    if not row.get("correct_stance"):
        out.unchecked += 1
        return
    time = modified
    if row.get("time"):
        try:
            time = parse_time(row["time"])
        except ValueError:
            out.problems.append(f"{path}:{line}: found time {row['time']!r}; expected an ISO time "
                                "(2026-12-04T10:15:00Z), or an empty cell for the file's time")
            return
    out.rows.append(CodedRow(line, row.get("statement_id", ""), row.get("issue", ""), row["correct_stance"],
                             row.get("coder") or coder or "", time, row.get("note", ""), row.get("text", ""),
                             row.get("target", "")))
