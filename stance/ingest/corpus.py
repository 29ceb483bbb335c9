"""Reading a corpus into :class:`Article` records: a folder (subfolders too) of .txt files, saved web pages
(.html, .htm), RSS or Atom feeds (.rss, .atom, .xml), Word and PDF files (.docx, .pdf), with optional
``manifest.jsonl`` files; one such file; or a JSONL or CSV table of documents.

Each document may carry ``date``, ``source``, ``url``, ``title``, ``author``, ``type`` (one of
:data:`DOC_TYPES`; ``news`` when left out) and ``language`` in its manifest line, JSONL object or CSV row;
a page's or feed item's own metadata fills what these leave out.  Files that are not read (an image, a PDF
without its reader, a document not in English, a symbolic link) are listed with the reason:
:func:`load_corpus_with_report` returns them, :func:`load_corpus` logs them.

:func:`iter_corpus` reads lazily: one file (or table row) when the next article is asked for, so that a
consumer that stores articles batch by batch (``stance ingest``) holds one batch, never the corpus; what
was passed over is gathered as it goes (:meth:`CorpusStream.report`).  The list loaders wrap it.

Every file is held to one size limit (:data:`~stance.ingest.checks.MAX_BYTES`, ``max_bytes``); JSONL and CSV
tables are read row by row (:mod:`stance.ingest.tables`), a byte-order mark may choose the encoding
(:mod:`stance.ingest.encoding`).  A document that breaks a limit of :mod:`stance.ingest.checks` (a bad id,
a NUL character, an id or source over 300 characters, a text over a million) is rejected alone and listed;
a date outside the years 1000 to 2999 is dropped with a warning, the document kept.  Malformed input (a
line that is not JSON, a row without text, an unknown type, an empty document) stops the load with an
error naming the file and line (read lazily, after the articles before it were handed on)."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from stance.errors import InputError
from stance.ingest import encoding as _encoding
from stance.ingest.checks import MAX_BYTES, Rejected, check_fields, check_size, document_id
from stance.ingest.clean import clean_paragraphs, split_paragraphs
from stance.ingest.dates import MAX_YEAR, MIN_YEAR, date_in_text, in_years, parse_date
from stance.ingest.documents import DOCUMENT_SUFFIXES, DOCX, read_docx, read_pdf
from stance.ingest.encoding import repair_mojibake
from stance.ingest.feeds import FEED_SUFFIXES, read_feed
from stance.ingest.folder import KINDS, MANIFEST, TEXT_SUFFIX, corpus_files, doc_ids, suffix_of, unread_reason
from stance.ingest.html import HTML_SUFFIXES, read_page
from stance.ingest.language import not_english
from stance.ingest.manifest import MANIFEST_KEYS, ROW_KEYS, KeyCheck
from stance.ingest.skipped import CorpusReport, Skipped, Unreadable
from stance.ingest.tables import csv_rows, jsonl_rows
from stance.records import Article

log = logging.getLogger(__name__)

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
                 title: Any = None, warnings: list[str] | None = None) -> Article:
    """An :class:`Article` with its cleaned paragraphs and its date, from
    metadata first, else from the text's opening, else missing; ``author`` and
    ``doc_type`` (see :data:`DOC_TYPES`) as given, checked; ``title`` as given.

    A document that breaks a limit of :mod:`stance.ingest.checks` (its id, a NUL character, its length)
    raises :class:`~stance.ingest.checks.Rejected`.  A metadata date outside the years 1000 to 2999
    (``9999-12-20``) is dropped and the document kept, dated from its text when that gives a date: the
    warning saying so goes to ``warnings`` (logged when None)."""
    fields = {"source": source, "url": url, "title": title, "author": author}
    check_fields(str(doc_id), text, fields, path, line)
    text = repair_mojibake(text)
    doc_type = document_type(doc_type, str(doc_id), path, line)
    author = document_author(author, str(doc_id), path, line)
    if not text.strip():
        raise InputError(path, f"document {doc_id!r} is empty; expected article text", line)
    try:
        meta_date = parse_date(date)
    except ValueError as exc:
        raise InputError(path, f"bad date for {doc_id!r}: {exc}", line) from None
    if meta_date is not None and not in_years(meta_date):
        where = f"{path}:{line}" if line is not None else f"{path}"
        message = (f"{where}: document {doc_id!r} has date {str(date).strip()!r}, outside the years {MIN_YEAR} to "
                   f"{MAX_YEAR}; the date is dropped and the document kept (dated from its text if that gives a "
                   "date, else undated): correct the date to use it")
        if warnings is None:
            log.warning("%s", message)
        else:
            warnings.append(message)
        meta_date = None
    origin: Literal["metadata", "text", "missing"] = "metadata"
    if meta_date is None:
        meta_date = date_in_text(text)
        origin = "text" if meta_date else "missing"
    paragraphs = tuple(clean_paragraphs(split_paragraphs(text)))
    return Article(doc_id=str(doc_id), text=text, date=meta_date, source=source or None, url=url or None,
                   path=str(path), paragraphs=paragraphs, date_origin=origin, author=author, doc_type=doc_type,
                   title=str(title).strip() or None if title is not None else None)


@dataclass
class _Found:
    """One load's options, and what it gathers besides articles."""

    encoding: str = "utf-8"
    max_bytes: int = MAX_BYTES
    follow_symlinks: bool = False
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def skip(self, where: object, reason: str) -> None:
        self.skipped.append(Skipped(str(where), reason))

    def reject(self, where: object, reason: str) -> None:
        """A document refused for what it holds (:class:`~stance.ingest.checks.Rejected`)."""
        self.skipped.append(Skipped(str(where), reason, rejected=True))

    def read_bytes(self, path: Path) -> bytes:
        check_size(path, self.max_bytes)
        return path.read_bytes()

    def text_of(self, path: Path) -> str:
        """A whole text file, the note of a byte-order mark kept as a warning."""
        text, note = _encoding.decode(self.read_bytes(path), path, self.encoding)
        if note:
            self.warnings.append(note)
        return text


