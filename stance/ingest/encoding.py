"""Bytes into text: the encoding asked for (``--encoding``), a byte-order mark that says otherwise, NUL bytes,
and lines split on ``"\\n"`` alone.

A file that starts with a byte-order mark is read in the encoding the mark names: UTF-8 (``EF BB BF``) or
UTF-16 (``FF FE``, ``FE FF``), with a note when ``--encoding`` named another.  ``--encoding utf-16`` (or
``utf-16-le``, ``utf-32``...) reads a file as given.  A NUL byte in a file read in a one-byte or UTF-8
encoding means a binary file, or UTF-16 without a mark: the error says so.

Lines end at ``"\\n"`` only, never at the other characters :meth:`str.splitlines` breaks on (U+2028,
U+2029, U+0085, ``\\x1c``...), which JSON text may hold unescaped inside a string.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from stance.errors import ConfigError, InputError

SNIFF_BYTES = 4096
"""How much of a file is read to look for a byte-order mark and judge it."""
UTF16_MARKS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
BINARY = "looks like a binary file (it contains NUL bytes); expected plain text"
UTF16_HINT = "a UTF-16 file without a byte-order mark reads with --encoding utf-16"


@dataclass(frozen=True)
class Encoding:
    """The codec a file is read with, and the note to give when a byte-order mark chose it over the one asked."""

    codec: str
    note: str | None = None

    @property
    def wide(self) -> bool:
        """Whether a character takes two or four bytes (a NUL byte is then no sign of a binary file)."""
        return self.codec.startswith(("utf-16", "utf-32"))


def codec_name(encoding: str) -> str:
    """Python's name of an encoding (``UTF8`` is ``utf-8``), or a :class:`ConfigError` for an unknown one."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ConfigError(f"--encoding {encoding!r}: unknown encoding; expected a Python codec name such as utf-8, "
                          "utf-16 or cp1252") from None


def _utf16_text(head: bytes) -> bool:
    """Whether bytes that start with a UTF-16 mark read as UTF-16 text: no NUL character and some ASCII
    (spaces, digits, Latin letters: every English text has them).  ``FF FE 20 62 61 64`` reads as two
    CJK characters, so it is taken for a mis-encoded file, not UTF-16."""
    text = head[:len(head) - len(head) % 2].decode("utf-16", errors="replace")
    return "\x00" not in text and any(" " <= ch < "\x7f" for ch in text)


def sniff(head: bytes, encoding: str, path: object) -> Encoding:
    """The codec for a file whose first bytes are ``head``, asked to be read as ``encoding``."""
    asked = codec_name(encoding)
    if asked.startswith(("utf-16", "utf-32")):
        return Encoding(asked)
    if head.startswith(codecs.BOM_UTF8):
        agree = asked in ("utf-8", "utf-8-sig")
        return Encoding("utf-8-sig", None if agree else
                        f"{path}: starts with a UTF-8 byte-order mark; read as UTF-8, not {encoding}")
    if head[:2] in UTF16_MARKS and _utf16_text(head):
        return Encoding("utf-16", f"{path}: starts with a UTF-16 byte-order mark; read as UTF-16, not {encoding}")
    return Encoding(asked)


def _shown(chosen: Encoding, encoding: str) -> str:
    """The encoding a message names: the one asked, unless a mark chose another (``utf-8-sig`` shows as utf-8)."""
    return encoding if chosen.codec == codec_name(encoding) else chosen.codec.removesuffix("-sig")


def _not_valid(path: object, shown: str, byte: int, offset: int, line: int | None = None) -> InputError:
    return InputError(path, f"is not valid {shown} text (byte 0x{byte:02x} at offset {offset}); re-save it as UTF-8 "
                      "or pass --encoding (for example cp1252 or utf-16)", line)


