"""A draft actor registry for a new domain: the speakers a corpus quotes.

:func:`suggest_actors` extracts the statements of a corpus with the rules
(and the tagger, if given), and gathers per speaker how often and when they
spoke, the titles and the parties and affiliations the text gave them, and
the other forms of their name (``Delgado``, ``Ms. Delgado``, ``Councilwoman
Maria Delgado``), a surname alone merged into the full name found in the same
documents.  :func:`write_suggestions` writes them in the registry's YAML
format (``ActorRegistry.load`` reads the file back), the actors the registry
did not know under ``actors:`` and the ones it knew under ``in_registry:``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from stance.attribution.affiliations import read_affiliation
from stance.attribution.rules import extract_statements
from stance.records import Article, PartialDate, Statement
from stance.registries.actors import ActorRegistry, actor_id_for, title_of

SKIPPED_TYPES = frozenset({"anonymous", "media"})
"""Speakers that are no entry of a registry: unnamed sources, and outlets (never speakers)."""
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"})
"""Words before a name that are no office (lower case, without the full stop)."""
ABBREVIATIONS = {"rep": "representative", "sen": "senator", "gov": "governor", "gen": "general",
                 "lt": "lieutenant", "col": "colonel", "maj": "major", "capt": "captain", "cmdr": "commander",
                 "adm": "admiral", "sgt": "sergeant", "supt": "superintendent", "insp": "inspector",
                 "det": "detective", "amb": "ambassador", "atty": "attorney", "cllr": "councillor",
                 "pres": "president", "sec": "secretary", "asst": "assistant"}
"""Abbreviated titles (lower case, without the full stop) -> the title written out."""
TITLE_WORDS = frozenset({
    "senator", "representative", "congressman", "congresswoman", "councilman", "councilwoman", "councillor",
    "councilor", "councilmember", "alderman", "alderwoman", "assemblyman", "assemblywoman", "delegate", "mayor",
    "governor", "president", "premier", "chancellor", "minister", "secretary", "spokesman", "spokeswoman",
    "spokesperson", "chairman", "chairwoman", "chairperson", "chair", "director", "commissioner", "judge",
    "justice", "sheriff", "chief", "ambassador", "envoy", "general", "colonel", "captain", "lieutenant",
    "sergeant", "officer", "superintendent", "prosecutor", "attorney", "treasurer", "clerk", "speaker",
    "leader", "whip", "manager", "adviser", "advisor", "professor", "commander", "admiral", "inspector",
    "detective", "trustee", "supervisor", "administrator", "executive", "president-elect", "mayor-elect",
})
"""Offices written before a name (lower case)."""
TITLE_MODIFIERS = frozenset({
    "deputy", "vice", "acting", "former", "interim", "assistant", "associate", "senior", "state", "city",
    "county", "council", "district", "federal", "national", "regional", "police", "fire", "school", "board",
    "press", "majority", "minority", "opposition", "house", "senate", "us", "u.s", "prime", "foreign",
    "defence", "defense", "interior", "finance", "health", "education", "transport", "information", "campaign",
    "communications", "union",
})
"""Words that may open or qualify an office before a name (``Deputy Mayor``, ``City Council President``)."""
MAX_TITLE_WORDS = 4
"""The most words read as a title before a name."""
LOOK_BACK = 40
"""Characters read before a speaker phrase for each title word or honorific it leaves out (``Ms.``)."""

_NAME_MARKERS = HONORIFICS | TITLE_WORDS | frozenset(ABBREVIATIONS)
"""Words that are never part of a person's name."""
_PREFIX_WORDS = _NAME_MARKERS | TITLE_MODIFIERS
_ABBREVIATED = HONORIFICS | frozenset(ABBREVIATIONS)
"""Words a full stop may follow inside a phrase (``Ms.``, ``Rep.``); after any other, it ends a sentence."""
_NAME_WORD = re.compile(r"[^\W\d_][\w’'\-]*|[^\W\d_]\.")
_POSSESSIVE = re.compile(r"(?:'s|’s)$")
_MIN_CONTENT_LETTERS = 3
"""A word of an organisation's name shorter than this does not tell two names apart."""
_FUNCTION_WORDS = frozenset({"the", "and", "for"})
_PARTY, _AFFILIATION, _STATE = "party", "affiliation", "state"
"""What a :class:`_Tally` notes as seen with the actor."""
_WORD_BEFORE = re.compile(r"(?<!\S)(\S+)[ \t]+$")


