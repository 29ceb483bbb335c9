"""What a speaker phrase names: a person, an organisation, or no actor at all.

``read_name("FBI Director James Comey")`` is the person James Comey (title
``director``, affiliation ``FBI``); ``read_name("the Justice Department")``
the organisation; ``read_name("Pagliano's Fifth Amendment")``,
``read_name("Tax Justice")``, ``read_name("a spokesman")`` and
``read_name("The New York Times")`` name no actor (``None``).

A name grammar decides: the phrase's head is its last word; a person's name
is the run of capitalised words at its end (with initials ``Donald J.
Trump``, particles ``bin Laden``, suffixes ``Jr.``), an organisation a run
ending in an organisation word (``Committee``, ``Department``, ``Clinton
campaign``) or naming one (``Office of Professional Responsibility``).  Word
lists keep laws, concepts, events, places, titles and news outlets from being
read as names.  A possessive's possessor is never the speaker (``Clinton's
lawyers``), though a name after it is (``Pagliano's lawyer Mark
MacDougall``).  Two names run together keep the last full one
(``Pagliano Mark MacDougall`` -> ``Mark MacDougall``).

With a spaCy pipeline (``nlp``) its entities in the phrase's sentence settle
what the grammar cannot: a name with no first name, honorific or title
(``Goldman Sachs``) labelled a law, an event, a date or an organisation.
spaCy is imported by the caller, never here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, NamedTuple

NameKind = Literal["person", "organisation"]
Gender = Literal["m", "f"]
Entity = tuple[int, int, str]
"""A named entity as spaCy labels it: start and end character in the text, and its label (``PERSON``)."""


def _set(text: str) -> frozenset[str]:
    return frozenset(text.lower().split())


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _phrases(text: str) -> frozenset[str]:
    return frozenset(p.strip() for p in text.split(",") if p.strip())


HONORIFICS: dict[str, tuple[str, str | None, Gender | None]] = {
    "mr": ("Mr.", None, "m"), "mrs": ("Mrs.", None, "f"), "ms": ("Ms.", None, "f"), "miss": ("Miss", None, "f"),
    "sir": ("Sir", None, "m"), "dame": ("Dame", None, "f"), "dr": ("Dr.", None, None), "mx": ("Mx.", None, None),
    "sen": ("Sen.", "senator", None), "senator": ("Sen.", "senator", None),
    "rep": ("Rep.", "representative", None), "representative": ("Rep.", "representative", None),
    "gov": ("Gov.", "governor", None), "governor": ("Gov.", "governor", None),
    "prof": ("Prof.", "professor", None), "gen": ("Gen.", "general", None), "adm": ("Adm.", "admiral", None),
    "col": ("Col.", "colonel", None), "lt": ("Lt.", "lieutenant", None), "capt": ("Capt.", "captain", None),
    "sgt": ("Sgt.", "sergeant", None), "rev": ("Rev.", "reverend", None), "atty": ("Atty.", "attorney", None),
    "amb": ("Amb.", "ambassador", None), "pres": ("Pres.", "president", None), "hon": ("Hon.", None, None),
    "del": ("Del.", "delegate", None),
}
"""An honorific before a name (lower case, no dot) -> how it is written, the title it implies and the gender;
only a capitalised word is one (``del`` is also a particle)."""

TITLES = tuple(sorted((
    "spokesman", "spokeswoman", "spokesperson", "press secretary", "secretary of state", "secretary", "senator",
    "congressman", "congresswoman", "representative", "governor", "lieutenant governor", "mayor", "president",
    "vice president", "president-elect", "chairman", "chairwoman", "chairperson", "chair", "director",
    "deputy director", "communications director", "chief of staff", "campaign manager", "campaign chairman",
    "manager", "adviser", "advisor", "aide", "strategist", "nominee", "candidate", "running mate", "speaker",
    "leader", "majority leader", "minority leader", "whip", "judge", "justice", "chief justice", "sheriff",
    "commissioner", "ambassador", "attorney general", "inspector general", "general", "attorney", "lawyer",
    "counsel", "prosecutor", "official", "economist", "analyst", "professor", "founder", "chief executive", "ceo",
    "executive", "treasurer", "pollster", "surrogate", "minister", "prime minister", "foreign minister", "king",
    "queen", "prince", "pope", "host", "anchor", "moderator", "reporter", "correspondent", "columnist", "editor",
    "agent", "detective", "officer", "colonel", "lieutenant", "captain", "admiral", "sergeant", "reverend",
    "staffer", "employee", "partner", "consultant", "fellow", "researcher", "scientist", "expert", "historian",
    "businessman", "businesswoman", "activist", "organizer", "organiser", "member", "delegate", "chancellor",
    "dean", "superintendent", "commander", "national security adviser", "special counsel", "lobbyist",
), key=lambda t: -len(t.split())))
"""Titles as the text writes them, longest first (``press secretary`` before ``secretary``)."""

TITLE_KEYS = {"spokeswoman": "spokesman", "spokesperson": "spokesman", "chairwoman": "chairman",
              "chairperson": "chairman", "chair": "chairman", "congresswoman": "congressman", "advisor": "adviser",
              "organiser": "organizer", "businesswoman": "businessman", "lawyer": "attorney", "ceo": "chief executive"}
"""Titles that are one office for carrying a title to its holder (``the spokesman`` after a spokeswoman)."""

TITLE_QUALIFIERS = _set("campaign committee party senior top former then")
"""Words before a title that do not change the office (``campaign chairman`` is a ``chairman``)."""

TITLE_GENDER: dict[str, Gender] = {"spokesman": "m", "spokeswoman": "f", "congressman": "m", "congresswoman": "f",
                                   "chairwoman": "f", "businessman": "m", "businesswoman": "f", "king": "m",
                                   "queen": "f", "prince": "m", "pope": "m"}
"""Titles that say their holder's gender (``chairman`` does not: US news calls women that too)."""

