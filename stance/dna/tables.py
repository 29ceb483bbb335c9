"""Flat files for DNA users and for R/pandas: DNA's event list, and one row per labelled statement.

* :func:`write_events`: the event list DNA's exporter writes (``Exporter.eventCSV`` in DNA 3.1.1): fields
  separated by ``;``, text fields in double quotes with any ``;`` turned into ``,`` and any ``"`` into
  ``'``, the time as ``yyyy-MM-dd HH:mm:ss``, one statement per line, no line end after the last.  The
  columns are ``statement ID``, ``time``, ``document ID``, ``document title``, ``author``, ``source``,
  ``section``, ``type``, ``text``, then the statement type's variables in order (``person``,
  ``organization``, ``concept``, ``agreement``, ``note``).  An undated document's time is left empty
  (DNA would print 1970-01-01 00:00:00).
* :func:`write_table`: :data:`TABLE_COLUMNS`, every (statement, issue) label including neutral ones, as CSV
  or (for a ``.parquet`` path) Parquet through pyarrow.  Columns are described in ``docs/dna.md``.
"""

from __future__ import annotations

import csv
import datetime as _dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from stance.dna.records import DnaCorpus, DnaStatement
from stance.dna.write import roles
from stance.errors import InputError
from stance.records import Article, Issue, StancePrediction

EVENT_COLUMNS = ("statement ID", "time", "document ID", "document title", "author", "source", "section", "type",
                 "text")
"""DNA's first nine event-list columns; the statement type's variables follow."""
EVENT_VARIABLES = ("person", "organization", "concept", "agreement", "note")
TABLE_COLUMNS = ("statement_id", "doc_id", "title", "date", "source", "actor", "actor_id", "actor_type", "person",
                 "organization", "affiliation", "concept", "issue", "stance", "agreement", "confidence", "abstained",
                 "checked_by", "text", "quote", "start", "end", "model")
"""The statements table's columns, in order (``docs/dna.md`` says what each holds)."""


def _new_file(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise InputError(path, "already exists; expected a new file (pass --force to replace it)")
    if not path.parent.is_dir():
        raise InputError(path, f"cannot be written: folder {path.parent} does not exist")


def _quoted(value: str) -> str:
    """A text field as DNA writes it: ``'a;b "c"'`` -> ``'"a,b \\'c\\'"'``."""
    return '"' + value.replace(";", ",").replace('"', "'") + '"'


def event_lines(corpus: DnaCorpus) -> list[str]:
    """The event list's lines: the header, then one line per statement, ordered by document date (undated
    last), document and statement id."""
    header = ";".join(_quoted(c) for c in (*EVENT_COLUMNS, *EVENT_VARIABLES))
    documents = {d.document_id: d for d in corpus.documents}
    last = _dt.datetime.max

    def order(s: DnaStatement) -> tuple[_dt.datetime, int, int]:
        return documents[s.document_id].date or last, s.document_id, s.statement_id

    lines = [header]
    for s in sorted(corpus.statements, key=order):
        d = documents[s.document_id]
        time = d.date.strftime("%Y-%m-%d %H:%M:%S") if d.date else ""
        texts = (d.title, d.author, d.source, d.section, d.type, s.text, s.person, s.organization, s.concept)
        fields = [str(s.statement_id), time, str(s.document_id), *(_quoted(t) for t in texts),
                  "1" if s.agreement == "favor" else "0", _quoted(s.note)]
        lines.append(";".join(fields))
    return lines


def write_events(path: str | Path, corpus: DnaCorpus, *, force: bool = False) -> int:
    """Write ``corpus``'s statements as DNA's event list (UTF-8) and return how many were written."""
    path = Path(path)
    _new_file(path, force)
    lines = event_lines(corpus)
    path.write_text("\n".join(lines), encoding="utf-8")
    return len(lines) - 1


def table_rows(predictions: Iterable[StancePrediction], articles: Mapping[str, Article],
               issues: Mapping[str, Issue]) -> list[dict[str, Any]]:
    """One row per (statement, issue) label, every stance: ``agreement`` 1 (favor), 0 (against) or None
    (neutral); ``person``/``organization`` as the DNA export sets them; ``title`` empty without the
    article; ``start``/``end`` the quote's character offsets into the document."""
    rows = []
    for p in predictions:
        st = p.statement
        person, organization = roles(st)
        article = articles.get(st.doc_id)
        issue = issues.get(p.issue)
        rows.append({
            "statement_id": st.statement_id, "doc_id": st.doc_id, "title": (article.title or "") if article else "",
            "date": str(st.date) if st.date else "", "source": (article.source or "") if article else "",
            "actor": st.actor, "actor_id": st.actor_id, "actor_type": st.actor_type, "person": person,
            "organization": organization, "affiliation": st.affiliation or "",
            "concept": issue.label if issue else p.issue, "issue": p.issue, "stance": p.stance,
            "agreement": {"favor": 1, "against": 0}.get(p.stance), "confidence": round(p.confidence, 4),
            "abstained": p.abstained, "checked_by": p.checked_by or "", "text": st.text.text,
            "quote": st.quote.text, "start": st.quote.start, "end": st.quote.end, "model": p.model})
    return rows


def write_table(path: str | Path, rows: list[dict[str, Any]], *, force: bool = False) -> int:
    """Write :func:`table_rows` as CSV (``.csv``) or Parquet (``.parquet``) and return the row count."""
    path = Path(path)
    if path.suffix not in (".csv", ".parquet"):
        raise InputError(path, f"has suffix {path.suffix!r}; expected .csv or .parquet (the format follows it)")
    _new_file(path, force)
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=TABLE_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"agreement": pa.int8(), "confidence": pa.float64(), "abstained": pa.bool_(), "start": pa.int64(),
             "end": pa.int64()}
    schema = pa.schema([(c, types.get(c, pa.string())) for c in TABLE_COLUMNS])
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return len(rows)
