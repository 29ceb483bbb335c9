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

import functools
import re
from collections.abc import Sequence
from typing import Any

from stance.attribution.affiliations import affiliation_of
from stance.attribution.mentions import PRONOUN_GENDER, DocumentPeople
from stance.attribution.names import (
    Name,
    first_name_gender,
    is_outlet,
    read_name,
    title_in,
    title_key,
    without_initials,
)
from stance.records import Actor, ActorType, Article, Span
from stance.registries.actors import GROUP_TYPES, ActorRegistry, actor_id_for

_RECENT = 10
"""How many speakers (the latest first) are kept for resolving offices."""
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_GROUP_PRONOUNS = {"they", "them", "we", "it"}
_SURNAME = re.compile(r"[A-Z][a-z’'\-]+")
_PARENTHESIS = re.compile(r"\s*\([^()]{0,40}\)")
_OF_PLACE = re.compile(r"^(?P<name>.{3,60}?)\s+(?:of|from)\s+(?:the\s+)?[A-Z][\w.'’\-]*(?:\s+[A-Z][\w.'’\-]*){0,3}$")
"""A person's name followed by where they are from (``Del. Stacey Plaskett of the Virgin Islands``)."""
_APPOSITIVE = re.compile(r"^(?P<name>[^,]{3,80}?),\s+(?:a|an|the|who|which|in|at|on)\b.*$", re.S)
_PRESS_JOBS = re.compile(r"\bpress\s+(?:secretary|secretaries|aide|aides|officer|office|attach[eé]|spokesman)\b")
"""A press secretary speaks for whoever employs them: not an outlet."""
_CAMPAIGN = re.compile(r"^(?:the\s+)?(?P<who>.+?)(?:['’]s)?\s+(?:(?:presidential|re-?election|senate|"
                       r"congressional)\s+)?(?:campaign|camp|team)$", re.I)
"""A candidate's campaign (``Donald Trump's campaign``, ``the Clinton campaign``, ``his campaign``)."""
_BARE_CAMPAIGN = frozenset({"the campaign", "the presidential campaign"})
_POSSESSED = re.compile(r"^(?P<owner>.+?)['’]s\s+(?P<owned>.+)$")
SAID_THINGS = frozenset({"tweet", "tweets", "statement", "statements", "remarks", "remark", "comments", "comment",
                         "words", "letter", "speech", "post", "posts", "video", "message", "interview", "testimony",
                         "op-ed", "column", "memo", "book", "website"})
"""What a possessor says (``Trump's tweet``): the possessor speaks."""
OWN_VOICES = frozenset({"spokesman", "spokeswoman", "spokesperson", "office"})
"""Who speaks for a possessor (``the minister's spokesman``), read as before (the registry's groups).  Any other
possessed noun is someone else (``Obama's former campaign strategist``, ``Pagliano's lawyer``)."""
ORG_HEADS = ("commission", "committee", "department", "agency", "bureau", "board", "council", "foundation",
             "institute", "center", "centre", "union", "association", "court", "administration")
"""Heads of ``the commission``-like phrases that point back to an organisation the article named in full."""
_DEFINITE_ORG = re.compile(r"^the\s+(?P<head>" + "|".join(ORG_HEADS) + r")$", re.I)
_CAPS = r"[A-Z][\w.&'’\-]*"
_MEDIA_WORDS = {"media", "press", "newspaper", "tribune", "channel", "outlet", "reporters", "journalists", "report",
                "reports", "daily", "times", "post", "news", "television", "tv", "radio", "website", "reporter",
                "correspondent", "columnist"}
_OUTLET_TAIL = re.compile(r"\b(?:for|of|at|with|from)\s+(?P<outlet>.+?)[\s,]*$", re.I)
"""``a reporter for USA Today``: the outlet at the end of a source."""


def not_a_speaker(text: str) -> bool:
    """A source that names an outlet (``The Hill``) or the press, or is a possessive (``the minister's``)."""
    words = set(re.findall(r"[a-z]+", _PRESS_JOBS.sub(" ", text.lower())))
    if words & _MEDIA_WORDS or re.search(r"[’']s$", text.strip()):
        return True
    phrase = " ".join(text.split()).strip(" ,")
    tail = _OUTLET_TAIL.search(phrase)
    return is_outlet(phrase) or (tail is not None and is_outlet(tail["outlet"]))


