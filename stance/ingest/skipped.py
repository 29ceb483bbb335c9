"""What a corpus load passed over, and why: the record, the readers' signal, and the summary the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SHOWN = 5
"""Skipped inputs named in the one-line summary; the rest are counted."""


@dataclass(frozen=True)
class Skipped:
    """One file (or one row of a table, ``path:line``) that was not read, with the reason and, where one exists,
    the fix."""

    path: str
    reason: str
    rejected: bool = False
    """True for a document refused for what it holds (a bad id, a NUL character, over a limit:
    :mod:`stance.ingest.checks`); False for one passed over by design (a symbolic link, an image, a PDF
    without its reader, a document not in English)."""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Unreadable(Exception):
    """Raised by a reader for a file it passes over (no reader installed, no article text, not a feed);
    the loader lists it as :class:`Skipped` and goes on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CorpusReport:
    """What a load said besides its articles: the inputs skipped and the warnings (unknown manifest keys)."""

    root: str
    """The corpus path as given: skipped paths are shown relative to it."""
    skipped: tuple[Skipped, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def rejected(self) -> tuple[Skipped, ...]:
        """The documents refused for what they hold (:attr:`Skipped.rejected`)."""
        return tuple(s for s in self.skipped if s.rejected)

    def short(self, item: Skipped) -> str:
        """The path from the corpus folder (``sub/a.pdf``), or from a corpus file's folder (``c.jsonl:4``)."""
        path, root = Path(item.path), Path(self.root)
        base = root if root.is_dir() else root.parent
        return path.relative_to(base).as_posix() if path.is_relative_to(base) else item.path

    def summary(self) -> str | None:
        """``skipped 3 files: a.pdf (no PDF reader: ...), ...``, naming the first :data:`SHOWN`; None when none."""
        if not self.skipped:
            return None
        n = len(self.skipped)
        noun = "file" if all(Path(s.path).exists() for s in self.skipped) else "input"
        named = ", ".join(f"{self.short(s)} ({s.reason})" for s in self.skipped[:SHOWN])
        more = f", and {n - SHOWN} more" if n > SHOWN else ""
        return f"skipped {n} {noun}{'s' if n != 1 else ''}: {named}{more}"

    def lines(self) -> list[str]:
        """Every warning, then the summary of skips: what the CLI prints to standard error."""
        summary = self.summary()
        return [*self.warnings, *([summary] if summary else [])]
