"""Open the store from a SQLAlchemy URL and create the schema."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from pipeline.errors import ConfigError
from pipeline.store.schema import Base


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while a batch writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(url, future=True)
    except Exception as exc:  # SQLAlchemy raises several types for a bad URL
        raise ConfigError(
            f"CALLQA_DATABASE_URL={url!r} is not a usable database URL ({exc}). "
            "Use e.g. sqlite:///data/callqa.db or postgresql+psycopg://user@host/db"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_store(url: str, create: bool = True) -> sessionmaker[Session]:
    """Return a session factory for the store at ``url``, creating tables if asked."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        from pathlib import Path

        Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    if create:
        Base.metadata.create_all(engine)
    return sessionmaker(engine, expire_on_commit=False)
