"""`callqa` as a user runs it: run a folder with a bad file, see status, export."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import STEREO_CALL


@pytest.fixture()
def env(tmp_path: Path, model_cache: Path) -> dict[str, str]:
    return {"CALLQA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
            "CALLQA_MODEL_CACHE": str(model_cache), "CALLQA_WORKERS": "1",
            "CALLQA_CPU_THREADS": "2"}


@pytest.mark.slow
def test_run_status_export(tmp_path: Path, env: dict[str, str]) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    shutil.copy(STEREO_CALL, calls / "cb-9.wav")
    (calls / "manifest.csv").write_text(
        "file,call_id,started_at,agent_id,borrower_id,kind,channels\n"
        'cb-9.wav,cb-9,2026-03-02T10:15:00+08:00,A1,B9,callback,'
        '"{""0"":""agent"",""1"":""borrower""}"\n')
    (calls / "broken.wav").write_bytes(b"RIFF\x00\x00")
    runner = CliRunner()
    result = runner.invoke(main, ["run", str(calls), "--no-progress"], env=env)
    assert result.exit_code == 0, result.output
    assert "done 1, failed 1" in result.output
    assert "FAILED [" in result.output and "broken.wav" in result.output

    again = runner.invoke(main, ["run", str(calls), "--no-progress"], env=env)
    assert "skipped (already done) 1" in again.output

    status = runner.invoke(main, ["status", "--failed"], env=env)
    assert "broken" in status.output and "cb-9" not in status.output

    out = tmp_path / "export"
    exported = runner.invoke(main, ["export", "--format", "csv", "--out", str(out)], env=env)
    assert exported.exit_code == 0, exported.output
    assert (out / "segments.csv").read_text(encoding="utf-8").count("\n") >= 2


def test_wrong_setting_is_one_clear_error(env: dict[str, str]) -> None:
    result = CliRunner().invoke(main, ["status"], env={**env, "CALLQA_WORKERS": "-2"})
    assert result.exit_code == 2
    assert "CALLQA_WORKERS=-2" in result.output or "CALLQA_WORKERS='-2'" in result.output


def test_bad_config_file_is_reported_before_any_work(tmp_path: Path, env: dict[str, str]) -> None:
    cfg = tmp_path / "run.yaml"
    cfg.write_text("transcribe:\n  beam_size: many\n")
    result = CliRunner().invoke(main, ["run", str(STEREO_CALL), "--config", str(cfg)], env=env)
    assert result.exit_code == 2
    assert "transcribe.beam_size" in result.output and str(cfg) in result.output


@pytest.mark.slow
def test_transcribe_json(env: dict[str, str]) -> None:
    pytest.importorskip("faster_whisper")
    result = CliRunner().invoke(
        main, ["transcribe", str(STEREO_CALL), "--json", "--channels", '{"0":"agent","1":"borrower"}'],
        env=env)
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert rows and {r["channel"] for r in rows} <= {0, 1}
