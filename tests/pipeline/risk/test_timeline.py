"""Borrower timeline and broken promises derived from history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pipeline.callmeta import CallKind, CallMeta
from pipeline.risk import RiskPack, apply_history, build_timeline, extract_risks
from pipeline.risk.models import RiskResult
from tests.pipeline.risk.conftest import MONDAY, conversation


def _call(pack: RiskPack, call_id: str, day: int, kind: CallKind, *texts: str
          ) -> tuple[CallMeta, RiskResult]:
    conv = conversation(*[("borrower", t) for t in texts], call_id=call_id, kind=kind,
                        started_at=MONDAY + timedelta(days=day))
    return conv.meta, extract_risks(conv, pack)


def test_promise_broken_by_later_collection_call(pack: RiskPack) -> None:
    first = _call(pack, "c1", 0, "collection", "这周五还两千")
    later = _call(pack, "c2", 7, "collection", "最近手头紧")
    timeline = build_timeline([later, first])  # any order in
    assert [c.call_id for c in timeline.calls] == ["c1", "c2"]
    (promise,) = timeline.promises
    assert promise.status == "broken" and promise.status_call_id == "c2"
    assert promise.amount == 2000 and promise.due is not None
    assert promise.due.isoformat() == "2026-03-06"
    assert any(e.kind == "broken_promise" for e in timeline.escalations)


def test_promise_kept_pending(pack: RiskPack) -> None:
    made = _call(pack, "c1", 0, "collection", "这周五还两千")
    calm_callback = _call(pack, "c2", 10, "callback", "都挺好的")
    before_due = _call(pack, "c3", 2, "collection", "周五前肯定还")
    kept = build_timeline([made, calm_callback]).promises[0]
    assert kept.status == "kept"
    pending = build_timeline([made, before_due]).promises[0]
    assert pending.status == "pending"


def test_undated_promise_broken_only_when_stated(pack: RiskPack) -> None:
    made = _call(pack, "c1", 0, "collection", "发工资那天就还你们")
    again = _call(pack, "c2", 20, "collection", "上次说发工资还的，又没还上")
    quiet = _call(pack, "c3", 20, "collection", "嗯嗯好的")
    assert build_timeline([made, again]).promises[0].status == "broken"
    assert build_timeline([made, quiet]).promises[0].status == "pending"


def test_repeats_and_level_up(pack: RiskPack) -> None:
    a = _call(pack, "c1", 0, "callback", "还有网贷")
    b = _call(pack, "c2", 5, "collection", "还有网贷，工作也丢了")
    timeline = build_timeline([a, b])
    kinds = {(e.kind, e.signal_id) for e in timeline.escalations}
    assert ("repeat", "RISK-OTHER-DEBT") in kinds
    assert ("new_signal", "RISK-INCOME") in kinds
    assert ("level_up", None) in kinds
    assert [c.level for c in timeline.calls] == ["medium", "high"]


def test_negated_signals_are_events_but_not_escalations(pack: RiskPack) -> None:
    a = _call(pack, "c1", 0, "callback", "车没卖")
    b = _call(pack, "c2", 5, "callback", "车没卖")
    timeline = build_timeline([a, b])
    assert len(timeline.events) == 2
    assert timeline.escalations == ()


def test_one_borrower_only(pack: RiskPack) -> None:
    a = _call(pack, "c1", 0, "callback", "好的")
    conv = conversation(("borrower", "好的"), call_id="x", borrower_id="B2")
    with pytest.raises(ValueError, match="one borrower"):
        build_timeline([a, (conv.meta, extract_risks(conv, pack))])


def test_history_derives_broken_promise(pack: RiskPack) -> None:
    made = _call(pack, "c1", 0, "collection", "这周五还两千")
    conv = conversation(("borrower", "嗯，我知道"), call_id="c2", kind="collection",
                        started_at=MONDAY + timedelta(days=8))
    result = extract_risks(conv, pack)
    assert result.level == "low"
    updated = apply_history(conv.meta, result, [made], pack)
    broken = [s for s in updated.signals if s.signal_id == "RISK-PTP-BROKEN"]
    assert len(broken) == 1 and broken[0].evidence.method == "history"
    assert broken[0].slot_map["promise_call"] == "c1"
    assert updated.level == "high" and result.level == "low"  # input untouched


def test_history_ignores_future_due_and_callbacks(pack: RiskPack) -> None:
    made = _call(pack, "c1", 0, "collection", "这周五还两千")
    early = conversation(("borrower", "嗯"), call_id="c2", started_at=MONDAY + timedelta(days=2))
    r = extract_risks(early, pack)
    assert apply_history(early.meta, r, [made], pack) is r
    callback = conversation(("borrower", "嗯"), call_id="c3", kind="callback",
                            started_at=datetime(2026, 3, 20, 10, tzinfo=MONDAY.tzinfo))
    r2 = extract_risks(callback, pack)
    assert apply_history(callback.meta, r2, [made], pack) is r2
