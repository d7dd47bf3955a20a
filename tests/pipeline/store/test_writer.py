"""Store writer and exports on a hand-built call: one transaction, masked, replaceable.

Every test runs on SQLite and on PostgreSQL (``db_url``)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from sqlalchemy import func, select

from pipeline.analysis import CallAnalysis, Evidence, Finding, PiiSpan, RiskSignal
from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.export import export_tables
from pipeline.outcome import FailedCall, ProcessedCall
from pipeline.pii import mask_text
from pipeline.store.queries import stored_metas
from pipeline.store.schema import CallRow, FindingRow, RiskSignalRow, SegmentRow
from pipeline.store.session import open_store
from pipeline.store.writer import save_outcome
from pipeline.transcript import Transcript

RAW_ID = "110105199003071234"  # check digit computed below in the test data builder
META = CallMeta(call_id="cn-1", kind="collection",
                started_at=datetime.fromisoformat("2026-03-02T22:15:00+08:00"),
                agent_id="A1", borrower_id="B1", channels=((0, "agent"), (1, "borrower")))


def _gb11643(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def _call(id_number: str) -> ProcessedCall:
    t1 = f"我的身份证号是{id_number}"
    turns = (
        Turn(0, "ch0", "agent", 0.0, 3.0, "您好，我是恒通车贷的，本次通话将被录音"),
        Turn(1, "ch1", "borrower", 3.2, 6.0, t1, raw_text=t1),
        Turn(2, "ch0", "agent", 6.5, 9.0, "你再不还明天就抓你去坐牢"),
    )
    at = t1.index(id_number)
    span = PiiSpan("PII-ID-CN", 1, at, at + len(id_number), id_number, True, 0.99,
                   id_number[:4] + "*" * 10 + id_number[-4:])
    finding = Finding(
        rule_id="CN-MISLEAD-01", rule_version="1", pack="cn_conduct", pack_version="1",
        severity="critical", clause="CBA-2026",
        evidence=Evidence("ch0", "agent", 2, 6.5, 9.0, "明天就抓你去坐牢", "抓你|坐牢", "exact"))
    quote_finding = Finding(
        rule_id="CN-VERIFY-01", rule_version="1", pack="cn_conduct", pack_version="1",
        severity="critical", clause="PIPL Art. 6",
        evidence=Evidence("ch1", "borrower", 1, 3.2, 6.0, t1, "身份证", "exact"))
    risk = RiskSignal("RISK-PTP", "asserted",
                      Evidence("ch1", "borrower", 1, 3.2, 6.0, "周五还2000", "还", "regex"),
                      slots=(("amount", 2000.0), ("date", "2026-03-06")), weight=0.0)
    return ProcessedCall(
        source="/calls/cn-1.wav", content_hash="h1", meta=META, duration=9.0, channels=2,
        sample_rate=8000,
        transcript=Transcript(segments=(), duration=9.0, language="zh", engine="faster-whisper",
                              model="bundled:/m"),
        conversation=Conversation(META, turns),
        analysis=CallAnalysis(findings=(finding, quote_finding), risks=(risk,), pii=(span,),
                              risk_level="high", risk_score=0.7),
        processing_s=1.0,
    )


@pytest.fixture()
def id_number() -> str:
    return _gb11643("11010519900307123")


def test_saved_call_is_masked_and_complete(db_url: str, id_number: str) -> None:
    factory = open_store(db_url)
    save_outcome(factory, _call(id_number), mask_text)
    with factory() as s:
        call = s.scalars(select(CallRow)).one()
        segs = s.scalars(select(SegmentRow).order_by(SegmentRow.turn_index)).all()
        findings = s.scalars(select(FindingRow)).all()
        risk = s.scalars(select(RiskSignalRow)).one()
    assert call.status == "done" and call.risk_level == "high"
    assert id_number not in segs[1].text and id_number in (segs[1].raw_text or "")
    assert all(id_number not in f.quote for f in findings)
    assert {f.key for f in findings} == {"cn-1:CN-MISLEAD-01:2:0", "cn-1:CN-VERIFY-01:1:0"}
    assert json.loads(risk.slots_json) == {"amount": 2000.0, "date": "2026-03-06"}
    [meta] = stored_metas(factory)
    assert meta.started_at == META.started_at  # offset kept for calling-hours rules


def test_resave_replaces_without_duplicates(db_url: str, id_number: str) -> None:
    factory = open_store(db_url)
    save_outcome(factory, _call(id_number), mask_text)
    save_outcome(factory, _call(id_number), mask_text)
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(CallRow)) == 1
        assert s.scalar(select(func.count()).select_from(SegmentRow)) == 3


def test_failed_call_recorded_with_its_error(db_url: str) -> None:
    factory = open_store(db_url)
    save_outcome(factory, FailedCall("/calls/x.wav", "h2", CallMeta("x"), "corrupt",
                                     "/calls/x.wav: audio stream is corrupt", 0.1), mask_text)
    with factory() as s:
        row = s.scalars(select(CallRow)).one()
    assert (row.status, row.error_code) == ("failed", "corrupt")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_never_contains_raw_personal_data(tmp_path: Path, db_url: str, id_number: str,
                                                 fmt: str) -> None:
    factory = open_store(db_url)
    save_outcome(factory, _call(id_number), mask_text)
    written = export_tables(factory, tmp_path / "out", fmt)  # type: ignore[arg-type]
    assert set(written) == {"calls", "segments", "findings", "risk_signals", "script_items"}
    for path in written.values():
        assert id_number not in path.read_bytes().decode("utf-8", "ignore")
    reader = pl.read_parquet if fmt == "parquet" else pl.read_csv
    segments = reader(written["segments"])
    assert "raw_text" not in segments.columns
    assert segments.height == 3
    assert reader(written["findings"]).height == 2