@dataclass(frozen=True)
class _Meta:
    """A manifest line: its values (blank ones dropped), and where it is, for errors."""

    values: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None
    line: int | None = None


def _read_manifest(folder: Path, found: _Found) -> dict[Path, _Meta]:
    """The lines of ``folder/manifest.jsonl`` by the resolved path of the file each names."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    check_size(path, found.max_bytes)
    entries: dict[Path, _Meta] = {}
    check = KeyCheck(path, MANIFEST_KEYS)
    for number, row in jsonl_rows(path, found.encoding, found.warnings):
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


def _file_documents(path: Path, doc_id: str, found: _Found) -> list[tuple[str, str, str, dict]]:
    """``(doc_id, where, text, the file's own metadata)`` for each document of one file; :class:`Unreadable`
    for a file passed over."""
    suffix = suffix_of(path)
    if suffix == TEXT_SUFFIX:
        return [(doc_id, str(path), found.text_of(path), {})]
    if suffix in HTML_SUFFIXES:
        page = read_page(found.read_bytes(path))
        return [(doc_id, str(path), page.text, {"title": page.title, "date": page.date, "author": page.author,
                                                 "source": page.site, "url": page.url})]
    if suffix in DOCUMENT_SUFFIXES:
        document = read_docx(path) if suffix == DOCX else read_pdf(path)
        return [(doc_id, str(path), document.text, {"title": document.title})]
    feed = read_feed(found.read_bytes(path))
    if not feed.items:
        raise Unreadable("a feed whose items hold no text (titles and links only)" if feed.untexted
                         else "a feed with no items")
    for number in feed.untexted:
        found.skip(f"{path}#item-{number}", "a feed item with no text (a title and a link only)")
    return [(f"{doc_id}-{item.number}", f"{path}#item-{item.number}", item.text,
             {"title": item.title, "date": item.date, "author": item.author, "source": feed.title, "url": item.url})
            for item in feed.items]


def _read_file(path: Path, doc_id: str, meta: _Meta, found: _Found) -> list[Article]:
    """The articles of one document file, the manifest's values over the file's own (a feed's items keep
    their own, the manifest filling what they lack); skipped files and documents noted in ``found``."""
    where = meta.path or path
    # checked here first, so that an error names the manifest's line
    doc_type = document_type(meta.values.get("type"), doc_id, where, meta.line)
    author = document_author(meta.values.get("author"), doc_id, where, meta.line)
    given = {**meta.values, **({"author": author} if author else {})}
    try:
        documents = _file_documents(path, doc_id, found)
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
        try:
            articles.append(make_article(item_id, text, path, date=fields.get("date"), source=fields.get("source"),
                                         url=fields.get("url"), author=fields.get("author"), doc_type=doc_type,
                                         title=fields.get("title"), warnings=found.warnings))
        except Rejected as exc:
            found.reject(item_where, exc.reason)
    return articles


def _read_folder(folder: Path, found: _Found) -> Iterator[Article]:
    """The articles of a folder, file by file: the listing, the manifests and the files passed over by name
    first (nothing of a document is read for them), then each document file when its articles are asked for."""
    listing = corpus_files(folder, follow_symlinks=found.follow_symlinks)
    for link, why in listing.passed_over:
        found.skip(link, why)
    files = listing.files
    manifest: dict[Path, _Meta] = {}
    for path in files:
        if path.name == MANIFEST:  # the deeper folder's line wins for a file named in two manifests
            manifest.update(_read_manifest(path.parent, found))
    readable = []
    for path in files:
        reason = unread_reason(path)
        if reason:
            found.skip(path, reason)
        elif path.name != MANIFEST:
            readable.append(path)
    ids = doc_ids(folder, readable)
    read = 0
    for path in readable:  # one file at a time, when the next article is asked for
        for article in _read_file(path, ids[path], manifest.get(path.resolve(), _Meta()), found):
            read += 1
            yield article
    if not read:
        summary = CorpusReport(str(folder), tuple(found.skipped)).summary()
        raise InputError(folder, f"contains no .txt files; {EXPECTED}" + (f" ({summary})" if summary else ""))


def _read_one(path: Path, found: _Found) -> Iterator[Article]:
    """A single document file, with its line of the ``manifest.jsonl`` beside it, if any."""
    meta = _read_manifest(path.parent, found).get(path.resolve(), _Meta())
    articles = _read_file(path, path.stem, meta, found)
    if not articles:
        raise InputError(path, "holds no document to read: " + "; ".join(
            f"{s.path}: {s.reason}" if s.path != str(path) else s.reason for s in found.skipped))
    yield from articles


def _rows_to_articles(rows: Iterator[tuple[int, dict]], path: Path, check: KeyCheck | None,
                      found: _Found) -> Iterator[Article]:
    """The articles of a table's rows, one row read for each (the key check's warnings kept at the end)."""
    for number, row in rows:
        if check:
            check.see(row, number)
        text = row.get("text")
        if not isinstance(text, str):
            raise InputError(path, 'expected a "text" field holding the article text', number)
        try:
            doc_id = document_id(row.get("id"), f"{path.stem}-{number}", path, number)
            reason = not_english(text, row.get("language"))
            if reason:
                found.skip(f"{path}:{number}", reason)
                continue
            article = make_article(doc_id, text, path, date=row.get("date"), source=row.get("source"),
                                   url=row.get("url"), line=number, author=row.get("author"),
                                   doc_type=row.get("type"), title=row.get("title"), warnings=found.warnings)
        except Rejected as exc:
            found.reject(f"{path}:{number}", exc.reason)
            continue
        yield article
    if check:
        found.warnings += check.warnings()


def _read_csv(path: Path, found: _Found) -> Iterator[Article]:
    check = KeyCheck(path, ROW_KEYS)
    header, rows = csv_rows(path, found.encoding, found.warnings, max_field=found.max_bytes)
    check.see(header, 1)
    yield from _rows_to_articles(rows, path, None, found)
    found.warnings += check.warnings()


class CorpusStream(Iterator[Article]):
    """The articles of a corpus, each read when it is asked for (see :func:`iter_corpus`); one pass.

    :meth:`report` says what was passed over so far: complete once the stream is exhausted.  An error in
    the input (:class:`InputError`: a malformed line, a repeated document id, a folder with no document)
    is raised when the reading reaches it, after the articles before it were handed on."""

    def __init__(self, path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                 max_bytes: int | None = None) -> None:
        self.path = Path(path)
        self._found = _Found(encoding, MAX_BYTES if max_bytes is None else max_bytes, follow_symlinks)
        _encoding.codec_name(encoding)  # an unknown encoding, a missing path, an unknown suffix: before any read
        suffix = suffix_of(self.path)
        if not self.path.is_dir() and not self.path.exists():
            raise InputError(self.path, f"does not exist; {EXPECTED}")
        if not self.path.is_dir() and suffix not in (".jsonl", ".csv", TEXT_SUFFIX, *HTML_SUFFIXES, *FEED_SUFFIXES,
                                                     *DOCUMENT_SUFFIXES):
            raise InputError(self.path, f"has suffix {self.path.suffix!r}; {EXPECTED}")
        self.count = 0
        """Articles handed on so far."""
        self._articles = self._read()

    def __next__(self) -> Article:
        return next(self._articles)

    def report(self) -> CorpusReport:
        """The files and documents passed over so far, with the reasons, and the warnings."""
        found = self._found
        return CorpusReport(str(self.path), tuple(found.skipped), tuple(found.warnings))

    def _source(self) -> Iterable[Article]:
        path, found = self.path, self._found
        suffix = suffix_of(path)
        if path.is_dir():
            return _read_folder(path, found)
        if suffix == ".jsonl":
            check_size(path, found.max_bytes)
            return _rows_to_articles(jsonl_rows(path, found.encoding, found.warnings), path,
                                     KeyCheck(path, ROW_KEYS), found)
        if suffix == ".csv":
            check_size(path, found.max_bytes)
            return _read_csv(path, found)
        return _read_one(path, found)

    def _read(self) -> Iterator[Article]:
        seen: set[str] = set()  # document ids: a few dozen bytes per document, no text
        for article in self._source():
            if article.doc_id in seen:
                raise InputError(article.path or self.path, f"document id {article.doc_id!r} appears twice; "
                                 "ids must be unique")
            seen.add(article.doc_id)
            self.count += 1
            yield article
        if not self.count:
            summary = self.report().summary()
            raise InputError(self.path, "holds no documents" + (f" ({summary})" if summary else ""))


def iter_corpus(path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                max_bytes: int | None = None) -> CorpusStream:
    """The articles of a corpus (the inputs of :func:`load_corpus`) read lazily: a folder file by file, a
    JSONL or CSV table row by row, each when the next article is asked for, so that memory holds what the
    consumer keeps, not the corpus.  What was passed over is gathered as it goes:
    :meth:`CorpusStream.report`, complete once the stream is exhausted.

    An unknown encoding, a path that does not exist and an unknown suffix raise :class:`InputError` here;
    errors inside the input when the reading reaches them."""
    return CorpusStream(path, encoding, follow_symlinks=follow_symlinks, max_bytes=max_bytes)


def load_corpus_with_report(path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                            max_bytes: int | None = None) -> tuple[list[Article], CorpusReport]:
    """The articles of a corpus (see :func:`load_corpus`) and what was passed over: each skipped file or
    document with the reason (a document refused for what it holds marked ``rejected``), and each warning
    (an unknown manifest key, a byte-order mark that chose the encoding, a date dropped).  The whole of
    :func:`iter_corpus`, in a list.

    ``follow_symlinks``: read what the symbolic links inside a corpus folder point to (by default each is
    skipped); ``max_bytes``: the largest file read (default :data:`MAX_BYTES`)."""
    stream = iter_corpus(path, encoding, follow_symlinks=follow_symlinks, max_bytes=max_bytes)
    articles = list(stream)
    return articles, stream.report()


def load_corpus(path: str | Path, encoding: str = "utf-8", *, follow_symlinks: bool = False,
                max_bytes: int | None = None) -> list[Article]:
    """Articles from a folder (with its subfolders) of .txt, .html/.htm, feed (.rss, .atom, .xml), .docx and
    .pdf files, from one such file, or from a .jsonl or a .csv file (read row by row).

    Raises :class:`InputError` naming the file (and line) on empty, binary,
    mis-encoded, oversized or malformed input, and on repeated document ids.
    Each file or document passed over (a symbolic link in a folder unless ``follow_symlinks``, a document
    refused by :mod:`stance.ingest.checks`), and each warning, is logged;
    :func:`load_corpus_with_report` returns them instead.
    """
    articles, report = load_corpus_with_report(path, encoding, follow_symlinks=follow_symlinks, max_bytes=max_bytes)
    for item in report.skipped:
        log.warning("skipped %s: %s", item.path, item.reason)
    for message in report.warnings:
        log.warning("%s", message)
    return articles
