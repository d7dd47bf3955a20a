"""The Ray runner on a real local Ray with the real model: the same store as the local
runner, and a worker killed mid-batch loses no call and duplicates none."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner
from sqlalchemy import select

from pipeline.audio import load_audio
from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.config import RunConfig
from pipeline.errors import ConfigError
from pipeline.outcome import CallOutcome
from pipeline.pii import mask_text
from pipeline.settings import load_settings
from pipeline.store.queries import call_ids_by_hash, done_hashes, stored_metas
from pipeline.store.schema import CallRow
from pipeline.store.session import open_store
from pipeline.store.writer import save_outcome
from tests.conftest import MONO, STEREO_CALL, encode

ray = pytest.importorskip("ray", reason="the `ray` extra is not installed (make setup installs it)")

from pipeline.ray_runner import RayRunner, import_ray  # noqa: E402  (needs ray)

CALL_IDS = {"cb-1", "cb-2", "visit-1"}


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """One local Ray for the module (starting one takes ~15 s); the runner uses it as is."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def batch_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three short distinct recordings (one re-encoded as FLAC); two calls of one borrower,
    so the history rules see the batch. Each costs ~5-10 s of one core."""
    d = tmp_path_factory.mktemp("ray") / "calls"
    d.mkdir()
    shutil.copy(STEREO_CALL, d / "cb-1.wav")
    stereo = load_audio(STEREO_CALL)
    encode(np.asarray(stereo.samples), stereo.sample_rate, d / "cb-2.flac", "flac")
    shutil.copy(MONO, d / "visit-1.wav")
    for n in (1, 2):
        (d / f"cb-{n}.json").write_text(json.dumps({
            "call_id": f"cb-{n}", "kind": "callback", "started_at": f"2026-03-0{n}T10:15:00+08:00",
            "agent_id": "A1", "borrower_id": "B1", "channels": {"0": "agent", "1": "borrower"}}))
    return d


def _env(db: Path, model_cache: Path) -> dict[str, str]:
    # One CTranslate2 thread everywhere: the comparison is about runners, not threads.
    return {"CALLQA_DATABASE_URL": f"sqlite:///{db}", "CALLQA_MODEL_CACHE": str(model_cache),
            "CALLQA_CPU_THREADS": "1"}


def _snapshot(url: str) -> dict[str, Any]:
    """Everything a reviewer sees per call, without ids and timings that differ per run."""
    factory = open_store(url)
    out: dict[str, Any] = {}
    with factory() as s:
        for row in s.scalars(select(CallRow).order_by(CallRow.call_id)):
            out[row.call_id] = {
                "call": (row.status, row.error_code, row.content_hash, row.duration,
                         row.risk_level, row.risk_score),
                "segments": sorted((g.turn_index, g.speaker, g.role, g.channel, g.start, g.end,
                                    g.text, g.raw_text) for g in row.segments),
                "findings": sorted((f.key, f.rule_id, f.severity, f.turn_index, f.start, f.end,
                                    f.quote, f.method, f.score) for f in row.findings),
                "risks": sorted((r.key, r.signal_id, r.weight, r.quote, r.slots_json)
                                for r in row.risk_signals),
                "script": sorted((i.item_id, i.asked, i.turn_index, i.answer, i.score)
                                 for i in row.script_items),
            }
    return out


@pytest.fixture(scope="module")
def reference(batch_dir: Path, model_cache: Path,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The batch through the local runner, as a user runs it."""
    db = tmp_path_factory.mktemp("local") / "local.db"
    result = CliRunner().invoke(main, ["run", str(batch_dir), "--no-progress", "--workers", "1"],
                                env=_env(db, model_cache))
    assert result.exit_code == 0, result.output
    assert "done 3, failed 0" in result.output
    snap = _snapshot(f"sqlite:///{db}")
    assert set(snap) == CALL_IDS
    assert any(c["findings"] for c in snap.values()), "a batch with findings to compare"
    return snap


@pytest.mark.slow
def test_ray_runner_gives_the_local_runners_findings(
        local_ray: None, batch_dir: Path, model_cache: Path, tmp_path: Path,
        reference: dict[str, Any]) -> None:
    db = tmp_path / "ray.db"
    runner = CliRunner()
    args = ["run", str(batch_dir), "--no-progress", "--runner", "ray", "--workers", "2"]
    result = runner.invoke(main, args, env=_env(db, model_cache))
    assert result.exit_code == 0, result.output
    assert "done 3, failed 0" in result.output
    assert _snapshot(f"sqlite:///{db}") == reference

    again = runner.invoke(main, args, env=_env(db, model_cache))  # resumable like the local one
    assert "done 0, failed 0, skipped (already done) 3" in again.output, again.output


@pytest.mark.slow
def test_killed_actor_loses_no_call_and_duplicates_none(
        local_ray: None, batch_dir: Path, model_cache: Path, tmp_path: Path,
        reference: dict[str, Any]) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    settings = load_settings(database_url=url, model_cache=model_cache, cpu_threads=1)
    factory = open_store(url)
    runner = RayRunner(per_actor=2)
    saved: list[str] = []
    killed: list[int] = []

    def save_then_kill(outcome: CallOutcome) -> None:
        save_outcome(factory, outcome, mask_text)
        saved.append(outcome.content_hash)
        if not killed:
            # Right after the first result both other files are still in flight (all three
            # were submitted at once, two per actor): SIGKILL, as the OOM killer would, an
            # actor holding one of them.
            pid = runner.actor_pids(busy_only=True)[0]
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)

    report = run_batch([batch_dir], settings, RunConfig(), save_then_kill, done_hashes(factory),
                       call_ids_by_hash(factory), workers=2, progress=False,
                       stored_history=stored_metas(factory), runner=runner)

    assert killed and runner.replaced >= 1, "the kill hit files in flight"
    assert (report.done, report.failed, report.interrupted) == (3, 0, False), report.failures
    assert len(saved) == len(set(saved)) == 3, "each call written exactly once"
    assert _snapshot(url) == reference


def test_missing_ray_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # makes `import ray` raise ImportError
    with pytest.raises(ConfigError, match=r"callqa\[ray\]"):
        import_ray()


def test_address_needs_the_ray_runner(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["run", str(tmp_path), "--address", "auto"],
                                env={"CALLQA_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    assert result.exit_code != 0
    assert "--address is for --runner ray" in result.output
