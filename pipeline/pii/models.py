"""Types the PII stage hands around."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class PiiEntity:
    """One recognised value in a piece of text.

    ``start``/``end`` are offsets in the text the recogniser was given; ``value`` is
    the canonical form (ASCII digits, upper-case letters) the validators checked.
    """

    entity_id: str
    start: int
    end: int
    text: str
    value: str
    valid: bool
    score: float
    reason: str = ""

    def to_json(self) -> dict[str, object]:
        return {"id": self.entity_id, "start": self.start, "end": self.end, "text": self.text,
                "valid": self.valid, "score": round(self.score, 3)}


class SpanLike(Protocol):
    """Anything with an entity ID and character offsets (PiiEntity, PiiSpan)."""

    @property
    def entity_id(self) -> str: ...

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


@dataclass(frozen=True)
class RetentionReport:
    cutoff: datetime
    calls: int  # calls whose raw data was removed in this run
    segments: int  # segment rows cleared
    audio_deleted: int
    audio_missing: int  # source files already gone
    call_ids: tuple[str, ...] = ()
