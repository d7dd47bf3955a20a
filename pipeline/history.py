"""After a batch: what a borrower's earlier calls say about the new ones.

Per-call stages see one conversation. Whether an earlier promise to pay was
broken needs the borrower's calls in date order, so this pass runs in the
parent once a batch is stored: it re-derives history-based risk signals
(RISK-PTP-BROKEN, method ``history``) and rebuilds each borrower's timeline.
It is idempotent: earlier history-derived rows are replaced, never duplicated.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.analysis import Evidence, MatchMethod, Polarity, RiskSignal
from pipeline.callmeta import CallMeta
from pipeline.risk import RiskPack, RiskResult, apply_history, build_timeline
from pipeline.store.queries import meta_of
from pipeline.store.schema import BorrowerTimelineRow, CallRow, RiskSignalRow

HISTORY_METHOD = "history"


def _signal(row: RiskSignalRow) -> RiskSignal:
    slots = json.loads(row.slots_json or "{}")
    return RiskSignal(
        signal_id=row.signal_id,
        polarity=cast(Polarity, row.polarity),
        evidence=Evidence(row.speaker, cast(Any, row.role), row.turn_index, row.start, row.end,
                          row.quote, row.pattern, cast(MatchMethod, row.method), row.score,
                          row.uncertain),
        slots=tuple(slots.items()),
        weight=row.weight,
    )


def _result(row: CallRow) -> RiskResult:
    signals = tuple(_signal(s) for s in row.risk_signals if s.method != HISTORY_METHOD)
    return RiskResult(signals=signals, level=row.risk_level or "low",
                      score=row.risk_score or 0.0, explanation=())


def _json_default(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _sort_key(pair: tuple[CallMeta, CallRow]) -> tuple[str, str]:
    meta = pair[0]
    when = meta.started_at.astimezone(UTC).isoformat() if meta.started_at and \
        meta.started_at.tzinfo else (meta.started_at.isoformat() if meta.started_at else "")
    return when, meta.call_id


def apply_borrower_history(factory: sessionmaker[Session], pack: RiskPack,
                           borrowers: Sequence[str]) -> int:
    """Update history-derived signals and timelines; return signals added."""
    added = 0
    for borrower in borrowers:
        with factory.begin() as session:
            rows = session.scalars(select(CallRow).where(
                CallRow.borrower_id == borrower, CallRow.status == "done")).all()
            calls = sorted(((meta_of(r), r) for r in rows), key=_sort_key)
            history: list[tuple[CallMeta, RiskResult]] = []
            for meta, row in calls:
                base = _result(row)
                updated = apply_history(meta, base, history, pack)
                for old in [s for s in row.risk_signals if s.method == HISTORY_METHOD]:
                    session.delete(old)
                for n, sig in enumerate(s for s in updated.signals
                                        if s.evidence.method == HISTORY_METHOD):
                    ev = sig.evidence
                    session.add(RiskSignalRow(
                        key=f"{meta.call_id}:{sig.signal_id}:history:{n}", call_pk=row.id,
                        signal_id=sig.signal_id, polarity=sig.polarity, weight=sig.weight,
                        slots_json=json.dumps(dict(sig.slots), ensure_ascii=False,
                                              default=_json_default),
                        speaker=ev.speaker, role=ev.role, turn_index=ev.turn, start=ev.start,
                        end=ev.end, quote=ev.quote, pattern=ev.pattern, method=ev.method,
                        score=ev.score, uncertain=ev.uncertain))
                    added += 1
                row.risk_level, row.risk_score = updated.level, updated.score
                history.append((meta, updated))
            timeline = build_timeline(history) if history else None
            if timeline is None:
                continue
            existing = session.scalars(select(BorrowerTimelineRow).where(
                BorrowerTimelineRow.borrower_id == borrower)).one_or_none()
            record = existing or BorrowerTimelineRow(borrower_id=borrower)
            record.timeline_json = json.dumps(asdict(timeline), ensure_ascii=False,
                                              default=_json_default)
            record.broken_promises = sum(p.status == "broken" for p in timeline.promises)
            record.escalations = len(timeline.escalations)
            record.updated_at = datetime.now(UTC)
            if existing is None:
                session.add(record)
    return added
