"""Scoring against hand-built analyses: every number is worked out by hand."""

import json

import pytest

from pipeline.analysis import CallAnalysis, Evidence, Finding, PiiSpan, RiskSignal, ScriptItemResult
from pipeline.callmeta import CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.evaluate.labels import LabelRecord, parse_lines
from pipeline.evaluate.metrics import Counts
from pipeline.evaluate.report import format_table, report_to_dict
from pipeline.evaluate.scoring import CallRun, score_runs
from pipeline.transcript import Segment, Transcript


def ev(turn: int | None, quote: str = "q", start: float | None = None,
       end: float | None = None, score: float = 1.0) -> Evidence:
    return Evidence(speaker="agent", role="agent", turn=turn, start=start, end=end, quote=quote,
                    pattern="p", method="exact", score=score)


def finding(rule_id: str, turn: int | None) -> Finding:
    return Finding(rule_id, "1", "cn_conduct", "1", "critical", "clause", ev(turn))


def rec(data: dict) -> LabelRecord:
    [record] = parse_lines([json.dumps(data, ensure_ascii=False)], "t.jsonl")
    return record


TURNS6 = [{"speaker": s, "text": f"第{i}句"} for i, s in
          enumerate(["agent", "borrower", "borrower", "agent", "borrower", "borrower"])]

R1 = rec({
    "id": "cn-1", "kind": "collection", "turns": TURNS6,
    "expect": {
        "findings": [{"id": "CN-THREAT-01", "turn": 3}, {"id": "CN-ID-01", "turn": 0}],
        "absent": ["CN-MISLEAD-01", "CN-TYPO-99"],
        "risks": [{"id": "RISK-PTP", "turn": 4, "slots": {"amount": 2000, "date": "2026-03-06"}},
                  {"id": "RISK-VEHICLE-CONTROL", "turn": 5, "polarity": "negated"}],
        "pii": [{"id": "PII-MOBILE-CN", "turn": 2, "text": "13800125678"}],
    },
})
A1 = CallAnalysis(
    findings=(finding("CN-THREAT-01", 4), finding("CN-MISLEAD-01", 3), finding("CN-ID-01", None)),
    risks=(RiskSignal("RISK-PTP", "asserted", ev(4, "周五还2000"),
                      slots=(("amount", 2000.0), ("date", "2026-03-07"))),
           RiskSignal("RISK-VEHICLE-CONTROL", "asserted", ev(5, "车没卖"))),
    pii=(PiiSpan("PII-MOBILE-CN", 2, 0, 11, "13800125678", True, 1.0, "138****5678"),
         PiiSpan("PII-BANKCARD", 1, 0, 4, "6222", False, 0.5, "****")),
)
R2 = rec({
    "id": "cb-1", "kind": "callback", "turns": TURNS6[:3],
    "expect": {"script": {"CB-01": True, "CB-02": False, "CB-03": True},
               "answers": {"CB-01": "yes", "CB-03": "friend"}, "risks": []},
})
A2 = CallAnalysis(
    findings=(finding("CN-THREAT-01", 1),),
    script=(ScriptItemResult("CB-01", True, ev(0), answer="yes"),
            ScriptItemResult("CB-02", True, ev(1, "金额对吗")),
            ScriptItemResult("CB-03", False, None)),
    pii=(PiiSpan("PII-ID-CN", 1, 0, 4, "1101", False, 0.5, "****"),),  # R2 labels no PII
)


@pytest.fixture
def report():  # type: ignore[no-untyped-def]
    failed = CallRun(rec({**R2.model_dump(), "id": "cb-2"}), "text", None,
                     error_code="internal", error="boom")
    return score_runs([CallRun(R1, "text", A1), CallRun(R2, "text", A2), failed], mode="text")


