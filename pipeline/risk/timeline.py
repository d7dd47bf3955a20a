"""A borrower's risk across calls: promises kept or broken, repeats, escalation.

Pure functions over (CallMeta, RiskResult) pairs; the store wiring lives with
the caller. Promise status rules (each records its reason):
- broken: a later call after the due date is a collection call or visit (the
  borrower is still in arrears), or states a broken promise (RISK-PTP-BROKEN),
  hardship or refusal; a promise without a date is broken only by a later
  RISK-PTP-BROKEN;
- kept: a later call after the due date is a callback with none of the above;
- pending: no call after the due date yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime

from pipeline.analysis import Evidence, RiskSignal
from pipeline.callmeta import CallMeta
from pipeline.risk.level import RAISING
from pipeline.risk.models import (
    BorrowerTimeline,
    CallRisk,
    Escalation,
    PromiseRecord,
    RiskResult,
    TimelineEvent,
)
from pipeline.risk.pack import LEVELS, RiskPack

_ARREARS_SIGNALS = ("RISK-PTP-BROKEN", "RISK-HARDSHIP", "RISK-REFUSAL")
_ARREARS_KINDS = ("collection", "visit")


def _sort_key(item: tuple[CallMeta, RiskResult]) -> tuple[int, datetime, str]:
    meta = item[0]
    if meta.started_at is None:
        return (1, datetime.min, meta.call_id)
    ts = meta.started_at.replace(tzinfo=None)
    return (0, ts, meta.call_id)


def _asserted(result: RiskResult, signal_id: str) -> list[RiskSignal]:
    return [s for s in result.signals if s.signal_id == signal_id and s.polarity in RAISING]


def _due(signal: RiskSignal) -> date | None:
    value = signal.slot_map.get("date")
    return date.fromisoformat(value) if isinstance(value, str) else None


def _arrears_reason(meta: CallMeta, result: RiskResult) -> str | None:
    for sid in _ARREARS_SIGNALS:
        if _asserted(result, sid):
            return f"{sid} stated in call {meta.call_id}"
    if meta.kind in _ARREARS_KINDS:
        return f"{meta.kind} call {meta.call_id}: still in arrears"
    return None


def _promise_status(
    signal: RiskSignal, made_in: CallMeta, later: Sequence[tuple[CallMeta, RiskResult]]
) -> PromiseRecord:
    due = _due(signal)
    amount = signal.slot_map.get("amount")
    phrase = signal.slot_map.get("date_phrase")
    base = PromiseRecord(
        call_id=made_in.call_id, started_at=made_in.started_at,
        amount=float(amount) if isinstance(amount, int | float) else None, due=due,
        date_phrase=str(phrase) if phrase is not None else None, status="pending",
        status_call_id=None, reason="no later call after the due date", quote=signal.evidence.quote,
    )
    for meta, result in later:
        if due is None:
            if _asserted(result, "RISK-PTP-BROKEN"):
                return replace(base, status="broken", status_call_id=meta.call_id,
                               reason=f"RISK-PTP-BROKEN stated in call {meta.call_id}")
            continue
        if meta.started_at is None or meta.started_at.date() <= due:
            continue
        reason = _arrears_reason(meta, result)
        if reason is not None:
            return replace(base, status="broken", status_call_id=meta.call_id, reason=reason)
        return replace(base, status="kept", status_call_id=meta.call_id,
                       reason=f"call {meta.call_id} after the due date shows no arrears")
    if due is None:
        return replace(base, reason="no date and no later broken-promise statement")
    return base


def build_timeline(calls: Sequence[tuple[CallMeta, RiskResult]]) -> BorrowerTimeline:
    """The timeline of one borrower's calls (any order in; sorted by start time)."""
    borrowers = {m.borrower_id for m, _ in calls if m.borrower_id is not None}
    if len(borrowers) > 1:
        raise ValueError(f"build_timeline needs the calls of one borrower, got {sorted(borrowers)}")
    ordered = sorted(calls, key=_sort_key)
    events: list[TimelineEvent] = []
    promises: list[PromiseRecord] = []
    escalations: list[Escalation] = []
    call_levels: list[CallRisk] = []
    seen_signals: dict[str, str] = {}  # signal -> first call id
    previous_level: str | None = None

    for i, (meta, result) in enumerate(ordered):
        call_levels.append(CallRisk(meta.call_id, meta.started_at, meta.kind, result.level,
                                    result.score))
        for s in result.signals:
            events.append(TimelineEvent(meta.call_id, meta.started_at, s.signal_id, s.polarity,
                                        s.evidence.turn, s.evidence.quote, s.slots, s.weight))
        for s in _asserted(result, "RISK-PTP"):
            promises.append(_promise_status(s, meta, ordered[i + 1:]))
        raised = sorted({s.signal_id for s in result.signals
                         if s.polarity in RAISING and s.weight > 0})
        for sid in raised:
            if sid in seen_signals:
                escalations.append(Escalation(meta.call_id, meta.started_at, "repeat", sid,
                                              f"{sid} again (first in call {seen_signals[sid]})"))
            else:
                if seen_signals or i > 0:
                    escalations.append(Escalation(meta.call_id, meta.started_at, "new_signal",
                                                  sid, f"{sid} first raised"))
                seen_signals[sid] = meta.call_id
        if previous_level is not None and LEVELS.index(result.level) > LEVELS.index(previous_level):
            escalations.append(Escalation(meta.call_id, meta.started_at, "level_up", None,
                                          f"risk level {previous_level} -> {result.level}"))
        previous_level = result.level

    for p in promises:
        if p.status == "broken" and p.status_call_id is not None:
            later = next(m for m, _ in ordered if m.call_id == p.status_call_id)
            escalations.append(Escalation(later.call_id, later.started_at, "broken_promise",
                                          "RISK-PTP-BROKEN",
                                          f"promise of call {p.call_id} broken: {p.reason}"))
    escalations.sort(key=lambda e: (e.started_at is None,
                                    e.started_at.replace(tzinfo=None) if e.started_at else
                                    datetime.min, e.call_id))
    return BorrowerTimeline(
        borrower_id=next(iter(borrowers)) if borrowers else None,
        calls=tuple(call_levels), events=tuple(events), promises=tuple(promises),
        escalations=tuple(escalations),
    )


