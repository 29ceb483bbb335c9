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
BODY_TIMEOUT_SECONDS = 30.0
"""Longest a client may take to send a request body; a slower one is answered 408."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Names of this machine for itself: a server bound to one answers to all of them."""
ANY_ADDRESS = ("0.0.0.0", "::")
"""Bind addresses that listen on every interface: the names clients use cannot be known from them."""


@dataclass
class Settings:
    """How one app is set up: where its store is, its API keys, the models the pipeline loads and the
    registries it reads with (``issues``, ``actors``: YAML files; None: the shipped ones).

    Access: with keys (``key_hashes``, or ``keys_file`` read when the app is made) every route but
    ``/health`` and the docs needs an ``X-API-Key``, reads too unless ``public_reads``.  ``host`` is the
    address the server listens on and ``allowed_hosts`` the ``Host`` names it answers to (empty: those
    of :meth:`answered_hosts`); ``body_timeout`` is the seconds a client has to send a request body.
    """

    db: str = "stance-data"
    keys_file: str | None = None
    model: str | None = None
    tagger: str | None = "auto"
    parser: str | None = DEFAULT_PARSER
    issues: str | None = None
    actors: str | None = None
    max_body: int = MAX_BODY_BYTES
    key_hashes: frozenset[str] = field(default_factory=frozenset)
    public_reads: bool = False
    host: str = "127.0.0.1"
    allowed_hosts: tuple[str, ...] = ()
    body_timeout: float = BODY_TIMEOUT_SECONDS

    def answered_hosts(self) -> tuple[str, ...]:
        """The ``Host`` names requests may carry: ``allowed_hosts`` if given, else the bound address,
        with every loopback name for a loopback bind, or any name (``*``) for ``0.0.0.0``/``::``.

        >>> Settings(host="::1").answered_hosts()
        ('::1', '127.0.0.1', 'localhost')
        >>> Settings(host="10.0.0.5").answered_hosts(), Settings(host="0.0.0.0").answered_hosts()
        (('10.0.0.5',), ('*',))
        >>> Settings(host="0.0.0.0", allowed_hosts=("api.example.org",)).answered_hosts()
        ('api.example.org',)
        """
        if self.allowed_hosts:
            return self.allowed_hosts
        if self.host in ANY_ADDRESS:
            return ("*",)
        if self.host in LOOPBACK_HOSTS:
            return (self.host, *(h for h in LOOPBACK_HOSTS if h != self.host))
        return (self.host,)
