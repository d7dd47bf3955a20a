"""`callqa db`: the store's schema revision. Every command that opens the store
already upgrades it; these are for operators who want to do it (or check it) first."""

from __future__ import annotations

import sys

import click
from sqlalchemy import Engine

from pipeline.errors import CallQAError


@click.group("db")
def db_group() -> None:
    """Schema migrations of the store (CALLQA_DATABASE_URL): SQLite or PostgreSQL."""


def _engine() -> Engine:
    from pipeline.settings import load_settings
    from pipeline.store.session import make_engine

    return make_engine(load_settings().database_url)


@db_group.command("upgrade")
def upgrade() -> None:
    """Create the schema or migrate it to the newest revision."""
    from sqlalchemy.exc import OperationalError

    from pipeline.store.migrate import head_revision, upgrade_store

    try:
        engine = _engine()
        before = upgrade_store(engine)
    except (CallQAError, OperationalError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    head = head_revision()
    click.echo(f"at {head}" if before == head else f"upgraded {before or 'empty store'} -> {head}")
    engine.dispose()


@db_group.command("current")
def current() -> None:
    """Print the store's revision and the newest one this version knows."""
    from sqlalchemy.exc import OperationalError

    from pipeline.store.migrate import current_revision, head_revision

    try:
        engine = _engine()
        rev = current_revision(engine)
    except (CallQAError, OperationalError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"store: {rev or 'none (empty, or created before migrations)'}; "
               f"newest: {head_revision()}")
    engine.dispose()
