"""Whether a document is in English, the one language the attribution rules and the stance models read.

py3langid (a naive Bayes over byte n-grams, about 0.1 ms a document) names the language; a document it calls
another language is still read as English when common English words make up a good share of it, so that an
English article full of Urdu or Arabic names is never lost.  A language given in the metadata is taken as it is.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

log = logging.getLogger(__name__)

ENGLISH = "en"
MIN_WORDS = 20
"""Documents shorter than this (in words) are not judged: detection on a headline is guesswork."""
HEAD_CHARS = 5_000
"""Only the opening of a document is read for its language."""
ENGLISH_SHARE = 0.2
"""The share of a document's words that are common English words above which it is English, whatever
the detector says (English prose runs at 0.35 to 0.5; other languages in Latin script below 0.05)."""
COMMON_ENGLISH = frozenset({
    "the", "of", "and", "to", "a", "in", "is", "that", "for", "on", "was", "with", "he", "it", "as", "by", "at",
    "from", "his", "her", "be", "are", "were", "said", "has", "have", "had", "not", "this", "but", "they", "or",
    "an", "will", "would", "which", "who", "we", "their", "its", "been", "also", "after", "than", "more"})
"""English function words, the bulk of any English sentence."""
NAMES = {"ar": "Arabic", "bn": "Bengali", "de": "German", "es": "Spanish", "fa": "Persian", "fr": "French",
         "hi": "Hindi", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "nl": "Dutch", "pa": "Punjabi",
         "ps": "Pashto", "pt": "Portuguese", "ru": "Russian", "sw": "Swahili", "tr": "Turkish", "ur": "Urdu",
         "zh": "Chinese"}
"""Names of the languages a news corpus most often mixes in, for the skip message; others show as their code."""
ENGLISH_NAMES = frozenset({"en", "eng", "english"})
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _detector():
    """py3langid's ``classify``, loaded once (half a second); None when it is not installed."""
    try:
        import py3langid
    except ImportError:
        log.warning("py3langid is not installed: documents are not checked for their language "
                    "(pip install py3langid)")
        return None
    return py3langid.classify


def language_name(code: str) -> str:
    """``French`` for ``fr``; the code itself for a language not in :data:`NAMES`."""
    return NAMES.get(code, code)


def is_english_code(value: str) -> bool:
    """Whether a metadata ``language`` (``en``, ``EN-us``, ``English``, ``en_GB``) means English."""
    return re.split(r"[-_]", value.strip().casefold())[0] in ENGLISH_NAMES


def detect(text: str) -> str | None:
    """The language code of ``text`` (``en``, ``fr``, ``ur``...), or None when it is not judged: too short
    (under :data:`MIN_WORDS` words) or no detector installed."""
    head = text[:HEAD_CHARS]
    words = _WORD.findall(head.casefold())
    if len(words) < MIN_WORDS:
        return None
    if sum(w in COMMON_ENGLISH for w in words) >= ENGLISH_SHARE * len(words):
        return ENGLISH
    classify = _detector()
    return str(classify(head)[0]) if classify else None


def not_english(text: str, declared: object = None) -> str | None:
    """Why the document is not read (``written in French (fr), not English ...``), or None to read it.
    ``declared`` is the metadata's ``language``, which overrides detection."""
    if isinstance(declared, str) and declared.strip():
        if is_english_code(declared):
            return None
        return (f'marked "language": "{declared}"; only English documents are read '
                '(the attribution rules and the stance models are English)')
    code = detect(text)
    if code is None or code == ENGLISH:
        return None
    return (f"written in {language_name(code)} ({code}), not English; only English documents are read "
            '(if it is English, give it "language": "en" in its manifest line or row)')