def test_call_level_counts_per_id(report) -> None:  # type: ignore[no-untyped-def]
    rows = {s.id: s for s in report.per_id}
    assert set(rows) == {"CN-THREAT-01", "CN-ID-01", "CN-MISLEAD-01", "RISK-PTP",
                         "RISK-VEHICLE-CONTROL", "PII-MOBILE-CN", "PII-BANKCARD", "CB-02",
                         "CB-03"}
    assert rows["CN-THREAT-01"].counts == Counts(tp=1, fp=1, fn=0)
    assert rows["CN-ID-01"].counts == Counts(tp=1)
    assert rows["CN-MISLEAD-01"].counts == Counts(fp=1)
    assert (rows["CN-MISLEAD-01"].absent_total, rows["CN-MISLEAD-01"].absent_fired) == (1, 1)
    assert rows["RISK-PTP"].counts == Counts(tp=1)
    assert rows["RISK-VEHICLE-CONTROL"].counts == Counts(fp=1)  # negated label, asserted found
    assert rows["PII-MOBILE-CN"].counts == Counts(tp=1)
    assert rows["PII-BANKCARD"].counts == Counts(fp=1)
    assert rows["CB-02"].counts == Counts(fn=1)  # skipped, reported as asked
    assert rows["CB-03"].counts == Counts(fp=1)  # asked, reported as skipped
    assert report.micro == Counts(tp=4, fp=5, fn=1)
    assert report.micro.precision == pytest.approx(4 / 9)
    assert report.micro.recall == pytest.approx(4 / 5)
    # macro precision over the 9 IDs: 0.5 + 1 + 0 + 1 + 0 + 1 + 0 + (CB-02 undefined) + 0
    assert report.macro.precision == pytest.approx(3.5 / 8)
    assert rows["CN-THREAT-01"].calls == 2


def test_localisation(report) -> None:  # type: ignore[no-untyped-def]
    rows = {s.id: s for s in report.per_id}
    assert (rows["CN-THREAT-01"].located, rows["CN-THREAT-01"].localisable) == (1, 1)
    assert (rows["CN-ID-01"].localisable, rows["CN-ID-01"].call_level) == (0, 1)
    assert report.localisation == 1.0  # THREAT (neighbour turn), PTP, MOBILE


def test_script_risk_and_pii_sections(report) -> None:  # type: ignore[no-untyped-def]
    assert report.script_accuracy == pytest.approx(1 / 3)
    assert report.answer_accuracy == 0.5
    risks = {r.id: r for r in report.risks.per_id}
    assert (risks["RISK-PTP"].matched, risks["RISK-PTP"].slots_n,
            risks["RISK-PTP"].slots_exact) == (1, 2, 1)
    assert report.risks.polarity_accuracy == 0.5
    assert report.risks.slot_exact_rate == 0.5
    assert report.risks.polarity_confusion == (("asserted", "asserted", 1),
                                               ("negated", "asserted", 1))
    assert report.pii_precision == 0.5
    assert report.pii_recall == 1.0
    assert report.unknown_ids == ("CN-TYPO-99",)


def test_calls_list_where_it_fails(report) -> None:  # type: ignore[no-untyped-def]
    calls = {c.call_id: c for c in report.calls}
    kinds = sorted((i.kind, i.id) for i in calls["cn-1"].issues)
    assert kinds == [("false_alarm", "CN-MISLEAD-01"), ("false_alarm", "RISK-VEHICLE-CONTROL"),
                     ("pii_false_alarm", "PII-BANKCARD"), ("polarity", "RISK-VEHICLE-CONTROL"),
                     ("slot", "RISK-PTP")]
    hard = next(i for i in calls["cn-1"].issues if i.id == "CN-MISLEAD-01")
    assert hard.detail.startswith("hard negative")
    miss = next(i for i in calls["cb-1"].issues if i.kind == "miss")
    assert (miss.id, miss.quote) == ("CB-02", "金额对吗")
    assert [c.call_id for c in report.errors] == ["cb-2"]