@dataclass(frozen=True)
class Seen:
    """A party, state or affiliation an actor was given in the text: in how many
    statements, and the first and last date of the documents that gave it."""

    name: str
    mentions: int
    first: PartialDate | None = None
    last: PartialDate | None = None


@dataclass(frozen=True)
class Suggestion:
    """One speaker of the corpus, as a registry entry to check.

    ``known``: the registry already held the actor (``actor_id`` is then its
    id and ``aliases`` only the forms it does not list).  ``mentions``: the
    statements attributed to the actor; ``documents``: the documents holding
    them; ``first`` / ``last``: the earliest and latest of their dates.
    """

    actor_id: str
    name: str
    type: str
    known: bool
    mentions: int
    documents: int
    first: PartialDate | None = None
    last: PartialDate | None = None
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    parties: tuple[Seen, ...] = ()
    affiliations: tuple[Seen, ...] = ()
    states: tuple[Seen, ...] = ()

    @property
    def affiliation(self) -> str | None:
        """The affiliation to suggest: the party seen most often, else the affiliation seen most often."""
        best = self.parties or self.affiliations
        return best[0].name if best else None


# --------------------------------------------------------------------------- reading names
@dataclass(frozen=True)
class _Name:
    """A person's phrase read as optional title words (or an honorific) and a name."""

    name: str
    """The name (``Maria Delgado``); "" when the phrase holds none."""
    start: int
    end: int
    """The name's offsets in the phrase."""
    title: str | None
    """The office before the name, abbreviations written out (``Rep.`` -> ``representative``)."""
    form: str
    """The name with the capitalised title or honorific before it (``Ms. Delgado``): an alias."""


def _bare(word: str) -> str:
    """A word in lower case without its final full stop (``Rep.`` -> ``rep``)."""
    return word.lower().rstrip(".")


def _words(phrase: str) -> list[tuple[str, int, int]]:
    """The words of a phrase with their offsets, less trailing punctuation and a possessive."""
    out = []
    for m in re.finditer(r"\S+", phrase):
        word = _POSSESSIVE.sub("", m.group().rstrip(",;:"))
        if word:
            out.append((word, m.start(), m.start() + len(word)))
    return out


def _is_name_word(word: str) -> bool:
    return word[:1].isupper() and _NAME_WORD.fullmatch(word) is not None and _bare(word) not in _NAME_MARKERS


def _read_name(phrase: str) -> _Name:
    """The name at the end of a person's phrase and the title or honorific just before it."""
    words = _words(phrase)
    i = len(words)
    while i > 0 and _is_name_word(words[i - 1][0]):
        i -= 1
    if i == len(words):
        return _Name("", 0, 0, None, "")
    j = i
    while j > 0 and i - j < MAX_TITLE_WORDS and _bare(words[j - 1][0]) in _PREFIX_WORDS:
        j -= 1
    run = [w for w, _, _ in words[j:i]]
    if not any(_bare(w) in _NAME_MARKERS for w in run):
        run = []
    office = [ABBREVIATIONS.get(_bare(w), _bare(w)) for w in run if _bare(w) not in HONORIFICS]
    has_office = any(_bare(w) in TITLE_WORDS or _bare(w) in ABBREVIATIONS for w in run)
    start, end = words[i][1], words[-1][2]
    name = " ".join(w for w, _, _ in words[i:])
    form = " ".join([*run, name]) if run and all(w[:1].isupper() for w in run) else name
    return _Name(name, start, end, " ".join(office) if has_office else None, form)


def _extend_left(text: str, start: int) -> int:
    """Where a speaker phrase starts once the titles and honorifics the rules left before it are added
    (``Ms. Delgado``: the rules' phrase is ``Delgado``); never across a sentence end or a line."""
    for _ in range(MAX_TITLE_WORDS):
        window = text[max(0, start - LOOK_BACK):start]
        m = _WORD_BEFORE.search(window)
        if m is None:
            break
        word = m.group(1)
        if _bare(word) not in _PREFIX_WORDS or (word.endswith(".") and _bare(word) not in _ABBREVIATED):
            break
        start -= len(window) - m.start(1)
    return start


