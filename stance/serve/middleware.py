"""The app's middleware: the request body limit (413) and the JSON access log."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import Request, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("stance.api")
TOO_LARGE = 413


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, or answer 413 once its body is known to be over the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and int(declared) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await _too_large(send, self.limit)


class _TooLarge(Exception):
    pass


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit} bytes; send smaller batches"}).encode()
    await send({"type": "http.response.start", "status": TOO_LARGE,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def access_log(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """One JSON line per request on the ``stance.api`` logger: method, path, status and milliseconds."""
    started = time.perf_counter()
    response = await call_next(request)
    log.info(json.dumps({"method": request.method, "path": request.url.path, "status": response.status_code,
                         "ms": round(1000 * (time.perf_counter() - started), 1)}))
    return response
