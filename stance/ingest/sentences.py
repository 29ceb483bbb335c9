"""Sentence segmentation with character offsets into the original text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from stance.records import Article, Sentence, Span

_DATELINE = re.compile(
    r"^(?:date\s+)?(?:\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})"
    r"\s*[:\-—–]?\s+", re.I)
"""A dateline glued to the first sentence (``date 2021-06-19 Pakistan's PM said ...``)."""


def _open_quote(text: str) -> bool:
    """True when a quotation opened in ``text`` is not closed there (the segmenter cut inside it)."""
    is_open = False
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
    which costs about 7 ms a paragraph."""
    core = text.rstrip(_CLOSERS).rstrip(".!?…")
    if not _INNER_BREAK.search(core):
        return [_Piece(text, 0)]
    return _segmenter().segment(text)


def split_sentences(article: Article) -> list[Sentence]:
    """The sentences of an article's kept paragraphs, each a span of ``article.text``."""
    out: list[Sentence] = []
    paragraphs = article.paragraphs or (Span(0, len(article.text), article.text),)
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
            if not any(c.isalnum() for c in body) and out and out[-1].paragraph == p_index:
                prev = out[-1]
                end = start + len(body)
                out[-1] = Sentence(prev.doc_id, prev.index, Span(prev.span.start, end,
                                   article.text[prev.span.start:end]), p_index)
                continue
            tail = len(body.split()) <= 6 and out and out[-1].span.text.rstrip().endswith(("”", '"', "’"))
            if out and out[-1].paragraph == p_index and (_open_quote(out[-1].span.text) or tail):
                prev = out[-1]
                end = start + len(body)
                out[-1] = Sentence(prev.doc_id, prev.index, Span(prev.span.start, end,
                                   article.text[prev.span.start:end]), p_index)
                continue
            out.append(Sentence(article.doc_id, len(out), Span(start, start + len(body), body), p_index))
    return out
