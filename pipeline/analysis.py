"""Analysis result types: findings, script answers, risk signals and PII spans.

Every result carries its evidence (speaker, turn, time span, quote, matched
pattern, method) so an auditor can see why it was raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pipeline.callmeta import Role

Severity = Literal["critical", "major", "minor", "info"]
MatchMethod = Literal["exact", "pinyin", "semantic", "regex", "acoustic", "timing", "metadata",
                      "absence", "sequence", "history"]
Polarity = Literal["asserted", "negated", "hypothetical", "reported"]
SEVERITIES: tuple[Severity, ...] = ("critical", "major", "minor", "info")


@dataclass(frozen=True)
class Evidence:
    speaker: str | None
    role: Role | None
    turn: int | None  # None for call-level evidence (e.g. calling hours)
    start: float | None
    end: float | None
    quote: str
    pattern: str
    method: MatchMethod
    score: float = 1.0
    uncertain: bool = False


@dataclass(frozen=True)
class Finding:
    rule_id: str
    rule_version: str
    pack: str
    pack_version: str
    severity: Severity
    clause: str  # the regulation text/reference the rule enforces
    evidence: Evidence
    message: str = ""


@dataclass(frozen=True)
class ScriptItemResult:
    item_id: str  # CB-01 ... CB-10
    asked: bool
    evidence: Evidence | None
    answer: str | None = None  # value from catalogue section C
    answer_detail: str | None = None  # e.g. the stated amount or counterparty
    answer_evidence: Evidence | None = None


@dataclass(frozen=True)
class RiskSignal:
    signal_id: str  # RISK-*
    polarity: Polarity
    evidence: Evidence
    slots: tuple[tuple[str, str | float | None], ...] = ()
    weight: float = 0.0

    @property
    def slot_map(self) -> dict[str, str | float | None]:
        return dict(self.slots)


@dataclass(frozen=True)
class PiiSpan:
    entity_id: str  # PII-*
    turn: int | None
    start: int  # character offsets in the turn text
    end: int
    text: str
    valid: bool
    score: float
    masked: str


@dataclass(frozen=True)
class CallAnalysis:
    findings: tuple[Finding, ...] = ()
    script: tuple[ScriptItemResult, ...] = ()
    risks: tuple[RiskSignal, ...] = ()
    pii: tuple[PiiSpan, ...] = ()
    risk_level: str | None = None
    risk_score: float | None = None
    versions: tuple[tuple[str, str], ...] = field(default=())  # pack -> version
