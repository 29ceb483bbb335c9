"""Reading a corpus into :class:`Article` records: a folder (subfolders too) of .txt files, saved web pages
(.html, .htm), RSS or Atom feeds (.rss, .atom, .xml), Word and PDF files (.docx, .pdf), with optional
``manifest.jsonl`` files; one such file; or a JSONL or CSV table of documents.

Each document may carry ``date``, ``source``, ``url``, ``title``, ``author``, ``type`` (one of
:data:`DOC_TYPES`; ``news`` when left out) and ``language`` in its manifest line, JSONL object or CSV row;
a page's or feed item's own metadata fills what these leave out.  Files that are not read (an image, a PDF
without its reader, a document not in English) are listed with the reason: :func:`load_corpus_with_report`
returns them, :func:`load_corpus` logs them."""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from stance.errors import InputError
from stance.ingest.clean import clean_paragraphs, split_paragraphs
from stance.ingest.dates import date_in_text, parse_date
from stance.ingest.documents import DOCUMENT_SUFFIXES, DOCX, read_docx, read_pdf
from stance.ingest.feeds import FEED_SUFFIXES, read_feed
from stance.ingest.folder import KINDS, MANIFEST, TEXT_SUFFIX, doc_ids, suffix_of, unread_reason, walk
from stance.ingest.html import HTML_SUFFIXES, read_page
from stance.ingest.language import not_english
from stance.ingest.manifest import MANIFEST_KEYS, ROW_KEYS, KeyCheck
from stance.ingest.skipped import CorpusReport, Skipped, Unreadable
from stance.records import Article

log = logging.getLogger(__name__)

MAX_BYTES = 5_000_000
"""Largest article accepted, in bytes: more is almost always a wrong file."""
NEWS = "news"
"""The default document type: a reporter's account, whose own sentences nobody speaks."""
EDITORIAL = "editorial"
"""The one document type whose speaker is the outlet itself."""
DOC_TYPES = (NEWS, "speech", "press release", "op-ed", "letter", "interview transcript", "testimony", "social post",
             EDITORIAL)
"""The values a document's ``type`` may take, written exactly so."""
EXPECTED = (f"expected a folder of articles ({KINDS}, in subfolders too), one such file, "
            "a .jsonl or a .csv file")
"""The accepted inputs, for messages."""


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
                 url: Any = None, line: int | None = None, author: Any = None, doc_type: Any = None,
                 title: Any = None) -> Article:
    """An :class:`Article` with its cleaned paragraphs and its date, from
    metadata first, else from the text's opening, else missing; ``author`` and
    ``doc_type`` (see :data:`DOC_TYPES`) as given, checked; ``title`` as given."""
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
                   path=str(path), paragraphs=paragraphs, date_origin=origin, author=author, doc_type=doc_type,
                   title=str(title).strip() or None if title is not None else None)


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


@dataclass
class _Found:
    """What a load gathers besides articles."""

    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, where: object, reason: str) -> None:
        self.skipped.append(Skipped(str(where), reason))


@dataclass(frozen=True)
class _Meta:
    """A manifest line: its values (blank ones dropped), and where it is, for errors."""

    values: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    line: int | None = None


