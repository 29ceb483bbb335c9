"""``stance extract``: every attribution the best system finds.

The tagger reads whole documents first; its source, cue and content spans are
grouped into attributions sentence by sentence.  The rules then add what they
find where the tagger found nothing, but only in the categories where they
measurably help on PolNeAR dev (``scripts/benchmark_attribution.py``, the
``tagger + rules: ...`` rows; see ``docs/attribution.md``).  Each source is
resolved to an actor where it can be (:class:`~stance.attribution.speakers.SpeakerResolver`),
and left ``None`` where it names nobody an analyst could follow (``experts``,
``the poll``).  Nothing is filtered out for being a belief rather than a
statement: that choice is ``stance track``'s.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from stance.attribution.affiliations import affiliation_of
from stance.attribution.authored import author_actor, uncovered
from stance.attribution.mentions import transcript_label
from stance.attribution.rules import Attributor, Found, quoted
from stance.attribution.speakers import SpeakerResolver
from stance.ingest.sentences import split_sentences
from stance.records import Actor, Article, Attribution, AttributionKind, Sentence, Span
from stance.registries.actors import GROUP_TYPES, ActorRegistry

RULE_CATEGORIES = ("cue", "quote-split", "headline", "dash", "lead-in", "continued", "transcript")
"""What the rules find, by the rule that found it; ``quote-split`` is a quote with its speaker in the middle
(``"A," said X, "B."``), the rest as :attr:`~stance.attribution.rules.Found.rule`."""
DEFAULT_RULES: tuple[str, ...] = ("quote-split", "dash", "lead-in", "continued", "transcript")
"""The categories ``stance extract`` adds to the tagger's finds by default: the ones the issue named as the
rules' strengths.  Their measured effect is in docs/attribution.md."""


def rule_category(found: Found) -> str:
    """The category of one find of the rules (one of :data:`RULE_CATEGORIES`)."""
    if found.rule == "cue" and found.kind == "direct" and found.speaker is not None \
            and found.content.start < found.speaker.start < found.content.end:
        return "quote-split"
    return found.rule


@dataclass
class _Group:
    source: Span | None
    cue: Span | None
    content: Span | None

    @property
    def anchor(self) -> Span:
        """Where the attribution is: its cue, else its content, else its source."""
        span = self.cue or self.content or self.source
        if span is None:
            raise ValueError("an attribution needs a source, a cue or a content")
        return span


def _distance(a: Span, b: Span) -> float:
    return abs((a.start + a.end) / 2 - (b.start + b.end) / 2)


def group_spans(sentences: Sequence[Sentence], tagged: dict[str, list[Span]]
                ) -> list[tuple[Span | None, Span | None, Span | None]]:
    """The tagger's spans as (source, cue, content) attributions.

    Each cue takes the nearest source in its sentence and the nearest content
    that overlaps its sentence, unused ones first.  A content left over is an
    attribution without a cue (a quote going on), with a source of its
    sentence if one is left; a source left over joins an attribution of its
    sentence that has none, or stands alone.  Every tagged span is kept once.
    """
    starts = [s.span.start for s in sentences]

    def sentence_of(span: Span) -> int:
        return max(0, bisect.bisect_right(starts, span.start) - 1)

    def bounds(k: int) -> Span:
        return sentences[k].span if sentences else Span(0, 10**12, "")

    sources, contents = list(tagged.get("source", [])), list(tagged.get("content", []))
    used_sources: set[int] = set()
    used_contents: set[int] = set()

    def pick(spans: list[Span], used: set[int], anchor: Span, near: Span) -> int | None:
        candidates = [i for i, s in enumerate(spans) if s.overlaps(near) or (s.start >= near.start and
                                                                              s.end <= near.end)]
        if not candidates:
            return None
        fresh = [i for i in candidates if i not in used] or candidates
        return min(fresh, key=lambda i: _distance(spans[i], anchor))

    groups: list[_Group] = []
    for cue in sorted(tagged.get("cue", []), key=lambda s: s.start):
        sentence = bounds(sentence_of(cue))
        i = pick(sources, used_sources, cue, sentence)
        j = pick(contents, used_contents, cue, sentence)
        if i is not None:
            used_sources.add(i)
        if j is not None:
            used_contents.add(j)
        groups.append(_Group(sources[i] if i is not None else None, cue, contents[j] if j is not None else None))
    for j, content in enumerate(contents):
        if j in used_contents:
            continue
        i = pick(sources, used_sources, content, bounds(sentence_of(content)))
        if i is not None and i in used_sources:
            i = None
        if i is not None:
            used_sources.add(i)
        groups.append(_Group(sources[i] if i is not None else None, None, content))
    for i, source in enumerate(sources):
        if i in used_sources:
            continue
        k = sentence_of(source)
        open_groups = [g for g in groups if g.source is None and sentence_of(g.anchor) == k]
        if open_groups:
            min(open_groups, key=lambda g: _distance(source, g.anchor)).source = source
        else:
            groups.append(_Group(source, None, None))
    groups.sort(key=lambda g: min(s.start for s in (g.source, g.cue, g.content) if s is not None))
    return [(g.source, g.cue, g.content) for g in groups]