_TITLE_WORDS = frozenset(w for t in TITLES for w in t.split() if w not in ("of", "state", "national", "security"))

_MALE = _names("""
    Aaron Adam Al Alan Albert Alexander Ali Andrew Andy Anthony Antonio Arnold Barack Barney Barron Barry Bashar Ben
    Benjamin Bernie Bill Billy Bob Bobby Brad Bradley Brandon Brent Brett Brian Bruce Bryan Carl Carlos Chad Charles
    Charlie Chuck Clarence Colin Corey Cory Craig Dan Daniel Danny Darrell Dave David Dennis Dick Don Donald Doug
    Douglas Duncan Dwight Ed Eddie Edward Elijah Eliot Elliott Emmanuel Eric Ernest Evan Francis Frank Franklin Fred
    Frederick Gary Gene George Gerald Glenn Gordon Greg Gregory Harold Harry Hassan Henry Herman Howard Hugh Ian
    Imran Ivan Jack Jacob Jake James Jamal Jared Jason Jeb Jeff Jeffrey Jeremy Jerome Jerry Jim Jimmy Joe Joel John
    Johnny Jon Jonathan Jorge Jose Joseph Josh Joshua Juan Julian Justin Keith Ken Kenneth Kevin Kurt Larry Lawrence
    Louis Luis Luke Marco Mario Mark Martin Matt Matthew Max Michael Mike Mitch Mitchell Mitt Mohammed Muhammad
    Nathan Neil Newt Nicholas Nick Noah Omar Orrin Oscar Osama Patrick Paul Pete Peter Phil Philip Phillip Rahm Ralph
    Rand Randy Ray Raymond Reince Rex Richard Rick Rob Robby Robert Roberto Rod Roger Ron Ronald Ross Roy Rudy Russell
    Ryan Samuel Scott Sean Sergei Seth Shawn Sherrod Stephen Steve Steven Stuart Ted Thomas Tim Timothy Todd Tom
    Tommy Tony Travis Trey Troy Tyler Vladimir Walter Wayne Will William Marc Nigel Boris Kyle
    Derek Darren Leon Lester Lance Wolf Preet Reggie
""")
_FEMALE = _names("""
    Abigail Alice Alicia Allison Amanda Amy Andrea Angela Ann Anna Anne Barbara Betsy Betty Beverly Brenda Carly
    Carol Caroline Catherine Cathy Chelsea Cheryl Christina Christine Claire Cynthia Deborah Debbie Denise Diana
    Diane Donna Doris Dorothy Elaine Elena Elizabeth Ellen Emily Emma Erin Evelyn Gina Gloria Grace Hannah Heather
    Heidi Helen Hillary Hope Huma Ivanka Jane Janet Jean Jeanne Jennifer Jessica Jill Joan Joanna Jodi Joni Joy
    Judith Judy Julia Julie Karen Kate Katherine Kathleen Kathy Katie Kay Kayleigh Kellyanne Kirsten Kristen Laura
    Lauren Lena Lily Molly Holly Linda Lisa Loretta Melanie Stacey Kristin Courtney Ashley Amber Danielle Tara
    Vanessa Veronica
    Sheila Marilyn Carolyn Janice Joyce Kamala Nina Eva Ana Lori Lucy Madeleine Maggie Marcia Margaret Maria Marie
    Marsha Martha Mary Megan Megyn Melania Melissa Michele Michelle Mika Monica Nancy Naomi Natalie Nicole Nikki
    Olivia Pam Pamela Patricia Patty Paula Rachel Rebecca Rosa Rose Ruth Sally Samantha Sandra Sarah Sharon Shirley
    Sonia Sophia Stephanie Susan Susana Suzanne Constance Tammy Teresa Theresa Tiffany Tina Tulsi Valerie Victoria
    Virginia Wendy Zoe
""")
_NEUTRAL = _names("Alex Chris Pat Jordan Taylor Sam Jamie Robin Kelly Leslie Casey Morgan Dana Lynn Lee Lindsey Kim "
                  "Jody Kris Jesse Terry")
FIRST_NAMES: dict[str, Gender | None] = {**dict.fromkeys(_NEUTRAL), **dict.fromkeys(_MALE, "m"),
                                         **dict.fromkeys(_FEMALE, "f")}
"""Common first names and the gender each usually says (``None``: either)."""

PARTICLES = _set("de da del della di du des dos van von der den ter ten bin ibn bint al el la le st. abu")
"""Lower-case words inside a name (``Osama bin Laden``, ``Bill de Blasio``)."""

SUFFIXES = frozenset({"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"})
"""What may end a name (``Donald J. Trump Jr.``)."""

ORG_HEADS = _set("""
    department dept. committee subcommittee campaign party office agency commission bureau council administration
    senate house congress court foundation institute institution center centre university college school academy
    association union ministry service board fund group corporation corp. corp inc. inc company co. llc ltd.
    organization organisation coalition alliance federation society authority police army navy force forces guard
    church bank reserve secretariat cabinet legislature assembly parliament government regime embassy consulate
    mission laboratory lab pac trust project watch international clinic hospital club movement front league caucus
    conference initiative partners associates holdings industries enterprises systems technologies pentagon
    kremlin vatican interpol corps
""")
"""Words that end an organisation's name (``House Oversight Committee``) or head one before ``of``
(``Office of Professional Responsibility``); the last four are organisations on their own."""

