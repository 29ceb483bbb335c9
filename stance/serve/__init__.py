"""The service: the store (SQLAlchemy, Alembic), the queries the API answers, API keys, and the FastAPI app."""
