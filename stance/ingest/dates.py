"""Dates from metadata or from an article's own text, at their true precision, in the years
:data:`MIN_YEAR` to :data:`MAX_YEAR`."""

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
MIN_YEAR, MAX_YEAR = 1000, 2999
"""The years a document's date may fall in.  Outside them a date is a typo or a placeholder
(``0001-01-01``, ``9999-12-31``), and the periods and the report cannot draw it (``9999-12-31`` has
no next day)."""


def in_years(date: PartialDate) -> bool:
    """Whether ``date`` falls in :data:`MIN_YEAR` to :data:`MAX_YEAR`: ``PartialDate(9999, 12, 20)`` does not."""
    return MIN_YEAR <= date.year <= MAX_YEAR


def parse_date(value: object) -> PartialDate | None:
    """A metadata value (``2018``, ``2018-01``, ``2018-01-05``, ISO time, or a text holding a full date:
    ``Published August 11, 2021``) or None when empty.  The year is not checked here: the caller
    decides what a date outside :data:`MIN_YEAR` to :data:`MAX_YEAR` means (:func:`in_years`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        return PartialDate.parse(text)
    except ValueError:
        found = _first_date(text, len(text), any_year=True)
        if found is None:
            raise
        return found


def date_in_text(text: str, head: int = HEAD_CHARS) -> PartialDate | None:
    """The first full date written in the opening of ``text``
    (``date 2021-06-19``, ``August 11, 2021``, ``11 August 2021``), else None; a date that does
    not exist (``2021-02-30``) or falls outside the years :data:`MIN_YEAR` to :data:`MAX_YEAR`
    (``0001-01-01``) is passed over."""
    return _first_date(text, head, any_year=False)


def _first_date(text: str, head: int, any_year: bool) -> PartialDate | None:
    opening = text[:head]
    candidates = []
    for m in _ISO.finditer(opening):
        candidates.append((m.start(), int(m[1]), int(m[2]), int(m[3])))
    for m in _MDY.finditer(opening):
        candidates.append((m.start(), int(m[3]), _MONTHS[m[1].lower()], int(m[2])))
    for m in _DMY.finditer(opening):
        candidates.append((m.start(), int(m[3]), _MONTHS[m[2].lower()], int(m[1])))
    for _, year, month, day in sorted(candidates):
        if not any_year and not MIN_YEAR <= year <= MAX_YEAR:
            continue
        try:
            return PartialDate(year, month, day)
        except ValueError:
            continue
    return None
