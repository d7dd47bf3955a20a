"""The risk pack: signal patterns, cue words, slot config and weights from YAML.

The YAML is validated with pydantic; an error names the file, the signal ID and
the field. Overrides (a mapping, e.g. the ``risk`` section of the run config)
are merged into the YAML before validation, signals by ID, so a deployment can
retune weights or switch a signal off without copying the pack.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from pipeline.errors import ConfigError
from pipeline.mandarin import normalise_text

SeverityName = Literal["critical", "high", "medium", "track", "alert"]
SlotName = Literal["amount", "date", "counterparty", "user"]
PolarityName = Literal["asserted", "negated", "hypothetical", "reported"]
LEVELS: tuple[str, ...] = ("low", "medium", "high", "critical")
_MACRO = re.compile(r"%([A-Z_]+)%")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExampleSpec(_Strict):
    """A sentence the signal must (or must not) find, checked by the test suite."""

    text: str
    match: bool = True
    polarity: PolarityName | None = None
    slots: dict[str, str | float | None] = Field(default_factory=dict)
    role: Literal["borrower", "third_party"] = "borrower"
    previous: str | None = None  # the agent's turn before, when the example needs it
    started_at: datetime | None = None

    @model_validator(mode="after")
    def _polarity_when_matching(self) -> ExampleSpec:
        if self.match and self.polarity is None:
            raise ValueError("an example with match: true needs a polarity")
        return self


class AnswerSpec(_Strict):
    """Short answers that name a signal only as the answer to the agent's question
    (车现在谁在开？— 我弟开; 收入稳定吗？— 不咋稳定)."""

    asked: list[str]  # regexes; one must match the agent's last turn
    regexes: list[str]  # run on each clause of the reply

    @field_validator("asked", "regexes")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for rx in v:
            try:
                re.compile(_MACRO.sub("x", rx))
            except re.error as exc:
                raise ValueError(f"regex {rx!r} does not compile: {exc}") from exc
        return v


class SignalSpec(_Strict):
    id: str
    version: str
    enabled: bool = True
    severity: SeverityName
    weight: float | None = Field(default=None, ge=0)  # overrides the severity weight
    description: str = ""
    phrases: list[str] = Field(default_factory=list)
    regexes: list[str] = Field(default_factory=list)
    exemplars: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)  # regexes that veto a match in a clause
    # Regexes run over the whole sentence, for statements spread over two
    # clauses (说好10号还，结果又没钱了); the hit is placed in the clause it ends in.
    sentence_regexes: list[str] = Field(default_factory=list)
    # When set, one of these regexes must match the sentence (借给别人 is about
    # the car only when the car is mentioned).
    context: list[str] = Field(default_factory=list)
    # Signals this one cancels in the same sentence when asserted.
    suppresses: list[str] = Field(default_factory=list)
    # Regexes that match only a denial of the signal (抵押也没有, 没押给别人): their
    # hits are reported negated, never asserted, so a denial is on record.
    denials: list[str] = Field(default_factory=list)
    # Short answers, read only after an agent question that matches ``asked``.
    answers: list[AnswerSpec] = Field(default_factory=list)
    # Regexes over the matched words: such a hit counts only in the borrower's own
    # words (别再打了 from a wrong number is that person's wish, not the borrower's).
    borrower_only: list[str] = Field(default_factory=list)
    # The signal is about the borrower's own situation: a hit whose clause names
    # someone else as the subject (我弟周转不开) is dropped (cues.other_subject).
    own_situation: bool = False
    negation_cues: list[str] = Field(default_factory=list)
    hypothetical_cues: list[str] = Field(default_factory=list)
    # Phrases holding a hypothetical cue that this signal reads as a hedged
    # statement (怕是要晚几天: "probably late", said of oneself, is asserted).
    hypothetical_exceptions: list[str] = Field(default_factory=list)
    questions_assert: bool = False  # 能不能宽限几天 is a request, not a hypothesis
    # A statement with a proposal tag (下周一还两千行不行？) is asserted: the
    # borrower offers it, they do not wonder about it.
    proposals_assert: bool = False
    # Shortest phrase matched by sound; raise it where a near-homophone is an
    # everyday phrase (车买了 sounds like 车卖了).
    pinyin_min_chars: int | None = Field(default=None, ge=2)
    slots: list[SlotName] = Field(default_factory=list)
    examples: list[ExampleSpec] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, v: str) -> str:
        if not re.fullmatch(r"(RISK|X)-[A-Z0-9-]+", v):
            raise ValueError("signal IDs are RISK-... (catalogue) or X-... (customer)")
        return v

    @field_validator("regexes", "exclude", "sentence_regexes", "context", "denials",
                     "borrower_only")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for rx in v:
            try:
                re.compile(_MACRO.sub("x", rx))
            except re.error as exc:
                raise ValueError(f"regex {rx!r} does not compile: {exc}") from exc
        return v

    @model_validator(mode="after")
    def _has_patterns(self) -> SignalSpec:
        if self.enabled and not (self.phrases or self.regexes or self.exemplars
                                 or self.sentence_regexes or self.answers):
            raise ValueError("an enabled signal needs phrases, regexes or exemplars")
        return self


class CueSpec(_Strict):
    negation: list[str]
    negation_exceptions: list[str] = Field(default_factory=list)
    negation_after: list[str] = Field(default_factory=list)  # 卖车是不可能的
    # A borrower who echoes a question answers it next: 卖车？没有。/ 卖车？对。
    answer_no: list[str] = Field(default_factory=list)
    answer_yes: list[str] = Field(default_factory=list)
    hypothetical: list[str]
    hypothetical_suffix: list[str] = Field(default_factory=list)
    # Condition openers: at the start of a clause they make the rest of the
    # sentence hypothetical, however long (要是厂里这个月再拖着不发工资的话，我可能
    # 还得晚几天). 实在不行 is one only there: 这个月实在不行 is a statement.
    condition_openers: list[str] = Field(default_factory=list)
    question_markers: list[str] = Field(default_factory=list)
    question_particles: list[str] = Field(default_factory=list)
    # Tags that turn a statement into an offer (还两千行不行？), see proposals_assert.
    proposal_markers: list[str] = Field(default_factory=list)
    breakers: list[str] = Field(default_factory=list)
    breaker_exceptions: list[str] = Field(default_factory=list)  # 忙不过来 holds 不过
    # What ends a condition's reach; defaults to ``breakers``. 只能, 才, 然后 end a
    # negation (没钱只能卖车) but continue a condition (实在不行我只能把车卖了).
    hypothetical_breakers: list[str] | None = None
    # Regexes for a denial that follows its topic (网贷啥的我一个都没有; 你说的二次
    # 抵押，反正我没弄过): matched against the rest of the hit's clause, and against
    # the next clause of the sentence.
    trailing_denial: list[str] = Field(default_factory=list)
    # Regexes for someone other than the speaker as the subject before a hit of an
    # own_situation signal; ``other_subject_borrower`` adds the third-person
    # pronouns, which in a third party's mouth usually mean the borrower.
    other_subject: list[str] = Field(default_factory=list)
    other_subject_borrower: list[str] = Field(default_factory=list)
    negation_window: int = Field(default=4, ge=1, le=20)
    hypothetical_window: int = Field(default=14, ge=1, le=60)

    @field_validator("trailing_denial", "other_subject", "other_subject_borrower")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for rx in v:
            try:
                re.compile(rx)
            except re.error as exc:
                raise ValueError(f"regex {rx!r} does not compile: {exc}") from exc
        return v

    @property
    def condition_breakers(self) -> list[str]:
        return self.breakers if self.hypothetical_breakers is None else self.hypothetical_breakers


class SemanticSpec(_Strict):
    enabled: bool = True
    threshold: float = Field(default=0.78, gt=0, le=1)
    min_chars: int = Field(default=4, ge=1)


class LevelSpec(_Strict):
    """Score thresholds: the level is the highest one the call's score reaches."""

    medium: float = 2.0
    high: float = 4.0
    critical: float = 10.0

    @model_validator(mode="after")
    def _ordered(self) -> LevelSpec:
        if not self.medium <= self.high <= self.critical:
            raise ValueError("level thresholds must satisfy medium <= high <= critical")
        return self


