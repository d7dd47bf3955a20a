"""Alembic environment: always handed an open connection by ``pipeline.store.migrate``.

The store never reads an ``alembic.ini``: the URL is the one the application was
given (CALLQA_DATABASE_URL), so migrations and the application can never point
at different databases.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from pipeline.store.schema import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        # SQLite cannot ALTER most things: later migrations rebuild the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through pipeline.store.migrate (or `callqa db upgrade`), "
                       "which passes the store's connection")
_run(connection)
