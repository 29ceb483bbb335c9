"""Speaker resolution against a hand-coded gold: for every attributed statement
a reader coded (its content's offsets and the canonical speaker), did the tool
find it, and credit it to the same speaker?  And which actors did the tool
report that no reader would (junk), and which of the reporter's own sentences
did it credit to someone (narration)?

The gold is YAML (``tests/fixtures/polnear_speakers.yaml``): per article,
``statements`` (``start``, ``end``, ``speaker``, ``type``, ``affiliation``) and
``narration`` (``start``, ``end``).  No article text is stored in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from stance.errors import InputError

_GOLD_TYPES = ("person", "organisation", "anonymous", "none")
_DROP = re.compile(r"^(?:the|a|an)\s+|[.,]", re.I)


@dataclass(frozen=True)
class GoldStatement:
    start: int
    end: int
    speaker: str | None
    type: str
    affiliation: str | None = None


@dataclass(frozen=True)
class GoldArticle:
    doc_id: str
    statements: tuple[GoldStatement, ...]
    narration: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Credited:
    """One attribution the tool reports: where its content is and who it credits (None: nobody)."""

    start: int
    end: int
    actor: str | None
    actor_type: str | None = None


def load_gold(path: str | Path) -> list[GoldArticle]:
    """The gold articles of a speaker fixture, checked: offsets ordered, types known."""
    data: Any = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("articles"), dict):
        raise InputError(path, f"expected a mapping with an 'articles' mapping; found {type(data).__name__} "
                               "(see tests/fixtures/polnear_speakers.yaml for the format)")
    out = []
    for doc_id, body in data["articles"].items():
        statements = []
        for k, row in enumerate(body.get("statements") or []):
            start, end = row.get("start"), row.get("end")
            if row.get("type") not in _GOLD_TYPES or not (isinstance(start, int) and isinstance(end, int)
                                                          and 0 <= start < end):
                raise InputError(path, f"{doc_id} statement {k}: expected a type in {list(_GOLD_TYPES)} and "
                                       f"0 <= start < end; found type {row.get('type')!r}, offsets "
                                       f"{row.get('start')}..{row.get('end')} (fix the row)")
            statements.append(GoldStatement(int(row["start"]), int(row["end"]), row.get("speaker"), row["type"],
                                            row.get("affiliation")))
        narration = tuple((int(r["start"]), int(r["end"])) for r in body.get("narration") or [])
        out.append(GoldArticle(str(doc_id), tuple(statements), narration))
    return out


def _tokens(name: str) -> list[str]:
    return _DROP.sub("", name.casefold()).replace("’", "'").split()


def same_speaker(gold: str, found: str) -> bool:
    """Whether a reported actor name is the gold speaker: the same words, or for a person the same first and
    last word (``Donald J. Trump``), or for an organisation one name's words inside the other's
    (``Oversight Committee`` in ``House Oversight Committee``)."""
    g, f = _tokens(gold), _tokens(found)
    if not g or not f:
        return False
    if g == f:
        return True
    if len(g) >= 2 and len(f) >= 2 and g[0] == f[0] and g[-1] == f[-1]:
        return True
    small, large = (g, f) if len(g) <= len(f) else (f, g)
    return len(small) >= 2 and all(w in large for w in small)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def _credited_for(statement: GoldStatement, credited: Sequence[Credited]) -> Credited | None:
    """The reported attribution that overlaps a gold statement most, or None when none overlaps it."""
    span = (statement.start, statement.end)
    best = max(credited, key=lambda c: _overlap((c.start, c.end), span), default=None)
    return best if best is not None and _overlap((best.start, best.end), span) > 0 else None


def speaker_scores(gold: Sequence[GoldArticle], found: Mapping[str, Sequence[Credited]],
                   leave_out: Callable[[str], bool] | None = None) -> dict[str, float]:
    """Found: the gold statements whose content a reported attribution overlaps.  Right: of those with a named
    speaker, the share credited to that speaker (``resolution``); of those with none (anonymous, a poll), the
    share credited to nobody or to anonymous sources.  Junk: reported actors (distinct per article) that are
    no gold speaker of that article.  Narration: reporter's sentences credited to an actor.  ``leave_out``:
    gold speakers whose statements do not count (``is_outlet``: the outlets the tool never credits by design).

    >>> gold = [GoldArticle("d", (GoldStatement(0, 9, "Politico", "organisation"), GoldStatement(10, 19, "Ann Lee",
    ...                                                                                         "person")))]
    >>> found = {"d": [Credited(0, 9, None), Credited(10, 19, "Ann Lee", "person")]}
    >>> speaker_scores(gold, found)["resolution"], speaker_scores(gold, found, lambda s: s == "Politico")["resolution"]
    (0.5, 1.0)
    """
    named = named_found = named_right = unnamed = unnamed_found = unnamed_right = 0
    actors = junk = narration = narration_credited = 0
    for article in gold:
        credited = list(found.get(article.doc_id, ()))
        for st in article.statements:
            if st.speaker and leave_out is not None and leave_out(st.speaker):
                continue
            best = _credited_for(st, credited)
            hit = best is not None
            if st.speaker:
                named += 1
                named_found += hit
                named_right += bool(best is not None and best.actor and same_speaker(st.speaker, best.actor))
            else:
                unnamed += 1
                unnamed_found += hit
                unnamed_right += bool(best is not None and (best.actor is None or best.actor_type == "anonymous"))
        speakers = {st.speaker for st in article.statements if st.speaker}
        reported = {c.actor for c in credited if c.actor and c.actor_type != "anonymous"}
        actors += len(reported)
        junk += sum(not any(same_speaker(s, a) for s in speakers) for a in reported)
        for lo, hi in article.narration:
            narration += 1
            narration_credited += any(c.actor and _overlap((c.start, c.end), (lo, hi)) > 0 for c in credited)
    return {
        "named": float(named), "named_found": named_found / max(named, 1),
        "resolution": named_right / max(named_found, 1), "named_right_of_all": named_right / max(named, 1),
        "unnamed": float(unnamed), "unnamed_right": unnamed_right / max(unnamed_found, 1),
        "actors": float(actors), "junk_share": junk / max(actors, 1),
        "narration": float(narration), "narration_credited": narration_credited / max(narration, 1),
    }


def junk_actors(gold: Sequence[GoldArticle], found: Mapping[str, Sequence[Credited]]) -> list[tuple[str, str]]:
    """(article, actor) for every reported actor that is no gold speaker of its article."""
    out = []
    for article in gold:
        speakers = {st.speaker for st in article.statements if st.speaker}
        for actor in sorted({c.actor for c in found.get(article.doc_id, ()) if c.actor and
                             c.actor_type != "anonymous"}):
            if not any(same_speaker(s, actor) for s in speakers):
                out.append((article.doc_id, actor))
    return out


@dataclass(frozen=True)
class Miss:
    """A gold statement with a named speaker that a reported attribution overlaps but credits to someone else
    (``found`` None: to nobody)."""

    doc_id: str
    start: int
    end: int
    gold: str
    found: str | None


def misses(gold: Sequence[GoldArticle], found: Mapping[str, Sequence[Credited]]) -> list[Miss]:
    """The found statements of :func:`speaker_scores` that count against ``resolution``, in article order."""
    out = []
    for article in gold:
        credited = list(found.get(article.doc_id, ()))
        for st in article.statements:
            if not st.speaker or (best := _credited_for(st, credited)) is None:
                continue
            if not (best.actor and same_speaker(st.speaker, best.actor)):
                out.append(Miss(article.doc_id, st.start, st.end, st.speaker, best.actor))
    return out