def apply_history(
    meta: CallMeta,
    result: RiskResult,
    history: Sequence[tuple[CallMeta, RiskResult]],
    pack: RiskPack,
) -> RiskResult:
    """Add RISK-PTP-BROKEN derived from earlier calls' promises, and rescore.

    A promise from an earlier call whose date passed before this call started,
    with this call showing the borrower still in arrears (collection call or
    visit, or hardship/refusal stated), is broken. Nothing is added when this
    call already states the broken promise.
    """
    from pipeline.risk.detect import result_from_signals

    if meta.started_at is None or _asserted(result, "RISK-PTP-BROKEN"):
        return result
    today = meta.started_at.date()
    reason = _arrears_reason(meta, result)
    if reason is None:
        return result
    derived: list[RiskSignal] = []
    for old_meta, old_result in sorted(history, key=_sort_key):
        if old_meta.call_id == meta.call_id:
            continue
        for s in _asserted(old_result, "RISK-PTP"):
            due = _due(s)
            if due is None or due >= today:
                continue
            amount = s.slot_map.get("amount")
            quote = (f"call {old_meta.call_id} promised "
                     f"{'' if amount is None else f'{amount:g} yuan '}by {due.isoformat()}: "
                     f"«{s.evidence.quote}»")
            evidence = Evidence(speaker=None, role=None, turn=None, start=None, end=None,
                                quote=quote, pattern=f"history:{old_meta.call_id}",
                                method="history", score=1.0)
            draft = RiskSignal("RISK-PTP-BROKEN", "asserted", evidence,
                               (("date", due.isoformat()), ("amount", amount),
                                ("promise_call", old_meta.call_id)))
            try:
                weight = pack.weight("RISK-PTP-BROKEN")
            except KeyError:
                weight = 0.0
            derived.append(replace(draft, weight=weight))
    if not derived:
        return result
    return result_from_signals(result.signals + tuple(derived), pack)
