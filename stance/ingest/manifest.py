"""The keys a manifest line, JSONL object or CSV header may use, and the warning for any other key.

A misspelt key (``"Date"``, ``"published"``) would otherwise be dropped without a word and leave every
document undated; the warning names the file, the line, and the key meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

METADATA_KEYS = ("date", "source", "url", "title", "author", "type", "language")
"""The metadata of one document, wherever it is given."""
MANIFEST_KEYS = ("file", *METADATA_KEYS)
"""The keys of a line of ``manifest.jsonl``."""
ROW_KEYS = ("id", "text", *METADATA_KEYS)
"""The keys of a JSONL object or the columns of a CSV file of documents."""
ALIASES = {
    "published": "date", "pubdate": "date", "publishdate": "date", "publisheddate": "date", "publishedat": "date",
    "publicationdate": "date", "datepublished": "date", "datetime": "date", "day": "date", "created": "date",
    "outlet": "source", "publisher": "source", "publication": "source", "site": "source", "sitename": "source",
    "newspaper": "source", "media": "source", "link": "url", "href": "url", "permalink": "url", "uri": "url",
    "headline": "title", "heading": "title", "byline": "author", "writer": "author", "authors": "author",
    "doctype": "type", "kind": "type", "genre": "type", "lang": "language", "locale": "language",
    "filename": "file", "path": "file", "name": "file", "body": "text", "content": "text", "article": "text",
    "docid": "id", "documentid": "id", "identifier": "id", "key": "id",
}
"""Keys often written for an accepted one (compared lower-case, without ``_``, ``-`` or spaces)."""
CLOSE = 0.75
"""How alike (difflib's ratio) a key must be to an accepted one to be suggested as a misspelling of it."""


def suggestion(key: str, accepted: Iterable[str]) -> str | None:
    """The accepted key ``key`` was probably meant to be, or None: same letters in another case, a known
    alias, or a close misspelling."""
    accepted = tuple(accepted)
    folded = key.casefold().strip()
    squeezed = "".join(ch for ch in folded if ch not in "_- ")
    if folded in accepted:
        return folded
    if ALIASES.get(squeezed) in accepted:
        return ALIASES[squeezed]
    close = difflib.get_close_matches(squeezed, accepted, n=1, cutoff=CLOSE)
    return close[0] if close else None


class KeyCheck:
    """Collects the unknown keys of one file's rows, then words one warning per key (at its first line)."""

    def __init__(self, path: object, accepted: Iterable[str]) -> None:
        self.path = path
        self.accepted = tuple(accepted)
        self.first: dict[str, int | None] = {}
        self.count: dict[str, int] = {}

    def see(self, keys: Iterable[str], line: int | None) -> None:
        """Note the keys of the row at ``line`` that are not accepted."""
        for key in keys:
            if key not in self.accepted:
                self.first.setdefault(key, line)
                self.count[key] = self.count.get(key, 0) + 1

    def warnings(self) -> list[str]:
        """``manifest.jsonl:3: unknown key "Date" is ignored; did you mean "date"?``, one per unknown key."""
        out = []
        for key, line in self.first.items():
            where = f"{self.path}:{line}" if line is not None else f"{self.path}"
            more = self.count[key] - 1
            also = f" (here and on {more} more line{'s' if more > 1 else ''})" if more else ""
            meant = suggestion(key, self.accepted)
            fix = (f'did you mean "{meant}"?' if meant else
                   f"the keys read are {', '.join(self.accepted)}")
            out.append(f'{where}: unknown key "{key}" is ignored{also}; {fix}')
        return out
