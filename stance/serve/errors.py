"""What can go wrong in a request, and the HTTP status of each kind.

The status is chosen by the exception's type through :data:`ERROR_STATUS`
(the most specific class listed wins), never by its message.  Errors of the
package carry a message written for the caller, which becomes ``detail``; a
database driver's error does not (it names SQL and files), so its ``detail``
is a fixed sentence and the original goes to the log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DatabaseError, OperationalError

from stance.errors import StanceError
from stance.serve.store import CursorError, IdempotencyConflict, StoreError

log = logging.getLogger("stance.api")

UNAVAILABLE_DETAIL = "the database is locked or cannot be reached; try again later"


class NotFound(StanceError):
    """An actor, issue or report the store does not hold."""




class KeyRequired(StanceError):
    """A write without a valid ``X-API-Key`` header while keys are configured."""


class NothingAccepted(StanceError):
    """A ``POST /documents`` that rejected every document; ``result`` is the ingest result saying why."""

    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(f"none of the {len(result['rejected'])} documents was accepted")
        self.result = result


ERROR_STATUS: dict[type[Exception], int] = {
    StanceError: 400,  # any other error of the package: bad input or misuse the request caused
    CursorError: 400,
    KeyRequired: 401,
    NotFound: 404,
    NothingAccepted: 422,
    StoreError: 503,  # the store's own: locked, gone or refusing a write (nothing half-written)
    OperationalError: 503,  # the driver's, where the store did not wrap it (a read on a locked or missing database)
    DatabaseError: 503,  # the driver's, for a damaged database file (a read the store did not wrap)
    IdempotencyConflict: 409,  # an Idempotency-Key sent again with another body
}
"""Exception type -> HTTP status; an exception takes the status of the first class of its MRO listed."""


def status_of(exc: Exception) -> int:
    """The HTTP status of ``exc``: that of the most specific class of its MRO in :data:`ERROR_STATUS`."""
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 500


def detail_of(exc: Exception) -> Any:
    """What the response's ``detail`` says: the package's own message, the ingest result of a batch
    that was refused whole, or a fixed sentence for a driver's error."""
    if isinstance(exc, NothingAccepted):
        return exc.result
    if isinstance(exc, StanceError):
        return str(exc)
    return UNAVAILABLE_DETAIL


async def error_response(request: Request, exc: Exception) -> JSONResponse:
    """``{"detail": ...}`` with the status of the exception's type."""
    status = status_of(exc)
    if status >= 500:
        log.warning("%s %s -> %d: %s", request.method, request.url.path, status, exc)
    return JSONResponse({"detail": detail_of(exc)}, status_code=status)


def add_error_handlers(app: FastAPI) -> None:
    """Answer every exception type of :data:`ERROR_STATUS` with :func:`error_response`."""
    for error_type in ERROR_STATUS:
        app.add_exception_handler(error_type, error_response)
