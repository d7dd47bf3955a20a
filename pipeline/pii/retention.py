"""Retention: after N days keep only masked text; drop raw transcripts and word
timings (which could rebuild raw text), and optionally the source recording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from pipeline.pii.models import RetentionReport
from pipeline.store.schema import CallRow, SegmentRow


def _aware(dt: datetime) -> datetime:
    # SQLite hands back naive datetimes even for timezone=True columns; they were stored UTC.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def apply_retention(session_factory: sessionmaker[Session], days: int, now: datetime,
                    delete_audio: bool = False) -> RetentionReport:
    """Clear raw data of calls older than ``days`` (by call start, else processing time)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    cutoff = _aware(now) - timedelta(days=days)
    call_ids: list[str] = []
    segments = deleted = missing = 0
    with session_factory() as session, session.begin():
        rows = session.execute(
            select(CallRow.id, CallRow.call_id, CallRow.source_path, CallRow.started_at,
                   CallRow.processed_at).where(CallRow.raw_deleted_at.is_(None))
        ).all()
        for pk, call_id, source, started, processed in rows:
            when = started or processed
            if when is None or _aware(when) >= cutoff:
                continue
            result = session.execute(
                update(SegmentRow).where(SegmentRow.call_pk == pk)
                .values(raw_text=None, norm_text=None, words_json=None)
            )
            segments += int(getattr(result, "rowcount", 0) or 0)
            if delete_audio and source:
                path = Path(source)
                if path.is_file():
                    path.unlink()
                    deleted += 1
                else:
                    missing += 1
            session.execute(update(CallRow).where(CallRow.id == pk)
                            .values(raw_deleted_at=_aware(now)))
            call_ids.append(call_id)
    return RetentionReport(cutoff=cutoff, calls=len(call_ids), segments=segments,
                           audio_deleted=deleted, audio_missing=missing,
                           call_ids=tuple(call_ids))
