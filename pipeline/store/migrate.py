"""Bring a store's schema to the current revision with Alembic, on SQLite or PostgreSQL.

``open_store`` calls :func:`upgrade_store` on every start, so a team never runs
migrations by hand (``callqa db upgrade`` exists for operators who want to).
Stores created before migrations existed (``create_all``) have the tables but
no ``alembic_version`` row: they are stamped at the baseline revision, whose
schema is exactly what ``create_all`` made, and then upgraded like any other.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The revision whose schema equals what ``Base.metadata.create_all`` produced before
# Alembic was introduced; never change it, whatever later revisions add.
BASELINE_REVISION = "0001"
# Any fixed 64-bit number: every process upgrading one PostgreSQL database takes
# this advisory lock, so two workers starting at once never both create tables.
_PG_LOCK_KEY = 0x63616C6C7161  # "callqa"

log = logging.getLogger(__name__)


@contextmanager
def _quiet_alembic() -> Iterator[None]:
    """Alembic logs each step at INFO; a batch run's log should say one line instead."""
    logger = logging.getLogger("alembic")
    level = logger.level
    logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(level)


def _config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the migrations folder has no revisions"
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the store is at (None: empty or pre-migration store)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _lock(conn: Connection) -> None:
    """Serialise concurrent upgrades of one database and make the upgrade atomic."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        # pysqlite opens no transaction before DDL, so issue one ourselves: IMMEDIATE
        # takes the write lock now, the DDL becomes atomic, and a second process
        # waits (busy_timeout) and then finds the schema already at head.
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade_store(engine: Engine, revision: str = "head") -> str | None:
    """Migrate the store to ``revision``; return the revision it was at before."""
    if current_revision(engine) == head_revision() and revision == "head":
        return head_revision()  # the common case: no lock, no DDL
    with _quiet_alembic(), engine.begin() as conn:
        _lock(conn)
        before = MigrationContext.configure(conn).get_current_revision()
        cfg = _config(conn)
        if before is None and inspect(conn).has_table("calls"):
            log.info("store created before migrations: stamping it at %s", BASELINE_REVISION)
            command.stamp(cfg, BASELINE_REVISION)
        command.upgrade(cfg, revision)
    if before != revision:
        log.info("store schema migrated from %s to %s", before or "nothing", revision)
    return before


def schema_diff(engine: Engine) -> list[object]:
    """What Alembic autogenerate would change to make the store match the models.

    Empty when the migrated schema is exactly ``Base.metadata``; the tests assert
    that on every backend, so a model change without a migration fails CI.
    """
    from alembic.autogenerate import compare_metadata

    from pipeline.store.schema import Base

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, Base.metadata))