_CARRY_PARAGRAPHS = 1
"""How many paragraphs back the previous attribution may be for a sourceless one to stay its speaker's."""


def _previous_speaker(found: Sequence[Attribution], actors: Sequence[Actor | None], at: Span | None,
                      article: Article) -> Actor | None:
    """The actor of the attribution just before ``at`` (``actors`` are ``found``'s), when it is near: in the
    same paragraph or the one before."""
    if at is None or not found:
        return None
    last = found[-1]
    anchor = last.content or last.cue or last.source
    if anchor is None or article.text.count("\n\n", anchor.end, at.start) > _CARRY_PARAGRAPHS:
        return None
    return actors[-1]


def _named_by_rules(finds: Sequence[Found], cue: Span | None, content: Span | None) -> Found | None:
    """The rules' find, with a named speaker, of the content (else the cue) the tagger found without a source."""
    for found in finds:
        if found.speaker is None or not found.actors:
            continue
        if (content is not None and found.content.overlaps(content)) or (
                content is None and cue is not None and found.cue is not None and found.cue.overlaps(cue)):
            return found
    return None


def _turn_label(article: Article, at: Span | None) -> str | None:
    """The transcript label (``PENCE:``) of the paragraph ``at`` lies in, if it opens with one."""
    if at is None:
        return None
    for paragraph in article.paragraphs:
        if paragraph.start <= at.start < paragraph.end:
            return transcript_label(paragraph.text)
    return None


def attribution_kind(text: str, actor: Actor | None, source: Span | None, cue: Span | None,
                     content: Span | None) -> AttributionKind:
    """direct (the content is quoted), according-to, anonymous (a source that names nobody, or unnamed
    officials), organisation (a group speaks), else reported."""
    if actor is not None and actor.type == "anonymous":
        return "anonymous"
    if content is not None and quoted(text, content):
        return "direct"
    if cue is not None and cue.text.lower().startswith(("according", "as per")):
        return "according-to"
    if source is not None and actor is None:
        return "anonymous"
    if actor is not None and actor.type in GROUP_TYPES:
        return "organisation"
    return "reported"


