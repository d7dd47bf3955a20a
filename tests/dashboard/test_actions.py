"""Dashboard writes, on SQLite and on PostgreSQL (the ``store`` fixture below)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard import actions, data
from dashboard.actions import ActionError, review_finding
from dashboard.auth import SignedInUser
from pipeline.store.schema import (
    AuditLogRow,
    BorrowerCaseRow,
    PlaylistItemRow,
    ReviewRow,
    SpeakerRoleRow,
)
from tests.dashboard.conftest import Store, build_store
from tests.db import BACKEND_PARAMS, database_url

A1 = SignedInUser("auditor1", "auditor")
A2 = SignedInUser("auditor2", "auditor")
TRAINER = SignedInUser("trainer1", "trainer")
RISK = SignedInUser("risk1", "risk_officer")
KEY = "col-002|CN-THREAT-01|1|3.5"
FINDING_KEYS = ("cb-001|CN-REC-01|None|None", "cb-001|CN-VERIFY-01|2|4.2", KEY,
                "cb-004|CN-ID-01|0|0.0")


@pytest.fixture(params=BACKEND_PARAMS)
def store(request: pytest.FixtureRequest, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The dashboard fixture store, once on SQLite and once on PostgreSQL."""
    with database_url(request.param, tmp_path) as url:
        built = build_store(tmp_path, url)
        monkeypatch.setenv("CALLQA_DATABASE_URL", built.url)
        yield built
        built.factory.kw["bind"].dispose()


def _audit(store: Store) -> list[tuple[str, str, str]]:
    with store.factory() as s:
        return [(r.username, r.action, r.target) for r in
                s.scalars(select(AuditLogRow).order_by(AuditLogRow.id))]


def test_confirm_writes_review_and_audit_row(store: Store) -> None:
    out = review_finding(store.factory, A1, KEY, "confirm", "clear threat")
    assert out.written and out.current is not None and out.current.status == "confirmed"
    with store.factory() as s:
        rows = s.scalars(select(ReviewRow)).all()
    assert [(r.target_key, r.action, r.username) for r in rows] == [(KEY, "confirm", "auditor1")]
    assert ("auditor1", "review_confirm", f"finding:{KEY}") in _audit(store)


def test_confirm_clears_cached_queue(store: Store) -> None:
    before = data.load_review_queue(store.url, data.Filters(), "pending")
    assert KEY in set(before["key"])
    review_finding(store.factory, A1, KEY, "confirm")
    after = data.load_review_queue(store.url, data.Filters(), "pending")
    assert KEY not in set(after["key"])


def test_second_auditor_sees_first_decision_instead_of_overwriting(store: Store) -> None:
    # Both opened the finding while it was pending (seen_review_id=None).
    first = review_finding(store.factory, A1, KEY, "confirm", "threat", seen_review_id=None)
    second = review_finding(store.factory, A2, KEY, "dismiss", "not a threat",
                            seen_review_id=None)
    assert first.written and not second.written and second.conflict
    assert second.current is not None and second.current == first.current
    assert (second.current.username, second.current.action) == ("auditor1", "confirm")
    assert "auditor1" in second.message and "confirm" in second.message
    assert f"{first.current.at:%Y-%m-%d %H:%M}" in second.message  # type: ignore[union-attr]
    with store.factory() as s:
        assert s.scalar(select(ReviewRow).where(ReviewRow.username == "auditor2")) is None
    # The refused attempt is in the audit log, next to the decision that stands.
    assert ("auditor2", "review_conflict", f"finding:{KEY}") in _audit(store)
    # Having seen it, the second auditor may still change the decision deliberately.
    third = review_finding(store.factory, A2, KEY, "dismiss", "not a threat",
                           seen_review_id=second.current.review_id)
    assert third.written and third.current is not None and third.current.status == "dismissed"


def test_dismiss_and_uncertain_need_a_reason(store: Store) -> None:
    with pytest.raises(ActionError, match="reason"):
        review_finding(store.factory, A1, KEY, "dismiss", "  ")
    with pytest.raises(ActionError, match="reason"):
        review_finding(store.factory, A1, KEY, "uncertain")


