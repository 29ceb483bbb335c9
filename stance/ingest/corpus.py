"""Reading a corpus: a folder of .txt files (optional manifest.jsonl), a
JSONL file or a CSV file, into :class:`Article` records.

Each document may carry ``date``, ``source``, ``url``, ``author`` and
``type`` (one of :data:`DOC_TYPES`; ``news`` when left out) in its
manifest line, JSONL object or CSV row."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from stance.errors import InputError
from stance.ingest.clean import clean_paragraphs, split_paragraphs
from stance.ingest.dates import date_in_text, parse_date
from stance.records import Article

log = logging.getLogger(__name__)

MAX_BYTES = 5_000_000
"""Largest article accepted, in bytes: more is almost always a wrong file."""
MANIFEST = "manifest.jsonl"
NEWS = "news"
"""The default document type: a reporter's account, whose own sentences nobody speaks."""
EDITORIAL = "editorial"
"""The one document type whose speaker is the outlet itself."""
DOC_TYPES = (NEWS, "speech", "press release", "op-ed", "letter", "interview transcript", "testimony", "social post",
             EDITORIAL)
"""The values a document's ``type`` may take, written exactly so."""


def decode(data: bytes, path: Path, line: int | None = None, encoding: str = "utf-8") -> str:
    """Text from bytes, or an :class:`InputError` naming the file for binary or mis-encoded input."""
    if b"\x00" in data:
        raise InputError(path, "looks like a binary file (it contains NUL bytes); expected plain text", line)
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise InputError(
            path, f"is not valid {encoding} text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "re-save it as UTF-8 or pass --encoding (for example cp1252)", line) from None


def document_type(value: Any, doc_id: str, path: Path, line: int | None = None) -> str:
    """A document's ``type`` as given (``news`` when missing or blank), or an
    :class:`InputError` naming the file and line for a value not in :data:`DOC_TYPES`."""
    if value is None or value == "":
        return NEWS
    if value not in DOC_TYPES:
        raise InputError(path, f"document {doc_id!r} has type {value!r}; expected one of {', '.join(DOC_TYPES)} "
                         '(write it exactly so, or leave "type" out for news)', line)
    return str(value)


def document_author(value: Any, doc_id: str, path: Path, line: int | None = None) -> str | None:
    """A document's ``author`` (None when missing or blank), or an :class:`InputError` for a value that is not text."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(path, f"document {doc_id!r} has author {value!r}; expected text naming who wrote it "
                         '(quote it, or leave "author" out)', line)
    return value.strip() or None


def make_article(doc_id: str, text: str, path: Path, *, date: Any = None, source: Any = None,
                 url: Any = None, line: int | None = None, author: Any = None, doc_type: Any = None) -> Article:
    """An :class:`Article` with its cleaned paragraphs and its date, from
    metadata first, else from the text's opening, else missing; ``author`` and
    ``doc_type`` (see :data:`DOC_TYPES`) as given, checked."""
    doc_type = document_type(doc_type, str(doc_id), path, line)
    author = document_author(author, str(doc_id), path, line)
    if not text.strip():
        raise InputError(path, f"document {doc_id!r} is empty; expected article text", line)
    try:
        meta_date = parse_date(date)
    except ValueError as exc:
        raise InputError(path, f"bad date for {doc_id!r}: {exc}", line) from None
    origin: Literal["metadata", "text", "missing"] = "metadata"
    if meta_date is None:
        meta_date = date_in_text(text)
        origin = "text" if meta_date else "missing"
    paragraphs = tuple(clean_paragraphs(split_paragraphs(text)))
    return Article(doc_id=str(doc_id), text=text, date=meta_date, source=source or None, url=url or None,
                   path=str(path), paragraphs=paragraphs, date_origin=origin, author=author, doc_type=doc_type)


def _read_bytes(path: Path) -> bytes:
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise InputError(path, f"is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for one file; split it")
    return path.read_bytes()


def _jsonl_rows(path: Path, encoding: str) -> Iterator[tuple[int, dict]]:
    text = decode(path.read_bytes(), path, encoding=encoding)
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(path, f"malformed JSON ({exc.msg} at column {exc.colno})", number) from None
        if not isinstance(row, dict):
            raise InputError(path, f"expected a JSON object, found {type(row).__name__}", number)
        yield number, row


def _read_manifest(folder: Path, encoding: str) -> dict[str, tuple[int, dict]]:
    path = folder / MANIFEST
    if not path.exists():
        return {}
    entries: dict[str, tuple[int, dict]] = {}
    for number, row in _jsonl_rows(path, encoding):
        name = row.get("file")
        if not isinstance(name, str) or not name:
            raise InputError(path, 'expected a "file" field naming a .txt file of the folder', number)
        if not (folder / name).is_file():
            raise InputError(path, f"names {name!r}, which is not a file in {folder}", number)
        entries[name] = (number, row)
    return entries


def _read_folder(folder: Path, encoding: str) -> list[Article]:
    files = sorted(p for p in folder.iterdir() if p.suffix == ".txt" and p.is_file())
    if not files:
        raise InputError(folder, "contains no .txt files; expected a folder of articles, a .jsonl or a .csv file")
    manifest = _read_manifest(folder, encoding)
    articles = []
    for path in files:
        number, meta = manifest.get(path.name, (None, {}))
        # checked here first, so that an error names the manifest's line
        doc_type = document_type(meta.get("type"), path.stem, folder / MANIFEST, number)
        author = document_author(meta.get("author"), path.stem, folder / MANIFEST, number)
        text = decode(_read_bytes(path), path, encoding=encoding)
        articles.append(make_article(path.stem, text, path, date=meta.get("date"), source=meta.get("source"),
                                     url=meta.get("url"), author=author, doc_type=doc_type))
    return articles


def _rows_to_articles(rows: Iterator[tuple[int, dict]], path: Path) -> list[Article]:
    articles = []
    for number, row in rows:
        text = row.get("text")
        if not isinstance(text, str):
            raise InputError(path, 'expected a "text" field holding the article text', number)
        doc_id = row.get("id") or f"{path.stem}-{number}"
        articles.append(make_article(str(doc_id), text, path, date=row.get("date"), source=row.get("source"),
                                     url=row.get("url"), line=number, author=row.get("author"),
                                     doc_type=row.get("type")))
    return articles


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, dict]]:
    text = decode(_read_bytes(path), path, encoding=encoding)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise InputError(path, f"expected a header with a 'text' column, found {reader.fieldnames}", 1)
    for row in reader:
        if None in row:
            raise InputError(path, "has more fields than the header", reader.line_num)
        yield reader.line_num, row


def load_corpus(path: str | Path, encoding: str = "utf-8") -> list[Article]:
    """Articles from a folder of .txt files, a .jsonl or a .csv file.

    Raises :class:`InputError` naming the file (and line) on empty, binary,
    mis-encoded, oversized or malformed input, and on repeated document ids.
    """
    path = Path(path)
    if path.is_dir():
        articles = _read_folder(path, encoding)
    elif not path.exists():
        raise InputError(path, "does not exist; expected a folder of .txt files, a .jsonl or a .csv file")
    elif path.suffix == ".jsonl":
        articles = _rows_to_articles(_jsonl_rows(path, encoding), path)
    elif path.suffix == ".csv":
        articles = _rows_to_articles(_csv_rows(path, encoding), path)
    else:
        raise InputError(path, f"has suffix {path.suffix!r}; expected a folder, a .jsonl or a .csv file")
    if not articles:
        raise InputError(path, "holds no documents")
    seen: set[str] = set()
    for a in articles:
        if a.doc_id in seen:
            raise InputError(a.path or path, f"document id {a.doc_id!r} appears twice; ids must be unique")
        seen.add(a.doc_id)
    return articles
