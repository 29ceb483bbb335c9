"""Writing labelled statements as a DNA 3 file that DNA opens and codes on.

:func:`dna_corpus` maps articles and stance predictions to a :class:`~stance.dna.records.DnaCorpus`;
:func:`write_corpus` writes any corpus as a new DNA file; :func:`write_dna` does both and reports.

The mapping (``docs/dna.md``): one DNA statement per (statement, issue) labelled favor or against, on the
statement's quote (the sentence as printed).  ``person`` is the actor when it is a person, else empty;
``organization`` is the actor when it is an organisation, group, country or anonymous source, else the
person's affiliation on the date; ``concept`` is the issue's label (its id is the concept's ``Alias``, its
target the concept's ``Notes``); ``agreement`` 1 favor, 0 against.  A neutral label (abstained or not) has
no place in DNA's yes/no agreement: it is left out and counted.  The statements are coded by a coder named
for the model version (a label a person checked: by a coder of that person's name); each carries a ``note``
with the confidence.  Offsets are converted to DNA's (UTF-16, line ends ``\\n``: :mod:`stance.dna.offsets`).
"""

from __future__ import annotations

import datetime as _dt
import os
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from stance.dna.offsets import OffsetMap, panel_index, panel_text
from stance.dna.records import (
    DATE_NOTE,
    DOC_ID_NOTE,
    ROLES,
    DnaCorpus,
    DnaDocument,
    DnaEntity,
    DnaStatement,
    DnaWriteReport,
)
from stance.dna.schema import ADMIN, ATTRIBUTE_VARIABLES, MAX_TEXT, NOTE_VARIABLE, create_tables, password_hash
from stance.errors import InputError
from stance.records import Article, Issue, StancePrediction, Statement

PERSON = "person"
CODER_COLOURS = ((66, 133, 244), (219, 68, 55), (15, 157, 88), (171, 71, 188), (0, 172, 193), (255, 112, 67))
DEFAULT_PASSWORD = "admin"
_VARIABLE_IDS = {"person": 1, "organization": 2, "concept": 3, "agreement": 4}
"""The ids of the DNA Statement type's variables in a new DNA file (:data:`stance.dna.schema.VARIABLES`)."""


def roles(statement: Statement) -> tuple[str, str]:
    """(person, organization) of a statement: a person speaks with their affiliation as the organization;
    an organisation, group, country or anonymous source is the organization, with no person.

    >>> from stance.records import Span
    >>> s = Statement("s", "d", None, "khan", "Imran Khan", "person", "PTI", "direct", Span(0, 1, "x"), Span(0, 1, "x"))
    >>> roles(s)
    ('Imran Khan', 'PTI')
    """
    if statement.actor_type == PERSON:
        return statement.actor, statement.affiliation or ""
    return "", statement.actor


@dataclass(frozen=True)
class Selection:
    """The corpus built from predictions and what was left out (see :class:`DnaWriteReport`)."""

    corpus: DnaCorpus
    neutral: int = 0
    abstained: int = 0
    missing_document: tuple[str, ...] = ()
    span_mismatch: tuple[str, ...] = ()
    unknown_issues: tuple[str, ...] = ()


def dna_corpus(articles: Iterable[Article], predictions: Iterable[StancePrediction], *, model_version: str,
               issues: Mapping[str, Issue]) -> Selection:
    """Every article as a DNA document (in order, ids 1, 2, ...), and each favor or against prediction on a
    given article as a DNA statement (ordered by document, then position, then issue)."""
    articles = list(articles)
    documents = [_document(k, a, model_version) for k, a in enumerate(articles, 1)]
    by_doc = {a.doc_id: (a, d) for a, d in zip(articles, documents, strict=True)}
    neutral = abstained = 0
    missing: list[str] = []
    mismatch: list[str] = []
    unknown: set[str] = set()
    found: list[tuple[tuple[int, int, str], DnaStatement, StancePrediction]] = []
    for p in predictions:
        st = p.statement
        if p.stance not in ("favor", "against"):
            abstained += p.abstained
            neutral += not p.abstained
            continue
        if st.doc_id not in by_doc:
            missing.append(st.statement_id)
            continue
        article, document = by_doc[st.doc_id]
        span = st.quote
        if not span.text or article.text[span.start:span.end] != span.text:
            mismatch.append(st.statement_id)
            continue
        start, end = panel_index(article.text, span.start), panel_index(article.text, span.end)
        issue = issues.get(p.issue)
        if issue is None:
            unknown.add(p.issue)
        person, organization = roles(st)
        coder = p.checked_by or model_version
        note = f"confidence: {p.confidence:.4f}, issue: {p.issue}, statement: {st.statement_id}, model: {p.model}"
        note += f", checked by: {p.checked_by}" if p.checked_by else ""
        found.append(((document.document_id, start, p.issue),
                      DnaStatement(0, document.document_id, start, end, document.text[start:end], coder, person,
                                   organization, issue.label if issue else p.issue, p.stance, note), p))
    found.sort(key=lambda item: item[0])
    statements = tuple(DnaStatement(k, s.document_id, s.start, s.end, s.text, s.coder, s.person, s.organization,
                                    s.concept, s.agreement, s.note) for k, (_, s, _) in enumerate(found, 1))
    checkers = sorted({p.checked_by for _, _, p in found if p.checked_by})
    corpus = DnaCorpus(tuple(documents), statements, (ADMIN[1], model_version, *checkers),
                       _entities([(s, p) for (_, s, p) in found], issues))
    return Selection(corpus, neutral, abstained, tuple(missing), tuple(mismatch), tuple(sorted(unknown)))


