"""Rule-based attribution: who said what in each sentence of an article.

Finds speech cues (``said``, ``ruled out``, ``according to`` ...) outside
quotation marks, the speaker phrase beside each cue (before it, after it in
an inverted ``said Kirby``, or before an inserted clause), the content, and
resolves the speaker through the actor registry, pronouns (``he said``
after a named speaker), offices by date and anonymous sources.  Media
outlets are never speakers: ``Dawn reported that the minister said ...``
is the minister's statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from stance.attribution.affiliations import affiliation_of
from stance.attribution.authored import authored_statements
from stance.attribution.mentions import transcript_label
from stance.attribution.names import honorific, read_name
from stance.attribution.speakers import SpeakerResolver, not_a_speaker
from stance.ingest.sentences import split_sentences
from stance.records import Actor, Article, AttributionKind, Sentence, Span, Statement
from stance.registries.actors import GOVERNMENTS, GROUP_TYPES, ActorRegistry, country_of

_RECENT_SPEAKERS = 10
"""How many speakers (the latest first) an article's state keeps for resolving offices."""
_NO_PARAGRAPH = -10
"""The paragraph of the last speaker before there is one: too far back for a quote to go on from it."""
_QUOTE_CARRY_PARAGRAPHS = 2
"""How many paragraphs after its speaker's a quote with no cue of its own is still theirs."""
_MIN_QUOTE_WORDS = 3
"""A quotation of fewer words is a term in quotation marks, not a quote."""
_MAX_INSERTED_TOKENS = 40
"""How far back (in tokens) from a cue's comma an inserted clause may open."""
_WHAT_CLAUSE = re.compile(r"(?<!\w)(?:what|whatever)\s+$", re.I)
"""A speaker right after ``what`` (``the gap between what Trump says and does``) says nothing here."""
_LABEL_OFFSET = 2
"""How far into its paragraph (in characters: a quotation mark) a transcript label may start."""
_LABEL_PREFIX = re.compile(r"^\W{0,2}(?P<label>[A-Z][A-Za-z.’' -]{1,40}?):\s*")
"""The ``PENCE:`` opening a transcript turn's first sentence."""
_MAX_PARENTHESIS_TOKENS = 12
"""How far back (in tokens) from a cue a parenthesis after the speaker's name (``(R-S.C.)``) may open."""
_SUBJECT_WORDS = 3
"""The words at the head of a content searched for the group it opens with."""
_NAME_STEM = 4
"""The first letters of a group's name, looked for at the head of a content that names it."""
_NAME_OFFSET = 4
"""How far into that head those letters may start (room for ``the ``)."""
_COUNTRY_WORDS = 2
"""The words at the head of a content searched for a country, whose government then speaks."""
_MENTION_WORDS = 6
"""The words at the head of a sentence without statements searched for a group a later passive cue means."""
_ORDER_STEP = 10
"""A statement's order: its sentence's index times this, plus its place in the sentence."""
_MIN_TAGGED_WORDS = 3
"""A tagged content of fewer words is not a statement."""
_HEADLINE_MAX_WORDS = 16
"""A ``Claim: Speaker`` line of this many words or more is not a headline."""
_MIN_UNCLOSED_WORDS = 4
"""An opening quotation mark never closed starts a quote that goes on only with this many words or more."""
_MIN_CREDIT_WORDS = 4
"""A claim credited after a dash or in a lead-in needs this many words."""
_OPENING_CHARS = 3
"""An ``according to`` starting within this many characters opens the sentence: its content follows the comma."""
_THAT_WINDOW = 80
"""How far after a cue (in characters) a ``that`` opening the content may be."""
_MIN_FRONTED_WORDS = 4
"""Words a content before its speaker (``..., the minister said on Friday``) needs."""
_MIN_REPORTED_WORDS = 2
"""Words a reported content after its cue needs."""

_AUX = (r"has|have|had|would|will|shall|may|might|could|should|must|also|further|later|again|earlier|then|once|"
        r"repeatedly|reportedly|previously|recently|categorically|publicly|firmly|strongly|officially|"
        r"clearly|flatly|explicitly|specifically|not|never|be|been|being|was|were|is|are")
_VERBS = (r"made it clear|making it clear|ruled out|went on to (?:state|say)|called for|calls for|pushed for|"
          r"pushes for|said|says|say|told|tells|tell|stated|states|added|adds|noted|notes|asserted|asserts|claimed|"
          r"claims|warned|warns|warn|insisted|insists|insist|reiterated|reiterates|conveyed|rejected|rejects|"
          r"dismissed|dismisses|welcomed|welcomes|urged|urges|urge|announced|announces|clarified|hoped|stressed|"
          r"stresses|maintained|maintains|denied|denies|offered|dubbed|criticised|criticized|criticises|criticizes|"
          r"condemned|condemns|vowed|vows|revealed|alleged|alleges|argued|argues|argue|explained|explains|confirmed|"
          r"confirms|declared|declares|emphasi[sz]ed|emphasi[sz]es|acknowledged|acknowledges|admitted|admits|"
          r"demanded|demands|pledged|pledges|promised|promises|assured|accused|accuses|refused|asked|informed|"
          r"suggested|suggests|termed|replied|responded|tweeted|tweets|cautioned|opposed|opposes|oppose|backed|"
          r"praised|praises|defended|defends|wrote|writes|believes|denounced|denounces|decried|decries|blasted|"
          r"blasts|slammed|slams|lambasted|lambastes|applauded|applauds|contended|contends|contend|supported|"
          r"supports|endorsed|endorses|proposed|proposes|questioned|disputed|disputes|advocated|advocates|called|"
          r"calls|complained|complains|conceded|concedes|countered|counters|pointed out|points out|remarked|"
          r"observed|recalled|described|describes|hailed|touted|threatened|threatens|lamented|laments|testified|"
          r"predicted|predicts|acknowledge|maintain|believe|criticize|criticise|condemn|deny|admit|reject|predict|"
          r"suggest|allege|assert|explain|denounce|applaud|endorse|saying|telling|arguing|insisting|warning|urging|"
          r"demanding|calling for|pushing for|pressing for|promising|pledging|vowing|proposing|opposing|supporting|"
          r"criticizing|criticising|blasting|denouncing|claiming|suggesting|accusing|questioning|adding|noting|"
          r"stressing")
"""Verbs of saying and of taking a position, in the forms that follow a subject; the ``-ing`` forms only
after a form of ``be`` (``is demanding``) or opening a clause after a comma (``..., saying``)."""
_NOUN_FORMS = {"demands", "claims", "calls", "promises", "pledges", "supports", "advocates", "notes", "tweets",
               "counters", "blasts", "slams", "vows", "praises", "laments", "disputes", "proposes"}
