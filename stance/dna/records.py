"""The contents of a Discourse Network Analyzer (DNA) file as frozen records.

A :class:`DnaCorpus` is what :func:`stance.dna.read.read_dna` returns and what
:func:`stance.dna.write.write_corpus` writes: documents, the statements coded in them (offsets as Python
string indices into the document's text), the coders, and the attributes of the entities (``Type``,
``Alias``, ``Notes`` of a person, organization or concept).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any

VARIABLES = ("person", "organization", "concept", "agreement")
"""Our names of the variables of DNA's default statement type (``--variables`` maps them to a file's)."""
ROLES = ("person", "organization", "concept")
"""The variables whose values are entities (short text) with attributes."""
AGREEMENT = {1: "favor", 0: "against"}
"""DNA's boolean agreement as a stance label."""
DOC_ID_NOTE, DATE_NOTE = "stance doc_id: ", "stance date: "
"""Lines of a document's ``Notes`` that keep what DNA has no field for (written by ``stance export dna``):
our document id, and the date at its precision (``2018-01``; ``none`` for an undated document, which DNA
stores as date 0)."""


def _date_text(value: _dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date_of(value: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(value) if value else None


@dataclass(frozen=True)
class DnaDocument:
    """One row of DNA's ``DOCUMENTS`` table.  ``text`` is the text as DNA's text panel shows it (line ends
    ``\\n``); ``date`` is naive UTC, None for a document written undated (see ``docs/dna.md``)."""

    document_id: int
    title: str
    text: str
    date: _dt.datetime | None
    author: str = ""
    source: str = ""
    section: str = ""
    type: str = ""
    notes: str = ""
    coder: str = ""
    """The coder who owns the document (DNA's ``DOCUMENTS.Coder``), by name."""

    def to_dict(self) -> dict[str, Any]:
        return {"document_id": self.document_id, "title": self.title, "text": self.text,
                "date": _date_text(self.date), "author": self.author, "source": self.source,
                "section": self.section, "type": self.type, "notes": self.notes, "coder": self.coder}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> DnaDocument:
        return cls(int(row["document_id"]), row["title"], row["text"], _date_of(row.get("date")),
                   row.get("author", ""), row.get("source", ""), row.get("section", ""), row.get("type", ""),
                   row.get("notes", ""), row.get("coder", ""))


@dataclass(frozen=True)
class DnaStatement:
    """One coded statement of the default statement type: ``start``/``end`` are Python string indices
    into its document's :attr:`DnaDocument.text` (DNA's UTF-16 offsets converted on read), ``text`` is
    that span, ``agreement`` is ``favor`` (DNA 1) or ``against`` (DNA 0)."""

    statement_id: int
    document_id: int
    start: int
    end: int
    text: str
    coder: str
    person: str
    organization: str
    concept: str
    agreement: str
    note: str = ""
    """The statement's ``note`` (a long-text variable ``stance export dna`` adds to the statement type for
    the model's confidence); empty when the file has none."""

    def to_dict(self) -> dict[str, Any]:
        return {"statement_id": self.statement_id, "document_id": self.document_id, "start": self.start,
                "end": self.end, "text": self.text, "coder": self.coder, "person": self.person,
                "organization": self.organization, "concept": self.concept, "agreement": self.agreement,
                "note": self.note}

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> DnaStatement:
        return cls(int(row["statement_id"]), int(row["document_id"]), int(row["start"]), int(row["end"]),
                   row["text"], row["coder"], row["person"], row["organization"], row["concept"],
                   row["agreement"], row.get("note", ""))


@dataclass(frozen=True)
class DnaEntity:
    """One value of a person, organization or concept variable with its attributes (DNA's ``ENTITIES``
    and ``ATTRIBUTEVALUES``): ``DnaEntity("concept", "US bases", (("Alias", "us_bases"),))``."""

    variable: str
    """Our variable name (``person``, ``organization`` or ``concept``)."""
    value: str
    attributes: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        """The attribute ``name`` (``Type``, ``Alias``, ``Notes``...), empty when unset."""
        return next((value for key, value in self.attributes if key == name), "")


@dataclass(frozen=True)
class DnaCorpus:
    """Documents, statements (of one statement type, with our variable names), coders by name, and the
    entities with their attributes."""

    documents: tuple[DnaDocument, ...]
    statements: tuple[DnaStatement, ...]
    coders: tuple[str, ...]
    entities: tuple[DnaEntity, ...] = ()
    version: str = ""
    """The DNA version that created the file (``SETTINGS.version``); empty for a corpus not read from one."""

    def entity(self, variable: str, value: str) -> DnaEntity:
        """The entity of ``variable`` with ``value`` (one without attributes when the corpus has none)."""
        return next((e for e in self.entities if e.variable == variable and e.value == value),
                    DnaEntity(variable, value))

    def document(self, document_id: int) -> DnaDocument:
        """The document with DNA id ``document_id`` (a KeyError when there is none)."""
        for document in self.documents:
            if document.document_id == document_id:
                return document
        raise KeyError(document_id)


@dataclass(frozen=True)
class DnaWriteReport:
    """What :func:`stance.dna.write.write_dna` wrote and what it left out, with why.

    DNA's agreement is yes/no, so a neutral label (abstained or not) cannot be written: those are counted
    in ``neutral`` and ``abstained`` (abstained ones are neutral too and counted only there)."""

    path: str
    documents: int
    statements: int
    coders: tuple[str, ...]
    entities: dict[str, int] = field(default_factory=dict)
    """Distinct values written per variable: ``{"person": 3, "organization": 2, "concept": 1}``."""
    neutral: int = 0
    abstained: int = 0
    missing_document: tuple[str, ...] = ()
    """Statement ids whose document was not given (left out)."""
    span_mismatch: tuple[str, ...] = ()
    """Statement ids whose quote is not at its offsets in the document's text (left out)."""
    undated: int = 0
    """Documents written without a date (DNA's date 0, 1970-01-01 00:00:00 UTC)."""
    truncated: tuple[str, ...] = ()
    """Values cut to DNA's 190-character limit, as ``field: value``."""
    unknown_issues: tuple[str, ...] = ()
    """Issue ids not in the issue registry (written with the id as the concept)."""

    def lines(self) -> list[str]:
        """The report as lines for a terminal (counts, then each kind of loss, then where)."""
        made = ", ".join(_count(n, variable) for variable, n in self.entities.items())
        out = [f"{_count(self.documents, 'document')}, {_count(self.statements, 'statement')} ({made}); coders: "
               f"{', '.join(self.coders)}"]
        if self.neutral or self.abstained:
            out.append(f"left out {_count(self.neutral + self.abstained, 'neutral label')} ({self.abstained} of them "
                       "abstained): DNA's agreement is yes/no; the table export keeps them")
        if self.missing_document:
            out.append(f"left out {_count(len(self.missing_document), 'statement')} whose document was not given: "
                       f"{_some(self.missing_document)}")
        if self.span_mismatch:
            out.append(f"left out {_count(len(self.span_mismatch), 'statement')} whose quote is not at its offsets in "
                       f"the document (another corpus than the run's?): {_some(self.span_mismatch)}")
        if self.undated:
            out.append(f"{_count(self.undated, 'undated document')} written with DNA's date 0 (1970-01-01); the "
                       "notes say so")
        if self.truncated:
            out.append(f"{_count(len(self.truncated), 'value')} cut to DNA's 190 characters: {_some(self.truncated)}")
        if self.unknown_issues:
            out.append(f"issues not in the registry, written by id: {_some(self.unknown_issues)}")
        out.append(f"DNA file: {self.path}")
        return out


def _count(n: int, noun: str) -> str:
    """``_count(1, "statement")`` -> ``1 statement``; ``_count(2, "statement")`` -> ``2 statements``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _some(items: tuple[str, ...], n: int = 3) -> str:
    shown = ", ".join(items[:n])
    return shown + (f" and {len(items) - n} more" if len(items) > n else "")
