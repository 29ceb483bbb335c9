"""Tables of documents, JSONL and CSV, read row by row: memory stays flat however long the file.

JSONL lines end at ``"\\n"`` only (a string may hold U+2028 or U+0085 unescaped); a CSV file is read with
``newline=""``, as :mod:`csv` requires, so that a line break inside a quoted field stays in the field.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from stance.errors import InputError
from stance.ingest.encoding import UTF16_HINT, lines


def jsonl_rows(path: Path, encoding: str = "utf-8", notes: list[str] | None = None) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-blank line of a JSONL file; an :class:`InputError` naming
    the line for one that is not a JSON object.  The encoding's note (:func:`~stance.ingest.encoding.sniff`)
    goes to ``notes``."""
    for number, line in lines(path, encoding, notes):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON ({exc.msg} at column {exc.colno})", number) from None
        if not isinstance(row, dict):
            raise InputError(path, f"expected a JSON object, found {type(row).__name__}", number)
        yield number, row


def csv_rows(path: Path, encoding: str = "utf-8", notes: list[str] | None = None,
             max_field: int = csv.field_size_limit()) -> tuple[list[str], Iterator[tuple[int, dict]]]:
    """The header of a CSV file of documents (it must name a ``text`` column) and ``(line, row)`` for each
    row after it, ``line`` the row's last line.  An empty ``id`` cell counts as no id (a CSV cell cannot
    say null).  A field may hold up to ``max_field`` characters (the file's byte limit: more cannot be in it).
    A NUL byte is left in its field, for the row's checks to reject."""
    csv.field_size_limit(max(csv.field_size_limit(), min(max_field, sys.maxsize)))  # the default: 131,072
    reader = csv.DictReader(line for _, line in lines(path, encoding, notes, newline="", nul_ok=True))
    try:
        header = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise InputError(path, f"is not valid CSV ({exc})", reader.line_num) from None
    if "text" not in header:
        hint = f" ({UTF16_HINT})" if any("\x00" in name for name in header) else ""
        raise InputError(path, f"expected a header with a 'text' column, found {header or None}{hint}", 1)
    return header, _csv_body(path, reader)


def _csv_body(path: Path, reader: csv.DictReader) -> Iterator[tuple[int, dict]]:
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError(path, f"is not valid CSV ({exc})", reader.line_num) from None
        if None in row:
            raise InputError(path, "has more fields than the header", reader.line_num)
        if row.get("id") == "":
            row["id"] = None
        yield reader.line_num, row