def _document(document_id: int, article: Article, coder: str) -> DnaDocument:
    date = article.date.start() if article.date else None
    notes = f"{DOC_ID_NOTE}{article.doc_id}\n{DATE_NOTE}{article.date or 'none'}"
    return DnaDocument(document_id, article.title or article.doc_id, panel_text(article.text),
                       _dt.datetime(date.year, date.month, date.day) if date else None, article.author or "",
                       article.source or "", "", article.doc_type, notes, coder)


def _entities(found: list[tuple[DnaStatement, StancePrediction]], issues: Mapping[str, Issue]) -> tuple[DnaEntity, ...]:
    """The attributes of each distinct value (the first statement naming it sets them): a person's and an
    acting organisation's ``Type`` (the actor type) and ``Alias`` (the actor id); a concept's ``Type``
    (``issue``), ``Alias`` (the issue id) and ``Notes`` (the issue's target)."""
    out: dict[tuple[str, str], DnaEntity] = {}
    for s, p in found:
        st = p.statement
        issue = issues.get(p.issue)
        acting = (PERSON, s.person) if s.person else ("organization", s.organization)
        out.setdefault(acting, DnaEntity(acting[0], acting[1], (("Type", st.actor_type), ("Alias", st.actor_id))))
        if s.person and s.organization:
            out.setdefault(("organization", s.organization), DnaEntity("organization", s.organization))
        out.setdefault(("concept", s.concept), DnaEntity("concept", s.concept, (
            ("Type", "issue"), ("Alias", p.issue), ("Notes", issue.target if issue else ""))))
    return tuple(out.values())


def write_corpus(path: str | Path, corpus: DnaCorpus, *, force: bool = False,
                 password: str = DEFAULT_PASSWORD) -> tuple[int, tuple[str, ...]]:
    """Write ``corpus`` as a new DNA file at ``path`` (an existing file only with ``force``): DNA's tables
    and fixed rows, the ``note`` variable, the coders (password ``password``, Admin with id 1), the
    documents, the entities and the statements.  Written to a temporary file first, so a failure leaves no
    half-written file.  Returns (undated documents, values cut to 190 characters as ``field: value``)."""
    path = Path(path)
    if path.exists() and not force:
        raise InputError(path, "already exists; expected a new file (pass --force to replace it)")
    if not path.parent.is_dir():
        raise InputError(path, f"cannot be written: folder {path.parent} does not exist")
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    cut: list[str] = []
    connection = sqlite3.connect(temporary)
    try:
        connection.execute("PRAGMA foreign_keys = ON")
        with connection:
            create_tables(connection, password)
            connection.execute("INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) VALUES (?, ?, ?, ?)",
                               NOTE_VARIABLE)
            coders = _write_coders(connection, corpus, password)
            undated = _write_documents(connection, corpus, coders, cut)
            _write_statements(connection, corpus, coders, cut)
    except sqlite3.Error as exc:
        connection.close()
        temporary.unlink(missing_ok=True)
        raise InputError(path, f"cannot be written as a DNA file ({exc})") from None
    connection.close()
    os.replace(temporary, path)
    return undated, tuple(cut)


def _short(value: str, field: str, cut: list[str]) -> str:
    if len(value) <= MAX_TEXT:
        return value
    cut.append(f"{field}: {value[:40]}...")
    return value[:MAX_TEXT]


