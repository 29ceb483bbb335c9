"""The service's settings and the limits it enforces, in one place to read or change them."""

from __future__ import annotations

from dataclasses import dataclass, field

from stance.attribution.parser import DEFAULT_PARSER

MAX_BODY_BYTES = 10 * 1024 * 1024
"""Largest request body accepted; a bigger one is refused with 413."""
DEFAULT_PAGE_SIZE = 50
"""Items per page when a list request names no ``limit``."""
MAX_PAGE_SIZE = 500
"""Largest ``limit`` a list request may ask for."""
MAX_BATCH_DOCUMENTS = 1000
"""Most documents in one ``POST /documents`` batch."""
MAX_TEXT_CHARS = 5_000_000
"""Longest document text accepted."""
MAX_ID_CHARS = 300
MAX_DATE_CHARS = 40
MAX_SOURCE_CHARS = 300
MAX_URL_CHARS = 2000
DEFAULT_PERIOD = "month"
"""The period positions are computed over when a request names none."""


@dataclass
class Settings:
    """How one app is set up: where its store is, its API keys, the models the pipeline loads and the
    registries it reads with (``issues``, ``actors``: YAML files; None: the shipped ones)."""

    db: str = "stance-data"
    keys_file: str | None = None
    model: str | None = None
    tagger: str | None = "auto"
    parser: str | None = DEFAULT_PARSER
    issues: str | None = None
    actors: str | None = None
    max_body: int = MAX_BODY_BYTES
    key_hashes: frozenset[str] = field(default_factory=frozenset)
