"""The report's pages under the API's routes.

`stance report` writes a folder of pages that link each other by relative paths
(``../actors/khawaja-asif.html#issue-military-bases``, ``issues/safe-havens.html``,
``../docs/dawn-2017-10-09.html#s-…``, ``../index.html``).  The service serves each page at a route of its
own, named by ids rather than slugs, so :func:`rewrite_links` turns every such link into that route,
fragment kept: with the slugs of the page's :class:`~stance.report.view.ReportModel`,
``../actors/khawaja-asif.html#issue-military-bases`` becomes ``/report/actors/khawaja_asif#issue-military-bases``
and ``../index.html`` becomes ``/report``.  Links that are not report paths (``#…``, ``data:``, absolute URLs)
are left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from stance.report.view import ReportModel

REPORT_ROOT = "/report"
"""Where the service serves the report: the index here, and ``/actors/ID``, ``/groups/NAME``,
``/issues/ID``, ``/docs/ID`` under it."""
_HREF = re.compile(r'(\bhref=")([^"]*)(")')
_ELSEWHERE = re.compile(r"^(?:#|/|[A-Za-z][A-Za-z0-9+.-]*:)")
"""Links that point elsewhere than to a page of the report: a fragment, an absolute path, any scheme."""


def report_routes(model: ReportModel) -> dict[str, str]:
    """Each page of the report by its path in the report folder -> the route that serves it (speakers by
    actor id, groups by name, issues by id, documents by id)."""
    routes = {"index.html": REPORT_ROOT}
    routes.update((f"actors/{ent.slug}.html", f"{REPORT_ROOT}/actors/{quote(ent.key, safe='')}")
                  for ent in model.actors.values())
    routes.update((f"actors/{ent.slug}.html", f"{REPORT_ROOT}/groups/{quote(ent.key, safe='')}")
                  for ent in model.groups.values())
    routes.update((f"issues/{slug}.html", f"{REPORT_ROOT}/issues/{quote(issue, safe='')}")
                  for issue, slug in model.issue_slugs.items())
    routes.update((f"docs/{slug}.html", f"{REPORT_ROOT}/docs/{quote(doc, safe='/')}")
                  for doc, slug in model.doc_slugs.items())
    return routes


def rewrite_links(html: str, routes: Mapping[str, str]) -> str:
    """``html`` with every ``href`` to a page of ``routes`` (relative to any page of the report: ``../``
    and ``./`` are dropped) pointing at its route instead, its ``#fragment`` kept.

    >>> rewrite_links('<a href="../issues/bases.html#q-1">Bases</a> <a href="#top">top</a>',
    ...               {"issues/bases.html": "/report/issues/military_bases"})
    '<a href="/report/issues/military_bases#q-1">Bases</a> <a href="#top">top</a>'
    """
    def route(match: re.Match[str]) -> str:
        target = match[2]
        if not target or _ELSEWHERE.match(target):
            return match[0]
        path, hash_mark, fragment = target.partition("#")
        while path.startswith(("../", "./")):
            path = path.split("/", 1)[1]
        found = routes.get(path)
        return match[0] if found is None else f"{match[1]}{escape(found)}{hash_mark}{fragment}{match[3]}"

    return _HREF.sub(route, html)
