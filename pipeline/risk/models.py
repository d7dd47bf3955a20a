"""Result types of the risk stage: per-call result and the borrower timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pipeline.analysis import Polarity, RiskSignal

PromiseStatus = Literal["kept", "broken", "pending"]
EscalationKind = Literal["repeat", "level_up", "broken_promise", "new_signal"]


@dataclass(frozen=True)
class RiskResult:
    """Signals of one call, its risk level and why.

    ``explanation`` lists, one line each, every signal that contributed, its
    weight, and the thresholds the score was compared with.
    """

    signals: tuple[RiskSignal, ...]
    level: str  # low | medium | high | critical
    score: float
    explanation: tuple[str, ...]
    pack: str = "cn_risk"
    pack_version: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    call_id: str
    started_at: datetime | None
    signal_id: str
    polarity: Polarity
    turn: int | None
    quote: str
    slots: tuple[tuple[str, str | float | None], ...] = ()
    weight: float = 0.0


@dataclass(frozen=True)
class PromiseRecord:
    call_id: str  # the call the promise was made in
    started_at: datetime | None
    amount: float | None
    due: date | None
    date_phrase: str | None
    status: PromiseStatus
    status_call_id: str | None  # the later call that showed it kept or broken
    reason: str
    quote: str


@dataclass(frozen=True)
class Escalation:
    call_id: str
    started_at: datetime | None
    kind: EscalationKind
    signal_id: str | None
    detail: str


@dataclass(frozen=True)
class CallRisk:
    call_id: str
    started_at: datetime | None
    kind: str | None
    level: str
    score: float


@dataclass(frozen=True)
class BorrowerTimeline:
    borrower_id: str | None
    calls: tuple[CallRisk, ...]
    events: tuple[TimelineEvent, ...]
    promises: tuple[PromiseRecord, ...]
    escalations: tuple[Escalation, ...]

    @property
    def broken_promises(self) -> tuple[PromiseRecord, ...]:
        return tuple(p for p in self.promises if p.status == "broken")
