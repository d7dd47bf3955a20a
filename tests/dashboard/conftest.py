"""A small store for the dashboard tests, written directly with the ORM.

Five calls cover the cases the pages must handle: a callback with findings,
checklist, a promise to pay and personal data in a turn; a collection call with
a critical threat and a sold car; a clean call; a callback whose recording was
deleted by retention; and a recording that failed to process. Audio is a short
synthetic stereo WAV (a quiet hum, loud enough not to count as silence).
"""

from __future__ import annotations

import json
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.orm import Session, sessionmaker

from dashboard.auth import hash_password
from pipeline.store.schema import (
    CallRow,
    FindingRow,
    PiiSpanRow,
    RiskSignalRow,
    ScriptItemRow,
    SegmentRow,
    SpeakerRoleRow,
    UserRow,
)
from pipeline.store.session import open_store

PASSWORD = "correct-horse-1"
USERS = {"auditor1": "auditor", "auditor2": "auditor", "trainer1": "trainer",
         "risk1": "risk_officer", "admin1": "admin"}
CST = timezone(timedelta(hours=8))
RAW_ID = "110101199003071234"
MASKED_ID = "110***********1234"
RATE = 16000


@lru_cache(maxsize=1)
def _password_hash() -> str:
    # bcrypt is deliberately slow; hash once for every fixture user.
    return hash_password(PASSWORD)


def write_wav(path: Path, seconds: float = 20.0, channels: int = 2) -> Path:
    t = np.arange(int(seconds * RATE)) / RATE
    tracks = [0.1 * np.sin(2 * np.pi * (220 + 110 * c) * t) for c in range(channels)]
    pcm = (np.stack(tracks) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.ascontiguousarray(pcm.T).tobytes())
    return path


@dataclass(frozen=True)
class Store:
    url: str
    factory: sessionmaker[Session]
    audio_dir: Path


def _call(call_id: str, path: Path, kind: str, started: datetime, agent: str, team: str,
          borrower: str, risk_level: str | None = None, risk_score: float | None = None,
          **extra: object) -> CallRow:
    return CallRow(call_id=call_id, source_path=str(path), content_hash=f"hash-{call_id}",
                   status="done", duration=20.0, channels=2, sample_rate=RATE, kind=kind,
                   started_at=started, agent_id=agent, borrower_id=borrower, team=team,
                   channel_map=json.dumps({"0": "agent", "1": "borrower"}), engine="test",
                   model="test", risk_level=risk_level, risk_score=risk_score,
                   processed_at=datetime.now(UTC), **extra)


def _seg(i: int, speaker: str, role: str, start: float, end: float, text: str,
         raw: str | None = None, words: list[dict[str, object]] | None = None,
         confidence: float = 0.9) -> SegmentRow:
    return SegmentRow(turn_index=i, speaker=speaker, role=role, channel=0 if role == "agent" else 1,
                      start=start, end=end, raw_text=raw if raw is not None else text,
                      norm_text=raw if raw is not None else text, text=text,
                      confidence=confidence, words_json=json.dumps(words) if words else None)


def _finding(call_id: str, rule_id: str, severity: str, turn: int | None, start: float | None,
             end: float | None, quote: str, pack: str = "cn_conduct", method: str = "exact",
             score: float = 1.0, uncertain: bool = False) -> FindingRow:
    return FindingRow(key=f"{call_id}|{rule_id}|{turn}|{start}", rule_id=rule_id,
                      rule_version="1.0", pack=pack, pack_version="1.0.0", severity=severity,
                      clause=f"clause of {rule_id}", message=f"{rule_id} fired",
                      speaker="ch0", role="agent", turn_index=turn, start=start, end=end,
                      quote=quote, pattern=f"pattern-{rule_id}", method=method, score=score,
                      uncertain=uncertain)


def _risk(call_id: str, signal: str, polarity: str, turn: int, start: float, quote: str,
          slots: dict[str, object] | None = None, weight: float = 1.0) -> RiskSignalRow:
    return RiskSignalRow(key=f"{call_id}|{signal}|{turn}|{start}", signal_id=signal,
                         polarity=polarity, slots_json=json.dumps(slots or {}), weight=weight,
                         speaker="ch1", role="borrower", turn_index=turn, start=start,
                         end=start + 2.0, quote=quote, pattern=signal, method="exact",
                         score=0.9, uncertain=False)


def _roles() -> list[SpeakerRoleRow]:
    return [SpeakerRoleRow(speaker="ch0", role="agent", confidence=0.95,
                           evidence="channel map: 0=agent"),
            SpeakerRoleRow(speaker="ch1", role="borrower", confidence=0.95,
                           evidence="channel map: 1=borrower")]


