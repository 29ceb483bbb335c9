"""The service: the store (SQLAlchemy, Alembic) and the HTTP API over it.

``api`` builds the FastAPI app from ``routes`` (thin routes), ``deps`` (typed dependencies),
``schemas`` (request and response models), ``errors`` (HTTP status by exception type),
``middleware`` (body limit, access log) and ``config`` (settings and limits); ``queries`` answers
the requests and ``keys`` makes and checks the API keys."""
