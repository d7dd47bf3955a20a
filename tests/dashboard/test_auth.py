from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard import auth
from dashboard.auth import UserError, add_user, authenticate, list_users, set_active
from dashboard.permissions import can, may_see_raw
from pipeline.store.schema import AuditLogRow, UserRow
from tests.dashboard.conftest import PASSWORD, Store


def test_password_is_stored_as_bcrypt_hash(store: Store) -> None:
    add_user(store.factory, "newbie", "trainer", "s3cret-pass")
    with store.factory() as s:
        row = s.scalar(select(UserRow).where(UserRow.username == "newbie"))
    assert row is not None
    assert row.password_hash.startswith("$2") and "s3cret-pass" not in row.password_hash
    assert auth.verify_password("s3cret-pass", row.password_hash)
    assert not auth.verify_password("s3cret-pasS", row.password_hash)


def test_add_user_validates(store: Store) -> None:
    with pytest.raises(UserError, match="unknown role"):
        add_user(store.factory, "x", "boss", "long-enough")
    with pytest.raises(UserError, match="at least"):
        add_user(store.factory, "x", "auditor", "short")
    with pytest.raises(UserError, match="already exists"):
        add_user(store.factory, "auditor1", "auditor", "long-enough")


def test_sign_in_success_and_failure_are_logged(store: Store) -> None:
    ok = authenticate(store.factory, "auditor1", PASSWORD)
    assert ok.user == auth.SignedInUser("auditor1", "auditor")
    bad = authenticate(store.factory, "auditor1", "wrong")
    nobody = authenticate(store.factory, "ghost", "wrong")
    assert bad.user is None and nobody.user is None
    assert bad.message == nobody.message  # does not reveal which usernames exist
    with store.factory() as s:
        log = [(r.username, r.action) for r in s.scalars(select(AuditLogRow))]
    assert log == [("auditor1", "sign_in"), ("auditor1", "sign_in_failed"),
                   ("ghost", "sign_in_failed")]


def test_disabled_user_cannot_sign_in(store: Store) -> None:
    set_active(store.factory, "trainer1", False)
    result = authenticate(store.factory, "trainer1", PASSWORD)
    assert result.user is None and "disabled" in result.message
    assert [u.active for u in list_users(store.factory) if u.username == "trainer1"] == [False]


def test_lockout_after_repeated_failures(store: Store) -> None:
    for _ in range(auth.MAX_FAILURES):
        assert authenticate(store.factory, "risk1", "guess").user is None
    locked = authenticate(store.factory, "risk1", PASSWORD)
    assert locked.user is None and "Too many" in locked.message


def test_permissions_map() -> None:
    assert can("auditor", "review_findings") and not can("trainer", "review_findings")
    assert can("trainer", "export_playlists") and not can("auditor", "manage_playlists")
    assert can("risk_officer", "manage_cases") and not can("risk_officer", "override_roles")
    assert not can("nobody", "view_calls")
    # Raw personal data: admin only by default (pipeline.pii's raw_roles).
    assert may_see_raw("admin")
    assert not any(may_see_raw(r) for r in ("auditor", "trainer", "risk_officer", "x"))
