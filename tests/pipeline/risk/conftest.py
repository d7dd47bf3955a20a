"""Shared builders: tiny conversations and the shipped pack without the encoder."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from pipeline.callmeta import CallKind, CallMeta
from pipeline.conversation import Conversation, Turn
from pipeline.risk import RiskPack, load_risk_pack
from pipeline.risk.pack import default_pack_path

CST = timezone(timedelta(hours=8))
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=CST)


@pytest.fixture(scope="session")
def pack() -> RiskPack:
    return load_risk_pack(default_pack_path(), {"semantic": {"enabled": False}})


def conversation(
    *turns: tuple[str, str],
    call_id: str = "c1",
    kind: CallKind = "collection",
    started_at: datetime | None = MONDAY,
    borrower_id: str | None = "B1",
) -> Conversation:
    """Turns as (role, text); agent turns interleave as the caller writes them."""
    built = tuple(
        Turn(i, "ch0" if role == "agent" else f"ch{1 + (role == 'third_party')}", role,  # type: ignore[arg-type]
             float(i * 5), float(i * 5 + 4), text)
        for i, (role, text) in enumerate(turns)
    )
    meta = CallMeta(call_id, kind, started_at, "A1", borrower_id)
    return Conversation(meta, built)