# --------------------------------------------------------------------------- tallies
@dataclass
class _Tally:
    """What the statements of one speaker (or of several merged) say about them."""

    name: str
    known_id: str | None
    types: Counter[str] = field(default_factory=Counter)
    docs: set[str] = field(default_factory=set)
    dates: list[PartialDate] = field(default_factory=list)
    forms: Counter[str] = field(default_factory=Counter)
    titles: Counter[str] = field(default_factory=Counter)
    seen: dict[str, dict[str, list[PartialDate | None]]] = field(default_factory=dict)
    """``party`` / ``affiliation`` / ``state`` -> each name -> the date of every statement that gave it."""
    mentions: int = 0

    def note(self, what: str, name: str | None, date: PartialDate | None) -> None:
        if name:
            self.seen.setdefault(what, {}).setdefault(name, []).append(date)

    def absorb(self, other: _Tally) -> None:
        """Add ``other``'s statements to this actor's; ``other``'s name becomes one of its forms."""
        self.types.update(other.types)
        self.docs |= other.docs
        self.dates += other.dates
        self.forms.update(other.forms)
        self.forms[other.name] += 1
        self.titles.update(other.titles)
        for what, names in other.seen.items():
            for name, dates in names.items():
                self.seen.setdefault(what, {}).setdefault(name, []).extend(dates)
        self.mentions += other.mentions


def _add(tally: _Tally, st: Statement, text: str) -> None:
    """One statement of the tally's speaker: its document, date, the form of the name and what surrounds it."""
    tally.mentions += 1
    tally.types[st.actor_type] += 1
    tally.docs.add(st.doc_id)
    if st.date is not None:
        tally.dates.append(st.date)
    tally.note(_AFFILIATION, st.affiliation, st.date)
    if st.speaker is None:
        return
    start = _extend_left(text, st.speaker.start)
    phrase = text[start:st.speaker.end]
    if st.actor_type != "person":
        form = phrase.removeprefix("the ").strip()
        if form[:1].isupper() and _content_words(form) & _content_words(tally.name):
            tally.forms[form] += 1
        return
    name = _read_name(phrase)
    surname = _lower_words(tally.name)[-1:]
    if not name.name or not surname or surname[0] not in _lower_words(name.name):
        return  # a pronoun, or an office that names nobody by name
    tally.forms[name.form] += 1
    found = read_affiliation(text, start + name.start, start + name.end)
    tally.note(_PARTY, found.party, st.date)
    tally.note(_STATE, found.state, st.date)
    tally.note(_AFFILIATION, found.organisation, st.date)
    titles = {t for t in (name.title, title_of(phrase), found.role) if t}
    tally.titles.update(t for t in titles if not any(t != o and t in o for o in titles))


def _lower_words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _content_words(text: str) -> set[str]:
    """The words of a name that tell it apart (not ``of`` or ``the``)."""
    return {w for w in _lower_words(text) if len(w) >= _MIN_CONTENT_LETTERS and w not in _FUNCTION_WORDS}


def _merge(tallies: Iterable[_Tally], registry: ActorRegistry) -> list[_Tally]:
    """One tally per actor: a discovered name that is a registry actor's name or alias, or another
    discovered actor's, joins it; then a surname alone joins the one full name with that surname
    sharing the most documents with it (none when two share as many)."""
    by_name: dict[str, _Tally] = {}
    out: list[_Tally] = []
    for tally in sorted(tallies, key=lambda t: t.known_id is None):  # the registry's actors first
        names = [tally.name]
        if tally.known_id is not None:
            names += registry.get(tally.known_id).aliases
        target = next((by_name[n.casefold()] for n in names if n.casefold() in by_name), None)
        if target is not None and not (target.known_id and tally.known_id):  # two registry actors stay two
            target.absorb(tally)
            continue
        out.append(tally)
        for n in names:
            by_name.setdefault(n.casefold(), tally)
    full = [t for t in out if len(t.name.split()) > 1 and t.types.most_common(1)[0][0] == "person"]
    kept = []
    for tally in out:
        if tally.known_id is None and len(tally.name.split()) == 1 and tally.types.most_common(1)[0][0] == "person":
            shared = sorted(((len(t.docs & tally.docs), t) for t in full
                             if t.name.split()[-1].casefold() == tally.name.casefold() and t.docs & tally.docs),
                            key=lambda pair: pair[0], reverse=True)
            if shared and (len(shared) == 1 or shared[0][0] > shared[1][0]):
                shared[0][1].absorb(tally)
                continue
        kept.append(tally)
    return kept