ORG_LOWER_HEADS = _set("campaign administration camp team foundation organization organisation company committee")
"""Lower-case words that make a name before them an organisation (``the Clinton campaign``)."""

OUTLETS = _phrases("""
    new york times, times, washington post, wall street journal, fox news, fox, msnbc, nbc, abc, cbs, npr, pbs,
    reuters, ap, associated press, afp, bloomberg, bloomberg news, politico, the hill, breitbart, buzzfeed,
    huffington post, huffpost, usa today, los angeles times, guardian, bbc, al jazeera, axios, vox, slate, daily mail,
    newsweek, time, atlantic, the atlantic, national review, drudge report, daily beast, cnbc, cnn, c-span,
    univision, telemundo, salon, mother jones, intercept, the intercept, propublica, new yorker, economist,
    financial times, washington times, new york post, daily caller, infowars, yahoo news, yahoo, vanity fair,
    rolling stone, forbes, fortune, business insider, federalist, redstate, talking points memo, mediaite, the blaze,
    newsmax, wsj, nyt, upi, rt, sputnik, tass, xinhua, dawn, politifact, factcheck.org, snopes, nbc news, abc news,
    cbs news, pbs newshour, fox business, wikipedia
""")
"""News outlets (lower case), which speak only in editorials, never as a phrase's speaker."""

OUTLET_HEADS = _set("""
    times post journal news newspaper tribune herald gazette magazine daily press network radio tv television channel
    report review weekly chronicle observer examiner inquirer telegraph standard globe dispatch courier bulletin wire
    media newswire newsletter blog podcast newshour ledger sentinel courant record mercury enquirer bee beacon monitor
    digest quarterly today dealer broadcasting
""")
"""Words that end an outlet's name (``Breitbart News``, ``The Washington Post``)."""

NON_ACTOR_WORDS = _set("""
    act acts amendment amendments law laws code constitution treaty accord accords agreement deal resolution clause
    rule rules doctrine protocol order statute regulation regulations provision plan program programme policy
    reform reforms care tax taxes justice responsibility security rights right freedom freedoms liberty equality
    immigration health healthcare education energy climate trade economy jobs wall border email emails server
    scandal investigation probe inquiry hearing hearings trial case election elections convention debate debates
    primary primaries caucuses summit war wars crisis revolution day week month year night morning festival games
    olympics cup award awards prize medal street avenue road boulevard square building tower park river lake
    mountain mountains island islands beach valley bay airport station stadium arena hotel bridge highway plaza
    coast county city state states republic kingdom empire district territory province region america americas
    europe asia africa china russia iran iraq syria israel mexico canada germany france britain japan korea india
    pakistan afghanistan ukraine cuba venezuela libya egypt turkey saudi arabia
    first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth
    fifteenth sixteenth seventeenth eighteenth nineteenth twentieth
    national federal american americans democratic democrat democrats republican republicans professional public
    social civil foreign domestic internal global united new north south east west northern southern eastern western
    central special senior former supreme presidential congressional judicial legislative independent conservative
    liberal progressive libertarian affordable homeland deputy acting assistant associate vice majority minority
    grand old great super tea oversight intelligence judiciary armed services affairs relations ethics labor commerce
    treasury defense defence interior agriculture transportation veterans revenue budget management appropriations
    finance banking housing urban development environmental protection prisons statistics standards disease control
    prevention human drug food enforcement internet online digital medicare medicaid obamacare brexit
    conduct integrity privilege change hurricane storm tropical scandal-plagued fort port mount springs grants
    god christmas easter islam islamic muslim muslims christian christians jewish catholic evangelical evangelicals
    english spanish russian chinese mexican iranian syrian british french german european african asian
    europeans russians asians africans mexicans iranians syrians germans italians canadians israelis palestinians
    ukrainians iraqis afghans pakistanis indians saudis cubans venezuelans arab arabs hispanic hispanics latino
    latinos latina latinas
    ala ariz ark calif colo conn fla ga ill ind kan ky la md mass mich minn mo mont neb nev okla ore pa tenn tex vt
    wash wis wyo
""")
"""Capitalised words that are not names: laws, concepts, events, places (with state abbreviations, ``Flint,
Mich.``), ordinals, adjectives and peoples (``The Europeans``, ``Hispanics``)."""

DATE_WORDS = _set("""
    january february march april may june july august september october november december jan. feb. mar. apr. jun.
    jul. aug. sep. sept. oct. nov. dec. jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday
    thursday friday saturday sunday
""")
"""Months and days: no names, but a name may follow them (``On Tuesday Clinton said``)."""

FUNCTION_WORDS = _set("""
    the a an but and or nor if in on at of for to from by with as when while after before since then now so yet still
    also however meanwhile later earlier this that these those it its he she they we i you his her their our my your
    who whom what where why how which asked speaking writing according last next some many most all both each every
    no not neither either yes here there today tonight yesterday tomorrow sources source officials official
    people critics
    supporters aides experts analysts observers others everyone nobody someone anyone one two three several
    among despite during against under over about into through without within upon until unless whether because
    although though even just only again already once never ever too very more less much such other another same
    sure well please thanks thank dear unlike like amid following including given whereas besides perhaps maybe
    indeed instead otherwise nevertheless nonetheless similarly additionally finally overall together asked said
    says told added adds wrote explained did does do is was are were has have had will would can could should might
    must
""")
"""Words that start sentences but never a name (``But Clinton said``)."""

