"""Which actors a name typed by a user means: ``--actor imran`` is Imran Khan, ``--actor khan`` every Khan.

An exact id or name (any case, any accents) wins; otherwise every actor with a word of its name or id that
starts with what was typed.  When nothing matches, the message lists actors that do exist.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

from stance.records import StancePrediction

SHOWN = 8
"""Actor names listed when a name matches none."""
CLOSE = 0.6
"""How alike (difflib's ratio) a typed name must be to an actor's to be offered as the one meant."""


def fold(text: str) -> str:
    """``imran khan`` for ``Imrán_Khan``: no accents, one case, ``_`` and ``-`` as spaces."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode() or text
    return " ".join(re.sub(r"[_\-]+", " ", plain).casefold().split())


def actor_names(predictions: Iterable[StancePrediction]) -> dict[str, str]:
    """Every speaker's name by actor_id."""
    return {p.statement.actor_id: p.statement.actor for p in predictions}


def match_actors(predictions: Iterable[StancePrediction], query: str) -> list[tuple[str, str]]:
    """``(actor_id, name)`` of the actors ``query`` names, by name: those whose id or name it is exactly
    (case-insensitive), else those with a word of the name or id starting with it (``imran``, ``khan``,
    ``imran kh``); empty when none."""
    names = actor_names(predictions)
    wanted = fold(query)
    if not wanted:
        return []
    found = [(i, n) for i, n in names.items() if wanted in (fold(i), fold(n))]
    if not found:
        starts = re.compile(r"(?<!\w)" + re.escape(wanted))
        found = [(i, n) for i, n in names.items() if starts.search(fold(n)) or starts.search(fold(i))]
    return sorted(found, key=lambda kv: (kv[1].casefold(), kv[0]))


def no_match_message(predictions: Iterable[StancePrediction], query: str) -> str:
    """``no actor matches 'Imrn'; did you mean Imran Khan? Actors in this run: ...``."""
    names = sorted(set(actor_names(predictions).values()), key=str.casefold)
    if not names:
        return f"no actor matches {query!r}: the run holds no statements"
    by_fold = {fold(n): n for n in names}
    close = [by_fold[f] for f in difflib.get_close_matches(fold(query), list(by_fold), n=3, cutoff=CLOSE)]
    meant = f"did you mean {' or '.join(close)}? " if close else ""
    more = f", ... ({len(names)} in all)" if len(names) > SHOWN else ""
    return (f"no actor matches {query!r}; {meant}actors in this run: {', '.join(names[:SHOWN])}{more} "
            "(--actor takes a name, a part of one, or an id)")
