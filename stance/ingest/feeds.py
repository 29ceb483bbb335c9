"""An RSS or Atom feed file (``.rss``, ``.atom``, or an ``.xml`` that is a feed): one document per item.

feedparser reads every RSS and Atom version; an item's full content is preferred to its summary, and its
HTML is reduced to text here, a blank line between blocks.  The item's date is read as written (its own
day, not shifted to UTC), its link is the url and the feed's title the source.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from stance.ingest.dates import parse_date
from stance.ingest.skipped import Unreadable

FEED_SUFFIXES = (".rss", ".atom", ".xml")
FIX = "pip install feedparser"
"""How to get the feed reader (it is a dependency of the package: only a broken install lacks it)."""
BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
                    "table", "section", "article", "figure", "figcaption", "pre", "hr"})
"""Tags that end a paragraph in an item's HTML."""
HIDDEN = frozenset({"script", "style", "noscript", "template"})
"""Tags whose content is never text."""


@dataclass(frozen=True)
class Item:
    """One feed item: its text and metadata, and its place in the feed (1 for the first)."""

    number: int
    text: str
    title: str | None = None
    url: str | None = None
    date: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class Feed:
    title: str | None
    items: tuple[Item, ...]
    untexted: tuple[int, ...] = ()
    """The numbers of the items with neither content nor summary (a title and a link only): no documents."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The text of an HTML fragment, entities decoded, one paragraph per block separated by blank lines."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    blocks = re.split(r"\n\s*\n", "".join(parser.parts))
    return "\n\n".join(p for p in (re.sub(r"\s+", " ", b).strip() for b in blocks) if p)


def _field(entry: dict, name: str) -> str | None:
    value = entry.get(name)
    return value.strip() or None if isinstance(value, str) else None


def _date(entry: dict) -> str | None:
    """The date as the feed writes it (``Mon, 21 Jun 2021 23:30:00 -0500`` is the 21st), else feedparser's
    parsed one."""
    for name in ("published", "updated", "created"):
        raw = _field(entry, name)
        with contextlib.suppress(ValueError):
            if raw and parse_date(raw) is not None:
                return raw
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}" if parsed else None


def _author(entry: dict) -> str | None:
    """The author's name (``John Doe`` of RSS's ``jdoe@example.org (John Doe)``)."""
    detail = entry.get("author_detail")
    name = detail.get("name") if isinstance(detail, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else _field(entry, "author")


def _body(entry: dict) -> str:
    contents = entry.get("content") or []
    for markup in [*(c.get("value") for c in contents), entry.get("summary")]:
        if isinstance(markup, str) and markup.strip():
            text = html_text(markup)
            if text:
                return text
    return ""


def read_feed(data: bytes) -> Feed:
    """The items of a feed file's bytes, or :class:`Unreadable` when it is not an RSS or Atom feed."""
    try:
        import feedparser
    except ImportError:
        raise Unreadable(f"no feed reader: {FIX}") from None
    parsed = feedparser.parse(io.BytesIO(data))  # a stream: feedparser never treats it as a URL to fetch
    if not parsed.get("version"):
        raise Unreadable("not an RSS or Atom feed (XML without <rss>, <feed> or <rdf:RDF> at its root)")
    items, untexted = [], []
    for number, entry in enumerate(parsed.entries, 1):
        text = _body(entry)
        if not text:
            untexted.append(number)
            continue
        items.append(Item(number, text, title=_field(entry, "title"), url=_field(entry, "link"),
                          date=_date(entry), author=_author(entry)))
    return Feed(_field(parsed.feed, "title"), tuple(items), tuple(untexted))