"""``-s`` cues that are as often plural nouns (``the Taliban demands were``, ``Republican claims of fraud``)."""
_AFTER_A_NOUN = {"are", "were", "have", "had", "include", "included", "would", "will", "could", "should", "may",
                 "might", "must", "can", "remain", "remained", "made", "put", "go", "went", "came", "come", "seem",
                 "seemed", "of", "from", "by", "for"}
"""Words that after one of :data:`_NOUN_FORMS` show it is a noun (``demands were``, ``claims of``); never
``says in``, ``warns of``, ``calls on``: the other cues are verbs whatever follows."""
_AUX_ADVERBS = {"also", "further", "later", "again", "earlier", "then", "once", "repeatedly", "reportedly",
                "previously", "recently", "categorically", "publicly", "firmly", "strongly", "officially", "clearly",
                "flatly", "explicitly", "specifically", "not", "never"}
"""The adverbs among a cue's auxiliaries (``is also demanding``: the form of ``be`` is before them)."""
_CALLED_SOMETHING = re.compile(r"""^\s+(?:on\b|(?:[\w’'\-]+\s+){1,6}?(?:a|an)\s|[^.;]{0,60}[“"‘])""")
"""What makes ``called`` a judgement: ``called on ...``, or an object then ``a``/``an`` or a quotation (``called the
deal a disaster``, ``called it "shameful"``)."""
_RELATIVE_ADVERBS = {"also", "long", "often", "since", "once", "now", "too", "still", "even", "already", "later",
                     "has", "have", "had", "would", "will", "may", "might", "could", "should", "not", "never"}
"""Auxiliaries and adverbs between ``who`` and a cue (``who has long opposed``; words in ``-ly`` too)."""
_PARTICIPLE_OPENERS = {"saying", "adding", "noting", "arguing", "insisting", "warning", "urging", "calling for",
                       "stressing", "claiming"}
"""``-ing`` cues that open a clause whose speaker is the sentence's subject (``X hit back, saying ...``)."""
_CUE = re.compile(rf"""
    (?<![\w’'])                         # not inside a word
    (?P<aux>(?:(?-x:{_AUX})\s+)*)       # auxiliaries and adverbs before the verb (has also, was), if any
    (?P<verb>(?-x:{_VERBS}))            # the verb of saying (the lists hold spaces: matched as written)
    (?![\w])                            # a whole word
    """, re.VERBOSE)
"""Case-sensitive: a capitalised ``States`` or ``Says`` is a name, not a cue."""
_ACCORDING = re.compile(r"""
    (?<![\w])
    (?P<phrase>
        [Aa]ccording\ to                # according to X
      | as\ per                         # as per X
    )
    \s+
    """, re.VERBOSE)
_TAKES_INFINITIVE = re.compile(r"vow|promis|pledg|refus|propos|demand|offer|hope|threat")
"""Verbs whose ``to`` opens the content (``vows to impose``), not an audience (``said to reporters``)."""
_PASSIVE = {"be", "been", "being", "was", "were", "is", "are"}
_RECIPIENT_PASSIVE = {"told", "informed", "conveyed"}
"""``X will be told that ...``: the speaker is who tells, found from the content or the article."""
_TRAILING_REST = re.compile(r"""
    ^\s*
    (?:
        [,.;:]                          # punctuation
      | $                               # the end of the sentence
      | (?P<word>                       # or a word that goes on with time, place or audience
            on|in|at|during|after|before|while|as|when|to|from|by|over
          | late|earlier|last|this|yesterday|today|again|also
          | reporters|journalists|newsmen|the\ media|the\ press
        )\b
    )
    """, re.VERBOSE)
_DASH_CREDIT = re.compile(r"""
    ^(?P<claim>.{12,}?)                 # the claim
    [\s,]*\s(?P<dash>[—–])\s*           # a dash
    (?P<who>[A-Z][^—–,]{1,80}?)         # who is credited
    (?:,\s[^—–]*)?                      # a trailing ", ..." about them
    \.?$
    """, re.VERBOSE)
"""``The US has made no request for bases — Foreign Office spokesman Zahid Hafeez Chaudhri.``"""
_FROM_LEAD = re.compile(r"""
    ^(?P<cue>From)\                     # "From "
    (?P<who>[^:]{2,60}):\s*             # who, and a colon
    (?P<claim>\S.{10,})$                # the claim
    """, re.VERBOSE)
"""``From the Foreign Office: “...”``"""
_HEADLINE = re.compile(r"""
    ^(?P<claim>[^:]{8,})                # the claim
    :\s*
    (?P<who>[A-Z][\w .’'-]{1,40})$      # then who made it, to the end
    """, re.VERBOSE)
"""``No bases for the US: Foreign Office``"""
_QUOTES = re.compile(r"""
    [“"](?P<double>[^“”"]{3,}?)[”"]                     # double marks, curly or straight
  | (?<![\w])‘(?P<single>[^‘’]{3,}?)’(?![\w])           # single curly marks (not an apostrophe inside a word)
  | (?<![\w])'(?P<straight>[^']{12,}?)'(?![\w])         # single straight marks, 12 characters or more inside
  | (?<![\w])‘(?P<mixed>[^‘’“”\n]{12,}?)”               # a single mark closed by a double one (‘...”)
    """, re.VERBOSE)
"""Double, single and straight quotation marks, and a single mark closed by a double one (‘...”), a slip
common in scraped news."""
_TOKEN = re.compile(r"(?:[A-Z]\.)+(?=\s+[A-Z])|\w[\w.’'\-]*\w|\w|[^\w\s]")
_PRONOUNS = {"he": "person", "she": "person", "him": "person", "her": "person",
             "they": "group", "them": "group", "we": "group"}
_NP_LOWER = {
    "of", "the", "for", "and", "to", "prime", "minister", "foreign", "defence", "defense", "spokesman", "spokesperson",
    "spokeswoman", "secretary", "press", "ambassador", "chief", "army", "officials", "official", "sources", "source",
    "government", "leadership", "authorities", "policymakers", "military", "adviser", "advisor", "envoy", "general",
    "senior", "top", "another", "some", "a", "an", "interior", "information", "ministry", "office", "president",
    "premier", "pm", "insiders", "diplomats", "diplomat", "aides", "commander", "side", "report", "security",
    "national", "state", "department", "several", "two", "three", "other",
}
_LEADING_DROP = {
    "however", "earlier", "meanwhile", "also", "but", "and", "later", "then", "now", "separately", "still", "yet",
    "hence", "thus", "so", "moreover", "further", "furthermore", "instead", "previously", "recently", "today",
    "yesterday", "on", "in", "at", "when", "while", "as", "after", "before", "it", "the", "a", "an", "some",
    "to", "of", "for", "this", "that", "since", "although", "though", "if", "because",
}
_MONTHS_DAYS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
                "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_ANON_HEADS = {"sources", "source", "officials", "official", "diplomats", "diplomat", "insiders", "aides"}