AMBIGUOUS_SURNAMES = _names("King Bishop Prince Pope Major Judge Justice Love Price Rice Hill Black Young Brown Green "
                            "White Rich Cash Hope Grace Will Power Chase Page Street Park Long Short Law Day House "
                            "Marshall Sessions Warren Ryan")
"""Words that are also surnames: a name after a first name or an initial (``Steve King``, ``Jim Justice``)."""

KNOWN_ACRONYMS = _names("""
    FBI CIA NSA DNC RNC DOJ EPA IRS NATO GOP NRA ACLU UN EU ISIS ISIL NAACP AFL-CIO SEIU FEMA HHS DHS DOD ICE TSA ATF
    DEA SEC FCC FEC FTC FDA CDC NASA OPEC IMF WHO WTO UNICEF CNN NBC ABC CBS NPR PBS AP AFP BBC MSNBC CNBC WSJ NYT UPI
    RT US U.S. USA U.S.A. UK U.K. DC D.C. CEO CFO COO PM DA AG TV PAC NYPD LAPD MIT UCLA NYU AARP AIPAC OSCE
""")
"""Acronyms that stay upper case when an upper-case phrase (a transcript label) is normalised."""

ACRONYM_NON_ACTORS = frozenset({"US", "U.S.", "USA", "U.S.A.", "UK", "U.K.", "DC", "D.C.", "CEO", "CFO", "COO", "PM",
                                "DA", "AG", "TV", "OK", "ID", "AM", "II", "III", "IV", "Q", "A"})
"""Upper-case words that are places, titles or other non-actors (outlets are in :data:`OUTLETS`)."""

PLACES = _phrases("""
    washington, new york, new york city, united states, united states of america, virginia, georgia, carolina,
    north carolina, south carolina, florida, texas, california, ohio, iowa, nevada, arizona, colorado, michigan,
    wisconsin, pennsylvania, new hampshire, minnesota, missouri, indiana, illinois, kentucky, tennessee, alabama,
    louisiana, utah, oregon, maine, vermont, maryland, delaware, new jersey, connecticut, massachusetts, kansas,
    nebraska, oklahoma, arkansas, mississippi, montana, idaho, wyoming, alaska, hawaii, west virginia, new mexico,
    north dakota, south dakota, rhode island, chicago, los angeles, boston, philadelphia, houston, dallas, miami,
    atlanta, denver, seattle, detroit, cleveland, baltimore, san francisco, silicon valley, wall street, capitol hill,
    main street, hollywood, london, paris, moscow, beijing, brussels, berlin, tokyo, tehran, jerusalem, damascus,
    baghdad, kabul, islamabad, havana, mexico city, ottawa, jackson, lincoln, austin, phoenix, orlando, trump tower,
    mar-a-lago, benghazi, aleppo, mosul, raqqa, crimea, oval office, situation room, state of the union,
    super tuesday, election day, black lives matter, tea party, alt-right, war on terror, cold war, obamacare
""")
"""Places, events and movements (lower case) that may look like names or organisations: as a phrase's whole name,
a topic, not a speaker."""

REFLEXIVES = _set("himself herself themselves itself too also alone later again however then instead")
"""Words after a name that are not part of it (``Trump himself``)."""

PRONOUNS = _set("he she him her his hers they them we us i you it its one")
"""A phrase that is a pronoun names nobody here (``stance.attribution.mentions`` carries it to a name)."""

CONCEPT_ENDING = re.compile(r"(?:ity|ism|ness|tion|sion|ship|ology|ics|ment|ency|ancy)$")
"""Endings of abstract nouns (``Responsibility``, ``Transparency``); a word of :data:`CONCEPT_MIN_LENGTH` letters
or more with one is no name."""
CONCEPT_MIN_LENGTH = 8
"""``Clement`` (7) is a name, ``Amendment`` (9) is not."""
CONCEPT_ENDING_LONG = re.compile(r"(?:ance|ence)$")
"""Endings of abstract nouns that also end names (``Lawrence``): no name from :data:`CONCEPT_LONG_LENGTH` letters."""
CONCEPT_LONG_LENGTH = 9
"""``Lawrence`` (8) is a name, ``Insurance`` (9) is not."""

NON_ACTOR_LABELS = frozenset({"LAW", "EVENT", "DATE", "TIME", "WORK_OF_ART", "MONEY", "PERCENT", "QUANTITY",
                              "ORDINAL", "CARDINAL", "LANGUAGE"})
"""spaCy labels that make a bare name (no first name, honorific or title) no actor."""
NON_ACTOR_LABELS_MANY = NON_ACTOR_LABELS | {"GPE", "LOC", "FAC", "PRODUCT", "NORP"}
"""The same for a bare name of two words or more (spaCy's small pipeline often calls a lone surname a place)."""

GERUND_MIN_LENGTH = 6
"""A word of this many letters ending in ``-ing`` or ``-ly`` that opens a bare name is no part of it
(``Injecting Clinton``; ``Lily`` is a name)."""

OBJECT_PREPOSITIONS = _set("of for at with to from in on against about behind under")
"""A name after these is not the phrase's head (``a spokeswoman for Hillary Clinton``); after ``by`` it is the
source (``an analysis by Lily Ortiz``)."""

_JOINERS = _set("and & or")
_CONNECTORS = _set("of for on the and & de")
_PREPOSITIONS = _set("of for at with to from in on by")
_DETERMINERS = _set("the a an this that these those")
_UPPER = "A-ZÀ-ÖØ-ÞĀ-Ž"
_LETTER = "a-zA-ZÀ-ÖØ-öø-ÿĀ-ɏ"
_NAME_WORD = re.compile(rf"[{_UPPER}][{_LETTER}'’\-]*[{_LETTER}]|[{_UPPER}]"
                        rf"|(?:al|el|bin|abu|abd|ul)-[{_UPPER}][{_LETTER}'’\-]*")
