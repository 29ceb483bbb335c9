"""The actor registry: canonical actors, their aliases, affiliations and the
offices they held by date, and the resolution of a speaker phrase
(``the Pakistan Prime Minister``, ``Taliban spokesperson Sohail Shaheen``,
``sources``) to one of them."""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from stance.errors import RegistryError
from stance.records import Actor, DatedAffiliation, PartialDate
from stance.registries.files import read_registry

ANONYMOUS_ID = "anonymous"
ACTOR_TYPES = ("person", "organisation", "country", "group", "media", "anonymous")
GROUP_TYPES = frozenset({"organisation", "country", "group"})
"""Actor types that speak for a group (an institution, a government, a movement), not one person."""

# Titles as the text writes them -> canonical office names used in the registry's roles.
_TITLES = [
    (r"prime minister|premier|pm", "prime minister"),
    (r"foreign minister|minister (?:of|for) foreign affairs", "foreign minister"),
    (r"defen[cs]e minister|minister (?:of|for) defen[cs]e", "defence minister"),
    (r"information minister|minister (?:of|for) information", "information minister"),
    (r"interior minister|minister (?:of|for) interior", "interior minister"),
    (r"foreign (?:office|ministry)(?:'s|’s)? spokes(?:man|woman|person)", "foreign office spokesman"),
    (r"state department spokes(?:man|woman|person)", "state department spokesman"),
    (r"pentagon press secretary", "pentagon press secretary"),
    (r"pentagon spokes(?:man|woman|person)", "pentagon spokesman"),
    (r"defen[cs]e secretary|secretary of defen[cs]e", "defence secretary"),
    (r"secretary of state", "secretary of state"),
    (r"national security advis[eo]r", "national security adviser"),
    (r"army chief|chief of (?:the )?army staff|coas", "army chief"),
    (r"special envoy|special representative", "special envoy"),
    (r"ambassador|envoy", "ambassador"),
    (r"spokes(?:man|woman|person)", "spokesman"),
    (r"president", "president"),
]
_TITLE_RE = [(re.compile(rf"(?<!\w)(?:{p})(?!\w)", re.I), t) for p, t in _TITLES]

_COUNTRY_WORDS = {
    "Pakistan": r"pakistan(?:'s|’s)?|pakistani|pak|islamabad",
    "United States": r"us|u\.s\.|united states|american|america|washington|pentagon|state department|white house",
    "Afghanistan": r"afghan|afghanistan(?:'s|’s)?|kabul",
    "Taliban": r"taliban",
}
_COUNTRY_RE = {c: re.compile(rf"(?<![\w.])(?:{p})(?![\w])", re.I) for c, p in _COUNTRY_WORDS.items()}
GOVERNMENTS = {"Pakistan": "Government of Pakistan", "United States": "US Government",
               "Afghanistan": "Government of Afghanistan", "Taliban": "Taliban"}
"""Country (as :func:`country_of` names it) -> the actor that speaks for its government."""

_ANONYMOUS = re.compile(
    r"(?<!\w)(?:sources?|officials?|diplomats?|insiders?|aides?|people familiar|a person familiar|"
    r"an? (?:senior |top |government |security )?(?:official|source|diplomat))(?!\w)", re.I)
_ANON_HEADS = {"source", "sources", "official", "officials", "diplomat", "diplomats", "insiders", "aides"}
_WORDS = re.compile(r"\w+")


def _first_word(alias: str) -> str:
    """The first word of an alias in lower case ("" when it has none: checked against every phrase)."""
    m = _WORDS.search(alias.lower())
    return m.group() if m else ""


