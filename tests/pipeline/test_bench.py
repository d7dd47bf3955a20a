"""`callqa bench` on the committed short recordings: both sides run, times add up."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.audio import load_audio
from pipeline.cli import main
from tests.conftest import MONO, STEREO_CALL

pytestmark = pytest.mark.slow


@pytest.fixture()
def env(model_cache: Path) -> dict[str, str]:
    return {"CALLQA_MODEL_CACHE": str(model_cache), "CALLQA_CPU_THREADS": "1"}


def test_bench_times_both_sides_on_the_same_audio(tmp_path: Path, env: dict[str, str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline.bench import run_bench

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    files = [shutil.copy(STEREO_CALL, tmp_path / "call.wav"), shutil.copy(MONO, tmp_path / "m.wav")]
    result = run_bench([Path(f) for f in files], threads=1, config_path=None)
    expected = sum(load_audio(Path(f)).duration for f in files)
    assert result.audio_s == pytest.approx(expected)
    assert result.bare_wall_s > 0 and result.pipeline_wall_s > 0
    assert math.isclose(result.ratio, result.pipeline_xrt / result.bare_xrt)


def test_bench_command_prints_the_ratio(tmp_path: Path, env: dict[str, str]) -> None:
    shutil.copy(MONO, tmp_path / "m.wav")
    out = CliRunner().invoke(main, ["bench", "--threads", "1", str(tmp_path)], env=env)
    assert out.exit_code == 0, out.output
    assert "bare faster-whisper:" in out.output and "callqa pipeline:" in out.output
    ratio = float(out.output.split("pipeline / bare speed ratio:")[1].split()[0])
    assert ratio > 0


def test_bench_on_a_folder_without_audio_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "notes.txt").write_text("not audio")
    out = CliRunner().invoke(main, ["bench", str(tmp_path)], env=env)
    assert out.exit_code != 0
    assert "no audio files found" in out.output