# --------------------------------------------------------------------------- suggestions
def _seen(names: dict[str, list[PartialDate | None]]) -> tuple[Seen, ...]:
    """Each name with its count and first and last date, the most seen first."""
    out = []
    for name, dates in names.items():
        dated = [d for d in dates if d is not None]
        out.append(Seen(name, len(dates), min(dated, default=None), max(dated, default=None)))
    return tuple(sorted(out, key=lambda s: (-s.mentions, s.first is None,
                                            s.first.start().toordinal() if s.first else 0, s.name)))


def _unique(base: str, taken: set[str]) -> str:
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}_{n}", n + 1
    taken.add(slug)
    return slug


def _suggestion(tally: _Tally, registry: ActorRegistry, taken: set[str]) -> Suggestion:
    """The entry of one merged tally (a new id for a discovered actor; the registry's for a known one)."""
    ranked = [f for f, _ in sorted(tally.forms.items(), key=lambda kv: (-kv[1], kv[0]))]
    if tally.known_id is not None:
        actor = registry.get(tally.known_id)
        actor_id, name, kind = actor.actor_id, actor.name, str(actor.type)
        aliases = [f for f in ranked if (m := registry.match_alias(f)) is None or m.actor_id != actor_id]
    else:
        actor_id, name = _unique(actor_id_for(tally.name), taken), tally.name
        kind = tally.types.most_common(1)[0][0]
        aliases = [f for f in ranked if f.casefold() != name.casefold()]
    titles = tuple(t for t, _ in sorted(tally.titles.items(), key=lambda kv: (-kv[1], kv[0])))
    return Suggestion(actor_id, name, kind, tally.known_id is not None, tally.mentions, len(tally.docs),
                      min(tally.dates, default=None), max(tally.dates, default=None),
                      tuple(dict.fromkeys(aliases)), titles, _seen(tally.seen.get(_PARTY, {})),
                      _seen(tally.seen.get(_AFFILIATION, {})), _seen(tally.seen.get(_STATE, {})))


def _copy(registry: ActorRegistry) -> ActorRegistry:
    """A registry to extract with: resolution adds the actors it discovers, and the caller's stays as it was."""
    return ActorRegistry(list(registry.actors.values()), registry.roles, registry.default_country)


def suggest_actors(articles: Sequence[Article], registry: ActorRegistry, tagger=None, *,
                   min_mentions: int = 1) -> list[Suggestion]:
    """The speakers of ``articles`` (anonymous sources left out) with at least ``min_mentions`` statements:
    the ones ``registry`` did not know first, then the ones it knew, each the most quoted first.

    ``tagger``: an :class:`~stance.attribution.tagger.AttributionTagger` added to the rules (optional).
    ``registry`` is left unchanged.  Raises ValueError when ``min_mentions`` is under 1.
    """
    if min_mentions < 1:
        raise ValueError(f"min_mentions must be 1 or more, found {min_mentions}")
    known = {actor_id for actor_id, actor in registry.actors.items() if actor.known}
    texts = {a.doc_id: a.text for a in articles}
    tallies: dict[str, _Tally] = {}
    for st in extract_statements(articles, _copy(registry), tagger):
        if st.actor_type in SKIPPED_TYPES:
            continue
        if st.actor_id not in tallies:
            is_known = st.actor_id in known
            name = st.actor if is_known or st.actor_type != "person" else _read_name(st.actor).name or st.actor
            tallies[st.actor_id] = _Tally(name, st.actor_id if is_known else None)
            if not is_known and name != st.actor:
                tallies[st.actor_id].forms[_read_name(st.actor).form] += 1
        _add(tallies[st.actor_id], st, texts[st.doc_id])
    taken = set(registry.actors)
    merged = [t for t in _merge(tallies.values(), registry) if t.mentions >= min_mentions]
    suggestions = [_suggestion(t, registry, taken) for t in merged]
    return sorted(suggestions, key=lambda s: (s.known, -s.mentions, s.name.casefold(), s.actor_id))


