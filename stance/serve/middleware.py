"""The app's middleware: the Host check (400), the API key check (401), the request body limit and
timeout (413, 408) and the JSON access log."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO

import anyio
from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from stance.serve.config import BODY_TIMEOUT_SECONDS
from stance.serve.keys import key_id, matching_hash

log = logging.getLogger("stance.api")
BAD_REQUEST, UNAUTHORISED, TIMEOUT, TOO_LARGE = 400, 401, 408, 413
KEY_REQUIRED = "this endpoint needs a valid X-API-Key header"
"""The 401's detail (a wrong key adds that it is not one of the server's)."""
READS = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods that read: open to anyone under ``--public-reads``."""
OPEN_PATHS = frozenset({"/health", "/openapi.json", "/docs", "/redoc"})
"""Paths served without a key (with ``/docs/...``): whether the service is up, and how to call it."""


class BodyLimit:
    """Read the whole request body before the app sees it: one over ``limit`` bytes, declared in
    ``Content-Length`` or counted as it arrives (chunked too), is answered 413 as soon as it is known,
    and one not complete ``timeout`` seconds after the first read is answered 408, so a slow client
    holds no worker.  A ``Content-Length`` that is not a number is answered 400."""

    def __init__(self, app: ASGIApp, limit: int, timeout: float = BODY_TIMEOUT_SECONDS) -> None:
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with its body read, or answer 400, 408 or 413."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and not declared.isdigit():
            await answer(send, BAD_REQUEST, f"Content-Length {declared.decode('latin-1')!r} is not a number of "
                                            "bytes; send the body's length in bytes, or no Content-Length")
            return
        if declared is not None and int(declared) > self.limit:
            await answer(send, TOO_LARGE, self._too_large())
            return
        chunks, size = [], 0
        try:
            with anyio.fail_after(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":  # the client went away: nobody to answer
                        return
                    size += len(message.get("body", b""))
                    if size > self.limit:
                        await answer(send, TOO_LARGE, self._too_large())
                        return
                    chunks.append(message.get("body", b""))
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            await answer(send, TIMEOUT, f"the request body did not arrive within {self.timeout:g} seconds; "
                                        "send it in one go, or in smaller batches")
            return
        await self.app(scope, _replay(b"".join(chunks), receive), send)

    def _too_large(self) -> str:
        return f"request body over {self.limit} bytes; send smaller batches"


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands on ``body`` whole, then whatever comes next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class HostCheck:
    """Answer 400 to a request whose ``Host`` header is not one of ``hosts`` (``*``: any; ``*.example.org``:
    its subdomains; IPv6 with or without brackets; ports ignored), so that a web page whose own name is
    made to resolve to this server's address (DNS rebinding) cannot reach it: its requests carry its name.

    >>> check = HostCheck(None, ["127.0.0.1", "localhost", "[::1]"])
    >>> [check.allows(h) for h in (b"localhost:8000", b"[::1]:8000", b"evil.example:8000", b"a@127.0.0.1")]
    [True, True, False, False]
    """

    def __init__(self, app: ASGIApp, hosts: Sequence[str]) -> None:
        self.app, self.hosts = app, tuple(filter(None, (_host_name(h.encode()) or h for h in hosts)))

    def allows(self, header: bytes | None) -> bool:
        """Whether a ``Host`` header names one of the hosts."""
        if "*" in self.hosts:
            return True
        name = _host_name(header)
        return name is not None and any(name == h or (h.startswith("*.") and name.endswith(h[1:]))
                                        for h in self.hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 400 naming the host and the fix."""
        header = _header(scope, b"host")
        if scope["type"] != "http" or self.allows(header):
            await self.app(scope, receive, send)
            return
        found = repr(header.decode("latin-1")) if header is not None else "none"
        name = _host_name(header) or "NAME"
        await answer(send, BAD_REQUEST, f"Host {found} is not a name this server answers to "
                                        f"({', '.join(self.hosts)}); if it is yours, start the server with "
                                        f"--allowed-hosts {name}")


_HOST = re.compile(r"(?:\[(?P<ip6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*))"
                   r"(?::[0-9]{1,5})?")


def _host_name(header: bytes | None) -> str | None:
    """The host of a ``Host`` header, lower case, without port, brackets or a final dot; None when it
    is not a host name or address (``b"[::1]:8000"`` -> ``"::1"``; ``b"a@b"`` -> None)."""
    match = _HOST.fullmatch(header.decode("latin-1")) if header else None
    if match is None:
        return None
    return (match["ip6"] or match["name"]).lower().rstrip(".")


class KeyCheck:
    """With keys configured, answer 401 to a request without a valid ``X-API-Key`` before its body is
    read: every write, and every read (GET, HEAD, OPTIONS) unless ``public_reads``; ``/health`` and the
    API docs stay open.  A key that is sent must be valid (a wrong one is refused even where none is
    needed).  The id of a valid key (:func:`~stance.serve.keys.key_id`) is put on the request's state
    as ``key_id``, for the access log."""

    def __init__(self, app: ASGIApp, hashes: frozenset[str], public_reads: bool = False) -> None:
        self.app, self.hashes, self.public_reads = app, hashes, public_reads

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 401."""
        if scope["type"] != "http" or not self.hashes:
            await self.app(scope, receive, send)
            return
        sent = _header(scope, b"x-api-key")
        found = matching_hash(sent.decode("latin-1"), self.hashes) if sent else None
        if found is not None:
            scope.setdefault("state", {})["key_id"] = key_id(found)
        elif sent:
            await answer(send, UNAUTHORISED, f"{KEY_REQUIRED}; the one sent is not one of this server's keys")
            return
        elif not (is_open(scope["path"]) or (self.public_reads and scope["method"] in READS)):
            await answer(send, UNAUTHORISED, KEY_REQUIRED)
            return
        await self.app(scope, receive, send)


def is_open(path: str) -> bool:
    """Whether ``path`` is served without a key: ``/health``, ``/openapi.json`` and the docs pages."""
    return path in OPEN_PATHS or path.startswith("/docs/")


def _header(scope: Scope, name: bytes) -> bytes | None:
    """The value of header ``name`` (lower case), or None; the last one when sent twice."""
    found = None
    for key, value in scope.get("headers") or []:
        if key.lower() == name:
            found = value
    return found


async def answer(send: Send, status: int, detail: str) -> None:
    """Send ``{"detail": detail}`` with ``status``: the shape of every error of the API."""
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """One JSON line per request on the ``stance.api`` logger: method, path, status, milliseconds and the
    id of the API key it carried (``key``: None without one; see :class:`KeyCheck`)."""
    started = time.perf_counter()
    response = await call_next(request)
    log.info(json.dumps({"method": request.method, "path": request.url.path, "status": response.status_code,
                         "ms": round(1000 * (time.perf_counter() - started), 1),
                         "key": getattr(request.state, "key_id", None)}))
    return response


class JsonLines(logging.Formatter):
    """Every record as one line of JSON: an access line (already a JSON object) as it is, anything else as
    ``{"level": "warning", "logger": "stance.api", "message": "..."}`` (with ``"error"``, the traceback, when
    there is one), so that the service's log holds nothing but JSON."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if message.startswith("{") and record.exc_info is None:
            try:
                json.loads(message)
                return message
            except ValueError:
                pass
        line = {"level": record.levelname.lower(), "logger": record.name, "message": message}
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line)


@contextmanager
def json_logs(stream: IO[str] | None = None) -> Iterator[logging.Handler]:
    """While the block runs (`stance serve`'s server), write the ``stance.api`` log (one JSON object per
    request, see :func:`access_log`) to ``stream`` (default: stderr) as :class:`JsonLines`, and only there:
    not to the root logger, whose ``LEVEL message`` lines would wrap it.  With uvicorn's own access log off
    (``access_log=False``), each request is logged once.  The logger is put back as it was afterwards."""
    logger = logging.getLogger(log.name)
    saved = (list(logger.handlers), logger.level, logger.propagate)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    logger.handlers[:] = [h for h in logger.handlers if not isinstance(h.formatter, JsonLines)] + [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.handlers[:] = saved[0]
        logger.setLevel(saved[1])
        logger.propagate = saved[2]