VOICE_TITLES = frozenset({"spokesman", "official", "representative", "press secretary"})
"""Titles whose holder speaks for their organisation (``the Taliban spokesman``): the organisation is the speaker."""


def _holder_title(phrase: str) -> bool:
    """Whether the phrase names a person by a title of their own (``the FBI director``, ``the GOP nominee``)."""
    title = title_in(phrase)
    return title is not None and title_key(title) not in VOICE_TITLES


@functools.cache
def _organisation_named(head: str) -> re.Pattern[str]:
    """A capitalised organisation name with the head ``head`` (``Commission on Presidential Debates``)."""
    return re.compile(rf"(?:{_CAPS}\s+(?:(?:of|for|on|and|the)\s+)*)*{head}"
                      rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAPS}(?:\s+{_CAPS})*)?")


def before_place(phrase: str) -> str | None:
    """The person a phrase names before where they are from (``Del. Stacey Plaskett of the Virgin Islands``)."""
    place = _OF_PLACE.match(phrase)
    if place is None:
        return None
    named = read_name(place["name"])
    return place["name"] if named is not None and named.kind == "person" else None


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
        self.campaigns: list[Actor] = []

    def resolve(self, source: Span) -> Actor | None:
        """The actor ``source`` names, or None; remembered for later pronouns and offices."""
        if not_a_speaker(source.text):
            return None
        pronoun = source.text.strip().lower()
        if pronoun in _PERSON_PRONOUNS and self.last_person is not None:
            carried = self.carry_pronoun(pronoun, source.start, self.last_person)
            if carried is self.last_person:
                return carried
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
        if low in _BARE_CAMPAIGN:  # "the campaign": only where the article has named one campaign
            return self.campaigns[0] if len(self.campaigns) == 1 else None
        campaign = _CAMPAIGN.match(phrase)
        if campaign is not None:
            return self._campaign(campaign["who"], at, recent)
        definite = _DEFINITE_ORG.match(phrase)
        if definite is not None:
            return self._named_organisation(definite["head"], at)
        phrase = before_place(phrase) or phrase
        owned = _POSSESSED.match(phrase)
        if owned is not None:
            head = owned["owned"].split()[-1].lower()
            if head in SAID_THINGS:
                return self.resolve_phrase(owned["owner"], at, recent)
            if head not in OWN_VOICES:
                holder = self.people.resolve(phrase, at)  # "Pagliano's lawyer, Mark MacDougall" named before
                return self._person(holder, recent) if holder else None
        full = self.people.resolve(phrase, at)
        if full is None and _holder_title(phrase):
            full = self.people.titled_anywhere(phrase)
        if full is not None:
            if full != phrase and full in phrase:  # "Taliban spokesperson X": the registry keeps the group
                direct = self.registry.resolve(phrase, self.article.date, recent)
                if direct is not None and direct.type == "person" and direct.name == full:
                    return direct
            return self._person(full, recent)
        if low in _PERSON_PRONOUNS:
            return self.last_person
        readings = _readings(phrase)
        for reading in readings:
            actor = self.registry.resolve(reading, self.article.date, recent)
            if actor is not None and not actor.known and actor.type in GROUP_TYPES and _holder_title(reading):
                continue  # "the FBI director" is a person, not the FBI this article made an actor of
            if actor is None or actor.known or actor.type == "anonymous":
                if actor is not None:
                    return actor
                continue
            name = read_name(reading)
            if name is not None and name.text != actor.name and (actor.name in name.text or (
                    name.kind == "person" and name.text in actor.name)):
                # "The House Oversight and Government Reform Committee", not its last three words;
                # "John D. Podesta", not "John D"; "Stacey Plaskett", not "Del. Stacey Plaskett"
                return self._new(name.text, name.kind, actor.affiliation, actor.roles)
            if read_name(actor.name) is None:
                continue  # a concept, a law or a place the registry took for a name ("Tax Justice")
            return actor
        for reading in readings:  # an organisation the registry does not hold ("the FBI")
            name = read_name(reading)
            if name is not None and name.kind == "organisation" and not not_a_speaker(name.text) \
                    and not _holder_title(reading):  # "the FBI director" is a person
                return self._new(name.text, "organisation", name.affiliation, ())
        return None

    def carry_pronoun(self, pronoun: str, at: int, last: Actor | None) -> Actor | None:
        """The person a ``he``/``she`` at ``at`` means: ``last`` (the latest speaker or person named, as
        ``stance track`` reads a pronoun) unless the article gives them the other gender; then the nearest
        person of the pronoun's gender, or None where the article names none ("she" never carries to a man)."""
        gender = PRONOUN_GENDER.get(pronoun.lower())
        if gender is None or (last is not None and self._gender(last, at) in (gender, None)):
            return last
        full = self.people.resolve(pronoun, at)
        return self._person(full, self.recent) if full else None

    def _gender(self, actor: Actor, at: int):
        """The gender the article (else the first name) gives a person actor, or None."""
        return self.people.gender_of(actor.name, at) or first_name_gender(actor.name.split()[0])

    def _campaign(self, who: str, at: int, recent: Sequence[str]) -> Actor | None:
        """The campaign of the person ``who`` names (``his`` and ``her``: the nearest man or woman), an
        organisation affiliated as its candidate is on the article's date."""
        who = {"his": "he", "her": "she"}.get(who.lower(), who)
        full = self.people.resolve(who, at) if who.lower() in _PERSON_PRONOUNS else None
        person = self._person(full, recent) if full else self.resolve_phrase(who, at, recent)
        if person is None or person.type != "person":
            return None
        campaign = self._new(f"{person.name} campaign", "organisation", affiliation_of(person, self.article), ())
        if campaign not in self.campaigns:
            self.campaigns.append(campaign)
        return campaign

    def _named_organisation(self, head: str, at: int) -> Actor | None:
        """``the commission``: the organisation named last before ``at`` whose name has that head
        (``the Commission on Presidential Debates``)."""
        Head = head[:1].upper() + head[1:].lower()
        for m in reversed(list(_organisation_named(Head).finditer(self.article.text, 0, max(at, 0)))):
            if m.group() == Head:
                continue
            name = read_name(m.group())
            if name is not None and name.kind != "organisation":
                continue
            text = name.text if name is not None else re.sub(r"^The\s+", "", m.group())
            if not_a_speaker(text):
                continue
            known = self.registry.resolve(text, self.article.date, self.recent)
            if known is not None and known.type in GROUP_TYPES:
                return known
            return self._new(text, "organisation", name.affiliation if name else None, ())
        return None

    def _new(self, name: str, kind: ActorType, affiliation: str | None, roles: tuple[str, ...]) -> Actor:
        """The actor of a name the registry does not hold, added to it (or the one added before)."""
        actor_id = actor_id_for(name)
        if actor_id in self.registry:
            return self.registry.get(actor_id)
        return self.registry.add(Actor(actor_id, name, kind, affiliation, (name,), roles, known=False))

    def _person(self, full: str, recent: Sequence[str]) -> Actor | None:
        """A person the document names: the registry's, or a new actor."""
        name = read_name(full)
        known = self._known_without_initials(name)
        if known is not None:
            return known
        actor = self.registry.resolve(full, self.article.date, recent)
        if actor is not None and actor.type == "person":
            return actor
        if name is None or name.kind != "person" or (" " not in name.text and not self._used_as_name(name.text)):
            return actor
        return self._new(name.text, "person", name.affiliation, (name.title,) if name.title else ())

    def _known_without_initials(self, name: Name | None) -> Actor | None:
        """The registry's person a full name with middle initials means when the registry does not hold the name
        as written: ``Donald J. Trump`` is the registry's Donald Trump.  Not with a suffix (``Donald J. Trump Jr.``
        is somebody else), and never a new actor: a name the registry lacks keeps its initials (``George H. W.
        Bush`` and ``George W. Bush`` stay two people).  ``name``: the full name as :func:`read_name` reads it."""
        if name is None or name.kind != "person" or not name.first or name.suffix:
            return None
        plain = without_initials(name.text)
        if plain == name.text:
            return None
        as_written = self.registry.match_alias(name.text)
        if as_written is not None and as_written.type == "person":
            return None  # the registry holds the name with its initials: the usual path finds it
        known = self.registry.match_alias(plain)
        if known is None or known.type != "person" or not known.known:
            return None
        return known if plain.casefold() in {a.casefold() for a in (known.name, *known.aliases)} else None

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