def _read_manifest(folder: Path, encoding: str, found: _Found) -> dict[Path, _Meta]:
    """The lines of ``folder/manifest.jsonl`` by the resolved path of the file each names."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    entries: dict[Path, _Meta] = {}
    check = KeyCheck(path, MANIFEST_KEYS)
    for number, row in _jsonl_rows(path, encoding):
        check.see(row, number)
        name = row.get("file")
        if not isinstance(name, str) or not name:
            raise InputError(path, 'expected a "file" field naming a file of the folder', number)
        if not (folder / name).is_file():
            raise InputError(path, f"names {name!r}, which is not a file in {folder}", number)
        values = {k: v for k, v in row.items() if v is not None and v != ""}
        entries[(folder / name).resolve()] = _Meta(values, path, number)
    found.warnings += check.warnings()
    return entries


def _file_documents(path: Path, doc_id: str, encoding: str, found: _Found) -> list[tuple[str, str, str, dict]]:
    """``(doc_id, where, text, the file's own metadata)`` for each document of one file; :class:`Unreadable`
    for a file passed over."""
    suffix = suffix_of(path)
    if suffix == TEXT_SUFFIX:
        return [(doc_id, str(path), decode(_read_bytes(path), path, encoding=encoding), {})]
    if suffix in HTML_SUFFIXES:
        page = read_page(_read_bytes(path))
        return [(doc_id, str(path), page.text, {"title": page.title, "date": page.date, "author": page.author,
                                                 "source": page.site, "url": page.url})]
    if suffix in DOCUMENT_SUFFIXES:
        document = read_docx(path) if suffix == DOCX else read_pdf(path)
        return [(doc_id, str(path), document.text, {"title": document.title})]
    feed = read_feed(path.read_bytes())
    if not feed.items:
        raise Unreadable("a feed whose items hold no text (titles and links only)" if feed.untexted
                         else "a feed with no items")
    for number in feed.untexted:
        found.skip(f"{path}#item-{number}", "a feed item with no text (a title and a link only)")
    return [(f"{doc_id}-{item.number}", f"{path}#item-{item.number}", item.text,
             {"title": item.title, "date": item.date, "author": item.author, "source": feed.title, "url": item.url})
            for item in feed.items]


def _read_file(path: Path, doc_id: str, meta: _Meta, encoding: str, found: _Found) -> list[Article]:
    """The articles of one document file, the manifest's values over the file's own (a feed's items keep
    their own, the manifest filling what they lack); skipped files and documents noted in ``found``."""
    where = meta.path or path
    # checked here first, so that an error names the manifest's line
    doc_type = document_type(meta.values.get("type"), doc_id, where, meta.line)
    author = document_author(meta.values.get("author"), doc_id, where, meta.line)
    given = {**meta.values, **({"author": author} if author else {})}
    try:
        documents = _file_documents(path, doc_id, encoding, found)
    except Unreadable as exc:
        found.skip(path, exc.reason)
        return []
    articles = []
    for item_id, item_where, text, own in documents:
        whole_file = item_where == str(path)  # not a feed item, which keeps its own values
        fields = {**own, **{k: v for k, v in given.items() if whole_file or not own.get(k)}}
        reason = not_english(text, fields.get("language"))
        if reason:
            found.skip(item_where, reason)
            continue
        articles.append(make_article(item_id, text, path, date=fields.get("date"), source=fields.get("source"),
                                     url=fields.get("url"), author=fields.get("author"), doc_type=doc_type,
                                     title=fields.get("title")))
    return articles


def _read_folder(folder: Path, encoding: str, found: _Found) -> list[Article]:
    files = walk(folder)
    manifest: dict[Path, _Meta] = {}
    for path in files:
        if path.name == MANIFEST:  # the deeper folder's line wins for a file named in two manifests
            manifest.update(_read_manifest(path.parent, encoding, found))
    readable = []
    for path in files:
        reason = unread_reason(path)
        if reason:
            found.skip(path, reason)
        elif path.name != MANIFEST:
            readable.append(path)
    ids = doc_ids(folder, readable)
    articles = []
    for path in readable:
        articles += _read_file(path, ids[path], manifest.get(path.resolve(), _Meta()), encoding, found)
    if not articles:
        summary = CorpusReport(str(folder), tuple(found.skipped)).summary()
        raise InputError(folder, f"contains no .txt files; {EXPECTED}" + (f" ({summary})" if summary else ""))
    return articles


def _read_one(path: Path, encoding: str, found: _Found) -> list[Article]:
    """A single document file, with its line of the ``manifest.jsonl`` beside it, if any."""
    meta = _read_manifest(path.parent, encoding, found).get(path.resolve(), _Meta())
    articles = _read_file(path, path.stem, meta, encoding, found)
    if not articles:
        raise InputError(path, "holds no document to read: " + "; ".join(
            f"{s.path}: {s.reason}" if s.path != str(path) else s.reason for s in found.skipped))
    return articles


def _rows_to_articles(rows: Iterator[tuple[int, dict]], path: Path, check: KeyCheck | None,
                      found: _Found) -> list[Article]:
    articles = []
    for number, row in rows:
        if check:
            check.see(row, number)
        text = row.get("text")
        if not isinstance(text, str):
            raise InputError(path, 'expected a "text" field holding the article text', number)
        doc_id = row.get("id") or f"{path.stem}-{number}"
        reason = not_english(text, row.get("language"))
        if reason:
            found.skip(f"{path}:{number}", reason)
            continue
        articles.append(make_article(str(doc_id), text, path, date=row.get("date"), source=row.get("source"),
                                     url=row.get("url"), line=number, author=row.get("author"),
                                     doc_type=row.get("type"), title=row.get("title")))
    if check:
        found.warnings += check.warnings()
    return articles


def _csv_rows(path: Path, encoding: str, check: KeyCheck) -> Iterator[tuple[int, dict]]:
    text = decode(_read_bytes(path), path, encoding=encoding)
    reader = csv.DictReader(text.splitlines(keepends=True))
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise InputError(path, f"expected a header with a 'text' column, found {reader.fieldnames}", 1)
    check.see(reader.fieldnames, 1)
    for row in reader:
        if None in row:
            raise InputError(path, "has more fields than the header", reader.line_num)
        yield reader.line_num, row


def load_corpus_with_report(path: str | Path, encoding: str = "utf-8") -> tuple[list[Article], CorpusReport]:
    """The articles of a corpus (see :func:`load_corpus`) and what was passed over: each skipped file or
    document with the reason, and each warning (an unknown manifest key)."""
    path = Path(path)
    found = _Found()
    suffix = suffix_of(path)
    if path.is_dir():
        articles = _read_folder(path, encoding, found)
    elif not path.exists():
        raise InputError(path, f"does not exist; {EXPECTED}")
    elif suffix == ".jsonl":
        articles = _rows_to_articles(_jsonl_rows(path, encoding), path, KeyCheck(path, ROW_KEYS), found)
    elif suffix == ".csv":
        check = KeyCheck(path, ROW_KEYS)
        articles = _rows_to_articles(_csv_rows(path, encoding, check), path, None, found)
        found.warnings += check.warnings()
    elif suffix in (TEXT_SUFFIX, *HTML_SUFFIXES, *FEED_SUFFIXES, *DOCUMENT_SUFFIXES):
        articles = _read_one(path, encoding, found)
    else:
        raise InputError(path, f"has suffix {path.suffix!r}; {EXPECTED}")
    if not articles:
        summary = CorpusReport(str(path), tuple(found.skipped)).summary()
        raise InputError(path, "holds no documents" + (f" ({summary})" if summary else ""))
    seen: set[str] = set()
    for a in articles:
        if a.doc_id in seen:
            raise InputError(a.path or path, f"document id {a.doc_id!r} appears twice; ids must be unique")
        seen.add(a.doc_id)
    return articles, CorpusReport(str(path), tuple(found.skipped), tuple(found.warnings))


def load_corpus(path: str | Path, encoding: str = "utf-8") -> list[Article]:
    """Articles from a folder (with its subfolders) of .txt, .html/.htm, feed (.rss, .atom, .xml), .docx and
    .pdf files, from one such file, or from a .jsonl or a .csv file.

    Raises :class:`InputError` naming the file (and line) on empty, binary,
    mis-encoded, oversized or malformed input, and on repeated document ids.
    Each file or document passed over, and each unknown manifest key, is logged as a warning;
    :func:`load_corpus_with_report` returns them instead.
    """
    articles, report = load_corpus_with_report(path, encoding)
    for item in report.skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    for message in report.warnings:
        log.warning("%s", message)
    return articles
