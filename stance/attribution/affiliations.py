"""Party, state, organisation and role read from the words around a speaker's name.

US news writes a politician's party and state next to the name
(``Sen. Lindsey Graham (R-S.C.)``, ``Republican Rep. Jason Chaffetz``, ``Hillary
Clinton, the Democratic nominee``) and a spokesman's employer in an
appositive (``Brian Fallon, a spokesman for the Clinton campaign``,
``State Department spokesman John Kirby``).  :func:`read_affiliation` reads
these from just before and just after the name; it reads nothing farther
away, and gives ``None`` for what the text does not say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.records import Actor, Article

WINDOW_BEFORE = 80
"""Characters read before the name (the title and the adjectives in front of it)."""
WINDOW_AFTER = 160
"""Characters read after the name (a parenthesis and one appositive)."""

REPUBLICAN, DEMOCRATIC, INDEPENDENT = "Republican Party", "Democratic Party", "Independent"
PARTY_LETTERS = {"R": REPUBLICAN, "D": DEMOCRATIC, "I": INDEPENDENT}
"""The letter of ``(R-Utah)`` -> the party."""
PARTY_WORDS = {"republican": REPUBLICAN, "gop": REPUBLICAN, "democratic": DEMOCRATIC, "democrat": DEMOCRATIC,
               "independent": INDEPENDENT}
"""A party adjective or noun (lower case) -> the party."""

STATES = {
    "Alabama": "Ala. AL", "Alaska": "AK", "Arizona": "Ariz. AZ", "Arkansas": "Ark. AR", "California": "Calif. CA",
    "Colorado": "Colo. CO", "Connecticut": "Conn. CT", "Delaware": "Del. DE", "Florida": "Fla. FL",
    "Georgia": "Ga. GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "Ill. IL", "Indiana": "Ind. IN", "Iowa": "IA",
    "Kansas": "Kan. Kans. KS", "Kentucky": "Ky. KY", "Louisiana": "La. LA", "Maine": "ME", "Maryland": "Md. MD",
    "Massachusetts": "Mass. MA", "Michigan": "Mich. MI", "Minnesota": "Minn. MN", "Mississippi": "Miss. MS",
    "Missouri": "Mo. MO", "Montana": "Mont. MT", "Nebraska": "Neb. Nebr. NE", "Nevada": "Nev. NV",
    "New Hampshire": "N.H. NH", "New Jersey": "N.J. NJ", "New Mexico": "N.M. NM", "New York": "N.Y. NY",
    "North Carolina": "N.C. NC", "North Dakota": "N.D. ND", "Ohio": "OH", "Oklahoma": "Okla. OK",
    "Oregon": "Ore. Oreg. OR", "Pennsylvania": "Pa. Penn. PA", "Rhode Island": "R.I. RI", "South Carolina": "S.C. SC",
    "South Dakota": "S.D. SD", "Tennessee": "Tenn. TN", "Texas": "Tex. TX", "Utah": "UT", "Vermont": "Vt. VT",
    "Virginia": "Va. VA", "Washington": "Wash. WA", "West Virginia": "W.Va. W.V. WV", "Wisconsin": "Wis. Wisc. WI",
    "Wyoming": "Wyo. WY", "District of Columbia": "D.C. DC",
}
"""Each state -> its AP abbreviations and postal code, as news text writes them."""


def _key(state: str) -> str:
    return re.sub(r"[.\s]", "", state).lower()


_STATE_OF = {_key(abbr): state for state, abbrs in STATES.items() for abbr in (state, *abbrs.split())}

ROLE_NOUNS = ("spokesman", "spokeswoman", "spokesperson", "press secretary", "secretary", "chairman",
              "chairwoman", "chair", "director", "manager", "adviser", "advisor", "aide", "counsel", "strategist",
              "pollster", "president", "speaker", "head", "leader", "chief of staff", "chief", "ambassador",
              "official", "lawyer", "attorney", "economist", "analyst", "fellow", "founder")
"""The nouns an appositive names a role with (``a spokesman for ...``)."""
ROLE_MODIFIERS = ("campaign", "press", "communications", "senior", "deputy", "chief", "national", "former",
                  "top", "acting", "assistant", "vice", "executive", "policy", "foreign", "security", "longtime")
"""Words a role may start with when it stands before the name (``Trump campaign manager``)."""
POLITICAL_TITLES = ("sen.", "sen", "senator", "rep.", "rep", "representative", "congressman", "congresswoman",
                    "gov.", "gov", "governor", "lawmaker", "legislator", "presidential", "vice-presidential",
                    "vice", "president", "nominee", "candidate", "hopeful", "front-runner", "frontrunner",
                    "contender", "challenger", "incumbent", "rival", "leader", "senate", "house", "majority",
                    "minority", "whip", "speaker", "chairman", "chairwoman", "chair", "mayor", "state", "u.s.",
                    "former", "party", "party's", "party’s", "national", "committee", "running", "mate",
                    "assemblyman", "assemblywoman", "delegate")
"""Words between a party adjective and the name that keep the adjective the speaker's party."""
PARTY_TITLES = (*POLITICAL_TITLES, "strategist", "operative", "consultant", "pollster", "donor", "aide",
                "official", "activist", "spokesman", "spokeswoman", "spokesperson")
