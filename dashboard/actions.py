"""Everything the dashboard writes: review decisions, role overrides, case status,
playlists and audit events.

Each action checks the user's capability, writes its row and an audit_log row in
one transaction, and then clears the cached loaders whose results it changed.
Review decisions are optimistic: the page passes the id of the latest review it
showed; if somebody else decided in the meantime the action writes nothing and
returns the current decision so the page can show it (two auditors on one
finding never overwrite each other unseen). The check and the write happen in
one transaction that holds the finding's lock (SELECT ... FOR UPDATE on
PostgreSQL, the database write lock on SQLite), so the compare-and-set holds
with several dashboards on one PostgreSQL store. A refused attempt is itself
recorded in the audit log (``review_conflict``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from dashboard import data
from dashboard.auth import SignedInUser
from dashboard.permissions import Capability, can
from pipeline.callmeta import ROLES
from pipeline.store.schema import (
    AuditLogRow,
    BorrowerCaseRow,
    CallRow,
    FindingRow,
    PlaylistItemRow,
    PlaylistRow,
    ReviewRow,
    SpeakerRoleRow,
)

ReviewAction = Literal["confirm", "dismiss", "uncertain", "appeal", "appeal_upheld",
                       "appeal_rejected"]
REVIEW_ACTIONS: Final[tuple[ReviewAction, ...]] = (
    "confirm", "dismiss", "uncertain", "appeal", "appeal_upheld", "appeal_rejected")
# Status a finding must be in (per data.py's mapping) for each action.
ALLOWED_FROM: Final[dict[str, tuple[str, ...]]] = {
    "confirm": ("pending", "uncertain", "dismissed"),
    "dismiss": ("pending", "uncertain", "confirmed"),
    "uncertain": ("pending",),
    "appeal": ("confirmed",),
    "appeal_upheld": ("appealed",),
    "appeal_rejected": ("appealed",),
}
NEEDS_REASON: Final = frozenset({"dismiss", "uncertain", "appeal", "appeal_upheld",
                                 "appeal_rejected"})
CAPABILITY_FOR: Final[dict[str, Capability]] = {
    "confirm": "review_findings", "dismiss": "review_findings", "uncertain": "review_findings",
    "appeal": "record_appeal", "appeal_upheld": "decide_appeal",
    "appeal_rejected": "decide_appeal",
}
STATUS_OF_ACTION: Final = {"confirm": "confirmed", "appeal_rejected": "confirmed",
                           "dismiss": "dismissed", "appeal_upheld": "dismissed",
                           "uncertain": "uncertain", "appeal": "appealed"}
CASE_STATUSES: Final = data.CASE_STATUSES


class ActionError(Exception):
    """The action was refused; the message says why, in words for the user."""


@dataclass(frozen=True)
class ReviewState:
    review_id: int
    action: str
    status: str
    username: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class ReviewOutcome:
    written: bool
    message: str
    current: ReviewState | None  # the decision now in force (ours if written)
    conflict: bool = False  # someone else decided first; ``current`` is their decision


class _Conflict(Exception):
    def __init__(self, state: ReviewState | None) -> None:
        super().__init__("conflict")
        self.state = state


def _now() -> datetime:
    return datetime.now(UTC)


def _require(user: SignedInUser, capability: Capability) -> None:
    if not can(user.role, capability):
        raise ActionError(f"your role ({user.role}) may not do this ({capability})")


def _audit(session: Session, user: SignedInUser | str, action: str, target: str,
           detail: str = "") -> None:
    name = user if isinstance(user, str) else user.username
    session.add(AuditLogRow(username=name, action=action, target=target, detail=detail[:4000],
                            at=_now()))


def _state(row: ReviewRow | None) -> ReviewState | None:
    if row is None:
        return None
    at = row.created_at
    if at.tzinfo is None:  # SQLite hands back naive values; we always write UTC
        at = at.replace(tzinfo=UTC)
    return ReviewState(row.id, row.action, STATUS_OF_ACTION.get(row.action, "pending"),
                       row.username, row.reason, at)


def current_review(factory: sessionmaker[Session], key: str) -> ReviewState | None:
    """The decision now in force on a finding, read fresh (not cached)."""
    with factory() as session:
        row = session.scalar(select(ReviewRow).where(
            ReviewRow.target_type == "finding", ReviewRow.target_key == key)
            .order_by(ReviewRow.id.desc()).limit(1))
        return _state(row)


def _write_lock(session: Session) -> None:
    """On SQLite, take the database's write lock before the first read.

    SQLite ignores FOR UPDATE. BEGIN IMMEDIATE makes a second reviewer wait
    (busy_timeout) until the first commits, so it reads the first decision
    instead of a snapshot from before it. PostgreSQL needs nothing here.
    """
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def conflict_message(other: ReviewState | None) -> str:
    """What the second auditor is told: who decided, what, when and why."""
    if other is None:  # the other decision was withdrawn meanwhile; nothing to show
        return "The finding changed while you were looking at it. Reload it and decide again."
    why = f" — “{other.reason}”" if other.reason else ""
    return (f"{other.username} already decided: {other.action} ({other.status}) at "
            f"{other.at:%Y-%m-%d %H:%M} UTC{why}. Your decision was not saved; check "
            "theirs before changing it.")


def _refused(factory: sessionmaker[Session], user: SignedInUser, key: str, action: str,
             reason: str, other: ReviewState | None) -> ReviewOutcome:
    # The review transaction was rolled back; the attempt still belongs in the
    # audit trail, so it is written in a transaction of its own.
    theirs = (f"{other.username} {other.action} (review {other.review_id})" if other
              else "unknown")
    with factory.begin() as session:
        _audit(session, user, "review_conflict", f"finding:{key}",
               f"{action} not saved, already decided by {theirs}; reason given: {reason}")
    # This server's cached queue predates the other decision (it may have been made on
    # another dashboard host): drop it so the rerun shows the decision in force.
    data.clear(data.REVIEW_LOADERS, data.AUDIT_LOADERS)
    return ReviewOutcome(False, conflict_message(other), other, conflict=True)


def review_finding(factory: sessionmaker[Session], user: SignedInUser, key: str,
                   action: ReviewAction, reason: str = "",
                   seen_review_id: int | None = None) -> ReviewOutcome:
    """Record a decision on the finding with stable ``key``.

    ``seen_review_id`` is the latest review id the user was shown (None when the
    finding looked unreviewed). If the finding's latest review differs, nothing
    is written and the outcome carries the other decision.
    """
    if action not in REVIEW_ACTIONS:
        raise ActionError(f"unknown review action {action!r}")
    _require(user, CAPABILITY_FOR[action])
    reason = reason.strip()
    if action in NEEDS_REASON and not reason:
        raise ActionError(f"'{action}' needs a reason")
    try:
        with factory.begin() as session:
            _write_lock(session)
            # Row lock on PostgreSQL so two reviewers of one finding queue up: the
            # second reads the reviews only after the first has committed.
            finding = session.scalar(select(FindingRow).where(FindingRow.key == key)
                                     .with_for_update())
            if finding is None:
                raise ActionError("this finding no longer exists (the call was re-processed "
                                  "and the rule no longer fires)")
            review = ReviewRow(target_type="finding", target_key=key, action=action,
                               reason=reason, username=user.username, created_at=_now())
            session.add(review)
            session.flush()
            previous = session.scalar(select(ReviewRow).where(
                ReviewRow.target_type == "finding", ReviewRow.target_key == key,
                ReviewRow.id < review.id).order_by(ReviewRow.id.desc()).limit(1))
            prev_state = _state(previous)
            if (previous.id if previous else None) != seen_review_id:
                raise _Conflict(prev_state)
            status = prev_state.status if prev_state else "pending"
            if status not in ALLOWED_FROM[action]:
                raise ActionError(f"cannot '{action}' a finding that is {status}")
            if action in ("appeal_upheld", "appeal_rejected"):
                confirmer = session.scalar(select(ReviewRow.username).where(
                    ReviewRow.target_type == "finding", ReviewRow.target_key == key,
                    ReviewRow.action.in_(("confirm", "appeal_rejected")),
                    ReviewRow.id < review.id).order_by(ReviewRow.id.desc()).limit(1))
                # Four eyes: whoever confirmed the finding does not judge the appeal.
                if confirmer == user.username:
                    raise ActionError("you confirmed this finding; another auditor must "
                                      "decide the appeal")
            _audit(session, user, f"review_{action}", f"finding:{key}", reason)
            written = _state(review)
    except _Conflict as conflict:
        return _refused(factory, user, key, action, reason, conflict.state)
    except OperationalError as exc:
        # SQLite reports a concurrent writer this way once busy_timeout runs out.
        raise ActionError(f"the store is busy, try again ({exc.orig})") from exc
    data.clear(data.REVIEW_LOADERS, data.AUDIT_LOADERS)
    return ReviewOutcome(True, f"{action} recorded", written)


def override_speaker_role(factory: sessionmaker[Session], user: SignedInUser, call_id: str,
                          speaker: str, role: str | None) -> None:
    """Set (or clear with None) a person's correction of a speaker's role."""
    _require(user, "override_roles")
    if role is not None and role not in ROLES:
        raise ActionError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    with factory.begin() as session:
        row = session.scalar(
            select(SpeakerRoleRow).join(CallRow, CallRow.id == SpeakerRoleRow.call_pk)
            .where(CallRow.call_id == call_id, SpeakerRoleRow.speaker == speaker))
        if row is None:
            raise ActionError(f"call {call_id} has no speaker {speaker!r}")
        before = row.override_role or row.role
        row.override_role = role
        row.overridden_by = user.username if role is not None else None
        row.overridden_at = _now() if role is not None else None
        _audit(session, user, "role_override", f"call:{call_id}:{speaker}",
               f"{before} -> {role or row.role}")
    data.clear(data.ROLE_LOADERS, data.AUDIT_LOADERS)


def set_case_status(factory: sessionmaker[Session], user: SignedInUser, borrower_id: str,
                    status: str, note: str = "") -> None:
    _require(user, "manage_cases")
    if status not in CASE_STATUSES:
        raise ActionError(f"unknown case status {status!r}; use one of {', '.join(CASE_STATUSES)}")
    with factory.begin() as session:
        row = session.scalar(select(BorrowerCaseRow)
                             .where(BorrowerCaseRow.borrower_id == borrower_id))
        before = row.status if row else "new"
        if row is None:
            row = BorrowerCaseRow(borrower_id=borrower_id, status=status, note=note.strip(),
                                  updated_by=user.username, updated_at=_now())
            session.add(row)
        else:
            row.status = status
            row.note = note.strip()
            row.updated_by = user.username
            row.updated_at = _now()
        _audit(session, user, "case_status", f"borrower:{borrower_id}",
               f"{before} -> {status}; {note.strip()}")
    data.clear(data.CASE_LOADERS, data.AUDIT_LOADERS)


# ---------------------------------------------------------------- playlists

def create_playlist(factory: sessionmaker[Session], user: SignedInUser, name: str,
                    description: str = "") -> int:
    _require(user, "manage_playlists")
    name = name.strip()
    if not name:
        raise ActionError("a playlist needs a name")
    try:
        with factory.begin() as session:
            row = PlaylistRow(name=name, description=description.strip(),
                              created_by=user.username, created_at=_now())
            session.add(row)
            session.flush()
            _audit(session, user, "playlist_create", f"playlist:{row.id}", name)
            new_id = row.id
    except IntegrityError as exc:
        raise ActionError(f"a playlist named {name!r} already exists") from exc
    data.clear(data.PLAYLIST_LOADERS, data.AUDIT_LOADERS)
    return new_id


def add_clip(factory: sessionmaker[Session], user: SignedInUser, playlist_id: int,
             call_id: str, start: float, end: float, example: Literal["good", "bad"],
             rule_id: str | None = None, tags: str = "", note: str = "") -> int:
    _require(user, "manage_playlists")
    if example not in ("good", "bad"):
        raise ActionError("example must be 'good' or 'bad'")
    if not end > start >= 0:
        raise ActionError(f"clip times must satisfy 0 <= start < end (got {start}..{end})")
    with factory.begin() as session:
        if session.get(PlaylistRow, playlist_id) is None:
            raise ActionError(f"no playlist {playlist_id}")
        if session.scalar(select(CallRow.id).where(CallRow.call_id == call_id)) is None:
            raise ActionError(f"no call {call_id!r}")
        last = session.scalar(select(func.max(PlaylistItemRow.position))
                              .where(PlaylistItemRow.playlist_id == playlist_id))
        item = PlaylistItemRow(playlist_id=playlist_id, position=(last or 0) + 1,
                               call_id=call_id, rule_id=rule_id, example=example,
                               start=float(start), end=float(end), tags=tags.strip(),
                               note=note.strip())
        session.add(item)
        session.flush()
        _audit(session, user, "playlist_add", f"playlist:{playlist_id}",
               f"{call_id} {start:.1f}-{end:.1f}s {example} {rule_id or ''}")
        item_id = item.id
    data.clear(data.PLAYLIST_LOADERS, data.AUDIT_LOADERS)
    return item_id


def move_clip(factory: sessionmaker[Session], user: SignedInUser, item_id: int,
              offset: Literal[-1, 1]) -> None:
    """Swap a clip with its neighbour above (-1) or below (+1)."""
    _require(user, "manage_playlists")
    with factory.begin() as session:
        item = session.get(PlaylistItemRow, item_id)
        if item is None:
            raise ActionError(f"no playlist item {item_id}")
        cmp = PlaylistItemRow.position < item.position if offset < 0 \
            else PlaylistItemRow.position > item.position
        order = PlaylistItemRow.position.desc() if offset < 0 else PlaylistItemRow.position
        other = session.scalar(select(PlaylistItemRow).where(
            PlaylistItemRow.playlist_id == item.playlist_id, cmp).order_by(order).limit(1))
        if other is None:
            return
        mine, theirs = item.position, other.position
        # (playlist_id, position) is unique: park one row outside the range first.
        item.position = -1
        session.flush()
        other.position = mine
        session.flush()
        item.position = theirs
        _audit(session, user, "playlist_move", f"playlist:{item.playlist_id}",
               f"item {item_id}: {mine} -> {theirs}")
    data.clear(data.PLAYLIST_LOADERS, data.AUDIT_LOADERS)


def update_clip(factory: sessionmaker[Session], user: SignedInUser, item_id: int,
                tags: str, note: str) -> None:
    _require(user, "manage_playlists")
    with factory.begin() as session:
        item = session.get(PlaylistItemRow, item_id)
        if item is None:
            raise ActionError(f"no playlist item {item_id}")
        item.tags, item.note = tags.strip(), note.strip()
        _audit(session, user, "playlist_edit", f"playlist:{item.playlist_id}",
               f"item {item_id}: tags={item.tags}")
    data.clear(data.PLAYLIST_LOADERS, data.AUDIT_LOADERS)


def remove_clip(factory: sessionmaker[Session], user: SignedInUser, item_id: int) -> None:
    _require(user, "manage_playlists")
    with factory.begin() as session:
        item = session.get(PlaylistItemRow, item_id)
        if item is None:
            return
        _audit(session, user, "playlist_remove", f"playlist:{item.playlist_id}",
               f"item {item_id}: {item.call_id} {item.start:.1f}-{item.end:.1f}s")
        session.delete(item)
    data.clear(data.PLAYLIST_LOADERS, data.AUDIT_LOADERS)


# ---------------------------------------------------------------- audit-only events

def log_event(factory: sessionmaker[Session], user: SignedInUser, action: str, target: str,
              detail: str = "") -> None:
    """Record a read that matters (raw personal data shown, a playlist exported)."""
    with factory.begin() as session:
        _audit(session, user, action, target, detail)
    data.clear(data.AUDIT_LOADERS)
