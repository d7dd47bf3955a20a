from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import data
from dashboard.actions import review_finding
from dashboard.auth import SignedInUser
from tests.dashboard.conftest import Store

AUDITOR = SignedInUser("auditor1", "auditor")


def test_kpis_count_calls_and_pass_rate(store: Store) -> None:
    k = data.load_kpis(store.url, data.Filters())
    assert k.calls == 4  # the failed recording is not a processed call
    assert k.failed_processing == 1
    # cb-001 (critical), col-002 (critical), cb-004 (major) fail; col-003 passes.
    assert k.failing_calls == 3
    assert k.pass_rate == 0.25
    assert k.findings == 4
    assert k.pending_reviews == 4
    assert k.high_risk_calls == 1


def test_dismissed_finding_no_longer_fails_the_call(store: Store) -> None:
    review_finding(store.factory, AUDITOR, "col-002|CN-THREAT-01|1|3.5", "dismiss",
                   "agent quoted the borrower")
    k = data.load_kpis(store.url, data.Filters())
    assert k.failing_calls == 2
    assert k.pending_reviews == 3


def test_filters_narrow_by_kind_agent_and_date(store: Store) -> None:
    assert data.load_kpis(store.url, data.Filters(kinds=("collection",))).calls == 2
    assert data.load_kpis(store.url, data.Filters(agents=("A1",))).calls == 2
    march_first_half = data.Filters(date_from=date(2026, 3, 1), date_to=date(2026, 3, 10))
    assert data.load_kpis(store.url, march_first_half).calls == 2
    by_rule = data.load_findings_by_rule(store.url, data.Filters(severities=("critical",)))
    assert set(by_rule["rule_id"]) == {"CN-VERIFY-01", "CN-THREAT-01"}


def test_weekly_trend_buckets_by_monday(store: Store) -> None:
    weekly = data.load_weekly(store.url, data.Filters())
    weeks = [w.date() for w in weekly["week"]]
    # 2026-03-02 is a Monday; 10th falls in the week of the 9th; 17th and 18th share a week.
    assert weeks == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert list(weekly["calls"]) == [1, 1, 2]
    assert list(weekly["failing_calls"]) == [1, 1, 1]
    assert weekly["pass_rate"].iloc[2] == 0.5


def test_by_agent_and_team(store: Store) -> None:
    agents = data.load_by_group(store.url, data.Filters(), "agent_id")
    a1 = agents.set_index("agent_id").loc["A1"]
    assert (a1["calls"], a1["failing_calls"]) == (2, 1)
    teams = data.load_by_group(store.url, data.Filters(), "team")
    assert set(teams["team"]) == {"T1", "T2"}


def test_agreement_is_confirmed_over_decided(store: Store) -> None:
    review_finding(store.factory, AUDITOR, "col-002|CN-THREAT-01|1|3.5", "confirm")
    review_finding(store.factory, AUDITOR, "cb-001|CN-VERIFY-01|2|4.2", "dismiss",
                   "identity was confirmed earlier")
    agree = data.load_agreement(store.url, data.Filters()).set_index("rule_id")
    assert agree.loc["CN-THREAT-01", "precision"] == 1.0
    assert agree.loc["CN-VERIFY-01", "precision"] == 0.0
    assert pd.isna(agree.loc["CN-ID-01", "precision"])
    assert agree.loc["CN-ID-01", "pending"] == 1


def test_status_filter_uses_latest_review(store: Store) -> None:
    key = "col-002|CN-THREAT-01|1|3.5"
    first = review_finding(store.factory, AUDITOR, key, "uncertain", "cannot hear")
    assert first.current is not None
    review_finding(store.factory, AUDITOR, key, "confirm", seen_review_id=first.current.review_id)
    confirmed = data.load_findings_by_rule(store.url, data.Filters(statuses=("confirmed",)))
    assert list(confirmed["rule_id"]) == ["CN-THREAT-01"]
    assert data.load_findings_by_rule(store.url, data.Filters(statuses=("uncertain",))).empty