def decode(data: bytes, path: object, encoding: str = "utf-8", line: int | None = None) -> tuple[str, str | None]:
    """The text of a whole file's bytes (a leading byte-order mark dropped) and the note of :func:`sniff`;
    an :class:`InputError` naming the file for binary or mis-encoded bytes."""
    chosen = sniff(data[:SNIFF_BYTES], encoding, path)
    if not chosen.wide and b"\x00" in data:
        raise InputError(path, f"{BINARY} ({UTF16_HINT})", line)
    try:
        text = data.decode(chosen.codec)
    except UnicodeDecodeError as exc:
        raise _not_valid(path, _shown(chosen, encoding), data[exc.start], exc.start, line) from None
    if "\x00" in text:
        raise InputError(path, BINARY, line)
    return text.lstrip("\ufeff"), chosen.note


def read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(SNIFF_BYTES)


def _failure(path: Path, chosen: Encoding, encoding: str, exc: UnicodeDecodeError, near: int) -> InputError:
    """The error for a file that fails to decode part way: the line and byte, found again by reading the
    bytes line by line (a UTF-16 file names the line near which reading stopped)."""
    shown = _shown(chosen, encoding)
    if chosen.wide:
        return InputError(path, f"is not valid {shown} text (near this line: {exc.reason}); re-save it as UTF-8 or "
                          "pass the file's --encoding", near)
    codec = "utf-8" if chosen.codec == "utf-8-sig" else chosen.codec
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                raw.decode(codec)
            except UnicodeDecodeError as bad:
                return _not_valid(path, shown, raw[bad.start], offset + bad.start, number)
            offset += len(raw)
    return _not_valid(path, shown, exc.object[exc.start], exc.start)


def lines(path: Path, encoding: str = "utf-8", notes: list[str] | None = None, *,
          newline: str = "\n", nul_ok: bool = False) -> Iterator[tuple[int, str]]:
    """``(number, line)`` for each line of a text file, read as a stream (memory flat in the file's size),
    each line with its ending.  Lines end at ``"\\n"`` only; ``newline=""`` also ends them at ``"\\r"``
    (what :mod:`csv` needs).  The note of :func:`sniff` is appended to ``notes``.  A NUL character
    (unless ``nul_ok``) or bytes that do not decode raise an :class:`InputError` naming the line."""
    chosen = sniff(read_head(path), encoding, path)
    if chosen.note and notes is not None:
        notes.append(chosen.note)
    number = 0
    with path.open(encoding=chosen.codec, newline=newline) as handle:
        try:
            for number, line in enumerate(handle, 1):
                if not nul_ok and "\x00" in line:
                    raise InputError(path, BINARY if chosen.wide else f"{BINARY} ({UTF16_HINT})", number)
                yield number, line.lstrip("\ufeff") if number == 1 else line
        except UnicodeDecodeError as exc:
            raise _failure(path, chosen, encoding, exc, number + 1) from None


_KEPT_BREAKS = re.compile("([\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])")
"""Line breaks and separators: ``ftfy`` reads each piece between them alone, and they stay as written (``ftfy``
would take a NEL, ``\\x85``, for the Windows-1252 ellipsis)."""


def repair_mojibake(text: str) -> str:
    """``text`` with mojibake undone line by line (``PeÃ±a Nieto`` -> ``Peña Nieto``, ``donâ€™t`` -> ``don’t``) by
    ``ftfy``'s encoding fixer alone; every other line comes back exactly as written (quotation marks, dashes,
    widths, composed or decomposed accents), so offsets into text without mojibake never move.  Line by line,
    because one line written right keeps ``ftfy`` from fixing a whole text; a line is read composed (NFC), because
    mojibake stored decomposed (``A`` and a combining tilde for ``Ã``) is not recognised otherwise."""
    if text.isascii():
        return text
    import ftfy

    def fixed(piece: str) -> str:
        composed = unicodedata.normalize("NFC", piece)
        repaired = ftfy.fix_encoding(composed)
        return repaired if repaired != composed else piece

    return "".join(piece if k % 2 else fixed(piece) for k, piece in enumerate(_KEPT_BREAKS.split(text)))
