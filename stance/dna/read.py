"""Reading a DNA 3 file (SQLite) into a :class:`~stance.dna.records.DnaCorpus`.

Checks, in order, each with an error naming the file: that it is an SQLite database, that it is a DNA file
(a ``SETTINGS`` table with a ``version`` row), that the version is 3.x (DNA 2 files have other tables: DNA 3
imports them, see the error), that the statement type exists and has the four variables (``--variables``
maps ours to the file's names), and that every statement's offsets fall on its document's text.

Offsets: DNA stores ``Start``/``Stop`` in UTF-16 code units of the text as its text panel holds it (line ends
``\\n``); :class:`~stance.dna.records.DnaStatement` has Python indices into that text
(:mod:`stance.dna.offsets`).  Dates: seconds since 1970-01-01 UTC; 0 reads as undated (``docs/dna.md``).
"""

from __future__ import annotations

import datetime as _dt
import sqlite3
from collections.abc import Mapping
from pathlib import Path

from stance.dna.offsets import OffsetMap, panel_text
from stance.dna.records import (
    AGREEMENT,
    DATE_NOTE,
    DOC_ID_NOTE,
    ROLES,
    VARIABLES,
    DnaCorpus,
    DnaDocument,
    DnaEntity,
    DnaStatement,
)
from stance.dna.schema import BOOLEAN, INTEGER, LONG_TEXT, SHORT_TEXT, STATEMENT_TYPE
from stance.errors import InputError

SQLITE_HEADER = b"SQLite format 3\x00"
NOTE = "note"
"""Our name of the optional long-text variable holding a statement's note."""


def read_dna(path: str | Path, *, variables: Mapping[str, str] | None = None,
             statement_type: str = STATEMENT_TYPE, coder: str | None = None) -> DnaCorpus:
    """The documents and the statements of ``statement_type`` in the DNA file at ``path``.

    ``variables`` maps our names (person, organization, concept, agreement, note) to the file's where they
    differ: ``{"person": "speaker"}``.  ``coder`` keeps one coder's statements (every document is kept).
    The agreement variable is boolean (1 favor, 0 against) or an integer holding 1 or 0.
    """
    path = Path(path)
    names = _names(path, variables)
    connection = _open(path)
    try:
        version = _version(path, connection)
        type_id = _statement_type(path, connection, statement_type)
        found = _variables(path, connection, type_id, statement_type, names)
        coders = {row[0]: row[1] for row in connection.execute("SELECT ID, Name FROM CODERS ORDER BY ID")}
        if coder is not None and coder not in coders.values():
            raise InputError(path, f"no coder {coder!r}; the coders are {', '.join(coders.values())}")
        documents = _documents(connection, coders)
        statements = _statements(path, connection, type_id, found, coders, documents, coder)
        entities = _entities(connection, found)
    except sqlite3.DatabaseError as exc:
        raise InputError(path, f"cannot be read as a DNA 3 file ({exc}); expected the tables DNA 3 creates") from None
    finally:
        connection.close()
    return DnaCorpus(tuple(documents.values()), tuple(statements), tuple(coders.values()), entities, version)


