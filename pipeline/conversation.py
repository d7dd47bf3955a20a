"""Conversation types: a transcript split into speaker turns with roles.

This is the contract every analysis stage reads. Text-only evaluation builds a
Conversation straight from labelled turns, so rules never need audio.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.callmeta import CallMeta, Role
from pipeline.transcript import Word


@dataclass(frozen=True)
class RoleAssignment:
    """Why a speaker got a role; a user may override it in the store."""

    speaker: str
    role: Role
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Turn:
    index: int
    speaker: str  # e.g. "ch0", "S1"
    role: Role
    start: float | None
    end: float | None
    text: str  # normalised text the rules read
    raw_text: str = ""
    words: tuple[Word, ...] = ()
    confidence: float = 1.0  # 0..1, from ASR log-probabilities
    channel: int | None = None

    @property
    def low_confidence(self) -> bool:
        return self.confidence < 0.5


@dataclass(frozen=True)
class Conversation:
    meta: CallMeta
    turns: tuple[Turn, ...]
    roles: tuple[RoleAssignment, ...] = ()
    duration: float | None = None

    def __iter__(self) -> Iterator[Turn]:
        return iter(self.turns)

    def by_role(self, *roles: Role) -> tuple[Turn, ...]:
        return tuple(t for t in self.turns if t.role in roles)

    def has_role(self, role: Role) -> bool:
        return any(t.role == role for t in self.turns)
