"""Word (``.docx``) and PDF files as article text, through python-docx and pypdf (the ``documents`` extra).

Only the title is taken from a file's properties: their author and dates name whoever last saved the file,
not who wrote or published the article, so those come from the manifest or the text.  A PDF's text is
its text layer, page by page; a scanned PDF without one is skipped.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from stance.ingest.skipped import Unreadable

DOCX, PDF = ".docx", ".pdf"
DOCUMENT_SUFFIXES = (DOCX, PDF)
FIX = "pip install 'stance[documents]'"
"""How to get both readers."""


@dataclass(frozen=True)
class Document:
    """A file's text, a blank line between paragraphs (or pages), and its title when its properties hold one."""

    text: str
    title: str | None = None


def _title(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def read_docx(path: Path) -> Document:
    """The paragraphs of a Word file, or :class:`Unreadable` (no python-docx, not a Word file, no text)."""
    try:
        import docx
        from docx.opc.exceptions import OpcError
    except ImportError:
        raise Unreadable(f"no DOCX reader: {FIX}") from None
    try:
        document = docx.Document(str(path))
    except (OpcError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise Unreadable(f"cannot be read as a Word .docx file ({exc}); re-save it from Word as .docx") from None
    text = "\n\n".join(p.text.strip() for p in document.paragraphs if p.text.strip())
    if not text:
        raise Unreadable("holds no text")
    return Document(text, _title(document.core_properties.title))


def read_pdf(path: Path) -> Document:
    """The text layer of a PDF, page after page, or :class:`Unreadable` (no pypdf, encrypted, broken,
    or scanned without text)."""
    try:
        import pypdf
    except ImportError:
        raise Unreadable(f"no PDF reader: {FIX}") from None
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("is encrypted; save a copy without a password")
        pages = [(page.extract_text() or "").strip() for page in reader.pages]
        title = _title(reader.metadata.title) if reader.metadata else None
    except Unreadable:
        raise
    except Exception as exc:  # pypdf raises many kinds on a damaged file; each is the same skip
        raise Unreadable(f"cannot be read as a PDF ({type(exc).__name__}: {exc})") from None
    text = "\n\n".join(p for p in pages if p)
    if not text:
        raise Unreadable("has no text layer (a scanned PDF?); run OCR on it, or save its text as .txt")
    return Document(text, title)
