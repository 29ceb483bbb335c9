"""Codings: one coder's stance on one concept in one stretch of a document, as ``stance agreement`` compares
them, and the readers that turn a ``stance track`` run, a CSV, a JSONL or a DNA file into codings.

A coding is ``(doc_id, start, end, actor, concept, value, coder)``: ``start`` and ``end`` are character
offsets into the document's text (Python string offsets, end excluded), ``value`` is ``favor``,
``against`` or ``neutral``.  Every row of a file becomes one coding or stops the reader with an error
naming the file and line; nothing is passed over.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stance.errors import InputError, StanceError

VALUES = ("favor", "against", "neutral")
"""The values a coding may take (DNA's agreement gives favor or against only)."""
FIELDS = ("doc_id", "start", "end", "actor", "concept", "value")
"""The columns of a CSV of codings and the fields of a JSONL one; ``coder`` is optional."""
MACHINE = "machine"
"""The coder of a ``stance track`` row that names no model (rows written before the model was recorded)."""
EXPECTED = ("expected a `stance track` output folder, its statements.jsonl, a .csv or .jsonl of codings "
            "(doc_id, start, end, actor, concept, value[, coder]) or a DNA file (.dna)")


@dataclass(frozen=True)
class Coding:
    """One coder's value for one concept on the span ``[start, end)`` of document ``doc_id``."""

    doc_id: str
    start: int
    end: int
    actor: str
    concept: str
    value: str
    coder: str

    def to_dict(self) -> dict[str, Any]:
        """The row of a JSONL of codings: ``{"doc_id", "start", "end", "actor", "concept", "value", "coder"}``."""
        return {"doc_id": self.doc_id, "start": self.start, "end": self.end, "actor": self.actor,
                "concept": self.concept, "value": self.value, "coder": self.coder}

    @classmethod
    def from_dict(cls, row: Mapping[str, Any]) -> Coding:
        """The inverse of :meth:`to_dict` (no checks: the readers check a file's rows first)."""
        return cls(str(row["doc_id"]), int(row["start"]), int(row["end"]), str(row["actor"]), str(row["concept"]),
                   str(row["value"]), str(row["coder"]))


def coders_of(codings: Iterable[Coding]) -> tuple[str, ...]:
    """The coders present, sorted: ``("alice", "bob")``."""
    return tuple(sorted({c.coder for c in codings}))


# --- the readers -------------------------------------------------------------------------------------------------


def read_codings(path: str | Path) -> list[Coding]:
    """The codings of ``path``, read by what it is:

    - a folder: a ``stance track`` run (its ``statements.jsonl``, see :func:`read_run_codings`);
    - ``.csv``: :func:`read_csv_codings`;
    - ``.jsonl``: a run's ``statements.jsonl`` when its first row has ``statement_id`` and ``stance``,
      else codings (:func:`read_jsonl_codings`);
    - ``.dna``: a Discourse Network Analyzer file (:func:`read_dna_codings`).
    """
    path = Path(path)
    if path.is_dir():
        return read_run_codings(path)
    if not path.is_file():
        raise InputError(path, f"does not exist; {EXPECTED}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_codings(path)
    if suffix == ".jsonl":
        return read_run_codings(path) if _is_run_file(path) else read_jsonl_codings(path)
    if suffix == ".dna":
        return read_dna_codings(path)
    raise InputError(path, f"has suffix {path.suffix!r}; {EXPECTED}")


def _is_run_file(path: Path) -> bool:
    for line in _text(path).split("\n"):
        if line.strip():
            try:
                row = json.loads(line)
            except ValueError:
                return False  # the codings reader reports the line
            return isinstance(row, dict) and "statement_id" in row and "stance" in row
    return False


def read_run_codings(run: str | Path) -> list[Coding]:
    """One coding per row of a ``stance track`` run (a folder or its ``statements.jsonl``): ``doc_id`` the
    statement's document, ``start``/``end`` the content attributed (the statement's ``text`` span),
    ``actor`` the speaker's name, ``concept`` the issue id, ``value`` the stance (an abstention is the
    neutral it reports) and ``coder`` the model (``machine`` when the row names none).  A row a person
    corrected with ``stance review`` keeps the model as its coder and carries the corrected stance: compare
    a run before review to measure the model alone."""
    from stance.pipeline.run_folder import read_predictions, statements_path

    source = statements_path(run)
    codings = []
    for number, p in enumerate(read_predictions(run), 1):
        if p.stance not in VALUES:
            raise InputError(source, f"row {number} (statement {p.statement.statement_id!r}) has stance "
                                     f"{p.stance!r}; expected one of {', '.join(VALUES)}")
        span = p.statement.text
        codings.append(Coding(p.statement.doc_id, span.start, span.end, p.statement.actor, p.issue, p.stance,
                              p.model or MACHINE))
    return codings


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None


def _checked(row: Mapping[str, Any], path: Path, line: int, default_coder: str) -> Coding:
    """A coding from one row of a CSV or JSONL file, or an error saying what was expected, what was found
    and what to write instead."""
    missing = [f for f in FIELDS if row.get(f) is None]
    if missing:
        raise InputError(path, f"missing {', '.join(missing)}; expected every row to have "
                               f"{', '.join(FIELDS)} (and optionally coder)", line)
    offsets = []
    for name in ("start", "end"):
        raw = row[name]
        text = raw.strip() if isinstance(raw, str) else raw
        if isinstance(text, bool) or not (isinstance(text, int) or (isinstance(text, str) and text.isdigit())):
            raise InputError(path, f"{name} is {raw!r}; expected a character offset, a whole number of 0 or "
                                   "more like 120", line)
        offsets.append(int(text))
    start, end = offsets
    if end <= start:
        raise InputError(path, f"end {end} is not after start {start}; expected the span's first character "
                               "and the one after its last (start 10, end 42)", line)
    texts = {}
    for name in ("doc_id", "actor", "concept", "value"):
        value = row[name]
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise InputError(path, f"{name} is {value!r}; expected text", line)
        texts[name] = str(value).strip()
    for name in ("doc_id", "concept"):
        if not texts[name]:
            raise InputError(path, f"{name} is empty; expected the {'document id' if name == 'doc_id' else 'concept'}"
                                   " the coding belongs to", line)
    value = texts["value"].lower()
    if value not in VALUES:
        raise InputError(path, f"value {texts['value']!r} is not a stance; expected one of {', '.join(VALUES)}",
                         line)
    coder = row.get("coder", default_coder)
    if not isinstance(coder, str) or not coder.strip():
        raise InputError(path, f"coder is {coder!r}; expected the coder's name (or leave the coder column out "
                               f"and the file's name, {default_coder!r}, is used)", line)
    return Coding(texts["doc_id"], start, end, texts["actor"], texts["concept"], value, coder.strip())


def read_csv_codings(path: str | Path) -> list[Coding]:
    """Codings from a CSV with a header naming ``doc_id,start,end,actor,concept,value`` and optionally
    ``coder`` (other columns are ignored); without a ``coder`` column every row is the coder named by the
    file (``alice.csv``: ``alice``).  Values are read in any case (``Favor`` is ``favor``).

    >>> # doc_id,start,end,actor,concept,value,coder
    >>> # d1,0,42,Imran Khan,us_bases,against,alice
    """
    path = Path(path)
    reader = csv.DictReader(io.StringIO(_text(path), newline=""))  # csv's newline rule, not splitlines'
    header = reader.fieldnames or []
    missing = [f for f in FIELDS if f not in header]
    if missing:
        raise InputError(path, f"expected a header with columns {','.join(FIELDS)}[,coder], found "
                               f"{','.join(header) or 'no header'}; add {', '.join(missing)}", 1)
    codings = []
    for row in reader:
        if None in row:
            raise InputError(path, f"has more fields than the header's {len(header)}; quote a value that holds a "
                                   "comma", reader.line_num)
        if any(row[f] is None for f in header):
            raise InputError(path, f"has fewer fields than the header's {len(header)}", reader.line_num)
        codings.append(_checked(row, path, reader.line_num, path.stem))
    if not codings:
        raise InputError(path, "holds a header but no codings")
    return codings


def read_jsonl_codings(path: str | Path) -> list[Coding]:
    """Codings from JSON Lines, one object a line with the fields of a CSV of codings
    (``{"doc_id": "d1", "start": 0, "end": 42, "actor": "Imran Khan", "concept": "us_bases",
    "value": "against", "coder": "alice"}``; ``coder`` optional, as for CSV).  Blank lines are allowed."""
    path = Path(path)
    codings = []
    for number, line in enumerate(_text(path).split("\n"), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON ({exc.msg} at column {exc.colno}); expected one object a "
                                   "line", number) from None
        if not isinstance(row, dict):
            raise InputError(path, f"expected a JSON object, found {type(row).__name__}", number)
        codings.append(_checked(row, path, number, path.stem))
    if not codings:
        raise InputError(path, "holds no codings; expected one JSON object a line")
    return codings


def read_dna_codings(path: str | Path) -> list[Coding]:
    """One coding per statement of a Discourse Network Analyzer file (read with :func:`stance.dna.read_dna`):
    ``doc_id`` the id ``stance import dna`` gives the document in the corpus it writes
    (:func:`stance.dna.read.document_ids`: the ``stance doc_id`` a file written by ``stance export dna``
    keeps in its notes, else ``dna-<DNA id>``), so the codings line up with a ``stance track`` run on that
    corpus or on the corpus that was exported; ``actor`` the person, else the organisation; ``concept`` the
    concept; ``value`` the agreement (favor or against); ``coder`` the coder's name."""
    from stance.dna import read_dna  # DNA files are read only here: loaded on demand
    from stance.dna.read import document_ids

    path = Path(path)
    corpus = read_dna(path)
    doc_ids = document_ids(corpus)
    codings = []
    for s in corpus.statements:
        if s.document_id not in doc_ids:
            raise InputError(path, f"statement {s.statement_id} names document {s.document_id}, which the file "
                                   "does not hold; expected a statement of one of its documents")
        value = str(s.agreement).strip().lower()
        if value not in VALUES:
            raise InputError(path, f"statement {s.statement_id} has agreement {s.agreement!r}; expected one of "
                                   f"{', '.join(VALUES)}")
        actor = (s.person or "").strip() or (s.organization or "").strip()
        codings.append(Coding(doc_ids[s.document_id], s.start, s.end, actor, (s.concept or "").strip(), value,
                              s.coder))
    return codings


def _shown(node: Any) -> str:
    """A YAML node as an error message shows it: ``'text'``, ``a list``, ``a mapping`` or ``nothing``."""
    import yaml

    if node is None:
        return "nothing"
    if isinstance(node, yaml.ScalarNode):
        return repr(node.value)
    return "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"


# --- concepts to issues ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConceptMap:
    """Concept text -> issue id, matched case-insensitively (keys are kept case-folded).

    A DNA file names concepts in words (``US bases in Pakistan``), a run names issue ids (``us_bases``);
    mapping the concepts makes them comparable.  An issue id that is a target of the map stays as it is.

    >>> m = ConceptMap({"us bases in pakistan": "us_bases"})
    >>> [c.concept for c in m.apply([Coding("d", 0, 5, "A", "US Bases in Pakistan", "favor", "x")])[0]]
    ['us_bases']
    """

    mapping: Mapping[str, str]

    @classmethod
    def load(cls, path: str | Path) -> ConceptMap:
        """A map from a YAML (or JSON) file of ``concept text: issue_id`` lines::

            US military bases in Pakistan: us_bases
            Drone strikes: drone_strikes
        """
        import yaml

        path = Path(path)
        if not path.is_file():
            raise InputError(path, "does not exist; expected a YAML file of `concept text: issue_id` lines")
        try:
            node = yaml.compose(_text(path))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise InputError(path, f"cannot be parsed as YAML ({getattr(exc, 'problem', exc)})",
                             mark.line + 1 if mark else None) from None
        if not isinstance(node, yaml.MappingNode) or not node.value:
            raise InputError(path, "expected a mapping of concept text to issue id (`Drone strikes: drone_strikes`), "
                                   f"found {_shown(node)}", 1)
        mapping: dict[str, str] = {}
        for key, value in node.value:
            line = key.start_mark.line + 1
            if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode) \
                    or not key.value.strip() or not value.value.strip():
                raise InputError(path, "expected `concept text: issue_id` (two pieces of text), found "
                                       f"{_shown(key)}: {_shown(value)}", line)
            folded = key.value.strip().casefold()
            if folded in mapping:
                raise InputError(path, f"concept {key.value.strip()!r} appears twice (case is ignored); keep one",
                                 line)
            mapping[folded] = value.value.strip()
        return cls(mapping)

    @classmethod
    def from_issues(cls, issues: Iterable[Any]) -> ConceptMap:
        """A map from an issue registry's issues (:class:`~stance.records.Issue`): each issue's id, label and
        target name it.  Text naming two issues (one's label is another's id) is an error."""
        mapping: dict[str, str] = {}
        for issue in issues:
            for text in (issue.issue_id, issue.label, issue.target):
                folded = text.strip().casefold()
                if mapping.get(folded, issue.issue_id) != issue.issue_id:
                    raise StanceError(f"the issue registry names {text!r} for two issues ({mapping[folded]!r} and "
                                      f"{issue.issue_id!r}); give the concepts a map with --concepts instead")
                mapping[folded] = issue.issue_id
        return cls(mapping)

    def apply(self, codings: Sequence[Coding]) -> tuple[list[Coding], dict[str, int]]:
        """The codings with each mapped concept replaced by its issue id, and the concepts left unmapped
        (neither a key nor an issue id of the map) with how many codings name each.  Unmapped codings are
        kept as they are: they match only codings of the other coder that name the same concept."""
        targets = {v.casefold() for v in self.mapping.values()}
        out, unmapped = [], Counter[str]()
        for c in codings:
            issue = self.mapping.get(c.concept.strip().casefold())
            if issue is not None:
                out.append(Coding(c.doc_id, c.start, c.end, c.actor, issue, c.value, c.coder))
            else:
                out.append(c)
                if c.concept.casefold() not in targets:
                    unmapped[c.concept] += 1
        return out, dict(sorted(unmapped.items()))