_TITLE_HEADS = {"minister", "spokesman", "spokesperson", "spokeswoman", "secretary", "ambassador", "chief",
                "president", "premier", "pm", "envoy", "adviser", "advisor", "general"}


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper()


@dataclass
class _State:
    """What an article has said so far, for pronouns and inserted clauses."""

    last_person: Actor | None = None
    last_group: Actor | None = None
    last_speaker: Actor | None = None
    last_paragraph: int = _NO_PARAGRAPH
    recent: list[str] | None = None
    speakers: SpeakerResolver | None = None
    """The article's speaker resolver (its people followed through the text), made at its first sentence."""
    at: int = 0
    """Where the sentence being read starts: names after it are not yet known."""

    def seen(self, actor: Actor, paragraph: int) -> None:
        self.last_speaker, self.last_paragraph = actor, paragraph
        if actor.type == "person":
            self.last_person = actor
        elif actor.type in GROUP_TYPES:
            self.last_group = actor
        self.recent = [actor.actor_id, *[a for a in (self.recent or []) if a != actor.actor_id][:_RECENT_SPEAKERS - 1]]


def _quotes(text: str) -> list[tuple[int, int]]:
    """Spans (inside the marks) of quotations of three words or more."""
    out = []
    for m in _QUOTES.finditer(text):
        group = next(name for name in _QUOTES.groupindex if m.group(name) is not None)
        if len(m.group(group).split()) >= _MIN_QUOTE_WORDS:
            out.append((m.start(group), m.end(group)))
    return out


def quoted(text: str, span: Span) -> bool:
    """Whether ``span`` of ``text`` is a quotation (its marks just outside or at its ends)."""
    return bool(_quotes(text[max(0, span.start - 1):span.end + 1]))


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s - 1 <= pos < e + 1 for s, e in spans)


def _collect_left(tokens: list[_Tok], j: int) -> tuple[int, int] | None:
    """Token range [i, j] of the noun phrase ending at token ``j``."""
    if j < 0:
        return None
    if tokens[j].lower in _PRONOUNS:
        return (j, j)
    i = j
    while i >= 0:
        t = tokens[i]
        if (t.capital and t.text[0].isalpha()) or t.lower in _NP_LOWER or (t.text in ("’s", "'s")):
            i -= 1
            continue
        break
    i += 1
    while i <= j and (tokens[i].lower in _LEADING_DROP or tokens[i].lower in ("and",)):
        i += 1
    if i > j:
        return None
    words = {t.lower for t in tokens[i:j + 1]}
    if words <= _MONTHS_DAYS | {"and"}:
        k = i - 1
        while k >= 0 and tokens[k].lower in ("in", "on", "last", "this", "earlier", "late", "early"):
            k -= 1
        return _collect_left(tokens, k) if k < i - 1 else None
    if not any(t.capital for t in tokens[i:j + 1]) and not words & (_ANON_HEADS | _TITLE_HEADS):
        return None
    return (i, j)


def _left_candidates(tokens: list[_Tok], j: int) -> list[tuple[int, int]]:
    """Speaker phrases that may end at token ``j``: right there, across a
    comma (``Khawaja Asif, said``), or before an inserted clause
    (``Dr. Faisal, in weekly briefing, dubbed``)."""
    out = []
    if j >= 0 and tokens[j].text == ")":  # ``Sen. Lindsey Graham (R-S.C.) said``: the name before the parenthesis
        k = j - 1
        while k >= 0 and tokens[k].text != "(" and j - k < _MAX_PARENTHESIS_TOKENS:
            k -= 1
        if k >= 0 and tokens[k].text == "(":
            return _left_candidates(tokens, k - 1)
    direct = _collect_left(tokens, j)
    if direct and not tokens[j].lower.endswith(("’s", "'s")):  # "Trump's proposed wall": an owner, no speaker
        out.append(direct)
    if j >= 0 and tokens[j].text == ",":
        across = _collect_left(tokens, j - 1)
        if across:
            out.append(across)
        k = j - 1
        while k >= 0 and tokens[k].text != "," and j - k < _MAX_INSERTED_TOKENS:
            k -= 1
        if k >= 0 and tokens[k].text == ",":
            inserted = _collect_left(tokens, k - 1)
            if inserted:
                out.append(inserted)
    return out


def _collect_right(tokens: list[_Tok], i: int) -> tuple[int, int] | None:
    """``said Kirby`` / ``said the spokesman``: the phrase starting at token ``i``."""
    j = i
    while j < len(tokens) and ((tokens[j].capital and tokens[j].text[0].isalpha()) or tokens[j].lower in _NP_LOWER):
        j += 1
    while j > i and tokens[j - 1].lower in _LEADING_DROP:
        j -= 1
    if j == i or not any(t.capital or t.lower in _TITLE_HEADS for t in tokens[i:j]):
        return None
    return (i, j - 1)


_IRREGULAR = {"said", "told", "thought", "felt", "wrote", "knew", "meant", "held", "spoke", "made", "saw", "put",
              "took", "gave", "found", "heard", "says", "thinks", "believes", "wants", "hopes", "fears", "knows"}
_NOT_CUES = {"is", "was", "are", "were", "has", "had", "have", "be", "been", "asked", "questioned", "to", "on", "in",
             "about", "statement"}


def _relative_clause(tokens: list[_Tok], before: Sequence[int]) -> int | None:
    """Where the noun phrase a relative clause describes ends, when a cue opens one (``X, who similarly blasts
    ...``, ``the group, which has long opposed ...``): the token before the comma; else None."""
    k = before[-1] if before else -1
    while k >= 0 and (tokens[k].lower in _RELATIVE_ADVERBS or (tokens[k].lower.endswith("ly")
                                                               and tokens[k].text.isalpha())):
        k -= 1
    if k >= 2 and tokens[k].lower in ("who", "which") and tokens[k - 1].text == ",":
        return k - 2
    return None


def _clause_content(text: str, start: int) -> tuple[int, int]:
    """The content of a cue in a relative clause: from the cue (after a ``that``) to the clause's comma."""
    end, quoted = len(text), False
    for k in range(start, len(text)):  # the first comma outside quotation marks and numbers ("$1,000")
        if text[k] in "“”\"":
            quoted = text[k] != "”" and not (text[k] == "\"" and quoted)
        elif text[k] == "," and not quoted and not (k + 1 < len(text) and text[k + 1].isdigit()):
            end = k
            break
    that = re.search(r"(?<!\w)that(?!\w)", text[start:end])
    return (start + that.end() if that else start), end


