"""Read-side queries the batch runner needs (what is done, who called whom)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pipeline.callmeta import CallKind, CallMeta, Role
from pipeline.store.schema import CallRow


def done_hashes(factory: sessionmaker[Session]) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(CallRow.content_hash).where(CallRow.status == "done")))


def call_ids_by_hash(factory: sessionmaker[Session]) -> dict[str, str]:
    with factory() as session:
        return {h: c for h, c in session.execute(select(CallRow.content_hash, CallRow.call_id))}


def meta_of(row: CallRow) -> CallMeta:
    channels = json.loads(row.channel_map) if row.channel_map else {}
    return CallMeta(
        call_id=row.call_id,
        kind=cast(CallKind | None, row.kind),
        started_at=(datetime.fromisoformat(row.started_at_local) if row.started_at_local
                    else row.started_at),
        agent_id=row.agent_id,
        borrower_id=row.borrower_id,
        team=row.team,
        channels=tuple(sorted((int(k), cast(Role, v)) for k, v in channels.items())),
        dial_attempts=row.dial_attempts,
    )


def stored_metas(factory: sessionmaker[Session]) -> list[CallMeta]:
    """Metadata of every successfully processed call that has a borrower."""
    with factory() as session:
        rows = session.scalars(
            select(CallRow).where(CallRow.status == "done", CallRow.borrower_id.is_not(None))
        ).all()
        return [meta_of(r) for r in rows]
