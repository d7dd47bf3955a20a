"""The batch runner on real audio with the real model: outcomes, resume, idempotence."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.batch import discover, run_batch
from pipeline.config import RunConfig
from pipeline.outcome import CallOutcome
from pipeline.pii import mask_text
from pipeline.settings import Settings, load_settings
from pipeline.store.queries import call_ids_by_hash, done_hashes, stored_metas
from pipeline.store.schema import CallRow, SegmentRow
from pipeline.store.session import open_store
from pipeline.store.writer import save_outcome
from tests.conftest import MONO, STEREO_CALL

pytestmark = pytest.mark.slow


@pytest.fixture()
def batch_dir(tmp_path: Path) -> Path:
    d = tmp_path / "calls"
    d.mkdir()
    shutil.copy(STEREO_CALL, d / "cb-1.wav")
    (d / "cb-1.wav.json").write_text(json.dumps({
        "call_id": "cb-1", "kind": "callback", "started_at": "2026-03-02T10:15:00+08:00",
        "agent_id": "A1", "borrower_id": "B1", "channels": {"0": "agent", "1": "borrower"}}))
    shutil.copy(MONO, d / "visit-1.wav")
    (d / "empty.wav").write_bytes(b"")
    (d / "notes.mp3").write_text("这不是录音" * 100, encoding="utf-8")
    (d / "readme.txt").write_text("ignored: not an audio suffix")
    return d


@pytest.fixture()
def settings(tmp_path: Path, model_cache: Path) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'store.db'}",
                         model_cache=model_cache, workers=1, cpu_threads=2)


def _run(paths: list[Path], settings: Settings, factory: sessionmaker[Session],
         save: Callable[[CallOutcome], None] | None = None, force: bool = False,
         workers: int = 1):  # type: ignore[no-untyped-def]
    return run_batch(paths, settings, RunConfig(),
                     save or (lambda o: save_outcome(factory, o, mask_text)),
                     done_hashes(factory), call_ids_by_hash(factory), force=force,
                     workers=workers, progress=False, stored_history=stored_metas(factory))


def test_discover_takes_audio_suffixes_in_folders(batch_dir: Path) -> None:
    files, manifests = discover([batch_dir])
    assert {f.name for f in files} == {"cb-1.wav", "visit-1.wav", "empty.wav", "notes.mp3"}
    assert manifests == []


def test_one_bad_file_never_stops_the_batch(batch_dir: Path, settings: Settings) -> None:
    factory = open_store(settings.database_url)
    report = _run([batch_dir], settings, factory)
    assert (report.done, report.failed, report.skipped) == (2, 2, 0)
    with factory() as s:
        rows = {r.call_id: r for r in s.scalars(select(CallRow))}
    assert rows["empty"].error_code == "empty"
    assert rows["notes"].error_code == "not_audio"
    assert "not a recognised audio format" in (rows["notes"].error or "")
    cb = rows["cb-1"]
    assert cb.status == "done" and cb.kind == "callback" and cb.channels == 2
    assert cb.started_at_local == "2026-03-02T10:15:00+08:00"
    with factory() as s:
        segs = s.scalars(select(SegmentRow).where(SegmentRow.call_pk == cb.id)
                         .order_by(SegmentRow.turn_index)).all()
    assert segs, "transcript stored"
    assert {seg.role for seg in segs} <= {"agent", "borrower", "third_party"}
    text = "".join(seg.text for seg in segs)
    assert "录音" in text and "錄" not in text  # simplified characters


def test_rerun_is_idempotent_and_forced_rerun_replaces(batch_dir: Path,
                                                       settings: Settings) -> None:
    factory = open_store(settings.database_url)
    _run([batch_dir], settings, factory)
    again = _run([batch_dir], settings, factory)
    assert (again.done, again.skipped) == (0, 2)  # done files skipped; bad ones retried
    assert again.failed == 2
    forced = _run([batch_dir / "cb-1.wav"], settings, factory, force=True)
    assert forced.done == 1
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(CallRow)) == 4
        assert s.scalar(select(func.count()).select_from(CallRow)
                        .where(CallRow.call_id == "cb-1")) == 1


def test_interrupted_batch_resumes_where_it_stopped(batch_dir: Path, settings: Settings) -> None:
    factory = open_store(settings.database_url)
    files = [batch_dir / "cb-1.wav", batch_dir / "visit-1.wav"]
    saved: list[str] = []

    def save_then_interrupt(outcome: CallOutcome) -> None:
        save_outcome(factory, outcome, mask_text)
        saved.append(outcome.meta.call_id)
        raise KeyboardInterrupt  # Ctrl-C right after the first call is stored

    first = _run(files, settings, factory, save=save_then_interrupt)
    assert first.interrupted
    assert len(saved) == 1
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(CallRow)) == 1
    second = _run(files, settings, factory)
    assert (second.done, second.skipped) == (1, 1)
    with factory() as s:
        ids = set(s.scalars(select(CallRow.call_id)))
    assert ids == {"cb-1", "visit-1"}


def test_sigterm_stops_the_pool_without_orphans_and_resumes(batch_dir: Path,
                                                           settings: Settings) -> None:
    """A service manager's SIGTERM acts like Ctrl-C: the stored call stays, workers are
    stopped (not orphaned), and a re-run finishes the rest."""
    import multiprocessing
    import os
    import signal

    factory = open_store(settings.database_url)
    files = [batch_dir / "cb-1.wav", batch_dir / "visit-1.wav"]

    def save_then_terminate(outcome: CallOutcome) -> None:
        save_outcome(factory, outcome, mask_text)
        os.kill(os.getpid(), signal.SIGTERM)

    first = _run(files, settings, factory, save=save_then_terminate, workers=2)
    assert first.interrupted
    assert multiprocessing.active_children() == []
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handler restored
    with factory() as s:
        stored = s.scalar(select(func.count()).select_from(CallRow))
    assert stored == 1
    second = _run(files, settings, factory)
    assert (second.done, second.skipped) == (1, 1)


def test_worker_pool_gives_the_same_result(batch_dir: Path, settings: Settings) -> None:
    factory = open_store(settings.database_url)
    report = _run([batch_dir / "cb-1.wav", batch_dir / "visit-1.wav"], settings, factory,
                  workers=2)
    assert (report.done, report.failed) == (2, 0)