def build_store(root: Path, url: str | None = None) -> Store:
    """Create the fixture store (audio under ``root``; SQLite there unless ``url`` names
    another empty database) and return how to reach it."""
    audio_dir = root / "audio"
    audio_dir.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{root / 'callqa.db'}"
    factory = open_store(url)
    wav1 = write_wav(audio_dir / "cb-001.wav")
    wav2 = write_wav(audio_dir / "col-002.wav")
    wav3 = write_wav(audio_dir / "col-003.wav")
    id_words = [{"start": 8.0, "end": 8.6, "text": "我身份证是", "probability": 0.9},
                {"start": 8.6, "end": 11.0, "text": RAW_ID, "probability": 0.8},
                {"start": 11.0, "end": 11.4, "text": "。", "probability": 0.9}]
    with factory.begin() as s:
        c1 = _call("cb-001", wav1, "callback", datetime(2026, 3, 2, 10, 0, tzinfo=CST), "A1",
                   "T1", "B1", "medium", 0.45)
        c1.segments = [
            _seg(0, "ch0", "agent", 0.0, 3.0, "您好，我是安信汽车金融回访专员李娜。"),
            _seg(1, "ch1", "borrower", 3.2, 4.0, "嗯，你说。"),
            _seg(2, "ch0", "agent", 4.2, 7.5, "您这个月于七了三千元，请问您是本人吗？"),
            _seg(3, "ch1", "borrower", 8.0, 11.4, f"我身份证是{MASKED_ID}。",
                 raw=f"我身份证是{RAW_ID}。", words=id_words),
            _seg(4, "ch0", "agent", 12.0, 14.0, "请问车辆目前由谁实际使用？"),
            _seg(5, "ch1", "borrower", 14.5, 18.0, "车给我朋友开了，这周五还两千。"),
        ]
        c1.findings = [
            _finding("cb-001", "CN-REC-01", "minor", None, None, None, "", method="absence"),
            _finding("cb-001", "CN-VERIFY-01", "critical", 2, 4.2, 7.5, "于七了三千元",
                     method="pinyin", score=0.82, uncertain=True),
        ]
        c1.script_items = [
            ScriptItemRow(item_id="CB-01", asked=True, turn_index=0, quote="回访", method="exact",
                          score=0.9, answer="yes", answer_turn_index=1, answer_quote="嗯"),
            ScriptItemRow(item_id="CB-03", asked=True, turn_index=4,
                          quote="车辆目前由谁实际使用", method="exact", score=1.0,
                          answer="friend", answer_turn_index=5, answer_quote="车给我朋友开了"),
            ScriptItemRow(item_id="CB-05", asked=False),
        ]
        c1.risk_signals = [
            _risk("cb-001", "RISK-VEHICLE-USER", "asserted", 5, 14.5, "车给我朋友开了",
                  {"user": "friend"}),
            _risk("cb-001", "RISK-PTP", "asserted", 5, 16.0, "这周五还两千",
                  {"amount": 2000, "date": "2026-03-06"}),
        ]
        c1.pii_spans = [PiiSpanRow(entity_id="PII-ID-CN", turn_index=3, start_char=5,
                                   end_char=5 + len(RAW_ID), masked=MASKED_ID, valid=True,
                                   score=0.85)]
        c1.speaker_roles = _roles()

        c2 = _call("col-002", wav2, "collection", datetime(2026, 3, 10, 15, 0, tzinfo=CST), "A2",
                   "T2", "B2", "critical", 0.9)
        c2.segments = [
            _seg(0, "ch0", "agent", 0.0, 3.0, "我是催收部的王强。"),
            _seg(1, "ch0", "agent", 3.5, 7.0, "再不还钱就去你单位闹，让你丢工作。"),
            _seg(2, "ch1", "borrower", 7.5, 10.0, "车已经卖了，我也不是不还。"),
        ]
        c2.findings = [_finding("col-002", "CN-THREAT-01", "critical", 1, 3.5, 7.0,
                                "再不还钱就去你单位闹")]
        c2.risk_signals = [
            _risk("col-002", "RISK-VEHICLE-CONTROL", "asserted", 2, 7.5, "车已经卖了",
                  {"counterparty": None}),
            _risk("col-002", "RISK-REFUSAL", "negated", 2, 8.5, "我也不是不还"),
        ]
        c2.speaker_roles = _roles()

        c3 = _call("col-003", wav3, "collection", datetime(2026, 3, 17, 9, 30, tzinfo=CST), "A1",
                   "T1", "B2", "low", 0.1)
        c3.segments = [_seg(0, "ch0", "agent", 0.0, 3.0, "您好，我是安信汽车金融的张伟，本次通话将被录音。"),
                       _seg(1, "ch1", "borrower", 3.5, 5.0, "好的，月底前还清。")]
        c3.risk_signals = [_risk("col-003", "RISK-PTP", "asserted", 1, 3.5, "月底前还清",
                                 {"amount": None, "date": "2026-03-31"})]
        c3.speaker_roles = _roles()

        c4 = _call("cb-004", audio_dir / "gone.wav", "callback",
                   datetime(2026, 3, 18, 11, 0, tzinfo=CST), "A2", "T2", "B3",
                   raw_deleted_at=datetime(2026, 4, 1, tzinfo=UTC))
        c4.segments = [_seg(0, "ch0", "agent", 0.0, 3.0, "喂，你好。", raw="")]
        c4.findings = [_finding("cb-004", "CN-ID-01", "major", 0, 0.0, 3.0, "喂，你好。")]
        c4.speaker_roles = _roles()

        c5 = CallRow(call_id="bad-005", source_path=str(audio_dir / "bad.wav"),
                     content_hash="hash-bad-005", status="failed", error_code="AUDIO_CORRUPT",
                     error="audio stream is corrupt", processed_at=datetime.now(UTC))
        s.add_all([c1, c2, c3, c4, c5])
        for name, role in USERS.items():
            s.add(UserRow(username=name, password_hash=_password_hash(), role=role, active=True,
                          created_at=datetime.now(UTC)))
    return Store(url, factory, audio_dir)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    built = build_store(tmp_path)
    monkeypatch.setenv("CALLQA_DATABASE_URL", built.url)
    yield built
    built.factory.kw["bind"].dispose()