def _write_coders(connection: sqlite3.Connection, corpus: DnaCorpus, password: str) -> dict[str, int]:
    ids = {ADMIN[1]: ADMIN[0]}
    named = [*corpus.coders, *(d.coder for d in corpus.documents), *(s.coder for s in corpus.statements)]
    for k, name in enumerate(c for c in dict.fromkeys(named) if c and c != ADMIN[1]):
        red, green, blue = CODER_COLOURS[k % len(CODER_COLOURS)]
        cursor = connection.execute("INSERT INTO CODERS (Name, Red, Green, Blue, Password) VALUES (?, ?, ?, ?, ?)",
                                    (name[:MAX_TEXT], red, green, blue, password_hash(password)))
        ids[name] = int(cursor.lastrowid or 0)
    connection.executemany("INSERT INTO CODERRELATIONS (Coder, OtherCoder) VALUES (?, ?)",
                           [(a, b) for a in ids.values() for b in ids.values() if a != b])
    return ids


def _write_documents(connection: sqlite3.Connection, corpus: DnaCorpus, coders: dict[str, int],
                     cut: list[str]) -> int:
    undated = 0
    for d in corpus.documents:
        seconds = int((d.date - _dt.datetime(1970, 1, 1)).total_seconds()) if d.date else 0
        undated += d.date is None
        connection.execute(
            "INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, Type, Date) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (d.document_id, _short(d.title, "title", cut), d.text, coders.get(d.coder, ADMIN[0]),
             _short(d.author, "author", cut), _short(d.source, "source", cut), _short(d.section, "section", cut),
             d.notes, _short(d.type, "type", cut), seconds))
    return undated


def _write_statements(connection: sqlite3.Connection, corpus: DnaCorpus, coders: dict[str, int],
                      cut: list[str]) -> None:
    attribute_ids = {(variable, name): k for k, (variable, name) in enumerate(ATTRIBUTE_VARIABLES, 1)}
    entity_ids: dict[tuple[str, str], int] = {}
    """(variable, value as given) -> entity id; two values cut to the same 190 characters share one."""
    stored: dict[tuple[str, str], int] = {}

    def entity(variable: str, value: str) -> int:
        key = (variable, value)
        if key in entity_ids:
            return entity_ids[key]
        short = _short(value, variable, cut)
        if (variable, short) not in stored:
            variable_id = _VARIABLE_IDS[variable]
            cursor = connection.execute("INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) "
                                        "VALUES (?, ?, 0, 0, 0)", (variable_id, short))
            new_id = stored[(variable, short)] = int(cursor.lastrowid or 0)
            known = corpus.entity(variable, value)
            connection.executemany(
                "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) VALUES (?, ?, ?)",
                [(new_id, attribute_ids[(variable_id, name)], _short(known.get(name), name, cut))
                 for name in ("Type", "Alias", "Notes")])
        entity_ids[key] = stored[(variable, short)]
        return entity_ids[key]

    maps = {d.document_id: OffsetMap.of(d.text) for d in corpus.documents}
    for s in corpus.statements:
        offsets = maps[s.document_id]
        cursor = connection.execute(
            "INSERT INTO STATEMENTS (ID, StatementTypeId, DocumentId, Start, Stop, Coder) VALUES (?, 1, ?, ?, ?, ?)",
            (s.statement_id or None, s.document_id, offsets.to_java(s.start), offsets.to_java(s.end),
             coders.get(s.coder, ADMIN[0])))
        statement_id = int(cursor.lastrowid or 0)
        connection.executemany("INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?, ?, ?)",
                               [(statement_id, _VARIABLE_IDS[v], entity(v, getattr(s, v))) for v in ROLES])
        connection.execute("INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                           (statement_id, _VARIABLE_IDS["agreement"], 1 if s.agreement == "favor" else 0))
        connection.execute("INSERT INTO DATALONGTEXT (StatementId, VariableId, Value) VALUES (?, ?, ?)",
                           (statement_id, NOTE_VARIABLE[0], s.note))


def write_dna(path: str | Path, documents: Iterable[Article], predictions: Iterable[StancePrediction], *,
              model_version: str, issues: Mapping[str, Issue], force: bool = False,
              password: str = DEFAULT_PASSWORD) -> DnaWriteReport:
    """Write ``documents`` and the favor/against ``predictions`` on them as a new DNA file (see the module's
    note for the mapping) and report what was written and what was left out.  Every coder's password is
    ``password`` (change it in DNA's coder manager)."""
    selection = dna_corpus(documents, predictions, model_version=model_version, issues=issues)
    corpus = selection.corpus
    undated, cut = write_corpus(path, corpus, force=force, password=password)
    counts = {v: len({getattr(s, v) for s in corpus.statements if getattr(s, v)}) for v in ROLES}
    return DnaWriteReport(str(path), len(corpus.documents), len(corpus.statements), corpus.coders, counts,
                          selection.neutral, selection.abstained, selection.missing_document,
                          selection.span_mismatch, undated, cut, selection.unknown_issues)
