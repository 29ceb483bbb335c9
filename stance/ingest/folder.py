"""Which files of a corpus folder are read, in what order, under which document ids, and why the others are not.

A folder is read with its subfolders.  Hidden files and folders (``.git``, ``.DS_Store``) are passed over
without a word; every other file is either read or listed as skipped with the reason.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from stance.ingest.documents import DOCUMENT_SUFFIXES
from stance.ingest.feeds import FEED_SUFFIXES
from stance.ingest.html import HTML_SUFFIXES

MANIFEST = "manifest.jsonl"
"""The metadata of the files of its folder (and of its subfolders, named by relative path)."""
TEXT_SUFFIX = ".txt"
TABLE_SUFFIXES = (".jsonl", ".csv")
"""Tables of documents: read when given as the corpus, not inside a folder."""
DOCUMENT_FILES = (TEXT_SUFFIX, *HTML_SUFFIXES, *FEED_SUFFIXES, *DOCUMENT_SUFFIXES)
"""The suffixes (lower-case) of the files a folder's documents are read from."""
KINDS = ".txt, .html, .htm, .rss, .atom, .xml (a feed), .docx or .pdf"
"""The document files, in words, for messages."""
HINTS = {
    ".doc": "an old Word .doc file; save it as .docx (or .txt) to read it",
    ".rtf": "a rich-text file; save it as .docx (or .txt) to read it",
    ".md": "a Markdown file, taken for notes; rename it .txt if it is an article",
}
"""Why a file with one of these suffixes is not read, and what to do."""


def suffix_of(path: Path) -> str:
    """The suffix that picks a file's reader, lower-case (``.HTML`` reads as ``.html``)."""
    return path.suffix.lower()


def walk(folder: Path) -> list[Path]:
    """Every file under ``folder`` but hidden ones and those in hidden folders, sorted by relative path."""
    found = []
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(top, name) for name in files if not name.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(folder).parts)


def unread_reason(path: Path) -> str | None:
    """Why a file of a folder is not read (None for a document file or a manifest)."""
    suffix = suffix_of(path)
    if path.name == MANIFEST or suffix in DOCUMENT_FILES:
        return None
    if suffix in TABLE_SUFFIXES:
        return f"a {suffix} table inside a folder is not read; give it as the corpus on its own"
    return HINTS.get(suffix, f"not a document file ({suffix or 'no suffix'}); expected {KINDS}")


def doc_ids(folder: Path, paths: Iterable[Path]) -> dict[Path, str]:
    """Each file's document id: its path under ``folder`` without the suffix, ``/`` between folders
    (``2021/june/khan``); files that would share an id keep their suffix (``khan.txt``, ``khan.html``)."""
    paths = list(paths)
    stems = {p: p.relative_to(folder).with_suffix("").as_posix() for p in paths}
    taken = Counter(stems.values())
    return {p: stem if taken[stem] == 1 else p.relative_to(folder).as_posix() for p, stem in stems.items()}
