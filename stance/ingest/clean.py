"""Web cruft removal: which paragraphs of a scraped article are the article.

Paragraphs stay spans of the original text, so every offset the pipeline
reports points into the document exactly as it was read.
"""

from __future__ import annotations

import re

from stance.records import Span

_CRUFT_LINE = re.compile(
    r"^(?:also read|read more|read also|see also|related)\b.*"
    r"|^(?:share this (?:post|article|story)|leave a reply|skip to (?:main )?content|latest news|thumbnail"
    r"|advertisement|subscribe\b.*|follow us\b.*|sign up\b.*|go ?to ?top|print|email|tweet|share)$"
    r"|^\d+\s*mins?\.? read$"
    r"|^(?:home|world|news)\s*[|»>/].*",
    re.I,
)
_TAIL_MARKER = re.compile(
    r"^(?:previous (?:story|article|post)|next (?:story|article|post)|latest from\b.*|don'?t miss"
    r"|related (?:posts|articles|stories|news)|you may also like|more from\b.*|leave a reply|comments?)$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?\"'”’)]\s*$")
_WORD = re.compile(r"\w+")


def split_paragraphs(text: str) -> list[Span]:
    """Blocks between blank lines; a block is split into its lines unless it
    looks hard-wrapped (several long lines that do not end a sentence)."""
    out: list[Span] = []
    for block in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        lines = list(re.finditer(r"[^\n]+", block.group()))
        body = lines[:-1]
        wrapped = len(lines) >= 3 and sum(
            55 <= len(m.group().strip()) <= 100 and not _SENTENCE_END.search(m.group()) for m in body
        ) >= 0.8 * len(body)
        pieces = [(block.start(), block.end())] if wrapped else [
            (block.start() + m.start(), block.start() + m.end()) for m in lines]
        for start, end in pieces:
            chunk = text[start:end]
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk.rstrip())
            if trail > lead:
                out.append(Span(start + lead, start + trail, chunk[lead:trail]))
    return out


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def clean_paragraphs(paragraphs: list[Span]) -> list[Span]:
    """Drop menu lines, teasers and sharing widgets, everything after a
    teaser block starts (``Previous Story``, ``Don't Miss``...) once the body
    has begun, and any paragraph repeated earlier in the article."""
    kept: list[Span] = []
    seen: set[str] = set()
    body_started = False
    for p in paragraphs:
        line = p.text.strip()
        if _TAIL_MARKER.match(line) and body_started:
            break
        if _CRUFT_LINE.match(line) or _TAIL_MARKER.match(line):
            continue
        key = _key(line)
        if not key or key in seen:
            continue
        seen.add(key)
        kept.append(p)
        body_started = body_started or len(key.split()) >= 20
    return kept
