"""Dates from metadata or from an article's own text, at their true precision."""

from __future__ import annotations

import re

from stance.records import PartialDate

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december"], 1)}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MDY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?,?\s+(\d{{4}})\b", re.I)

HEAD_CHARS = 400
"""Dates are looked for in the opening of an article only, where a dateline stands."""


def parse_date(value: object) -> PartialDate | None:
    """A metadata value (``2018``, ``2018-01``, ``2018-01-05``, ISO time) or None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        return PartialDate.parse(text)
    except ValueError:
        found = date_in_text(text, head=len(text))
        if found is None:
            raise
        return found


def date_in_text(text: str, head: int = HEAD_CHARS) -> PartialDate | None:
    """The first full date written in the opening of ``text``
    (``date 2021-06-19``, ``August 11, 2021``, ``11 August 2021``), else None."""
    opening = text[:head]
    candidates = []
    for m in _ISO.finditer(opening):
        candidates.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    for m in _MDY.finditer(opening):
        candidates.append((m.start(), int(m[3]), _MONTHS[m[1].lower()], int(m[2])))
    for m in _DMY.finditer(opening):
        candidates.append((m.start(), int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
    for _, year, month, day in sorted(candidates):
        try:
            return PartialDate(year, month, day)
        except ValueError:
            continue
    return None
