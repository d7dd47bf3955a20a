"""What we know about a call before listening to it (from a sidecar or manifest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

CallKind = Literal["callback", "collection", "visit"]
Role = Literal["agent", "borrower", "third_party", "unknown"]

CALL_KINDS: tuple[CallKind, ...] = ("callback", "collection", "visit")
ROLES: tuple[Role, ...] = ("agent", "borrower", "third_party", "unknown")


@dataclass(frozen=True)
class CallMeta:
    """Metadata of one call. ``channels`` maps a channel index to the party on it.

    A channel map with two or more entries means the recording is split into one
    track per party; without one, all channels are mixed to mono.
    """

    call_id: str
    kind: CallKind | None = None
    started_at: datetime | None = None
    agent_id: str | None = None
    borrower_id: str | None = None
    team: str | None = None
    channels: tuple[tuple[int, Role], ...] = ()
    dial_attempts: int | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def channel_map(self) -> dict[int, Role]:
        return dict(self.channels)

    @property
    def is_split(self) -> bool:
        return len(self.channels) >= 2
