"""Migrations and backend parity: one schema and the same stored findings on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.analyse import analyse_conversation, load_analysers
from pipeline.config import RunConfig
from pipeline.evaluate.labels import load_labels
from pipeline.evaluate.reference import conversation_from_labels, history_for
from pipeline.outcome import ProcessedCall
from pipeline.pii import mask_text
from pipeline.settings import load_settings
from pipeline.store.migrate import (
    current_revision,
    head_revision,
    schema_diff,
    upgrade_store,
)
from pipeline.store.schema import (
    Base,
    CallRow,
    FindingRow,
    PiiSpanRow,
    RiskSignalRow,
    ScriptItemRow,
    SegmentRow,
    SpeakerRoleRow,
)
from pipeline.store.session import open_store
from pipeline.store.writer import save_outcome
from pipeline.transcript import Transcript
from tests.db import database_url, postgres_database

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_LABELS = ROOT / "sample_audio" / "conversations.jsonl"


def test_migrated_schema_equals_the_models(db_url: str) -> None:
    engine = open_store(db_url).kw["bind"]
    assert current_revision(engine) == head_revision()
    # Autogenerate compares the live schema with Base.metadata: a model change
    # without a migration (or a migration that differs from the models) fails here.
    assert schema_diff(engine) == []
    engine.dispose()


def test_store_made_by_create_all_is_stamped_and_kept(db_url: str) -> None:
    legacy = create_engine(db_url)
    Base.metadata.create_all(legacy)
    with legacy.begin() as conn:
        conn.execute(CallRow.__table__.insert().values(
            call_id="old-1", source_path="/old.wav", content_hash="h-old", status="failed",
            processed_at=datetime.now(UTC)))
    legacy.dispose()
    factory = open_store(db_url)
    engine = factory.kw["bind"]
    assert current_revision(engine) == head_revision()
    assert schema_diff(engine) == []
    with factory() as s:
        assert s.scalars(select(CallRow.call_id)).all() == ["old-1"]
    engine.dispose()


def test_downgrade_to_nothing_and_back(db_url: str) -> None:
    engine = open_store(db_url).kw["bind"]
    upgrade_store(engine)  # already at head: a no-op
    from alembic import command

    from pipeline.store.migrate import _config

    with engine.begin() as conn:
        command.downgrade(_config(conn), "base")
    assert current_revision(engine) is None
    assert upgrade_store(engine) is None
    assert current_revision(engine) == head_revision() and schema_diff(engine) == []
    engine.dispose()


def test_workers_opening_a_new_store_at_once_all_succeed(db_url: str) -> None:
    # A dashboard and several workers may start together on an empty database: the
    # upgrade is serialised (advisory lock / BEGIN IMMEDIATE), never run twice.
    errors: list[BaseException] = []
    engines: list[Any] = []
    start = threading.Barrier(3)

    def opener() -> None:
        try:
            start.wait()
            engines.append(open_store(db_url).kw["bind"])
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=opener) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert current_revision(engines[0]) == head_revision()
    for engine in engines:
        engine.dispose()


# ---------------------------------------------------------------- same batch, both backends

def _sample_batch() -> list[ProcessedCall]:
    """The sample corpus analysed from its labelled text (no speech model needed)."""
    records = load_labels(SAMPLE_LABELS)
    analysers = load_analysers(load_settings().rules_dir, RunConfig())
    calls = []
    for record in records:
        conversation = conversation_from_labels(record)
        analysis = analyse_conversation(conversation, analysers,
                                        history=history_for(record, records))
        duration = conversation.duration or 0.0
        calls.append(ProcessedCall(
            source=str(record.audio or record.id), content_hash=f"h-{record.id}",
            meta=conversation.meta, duration=duration, channels=2, sample_rate=16000,
            transcript=Transcript(segments=(), duration=duration, language="zh",
                                  engine="labels", model="text"),
            conversation=conversation, analysis=analysis, processing_s=0.0))
    return calls


def _plain(value: object) -> object:
    # SQLite hands back naive UTC datetimes, PostgreSQL aware ones: same instant.
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _dump(factory: sessionmaker[Session]) -> dict[str, list[tuple[object, ...]]]:
    """Every stored row by table, keyed by call id instead of database ids, sorted."""
    skip = {"id", "call_pk", "processed_at"}
    out: dict[str, list[tuple[object, ...]]] = {}
    with factory() as s:
        for model in (CallRow, FindingRow, RiskSignalRow, ScriptItemRow, PiiSpanRow,
                      SegmentRow, SpeakerRoleRow):
            table = model.__table__
            assert isinstance(table, Table)
            cols = [c for c in table.columns if c.name not in skip]
            stmt = select(*cols)
            if model is not CallRow:
                stmt = select(CallRow.call_id, *cols).join(
                    CallRow, CallRow.id == table.c.call_pk)
            rows = [tuple(_plain(v) for v in row) for row in s.execute(stmt)]
            out[table.name] = sorted(rows, key=repr)
    return out


@pytest.mark.postgres
def test_same_sample_batch_gives_identical_findings_on_sqlite_and_postgresql(
        tmp_path: Path) -> None:
    batch = _sample_batch()
    assert sum(len(c.analysis.findings) for c in batch) > 10  # a real, non-trivial batch
    dumps = []
    with database_url("sqlite", tmp_path) as lite, postgres_database() as pg:
        for url in (lite, pg):
            factory = open_store(url)
            for call in batch:
                save_outcome(factory, call, mask_text)
            dumps.append(_dump(factory))
            factory.kw["bind"].dispose()
    sqlite_rows, pg_rows = dumps
    assert len(sqlite_rows["findings"]) == sum(len(c.analysis.findings) for c in batch)
    for table in sqlite_rows:
        assert sqlite_rows[table] == pg_rows[table], f"{table} differs between backends"


def test_db_commands_report_and_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from pipeline.cli import main

    monkeypatch.setenv("CALLQA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    runner = CliRunner()
    before = runner.invoke(main, ["db", "current"])
    assert before.exit_code == 0 and "store: none" in before.output
    up = runner.invoke(main, ["db", "upgrade"])
    assert up.exit_code == 0 and f"empty store -> {head_revision()}" in up.output
    again = runner.invoke(main, ["db", "upgrade"])
    assert again.exit_code == 0 and again.output.strip() == f"at {head_revision()}"
