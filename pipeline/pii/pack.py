"""The cn_pii rule pack: recogniser data (context words, deny lists, patterns,
scores) read from YAML and validated, so a lender can tune it without code."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pipeline.errors import ConfigError

ENTITY_IDS: tuple[str, ...] = (
    "PII-ID-CN", "PII-MOBILE-CN", "PII-BANKCARD", "PII-PLATE-CN", "PII-VIN", "PII-ADDRESS",
)
ROLES: tuple[str, ...] = ("auditor", "trainer", "risk_officer", "admin")

# Score names each recogniser reads; a pack missing one is rejected at load time.
_REQUIRED_SCORES: dict[str, tuple[str, ...]] = {
    "PII-ID-CN": ("valid", "check_digit_wrong", "structure_wrong", "legacy_valid", "wrong_length"),
    "PII-MOBILE-CN": ("valid", "unallocated", "wrong_length"),
    "PII-BANKCARD": ("valid_common", "valid_rare", "luhn_wrong"),
    "PII-PLATE-CN": ("new_energy", "ordinary", "ordinary_letters"),
    "PII-VIN": ("valid", "check_wrong"),
    "PII-ADDRESS": ("base", "per_component", "numbered", "single_component"),
}
_REQUIRED_PATTERNS: dict[str, tuple[str, ...]] = {
    "PII-PLATE-CN": ("provinces", "separator", "new_energy", "ordinary"),
    "PII-VIN": ("vin",),
    "PII-ADDRESS": ("provinces", "name_excludes", "numeral", "strip_prefixes"),
}
_REGEX_PATTERNS = {("PII-PLATE-CN", "separator"), ("PII-PLATE-CN", "new_energy"),
                   ("PII-PLATE-CN", "ordinary"), ("PII-VIN", "vin"), ("PII-ADDRESS", "numeral")}


class EntityConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    context: tuple[str, ...] = ()
    negative_context: tuple[str, ...] = ()
    context_boost: float = Field(ge=0.0, le=1.0)
    negative_penalty: float = Field(ge=0.0, le=1.0)
    deny: tuple[str, ...] = ()
    scores: dict[str, float]
    patterns: dict[str, str | list[str]] = Field(default_factory=dict)

    @field_validator("scores")
    @classmethod
    def _scores_in_range(cls, v: dict[str, float]) -> dict[str, float]:
        for key, score in v.items():
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"score {key!r}={score} must be between 0 and 1")
        return v


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    detect: float = Field(default=0.5, ge=0.0, le=1.0)
    mask: float = Field(default=0.4, ge=0.0, le=1.0)


class PiiPack(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pack: str
    version: str
    thresholds: Thresholds = Field(default_factory=Thresholds)
    raw_roles: tuple[str, ...] = ("admin",)
    context_window: int = Field(default=14, ge=0, le=200)
    context_after: int = Field(default=4, ge=0, le=200)
    entities: dict[str, EntityConfig]
    source: str = ""

    @field_validator("raw_roles")
    @classmethod
    def _known_roles(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in v if r not in ROLES]
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; roles are {list(ROLES)}")
        return v

    def entity(self, entity_id: str) -> EntityConfig:
        return self.entities[entity_id]

    def str_pattern(self, entity_id: str, name: str) -> str:
        value = self.entities[entity_id].patterns[name]
        return value if isinstance(value, str) else "".join(value)

    def list_pattern(self, entity_id: str, name: str) -> tuple[str, ...]:
        value = self.entities[entity_id].patterns[name]
        return (value,) if isinstance(value, str) else tuple(value)


def default_pack_path() -> Path:
    from pipeline.settings import load_settings

    return load_settings().rules_dir / "cn_pii.yaml"


def _check_entities(path: Path, pack: PiiPack) -> None:
    problems: list[str] = []
    for entity_id in pack.entities:
        if entity_id not in ENTITY_IDS:
            known = ", ".join(ENTITY_IDS)
            problems.append(f"{path}: entity {entity_id}: unknown ID (known: {known})")
    for entity_id in ENTITY_IDS:
        cfg = pack.entities.get(entity_id)
        if cfg is None:
            problems.append(f"{path}: entity {entity_id}: missing")
            continue
        for key in _REQUIRED_SCORES[entity_id]:
            if key not in cfg.scores:
                problems.append(f"{path}: entity {entity_id}: field scores.{key}: missing")
        for key in _REQUIRED_PATTERNS.get(entity_id, ()):
            if key not in cfg.patterns:
                problems.append(f"{path}: entity {entity_id}: field patterns.{key}: missing")
            elif (entity_id, key) in _REGEX_PATTERNS:
                try:
                    re.compile(pack.str_pattern(entity_id, key))
                except re.error as exc:
                    problems.append(
                        f"{path}: entity {entity_id}: field patterns.{key}: bad regex ({exc})")
    if pack.thresholds.mask > pack.thresholds.detect:
        problems.append(f"{path}: field thresholds.mask: must not exceed thresholds.detect "
                        "(everything detected must also be masked)")
    if problems:
        raise ConfigError("invalid PII pack:\n  " + "\n  ".join(problems))


def _location(loc: tuple[Any, ...]) -> str:
    if len(loc) >= 2 and loc[0] == "entities":
        rest = ".".join(str(p) for p in loc[2:]) or "(entity)"
        return f"entity {loc[1]}: field {rest}"
    return "field " + ".".join(str(p) for p in loc)


def parse_pii_pack(data: Any, path: Path | str = "<memory>") -> PiiPack:
    """Validate pack data; errors name the file, entity and field."""
    path = Path(path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a PII pack must be a mapping, got {type(data).__name__}")
    try:
        pack = PiiPack(**{**data, "source": str(path)})
    except ValidationError as exc:
        lines = [f"{path}: {_location(tuple(e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise ConfigError("invalid PII pack:\n  " + "\n  ".join(lines)) from exc
    _check_entities(path, pack)
    return pack


def load_pii_pack(path: Path | str | None = None) -> PiiPack:
    """Load and validate ``cn_pii.yaml`` (default: the rules directory from settings)."""
    return _load_cached(str(Path(path).resolve()) if path else str(default_pack_path()))


@lru_cache(maxsize=8)
def _load_cached(path_str: str) -> PiiPack:
    path = Path(path_str)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: PII pack not found; set CALLQA_RULES_DIR") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    return parse_pii_pack(data, path)