"""A word of a name, in Latin letters with their accents (``Peña``, ``Ségolène``, ``Łukasz``)."""
_INITIAL = re.compile(r"(?:[A-Z]\.){1,3}")
_ACRONYM = re.compile(r"[A-Z][A-Z&\-]*[A-Z]|(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_TRIM_START = "\"'“”‘’([{«<*"
_TRIM_END = "\"'“”‘’)]}»>*!?;:"
_SEPARATORS = frozenset({",", ";", "—", "–", "--", "-"})
_PARTY_TAG = re.compile(r"\(?[RDI]-[A-Z][A-Za-z.]*\)?,?|\([^)]*\),?")
"""``(R-Utah)``, ``D-Calif.`` and other parentheses after a name: dropped."""


@dataclass(frozen=True)
class Name:
    """What a speaker phrase names.  ``text``: the name as it should be known (``Donald J. Trump Jr.``,
    ``Justice Department``, ``Clinton campaign``), without honorific or title."""

    text: str
    kind: NameKind
    first: str | None = None
    surname: str | None = None
    honorific: str | None = None
    """As written canonically: ``Mr.``, ``Mrs.``, ``Ms.``, ``Sen.``, ``Rep.``, ``Gov.``, ``Dr.``..."""
    title: str | None = None
    """The office or role the phrase gives (lower case): ``spokesman``, ``senator``, ``chairman``."""
    gender: Gender | None = None
    """From the honorific (``Mr.``, ``Mrs.``, ``Ms.``), else the first name, else a gendered title."""
    suffix: str | None = None
    affiliation: str | None = None
    """The organisation the phrase ties a person to (``FBI`` in ``FBI Director James Comey``)."""

    @property
    def full(self) -> bool:
        """A first name and a surname (``Bill Clinton``), not a surname or a first name alone."""
        return self.kind == "person" and self.first is not None and self.surname is not None


class _Tok(NamedTuple):
    text: str
    start: int
    end: int
    stop: bool
    """A comma, semicolon or dash follows: an appositive or a list starts after it."""


def without_initials(name: str) -> str:
    """A person's name without its middle initials: ``Donald J. Trump`` -> ``Donald Trump``, ``Barry R.
    McCaffrey`` -> ``Barry McCaffrey``; a first initial (``J. K. Rowling``) and a suffix (``Jr.``) stay."""
    words = name.split()
    kept = [w for k, w in enumerate(words) if k == 0 or not _INITIAL.fullmatch(w)
            or not any(not _INITIAL.fullmatch(x) and x not in SUFFIXES for x in words[:k])]
    return " ".join(kept) if len(kept) >= 2 else name


def title_key(title: str) -> str:
    """The office a title names, for matching one title with another (``spokeswoman`` -> ``spokesman``,
    ``campaign chairman`` -> ``chairman``)."""
    words = title.lower().strip(". ").split()
    while len(words) > 1 and words[0] in TITLE_QUALIFIERS:
        words = words[1:]
    title = " ".join(words)
    return TITLE_KEYS.get(title, title)


def first_name_gender(first: str | None) -> Gender | None:
    """The gender a common first name says, if any."""
    return FIRST_NAMES.get(first.capitalize()) if first else None


def honorific(word: str) -> tuple[str, str | None, Gender | None] | None:
    """The honorific a word is (``Mr.``, ``SEN.``, ``Senator``): how it is written, its title and gender."""
    return HONORIFICS.get(word.lower().rstrip(".")) if word[:1].isupper() else None


def normal_case(phrase: str) -> str:
    """An upper-case phrase in ordinary case (``MR. O'ROURKE`` -> ``Mr. O'Rourke``), known acronyms kept;
    a phrase with lower-case letters as it is."""
    if any(c.islower() for c in phrase):
        return phrase

    def word(w: str) -> str:
        if w.strip(".,:;") in KNOWN_ACRONYMS:
            return w
        return re.sub(r"(^|['’\-])([a-z])", lambda m: m.group(1) + m.group(2).upper(), w.lower())

    return " ".join(word(w) for w in phrase.split())


def title_in(phrase: str) -> str | None:
    """The last title a phrase gives (``the House Oversight Committee chairman`` -> ``chairman``), else None."""
    raw = [_POSSESSIVE.sub("", w.strip(_TRIM_START + _TRIM_END + ",")) for w in phrase.split()]
    words = [w.lower().rstrip(".") for w in raw]
    found = None
    i = 0
    while i < len(words):
        title = next((t for t in TITLES if words[i:i + len(t.split())] == t.split()), None)
        if title is not None:
            found, i = title, i + len(title.split())
            continue
        hon = honorific(raw[i])
        if hon and hon[1]:
            found = hon[1]
        i += 1
    return found


def _tokens(phrase: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in re.finditer(r"\S+", phrase):
        raw, start = m.group(), m.start()
        if _PARTY_TAG.fullmatch(raw):
            if out and raw.endswith(","):
                out[-1] = out[-1]._replace(stop=True)
            continue
        if raw in _SEPARATORS:
            if out:
                out[-1] = out[-1]._replace(stop=True)
            continue
        stop = raw[-1] in ",;" or raw.endswith(("—", "–", "--"))
        word = raw.rstrip(",;—–-")
        lead = len(word) - len(word.lstrip(_TRIM_START))
        word = word.strip(_TRIM_START).rstrip(_TRIM_END)
        if word.endswith(".") and not (_INITIAL.fullmatch(word) or honorific(word) or word in SUFFIXES
                                        or word.lower() in ORG_HEADS | NON_ACTOR_WORDS | DATE_WORDS | PARTICLES):
            word = word.rstrip(".")
        if word:
            out.append(_Tok(word, start + lead, start + lead + len(word), stop))
    return out


def _text(toks: Sequence[_Tok]) -> str:
    return " ".join(t.text for t in toks)


def _is_first(word: str) -> bool:
    return word in FIRST_NAMES


def _name_word(word: str) -> bool:
    """A capitalised word that may be part of a personal name."""
    if not _NAME_WORD.fullmatch(word) or (len(word) > 1 and word.isupper()) or re.search(r"[a-z]-[a-z]", word):
        return False  # not FBI, not Then-candidate (but Wasserman-Schultz, al-Assad)
    low = word.lower()
    if low in _NOT_NAME or honorific(word) or re.sub(r"['’].*", "", low) in FUNCTION_WORDS | PRONOUNS \
            or re.search(r"n['’]t$", low):
        return False
    if word in FIRST_NAMES:
        return True
    return not ((len(word) >= CONCEPT_MIN_LENGTH and CONCEPT_ENDING.search(low))
                or (len(word) >= CONCEPT_LONG_LENGTH and CONCEPT_ENDING_LONG.search(low)))


_NOT_NAME = (_TITLE_WORDS | ORG_HEADS | OUTLET_HEADS | NON_ACTOR_WORDS | FUNCTION_WORDS | PRONOUNS | REFLEXIVES
             | (DATE_WORDS - {"may"}) | frozenset(o for o in OUTLETS if " " not in o))


def _trailing_name(toks: Sequence[_Tok]) -> tuple[int, int] | None:
    """The token range of the personal name ending the phrase (its suffix included), or None."""
    end = len(toks)
    core = end - 1 if end > 1 and toks[-1].text in SUFFIXES else end
    i = core
    while i > 0:
        word = toks[i - 1].text
        before = toks[i - 2].text if i >= 2 else ""
        inner = i < core
        takes = (_name_word(word) or (inner and _INITIAL.fullmatch(word) is not None and word not in ACRONYM_NON_ACTORS)
                 or (inner and word.lower() in PARTICLES and _name_word(before))
                 or (not inner and word in AMBIGUOUS_SURNAMES
                     and (_is_first(before) or bool(_INITIAL.fullmatch(before)) or bool(honorific(before)))))
        if not takes:
            break
        i -= 1
    words = [t.text for t in toks[i:core]]
    if not any(len(w) > 1 and not _INITIAL.fullmatch(w) for w in words):
        return None
    for k in range(len(words) - 2, 0, -1):  # run together: keep the last full name (Pagliano Mark MacDougall)
        prev = words[k - 1]
        if _is_first(words[k]) and not (_is_first(prev) or _INITIAL.fullmatch(prev) or prev.lower() in PARTICLES):
            i += k
            break
    return i, end


def _person(toks: Sequence[_Tok], rng: tuple[int, int], labels: Sequence[Entity]) -> Name | None:
    i, end = rng
    span_start, span_end = toks[i].start, toks[end - 1].end
    persons = [e for e in labels if e[2] == "PERSON" and e[0] < span_end and span_start < e[1]]
    if persons and toks[i].text not in FIRST_NAMES and not (i > 0 and honorific(toks[i - 1].text)):
        last = max(persons, key=lambda e: e[1])  # two names run together: spaCy's last person
        inner = [k for k in range(i + 1, end) if toks[k].start == last[0]]
        if inner and end - inner[0] >= 2:
            i = inner[0]
    name_toks = list(toks[i:end])
    suffix = name_toks.pop().text if len(name_toks) > 1 and name_toks[-1].text in SUFFIXES else None
    words = [t.text for t in name_toks]
    hon = honorific(toks[i - 1].text) if i > 0 else None
    title = title_in(_text(_described(toks, i)))
    lead_title = i > 0 and toks[i - 1].text.lower().split("-")[-1] in _TITLE_WORDS  # Then-candidate
    strong = bool(hon or lead_title or suffix or any(_is_first(w) or _INITIAL.fullmatch(w) for w in words)
                  or any(w.lower() in PARTICLES for w in words))
    text = " ".join(words + ([suffix] if suffix else []))
    run = _text(_capital_run(toks, end))
    if not hon and (text.lower() in PLACES or run.lower() in PLACES or is_outlet(text) or is_outlet(run)):
        return None
    if i > 0 and toks[i - 1].text.lower() in OBJECT_PREPOSITIONS:
        return None  # a spokeswoman for Hillary Clinton: the name is not the phrase's head
    if not strong and len(words) > 1 and len(words[0]) >= GERUND_MIN_LENGTH and re.search(r"(?:ing|ly)$", words[0]):
        words, i = words[1:], i + 1  # Injecting Clinton
        text = " ".join(words + ([suffix] if suffix else []))
    if not hon and words[-1] == "Bill" and len(words) + (i > 0 and toks[i - 1].text[:1].isupper()) > 1:
        return None  # the Farm Bill
    if not hon and not lead_title and i > 0 and _tail_of_phrase(toks[i - 1].text) and (
            not strong or len(words) == 1):
        return None  # the tail of a capitalised phrase that is no name: Climate Change, Hurricane Matthew
    if not strong:
        overlapping = [e[2] for e in labels if e[0] < span_end and span_start < e[1]]
        if not persons and overlapping:
            if set(overlapping) & (NON_ACTOR_LABELS_MANY if len(words) > 1 else NON_ACTOR_LABELS):
                return None
            if len(words) > 1 and "ORG" in overlapping:
                return Name(text, "organisation")
    if len(words) == 1:
        first, surname = (words[0], None) if words[0] in FIRST_NAMES and not hon else (None, words[0])
    else:
        k = next((j for j in range(1, len(words) - 1) if words[j].lower() in PARTICLES), len(words) - 1)
        first, surname = words[0], " ".join(words[k:])
    gender = (hon[2] if hon else None) or first_name_gender(first) or TITLE_GENDER.get(title or "")
    return Name(text, "person", first, surname, hon[0] if hon else None, title or (hon[1] if hon else None),
                gender, suffix, _affiliation(toks[:i]))


def _described(toks: Sequence[_Tok], i: int) -> list[_Tok]:
    """The words right before a name that may give its title: capitalised words, title words and ``of``
    (``FBI Director``, ``Secretary of State``, ``the committee chairman``), not a clause (``attorney offered to``)."""
    k = i
    while k > 0:
        word = toks[k - 1].text
        if not (word[:1].isupper() or word.lower() in _TITLE_WORDS | TITLE_QUALIFIERS | {"of"}):
            break
        k -= 1
    return list(toks[k:i])


def _tail_of_phrase(before: str) -> bool:
    """A capitalised word before a name that makes it the tail of a longer capitalised phrase (``Climate``)."""
    low = before.lower()
    return before[:1].isupper() and low not in FUNCTION_WORDS | PRONOUNS | DATE_WORDS and not honorific(before)


def _capital_run(toks: Sequence[_Tok], end: int) -> list[_Tok]:
    """The capitalised words (with ``of``, ``the``, ``and``... between them) that end at ``end``."""
    i = end
    while i > 0:
        word = toks[i - 1].text
        if word[:1].isupper():
            i -= 1
            continue
        if i == end or word.lower() not in _CONNECTORS:
            break
        j = i - 2
        while j >= 0 and toks[j].text.lower() in _CONNECTORS:
            j -= 1
        if j < 0 or not toks[j].text[:1].isupper():
            break
        i = j + 1
    while i < end and (toks[i].text.lower() in _CONNECTORS | _DETERMINERS or not toks[i].text[:1].isupper()):
        i += 1
    return list(toks[i:end])


def is_outlet(text: str) -> bool:
    """A news outlet's name (``The Hill``, ``Politico``; :data:`OUTLETS`)."""
    low = text.lower()
    return low in OUTLETS or (low.startswith("the ") and low[4:] in OUTLETS)


def _organisation(toks: Sequence[_Tok]) -> Name | None:
    """The organisation a phrase ending in a capitalised word names, or None."""
    run = _capital_run(toks, len(toks))
    if not run:
        return None
    text, last = _text(run), run[-1].text
    if is_outlet(text) or last.lower() in OUTLET_HEADS or text.lower() in PLACES:
        return None
    if last in OUTLETS or last.lower() in OUTLETS:
        return None
    before = [t.text.lower() for t in toks[:len(toks) - len(run)] if t.text.lower() not in _DETERMINERS]
    if before and (before[-1] in _PREPOSITIONS or before[-1] in _TITLE_WORDS):
        return None  # the chairman of the House Oversight Committee: a title, not the committee
    heads = [run[-1].text] + [run[k - 1].text for k in range(1, len(run)) if run[k].text.lower() in ("of", "on", "for")]
    if any(h.lower() in ORG_HEADS for h in heads):
        return Name(text, "organisation")
    if len(run) == 1 and _ACRONYM.fullmatch(last) and last not in ACRONYM_NON_ACTORS and last.lower() not in OUTLETS:
        return Name(text, "organisation")
    return None


def _affiliation(toks: Sequence[_Tok]) -> str | None:
    """The organisation in the words before a name (``FBI Director``, ``a spokesman for the Clinton campaign``)."""
    words = [t.text.lower() for t in toks]
    for k in range(len(toks) - 1, -1, -1):
        if words[k] in _TITLE_WORDS:
            after = list(toks[k + 1:])
            if after and after[0].text.lower() in _PREPOSITIONS:
                found = _read(after[1:], ())
                if found is not None and found.kind == "organisation":
                    return found.text
            left = list(toks[:k])
            while left and left[-1].text.lower() in _TITLE_WORDS and left[-1].text not in ORG_LOWER_HEADS:
                left.pop()
            found = _read(left, ()) if left else None
            return found.text if found is not None and found.kind == "organisation" else None
    return None


def _joined(toks: Sequence[_Tok]) -> bool:
    """An ``and`` joining two actors (``Clinton and Trump``), not inside a name (``Food and Drug Administration``)."""
    for k, t in enumerate(toks):
        if t.text.lower() not in _JOINERS:
            continue
        inside = False
        if 0 < k < len(toks) - 1 and toks[k - 1].text[:1].isupper() and toks[k + 1].text[:1].isupper():
            j = k + 1
            while j < len(toks) and (toks[j].text[:1].isupper() or toks[j].text.lower() in _CONNECTORS):
                j += 1
            run = _capital_run(toks, j)
            inside = any(r.text.lower() in ORG_HEADS for r in run) and any(r is t for r in run)
        if not inside:
            return True
    return False


def _possessive(toks: list[_Tok], labels: Sequence[Entity]) -> Name | None:
    """A phrase with a possessive: the name after it, or the possessor's campaign; never the possessor."""
    p = max(k for k, t in enumerate(toks) if _POSSESSIVE.search(t.text) and t.text[:1].isupper())
    rest = toks[p + 1:]
    owner = [*toks[:p], toks[p]._replace(text=_POSSESSIVE.sub("", toks[p].text))]
    if not rest:
        return None
    if owner[-1].text.lower() in _TITLE_WORDS and rest[-1].text.lower() in ORG_HEADS and rest[-1].text[:1].isupper():
        return Name(_text(_capital_run(toks, len(toks))), "organisation")  # the U.S. Attorney's Office
    if len(rest) == 1 and rest[0].text in ORG_LOWER_HEADS:
        found = _read(owner, ())
        return Name(f"{found.text} {rest[0].text}", "organisation") if found is not None else None
    found = _read(rest, labels)
    if found is not None and found.kind == "person" and found.affiliation is None:
        owner_name = _read(owner, ())
        if owner_name is not None and owner_name.kind == "organisation":
            found = replace(found, affiliation=owner_name.text)
    return found


def _of_place(toks: list[_Tok], labels: Sequence[Entity]) -> Name | None:
    """A person ``of`` or ``from`` a place or an organisation (``Sen. Ellen Marsh of Oregon``, ``John Smith of
    the FBI``): the person, affiliated with the organisation."""
    for k in range(len(toks) - 2, 0, -1):
        if toks[k].text not in ("of", "from"):
            continue
        head, tail = toks[:k], toks[k + 1:]
        person = _read(head, labels)
        if person is None or person.kind != "person":
            return None
        words = [t.text for t in tail if t.text.lower() not in _DETERMINERS]
        if " ".join(words).lower() in PLACES or (len(words) == 1 and words[0].lower() in NON_ACTOR_WORDS):
            return person
        where = _read(tail, ())
        if where is not None and where.kind == "organisation":
            return person if person.affiliation else replace(person, affiliation=where.text)
        return None
    return None


def _read(toks: list[_Tok], labels: Sequence[Entity]) -> Name | None:
    """The actor a phrase without appositives names (see the module docstring)."""
    while toks and toks[-1].text.lower() in REFLEXIVES:
        toks = toks[:-1]
    if not toks or (len(toks) == 1 and toks[0].text.lower() in PRONOUNS):
        return None
    if any(_POSSESSIVE.search(t.text) and t.text[:1].isupper() for t in toks):
        return _possessive(toks, labels)
    if _joined(toks):
        return None
    located = _of_place(toks, labels)
    if located is not None:
        return located
    last = toks[-1].text
    if not last[:1].isupper() and not _name_word(last):
        if last in ORG_LOWER_HEADS and len(toks) > 1:
            run = _capital_run(toks, len(toks) - 1)
            while run and honorific(run[0].text):
                run = run[1:]
            if any(_name_word(t.text) or _ACRONYM.fullmatch(t.text) for t in run):
                return Name(f"{_text(run)} {last}", "organisation")
        return None
    rng = _trailing_name(toks)
    if rng is not None:
        return _person(toks, rng, labels)
    return _organisation(toks)


def _parts(toks: list[_Tok]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    for t in toks:
        parts[-1].append(t)
        if t.stop:
            parts.append([])
    parts = [p for p in parts if p]
    merged: list[list[_Tok]] = []
    for p in parts:
        if merged and len(p) == 1 and p[0].text in SUFFIXES:
            merged[-1] = [*merged[-1], p[0]]
        elif not all(re.fullmatch(r"\d+", t.text) for t in p):
            merged.append(p)
    return merged


def name_from(phrase: str, labels: Sequence[Entity] = ()) -> Name | None:
    """What ``phrase`` names, given the named entities in it (character offsets into ``phrase``; none without a
    parser).  Appositives (``Jason Chaffetz, the committee chairman``) give the name its title."""
    toks = _tokens(normal_case(" ".join(phrase.split())) if phrase.isupper() else phrase)
    if phrase.isupper():
        labels = ()
    parts = _parts(toks)
    if len(parts) <= 1:
        return _read(toks, labels)
    found = [(p, _read(p, labels)) for p in parts]
    people = [(p, n) for p, n in found if n is not None and n.kind == "person"]
    orgs = [n for _, n in found if n is not None and n.kind == "organisation"]
    if len(people) > 1 or (not people and len(orgs) != 1):
        return None
    if not people:
        return orgs[0]
    part, person = people[0]
    others = [p for p in parts if p is not part]
    title = person.title or next((t for p in others if (t := title_in(_text(p)))), None)
    affiliation = person.affiliation or (orgs[0].text if orgs else None) or next(
        (a for p in others if (a := _affiliation(p))), None)
    gender = person.gender or TITLE_GENDER.get(title or "")
    return replace(person, title=title, affiliation=affiliation, gender=gender)


@lru_cache(maxsize=16)
def _entities(nlp: Any, text: str) -> tuple[Entity, ...]:
    return tuple((e.start_char, e.end_char, e.label_) for e in nlp(text).ents)


def entities(nlp: Any, text: str) -> tuple[Entity, ...]:
    """spaCy's named entities in ``text`` (the last few texts are remembered)."""
    return _entities(nlp, text)


def read_name(phrase: str, context: str | None = None, nlp: Any = None) -> Name | None:
    """The person or organisation ``phrase`` names, or None when it names no actor.  With ``nlp`` (a spaCy
    pipeline), its entities in ``context`` (the sentence the phrase is in; the phrase alone without it) settle
    names the grammar cannot."""
    labels: list[Entity] = []
    if nlp is not None and phrase.strip():
        where = context.find(phrase) if context else -1
        text, offset = (context, where) if context and where >= 0 else (phrase, 0)
        labels = [(max(s - offset, 0), min(e - offset, len(phrase)), label) for s, e, label in entities(nlp, text)
                  if s < offset + len(phrase) and offset < e]
    return name_from(phrase, labels)
