"""Who a source phrase names, read in its document.

:class:`SpeakerResolver` resolves the speaker phrases of one article in
reading order, for ``stance extract`` and ``stance track`` alike:

1. possessives (``the minister's``), outlets and the press are never speakers;
2. a person the article names is followed through it
   (:class:`~stance.attribution.mentions.DocumentPeople`): full name, surname,
   title, pronoun, ``Mr.``/``Mrs.`` and first names (Bill and Hillary
   Clinton kept apart), transcript labels (``PENCE:``); the full name then
   goes through the actor registry, or becomes a new actor;
3. otherwise the registry reads the phrase (offices by date, groups, anonymous
   sources), also without a party parenthesis or a trailing appositive;
4. a new actor is made only for a phrase that reads as a name
   (:func:`~stance.attribution.names.read_name`): never for a concept, a
   law, an office without a holder, or two names run together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from stance.attribution.mentions import DocumentPeople
from stance.attribution.names import read_name
from stance.records import Actor, ActorType, Article, Span
from stance.registries.actors import GROUP_TYPES, ActorRegistry, actor_id_for

_RECENT = 10
"""How many speakers (the latest first) are kept for resolving offices."""
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them", "we", "it"}
_SURNAME = re.compile(r"[A-Z][a-z’'\-]+")
_PARENTHESIS = re.compile(r"\s*\([^()]{0,40}\)")
_APPOSITIVE = re.compile(r"^(?P<name>[^,]{3,80}?),\s+(?:a|an|the|who|which|in|at|on)\b.*$", re.S)
_PRESS_JOBS = re.compile(r"\bpress\s+(?:secretary|secretaries|aide|aides|officer|office|attach[eé]|spokesman)\b")
"""A press secretary speaks for whoever employs them: not an outlet."""
_MEDIA_WORDS = {"media", "press", "newspaper", "tribune", "channel", "outlet", "reporters", "journalists", "report",
                "reports", "daily", "times", "post", "news", "television", "tv", "radio", "website"}


def not_a_speaker(text: str) -> bool:
    """A source that names an outlet or the press, or is a possessive (``the minister's``)."""
    words = set(re.findall(r"[a-z]+", _PRESS_JOBS.sub(" ", text.lower())))
    return bool(words & _MEDIA_WORDS) or bool(re.search(r"[’']s$", text.strip()))


def _readings(phrase: str) -> list[str]:
    """The phrase as written, without a parenthesis (``Rep. Trey Gowdy (R-S.C.)``) and without a trailing
    appositive (``Rep. Jim Jordan, an oversight panel member,``): the shorter readings are tried after it."""
    out = [phrase]
    bare = _PARENTHESIS.sub("", phrase).strip(" ,")
    head = _APPOSITIVE.match(bare)
    for reading in (bare, head["name"].strip() if head else None):
        if reading and reading not in out:
            out.append(reading)
    return out


class SpeakerResolver:
    """The speakers of one article's sources, resolved in reading order."""

    def __init__(self, registry: ActorRegistry, article: Article, nlp: Any = None) -> None:
        self.registry = registry
        self.article = article
        self.people = DocumentPeople(article.text, nlp)
        self.recent: list[str] = []
        self.last_person: Actor | None = None
        self.last_group: Actor | None = None

    def resolve(self, source: Span) -> Actor | None:
        """The actor ``source`` names, or None; remembered for later pronouns and offices."""
        if not_a_speaker(source.text):
            return None
        if source.text.strip().lower() in _PERSON_PRONOUNS and self.last_person is not None:
            return self.last_person  # the latest speaker, as stance track reads a pronoun
        actor = self.resolve_phrase(source.text, source.start)
        if actor is not None:
            self.seen(actor)
        return actor

    def resolve_phrase(self, phrase: str, at: int, recent: Sequence[str] | None = None) -> Actor | None:
        """The actor a speaker phrase at offset ``at`` names, or None (nothing is remembered: see :meth:`seen`).
        ``recent``: the latest speakers' ids, for offices (default: this resolver's)."""
        phrase = " ".join(phrase.split()).strip(" ,")
        if not phrase:
            return None
        recent = self.recent if recent is None else recent
        low = phrase.lower()
        if low in _GROUP_PRONOUNS:
            return self.last_group
        full = self.people.resolve(phrase, at)
        if full is not None:
            if full != phrase and full in phrase:  # "Taliban spokesperson X": the registry keeps the group
                direct = self.registry.resolve(phrase, self.article.date, recent)
                if direct is not None and direct.type == "person" and direct.name == full:
                    return direct
            return self._person(full, recent)
        if low in _PERSON_PRONOUNS:
            return self.last_person
        for reading in _readings(phrase):
            actor = self.registry.resolve(reading, self.article.date, recent)
            if actor is None or actor.known or actor.type == "anonymous":
                if actor is not None:
                    return actor
                continue
            name = read_name(reading)
            if name is not None and actor.name in name.text and name.text != actor.name:
                # "The House Oversight and Government Reform Committee", not its last three words;
                # "John D. Podesta", not "John D"
                return self._new(name.text, name.kind, actor.affiliation, actor.roles)
            if read_name(actor.name) is None:
                return None  # a concept or a law the registry took for a name ("Tax Justice")
            return actor
        return None

    def _new(self, name: str, kind: ActorType, affiliation: str | None, roles: tuple[str, ...]) -> Actor:
        """The actor of a name the registry does not hold, added to it (or the one added before)."""
        actor_id = actor_id_for(name)
        if actor_id in self.registry:
            return self.registry.get(actor_id)
        return self.registry.add(Actor(actor_id, name, kind, affiliation, (name,), roles, known=False))

    def _person(self, full: str, recent: Sequence[str]) -> Actor | None:
        """A person the document names: the registry's, or a new actor."""
        actor = self.registry.resolve(full, self.article.date, recent)
        if actor is not None and actor.type == "person":
            return actor
        name = read_name(full)
        if name is None or name.kind != "person" or (" " not in name.text and not self._used_as_name(name.text)):
            return actor
        return self._new(name.text, "person", name.affiliation, (name.title,) if name.title else ())

    def _used_as_name(self, word: str) -> bool:
        """A one-word name (``Pence``) is one only where the text capitalises it inside a sentence too; a
        capitalised common noun opening a sentence (``Reports said``) is not."""
        return re.search(rf"[a-z,;:]\s+{re.escape(word)}(?!\w)", self.article.text) is not None

    def seen(self, actor: Actor) -> None:
        """Remember ``actor`` as the latest speaker (for pronouns and offices)."""
        if actor.type == "person":
            self.last_person = actor
        elif actor.type in GROUP_TYPES:
            self.last_group = actor
        self.recent = [actor.actor_id, *[a for a in self.recent if a != actor.actor_id][:_RECENT - 1]]
