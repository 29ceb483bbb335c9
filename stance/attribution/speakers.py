"""Who a source phrase names, read in its document.

:class:`SpeakerResolver` resolves the source spans of one article in reading
order: a pronoun to the latest person or group, a known alias or office
through the actor registry, a surname to the full name used earlier in the
article, and otherwise a new actor only when the phrase reads as a name.
Possessives (``the minister's``), outlets and the press are never speakers.
"""

from __future__ import annotations

import re

from stance.attribution.rules import not_a_speaker
from stance.records import Actor, Article, Span
from stance.registries.actors import GROUP_TYPES, ActorRegistry

_RECENT = 10
"""How many speakers (the latest first) are kept for resolving offices."""
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them", "we", "it"}
_SURNAME = re.compile(r"[A-Z][a-z’'\-]+")


_PARENTHESIS = re.compile(r"\s*\([^()]{0,40}\)")
_APPOSITIVE = re.compile(r"^(?P<name>[^,]{3,80}?),\s+(?:a|an|the|who|which|in|at|on)\b.*$", re.S)


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

    def __init__(self, registry: ActorRegistry, article: Article) -> None:
        self.registry = registry
        self.article = article
        self.recent: list[str] = []
        self.last_person: Actor | None = None
        self.last_group: Actor | None = None

    def resolve(self, source: Span) -> Actor | None:
        """The actor ``source`` names, or None; remembered for later pronouns and offices."""
        phrase = source.text.strip()
        if not phrase or not_a_speaker(phrase):
            return None
        word = phrase.lower()
        if word in _PERSON_PRONOUNS:
            return self.last_person
        if word in _GROUP_PRONOUNS:
            return self.last_group
        actor = None
        for candidate in _readings(phrase):
            actor = self.registry.resolve(candidate, self.article.date, self.recent)
            if actor is not None:
                phrase = candidate
                break
        if actor is None and _SURNAME.fullmatch(phrase):
            full = re.search(rf"(?:[A-Z][a-z’'\-]+ ){{1,2}}{re.escape(phrase)}(?!\w)", self.article.text[:source.start])
            if full:
                actor = self.registry.resolve(full.group(), self.article.date, self.recent)
        if actor is not None:
            self.seen(actor)
        return actor

    def seen(self, actor: Actor) -> None:
        """Remember ``actor`` as the latest speaker (for pronouns and offices)."""
        if actor.type == "person":
            self.last_person = actor
        elif actor.type in GROUP_TYPES:
            self.last_group = actor
        self.recent = [actor.actor_id, *[a for a in self.recent if a != actor.actor_id][:_RECENT - 1]]
