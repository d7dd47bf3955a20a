"""Run configuration from a YAML file (``callqa run --config``).

Decoding options and per-stage thresholds; validated by pydantic so a typo names
the file and the field instead of failing deep inside a worker.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pipeline.errors import ConfigError
from pipeline.transcript import TranscribeOptions


class TranscribeSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: str = "zh"
    beam_size: int = Field(default=5, ge=1, le=20)
    vad_filter: bool = True
    vad_min_silence_ms: int = Field(default=500, ge=0)
    condition_on_previous_text: bool = False
    initial_prompt: str = "以下是普通话的句子，使用简体中文。"
    hotwords: list[str] = Field(default_factory=list)
    word_timestamps: bool = True

    def to_options(self) -> TranscribeOptions:
        return TranscribeOptions(
            language=self.language,
            beam_size=self.beam_size,
            vad_filter=self.vad_filter,
            vad_min_silence_ms=self.vad_min_silence_ms,
            condition_on_previous_text=self.condition_on_previous_text,
            initial_prompt=self.initial_prompt,
            hotwords=tuple(self.hotwords),
            word_timestamps=self.word_timestamps,
        )


class AudioSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_duration_s: float | None = Field(default=None, gt=0)
    default_channels: dict[str, str] = Field(
        default_factory=dict, description='default channel map, e.g. {"0": "agent", "1": "borrower"}'
    )


class RunConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    transcribe: TranscribeSection = Field(default_factory=TranscribeSection)
    audio: AudioSection = Field(default_factory=AudioSection)
    # Stage-specific sections are validated by their own stage.
    rules: dict[str, Any] = Field(default_factory=dict)
    risk: dict[str, Any] = Field(default_factory=dict)
    speakers: dict[str, Any] = Field(default_factory=dict)
    pii: dict[str, Any] = Field(default_factory=dict)


def load_config(path: Path | None) -> RunConfig:
    if path is None:
        return RunConfig()
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    try:
        return RunConfig.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']} (got {e.get('input')!r})"
            for e in exc.errors()
        ]
        raise ConfigError(f"{path}: invalid config:\n  " + "\n  ".join(problems)) from exc
