"""Write one call's outcome in one transaction; a re-run replaces, never duplicates.

Everything written here that a person may see (segment text, quotes) is masked;
the unmasked transcript is kept only in ``segments.raw_text`` for roles allowed
to see it, and the retention job clears it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.analysis import Evidence, PiiSpan
from pipeline.outcome import CallOutcome, FailedCall, ProcessedCall
from pipeline.store.schema import (
    CallRow,
    FindingRow,
    PiiSpanRow,
    RiskSignalRow,
    ScriptItemRow,
    SegmentRow,
    SpeakerRoleRow,
)

MaskFn = Callable[[str, Sequence[PiiSpan]], str]


def _mask_quote(quote: str, turn_text: str | None, spans: Sequence[PiiSpan], mask: MaskFn) -> str:
    """Mask a quote taken from a turn by re-using that turn's PII spans."""
    if not spans or turn_text is None:
        return quote
    at = turn_text.find(quote)
    if at < 0:
        # The quote is not a plain substring: mask the whole turn's values inside it.
        masked = quote
        for s in spans:
            masked = masked.replace(s.text, s.masked)
        return masked
    shifted = [
        PiiSpan(s.entity_id, s.turn, s.start - at, s.end - at, s.text, s.valid, s.score, s.masked)
        for s in spans
        if s.start >= at and s.end <= at + len(quote)
    ]
    partial = [s for s in spans if s.start < at + len(quote) and s.end > at and s not in shifted]
    masked = mask(quote, shifted) if shifted else quote
    for s in partial:  # a quote that cuts through a value still must not show it
        masked = masked.replace(s.text[max(0, at - s.start):], "*" * 4)
    return masked


def _evidence_cols(ev: Evidence, quote: str) -> dict[str, object]:
    return {
        "speaker": ev.speaker, "role": ev.role, "turn_index": ev.turn, "start": ev.start,
        "end": ev.end, "quote": quote, "pattern": ev.pattern, "method": ev.method,
        "score": ev.score, "uncertain": ev.uncertain,
    }


def _utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC)


def _call_row(outcome: CallOutcome) -> CallRow:
    meta = outcome.meta
    row = CallRow(
        call_id=meta.call_id,
        source_path=outcome.source,
        content_hash=outcome.content_hash,
        kind=meta.kind,
        started_at=_utc(meta.started_at),
        started_at_local=meta.started_at.isoformat() if meta.started_at else None,
        agent_id=meta.agent_id,
        borrower_id=meta.borrower_id,
        team=meta.team,
        channel_map=json.dumps({str(k): v for k, v in meta.channels}) if meta.channels else None,
        dial_attempts=meta.dial_attempts,
        processing_s=outcome.processing_s,
        processed_at=datetime.now(UTC),
    )
    if isinstance(outcome, FailedCall):
        row.status, row.error_code, row.error = "failed", outcome.error_code, outcome.message
        return row
    row.status = "done"
    row.duration = outcome.duration
    row.channels = outcome.channels
    row.sample_rate = outcome.sample_rate
    row.engine = outcome.transcript.engine
    row.model = outcome.transcript.model
    row.options_json = json.dumps(asdict(outcome.transcript.options), ensure_ascii=False)
    row.risk_level = outcome.analysis.risk_level
    row.risk_score = outcome.analysis.risk_score
    return row


def _fill_children(row: CallRow, out: ProcessedCall, mask: MaskFn) -> None:
    conv, analysis = out.conversation, out.analysis
    spans_by_turn: dict[int | None, list[PiiSpan]] = {}
    for span in analysis.pii:
        spans_by_turn.setdefault(span.turn, []).append(span)
    texts = {t.index: t.text for t in conv.turns}

    def quote(ev: Evidence) -> str:
        return _mask_quote(ev.quote, texts.get(ev.turn) if ev.turn is not None else None,
                           spans_by_turn.get(ev.turn, []), mask)

    for t in conv.turns:
        spans = spans_by_turn.get(t.index, [])
        row.segments.append(SegmentRow(
            turn_index=t.index, speaker=t.speaker, role=t.role, channel=t.channel,
            start=t.start, end=t.end, raw_text=t.raw_text or t.text, norm_text=t.text,
            text=mask(t.text, spans) if spans else t.text, confidence=t.confidence,
            words_json=json.dumps([asdict(w) for w in t.words], ensure_ascii=False)
            if t.words else None,
        ))
    for ra in conv.roles:
        row.speaker_roles.append(SpeakerRoleRow(
            speaker=ra.speaker, role=ra.role, confidence=ra.confidence, evidence=ra.evidence))
    seen: Counter[tuple[str, int | None]] = Counter()
    for f in analysis.findings:
        n = seen[(f.rule_id, f.evidence.turn)]
        seen[(f.rule_id, f.evidence.turn)] += 1
        row.findings.append(FindingRow(
            key=f"{out.meta.call_id}:{f.rule_id}:{f.evidence.turn}:{n}",
            rule_id=f.rule_id, rule_version=f.rule_version, pack=f.pack,
            pack_version=f.pack_version, severity=f.severity, clause=f.clause,
            message=f.message, **_evidence_cols(f.evidence, quote(f.evidence)),
        ))
    for r in analysis.risks:
        n = seen[(r.signal_id, r.evidence.turn)]
        seen[(r.signal_id, r.evidence.turn)] += 1
        row.risk_signals.append(RiskSignalRow(
            key=f"{out.meta.call_id}:{r.signal_id}:{r.evidence.turn}:{n}",
            signal_id=r.signal_id, polarity=r.polarity, weight=r.weight,
            slots_json=json.dumps(dict(r.slots), ensure_ascii=False),
            **_evidence_cols(r.evidence, quote(r.evidence)),
        ))
    for s in analysis.script:
        row.script_items.append(ScriptItemRow(
            item_id=s.item_id, asked=s.asked,
            turn_index=s.evidence.turn if s.evidence else None,
            quote=quote(s.evidence) if s.evidence else None,
            method=s.evidence.method if s.evidence else None,
            score=s.evidence.score if s.evidence else None,
            answer=s.answer, answer_detail=s.answer_detail,
            answer_turn_index=s.answer_evidence.turn if s.answer_evidence else None,
            answer_quote=quote(s.answer_evidence) if s.answer_evidence else None,
        ))
    for p in analysis.pii:
        row.pii_spans.append(PiiSpanRow(
            entity_id=p.entity_id, turn_index=p.turn, start_char=p.start, end_char=p.end,
            masked=p.masked, valid=p.valid, score=p.score))


def save_outcome(factory: sessionmaker[Session], outcome: CallOutcome, mask: MaskFn) -> None:
    """Insert or replace the call with this content hash, in one transaction."""
    with factory.begin() as session:
        existing = session.scalars(
            select(CallRow).where(
                (CallRow.content_hash == outcome.content_hash)
                | ((CallRow.call_id == outcome.meta.call_id)
                   & (CallRow.source_path == outcome.source))
            )
        ).all()
        for old in existing:
            session.delete(old)
        session.flush()
        row = _call_row(outcome)
        if isinstance(outcome, ProcessedCall):
            _fill_children(row, outcome, mask)
        session.add(row)
