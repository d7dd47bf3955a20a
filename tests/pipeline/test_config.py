from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.errors import ConfigError
from pipeline.settings import load_settings


def test_defaults_follow_the_mandarin_recipe() -> None:
    opts = load_config(None).transcribe.to_options()
    assert opts.language == "zh"
    assert opts.vad_filter and not opts.condition_on_previous_text
    assert "简体" in opts.prompt()


def test_hotwords_go_into_the_prompt(tmp_path: Path) -> None:
    p = tmp_path / "run.yaml"
    p.write_text("transcribe:\n  hotwords: [安信汽车金融, 违约金]\n  beam_size: 3\n")
    opts = load_config(p).transcribe.to_options()
    assert opts.beam_size == 3
    assert "安信汽车金融" in opts.prompt()


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("transcribe:\n  beam_size: 0\n", "transcribe.beam_size"),
        ("transcribe:\n  beam_sise: 5\n", "transcribe.beam_sise"),
        ("audio:\n  max_duration_s: -1\n", "audio.max_duration_s"),
        ("- just\n- a list\n", "mapping at the top level"),
        ("transcribe: [unclosed\n", "not valid YAML"),
    ],
)
def test_wrong_config_values_name_file_and_field(tmp_path: Path, yaml_text: str,
                                                 message: str) -> None:
    p = tmp_path / "run.yaml"
    p.write_text(yaml_text)
    with pytest.raises(ConfigError, match=message) as info:
        load_config(p)
    assert str(p) in str(info.value)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("var", "value", "message"),
    [
        ("CALLQA_WORKERS", "0", "CALLQA_WORKERS='0'"),
        ("CALLQA_WORKERS", "two", "CALLQA_WORKERS='two'"),
        ("CALLQA_ENGINE", "whisper-cpp", "CALLQA_ENGINE='whisper-cpp'"),
        ("CALLQA_MAX_DURATION_S", "-5", "CALLQA_MAX_DURATION_S"),
        ("CALLQA_DEVICE", "tpu", "CALLQA_DEVICE"),
    ],
)
def test_wrong_environment_values(monkeypatch: pytest.MonkeyPatch, var: str, value: str,
                                  message: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError, match=message):
        load_settings()


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLQA_DATABASE_URL", "sqlite:////tmp/x.db")
    monkeypatch.setenv("CALLQA_WORKERS", "3")
    s = load_settings()
    assert (s.database_url, s.workers) == ("sqlite:////tmp/x.db", 3)