# --------------------------------------------------------------------------- YAML
HEADER = """\
# A draft actor registry: the speakers `stance actors suggest` found in {source}.
#
# Edit it before use:
#   actors       the speakers the registry did not know.  Check each one: the name, the type (person,
#                organisation, country, group or media) and the id (keep it once reports use it); delete
#                what is not an actor, and merge two entries that are one actor (join their aliases).
#   aliases      the other forms the text used: a surname alone, with an honorific or a title, merged into
#                the full name found in the same documents.  Remove a surname that two people share.
#   affiliation  the party seen most often, else the affiliation seen most often.  Group roll-ups need it
#                to be the name of another actor of the registry: add that actor, or change or drop it.
#                For one that changed, list them by date instead:
#                affiliations: [{{name: ..., from: YYYY-MM-DD, to: YYYY-MM-DD}}, ...].
#   notes        mentions, documents, first_seen, last_seen, titles, parties_seen, affiliations_seen and
#                states_seen (each with the first and last date it was seen) are for you: the loader ignores
#                them.  For an unnamed office ("the mayor") to name a person, add to that person
#                roles: [{{title: mayor, country: ..., from: YYYY-MM-DD, to: YYYY-MM-DD}}].
#   in_registry  the actors the registry (--actors) already knew, for reference; new_aliases are the forms
#                of their names it does not list yet.  The loader ignores this list.
# Then copy the entries you keep into your registry, or use this file as one: stance track ... --actors FILE
"""


def _flow(value: object) -> str:
    """``value`` in YAML's one-line flow style, quoted where YAML needs it."""
    return yaml.safe_dump(value, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1 << 30).strip()


def _scalar(value: object) -> str:
    return _flow([value])[1:-1]


def _seen_rows(key: str, seen: Sequence[Seen]) -> list[str]:
    rows = []
    for s in seen:
        row: dict[str, object] = {"name": s.name, "mentions": s.mentions}
        if s.first is not None and s.last is not None:
            row.update(first=str(s.first), last=str(s.last))
        rows.append(f"    - {_flow(row)}")
    return [f"    {key}:", *rows] if rows else []


def _entry(s: Suggestion) -> list[str]:
    """One actor's lines: a summary comment, the registry's keys, then the notes the loader ignores."""
    span = f", {s.first} to {s.last}" if s.first is not None and s.last is not None else ", undated"
    lines = [f"  # {s.name}: {s.mentions} mention(s) in {s.documents} document(s){span}",
             f"  - id: {_scalar(s.actor_id)}", f"    name: {_scalar(s.name)}", f"    type: {_scalar(s.type)}"]
    if not s.known:
        if s.affiliation:
            lines.append(f"    affiliation: {_scalar(s.affiliation)}")
        if s.aliases:
            lines.append(f"    aliases: {_flow(list(s.aliases))}")
    elif s.aliases:
        lines.append(f"    new_aliases: {_flow(list(s.aliases))}")
    lines += [f"    mentions: {s.mentions}", f"    documents: {s.documents}"]
    if s.first is not None and s.last is not None:
        lines += [f"    first_seen: {_scalar(str(s.first))}", f"    last_seen: {_scalar(str(s.last))}"]
    if s.titles:
        lines.append(f"    titles: {_flow(list(s.titles))}")
    return (lines + _seen_rows("parties_seen", s.parties) + _seen_rows("affiliations_seen", s.affiliations)
            + _seen_rows("states_seen", s.states))


def suggestions_yaml(suggestions: Sequence[Suggestion], source: str = "the corpus") -> str:
    """The YAML text :func:`write_suggestions` writes."""
    discovered = [s for s in suggestions if not s.known]
    known = [s for s in suggestions if s.known]
    lines = [HEADER.format(source=" ".join(source.split())).rstrip("\n"), ""]
    lines.append(f"# Discovered in the text, not in the registry: {len(discovered)}")
    lines.append("actors:" + ("" if discovered else " []"))
    for s in discovered:
        lines += _entry(s)
    lines += ["", f"# Already in the registry: {len(known)}", "in_registry:" + ("" if known else " []")]
    for s in known:
        lines += _entry(s)
    return "\n".join(lines) + "\n"


def write_suggestions(suggestions: Sequence[Suggestion], path: str | Path, source: str = "the corpus") -> Path:
    """Write ``suggestions`` as a registry file to edit (``ActorRegistry.load`` reads it); ``source`` names
    the corpus in the header.  Returns the path written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(suggestions_yaml(suggestions, source), encoding="utf-8")
    return path


__all__ = ["Seen", "Suggestion", "suggest_actors", "suggestions_yaml", "write_suggestions"]
