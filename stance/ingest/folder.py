"""Which files of a corpus folder are read, in what order, under which document ids, and why the others are not.

A folder is read with its subfolders.  Hidden files and folders (``.git``, ``.DS_Store``) are passed over
without a word; every other file is either read or listed as skipped with the reason.  A symbolic link
(to a file or a folder) is skipped unless links are followed (``--follow-symlinks``): a link can reach
any file of the system, outside the corpus.  The corpus given itself may be a link.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
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


FOLLOW = "links are not followed: pass --follow-symlinks to read what it points to"


@dataclass(frozen=True)
class Listing:
    """The files of a corpus folder to look at, and the entries passed over with the reason (links)."""

    files: list[Path] = field(default_factory=list)
    passed_over: list[tuple[Path, str]] = field(default_factory=list)


def _link_reason(path: Path, what: str) -> str:
    return f"a symbolic link to {what} ({os.readlink(path)}); {FOLLOW}"


def corpus_files(folder: Path, follow_symlinks: bool = False) -> Listing:
    """Every file under ``folder`` but hidden ones and those in hidden folders, sorted by relative path.

    A symbolic link is passed over with the reason, unless ``follow_symlinks``: then a linked file is
    listed and a linked folder walked, except a link that leads back to a folder already walked (a loop)
    and a broken link, each passed over with the reason."""
    files: list[Path] = []
    passed: list[tuple[Path, str]] = []
    walked = {os.path.realpath(folder)}
    for top, dirs, names in os.walk(folder, followlinks=follow_symlinks):
        kept = []
        for name in dirs:
            path = Path(top, name)
            if name.startswith("."):
                continue
            if path.is_symlink():
                real = os.path.realpath(path)
                if not follow_symlinks:
                    passed.append((path, _link_reason(path, "a folder")))
                    continue
                if real in walked or any(p.startswith(real + os.sep) for p in walked):  # a loop, or twice
                    passed.append((path, f"a symbolic link ({os.readlink(path)}) to a folder already read; "
                                         "it is read once"))
                    continue
            walked.add(os.path.realpath(path))
            kept.append(name)
        dirs[:] = kept
        for name in names:
            path = Path(top, name)
            if name.startswith("."):
                continue
            if path.is_symlink() and not follow_symlinks:
                passed.append((path, _link_reason(path, "a file")))
            elif not path.exists():
                passed.append((path, f"a broken symbolic link ({os.readlink(path)}): it points to nothing"))
            else:
                files.append(path)
    order = lambda p: p.relative_to(folder).parts
    return Listing(sorted(files, key=order), sorted(passed, key=lambda item: order(item[0])))


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