class PackSpec(_Strict):
    pack: str
    version: str
    examples_started_at: datetime = datetime(2026, 3, 2, 10, 0)
    weights: dict[SeverityName, float]
    levels: LevelSpec = Field(default_factory=LevelSpec)
    reported_factor: float = Field(default=1.0, ge=0)
    uncertain_factor: float = Field(default=0.75, ge=0)
    pinyin_min_chars: int = Field(default=3, ge=2)
    cues: CueSpec
    semantic: SemanticSpec = Field(default_factory=SemanticSpec)
    macros: dict[str, str] = Field(default_factory=dict)
    signals: list[SignalSpec]

    @model_validator(mode="after")
    def _unique_ids(self) -> PackSpec:
        seen: set[str] = set()
        for s in self.signals:
            if s.id in seen:
                raise ValueError(f"signal {s.id} is defined twice")
            seen.add(s.id)
        for name in ("critical", "high", "medium", "track", "alert"):
            if name not in self.weights:
                raise ValueError(f"weights: missing a weight for severity {name!r}")
        return self


@dataclass(frozen=True)
class CompiledSignal:
    spec: SignalSpec
    phrases: tuple[str, ...]  # normalised
    regexes: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    sentence_regexes: tuple[re.Pattern[str], ...] = ()
    context: tuple[re.Pattern[str], ...] = ()
    denials: tuple[re.Pattern[str], ...] = ()
    # (question regexes, answer regexes) per AnswerSpec
    answers: tuple[tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...]], ...] = ()
    borrower_only: tuple[re.Pattern[str], ...] = ()

    @property
    def id(self) -> str:
        return self.spec.id


