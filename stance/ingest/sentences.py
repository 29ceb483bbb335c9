"""Sentence segmentation with character offsets into the original text.

pysbd finds the sentences of each kept paragraph.  Its time grows with the square of what it reads (one
paragraph of 4,000 sentences took 52 s of CPU, one of 100,000 never ended), so it never reads more than
:data:`SEGMENT_CHARS` characters at once: a paragraph up to that length is read whole, exactly as
before, and a longer one in overlapping windows (:func:`_windowed`), which keeps the work linear in the
paragraph's length: 4,000 sentences (267,000 characters) take 2.9 s of CPU, 100,000 (6.7 million
characters) 63 s (``python scripts/bench_sentences.py``).  Stitching the sentences together is linear too.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from stance.records import Article, Sentence, Span

_DATELINE = re.compile(
    r"^(?:date\s+)?(?:\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})"
    r"\s*[:\-—–]?\s+", re.I)
"""A dateline glued to the first sentence (``date 2021-06-19 Pakistan's PM said ...``)."""
SEGMENT_CHARS = 5_000
"""The most characters pysbd reads at once.  Every paragraph of the seeds and the demo corpus is under
600 characters, so they are all read whole; pysbd takes about 60 ms on a window of this size."""
CONTEXT_CHARS = 1_000
"""Of a window, the characters after a sentence's end that pysbd must have seen for the sentence to be
kept from that window (its rules look a few words ahead; a quotation, further)."""
_CLOSING = ("”", '"', "’")


def _open_quote(text: str, is_open: bool = False) -> bool:
    """Whether a quotation is open after ``text``, when one was open before it (``is_open``): True when
    the segmenter cut inside a quotation.  ``_open_quote('“We will', False)`` is True,
    ``_open_quote(' not.” He left.', True)`` is False."""
    for ch in text:
        if ch == "“":
            is_open = True
        elif ch == "”":
            is_open = False
        elif ch == '"':
            is_open = not is_open
    return is_open


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False, char_span=True)


class _Piece(NamedTuple):
    sent: str
    start: int


_INNER_BREAK = re.compile(r"[.!?…:;\n\r]")
_CLOSERS = " \t\r\n\"'”’)]"


def _pieces(text: str) -> list:
    """pysbd's sentences of ``text`` (``.sent``, ``.start``); a text with no
    sentence mark before its last one is one sentence without asking pysbd,
    which costs about 7 ms a paragraph; a text over :data:`SEGMENT_CHARS` is read in windows."""
    core = text.rstrip(_CLOSERS).rstrip(".!?…")
    if not _INNER_BREAK.search(core):
        return [_Piece(text, 0)]
    if len(text) > SEGMENT_CHARS:
        return _windowed(text)
    return _segmenter().segment(text)


def _windowed(text: str) -> list[_Piece]:
    """The sentences of a text longer than :data:`SEGMENT_CHARS`, pysbd reading one window of that many
    characters at a time.

    From each window the sentences that end at least :data:`CONTEXT_CHARS` before the window's end are
    kept (never its last, which the window may cut), and the next window starts where the last kept one
    ends.  A window of 5,000 characters thus moves on by about 4,000: on a 12,000-character text, pysbd
    reads 0-5,000, then about 4,000-9,000, then about 8,000 to the end.  A window in which no sentence
    ends early enough (a 4,000-character run-on) is cut after the last space before its context."""
    out: list[_Piece] = []
    keep_until = SEGMENT_CHARS - CONTEXT_CHARS
    pos = 0
    while len(text) - pos > SEGMENT_CHARS:
        window = text[pos:pos + SEGMENT_CHARS]
        kept = [p for p in _segmenter().segment(window)[:-1] if p.start + len(p.sent) <= keep_until]
        if kept:
            out += [_Piece(p.sent, pos + p.start) for p in kept]
            pos += kept[-1].start + len(kept[-1].sent)
        else:
            cut = window.rfind(" ", 0, keep_until) + 1 or keep_until
            out.append(_Piece(window[:cut], pos))
            pos += cut
    return out + [_Piece(p.sent, pos + p.start) for p in _segmenter().segment(text[pos:])]


def split_sentences(article: Article) -> list[Sentence]:
    """The sentences of an article's kept paragraphs, each a span of ``article.text``.

    A piece with no letter or digit, a piece that continues an open quotation, and a short tail
    (six words at most) after a closing quote join the sentence before them in the same paragraph."""
    found: list[tuple[int, int, int]] = []  # (start, end, paragraph) of each sentence so far
    quote_open = False  # whether a quotation is open at the end of the last sentence
    text = article.text
    paragraphs = article.paragraphs or (Span(0, len(text), text),)
    for p_index, para in enumerate(paragraphs):
        for piece in _pieces(para.text):
            raw = piece.sent
            lead = len(raw) - len(raw.lstrip())
            body = raw.strip()
            if not body:
                continue
            start = para.start + piece.start + lead
            dateline = _DATELINE.match(body)
            if dateline and dateline.end() < len(body):
                start += dateline.end()
                body = body[dateline.end():]
            end = start + len(body)
            same = bool(found) and found[-1][2] == p_index
            tail = len(body.split()) <= 6 and bool(found) and text[found[-1][1] - 1] in _CLOSING
            if same and (not any(c.isalnum() for c in body) or quote_open or tail):
                first, last, _ = found[-1]
                found[-1] = (first, end, p_index)
                quote_open = _open_quote(text[last:end], quote_open)
                continue
            found.append((start, end, p_index))
            quote_open = _open_quote(body)
    return [Sentence(article.doc_id, index, Span(start, end, text[start:end]), p_index)
            for index, (start, end, p_index) in enumerate(found)]
