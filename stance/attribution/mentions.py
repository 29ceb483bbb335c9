"""The people of one document, and whom a speaker phrase there means.

News names a person in full once (``Bill Clinton``, ``Sen. Tim Kaine``,
``Jason Chaffetz, the committee chairman``) and then by surname, honorific,
title or pronoun.  :class:`DocumentPeople` reads an article's names in order
and answers, for a speaker phrase at a character offset, the full name it
means, from what the text says before it (and the headline):

* a full name is itself (the form first seen: ``Hillary Rodham Clinton``
  then ``Hillary Clinton`` are one person);
* a surname is the person of that surname mentioned last (before anyone of that
  surname is named in full, as in a headline's ``Pence``: the one person of that
  surname the text names in full later, if only one); ``Mr. Clinton`` the
  man, ``Mrs.``/``Ms. Clinton`` the woman, when the document names both, and
  nobody when it names only a Clinton of the other gender;
* a first name alone (``Bill``) is the person of that first name mentioned last;
* a definite title (``the chairman``, ``his attorney``, ``Pagliano's lawyer``)
  is the person given that title (before a name, between commas after it, or
  in a description ending in a comma before it) whose description shares most
  words with the phrase, never one of another party, then the last mentioned;
  a definite title in the text is itself a mention of its holder;
* ``he``/``she`` is the first person of that gender in the nearest sentence
  (back from the phrase) that names one outside quotation marks; ``who`` the
  last person named before it in its sentence;
* transcript labels (``PENCE:``, ``MR. TRUMP:``) are mentions too.

Gender comes from honorifics, gendered titles and common first names
(:data:`stance.attribution.names.FIRST_NAMES`).  A spaCy pipeline, when given,
labels the names (its entities settle names the grammar cannot, and a lone
capitalised word counts as a new person only when spaCy calls it one).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from stance.attribution.names import (
    FIRST_NAMES,
    FUNCTION_WORDS,
    PARTICLES,
    SUFFIXES,
    TITLES,
    Entity,
    Gender,
    Name,
    entities,
    first_name_gender,
    honorific,
    name_from,
    normal_case,
    title_in,
    title_key,
)

PRONOUN_GENDER: dict[str, Gender] = {"he": "m", "him": "m", "his": "m", "himself": "m",
                                     "she": "f", "her": "f", "hers": "f", "herself": "f"}
"""Pronouns and the gender of the person they carry to."""

PRONOUN_SENTENCES = 6
"""How many sentences back (the pronoun's own included) a pronoun looks for the nearest person of its gender;
beyond them, the last person of that gender mentioned."""

TITLE_WINDOW = 5
"""How many words before a name are read for the title they give it (``the committee chairman Jason Chaffetz``)."""

APPOSITIVE = re.compile(r"(?:\s+(?:of|from)(?:\s+the)?(?:\s+[A-Z][\w.'’\-]*)+)?"  # of Oregon
                        r"\s*,\s*(?P<phrase>[^,.;:()\"“”\n]{1,80}?)\s*(?=[,.;:)\n]|$)")
"""What follows a name (and ``of`` a place) between commas (``Jason Chaffetz, the committee chairman,``): read for
a title."""

PLACE_PREPOSITIONS = frozenset({"in", "at", "from", "to", "near", "across", "outside", "inside", "into", "toward",
                                "towards", "around", "through", "via"})
"""A bare capitalised word after these is more likely a place than a person (``a diner in Toledo``)."""

DEFINITE = frozenset({"the", "that", "this", "his", "her", "their"})
"""A title carries to a person only when the phrase points back (``the chairman``, ``his attorney``,
``Pagliano's lawyer``; not ``a spokesman``)."""

NON_NAME_LABELS = frozenset(re.findall(r"\S+", """
    Q A Q&A QUESTION QUESTIONS ANSWER MODERATOR MODERATORS AUDIENCE MEMBER MEMBERS CROWD PROTESTER PROTESTERS
    UNIDENTIFIED MALE FEMALE MAN WOMAN VOICE VOICES ANNOUNCER NARRATOR REPORTER REPORTERS INTERVIEWER HOST ANCHOR
    PANELIST PANELISTS SPEAKER PARTICIPANT PARTICIPANTS BOTH ALL OPERATOR CANDIDATES CHORUS INAUDIBLE CROSSTALK
    APPLAUSE LAUGHTER END TRANSCRIPT PART SEGMENT ROUND UPDATE UPDATED CORRECTION CLARIFICATION NOTE EDITOR EDITORS
    WATCH READ RELATED MORE BREAKING EXCLUSIVE ANALYSIS OPINION COMMENTARY PHOTO PHOTOS VIDEO AUDIO SOURCE SOURCES
    LOCATION DATE TIME TOPIC SUBJECT FROM TO CC RE BCC SENT WHAT WHY HOW WHO WHERE WHEN
"""))
"""Words of a paragraph's leading label that make it no speaker (``Q:``, ``UNIDENTIFIED MALE:``, ``UPDATE:``)."""

APPOSITIVE_WORDS = 12
"""The most words a description before a name may have (``An attorney for Pagliano, Mark MacDougall``)."""
LEAD_WORDS = frozenset({"a", "an", "the", "his", "her", "their", "its"})
"""How a description before a name starts."""
_LEAD = re.compile(r"(?P<phrase>[^,.;:()\"“”\n]{1,100}?)\s*,\s*")

RELATIVES = frozenset({"who", "whom"})
"""A relative pronoun as a speaker phrase (``Trump, who said``) is the person named just before it."""

PARTIES = {"democratic": "D", "democrat": "D", "democrats": "D", "dem": "D", "republican": "R", "republicans": "R",
           "gop": "R"}
"""Words that give a title holder's party: ``the Democratic nominee`` is never a Republican one."""

QUALIFIER_STOP = frozenset({"former", "then", "current", "new", "top", "senior"})
"""Words in a title's description that tell nobody apart."""

_TITLE_PHRASE = re.compile(r"\b(?:[Tt]he|[Hh]is|[Hh]er)\s+(?:[A-Za-z.’'\-]+\s+){0,3}?(?:"
                           + "|".join(re.escape(t) for t in TITLES) + r")(?![\w\-])")
"""A definite title phrase (``the former president``, ``the FBI director``): a mention of the title's holder."""

_LABEL = re.compile(r"^\s*[\"“]?(?P<label>[A-Z][A-Za-z'’.&\-]*(?:[ \t]+[A-Z][A-Za-z'’.&\-]*){0,3})[ \t]*:(?=\s|$)")
_BOUNDARY = re.compile(r"[.!?…][\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\n\s*")
_TOKEN = re.compile(r"\S+")
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_INITIAL = re.compile(r"(?:[A-Z]\.){1,3}")
_MIDDLE = re.compile(r"\b[A-Z]\.")
"""An initial after a first name (``W.`` in ``George W. Bush``)."""
_TRIM_START = "\"'“”‘’([{«<*"
_TRIM_END = "\"'“”‘’)]}»>*!?;:,"
_ABBREVIATIONS = frozenset({"Inc.", "Co.", "Corp.", "Ltd.", "St.", "No.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.",
                            "Nov.", "Dec.", "U.S.", "U.N.", "U.K.", "D.C.", "Jr.", "Sr.", "vs.", "Ft.", "Mt."})


@dataclass
class _Person:
    key: str
    first: str | None
    surname: str | None
    suffix: str | None
    full: bool
    conflict: bool = False
    """An honorific and surname that no earlier full name fits (``Mr. Clinton`` where only Hillary Clinton is
    named): a person, but none the phrase can be resolved to."""
    mentions: list[int] = field(default_factory=list)
    genders: list[tuple[int, Gender]] = field(default_factory=list)
    titles: list[tuple[int, str, frozenset[str]]] = field(default_factory=list)
    """Where the text gives the person a title, the title (see :func:`title_key`) and the words around it."""

    def seen_before(self, at: int) -> int | None:
        """The offset of the last mention before ``at``, if any."""
        k = bisect.bisect_left(self.mentions, at)
        return self.mentions[k - 1] if k else None

    def gender(self, at: int) -> Gender | None:
        """The gender the text has given the person before ``at``."""
        return next((g for offset, g in self.genders if offset < at), None)


@dataclass(frozen=True)
class _Mention:
    start: int
    key: str
    sentence: int
    quoted: bool
    """Inside quotation marks: a person spoken of, not one a pronoun outside carries on from."""


@dataclass(frozen=True)
class _Found:
    """A name (or, with ``name`` None, a definite title phrase) found in the text."""

    start: int
    end: int
    name: Name | None
    described: str = ""
    """The words before the name (``Republican presidential nominee``), or the title phrase itself."""
    after: str | None = None
    doubtful: bool = False
    lead: str | None = None
    """A clause that ends in a comma right before the name (``An attorney for Pagliano, Mark MacDougall``)."""


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int
    stop: bool
    """A sentence or clause ends after it (punctuation or a possessive)."""


def transcript_label(paragraph: str) -> str | None:
    """The speaker label opening a paragraph (``PENCE: ...`` -> ``Pence``, ``MR. TRUMP: ...`` -> ``Mr. Trump``),
    in ordinary case; None without one, or for a label that is no name (``Q:``, ``MODERATOR:``, ``UPDATE:``).
    A label in mixed case counts only with an honorific or a full name (``Sen. Kaine:``)."""
    m = _LABEL.match(paragraph)
    if not m:
        return None
    label = m.group("label").strip()
    if label.isupper() or not any(c.islower() for c in label):
        if any(w.strip(".") in NON_NAME_LABELS for w in label.split()):
            return None
        text = normal_case(label)
        name = name_from(text)
        return text if name is not None and name.kind == "person" else None
    name = name_from(label)
    if name is None or name.kind != "person" or not (name.honorific or name.full):
        return None
    return label


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for m in _BOUNDARY.finditer(text):
        before = text[:m.start() + 1].split()[-1:] or [""]
        word = before[0].lstrip(_TRIM_START)
        if m.group().strip() and (honorific(word) or _INITIAL.fullmatch(word) or word in _ABBREVIATIONS):
            continue
        starts.append(m.end())
    return sorted(set(starts))


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in _TOKEN.finditer(text):
        raw = m.group()
        lead = len(raw) - len(raw.lstrip(_TRIM_START))
        core = raw[lead:]
        stripped = core.rstrip(_TRIM_END)
        stop = stripped != core or raw in ("—", "–", "--", "-")
        if stripped.endswith(".") and not (honorific(stripped) or _INITIAL.fullmatch(stripped)
                                           or stripped in SUFFIXES or stripped in _ABBREVIATIONS):
            stripped, stop = stripped.rstrip("."), True
        if _POSSESSIVE.search(stripped) and stripped[:1].isupper():
            stripped, stop = _POSSESSIVE.sub("", stripped), True
        if stripped:
            start = m.start() + lead
            out.append(_Tok(stripped, start, start + len(stripped), stop))
    return out


def _capitalised(tok: _Tok) -> bool:
    return tok.text[:1].isupper() and tok.text.lower() not in FUNCTION_WORDS


def _middle_initials_agree(one: str, other: str) -> bool:
    """Whether two full names may be one person by their middle initials: yes when either has none (``George
    Bush`` after ``George W. Bush``), no when both have some and they differ (``George H. W. Bush`` is not
    ``George W. Bush``)."""
    first, second = (_MIDDLE.findall(" ".join(n.split()[1:])) for n in (one, other))
    return not first or not second or first == second


class DocumentPeople:
    """The people an article names, read on first use; see the module docstring."""

    def __init__(self, text: str, nlp: Any = None, headline: str | None = None) -> None:
        self.text = text
        self.nlp = nlp
        self.headline = headline
        self._people: dict[str, _Person] = {}
        self._mentions: list[_Mention] = []
        self._starts: list[int] = []
        self._quotes: list[tuple[int, int]] = []
        self._entities: tuple[Entity, ...] = ()
        self._read = False

    # ------------------------------------------------------------------ reading
    def _scan(self) -> None:
        if self._read:
            return
        self._read = True
        self._starts = _sentence_starts(self.text)
        self._quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(self.text)]
        if self.nlp is not None:
            self._entities = entities(self.nlp, self.text)
        for f in self._names(self.headline or "", ()):
            if f.name is not None and not f.doubtful:
                self._record(f.name, -1, f.described)
        found: list[_Found] = []
        labelled: list[tuple[int, int]] = []
        for m in re.finditer(r"^[^\n]+", self.text, re.M):
            label = transcript_label(m.group())
            if label is not None and (named := name_from(label)) is not None:
                start = m.start() + m.group().index(label[0])
                found.append(_Found(start, start + len(label), named))
                labelled.append((start, m.start() + m.group().index(":") + 1))
        found += [f for f in self._names(self.text, self._entities)
                  if not any(lo <= f.start < hi for lo, hi in labelled)]
        found += [_Found(m.start(), m.end(), None, m.group()) for m in _TITLE_PHRASE.finditer(self.text)
                  if not self.text[m.end():m.end() + 2].strip()[:1].isupper()]
        for f in sorted(found, key=lambda f: f.start):
            if f.name is None:
                holder = self._titled(f.described, f.start)
                if holder is not None:
                    self._mention(self._people[holder], f.start)
                continue
            if f.doubtful and self._find(f.name, f.start + 1)[0] is None:
                continue
            person = self._record(f.name, f.start, f.described)
            if f.after is not None:
                self._appositive(person, f.end, APPOSITIVE.match(f.after))
            if f.lead is not None:
                self._appositive(person, f.start, _LEAD.fullmatch(f.lead))

    def _names(self, text: str, ents: Sequence[Entity]) -> list[_Found]:
        """The people named in ``text``, each with the words before it, the text after it, and whether it is
        doubtful (see :meth:`_doubtful`)."""
        toks = _tokens(text)
        lower = set(re.findall(r"\b[a-z][a-z'’\-]+\b", text))
        out: list[_Found] = []
        i = 0
        while i < len(toks):
            if not _capitalised(toks[i]) and not honorific(toks[i].text):
                i += 1
                continue
            j = i
            while j < len(toks) and not toks[j].stop and j + 1 < len(toks) and (
                    _capitalised(toks[j + 1]) or (toks[j + 1].text in PARTICLES and j + 2 < len(toks)
                                                  and toks[j + 2].text[:1].isupper())):
                j += 1
            k = i
            while k > 0 and i - k < TITLE_WINDOW and not toks[k - 1].stop and \
                    toks[k - 1].text.lower() not in ("and", "or", "&", "said", "says", "told"):
                k -= 1
            start, end = toks[k].start, toks[j].end
            window = text[start:end]
            labels = [(max(s - start, 0), min(e - start, len(window)), lab) for s, e, lab in ents
                      if s < end and start < e]
            name = name_from(window, labels)
            if name is None:  # a name after a preposition (with Hillary Clinton) is still a mention
                start = toks[i].start
                name = name_from(text[start:end], [(s - start, e - start, lab) for s, e, lab in labels])
            at = text.find(name.text.split()[0], toks[i].start, end) if name is not None else -1
            if name is not None and name.kind == "person" and at >= 0:
                opens = i == 0 or toks[i - 1].stop
                doubtful = self._doubtful(name, labels, lower, toks[i - 1].text.lower() if i else "", opens)
                out.append(_Found(at, end, name, text[start:at], text[end:end + 120], doubtful,
                                  _lead(text, toks, k)))
            i = j + 1
        return out

    def _doubtful(self, name: Name, labels: Sequence[Entity], lower: set[str], before: str, opens: bool) -> bool:
        """A single word with no honorific, title or first name that may be no name: one opening a sentence or
        clause (``Think``), one the text also writes in lower case (``Believe``), one after a preposition of
        place (``in Toledo``), or one a parser given does not call a person.  Remembered only as the surname
        of somebody already named."""
        if " " in name.text or name.honorific or name.title or name.first:
            return False
        if self.nlp is not None:
            return not any(label == "PERSON" for _, _, label in labels)
        return opens or name.text.lower() in lower or before in PLACE_PREPOSITIONS

    def _sentence(self, at: int) -> int:
        return max(bisect.bisect_right(self._starts, at) - 1, 0) if at >= 0 else -1

    def _find(self, name: Name, at: int) -> tuple[_Person | None, bool]:
        """The person seen before ``at`` a name means, and whether a person of its surname was seen whom the
        honorific's gender rules out."""
        seen = [p for p in self._people.values() if p.seen_before(at) is not None]
        if name.full:
            same = [p for p in seen if p.full and p.first == name.first and p.suffix == name.suffix
                    and (p.surname or "").lower() == (name.surname or "").lower()
                    and _middle_initials_agree(p.key, name.text)]
            if not same and name.first not in FIRST_NAMES:
                same = [p for p in seen if p.full and p.key.lower().endswith(" " + name.text.lower())]
            return (self._latest(same, at), False) if same else (None, False)
        word = (name.surname or name.first or name.text).lower()
        by_surname = [p for p in seen if p.surname and p.surname.lower().split()[-1] == word.split()[-1]]
        full = [p for p in by_surname if p.full]
        if name.gender is not None:
            fitting = [p for p in full if p.gender(at) in (name.gender, None)]
            if full and not fitting:
                return next((p for p in by_surname if p.conflict and p.gender(at) == name.gender), None), True
            full = fitting
        if full:
            return self._latest(full, at), False
        if name.honorific is None:
            by_first = [p for p in seen if p.full and p.first and p.first.lower() == word]
            if by_first:
                return self._latest(by_first, at), False
        own = self._people.get(name.text)
        return (own if own is not None and own.seen_before(at) is not None else None), False

    @staticmethod
    def _latest(people: Sequence[_Person], at: int) -> _Person:
        return max(people, key=lambda p: p.seen_before(at) or -2)

    def _record(self, name: Name, start: int, described: str) -> _Person:
        """Adds a mention of ``name`` at ``start``: of the person it means, or of a new one."""
        person, conflict = self._find(name, start + 1)
        if person is None:
            key = f"{name.honorific} {name.text}" if conflict else name.text
            person = self._people.get(key)
            if person is None:
                person = _Person(key, name.first, name.surname, name.suffix, name.full, conflict)
                self._people[key] = person
        gender = name.gender or first_name_gender(person.first)
        if gender is not None:
            person.genders.append((start, gender))
        if name.title:
            person.titles.append((start, title_key(name.title), _words(described)))
        self._mention(person, start)
        return person

    def _mention(self, person: _Person, start: int) -> None:
        if not person.mentions or person.mentions[-1] != start:
            person.mentions.append(start)
        quoted = any(lo < start < hi for lo, hi in self._quotes)
        self._mentions.append(_Mention(start, person.key, self._sentence(start), quoted))

    def _appositive(self, person: _Person, at: int, m: re.Match | None) -> None:
        """A title from a description beside a name (``, the committee chairman,``) that names nobody itself."""
        if m and name_from(m.group("phrase")) is None and (title := title_in(m.group("phrase"))):
            person.titles.append((at, title_key(title), _words(m.group("phrase"))))

    # ---------------------------------------------------------------- answering
    def people(self, before: int | None = None) -> list[str]:
        """The full names the document gives (before offset ``before``), in the order first seen."""
        self._scan()
        at = len(self.text) + 1 if before is None else before
        return [p.key for p in self._people.values() if p.full and p.seen_before(at) is not None]

    def resolve(self, phrase: str, at: int) -> str | None:
        """The full name the speaker phrase at offset ``at`` means, from the text before it and the headline; a
        name the document never gives in full as read (``Pence``); None for a phrase that names no person, or
        one the document cannot tie to anybody (``he`` before any man, ``Mr. Clinton`` where only Hillary
        Clinton is named)."""
        self._scan()
        words = " ".join(phrase.split())
        low = words.lower()
        if low in PRONOUN_GENDER:
            return self._pronoun(PRONOUN_GENDER[low], at)
        if low in RELATIVES:
            return self._relative(at)
        labels: list[Entity] = []
        if self._entities and self.text[at:at + len(phrase)] == phrase:
            labels = [(max(s - at, 0), min(e - at, len(phrase)), lab) for s, e, lab in self._entities
                      if s < at + len(phrase) and at < e]
        name = name_from(words, labels if words == phrase else [])
        if name is None:
            first = low.split()[0] if low else ""
            if first in DEFINITE or (_POSSESSIVE.search(first) and words[:1].isupper()):
                return self._titled(words, at)
            return None
        if name.kind != "person":
            return None
        person, conflict = self._find(name, at)
        if person is not None:
            return None if person.conflict else person.key
        if conflict:
            return None
        return self._named_later(name) or name.text

    def _named_later(self, name: Name) -> str | None:
        """A lone surname (``Pence`` in a headline or a lead) that the text gives in full only after it: the
        one person of that surname it names in full anywhere, if there is exactly one."""
        if name.full or name.first is not None or " " in name.text:
            return None
        word = name.text.lower()
        later = [p for p in self._people.values() if p.full and not p.conflict and p.surname
                 and p.surname.lower().split()[-1] == word
                 and (name.gender is None or p.gender(len(self.text) + 1) in (name.gender, None))]
        return later[0].key if len(later) == 1 else None

    def titled_anywhere(self, phrase: str) -> str | None:
        """A title phrase that no earlier name explains (a lead's ``Former DNC chairman calls ...`` before
        ``Don Fowler, a former DNC chairman,``): the one person the whole text gives that title with a word of
        the phrase beside it (``dnc``), if exactly one."""
        self._scan()
        title = title_in(phrase)
        if title is None:
            return None
        key, words = title_key(title), _words(phrase) - _words(title)
        if not words:
            return None
        holders = [p for p in self._people.values() if p.full and not p.conflict
                   and any(t == key and words & w for _, t, w in p.titles)]
        return holders[0].key if len(holders) == 1 else None

    def gender_of(self, full: str, at: int) -> Gender | None:
        """The gender the text has given the person of full name ``full`` before ``at`` (None: not given, or
        not a person it names)."""
        self._scan()
        person = self._people.get(full)
        return None if person is None else person.gender(at)

    def _pronoun(self, gender: Gender, at: int) -> str | None:
        """The first person of ``gender`` in the nearest sentence that has one; else the last of ``gender``
        before; else, when the text has given nobody that gender, the first person of unknown gender in the
        nearest sentence that has one."""
        here = self._sentence(at)
        by_sentence: dict[int, list[_Person]] = {}
        for m in self._mentions:
            if 0 <= m.start < at and here - m.sentence < PRONOUN_SENTENCES and not m.quoted:
                by_sentence.setdefault(m.sentence, []).append(self._people[m.key])
        nearest = sorted(by_sentence, reverse=True)
        person = next((p for s in nearest for p in by_sentence[s] if p.gender(at) == gender), None)
        if person is None:
            earlier = [m for m in self._mentions
                       if 0 <= m.start < at and not m.quoted and self._people[m.key].gender(at) == gender]
            person = self._people[earlier[-1].key] if earlier else next(
                (p for s in nearest for p in by_sentence[s] if p.gender(at) is None), None)
        return None if person is None or person.conflict else person.key

    def _relative(self, at: int) -> str | None:
        """``who`` in ``Trump, who said``: the last person named before it in its sentence."""
        here = self._sentence(at)
        before = [m for m in self._mentions if 0 <= m.start < at and m.sentence == here and not m.quoted]
        return None if not before or self._people[before[-1].key].conflict else before[-1].key

    def _titled(self, phrase: str, at: int) -> str | None:
        """The person a title phrase (``the Democratic nominee``) points back to: of those given the title
        before ``at``, the one whose title came with most of the phrase's words (never one of another party),
        then the last mentioned."""
        title = title_in(phrase)
        if title is None:
            return None
        key, words = title_key(title), _words(phrase)
        party = _party(words)
        first = phrase.split()[0]
        owner = _POSSESSIVE.sub("", first).lower() if _POSSESSIVE.search(first) else None
        best: tuple[int, int, _Person] | None = None
        for person in self._people.values():
            if owner and (person.surname or person.key).lower().split()[-1] == owner:
                continue  # Pagliano's lawyer is not Pagliano
            given = [w for o, t, w in person.titles if o < at and t == key]
            seen = person.seen_before(at)
            if not given or seen is None:
                continue
            theirs = _party(frozenset().union(*given))
            if party and theirs and party != theirs:
                continue
            score = max(len(words & w) for w in given)
            if best is None or (score, seen) > best[:2]:
                best = (score, seen, person)
        return None if best is None or best[2].conflict else best[2].key


def _lead(text: str, toks: Sequence[_Tok], k: int) -> str | None:
    """The clause before token ``k`` when a comma ends it (``An attorney for Pagliano,``), else None."""
    if k == 0 or not toks[k - 1].stop or not text[toks[k - 1].end:toks[k].start].startswith(","):
        return None
    j = k - 1
    while j > 0 and not toks[j - 1].stop and k - j < APPOSITIVE_WORDS:
        j -= 1
    if toks[j].text.lower() not in LEAD_WORDS and not (j > 0 and _POSSESSIVE.search(text[:toks[j].start].rstrip())):
        return None  # a clause (They noted his attorney offered ...), not a description
    return text[toks[j].start:toks[k].start]


def _words(text: str) -> frozenset[str]:
    """The lower-case words of a description that can tell two holders of a title apart."""
    return frozenset(re.findall(r"[a-z]+", text.lower())) - FUNCTION_WORDS - QUALIFIER_STOP


def _party(words: frozenset[str]) -> str | None:
    found = {PARTIES[w] for w in words if w in PARTIES}
    return found.pop() if len(found) == 1 else None