@dataclass(frozen=True)
class RiskPack:
    """A validated, compiled pack. Build it with :func:`load_risk_pack`."""

    spec: PackSpec
    source: str
    signals: tuple[CompiledSignal, ...]

    @property
    def name(self) -> str:
        return self.spec.pack

    @property
    def version(self) -> str:
        return self.spec.version

    def signal(self, signal_id: str) -> CompiledSignal:
        for s in self.signals:
            if s.id == signal_id:
                return s
        raise KeyError(signal_id)

    def weight(self, signal_id: str) -> float:
        spec = self.signal(signal_id).spec
        return spec.weight if spec.weight is not None else self.spec.weights[spec.severity]

    @cached_property
    def matcher(self) -> Any:
        # Built on first use: the pinyin index costs a few hundred ms.
        from pipeline.risk.matching import PatternMatcher

        return PatternMatcher(self)


def _merge(base: Any, override: Any) -> Any:
    """Deep merge; ``signals`` may be a mapping ID -> fields merged into that signal."""
    if isinstance(base, dict) and isinstance(override, Mapping):
        out = dict(base)
        for key, value in override.items():
            if key == "signals" and isinstance(value, Mapping) and isinstance(base.get(key), list):
                out[key] = _merge_signals(base[key], value)
            else:
                out[key] = _merge(base.get(key), value) if key in base else copy.deepcopy(value)
        return out
    return copy.deepcopy(override)


def _merge_signals(signals: list[Any], override: Mapping[str, Any]) -> list[Any]:
    by_id = {s.get("id"): i for i, s in enumerate(signals) if isinstance(s, dict)}
    out = list(signals)
    for sid, fields in override.items():
        if sid not in by_id:
            raise ConfigError(f"risk overrides: signal {sid!r} is not in the pack")
        if not isinstance(fields, Mapping):
            raise ConfigError(f"risk overrides: signal {sid!r} needs a mapping of fields")
        out[by_id[sid]] = _merge(out[by_id[sid]], fields)
    return out


def _describe(exc: ValidationError, data: Mapping[str, Any], source: str) -> str:
    lines = []
    signals = data.get("signals") if isinstance(data.get("signals"), list) else []
    for err in exc.errors():
        loc = list(err["loc"])
        where = ".".join(str(p) for p in loc) or "(top level)"
        if len(loc) >= 2 and loc[0] == "signals" and isinstance(loc[1], int) and signals:
            item = signals[loc[1]] if loc[1] < len(signals) else {}
            sid = item.get("id", f"#{loc[1]}") if isinstance(item, dict) else f"#{loc[1]}"
            field = ".".join(str(p) for p in loc[2:]) or "(signal)"
            where = f"signal {sid} field {field}"
        lines.append(f"{where}: {err['msg']}")
    return f"{source}: invalid risk pack:\n  " + "\n  ".join(lines)


def _expand(rx: str, macros: Mapping[str, str], source: str, sid: str) -> str:
    def sub(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise ConfigError(f"{source}: signal {sid} field regexes: unknown macro %{m.group(1)}%")
        return "(?:" + macros[m.group(1)] + ")"

    return _MACRO.sub(sub, rx)


def compile_pack(spec: PackSpec, source: str = "<memory>") -> RiskPack:
    compiled: list[CompiledSignal] = []
    for s in spec.signals:
        if not s.enabled:
            continue
        phrases = tuple(dict.fromkeys(normalise_text(p) for p in s.phrases if p.strip()))
        def comp(rxs: list[str], sid: str = s.id) -> tuple[re.Pattern[str], ...]:
            return tuple(re.compile(_expand(r, spec.macros, source, sid)) for r in rxs)

        try:
            compiled.append(CompiledSignal(
                s, phrases, comp(s.regexes), comp(s.exclude), comp(s.sentence_regexes),
                comp(s.context), comp(s.denials),
                tuple((comp(a.asked), comp(a.regexes)) for a in s.answers),
                comp(s.borrower_only)))
        except re.error as exc:
            raise ConfigError(f"{source}: signal {s.id} field regexes: {exc}") from exc
    return RiskPack(spec, source, tuple(compiled))


def load_risk_pack(path: Path, overrides: Mapping[str, Any] | None = None) -> RiskPack:
    """Read, merge overrides into, validate and compile a risk pack YAML."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"risk pack {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    if overrides:
        data = _merge(data, overrides)
    try:
        spec = PackSpec.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, data, str(path))) from exc
    return compile_pack(spec, str(path))


def default_pack_path() -> Path:
    return Path(__file__).resolve().parents[2] / "compliance_rules" / "cn_risk.yaml"
