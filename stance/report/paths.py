"""Where the report's pages and anchors live, for every format: the ids a link's ``#fragment`` names,
and writing a set of rendered pages under the report folder."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

_SAFE = re.compile(r"[A-Za-z0-9_.~:-]*")


def fragment(text: str) -> str:
    """``text`` as the part of a link after ``#`` (statement ids may hold any character):
    ``fragment("q-dam-a b")`` is ``q-dam-a%20b``."""
    return text if _SAFE.fullmatch(text) else quote(text, safe=":")


def section_id(issue_slug: str) -> str:
    """The id of an entity page's section on one issue (chart, numbers, shifts, quotes)."""
    return f"issue-{issue_slug}"


def quotes_id(issue_slug: str) -> str:
    """The id of an entity page's list of quotes on one issue: what a grid cell links to."""
    return f"quotes-{issue_slug}"


def quote_id(issue_slug: str, statement_id: str) -> str:
    """The id of one quote in an entity page's list (a statement may be on several issues of one page)."""
    return f"q-{issue_slug}-{statement_id}"


def write_pages(pages: Mapping[str, str], out_dir: Path) -> None:
    """Write ``pages`` (path under ``out_dir`` → text) as UTF-8, making their folders."""
    for folder in sorted({Path(p).parent for p in pages}):
        (out_dir / folder).mkdir(parents=True, exist_ok=True)
    for path, text in pages.items():
        (out_dir / path).write_text(text, encoding="utf-8")
