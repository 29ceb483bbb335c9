"""Documents to token windows and back: BIO labels from character spans,
character spans from predicted tags."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stance.attribution.tagger.config import ROLES, TAGS
from stance.records import Span


@dataclass(frozen=True)
class Window:
    """Token ids (no special tokens) with their character offsets into the document."""

    ids: tuple[int, ...]
    offsets: tuple[tuple[int, int], ...]


def windows(text: str, tokenizer, size: int) -> list[Window]:
    """Cut ``text`` into windows of at most ``size - 2`` tokens, ending each at
    the last paragraph break in its second half when there is one."""
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids, offsets = enc["input_ids"], enc["offset_mapping"]
    room, out, start = size - 2, [], 0
    while start < len(ids):
        end = min(start + room, len(ids))
        if end < len(ids):
            breaks = [k for k in range(start + room // 2, end) if "\n" in text[offsets[k - 1][1]:offsets[k][0]]]
            if breaks:
                end = breaks[-1]
        out.append(Window(tuple(ids[start:end]), tuple(tuple(o) for o in offsets[start:end])))
        start = end
    return out


# Painting order: a source or cue nested in another attribution's content
# ("X said that Y claimed ...") keeps its own tag; the content around it is
# split there.  Painting content last taught the tagger that about one nested
# source or cue in seven (PolNeAR train) is content.
_PAINT_ORDER = ("content", "cue", "source")


def bio_labels(window: Window, spans: Mapping[str, Sequence[Span]]) -> list[int]:
    """One tag id per token: ``B-role`` on a span's first token, ``I-role`` inside it, ``O`` elsewhere.
    Where spans nest, a source or cue wins over the content that holds it."""
    labels = [0] * len(window.ids)
    for role in sorted(spans, key=lambda r: _PAINT_ORDER.index(r) if r in _PAINT_ORDER else -1):
        role_spans = spans[role]
        for span in role_spans:
            first = True
            for k, (lo, hi) in enumerate(window.offsets):
                if lo >= span.start and hi <= span.end and hi > lo:
                    labels[k] = TAGS.index(f"{'B' if first else 'I'}-{role}")
                    first = False
    return labels


def decode(window: Window, tags: Sequence[int], text: str) -> dict[str, list[Span]]:
    """Spans per role from one window's tag ids (an ``I`` with no ``B`` opens a span)."""
    out: dict[str, list[Span]] = {role: [] for role in ROLES}
    current: list | None = None  # [role, start, end]

    def close():
        if current is not None:
            out[current[0]].append(Span(current[1], current[2], text[current[1]:current[2]]))

    for (lo, hi), tag in zip(window.offsets, tags):
        name = TAGS[tag]
        if name == "O":
            close()
            current = None
            continue
        bio, role = name.split("-", 1)
        if current is not None and current[0] == role and bio == "I":
            current[2] = hi
        else:
            close()
            current = [role, lo, hi]
    close()
    return out


def words(window: Window, text: str) -> list[tuple[int, int]]:
    """Token index ranges ``[i, j)`` of the window's words: a token joins the one
    before it when nothing separates them and both sides of the seam are letters
    or digits (word pieces: "Tomp" + "kins"); punctuation is a word of its own."""
    out, start = [], 0
    offsets = window.offsets
    for k in range(1, len(offsets) + 1):
        if k == len(offsets) or offsets[k][0] != offsets[k - 1][1] or not (
                text[offsets[k - 1][1] - 1].isalnum() and text[offsets[k][0]].isalnum()):
            out.append((start, k))
            start = k
    return out


_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Pres|Prof|Rev|Sr|Jr|St|Ft)|\b[A-Z])$")
"""A span ending in a title or an initial goes on over the full stop ("Mr. Obama", "Donald J. Trump")."""


_JOINED = ("source", "cue")


def _joins(role: str, current: list, start: int, text: str) -> bool:
    """Whether a new span of ``role`` at ``start`` goes on the one before it (``[role, start, end, ...]``)."""
    gap = text[current[2]:start]
    return role in _JOINED and (
        gap == " " or (gap in (".", ". ") and bool(_ABBREVIATION.search(text[current[1]:current[2]]))))


def _allowed(prev: str, tag: str) -> bool:
    """BIO: an ``I-role`` follows a ``B-role`` or ``I-role`` of the same role."""
    return not tag.startswith("I-") or (prev != "O" and prev[2:] == tag[2:])


_INSIDE = [TAGS.index(f"I-{t[2:]}") if t != "O" else 0 for t in TAGS]
"""For each tag, the tag a word's later pieces carry under it (``I-role`` for ``B-`` and ``I-role``; ``O``)."""
_TRANSITION = [[0.0 if _allowed(p, t) else float("-inf") for t in TAGS] for p in TAGS]
_FIRST = [0.0 if not t.startswith("I-") else float("-inf") for t in TAGS]


def viterbi_words(window: Window, log_probs, text: str) -> dict[str, list[Span]]:
    """Spans per role from per-token log-probabilities (``[tokens, tags]``): a
    tag per word, the best BIO-valid sequence.  A word's ``B-role`` score is its
    first token's ``B-role`` plus its other tokens' ``I-role``; ``I-role`` and
    ``O`` sum over all its tokens, so a word is never split between a span and
    the text around it.  Source or cue spans separated by a single space are
    joined ("Donald" + "Trump"); contents are not (two sentences, two quotes)."""
    import numpy as np

    lp = np.asarray(log_probs, dtype=float)
    spans_of_words = words(window, text)
    if not spans_of_words:
        return {role: [] for role in ROLES}
    scores = np.stack([lp[i] + lp[i + 1:j][:, _INSIDE].sum(0) for i, j in spans_of_words])
    transition = np.array(_TRANSITION)
    best, back = scores[0] + np.array(_FIRST), []
    for w in range(1, len(scores)):
        cand = best[:, None] + transition
        back.append(cand.argmax(0))
        best = cand.max(0) + scores[w]
    tags = [int(best.argmax())]
    for ptr in reversed(back):
        tags.append(int(ptr[tags[-1]]))
    tags.reverse()
    found: list[list] = []  # [role, start, end, index of the token after it], in text order
    for (i, j), tag in zip(spans_of_words, tags):
        name = TAGS[tag]
        if name == "O":
            continue
        lo, hi = window.offsets[i][0], window.offsets[j - 1][1]
        previous = found[-1] if found else None
        continues = name.startswith("I-") and previous is not None and previous[0] == name[2:] and previous[3] == i
        if previous is not None and (continues or (previous[0] == name[2:] and _joins(name[2:], previous, lo, text))):
            previous[2], previous[3] = hi, j
        else:
            found.append([name[2:], lo, hi, j])
    out: dict[str, list[Span]] = {role: [] for role in ROLES}
    for role, start, end, _ in found:
        out[role].append(Span(start, end, text[start:end]))
    return out