"""As :data:`POLITICAL_TITLES`, plus the party's staff (``Republican strategist``); not for ``independent``."""
LEADING_WORDS = frozenset({"The", "A", "An", "But", "And", "In", "On", "At", "As", "When", "While", "Meanwhile",
                           "Later", "Then", "Also", "So", "Yet", "Still", "If", "After", "Before", "Earlier",
                           "Asked", "Former", "Said", "Says", "Told", "According", "To", "For", "From", "Of"})
"""Capitalised words that start a sentence, not an organisation's name."""


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_ROLE = rf"(?i:(?:(?:{_alternatives(ROLE_MODIFIERS)})\s+)*(?:{_alternatives(ROLE_NOUNS)}))"
_ROLE_AFTER = rf"(?:[a-z][\w-]*\s+){{0,3}}?(?:{_alternatives(ROLE_NOUNS)})"
_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&’'-]*)"
_ORG = rf"{_CAP}(?:\s+(?:(?:of|for|and|on|the|&)\s+)*{_CAP})*?"
_ORG_TAIL = r"(?:\s+(?:campaign|administration|transition team|team))?"

_PAREN = re.compile(r"^\s*\(\s*(?P<party>[RDI])\s*[-–—]\s*(?P<state>[A-Za-z][A-Za-z. ]{0,15}?)\s*\)")
_COMMA_PARTY = re.compile(r"^\s*,\s*(?P<party>[RDI])[-–—](?P<state>[A-Z][A-Za-z.]*)(?=[,;\s]|$)")
_PARTY_BEFORE = re.compile(
    rf"(?<![\w-])(?P<party>Republican|Democratic|Democrat|GOP)\s+(?i:(?:{_alternatives(PARTY_TITLES)})\s+)*"
    rf"(?i:{_alternatives(PARTY_TITLES)})\s*,?\s*$")
_INDEPENDENT_BEFORE = re.compile(
    rf"(?<![\w-])(?P<party>[Ii]ndependent)\s+(?i:(?:{_alternatives(POLITICAL_TITLES)})\s+)*"
    rf"(?i:{_alternatives(POLITICAL_TITLES)})\s*,?\s*$")
_ORG_BEFORE = re.compile(rf"(?<![\w.])(?P<org>{_ORG})(?:'s|’s)?\s+(?P<role>{_ROLE})\s*,?\s*$")
_CLAUSE_END = re.compile(r"[,;()\n]|(?<![A-Z])\.(?=\s|$)")
_APPOSITIVES = (
    re.compile(rf"(?:the\s+)?(?P<org>{_ORG})(?:'s|’s)\s+(?P<role>{_ROLE})"),
    re.compile(rf"(?:(?:the|a|an)\s+)?(?P<role>{_ROLE_AFTER})\s+(?:for|of|at|with|to|in)\s+(?:the\s+)?"
               rf"(?P<org>{_ORG}(?:'s|’s)?{_ORG_TAIL})"),
    re.compile(rf"(?:(?:the|a|an)\s+)?(?P<org>{_ORG})\s+(?P<role>{_ROLE})"),
)
_PARTY_APPOSITIVE = re.compile(
    rf"(?:the|a|an)\s+(?:[a-z][\w-]*\s+){{0,2}}?"
    rf"(?:(?P<noun>Democrat|Republican|[Ii]ndependent)(?=$|\s+(?:from|on|in|representing|and)\b)|"
    rf"(?P<adj>Democratic|Republican|GOP)\s+(?i:(?:{_alternatives(PARTY_TITLES)}))\b)")
