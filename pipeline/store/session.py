"""Open the store from a SQLAlchemy URL and migrate its schema to the current revision."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from pipeline.errors import ConfigError
from pipeline.store.migrate import upgrade_store


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the dashboard read while a batch writes; foreign keys are off by default.
    # The busy timeout comes first: switching a new file to WAL needs a lock that a
    # worker migrating the same store at that moment may hold for seconds.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _with_driver(url: str) -> str | URL:
    """Plain ``postgresql://`` means psycopg 3 here, the driver the postgres extra installs
    (SQLAlchemy's own default is psycopg2, which we do not depend on)."""
    try:
        parsed = make_url(url)
    except Exception:  # make_engine reports a bad URL in words
        return url
    return parsed.set(drivername="postgresql+psycopg") if parsed.drivername == "postgresql" else url


def make_engine(url: str) -> Engine:
    try:
        engine = create_engine(_with_driver(url), future=True)
    except Exception as exc:  # SQLAlchemy raises several types for a bad URL
        if isinstance(exc, ModuleNotFoundError) and "psycopg" in str(exc):
            raise ConfigError("PostgreSQL needs the driver: pip install 'callqa[postgres]'") from exc
        raise ConfigError(
            f"CALLQA_DATABASE_URL={url!r} is not a usable database URL ({exc}). "
            "Use e.g. sqlite:///data/callqa.db or postgresql+psycopg://user@host/db"
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
            # SQLite creates the file but not its folder (the default is data/callqa.db).
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True,
                                                                          exist_ok=True)
    return engine


def open_store(url: str, create: bool = True) -> sessionmaker[Session]:
    """Return a session factory for the store at ``url``.

    With ``create`` the schema is created or migrated to the current revision
    (Alembic, the same scripts for SQLite and PostgreSQL).
    """
    engine = make_engine(url)
    if create:
        try:
            upgrade_store(engine)
        except OperationalError as exc:  # server down, wrong credentials, locked file
            shown = make_url(url).render_as_string(hide_password=True)
            raise ConfigError(f"cannot open the store at {shown}: {exc.orig}") from exc
    return sessionmaker(engine, expire_on_commit=False)
