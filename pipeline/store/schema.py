"""SQLAlchemy schema. One row per call; child rows hang off ``calls.id``.

Findings and risk signals carry a stable ``key`` (call, ID, turn, start) so that
review actions survive a forced re-run that replaces the machine's rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(128), unique=True, index=True)
    source_path: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)  # done | failed
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(Text)
    duration: Mapped[float | None] = mapped_column(Float)
    channels: Mapped[int | None] = mapped_column(Integer)
    sample_rate: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str | None] = mapped_column(String(16), index=True)
    # UTC for sorting and filtering; the original ISO text keeps the caller's offset,
    # which calling-hours and per-day rules need (SQLite drops tzinfo).
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    started_at_local: Mapped[str | None] = mapped_column(String(40))
    agent_id: Mapped[str | None] = mapped_column(String(64), index=True)
    borrower_id: Mapped[str | None] = mapped_column(String(64), index=True)
    team: Mapped[str | None] = mapped_column(String(64))
    channel_map: Mapped[str | None] = mapped_column(Text)  # JSON
    dial_attempts: Mapped[int | None] = mapped_column(Integer)
    engine: Mapped[str | None] = mapped_column(String(32))
    model: Mapped[str | None] = mapped_column(Text)
    options_json: Mapped[str | None] = mapped_column(Text)
    risk_level: Mapped[str | None] = mapped_column(String(16), index=True)
    risk_score: Mapped[float | None] = mapped_column(Float)
    processing_s: Mapped[float | None] = mapped_column(Float)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raw_deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    segments: Mapped[list[SegmentRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan", order_by="SegmentRow.turn_index"
    )
    findings: Mapped[list[FindingRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )
    risk_signals: Mapped[list[RiskSignalRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )
    script_items: Mapped[list[ScriptItemRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )
    pii_spans: Mapped[list[PiiSpanRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )
    speaker_roles: Mapped[list[SpeakerRoleRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan"
    )


class SegmentRow(Base):
    """One speaker turn. ``text`` is masked display text; ``raw_text`` holds the
    unmasked transcript and is cleared by the retention job."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    turn_index: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    channel: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    raw_text: Mapped[str | None] = mapped_column(Text)
    norm_text: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)  # masked, safe to show
    confidence: Mapped[float] = mapped_column(Float)
    words_json: Mapped[str | None] = mapped_column(Text)

    call: Mapped[CallRow] = relationship(back_populates="segments")


class SpeakerRoleRow(Base):
    __tablename__ = "speaker_roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    speaker: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)
    override_role: Mapped[str | None] = mapped_column(String(16))
    overridden_by: Mapped[str | None] = mapped_column(String(64))
    overridden_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    call: Mapped[CallRow] = relationship(back_populates="speaker_roles")


class _EvidenceColumns:
    speaker: Mapped[str | None] = mapped_column(String(32))
    role: Mapped[str | None] = mapped_column(String(16))
    turn_index: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    quote: Mapped[str] = mapped_column(Text)  # masked
    pattern: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    uncertain: Mapped[bool] = mapped_column(Boolean)


class FindingRow(_EvidenceColumns, Base):
    __tablename__ = "findings"
    __table_args__ = (Index("ix_findings_rule_severity", "rule_id", "severity"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    rule_version: Mapped[str] = mapped_column(String(32))
    pack: Mapped[str] = mapped_column(String(64))
    pack_version: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16), index=True)
    clause: Mapped[str] = mapped_column(Text)
    message: Mapped[str] = mapped_column(Text)

    call: Mapped[CallRow] = relationship(back_populates="findings")


class RiskSignalRow(_EvidenceColumns, Base):
    __tablename__ = "risk_signals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    signal_id: Mapped[str] = mapped_column(String(64), index=True)
    polarity: Mapped[str] = mapped_column(String(16))
    slots_json: Mapped[str] = mapped_column(Text)
    weight: Mapped[float] = mapped_column(Float)

    call: Mapped[CallRow] = relationship(back_populates="risk_signals")


class ScriptItemRow(Base):
    __tablename__ = "script_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(16))
    asked: Mapped[bool] = mapped_column(Boolean)
    turn_index: Mapped[int | None] = mapped_column(Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    method: Mapped[str | None] = mapped_column(String(16))
    score: Mapped[float | None] = mapped_column(Float)
    answer: Mapped[str | None] = mapped_column(String(32))
    answer_detail: Mapped[str | None] = mapped_column(Text)
    answer_turn_index: Mapped[int | None] = mapped_column(Integer)
    answer_quote: Mapped[str | None] = mapped_column(Text)

    call: Mapped[CallRow] = relationship(back_populates="script_items")


class PiiSpanRow(Base):
    """Where personal data sits in a turn. The raw value is never stored here."""

    __tablename__ = "pii_spans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(32))
    turn_index: Mapped[int | None] = mapped_column(Integer)
    start_char: Mapped[int] = mapped_column(Integer)
    end_char: Mapped[int] = mapped_column(Integer)
    masked: Mapped[str] = mapped_column(Text)
    valid: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)

    call: Mapped[CallRow] = relationship(back_populates="pii_spans")


class ReviewRow(Base):
    """A human decision on a finding or risk signal (by its stable key)."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_type: Mapped[str] = mapped_column(String(16))  # finding | risk
    target_key: Mapped[str] = mapped_column(String(200), index=True)
    action: Mapped[str] = mapped_column(String(32))  # confirm | dismiss | uncertain | appeal ...
    reason: Mapped[str] = mapped_column(Text, default="")
    username: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # auditor | trainer | risk_officer | admin
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditLogRow(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class BorrowerCaseRow(Base):
    """Risk officer's case status per borrower."""

    __tablename__ = "borrower_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrower_id: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(16))  # new | contacted | escalated | closed
    note: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BorrowerTimelineRow(Base):
    """A borrower's calls, promises (kept/broken/pending) and escalations, as JSON,
    rebuilt by the batch runner after each run so the dashboard only reads it."""

    __tablename__ = "borrower_timelines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrower_id: Mapped[str] = mapped_column(String(64), unique=True)
    timeline_json: Mapped[str] = mapped_column(Text)
    broken_promises: Mapped[int] = mapped_column(Integer, default=0)
    escalations: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlaylistRow(Base):
    __tablename__ = "playlists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlaylistItemRow(Base):
    __tablename__ = "playlist_items"
    __table_args__ = (UniqueConstraint("playlist_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    playlist_id: Mapped[int] = mapped_column(ForeignKey("playlists.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    call_id: Mapped[str] = mapped_column(String(128))
    rule_id: Mapped[str | None] = mapped_column(String(64))
    example: Mapped[str] = mapped_column(String(8))  # good | bad
    start: Mapped[float] = mapped_column(Float)
    end: Mapped[float] = mapped_column(Float)
    tags: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
