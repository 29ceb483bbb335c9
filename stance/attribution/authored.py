"""Authored statements: a document that is its author's own statement.

A speech, press release, op-ed, letter, interview transcript, testimony or
social post speaks for whoever wrote it, not only through its speech cues:
each of its sentences that attributes nothing to anyone else is the author's
statement (kind ``authored``).  An editorial speaks for its outlet, the one
place an outlet is a speaker.  A news article's reporter is never a speaker,
so news adds nothing here.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from stance.attribution.affiliations import affiliation_of
from stance.ingest.corpus import EDITORIAL, NEWS
from stance.ingest.sentences import split_sentences
from stance.records import Actor, ActorType, Article, Sentence, Span, Statement
from stance.registries.actors import ActorRegistry, actor_id_for

log = logging.getLogger(__name__)

AUTHORED_SUFFIX = "a"
"""Authored statement ids are ``{doc_id}:{sentence_index}:a``, apart from the rules' ``...:{k}``."""
ORDER_STEP = 10
"""A statement's order is its sentence's index times this, as the rules number theirs."""
MIN_WORDS = 3
"""A sentence of fewer words (a heading, a signature, ``Dear Sir,``) states nothing."""
OUTLET_TYPE: ActorType = "organisation"
"""The type an editorial's outlet speaks as."""


def _known_as(name: str, registry: ActorRegistry) -> Actor | None:
    """The registry's actor whose name or an alias is exactly ``name`` (any case), or None."""
    actor = registry.match_alias(name)
    if actor is not None and name.casefold() in {n.casefold() for n in (actor.name, *actor.aliases)}:
        return actor
    return None


def _outlet(name: str, registry: ActorRegistry) -> Actor:
    """An editorial's outlet as an organisation: the registry's actor when it has
    one by that name; an outlet the registry knows only as an alias of its media
    (``Dawn`` of ``News media``) keeps its own name and id; an outlet it does not
    know is marked ``known=False``.  Neither is added to the registry, so the
    rules still never take the outlet for a speaker elsewhere."""
    known = _known_as(name, registry)
    if known is not None and (known.type != "media" or known.name.casefold() == name.casefold()):
        return replace(known, type=OUTLET_TYPE, known=True)
    actor_id = actor_id_for(name)
    if actor_id in registry:
        actor_id = f"{actor_id}_outlet"
    return Actor(actor_id=actor_id, name=name, type=OUTLET_TYPE, known=known is not None)


def _person(name: str, registry: ActorRegistry) -> Actor:
    """A new person for an author the registry resolves to nobody, added to it (as the
    registry adds an unknown name it resolves)."""
    actor_id = actor_id_for(name)
    if actor_id in registry:
        return registry.get(actor_id)
    return registry.add(Actor(actor_id=actor_id, name=name, type="person", known=False))


def author_actor(article: Article, registry: ActorRegistry) -> Actor | None:
    """Who speaks an article's own sentences: the outlet of an editorial (its
    ``source``, else its ``author``), the resolved author of any other type but
    news, or None (news; no author; an author the registry knows as a media outlet)."""
    if article.doc_type == NEWS:
        return None
    if article.doc_type == EDITORIAL:
        outlet = article.source or article.author
        return _outlet(outlet, registry) if outlet else None
    if not article.author:
        return None
    actor = registry.resolve(article.author, article.date)
    if actor is None:
        return _person(article.author, registry)
    if actor.type == "media":
        log.debug("%s: author %r is a media outlet, which speaks only in an editorial", article.doc_id,
                  article.author)
        return None
    return actor


def uncovered(sentences: Sequence[Sentence], taken: Sequence[Span]) -> list[Sentence]:
    """The sentences of ``MIN_WORDS`` or more that none of the ``taken`` spans overlaps: what the author says
    in their own voice."""
    return [s for s in sentences
            if len(s.span.text.split()) >= MIN_WORDS and not any(s.span.overlaps(t) for t in taken)]


def authored_statements(article: Article, statements: Sequence[Statement], registry: ActorRegistry, *,
                        sentences: Sequence[Sentence] | None = None) -> list[Statement]:
    """The author's own statements in ``article``: one per sentence that no
    statement in ``statements`` (the rules' and tagger's, left untouched) covers
    with its content or its sentence, of kind ``authored`` with no speaker or cue.
    Empty for news and for a document without an author (an editorial needs a
    source or an author).  ``sentences``: the article's, when split already."""
    actor = author_actor(article, registry)
    if actor is None:
        return []
    taken = [span for s in statements if s.doc_id == article.doc_id for span in (s.text, s.quote)]
    out: list[Statement] = []
    for sentence in uncovered(split_sentences(article) if sentences is None else sentences, taken):
        span = sentence.span
        out.append(Statement(
            statement_id=f"{article.doc_id}:{sentence.index}:{AUTHORED_SUFFIX}", doc_id=article.doc_id,
            date=article.date, actor_id=actor.actor_id, actor=actor.name, actor_type=actor.type,
            affiliation=affiliation_of(actor, article), kind="authored", text=span, quote=span, speaker=None,
            cue=None,
            order=sentence.index * ORDER_STEP, scope=span, known=actor.known))
    return out