class Extractor:
    """Every attribution in a batch of articles: the tagger first, then the rules' categories in ``rules``."""

    def __init__(self, registry: ActorRegistry, tagger=None, rules: Sequence[str] = DEFAULT_RULES) -> None:
        unknown = sorted(set(rules) - set(RULE_CATEGORIES))
        if unknown:
            raise ValueError(f"unknown rule categories {unknown}: expected some of {list(RULE_CATEGORIES)}")
        self.registry = registry
        self.tagger = tagger
        self.rules = tuple(rules)

    def extract_many(self, articles: Sequence[Article],
                     tagged: Sequence[dict[str, list[Span]]] | None = None) -> list[list[Attribution]]:
        """Per article, its attributions in reading order.  ``tagged``: the tagger's spans of each
        article when they were found already (a benchmark comparing rule categories)."""
        if tagged is None:
            tagged = self.tagger.predict([a.text for a in articles]) if self.tagger is not None and articles \
                else [{} for _ in articles]
        attributor = Attributor(self.registry)
        return [self._article(a, t, attributor) for a, t in zip(articles, tagged, strict=True)]

    def _article(self, article: Article, tagged: dict[str, list[Span]], attributor: Attributor) -> list[Attribution]:
        sentences = split_sentences(article)
        groups: list[tuple[Span | None, Span | None, Span | None, Found | None]] = [
            (source, cue, content, None) for source, cue, content in group_spans(sentences, tagged)]
        resolver = SpeakerResolver(self.registry, article)
        wanted = set(self.rules) if self.tagger is not None else set(RULE_CATEGORIES)
        rule_finds = [rule for _, rule in attributor.rule_finds(article, sentences, resolver)]
        if wanted:
            contents = [c for _, _, c, _ in groups if c is not None]
            for rule in rule_finds:
                if rule_category(rule) in wanted and not any(rule.content.overlaps(c) for c in contents):
                    groups.append((rule.speaker, rule.cue, rule.content, rule))
            groups.sort(key=lambda g: min(s.start for s in g[:3] if s is not None))
        out: list[Attribution] = []
        actors: list[Actor | None] = []
        for n, (source, cue, content, found) in enumerate(groups):
            if found is not None:  # the rules resolved it already (a quote going on has no source of its own)
                actor: Actor | None = found.actors[0]
                resolver.seen(found.actors[0])
            elif source is not None:
                actor = resolver.resolve(source)
            elif (named := _named_by_rules(rule_finds, cue, content)) is not None:
                # a source the tagger missed ("Mr. Obama believes ..."): the rules' speaker of the same words;
                # their span is not kept as the source (on PolNeAR dev it cost 0.3 source exact F1)
                actor = named.actors[0]
                resolver.seen(actor)
            elif (label := _turn_label(article, content or cue)) is not None:  # a transcript's turn: PENCE: ...
                actor = resolver.resolve_phrase(label, (content or cue).start)  # type: ignore[union-attr]
            elif cue is not None or (content is not None and quoted(article.text, content)):
                # a quote going on, or a cue whose source the tagger missed: the previous speaker's
                actor = _previous_speaker(out, actors, content or cue, article)
            else:  # a content with neither source, cue nor quotation marks: no speaker (often the reporter)
                actor = None
            kind = attribution_kind(article.text, actor, source, cue, content)
            actors.append(actor)
            out.append(Attribution(
                attribution_id=f"{article.doc_id}:a{n}", doc_id=article.doc_id, kind=kind, content=content,
                source=source, cue=cue, actor_id=actor.actor_id if actor else None, actor=actor.name if actor else None,
                actor_type=actor.type if actor else None,
                affiliation=affiliation_of(actor, article) if actor else None,
                origin="tagger" if found is None else "rules"))
        authored = self._authored(article, sentences, out)
        return sorted(out + authored, key=lambda a: min(s.start for s in (a.source, a.cue, a.content) if s))

    def _authored(self, article: Article, sentences: Sequence[Sentence], found: Sequence[Attribution]
                  ) -> list[Attribution]:
        """An authored document's own claims (an op-ed's, an editorial's): its sentences no attribution
        touches, the author's (or for an editorial, the outlet's)."""
        actor = author_actor(article, self.registry)
        if actor is None:
            return []
        taken = [s for a in found for s in (a.source, a.cue, a.content) if s is not None]
        return [Attribution(attribution_id=f"{article.doc_id}:s{sentence.index}", doc_id=article.doc_id,
                            kind="authored", content=sentence.span, actor_id=actor.actor_id, actor=actor.name,
                            actor_type=actor.type, affiliation=affiliation_of(actor, article), origin="author")
                for sentence in uncovered(sentences, taken)]


def extract_attributions(articles: Sequence[Article], registry: ActorRegistry, tagger=None,
                         rules: Sequence[str] = DEFAULT_RULES) -> list[Attribution]:
    """Every attribution of every article, in corpus order."""
    return [a for found in Extractor(registry, tagger, rules).extract_many(articles) for a in found]
