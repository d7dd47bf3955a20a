"""Local users: bcrypt-hashed passwords, roles, sign-in with audit trail.

Passwords are never stored or logged in clear. A sign-in attempt (good or bad)
is written to audit_log; after ``MAX_FAILURES`` failed attempts within
``LOCKOUT_WINDOW`` a username is refused until the window passes, which slows
down password guessing against a dashboard that is usually on an intranet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import bcrypt
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from dashboard.permissions import USER_ROLES, is_role
from pipeline.store.schema import AuditLogRow, UserRow

MAX_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8


class UserError(ValueError):
    """A user-management request that cannot be carried out (message says why)."""


@dataclass(frozen=True)
class SignedInUser:
    username: str
    role: str


@dataclass(frozen=True)
class UserInfo:
    username: str
    role: str
    active: bool
    created_at: datetime


@dataclass(frozen=True)
class SignInResult:
    user: SignedInUser | None
    message: str  # why it failed; empty on success


def _now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    # bcrypt only reads the first 72 bytes; refuse longer input rather than
    # silently ignoring the tail of a passphrase.
    raw = password.encode("utf-8")
    if len(raw) > 72:
        raise UserError("password is longer than 72 bytes (bcrypt limit)")
    return bcrypt.hashpw(raw, bcrypt.gensalt()).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    raw = password.encode("utf-8")
    if len(raw) > 72:
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode("ascii"))
    except ValueError:  # malformed hash in the table
        return False


def _audit(session: Session, username: str, action: str, target: str, detail: str = "") -> None:
    session.add(AuditLogRow(username=username, action=action, target=target, detail=detail,
                            at=_now()))


def add_user(factory: sessionmaker[Session], username: str, role: str, password: str,
             by: str = "cli") -> UserInfo:
    username = username.strip()
    if not username:
        raise UserError("username is empty")
    if not is_role(role):
        raise UserError(f"unknown role {role!r}; use one of {', '.join(USER_ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password must have at least {MIN_PASSWORD_LENGTH} characters")
    hashed = hash_password(password)
    with factory.begin() as session:
        if session.scalar(select(UserRow).where(UserRow.username == username)) is not None:
            raise UserError(f"user {username!r} already exists")
        row = UserRow(username=username, password_hash=hashed, role=role, active=True,
                      created_at=_now())
        session.add(row)
        _audit(session, by, "user_add", username, f"role={role}")
    return UserInfo(username, role, True, row.created_at)


def list_users(factory: sessionmaker[Session]) -> list[UserInfo]:
    with factory() as session:
        rows = session.scalars(select(UserRow).order_by(UserRow.username)).all()
        return [UserInfo(r.username, r.role, r.active, r.created_at) for r in rows]


def set_active(factory: sessionmaker[Session], username: str, active: bool,
               by: str = "cli") -> None:
    with factory.begin() as session:
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        if row is None:
            raise UserError(f"no user {username!r}")
        row.active = active
        _audit(session, by, "user_enable" if active else "user_disable", username)


def _recent_failures(session: Session, username: str) -> int:
    since = _now() - LOCKOUT_WINDOW
    last_success = session.scalar(
        select(func.max(AuditLogRow.id)).where(
            AuditLogRow.username == username, AuditLogRow.action == "sign_in"))
    query = select(func.count()).select_from(AuditLogRow).where(
        AuditLogRow.username == username,
        AuditLogRow.action == "sign_in_failed",
        AuditLogRow.at >= since,
    )
    if last_success is not None:
        query = query.where(AuditLogRow.id > last_success)
    return int(session.scalar(query) or 0)


def authenticate(factory: sessionmaker[Session], username: str, password: str) -> SignInResult:
    """Check a username and password; log the attempt either way."""
    username = username.strip()
    with factory.begin() as session:
        if _recent_failures(session, username) >= MAX_FAILURES:
            _audit(session, username or "?", "sign_in_failed", "dashboard", "locked out")
            return SignInResult(None, "Too many failed attempts; try again in 15 minutes.")
        row = session.scalar(select(UserRow).where(UserRow.username == username))
        # Same message whether the user exists or not: do not reveal usernames.
        if row is None or not verify_password(password, row.password_hash):
            _audit(session, username or "?", "sign_in_failed", "dashboard", "bad credentials")
            return SignInResult(None, "Unknown username or wrong password.")
        if not row.active:
            _audit(session, username, "sign_in_failed", "dashboard", "account disabled")
            return SignInResult(None, "This account is disabled; ask an administrator.")
        _audit(session, username, "sign_in", "dashboard", f"role={row.role}")
        return SignInResult(SignedInUser(row.username, row.role), "")


def record_sign_out(factory: sessionmaker[Session], username: str) -> None:
    with factory.begin() as session:
        _audit(session, username, "sign_out", "dashboard")