_FROM_STATE = re.compile(r"\bfrom\s+(?P<state>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)")


@dataclass(frozen=True)
class Affiliation:
    """What the text says a speaker belongs to; ``None`` where it says nothing."""

    party: str | None = None
    state: str | None = None
    organisation: str | None = None
    role: str | None = None


def state_of(text: str) -> str | None:
    """The state an abbreviation or name means (``S.C.`` -> ``South Carolina``), or None."""
    return _STATE_OF.get(_key(text))


def read_affiliation(text: str, name_start: int, name_end: int) -> Affiliation:
    """Party, state, organisation and role of the speaker whose name is ``text[name_start:name_end]``.

    Reads a ``(R-S.C.)`` or ``, D-Md.,`` after the name, a party adjective and
    titles just before it (``Democratic Sen.``), an organisation and role just
    before it (``State Department spokesman``) and one appositive after it
    (``, a spokesman for Y,``, ``, the Democratic nominee,``).
    """
    if not 0 <= name_start <= name_end <= len(text):
        raise ValueError(f"expected 0 <= name_start <= name_end <= {len(text)}, found {name_start}..{name_end}")
    before = text[max(0, name_start - WINDOW_BEFORE):name_start].rsplit("\n", 1)[-1]
    after = text[name_end:name_end + WINDOW_AFTER].split("\n", 1)[0]
    party = state = organisation = role = None
    if m := _PAREN.match(after) or _COMMA_PARTY.match(after):
        state = state_of(m["state"])
        if state is not None:
            party = PARTY_LETTERS[m["party"]]
            after = after[m.end():]
    if m := _PARTY_BEFORE.search(before) or _INDEPENDENT_BEFORE.search(before):
        party = party or PARTY_WORDS[m["party"].lower()]
    if m := _ORG_BEFORE.search(before):
        organisation, role = _organisation(m["org"]), _role(m["role"])
    clause = _appositive(after)
    if clause:
        if m := _PARTY_APPOSITIVE.match(clause):
            party = party or PARTY_WORDS[(m["noun"] or m["adj"]).lower()]
            if s := _FROM_STATE.search(clause):
                state = state or state_of(s["state"])
        if organisation is None:
            for pattern in _APPOSITIVES:
                if (m := pattern.fullmatch(clause)) and _organisation(m["org"]):
                    organisation, role = _organisation(m["org"]), _role(m["role"])
                    break
    return Affiliation(party, state, organisation, role)


def _appositive(after: str) -> str:
    """The clause between the comma after the name and the next comma (or sentence end); "" if none."""
    m = re.match(r"\s*,\s*", after)
    if not m:
        return ""
    rest = after[m.end():]
    end = _CLAUSE_END.search(rest)
    return rest[:end.start() if end else len(rest)].strip()


def _organisation(org: str) -> str | None:
    """An organisation's name without a leading sentence word or article; None for a bare party word."""
    words = org.split()
    while words and words[0] in LEADING_WORDS:
        words = words[1:]
    name = " ".join(words)
    return None if not name or name.lower() in PARTY_WORDS else name


def _role(role: str) -> str:
    return " ".join(role.lower().split())


_MAX_MENTIONS = 20
"""How many mentions of a name are read for an affiliation."""


def affiliation_in_text(text: str, name: str) -> Affiliation:
    """The first party, and the first organisation and role, the text gives a name at any of its mentions
    (``Sen. Lindsey Graham (R-S.C.)`` early on, ``Graham`` later)."""
    found: dict[str, str | None] = {"party": None, "state": None, "organisation": None, "role": None}
    if not name.strip():
        return Affiliation()
    for k, m in enumerate(re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text)):
        if k >= _MAX_MENTIONS or all(found.values()):
            break
        seen = read_affiliation(text, m.start(), m.end())
        for field_name, value in found.items():
            if value is None:
                found[field_name] = getattr(seen, field_name)
    return Affiliation(**found)


def affiliation_of(actor: Actor, article: Article) -> str | None:
    """The group a statement by ``actor`` in ``article`` rolls up to: the registry's affiliation valid on the
    article's date; for a person the registry did not know, the party (else the organisation) the article
    gives them, else what the speaker phrase named (``Taliban spokesman X``)."""
    if actor.known or actor.type != "person":
        return actor.affiliation_on(article.date)
    read = affiliation_in_text(article.text, actor.name)
    return read.party or read.organisation or actor.affiliation