_SUBJECT_VERBS = {"has", "have", "had", "is", "are", "was", "were", "will", "would", "did", "does", "hit", "made",
                  "took", "went", "gave", "spoke", "wrote", "came", "left", "met", "sent", "stood", "won", "lost",
                  "held", "kept", "fought", "struck", "broke", "brought", "told", "said", "set", "spent", "threw",
                  "also", "again", "then", "later", "quickly", "swiftly", "publicly", "repeatedly"}
"""Words that, right after a sentence's opening name, show the name is its subject (besides ``-ed`` forms)."""


def _opening_subject(tokens: list[_Tok]) -> tuple[int, int] | None:
    """The token range of the noun phrase that opens a sentence and is followed by a lower-case word (its
    verb): ``Mr. Trump`` in ``Mr. Trump has repudiated ...``; None when a comma or anything else follows it
    (a dateline, a fronted clause)."""
    j = 0
    while j < len(tokens) and ((tokens[j].capital and tokens[j].text[0].isalpha()) or tokens[j].lower in _NP_LOWER
                               or (tokens[j].text == "." and j and honorific(tokens[j - 1].text))):
        j += 1
    while j > 0 and tokens[j - 1].lower in _LEADING_DROP:
        j -= 1
    if j == 0 or j >= len(tokens) or not tokens[j].text[0].isalpha() or tokens[j].capital:
        return None
    if any(t.lower.endswith(("’s", "'s", "s’", "s'")) for t in tokens[:j]):
        return None  # "Obama's critics pounced ...": the owner is not the subject
    verb = tokens[j].lower
    if verb not in _SUBJECT_VERBS and not verb.endswith("ed"):
        return None  # "Clinton aides pushed back": the word after the name is no verb
    return (0, j - 1)


def _verbal_cue(text: str) -> bool:
    """A tagged cue that reads as a verb of saying or thinking (``said``, ``believes``, ``made clear``), not a
    noun or a preposition (``statement``, ``to speculation``) or a passive question (``was asked about``)."""
    words = re.findall(r"[a-z’']+", text.lower())
    if words[:2] == ["according", "to"]:
        return True
    if len(words) > 1 and words[0] in ("is", "was", "are", "were") and words[1].endswith("ed") \
            and words[1] not in _NOT_CUES:  # "is convinced", "were determined"; not "was asked"
        return True
    if not words or words[0] in _NOT_CUES:
        return False
    head = words[0]
    return head in _IRREGULAR or (re.fullmatch(r"[a-z]+(?:ed|es|s)", head) is not None and not head.endswith("ss"))


@dataclass(frozen=True)
class Found:
    """One attribution in a sentence: who, the kind of statement, what was said, the speaker phrase and the cue."""

    actors: tuple[Actor, ...]
    kind: AttributionKind
    content: Span
    speaker: Span | None
    cue: Span | None
    rule: str = "cue"
    """Which rule found it: ``cue`` (a verb of saying or ``according to``), ``headline``, ``dash`` (a credit
    after a dash), ``lead-in`` (``From X:``), ``continued`` (a quote going on from an earlier speaker's),
    ``transcript`` (a turn of a transcript, ``PENCE: ...``)."""


@dataclass(frozen=True)
class _Cue:
    """A speech cue in a sentence: a verb of saying (after any auxiliaries) or an ``according to``."""

    match: re.Match
    according: bool
    passive: bool
    participle: bool = False
    """An ``-ing`` cue opening a clause after a comma (``X hit back, saying ...``): its speaker is the sentence's
    subject."""
    relative: int | None = None
    """A cue opening a relative clause (``X, who has long opposed ...``): the token where the noun phrase it
    describes ends (:func:`_relative_clause`); its content is the clause alone."""

    @property
    def verb_start(self) -> int:
        """Where the cue's own words start: the verb after its auxiliaries, or ``according to``."""
        return self.match.start() if self.according else self.match.start("verb")


@dataclass(frozen=True)
class _Speaker:
    """The speaker of a cue: the actors, their phrase's character range, whether a candidate named an outlet."""

    actors: tuple[Actor, ...] = ()
    at: tuple[int, int] | None = None
    media_seen: bool = False


def _tokens(text: str) -> list[_Tok]:
    """The words and punctuation marks of a sentence, with their offsets."""
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _read_cue(match: re.Match, tokens: list[_Tok]) -> _Cue:
    """A cue match as a record: an ``according to`` or a verb, whether the verb is passive, whether it opens a
    clause after a comma, and whether it opens a relative clause."""
    according = match.re is _ACCORDING
    aux = match.group("aux").lower().split() if not according else []
    progressive = not according and _progressive(match)
    relative = None if according else _relative_clause(
        tokens, [i for i, t in enumerate(tokens) if t.end <= match.start()])
    return _Cue(match, according, bool(aux) and aux[-1] in _PASSIVE and not progressive,
                progressive and not aux, relative)


def _progressive(match: re.Match) -> bool:
    """Whether a verb cue is an ``-ing`` form (``demanding``, ``calling for``)."""
    return match.group("verb").split()[0].endswith("ing") and not match.group("verb").startswith("making")


def _cue_stands(match: re.Match, text: str) -> bool:
    """An ``-ing`` cue counts after a form of ``be`` (``is demanding``), or as one of
    :data:`_PARTICIPLE_OPENERS` right after a comma; an ``-s`` form not when a verb or preposition follows it
    (``the Taliban demands were``, ``its claims of``: a plural noun); every other cue counts."""
    if match.re is _ACCORDING:
        return True
    verb = match.group("verb")
    if verb in _NOUN_FORMS and not match.group("aux"):
        after = re.match(r"\s*([a-z]+)", text[match.end():])
        if after and after.group(1) in _AFTER_A_NOUN:
            return False
    if verb in ("called", "calls") and not _CALLED_SOMETHING.match(text[match.end():]):
        return False  # "Trump called Angela Merkel on Tuesday": a phone call, not "called the deal a disaster"
    if not _progressive(match):
        return True
    aux = [a for a in match.group("aux").lower().split() if a not in _AUX_ADVERBS]
    if aux:
        return aux[-1] in _PASSIVE
    return match.group("verb") in _PARTICIPLE_OPENERS and text[:match.start()].rstrip().endswith(",")


def _cues(text: str, quotes: Sequence[tuple[int, int]], tokens: list[_Tok] | None = None) -> list[_Cue]:
    """The speech cues outside quotation marks, in reading order (``tokens``: the sentence's, when made already)."""
    matches = [m for m in _CUE.finditer(text) if not _inside(m.start("verb"), quotes) and _cue_stands(m, text)]
    matches += [m for m in _ACCORDING.finditer(text) if not _inside(m.start(), quotes)]
    matches.sort(key=lambda m: m.start())
    tokens = _tokens(text) if tokens is None else tokens
    return [_read_cue(m, tokens) for m in matches]


