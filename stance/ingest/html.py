"""A saved web page (``.html``, ``.htm``) as article text and metadata, through trafilatura.

trafilatura keeps the article's own paragraphs and drops the menus, footers, cookie banners, share
buttons and comments around them; it decodes entities (``&ldquo;`` is ``“``) and reads the title, date,
author and site name from the page's metadata (``<meta>``, Open Graph, JSON-LD).
"""

from __future__ import annotations

from dataclasses import dataclass

from stance.ingest.skipped import Unreadable

HTML_SUFFIXES = (".html", ".htm")
FIX = "pip install trafilatura"
"""How to get the HTML reader (it is a dependency of the package: only a broken install lacks it)."""


@dataclass(frozen=True)
class Page:
    """The article of one page: ``text`` with a blank line between paragraphs, and what the page says of it."""

    text: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None


def _clean(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_page(data: bytes) -> Page:
    """The article in a page's bytes (its own ``<meta charset>`` decides the encoding), or
    :class:`Unreadable` when the page holds no article text."""
    try:
        import trafilatura
    except ImportError:
        raise Unreadable(f"no HTML reader: {FIX}") from None
    found = trafilatura.bare_extraction(data, with_metadata=True, include_comments=False, include_tables=False)
    text = found.text if found is not None and not isinstance(found, dict) else None
    if found is None or isinstance(found, dict) or not text or not text.strip():
        raise Unreadable("no article text found in the page (only menus, links or scripts)")
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
    return Page(text="\n\n".join(paragraphs), title=_clean(found.title), date=_clean(found.date),
                author=_clean(found.author), site=_clean(found.sitename) or _clean(found.hostname),
                url=_clean(found.url))
