"""Documents to token windows and back: BIO labels from character spans,
character spans from predicted tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..records import Span
from .config import ROLES, TAGS


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


def bio_labels(window: Window, spans: dict[str, Sequence[Span]]) -> list[int]:
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