_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][a-zA-ZÀ-ÖØ-öø-ÿĀ-ɏ.\-’']+$")
"""A capitalised word in Latin letters with their accents (``Ségolène``)."""
_DROP_WORDS = {"the", "a", "an", "some", "another", "its", "their", "his", "her", "our", "and"}
_TITLE_WORDS = {"minister", "secretary", "spokesman", "spokeswoman", "spokesperson", "president", "general", "gen",
                "gen.", "ambassador", "chief", "envoy", "adviser", "advisor", "premier", "pm", "senator", "governor",
                "commander", "press", "foreign", "defence", "defense", "interior", "information", "prime", "dr", "dr.",
                "mr", "mr.", "ms", "ms.", "mrs", "mrs.", "lt", "col", "col.", "maj", "army", "deputy", "acting",
                "former", "colonel", "lieutenant", "major", "captain", "admiral", "brigadier", "marshal", "leader",
                "senior", "official", "chairman", "chairperson", "head", "director", "secretary-general"}
_ORG_ENDINGS = {"party", "ministry", "office", "council", "committee", "assembly", "army", "front", "league",
                "movement", "agency", "department", "commission", "senate", "parliament", "court", "network", "group"}


@dataclass(frozen=True)
class Role:
    title: str
    country: str
    start: _dt.date
    end: _dt.date


def _date(value: object, path: object, what: str, last: bool = False) -> _dt.date:
    """The first day ``value`` can mean (its last day with ``last``: ``to: 2013`` runs through 2013)."""
    try:
        date = PartialDate.parse(str(value))
    except ValueError as exc:
        raise RegistryError(f"{path}: {what}: {exc}") from None
    return date.end() if last else date.start()


AFFILIATION_KEYS = ("name", "from", "to")
"""The keys of one entry of an actor's ``affiliations`` list."""
_AFFILIATION_EXAMPLE = "{name: US Government, from: 2017-01-20, to: 2021-01-20}"


def _affiliations(row: Mapping, path: object) -> tuple[str | None, tuple[DatedAffiliation, ...]]:
    """An actor's default affiliation and its ``affiliations`` list, checked.

    Without an ``affiliation`` key, the default is the list's undated entry, if any.
    """
    actor_id, default = row["id"], row.get("affiliation")
    where = f"{path}: actor {actor_id!r}"
    entries = row.get("affiliations") or []
    if not isinstance(entries, list):
        raise RegistryError(f"{where}: expected 'affiliations' to be a list like [{_AFFILIATION_EXAMPLE}], "
                            f"found {entries!r}; write each entry as a mapping inside [...]")
    out = []
    for entry in entries:
        name = str(entry.get("name") or "").strip() if isinstance(entry, dict) else ""
        if not name:
            raise RegistryError(f"{where}: each affiliation needs a non-empty name, found {entry!r}; "
                                f"write it as {_AFFILIATION_EXAMPLE} (from and to are optional)")
        unknown = sorted(str(k) for k in entry if k not in AFFILIATION_KEYS)
        if unknown:
            raise RegistryError(f"{where}: affiliation {name!r} has unknown key(s) {', '.join(map(repr, unknown))}; "
                                f"expected only {', '.join(AFFILIATION_KEYS)}")
        start = _date(entry["from"], path, f"actor {actor_id!r}: affiliation {name!r} 'from'") \
            if entry.get("from") is not None else None
        end = _date(entry["to"], path, f"actor {actor_id!r}: affiliation {name!r} 'to'", last=True) \
            if entry.get("to") is not None else None
        if start is not None and end is not None and start > end:
            raise RegistryError(f"{where}: affiliation {name!r} runs from {start} to {end}; "
                                f"expected 'from' on or before 'to': swap them")
        out.append(DatedAffiliation(name, start, end))
    undated = sorted({a.name for a in out if not a.dated} | ({str(default)} if default else set()))
    if len(undated) > 1:
        raise RegistryError(f"{where}: has several undated affiliations ({', '.join(map(repr, undated))}); "
                            f"expected one default: give the others 'from' and 'to' dates")
    return (str(default) if default else (undated[0] if undated else None)), tuple(out)


def title_of(phrase: str) -> str | None:
    """The canonical office a phrase names, or None (``the Pak PM`` -> ``prime minister``)."""
    for pattern, title in _TITLE_RE:
        if pattern.search(phrase):
            return title
    return None


def country_of(phrase: str) -> str | None:
    """The country (or group) a phrase qualifies an office with, if any."""
    found = [(m.start(), c) for c, p in _COUNTRY_RE.items() for m in [p.search(phrase)] if m]
    return min(found)[1] if found else None


def actor_id_for(name: str) -> str:
    """The id the registry gives an actor it makes from a name (``Daily Ledger`` -> ``daily_ledger``,
    ``Ségolène Royal`` -> ``segolene_royal``)."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "actor"


class ActorRegistry:
    """Actors by id and alias, with offices by date."""

    def __init__(self, actors: Iterable[Actor], roles: Mapping[str, Sequence[Role]] | None = None,
                 default_country: str = "Pakistan") -> None:
        self.actors: dict[str, Actor] = {}
        self.roles: dict[str, tuple[Role, ...]] = {k: tuple(v) for k, v in (roles or {}).items()}
        self.default_country = default_country
        own = sorted({r.title for rs in self.roles.values() for r in rs} - {t for _, t in _TITLES}, key=len,
                     reverse=True)
        self._own_titles = [(re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, t.split())) + r"(?!\w)", re.I), t)
                            for t in own]
        """The registry's own offices (``finance minister``, ``central bank governor``), read in text before the
        built-in list, so that a new domain's unnamed offices resolve by date too."""
        self._aliases: list[tuple[re.Pattern, str, int]] = []
        self._by_word: dict[str, list[int]] = defaultdict(list)
        """An alias's first word (lower case) -> its places in ``_aliases``: a phrase can
        only contain the aliases whose first word is one of its words."""
        for actor in actors:
            self.add(actor)

    # ---------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None) -> ActorRegistry:
        """A registry from YAML (``actors:`` list; see ``stance/registries/resources/actors.yaml``);
        the default registry when ``path`` is None."""
        path, data = read_registry(path, "actors.yaml", "actor")
        rows = data.get("actors") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise RegistryError(f"{path}: expected a top-level 'actors' list")
        actors, roles = [], {}
        for n, row in enumerate(rows, 1):
            if not isinstance(row, dict) or not {"id", "name", "type"} <= set(row):
                raise RegistryError(f"{path}: actor #{n} needs 'id', 'name' and 'type', found {row!r}")
            if row["type"] not in ACTOR_TYPES:
                raise RegistryError(f"{path}: actor {row['id']!r} has type {row['type']!r}; "
                                    f"expected one of {', '.join(ACTOR_TYPES)}")
            actor_roles = []
            for r in row.get("roles") or []:
                if not isinstance(r, dict) or "title" not in r:
                    raise RegistryError(f"{path}: actor {row['id']!r}: each role needs a title, found {r!r}")
                actor_roles.append(Role(str(r["title"]).lower(), str(r.get("country") or default_country(data)),
                                        _date(r.get("from", "1900"), path, f"{row['id']} role start"),
                                        _date(r.get("to", "2100"), path, f"{row['id']} role end")))
            roles[str(row["id"])] = actor_roles
            affiliation, affiliations = _affiliations(row, path)
            actors.append(Actor(str(row["id"]), str(row["name"]), row["type"], affiliation,
                                tuple(str(a) for a in row.get("aliases") or ()),
                                tuple(r.title for r in actor_roles), affiliations=affiliations))
        try:
            return cls(actors, roles, default_country(data))
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None

    def add(self, actor: Actor) -> Actor:
        if actor.actor_id in self.actors:
            raise RegistryError(f"actor id {actor.actor_id!r} appears twice in the registry")
        self.actors[actor.actor_id] = actor
        rank = {"person": 0, "group": 1, "organisation": 2, "media": 3, "country": 4}.get(actor.type, 5)
        for alias in {actor.name, *actor.aliases}:
            pattern = re.compile(r"(?<![\w])" + re.escape(alias).replace(r"\ ", r"\s+") + r"(?:'s|’s)?(?![\w])",
                                 0 if alias.isupper() or len(alias) <= 3 else re.I)
            self._by_word[_first_word(alias)].append(len(self._aliases))
            self._aliases.append((pattern, actor.actor_id, rank))
        return actor

    def _candidates(self, phrase: str) -> list[tuple[re.Pattern, str, int]]:
        """The aliases that may occur in ``phrase``, in registry order."""
        words = set(_WORDS.findall(phrase.lower())) | {""}
        found = sorted({i for w in words for i in self._by_word.get(w, ())})
        return [self._aliases[i] for i in found]

    def __contains__(self, actor_id: str) -> bool:
        return actor_id in self.actors

    def get(self, actor_id: str) -> Actor:
        return self.actors[actor_id]

    def by_name(self, name: str | None) -> Actor | None:
        return next((a for a in self.actors.values() if a.name == name), None)

    @staticmethod
    def affiliation_on(actor: Actor, date: PartialDate | None) -> str | None:
        """The group ``actor`` belonged to on ``date`` (see :meth:`Actor.affiliation_on`)."""
        return actor.affiliation_on(date)

    def parents(self) -> dict[str, str]:
        """Group name -> the group above it, for roll-ups."""
        return {a.name: a.affiliation for a in self.actors.values() if a.affiliation and a.type != "person"}

    # ------------------------------------------------------------- resolution
    def match_alias(self, phrase: str) -> Actor | None:
        """The actor whose alias the phrase contains: people first, then the longest alias."""
        best = None
        for pattern, actor_id, rank in self._candidates(phrase):
            m = pattern.search(phrase)
            if m and rank == 0 and self._inside_longer_name(phrase, m.start()):
                continue
            if m:
                key = (rank, -(m.end() - m.start()), -m.start())
                if best is None or key < best[0]:
                    best = (key, actor_id)
        return self.actors[best[1]] if best else None

    def _inside_longer_name(self, phrase: str, start: int) -> bool:
        """``Khan`` in ``Moazzam Ahmad Khan``: the word before is part of another name."""
        before = phrase[:start].split()
        if not before:
            return False
        word = before[-1].strip(",")
        if not _NAME_WORD.match(word) or word.lower().rstrip(".") in _TITLE_WORDS or word.lower() in _TITLE_WORDS:
            return False
        if any(p.fullmatch(word) for p in _COUNTRY_RE.values()):
            return False
        context = " ".join(before[-3:])
        return not any(rank > 0 and pattern.search(context) for pattern, _, rank in self._candidates(context))

    def title_in(self, phrase: str) -> str | None:
        """The office a phrase names: one of this registry's own role titles, else the built-in list's."""
        for pattern, title in self._own_titles:
            if pattern.search(phrase):
                return title
        return title_of(phrase)

    def holder(self, title: str, country: str | None, date: PartialDate | None) -> Actor | None:
        """Who held ``title`` (in ``country``) on ``date``; None if nobody or the date is missing."""
        if date is None:
            return None
        lo, hi, mid = date.start(), date.end(), date.midpoint()
        found = []
        for actor_id, roles in self.roles.items():
            for r in roles:
                if r.title == title and (country is None or r.country == country) and r.start <= hi and lo <= r.end:
                    found.append((not (r.start <= mid <= r.end), r.country != self.default_country, actor_id))
        return self.actors[min(found)[2]] if found else None

    def resolve(self, phrase: str, date: PartialDate | None = None, recent: Sequence[str] = ()) -> Actor | None:
        """The canonical actor a speaker phrase names, or None when it names nobody.

        Order: a known alias of a person; an office held on ``date`` (``the
        prime minister``; an unqualified office goes first to someone in
        ``recent`` who held it, then to the default country's holder); a
        group alias; an anonymous source; otherwise a new actor for an unknown
        name, affiliated with the group or country the phrase names.
        """
        phrase = phrase.strip()
        if not phrase:
            return None
        alias = self.match_alias(phrase)
        if alias is not None and alias.type == "person":
            return alias
        unknown_name = self._unknown_name(phrase, alias)
        title = self.title_in(phrase)
        if title and unknown_name is None:
            country = country_of(phrase)
            for actor_id in recent:
                if any(r.title == title and (country is None or r.country == country)
                       for r in self.roles.get(actor_id, ())) and self.holder(title, country, date) in (
                           None, self.actors[actor_id]):
                    return self.actors[actor_id]
            held = self.holder(title, country or self.default_country, date)
            if held is not None:
                return held
        names = [w for w in phrase.split() if _NAME_WORD.match(w)]
        anonymous = _ANONYMOUS.search(phrase) and unknown_name is None
        if alias is not None and unknown_name is None and not (anonymous and phrase.split()[-1].lower() in _ANON_HEADS):
            return alias
        if anonymous:
            group = alias.name if alias is not None and alias.type != "media" else (
                GOVERNMENTS.get(country_of(phrase) or ""))
            return anonymous_actor(group)
        if unknown_name is None or not names:
            return None
        return self._new_person(unknown_name, phrase, alias)

    def _unknown_name(self, phrase: str, alias: Actor | None) -> str | None:
        """A personal name in the phrase that is not a known alias: two or more
        capitalised words at the end of the phrase that are not a title or place."""
        for pattern, _, rank in self._candidates(phrase):
            if rank > 0:
                phrase = pattern.sub(" | ", phrase)
        words = [w.strip(",") for w in phrase.split()]
        tail: list[str] = []
        for w in reversed(words):
            if not _NAME_WORD.match(w) or w.lower() in _TITLE_WORDS or w.lower() in _DROP_WORDS:
                break
            if any(p.fullmatch(w) for p in _COUNTRY_RE.values()):
                break
            if (known := self.match_alias(w)) is not None and known.type != "person":
                break
            tail.insert(0, w)
        if len(tail) >= 2 or (len(tail) == 1 and self.title_in(phrase)):
            return " ".join(tail)
        return None

    def _new_person(self, name: str, phrase: str, group: Actor | None) -> Actor:
        actor_id = actor_id_for(name)
        if actor_id in self.actors:
            return self.actors[actor_id]
        affiliation = None
        if group is not None and group.type != "media":
            affiliation = group.name
        elif country_of(phrase):
            affiliation = GOVERNMENTS.get(country_of(phrase) or "")
        title = self.title_in(phrase)
        kind: Literal["organisation", "person"] = (
            "organisation" if name.split()[-1].lower() in _ORG_ENDINGS else "person")
        actor = Actor(actor_id, name, kind, affiliation, (name,), (title,) if title else (), known=False)
        return self.add(actor)

    def with_affiliation(self, actor: Actor, affiliation: str | None) -> Actor:
        if not affiliation or actor.affiliation:
            return actor
        return anonymous_actor(affiliation) if actor.type == "anonymous" else replace(actor, affiliation=affiliation)


def anonymous_actor(group: str | None) -> Actor:
    """Unnamed sources, kept apart by the group they speak for when the text says it."""
    if group is None:
        return Actor(ANONYMOUS_ID, "Anonymous sources", "anonymous", None, known=False)
    return Actor(f"{ANONYMOUS_ID}_{actor_id_for(group)}", f"Anonymous sources ({group})", "anonymous", group,
                 known=False)


def default_country(data: object) -> str:
    return str(data.get("default_country", "Pakistan")) if isinstance(data, dict) else "Pakistan"
