"""Drive every page through Streamlit's AppTest against the fixture store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import actions
from dashboard.auth import SignedInUser
from pipeline.store.schema import AuditLogRow, BorrowerCaseRow, PlaylistItemRow, ReviewRow
from tests.dashboard.conftest import MASKED_ID, PASSWORD, RAW_ID, Store

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
PAGES = ["pages/overview.py", "pages/call.py", "pages/review_queue.py", "pages/trainer.py",
         "pages/risk.py", "pages/rules.py", "pages/audit_log.py"]
THREAT = "col-002|CN-THREAT-01|1|3.5"


def app(user: SignedInUser | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user is not None:
        at.session_state["user"] = user
    return at.run()


def page(user: SignedInUser, path: str, **state: object) -> AppTest:
    at = app(user)
    for k, v in state.items():
        at.session_state[k] = v
    return at.switch_page(path).run()


def text_of(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_sign_in_failure_then_success(store: Store) -> None:
    at = app()
    assert_clean(at)
    at.text_input(key="signin_user").input("auditor1")
    at.text_input(key="signin_password").input("wrong password")
    at.button[0].click().run()
    assert any("wrong password" in e.value for e in at.error)
    assert "user" not in at.session_state
    at.text_input(key="signin_password").input(PASSWORD)
    at.button[0].click().run()
    assert_clean(at)
    assert at.session_state["user"] == SignedInUser("auditor1", "auditor")
    assert at.title[0].value.endswith("Overview")
    with store.factory() as s:
        log = [r.action for r in s.scalars(select(AuditLogRow).order_by(AuditLogRow.id))]
    assert log == ["sign_in_failed", "sign_in"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_admin(store: Store, path: str) -> None:
    at = page(SignedInUser("admin1", "admin"), path, call_id="cb-001")
    assert_clean(at)
    assert at.title, f"{path} rendered no title"


def test_overview_numbers(store: Store) -> None:
    at = app(SignedInUser("auditor1", "auditor"))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls processed"] == "4"
    assert metrics["Compliance pass rate"] == "25.0%"
    assert metrics["Awaiting review"] == "4"


def test_pages_follow_the_role(store: Store) -> None:
    trainer = app(SignedInUser("trainer1", "trainer"))
    with pytest.raises(ValueError, match="navigation page"):
        trainer.switch_page("pages/review_queue.py")
    risk = app(SignedInUser("risk1", "risk_officer"))
    with pytest.raises(ValueError, match="navigation page"):
        risk.switch_page("pages/trainer.py")
    risk.switch_page("pages/risk.py").run()
    assert_clean(risk)


def test_confirm_a_finding_from_the_queue(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/review_queue.py")
    assert_clean(at)
    at.button(key=f"queue-confirm-{THREAT}").click().run()
    assert_clean(at)
    assert any("confirm recorded" in s.value for s in at.success)
    with store.factory() as s:
        rows = [(r.target_key, r.action, r.username) for r in s.scalars(select(ReviewRow))]
    assert rows == [(THREAT, "confirm", "auditor1")]
    # The finding left the pending queue.
    assert not [b for b in at.button if b.key == f"queue-confirm-{THREAT}"]


def test_second_auditor_is_shown_the_first_decision(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="col-002")
    # Meanwhile auditor2 confirms the same finding.
    actions.review_finding(store.factory, SignedInUser("auditor2", "auditor"), THREAT, "confirm")
    at.text_input(key=f"call-reason-{THREAT}").input("agent was quoting")
    at.button(key=f"call-dismiss-{THREAT}").click().run()
    assert any("auditor2" in w.value for w in at.warning)
    with store.factory() as s:
        assert [r.username for r in s.scalars(select(ReviewRow))] == ["auditor2"]
    assert "confirmed by **auditor2**" in text_of(at)


def test_raw_personal_data_hidden_from_auditor(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="cb-001")
    assert_clean(at)
    body = text_of(at)
    assert MASKED_ID in body and RAW_ID not in body
    assert not at.toggle  # no way to ask for raw text


def test_raw_personal_data_shown_to_admin_and_logged(store: Store) -> None:
    at = page(SignedInUser("admin1", "admin"), "pages/call.py", call_id="cb-001")
    assert RAW_ID not in text_of(at)  # masked until asked
    at.toggle(key="raw-cb-001").set_value(True).run()
    assert_clean(at)
    assert RAW_ID in text_of(at)
    with store.factory() as s:
        assert s.scalar(select(AuditLogRow).where(AuditLogRow.action == "view_raw_text",
                                                  AuditLogRow.username == "admin1")) is not None


def test_call_page_shows_why_checklist_and_risk(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="cb-001")
    body = text_of(at)
    assert "pattern-CN-VERIFY-01" in body and "pinyin, score 0.82" in body
    assert "machine is unsure" in body
    assert "<mark" in body and "于七了三千元" in body  # evidence highlighted inline
    assert "**2 of 10** required items asked." in body
    assert at.tabs[3].label == "Risk statements (2)"


def test_call_page_audio_jump_and_retention_notice(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="col-002")
    at.button(key="play-0").click().run()
    assert at.session_state["audio_start"] == 2.5
    assert any("Playing from 00:02" in c.value for c in at.caption)
    gone = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="cb-004")
    assert any("retention" in w.value for w in gone.warning)


def test_role_override_from_call_page(store: Store) -> None:
    at = page(SignedInUser("auditor1", "auditor"), "pages/call.py", call_id="cb-001")
    at.selectbox(key="role-cb-001-ch1").set_value("third_party")
    at.button(key="role-save-cb-001-ch1").click().run()
    assert_clean(at)
    assert "corrected by auditor1" in text_of(at)


def test_risk_officer_sets_case_status(store: Store) -> None:
    at = page(SignedInUser("risk1", "risk_officer"), "pages/risk.py")
    assert_clean(at)
    assert at.selectbox(key="risk_borrower").value == "B2"  # critical risk first
    form_status = next(s for s in at.selectbox if s.label == "Status")
    form_status.set_value("escalated")
    at.text_area[0].input("车已卖，升级处理")
    next(b for b in at.button if b.label == "Save case").click().run()
    assert_clean(at)
    with store.factory() as s:
        row = s.scalar(select(BorrowerCaseRow))
    assert row is not None and (row.borrower_id, row.status) == ("B2", "escalated")


def test_trainer_builds_a_playlist(store: Store) -> None:
    at = page(SignedInUser("trainer1", "trainer"), "pages/trainer.py")
    assert_clean(at)
    at.text_input[0].input("开场白")
    next(b for b in at.button if b.label == "Create playlist").click().run()
    assert_clean(at)
    at.selectbox(key="clip_rule").set_value("CN-THREAT-01").run()
    at.text_input(key="clip_tags").input("threat")
    at.button(key="clip_add").click().run()
    assert_clean(at)
    with store.factory() as s:
        items = [(i.call_id, i.rule_id, i.example, i.tags) for i in
                 s.scalars(select(PlaylistItemRow))]
    assert items == [("col-002", "CN-THREAT-01", "bad", "threat")]
    assert [d.label for d in at.download_button] == ["⬇️ Export masked clips (zip)"]


def test_rules_page_reads_packs(store: Store, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "cn_conduct.yaml").write_text(
        "pack: cn_conduct\nversion: '1.0.0'\nrules:\n"
        "  - id: CN-THREAT-01\n    name: 恐吓威胁\n    severity: critical\n"
        "  - id: CN-ABUSE-01\n    name: 辱骂\n    severity: critical\n", encoding="utf-8")
    monkeypatch.setenv("CALLQA_RULES_DIR", str(rules))
    at = page(SignedInUser("auditor1", "auditor"), "pages/rules.py")
    assert_clean(at)
    table = at.dataframe[0].value
    assert {"CN-THREAT-01", "CN-ABUSE-01", "CN-ID-01"} <= set(table["rule_id"])
    assert table.set_index("rule_id").loc["CN-ABUSE-01", "findings"] == 0
    links = [p.label for p in at.page_link]
    assert "Call col-002" in links


def rerun_main(at: AppTest) -> AppTest:
    # AppTest (Streamlit 1.67) reruns only the page script once st.navigation has
    # chosen a page, so widgets drawn by app.py itself (sidebar) never see their
    # clicks. Forgetting the finished page makes the next run start at app.py, as a
    # browser rerun does.
    at._finished_page_script_hash = ""
    return at.run()


def test_sign_out_clears_session(store: Store) -> None:
    at = app(SignedInUser("auditor1", "auditor"))
    at.button(key="sign_out").click()
    rerun_main(at)
    assert_clean(at)
    assert "user" not in at.session_state
    assert at.text_input(key="signin_user") is not None
    with store.factory() as s:
        assert [r.action for r in s.scalars(select(AuditLogRow))] == ["sign_out"]


def test_sidebar_filters_reach_the_pages(store: Store) -> None:
    at = app(SignedInUser("auditor1", "auditor"))
    at.multiselect(key="f_kinds").set_value(["collection"])
    rerun_main(at)
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Calls processed"] == "2"
    assert metrics["Compliance pass rate"] == "50.0%"