def _speaker_candidates(tokens: list[_Tok], cue: _Cue) -> list[tuple[int, int]]:
    """Token ranges that may name a cue's speaker, the likeliest first (none for a passive cue)."""
    before = [i for i, t in enumerate(tokens) if t.end <= cue.match.start()]
    after = [i for i, t in enumerate(tokens) if t.start >= cue.match.end()]
    if cue.according:
        rng = _collect_right(tokens, after[0]) if after else None
        if rng is None and after and tokens[after[0]].lower in _PRONOUNS:
            rng = (after[0], after[0])
        return [rng] if rng else []
    if cue.passive:
        return []
    if cue.participle:  # "X hit back, saying ...": the subject that opens the sentence, a verb after it
        subject = _opening_subject(tokens[:before[-1] + 1]) if before else None
        return [subject] if subject is not None else []
    if cue.relative is not None:  # "Senator Bernie Sanders, who similarly blasts ...": the name before the comma
        return _left_candidates(tokens, cue.relative)
    candidates = _left_candidates(tokens, before[-1]) if before else []
    if after and (not before or tokens[before[-1]].text in (",", "”", "\"", "’")):
        right = _collect_right(tokens, after[0])
        if right:
            candidates.append(right)
    return candidates


class Attributor:
    """Finds statements in articles, resolving speakers with an :class:`ActorRegistry`."""

    def __init__(self, registry: ActorRegistry, tagger=None, relevant: Callable[[str], bool] | None = None,
                 first: str = "rules") -> None:
        """``tagger`` (an :class:`~stance.attribution.tagger.AttributionTagger`, optional) adds
        the attributions it finds in sentences where the rules find none.
        ``relevant``: a test on a sentence's text.  When given, the tagger reads
        only the paragraphs that hold a sentence the rules leave empty and that
        passes the test (the pipeline passes its issue registry's keywords, so
        the tagger reads only what could become a scored statement); when
        ``None``, it reads whole documents.  ``first``: ``"rules"`` (the rules'
        statements, the tagger's only in sentences where the rules find none) or
        ``"tagger"`` (the other way round; ``scripts/benchmark_seeds.py --first``
        compares the two)."""
        if first not in ("rules", "tagger"):
            raise ValueError(f"first must be 'rules' or 'tagger', found {first!r}")
        self.registry = registry
        self.tagger = tagger
        self.relevant = relevant
        self.first = first

    # ----------------------------------------------------------- resolution
    def _resolve(self, phrase: str, article: Article, state: _State) -> Actor | None:
        pronoun = _PRONOUNS.get(phrase.strip().lower())
        if pronoun == "group":
            return state.last_group
        if state.speakers is None or state.speakers.article is not article:
            state.speakers = SpeakerResolver(self.registry, article)
        if pronoun == "person":  # the latest speaker or person named (better on the seeds than the nearest
            # person), unless the article gives them the other gender
            return state.speakers.carry_pronoun(phrase.strip(), state.at, state.last_person)
        return state.speakers.resolve_phrase(phrase, state.at, state.recent or ())

    def _speakers(self, phrase: str, article: Article, state: _State) -> list[Actor]:
        """Actors a phrase names: one, or several for ``Afghanistan and the US``."""
        parts = [p for p in re.split(r"\s+and\s+", phrase) if p.strip()]
        if len(parts) > 1 and all(self._names_one(p) for p in parts):
            # "Hillary Clinton and Senator Bernie Sanders": each, when each part is a full name or a known actor
            # (never "Procter and Gamble" or "Trinidad and Tobago", whose parts name nobody alone)
            many = self._each_of(parts, article, state)
            if many:
                return many
        actor = self._resolve(phrase, article, state)
        if len(parts) > 1 and (actor is None or actor.type != "person"):
            many = self._each_of(parts, article, state)
            if many:
                return many
        return [actor] if actor is not None else []

    def _each_of(self, parts: Sequence[str], article: Article, state: _State) -> list[Actor]:
        """The actors of ``A and B``, one per part, when each names another actor who is no outlet; else []."""
        resolved = [self._resolve(p, article, state) for p in parts]
        many = [a for a in resolved if a is not None and a.type != "media"]
        return many if len({a.actor_id for a in many}) == len(parts) else []

    def _names_one(self, part: str) -> bool:
        """Whether a part of ``A and B`` names an actor alone: a person's full name, or an actor the registry
        holds (without adding one)."""
        name = read_name(part)
        if name is not None and name.kind == "person" and name.full:
            return True
        known = self.registry.match_alias(part)
        return known is not None and known.known and known.type != "media"

    def _content_subject(self, text: str, article: Article) -> Actor | None:
        """The group a content opens with (``Pakistan is willing``, ``Pakistani officials would``)."""
        head = " ".join(text.split()[:_SUBJECT_WORDS])
        actor = self.registry.match_alias(head)
        if actor is not None and actor.type in GROUP_TYPES and re.match(r"^(?:the\s+)?[A-Z]", head) \
                and head.lower().find(actor.name.lower()[:_NAME_STEM]) <= _NAME_OFFSET:
            return actor
        country = country_of(" ".join(text.split()[:_COUNTRY_WORDS]))
        return self.registry.by_name(GOVERNMENTS.get(country or ""))

    # ------------------------------------------------------------ extraction
    def rule_finds(self, article: Article, sentences: Sequence[Sentence] | None = None,
                   speakers: SpeakerResolver | None = None) -> list[tuple[Sentence, Found]]:
        """The rules alone over one article, in reading order, each find with its
        sentence (what ``stance extract`` adds to the tagger's finds).  ``speakers``:
        the article's resolver when the caller has one (its people are read once)."""
        state = _State(speakers=speakers)
        out: list[tuple[Sentence, Found]] = []
        for sentence in split_sentences(article) if sentences is None else sentences:
            found = self._sentence(article, sentence, state)
            out.extend((sentence, f) for f in found)
            self._advance(sentence, found, state)
        return out

    def extract_many(self, articles: Sequence[Article]) -> list[list[Statement]]:
        """:meth:`extract` for each article, the tagger run once over all of them (batched)."""
        sentences = [split_sentences(a) for a in articles]
        if self.tagger is None or not articles:
            return [self.extract(a, sentences[k]) for k, a in enumerate(articles)]
        tagged, rules = self._tag(articles, sentences)
        return [self.extract(a, sentences[k], tagged[k], rules[k]) for k, a in enumerate(articles)]

    def _tag(self, articles: Sequence[Article], sentences: Sequence[Sequence[Sentence]]
             ) -> tuple[list[dict[str, list[Span]]], list[list[list[Found]] | None]]:
        """The tagger's spans per article: over whole documents, or (with ``relevant``)
        over the paragraphs that need it, in one batch, with offsets into each article;
        and, for an article the tagger did not read, the rules' results per sentence
        (what :meth:`extract` would find again)."""
        if self.relevant is None:
            return self.tagger.predict([a.text for a in articles]), [None] * len(articles)
        jobs: list[tuple[int, Span]] = []  # (article, paragraph span)
        rules: list[list[list[Found]] | None] = []  # per article: the rules' results per sentence
        for k, (article, found) in enumerate(zip(articles, sentences, strict=False)):
            paragraphs = article.paragraphs or (Span(0, len(article.text), article.text),)
            state = _State()
            wanted: list[int] = []  # the paragraphs the tagger reads
            kept: list[list[Found]] = []
            for sentence in found:  # the rules alone, as extract() will run them
                results = self._sentence(article, sentence, state)
                kept.append(results)
                self._advance(sentence, results, state)
                if (not results or self.first == "tagger") and (not wanted or wanted[-1] != sentence.paragraph) \
                        and self.relevant(sentence.span.text):
                    wanted.append(sentence.paragraph)
            jobs.extend((k, paragraphs[p]) for p in wanted)
            rules.append(None if wanted else kept)
        out: list[dict[str, list[Span]]] = [{} for _ in articles]
        predicted = self.tagger.predict([para.text for _, para in jobs]) if jobs else []
        for (k, para), spans in zip(jobs, predicted, strict=False):
            for role, found in spans.items():
                out[k].setdefault(role, []).extend(
                    Span(para.start + s.start, para.start + s.end, s.text) for s in found)
        return out, rules

    def extract(self, article: Article, sentences: Sequence[Sentence] | None = None,
                tagged: dict[str, list[Span]] | None = None,
                rules: Sequence[list[Found]] | None = None) -> list[Statement]:
        """Every attributed statement in ``article``, in reading order.  ``tagged``:
        the tagger's spans for this article when they were found already
        (:meth:`extract_many`); ``rules``: the rules' results per sentence, when
        found already and the tagger found nothing."""
        sentences = split_sentences(article) if sentences is None else sentences
        if tagged is None and self.tagger is not None:
            (tagged,), (rules,) = self._tag([article], [sentences])
        state = _State()
        out: list[Statement] = []
        for i, sentence in enumerate(sentences):
            if rules is not None and not tagged:
                found = rules[i]
            elif self.first == "tagger" and tagged:
                found = self._tagged(article, sentence, tagged, state) or self._sentence(article, sentence, state)
            else:
                found = self._sentence(article, sentence, state)
                if not found and tagged:
                    found = self._tagged(article, sentence, tagged, state)
            for k, attribution in enumerate(found):
                content, speaker = attribution.content, attribution.speaker
                for m, actor in enumerate(attribution.actors):
                    scope = sentence.span
                    prefix = article.text[sentence.span.start:speaker.start] if speaker else ""
                    if len(found) == 1 and speaker and content.start > speaker.start and prefix.strip():
                        # "It is to be mentioned that ..., the minister had said ...", "X's statement was
                        # released, while the spokesman Y dubbed ...": the speaker's own clause only
                        scope = Span(speaker.start, sentence.span.end, article.text[speaker.start:sentence.span.end])
                    elif len(found) > 1:
                        lo = min(content.start, speaker.start if speaker else content.start)
                        hi = max(content.end, speaker.end if speaker else content.end)
                        scope = Span(lo, hi, article.text[lo:hi])
                    out.append(Statement(
                        statement_id=f"{article.doc_id}:{sentence.index}:{k}{'' if m == 0 else f'.{m}'}",
                        doc_id=article.doc_id, date=article.date, actor_id=actor.actor_id, actor=actor.name,
                        actor_type=actor.type, affiliation=affiliation_of(actor, article), kind=attribution.kind,
                        text=content, quote=sentence.span, speaker=speaker, cue=attribution.cue,
                        order=sentence.index * _ORDER_STEP + k, scope=scope, known=actor.known))
            self._advance(sentence, found, state)
        # then the author's own sentences (op-eds, speeches ...; nothing for news): extract_many and
        # extract_statements come through here, so every path adds them once
        return out + authored_statements(article, out, self.registry, sentences=sentences)

    def _advance(self, sentence: Sentence, found: Sequence[Found], state: _State) -> None:
        """After a sentence: its speakers are the latest seen; a sentence without
        statements may still name who a later ``he`` or passive cue refers to."""
        for attribution in found:
            for actor in attribution.actors:
                state.seen(actor, sentence.paragraph)
        if not found:
            self._track_mentions(sentence, state)

    def _tagged(self, article: Article, sentence: Sentence, tagged: dict[str, list[Span]],
                state: _State) -> list[Found]:
        """Attributions the tagger marked in a sentence: each cue with the nearest
        source and content in the sentence; the source resolved like the rules'."""
        lo, hi = sentence.span.start, sentence.span.end
        state.at = lo

        def inside(role):
            return [s for s in tagged.get(role, []) if s.start >= lo and s.end <= hi]

        def nearest(spans, cue):
            return min(spans, key=lambda s: abs((s.start + s.end) / 2 - (cue.start + cue.end) / 2), default=None)

        contents = [s for s in tagged.get("content", []) if s.end > lo and s.start < hi]
        results = []
        for cue in inside("cue"):
            source, content = nearest(inside("source"), cue), nearest(contents, cue)
            if source is None or content is None or not _verbal_cue(cue.text) or not_a_speaker(source.text):
                continue
            if _WHAT_CLAUSE.search(article.text[lo:source.start]):
                continue  # "what Trump says his plan would do": the reporter names a claim, as with the rules
            actors = [a for a in self._speakers(source.text, article, state) if a.type != "media"]
            if not actors:
                continue
            start, end = max(content.start, lo) - lo, min(content.end, hi) - lo
            content_span = self._span(article, sentence, start, end)
            if len(content_span.text.split()) < _MIN_TAGGED_WORDS:
                continue
            quoted = bool(_quotes(sentence.span.text[max(0, start - 1):end + 1]))
            results.append(Found(tuple(actors), self._kind(actors[0], [1] if quoted else [], False), content_span,
                                 self._span(article, sentence, source.start - lo, source.end - lo),
                                 self._span(article, sentence, cue.start - lo, cue.end - lo)))
        return self._dedupe_sentence(results)

    def _track_mentions(self, sentence: Sentence, state: _State) -> None:
        """In a sentence without statements, a group named at its head may be the
        agent of a later passive cue, and a person named may be a later ``he``."""
        head = self.registry.match_alias(" ".join(sentence.span.text.split()[:_MENTION_WORDS]))
        if head is not None and head.type in GROUP_TYPES:
            state.last_group = head
        person = self.registry.match_alias(sentence.span.text)
        if person is not None and person.type == "person":
            state.last_person = state.last_speaker = person
            state.last_paragraph = sentence.paragraph

    def _span(self, article: Article, sentence: Sentence, lo: int, hi: int) -> Span:
        text = sentence.span.text
        while lo < hi and text[lo] in " ,;:-—“”\"‘’'(":
            lo += 1
        while hi > lo and text[hi - 1] in " ,;:-—“”\"‘’'(":
            hi -= 1
        start = sentence.span.start
        return Span(start + lo, start + hi, article.text[start + lo:start + hi])

    def _sentence(self, article: Article, sentence: Sentence, state: _State) -> list[Found]:
        """Attributions in one sentence: a headline's credit, else each speech cue's, else a credit or a quote."""
        state.at = sentence.span.start
        turn = self._transcript_turn(article, sentence, state)
        if turn:
            return turn
        headline = self._headline(article, sentence, state)
        if headline:
            return headline
        text = sentence.span.text
        quotes = _quotes(text)
        tokens = _tokens(text)
        results: list[Found] = []
        taken: list[tuple[int, int]] = []  # each result's content, as found (before trimming)
        any_cue_speaker = False
        for cue in _cues(text, quotes, tokens):
            if self._skipped(cue, tokens, taken):
                continue
            candidates = _speaker_candidates(tokens, cue)
            any_cue_speaker = any_cue_speaker or bool(candidates)
            speaker = self._pick_speaker(text, tokens, candidates, article, state)
            if speaker.at and _WHAT_CLAUSE.search(text[:speaker.at[0]]):
                continue  # "what Trump says": the reporter names a claim, nobody makes one here
            relative = cue.relative is not None  # its cue speaks only to its clause, never to the quotation
            content = _clause_content(text, cue.match.end()) if relative else \
                self._content(text, quotes, cue.match, speaker.at, cue.according)
            if content is None or (relative and content[0] >= content[1]):
                continue
            said = text[content[0]:content[1]]
            speaker = self._implied_speaker(speaker, cue, candidates, said, article, state, results)
            found = self._found(article, sentence, speaker, cue, content, [] if relative else quotes) \
                if speaker.actors else None
            if found is None:
                continue
            if results and speaker.at and taken and taken[-1][0] < speaker.at[0] < taken[-1][1]:
                results[-1] = self._cut_at_comma(article, sentence, results[-1], taken[-1][0], speaker.at[0])
            results.append(found)
            taken.append(content)
            if quotes and not relative:
                break
        if results:
            return self._dedupe_sentence(results)
        return self._credit(article, sentence, state, quotes) or \
            self._continued_quote(article, sentence, state, quotes, any_cue_speaker)

    def _transcript_turn(self, article: Article, sentence: Sentence, state: _State) -> list[Found]:
        """A sentence of a transcript's turn (a paragraph opening ``PENCE:`` or ``MR. TRUMP:``): the labelled
        speaker's words, the label itself left out."""
        paragraphs = article.paragraphs or (Span(0, len(article.text), article.text),)
        if sentence.paragraph >= len(paragraphs):
            return []
        paragraph = paragraphs[sentence.paragraph]
        label = transcript_label(paragraph.text)
        if label is None:
            return []
        actor = self._resolve(label, article, state)
        if actor is None or actor.type == "media":
            return []
        text = sentence.span.text
        opened = _LABEL_PREFIX.match(text) if sentence.span.start - paragraph.start <= _LABEL_OFFSET else None
        lo = opened.end() if opened else 0
        if len(text[lo:].split()) < _MIN_QUOTE_WORDS:
            return []
        speaker = self._span(article, sentence, opened.start("label"), opened.end("label")) if opened else None
        return [Found((actor,), "direct", self._span(article, sentence, lo, len(text)), speaker, None, "transcript")]

    def _headline(self, article: Article, sentence: Sentence, state: _State) -> list[Found]:
        """A headline's credit (``No bases for the US: Foreign Office``), when the line reads as one."""
        text = sentence.span.text
        headline = _HEADLINE.match(text)
        if headline and len(text.split()) < _HEADLINE_MAX_WORDS and not text.endswith("."):
            actors = [a for a in self._speakers(headline["who"], article, state) if a.type != "media"]
            if actors:
                kind: AttributionKind = "organisation" if actors[0].type != "person" else "reported"
                return [Found(tuple(actors), kind, self._span(article, sentence, 0, headline.end("claim")),
                              self._span(article, sentence, headline.start("who"), len(text)), None, "headline")]
        return []

    @classmethod
    def _skipped(cls, cue: _Cue, tokens: list[_Tok], taken: Sequence[tuple[int, int]]) -> bool:
        """A cue that attributes nothing: a passive one (bar ``was told``), or one inside a content already taken."""
        if cue.passive and cue.match.group("verb") not in _RECIPIENT_PASSIVE:
            return True
        in_taken = any(lo <= cue.match.start() < hi for lo, hi in taken)
        return in_taken and not cls._clause_start(tokens, cue.match)

    def _pick_speaker(self, text: str, tokens: list[_Tok], candidates: Sequence[tuple[int, int]], article: Article,
                      state: _State) -> _Speaker:
        """The first candidate phrase that names actors who are not a media outlet; an anonymous description
        gives way to a name after it (``Benjamin J. Rhodes, one of the president's closest aides, recalled``)."""
        media_seen = False
        described: _Speaker | None = None
        for lo, hi in candidates:
            phrase = text[tokens[lo].start:tokens[hi].end]
            actors = self._speakers(phrase, article, state)
            if actors and actors[0].type == "media":
                media_seen = True
                continue
            if actors and actors[0].type == "anonymous" and described is None:
                described = _Speaker(tuple(actors), (tokens[lo].start, tokens[hi].end), media_seen)
                continue
            if actors:
                return _Speaker(tuple(actors), (tokens[lo].start, tokens[hi].end), media_seen)
        return described or _Speaker(media_seen=media_seen)

    def _implied_speaker(self, speaker: _Speaker, cue: _Cue, candidates: Sequence[tuple[int, int]], content: str,
                         article: Article, state: _State, results: Sequence[Found]) -> _Speaker:
        """Without a named speaker: a passive cue's group, or the sentence's previous speaker if no phrase is near."""
        actors, at = speaker.actors, speaker.at
        if cue.passive and not actors:
            group = self._content_subject(content, article) or state.last_group
            actors = (group,) if group is not None else ()
        if not actors and not candidates and not speaker.media_seen and results:
            actors, at = results[-1].actors, None
        return replace(speaker, actors=actors, at=at)

    def _found(self, article: Article, sentence: Sentence, speaker: _Speaker, cue: _Cue, content: tuple[int, int],
               quotes: list) -> Found | None:
        """A cue's attribution as a record; None when its content is empty once trimmed."""
        speaker_span = self._span(article, sentence, *speaker.at) if speaker.at else None
        kind = self._kind(speaker.actors[0], quotes, cue.according)
        actors = self._affiliated(speaker.actors, sentence.span.text[content[0]:content[1]], article)
        content_span = self._span(article, sentence, *content)
        if not content_span.text:
            return None
        return Found(actors, kind, content_span, speaker_span,
                     self._span(article, sentence, cue.verb_start, cue.match.end()))

    def _affiliated(self, actors: tuple[Actor, ...], content: str, article: Article) -> tuple[Actor, ...]:
        """An anonymous source of no known group speaks for the group its content opens with, if any."""
        if actors[0].type == "anonymous" and actors[0].affiliation is None:
            subject = self._content_subject(content, article)
            if subject is not None:
                return (self.registry.with_affiliation(actors[0], subject.name),)
        return actors

    def _cut_at_comma(self, article: Article, sentence: Sentence, previous: Found, start: int, before: int) -> Found:
        """``While Kabul claims that X, Pakistan alleges that Y``: the first content ends at the comma."""
        cut = sentence.span.text.rfind(",", 0, before)
        return replace(previous, content=self._span(article, sentence, start, cut))

    def _continued_quote(self, article: Article, sentence: Sentence, state: _State, quotes: list,
                         any_cue_speaker: bool) -> list[Found]:
        """A quote that goes on after its attribution, or over several paragraphs: the last speaker's."""
        text = sentence.span.text
        opened = text.lstrip()[:1] in "“\"‘"
        unclosed = opened and not quotes and "”" not in text and len(text.split()) >= _MIN_UNCLOSED_WORDS
        if (quotes or unclosed) and not any_cue_speaker and opened and state.last_speaker is not None \
                and sentence.paragraph - state.last_paragraph <= _QUOTE_CARRY_PARAGRAPHS:
            lo, hi = (quotes[0][0], quotes[-1][1]) if quotes else (text.index(text.lstrip()[0]) + 1, len(text))
            return [Found((state.last_speaker,), "direct", self._span(article, sentence, lo, hi), None, None,
                          "continued")]
        return []

    def _credit(self, article: Article, sentence: Sentence, state: _State, quotes: list) -> list[Found]:
        """Attributions with no verb: a credit after a dash (``... — Foreign Office
        spokesman X``) and a lead-in (``From the Foreign Office: ...``)."""
        text = sentence.span.text
        m = _FROM_LEAD.match(text) or _DASH_CREDIT.match(text)
        if m is None or len(m["claim"].split()) < _MIN_CREDIT_WORDS:
            return []
        actors = [a for a in self._speakers(m["who"].strip(), article, state) if a.type != "media"]
        if not actors:
            return []
        lo, hi = m.span("claim")
        inner = [q for q in quotes if q[0] >= lo and q[1] <= hi]
        if inner:
            lo, hi = inner[0][0], inner[-1][1]
        kind = self._kind(actors[0], inner, False)
        cue = m.span("cue") if "cue" in m.re.groupindex else m.span("dash")
        return [Found(tuple(actors), kind, self._span(article, sentence, lo, hi),
                      self._span(article, sentence, *m.span("who")), self._span(article, sentence, *cue),
                      "lead-in" if "cue" in m.re.groupindex else "dash")]

    @staticmethod
    def _clause_start(tokens: list[_Tok], cue: re.Match) -> bool:
        """A cue whose speaker follows a comma opens a new clause (``..., Pakistan alleges``)."""
        before = [t for t in tokens if t.end <= cue.start()]
        for lo, _ in _left_candidates(before, len(before) - 1) if before else []:
            k = lo - 1  # ", and Brian Deese, the White House adviser, said": a new clause after the comma
            if k >= 0 and before[k].lower in ("and", "but", "while", "whereas"):
                k -= 1
            if lo > 0 and k >= 0 and before[k].text in (",", ";"):
                return True
        return False

    @staticmethod
    def _dedupe_sentence(results: list[Found]) -> list[Found]:
        """One statement per speaker and content in a sentence (``X said ... and made it clear ...``); a
        speaker's two contents that do not overlap stay two (``X, who opposed A, said B``)."""
        out: list[Found] = []
        for r in results:
            key = tuple(a.actor_id for a in r.actors)
            if not any(tuple(a.actor_id for a in o.actors) == key and o.content.start < r.content.end
                       and r.content.start < o.content.end for o in out):
                out.append(r)
        return out

    @staticmethod
    def _kind(actor: Actor, quotes: list, according: bool) -> AttributionKind:
        if actor.type == "anonymous":
            return "anonymous"
        if quotes:
            return "direct"
        if according:
            return "according-to"
        if actor.type in GROUP_TYPES:
            return "organisation"
        return "reported"

    @staticmethod
    def _content(text: str, quotes: list, cue: re.Match, speaker: tuple[int, int] | None,
                 according: bool) -> tuple[int, int] | None:
        """Character range of what was said, within the sentence."""
        if quotes:
            return quotes[0][0], quotes[-1][1]
        if according:
            tail = text[cue.end():]
            comma = tail.find(",")
            if cue.start() < _OPENING_CHARS and comma >= 0:
                return cue.end() + comma + 1, len(text)
            return 0, cue.start()
        spoke_from = speaker[0] if speaker else cue.start()
        ahead = re.sub(r"(?:(?<=\s)|^)(?:the|a|an)\s*$", "", text[:spoke_from], flags=re.I).rstrip()
        trailing = _TRAILING_REST.match(text[cue.end():])
        if trailing and trailing["word"] == "to" and _TAKES_INFINITIVE.match(cue.group("verb")):
            trailing = None  # "he vows to impose ...": the content, not an audience
        if speaker and trailing and ahead.endswith((",", "”", "\"", "’", "—", "–")) \
                and len(ahead.split()) >= _MIN_FRONTED_WORDS:
            return 0, len(ahead)
        rest = text[cue.end():]
        that = re.search(r"(?<!\w)that(?!\w)", rest[:_THAT_WINDOW])
        start = cue.end() + (that.end() if that else 0)
        if len(text[start:].split()) < _MIN_REPORTED_WORDS:
            return None
        return start, len(text)


def extract_statements(articles: Sequence[Article], registry: ActorRegistry, tagger=None,
                       relevant: Callable[[str], bool] | None = None) -> list[Statement]:
    """Statements of every article, in corpus order (``relevant``: see :class:`Attributor`)."""
    return [s for found in Attributor(registry, tagger, relevant).extract_many(articles) for s in found]