def test_roles_without_review_capability_are_refused(store: Store) -> None:
    with pytest.raises(ActionError, match="trainer"):
        review_finding(store.factory, TRAINER, KEY, "confirm")


def test_appeal_flow_with_four_eyes(store: Store) -> None:
    confirmed = review_finding(store.factory, A1, KEY, "confirm")
    assert confirmed.current is not None
    with pytest.raises(ActionError, match="finding that is confirmed"):
        review_finding(store.factory, A2, KEY, "appeal_upheld", "x",
                       seen_review_id=confirmed.current.review_id)
    appeal = review_finding(store.factory, A1, KEY, "appeal", "agent: I was quoting the borrower",
                            seen_review_id=confirmed.current.review_id)
    assert appeal.current is not None and appeal.current.status == "appealed"
    with pytest.raises(ActionError, match="another auditor"):
        review_finding(store.factory, A1, KEY, "appeal_rejected", "stands",
                       seen_review_id=appeal.current.review_id)
    upheld = review_finding(store.factory, A2, KEY, "appeal_upheld", "recording confirms quote",
                            seen_review_id=appeal.current.review_id)
    assert upheld.written and upheld.current is not None
    assert upheld.current.status == "dismissed"
    assert actions.current_review(store.factory, KEY) == upheld.current


def test_unknown_finding_is_refused(store: Store) -> None:
    with pytest.raises(ActionError, match="no longer exists"):
        review_finding(store.factory, A1, "nope|X|0|0", "confirm")


def test_role_override_sets_and_clears(store: Store) -> None:
    actions.override_speaker_role(store.factory, A1, "cb-001", "ch1", "third_party")
    with store.factory() as s:
        row = s.scalars(select(SpeakerRoleRow).where(SpeakerRoleRow.speaker == "ch1")).first()
        assert row is not None
    call = data.load_call(store.url, "cb-001")
    assert call is not None
    roles = data.load_speaker_roles(store.url, int(call["id"])).set_index("speaker")
    assert roles.loc["ch1", "override_role"] == "third_party"
    assert roles.loc["ch1", "overridden_by"] == "auditor1"
    actions.override_speaker_role(store.factory, A1, "cb-001", "ch1", None)
    roles = data.load_speaker_roles(store.url, int(call["id"])).set_index("speaker")
    assert roles.loc["ch1", "override_role"] is None
    assert [a for _, a, t in _audit(store) if t == "call:cb-001:ch1"] == ["role_override"] * 2
    with pytest.raises(ActionError, match="unknown role"):
        actions.override_speaker_role(store.factory, A1, "cb-001", "ch1", "boss")
    with pytest.raises(ActionError, match="may not"):
        actions.override_speaker_role(store.factory, RISK, "cb-001", "ch1", "agent")


def test_case_status_upsert(store: Store) -> None:
    actions.set_case_status(store.factory, RISK, "B2", "contacted", "called back")
    actions.set_case_status(store.factory, RISK, "B2", "escalated", "car sold")
    with store.factory() as s:
        rows = s.scalars(select(BorrowerCaseRow)).all()
    assert [(r.borrower_id, r.status, r.note) for r in rows] == [("B2", "escalated", "car sold")]
    assert data.load_risk_queue(store.url, data.Filters(), ("new",))["borrower_id"].tolist() \
        == ["B1"]
    with pytest.raises(ActionError, match="unknown case status"):
        actions.set_case_status(store.factory, RISK, "B2", "solved")