def test_ids_filter_restricts_rows(report) -> None:  # type: ignore[no-untyped-def]
    only = score_runs([CallRun(R1, "text", A1), CallRun(R2, "text", A2)], mode="text",
                      ids=["CN-THREAT-01", "RISK-PTP"])
    assert [s.id for s in only.per_id] == ["CN-THREAT-01", "RISK-PTP"]
    assert only.micro == Counts(tp=2, fp=1)
    assert only.script == ()


def test_report_dict_and_table(report) -> None:  # type: ignore[no-untyped-def]
    d = report_to_dict(report)
    assert {"overall", "per_id", "script", "risks", "cer", "pii", "speakers", "unknown_ids",
            "errors", "calls"} <= set(d)
    assert d["overall"]["micro"]["tp"] == 4
    assert d["overall"]["calls_failed"] == 1
    assert d["cer"] is None
    json.dumps(d, ensure_ascii=False)  # serialisable
    table = format_table(report)
    assert "CN-THREAT-01" in table and "overall micro" in table and "CN-TYPO-99" in table


def test_audio_mode_maps_evidence_by_time_and_scores_cer() -> None:
    record = rec({
        "id": "cb-9", "kind": "callback", "channels": {"0": "agent", "1": "borrower"},
        "turns": [{"speaker": "agent", "text": "您好，我是李娜。", "start": 0.0, "end": 2.0},
                  {"speaker": "borrower", "text": "车卖了。", "start": 2.5, "end": 4.0}],
        "expect": {"risks": [{"id": "RISK-VEHICLE-CONTROL", "turn": 1}]},
    })
    segments = (Segment(0, 0.1, 1.9, "您好我是李那", "您好我是李那"),
                Segment(1, 2.6, 3.9, "车卖了", "车卖了"))
    transcript = Transcript(segments, 4.0, "zh", "test", "test")
    # the engine split the call differently: hypothesis turn 0 is an extra noise turn
    hyp = Conversation(CallMeta("cb-9"), (
        Turn(0, "ch1", "borrower", 0.0, 0.05, "嗯", "嗯", channel=1),
        Turn(1, "ch0", "agent", 0.1, 1.9, "您好我是李那", "您好我是李那", channel=0),
        Turn(2, "ch1", "borrower", 2.6, 3.9, "车卖了", "车卖了", channel=1)))
    analysis = CallAnalysis(risks=(RiskSignal("RISK-VEHICLE-CONTROL", "asserted", ev(2)),))
    report = score_runs([CallRun(record, "audio", analysis, hyp, transcript)], mode="audio")
    [row] = report.per_id
    assert row.counts == Counts(tp=1)
    assert (row.located, row.localisable) == (1, 1)
    assert report.cer is not None
    # CER reads the conversation the rules read (with the extra 嗯); the raw transcript
    # (here without it) is reported beside it
    assert (report.cer.overall.edits, report.cer.overall.ref_chars) == (2, 9)
    assert (report.cer.overall_transcript.edits, report.cer.overall_transcript.ref_chars) == (1, 9)
    assert dict(report.cer.by_channel)[0].cer == pytest.approx(1 / 6)
    assert dict(report.cer.by_channel)[1].cer == pytest.approx(1 / 3)
    roles = dict(report.cer.by_role)
    assert (roles["borrower"].edits, roles["borrower"].ref_chars) == (1, 3)  # the extra 嗯
    t0, t1 = report.cer.turns
    assert (t0.count.edits, t0.count.ref_chars, t0.hypothesis) == (1, 6, "您好我是李那")
    assert (t1.count.edits, t1.hypothesis) == (0, "车卖了")  # 嗯 overlaps no turn on its line
    assert t1.chars_per_minute == 120.0
    assert report_to_dict(report)["cer"]["by_kind"]["callback"]["cer"] == pytest.approx(2 / 9,
                                                                                      abs=1e-4)
