"""Test databases on both store backends: a SQLite file, or a fresh PostgreSQL database.

PostgreSQL comes from ``CALLQA_TEST_POSTGRES_URL`` (``scripts/run_tests.sh`` starts a
throwaway server and sets it). Without it the PostgreSQL cases skip on a
developer's laptop, and fail where ``CALLQA_REQUIRE_POSTGRES=1`` (``make test``,
CI), so CI can never go green while silently testing SQLite only.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

BACKENDS = ("sqlite", "postgresql")
# For @pytest.mark.parametrize / fixture params: the PostgreSQL case carries the
# `postgres` mark so it can be deselected with -m "not postgres".
BACKEND_PARAMS = [pytest.param("sqlite", id="sqlite"),
                  pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


def postgres_server_url() -> str:
    """The test server's URL, or skip/fail the calling test when there is none."""
    url = os.environ.get("CALLQA_TEST_POSTGRES_URL", "").strip()
    if url:
        return url
    message = ("CALLQA_TEST_POSTGRES_URL is not set, so the PostgreSQL cases cannot run; "
               "`make test` starts a server (scripts/start_postgres.sh), or point the variable "
               "at a server where this user may CREATE DATABASE")
    if os.environ.get("CALLQA_REQUIRE_POSTGRES") == "1":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards.

    One database per test keeps tests independent and gives each a distinct URL,
    which matters because the dashboard caches query results by URL.
    """
    server = make_url(postgres_server_url())
    name = f"callqa_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            # FORCE ends connections still pooled by engines the test left open.
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty store on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'callqa-{uuid.uuid4().hex[:8]}.db'}"
    elif backend == "postgresql":
        with postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")