def test_playlist_add_move_remove(store: Store) -> None:
    pid = actions.create_playlist(store.factory, TRAINER, "威胁话术", "bad examples")
    with pytest.raises(ActionError, match="already exists"):
        actions.create_playlist(store.factory, TRAINER, "威胁话术")
    a = actions.add_clip(store.factory, TRAINER, pid, "col-002", 1.5, 9.0, "bad", "CN-THREAT-01")
    b = actions.add_clip(store.factory, TRAINER, pid, "col-003", 0.0, 5.0, "good", None, "开场")
    actions.move_clip(store.factory, TRAINER, b, -1)
    items = data.load_playlist_items(store.url, pid)
    assert list(items["id"]) == [b, a]
    actions.move_clip(store.factory, TRAINER, b, -1)  # already first: no change
    actions.update_clip(store.factory, TRAINER, a, "threat, 单位", "never mention the employer")
    actions.remove_clip(store.factory, TRAINER, b)
    with store.factory() as s:
        left = s.scalars(select(PlaylistItemRow)).all()
    assert [(i.call_id, i.tags) for i in left] == [("col-002", "threat, 单位")]
    with pytest.raises(ActionError, match="start < end"):
        actions.add_clip(store.factory, TRAINER, pid, "col-002", 5.0, 5.0, "bad")
    with pytest.raises(ActionError, match="no call"):
        actions.add_clip(store.factory, TRAINER, pid, "zzz", 0.0, 5.0, "bad")
    with pytest.raises(ActionError, match="may not"):
        actions.create_playlist(store.factory, A1, "x")


def _reviews_of(store: Store, key: str) -> list[tuple[str, str]]:
    with store.factory() as s:
        return [(r.username, r.action) for r in s.scalars(
            select(ReviewRow).where(ReviewRow.target_key == key).order_by(ReviewRow.id))]


def test_concurrent_reviews_of_one_finding_exactly_one_wins(store: Store) -> None:
    # Two auditors press a button on the same pending finding at the same moment,
    # on every finding of the store in turn.
    for key in FINDING_KEYS:
        start = threading.Barrier(2)
        results: dict[str, actions.ReviewOutcome] = {}
        errors: list[BaseException] = []

        def act(user: SignedInUser, action: actions.ReviewAction, reason: str,
                key: str = key, start: threading.Barrier = start,
                results: dict[str, actions.ReviewOutcome] = results,
                errors: list[BaseException] = errors) -> None:
            try:
                start.wait()
                results[user.username] = review_finding(store.factory, user, key, action,
                                                        reason, seen_review_id=None)
            except BaseException as exc:  # reported by the assertion below
                errors.append(exc)

        threads = [threading.Thread(target=act, args=(A1, "confirm", "")),
                   threading.Thread(target=act, args=(A2, "dismiss", "not a threat"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        winners = [o for o in results.values() if o.written]
        losers = [o for o in results.values() if not o.written]
        assert len(winners) == 1 and len(losers) == 1, key
        assert losers[0].conflict and losers[0].current == winners[0].current
        stored = _reviews_of(store, key)
        assert winners[0].current is not None
        assert stored == [(winners[0].current.username, winners[0].current.action)]
        conflicts = [u for u, a, t in _audit(store) if a == "review_conflict" and
                     t == f"finding:{key}"]
        assert len(conflicts) == 1 and conflicts[0] != winners[0].current.username


def test_second_reviewer_waits_for_the_first_and_then_sees_its_decision(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    # A deterministic interleaving: auditor1 is held inside its transaction, after
    # the checks and before commit, while auditor2 acts on the same finding.
    inside, release = threading.Event(), threading.Event()
    real_audit = actions._audit

    def slow_audit(session: Any, user: Any, action: str, target: str, detail: str = "") -> None:
        real_audit(session, user, action, target, detail)
        if action == "review_confirm":
            inside.set()
            release.wait(30)

    monkeypatch.setattr(actions, "_audit", slow_audit)
    results: dict[str, actions.ReviewOutcome] = {}

    def act(user: SignedInUser, action: actions.ReviewAction, reason: str) -> None:
        results[user.username] = review_finding(store.factory, user, KEY, action, reason)

    first = threading.Thread(target=act, args=(A1, "confirm", "threat"))
    first.start()
    assert inside.wait(30)
    second = threading.Thread(target=act, args=(A2, "dismiss", "not a threat"))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "the second review must wait for the first to commit"
    release.set()
    first.join(30)
    second.join(30)
    assert results["auditor1"].written
    lost = results["auditor2"]
    assert lost.conflict and lost.current is not None
    assert (lost.current.username, lost.current.action, lost.current.reason) == \
        ("auditor1", "confirm", "threat")
    assert _reviews_of(store, KEY) == [("auditor1", "confirm")]
    with store.factory() as s:
        assert s.scalar(select(func.count()).select_from(ReviewRow)) == 1