def _names(path: Path, variables: Mapping[str, str] | None) -> dict[str, str]:
    known = (*VARIABLES, NOTE)
    unknown = sorted(set(variables or {}) - set(known))
    if unknown:
        raise InputError(path, f"--variables names {', '.join(unknown)}; expected some of {', '.join(known)} "
                               "mapped to the file's variable names (person=speaker,concept=frame)")
    return {name: (variables or {}).get(name, name) for name in known}


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise InputError(path, "not found; expected a DNA file (.dna)")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise InputError(path, f"not an SQLite database (it starts with {header[:15]!r}, not 'SQLite format 3'); "
                               "expected a .dna file saved by DNA 3")
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _version(path: Path, connection: sqlite3.Connection) -> str:
    tables = sorted(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    row = (connection.execute("SELECT Value FROM SETTINGS WHERE Property = 'version'").fetchone()
           if "SETTINGS" in tables else None)
    if row is None:
        raise InputError(path, "an SQLite database but not a DNA file: it has no SETTINGS table with a 'version' "
                               f"row (tables: {', '.join(tables) or 'none'}); expected a file created by DNA 3")
    version = str(row[0])
    if not version.startswith("3"):
        fix = (" Open DNA 3, create a new database and import this one (Documents > Import from DNA database), "
               "then read the new file." if version.startswith(("1", "2")) else "")
        raise InputError(path, f"a DNA {version} file; expected DNA 3.x (3.0 or later), whose tables differ.{fix}")
    return version


def _statement_type(path: Path, connection: sqlite3.Connection, label: str) -> int:
    types = connection.execute("SELECT ID, Label FROM STATEMENTTYPES ORDER BY ID").fetchall()
    for type_id, found in types:
        if found == label:
            return int(type_id)
    raise InputError(path, f"no statement type {label!r}; the statement types are "
                           f"{', '.join(repr(t[1]) for t in types) or 'none'}")


def _variables(path: Path, connection: sqlite3.Connection, type_id: int, label: str,
               names: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Our name -> (variable id, data type) for each variable we read (the note only when present)."""
    rows = {name: (int(vid), kind) for vid, name, kind in connection.execute(
        "SELECT ID, Variable, DataType FROM VARIABLES WHERE StatementTypeId = ? ORDER BY ID", (type_id,))}
    found: dict[str, tuple[int, str]] = {}
    for ours in (*VARIABLES, NOTE):
        theirs = names[ours]
        if theirs not in rows:
            if ours == NOTE:
                continue
            mapped = f" (for {ours})" if theirs != ours else ""
            raise InputError(path, f"statement type {label!r} has no variable {theirs!r}{mapped}; its variables are "
                                   f"{', '.join(rows) or 'none'}; name ours with --variables, e.g. "
                                   f"{ours}=<one of them>")
        kind = rows[theirs][1]
        wanted = {"agreement": (BOOLEAN, INTEGER), NOTE: (LONG_TEXT, SHORT_TEXT)}.get(ours, (SHORT_TEXT,))
        if kind not in wanted:
            raise InputError(path, f"variable {theirs!r} ({ours}) is {kind}; expected {' or '.join(wanted)}")
        found[ours] = rows[theirs]
    return found


def _date(seconds: int) -> _dt.datetime | None:
    if not seconds:
        return None
    return _dt.datetime(1970, 1, 1) + _dt.timedelta(seconds=int(seconds))


def _documents(connection: sqlite3.Connection, coders: dict[int, str]) -> dict[int, DnaDocument]:
    rows = connection.execute("SELECT ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date "
                              "FROM DOCUMENTS ORDER BY ID")
    return {int(i): DnaDocument(int(i), title or "", panel_text(text or ""), _date(date), author or "", source or "",
                                section or "", kind or "", notes or "", coders.get(coder, ""))
            for i, title, text, coder, author, source, section, notes, kind, date in rows}


def _statements(path: Path, connection: sqlite3.Connection, type_id: int, found: dict[str, tuple[int, str]],
                coders: dict[int, str], documents: dict[int, DnaDocument], coder: str | None) -> list[DnaStatement]:
    values: dict[tuple[int, int], object] = {}
    for table, column in (("DATASHORTTEXT", "E.Value"), ("DATABOOLEAN", "D.Value"), ("DATAINTEGER", "D.Value"),
                          ("DATALONGTEXT", "D.Value")):
        join = " JOIN ENTITIES AS E ON E.ID = D.Entity" if table == "DATASHORTTEXT" else ""
        for statement_id, variable_id, value in connection.execute(
                f"SELECT D.StatementId, D.VariableId, {column} FROM {table} AS D{join}"):
            values[(int(statement_id), int(variable_id))] = value
    maps: dict[int, OffsetMap] = {}
    out = []
    for statement_id, document_id, start, stop, coder_id in connection.execute(
            "SELECT ID, DocumentId, Start, Stop, Coder FROM STATEMENTS WHERE StatementTypeId = ? ORDER BY ID",
            (type_id,)):
        name = coders.get(coder_id, "")
        if coder is not None and name != coder:
            continue
        where = f"statement {statement_id} (document {document_id})"
        document = documents.get(document_id)
        if document is None:
            raise InputError(path, f"{where}: no such document; expected every statement in a document")
        offsets = maps.setdefault(document_id, OffsetMap.of(document.text))
        try:
            begin, end = offsets.to_python(int(start)), offsets.to_python(int(stop))
        except ValueError as exc:
            raise InputError(path, f"{where}: offsets {start}-{stop} do not fit the document's text ({exc})") from None
        got = {ours: values.get((int(statement_id), vid)) for ours, (vid, _) in found.items()}
        agreement = got["agreement"]
        if not isinstance(agreement, int) or agreement not in AGREEMENT:
            found_value = "no value" if agreement is None else repr(agreement)
            raise InputError(path, f"{where}: agreement has {found_value}; expected 1 (favor) or 0 (against)")
        out.append(DnaStatement(int(statement_id), int(document_id), begin, end, document.text[begin:end], name,
                                str(got["person"] or ""), str(got["organization"] or ""), str(got["concept"] or ""),
                                AGREEMENT[agreement], str(got.get(NOTE) or "")))
    return out


def _entities(connection: sqlite3.Connection, found: dict[str, tuple[int, str]]) -> tuple[DnaEntity, ...]:
    ours = {found[name][0]: name for name in ROLES}
    attributes: dict[int, list[tuple[str, str]]] = {}
    for entity_id, name, value in connection.execute(
            "SELECT V.EntityId, A.AttributeVariable, V.AttributeValue FROM ATTRIBUTEVALUES AS V "
            "JOIN ATTRIBUTEVARIABLES AS A ON A.ID = V.AttributeVariableId ORDER BY A.ID"):
        attributes.setdefault(int(entity_id), []).append((str(name), str(value or "")))
    out = []
    for entity_id, variable_id, value in connection.execute("SELECT ID, VariableId, Value FROM ENTITIES ORDER BY ID"):
        if int(variable_id) in ours:
            out.append(DnaEntity(ours[int(variable_id)], str(value or ""), tuple(attributes.get(int(entity_id), ()))))
    return tuple(out)


def _noted(notes: str, prefix: str) -> str | None:
    return next((line[len(prefix):].strip() for line in notes.splitlines() if line.startswith(prefix)), None)


def document_ids(corpus: DnaCorpus) -> dict[int, str]:
    """Our id of each document: the ``stance doc_id`` its notes keep (a file ``stance export dna`` wrote),
    else ``dna-<DNA id>``; an id two documents would share falls back to the DNA one."""
    noted = {d.document_id: _noted(d.notes, DOC_ID_NOTE) for d in corpus.documents}
    counts: dict[str, int] = {}
    for value in noted.values():
        if value:
            counts[value] = counts.get(value, 0) + 1
    return {i: value if value and counts[value] == 1 else f"dna-{i}" for i, value in noted.items()}


def document_date(document: DnaDocument) -> str | None:
    """The date as our corpora write it: the ``stance date`` of the notes (its precision kept, ``none`` for
    undated), else the DNA date's day (``2018-01-31``), else None."""
    noted = _noted(document.notes, DATE_NOTE)
    if noted is not None:
        return None if noted == "none" else noted
    return document.date.date().isoformat() if document.date else None


def corpus_rows(corpus: DnaCorpus, doc_types: tuple[str, ...]) -> tuple[list[dict[str, str]], dict[str, int]]:
    """The documents as rows of a ``.jsonl`` corpus (``id``, ``text``, ``date``, ``source``, ``title``,
    ``author``, ``type``; empty fields left out) and how many were changed or left out, with why: a DNA type
    not in ``doc_types`` is left out (the document reads as news), an empty document is left out."""
    ids = document_ids(corpus)
    rows: list[dict[str, str]] = []
    notes: dict[str, int] = {}
    for d in corpus.documents:
        if not d.text.strip():
            notes["empty documents left out"] = notes.get("empty documents left out", 0) + 1
            continue
        row = {"id": ids[d.document_id], "text": d.text, "date": document_date(d) or "", "source": d.source,
               "title": d.title, "author": d.author, "type": d.type if d.type in doc_types else ""}
        if d.type and d.type not in doc_types:
            key = f"type {d.type!r} not one of stance's, left out (read as news)"
            notes[key] = notes.get(key, 0) + 1
        rows.append({k: v for k, v in row.items() if v})
    return rows, notes


def pair_rows(corpus: DnaCorpus) -> tuple[list[dict[str, object]], int]:
    """One labelled pair per coded statement with a concept (``text`` the coded span, ``target`` the concept,
    ``label`` favor/against, ``issue`` the concept's Alias when set, ``article`` and ``doc_id`` our document
    id, and who: ``actor`` (the person, else the organization), ``person``, ``organization``, ``coder``,
    offsets ``start``/``end``, DNA's ``statement_id``), and how many statements had no concept (left out)."""
    ids = document_ids(corpus)
    rows: list[dict[str, object]] = []
    no_concept = 0
    for s in corpus.statements:
        if not s.concept.strip():
            no_concept += 1
            continue
        alias = corpus.entity("concept", s.concept).get("Alias")
        doc_id = ids[s.document_id]
        rows.append({"text": s.text, "target": s.concept, "label": s.agreement, **({"issue": alias} if alias else {}),
                     "article": doc_id, "doc_id": doc_id, "actor": s.person or s.organization, "person": s.person,
                     "organization": s.organization, "coder": s.coder, "start": s.start, "end": s.end,
                     "statement_id": s.statement_id})
    return rows, no_concept
