"""Alembic environment: migrations run on the connection the store hands over
(``config.attributes["connection"]``), or on ``sqlalchemy.url`` otherwise."""

from alembic import context
from sqlalchemy import create_engine

from stance.serve.store.schema import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        url = config.get_main_option("sqlalchemy.url")
        if url is None:
            raise RuntimeError("alembic: expected a connection from the store or a sqlalchemy.url, found neither")
        engine = create_engine(url)
        with engine.begin() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