def test_segments_leave_out_raw_text_unless_asked(store: Store) -> None:
    call = data.load_call(store.url, "cb-001")
    assert call is not None
    masked = data.load_segments(store.url, int(call["id"]))
    assert "raw_text" not in masked.columns
    assert not masked["text"].str.contains("199003071234").any()
    raw = data.load_segments(store.url, int(call["id"]), include_raw=True)
    assert raw["raw_text"].str.contains("110101199003071234").any()


def test_review_queue_orders_most_severe_first(store: Store) -> None:
    queue = data.load_review_queue(store.url, data.Filters(), "pending")
    assert list(queue["severity"][:2]) == ["critical", "critical"]
    assert queue["severity"].iloc[-1] == "minor"
    # Newest critical first.
    assert queue["call_id"].iloc[0] == "col-002"


def test_risk_queue_lists_flagged_borrowers_riskiest_first(store: Store) -> None:
    queue = data.load_risk_queue(store.url, data.Filters())
    assert list(queue["borrower_id"]) == ["B2", "B1"]  # B3 said nothing risky
    b2 = queue.iloc[0]
    assert "RISK-VEHICLE-CONTROL" in b2["signal_ids"]
    assert "RISK-REFUSAL" not in b2["signal_ids"]  # negated statements do not flag
    assert b2["case_status"] == "new"
    newest = data.load_risk_queue(store.url, data.Filters(), order="newest")
    assert list(newest["borrower_id"]) == ["B2", "B1"]


def test_borrower_timeline_extracts_promises(store: Store) -> None:
    view = data.load_borrower(store.url, "B2")
    assert list(view.calls["call_id"]) == ["col-003", "col-002"]
    assert list(view.promises["date"]) == ["2026-03-31"]
    b1 = data.load_borrower(store.url, "B1")
    assert b1.promises.iloc[0]["amount"] == 2000


def test_rule_catalogue_tolerates_missing_and_broken_packs(tmp_path: Path) -> None:
    missing = data.load_rule_catalogue(str(tmp_path / "nope"))
    assert missing.rules == () and missing.problems
    (tmp_path / "good.yaml").write_text(
        "pack: cn_conduct\nversion: '1.2'\nrules:\n"
        "  - id: CN-THREAT-01\n    name: 威胁恐吓\n    severity: critical\n"
        "    clause: {source: CBA-2026, text: 不得恐吓}\n", encoding="utf-8")
    (tmp_path / "bad.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    cat = data.load_rule_catalogue(str(tmp_path))
    assert [r.rule_id for r in cat.rules] == ["CN-THREAT-01"]
    assert cat.rules[0].pack_version == "1.2"
    assert cat.rules[0].clause == "CBA-2026: 不得恐吓"
    assert any("bad.yaml" in p for p in cat.problems)


def test_rule_hits_with_example_calls(store: Store) -> None:
    hits = data.load_rule_hits(store.url, data.Filters()).set_index("rule_id")
    assert hits.loc["CN-THREAT-01", "findings"] == 1
    assert hits.loc["CN-THREAT-01", "examples"] == ["col-002"]


def test_clip_candidates(store: Store) -> None:
    bad = data.load_clip_candidates(store.url, "CN-THREAT-01", "bad")
    assert list(bad["call_id"]) == ["col-002"]
    assert bad.iloc[0]["start"] == 1.5  # evidence at 3.5 s with 2 s of lead-in
    good_cb = data.load_clip_candidates(store.url, "CB-03", "good")
    assert list(good_cb["call_id"]) == ["cb-001"]
    good = data.load_clip_candidates(store.url, "CN-THREAT-01", "good")
    # Clean collection call with audio; cb-004 has no audio and fails anyway.
    assert list(good["call_id"]) == ["col-003"]
