"""Offsets as DNA counts them, and back.

DNA (Java) marks a statement by ``Start``/``Stop`` offsets into the document as its text panel holds it:

* Java strings count **UTF-16 code units**: a character outside the Basic Multilingual Plane (most
  emoji, some CJK) counts 2, every other character 1.  Python counts code points, each 1.
* The text panel (``JTextPane.setText``) turns every ``\\r\\n`` and lone ``\\r`` into ``\\n`` before it
  counts.

So ``"Café 😀 said"`` puts ``said`` at Python index 7 and at DNA offset 8, and ``"a\\r\\nb"`` puts ``b``
at Python index 3 of the raw text but at DNA offset 2.  :class:`OffsetMap` converts one document's
offsets both ways; :func:`panel_text` gives the text as the panel shows it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

_BMP_END = 0xFFFF


def panel_text(text: str) -> str:
    """The text as DNA's text panel holds it: ``\\r\\n`` and lone ``\\r`` become ``\\n``.

    >>> panel_text("one\\r\\ntwo\\rthree")
    'one\\ntwo\\nthree'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def panel_index(text: str, index: int) -> int:
    """The index in :func:`panel_text` of ``text`` of the character at ``index`` in ``text``: every
    ``\\r\\n`` before it counts one less.

    >>> panel_index("a\\r\\nb", 3)
    2
    """
    return index - text.count("\r\n", 0, index + 1 if text[index:index + 1] == "\n" else index)


def utf16_length(text: str) -> int:
    """How many UTF-16 code units Java counts in ``text``: ``utf16_length("😀a") == 3``."""
    return len(text) + sum(1 for ch in text if ord(ch) > _BMP_END)


@dataclass(frozen=True)
class OffsetMap:
    """Python string indices of one text <-> Java (UTF-16) offsets.

    ``astral`` holds the Python index of each character outside the BMP, in order.  Build one with
    :meth:`of`.

    >>> m = OffsetMap.of("Café 😀 said")
    >>> m.to_java(7), m.to_python(8)
    (8, 7)
    """

    length: int
    astral: tuple[int, ...] = ()

    @classmethod
    def of(cls, text: str) -> OffsetMap:
        """The map of ``text`` (one pass over it)."""
        return cls(len(text), tuple(i for i, ch in enumerate(text) if ord(ch) > _BMP_END))

    def to_java(self, index: int) -> int:
        """The UTF-16 offset of Python index ``index`` (0 to the text's length): the index plus one
        for each astral character before it."""
        if not 0 <= index <= self.length:
            raise ValueError(f"index {index} is outside the text (0 to {self.length})")
        return index + bisect.bisect_left(self.astral, index)

    def to_python(self, offset: int) -> int:
        """The Python index of UTF-16 offset ``offset``; a ValueError for an offset past the end or
        between the two halves (surrogates) of one character."""
        # an astral character at Python index a, with k astral characters before it, covers Java
        # offsets a + k and a + k + 1; an offset equal to a + k + 1 falls inside it
        ends = [a + k + 2 for k, a in enumerate(self.astral)]
        passed = bisect.bisect_right(ends, offset)
        index = offset - passed
        if passed < len(self.astral) and self.astral[passed] + passed < offset:
            raise ValueError(f"offset {offset} falls inside a character outside the BMP (an emoji's two halves)")
        if not 0 <= index <= self.length:
            raise ValueError(f"offset {offset} is outside the text (0 to {self.to_java(self.length)})")
        return index
