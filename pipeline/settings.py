"""Machine settings, read from the environment (CALLQA_*).

Rule packs and thresholds are data (YAML); this module only holds what differs
between machines: where the store and models live, which engine, how many workers.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from pipeline.errors import ConfigError

EngineName = Literal["faster-whisper", "openai-whisper", "transformers"]


def _default_workers() -> int:
    return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CALLQA_", extra="ignore")

    database_url: str = "sqlite:///data/callqa.db"
    engine: EngineName = "faster-whisper"
    model: str = Field(default="base", description="path, cache name, or hub name")
    model_cache: Path = Path.home() / ".cache" / "callqa" / "models"
    allow_network: bool = False
    device: Literal["cpu", "cuda", "auto"] = "cpu"
    compute_type: str = "int8"
    cpu_threads: int = Field(default=1, ge=1, le=256)
    workers: int = Field(default_factory=_default_workers, ge=1, le=512)
    max_duration_s: float = Field(default=7200.0, gt=0)
    rules_dir: Path = Path(__file__).resolve().parent.parent / "compliance_rules"
    timezone: str = "Asia/Shanghai"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


def load_settings(**overrides: object) -> Settings:
    """Read settings; a wrong value becomes one ConfigError naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            name = "CALLQA_" + "_".join(str(p) for p in err["loc"]).upper()
            problems.append(f"{name}={err.get('input')!r}: {err['msg']}")
        raise ConfigError("invalid setting(s):\n  " + "\n  ".join(problems)) from exc
