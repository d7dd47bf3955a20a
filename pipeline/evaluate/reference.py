"""Reference objects built from a labelled record: call metadata and a Conversation.

Text-only evaluation feeds this Conversation straight to the analysers, so the
turn text gets the same normalisation as an engine's output
(``pipeline.mandarin.normalise_text``) and ``raw_text`` keeps what the labeller wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.callmeta import CallMeta, Role
from pipeline.conversation import Conversation, RoleAssignment, Turn
from pipeline.evaluate.labels import LabelRecord
from pipeline.mandarin import normalise_text


def meta_from_labels(record: LabelRecord) -> CallMeta:
    channels: tuple[tuple[int, Role], ...] = tuple(sorted((record.channels or {}).items()))
    return CallMeta(
        call_id=record.id,
        kind=record.kind,
        started_at=record.started_at,
        agent_id=record.agent_id,
        borrower_id=record.borrower_id,
        channels=channels,
    )


def _channel_of(role: Role, record: LabelRecord) -> int | None:
    for channel, party in (record.channels or {}).items():
        if party == role:
            return channel
    # A third party on a stereo call speaks on the customer's line.
    if role == "third_party" and record.channels and len(record.channels) >= 2:
        for channel, party in record.channels.items():
            if party == "borrower":
                return channel
    return None


def conversation_from_labels(record: LabelRecord) -> Conversation:
    """The labelled turns as a Conversation: speaker = role name, times may be None."""
    turns = tuple(
        Turn(
            index=i,
            speaker=t.speaker,
            role=t.speaker,
            start=t.start,
            end=t.end,
            text=normalise_text(t.text),
            raw_text=t.text,
            channel=_channel_of(t.speaker, record),
        )
        for i, t in enumerate(record.turns)
    )
    roles = tuple(
        RoleAssignment(speaker=s, role=s, confidence=1.0, evidence="label")
        for s in dict.fromkeys(t.speaker for t in record.turns)
    )
    ends = [t.end for t in record.turns if t.end is not None]
    return Conversation(meta=meta_from_labels(record), turns=turns, roles=roles,
                        duration=max(ends) if ends else None)


def history_for(record: LabelRecord, records: Sequence[LabelRecord]) -> tuple[CallMeta, ...]:
    """Other labelled calls to the same borrower, as the history rules see them."""
    if not record.borrower_id:
        return ()
    return tuple(meta_from_labels(r) for r in records
                 if r.borrower_id == record.borrower_id and r.id != record.id)


def resolve_audio(record: LabelRecord, labels_path: Path | None) -> Path | None:
    """Find the record's audio: as written, from the working directory, or from the
    labels file's folder and its parents (sample labels name paths from the repo root)."""
    if not record.audio:
        return None
    rel = Path(record.audio)
    candidates = [rel] if rel.is_absolute() else [Path.cwd() / rel]
    if labels_path is not None and not rel.is_absolute():
        folder = labels_path.resolve().parent
        candidates += [folder / rel, *(p / rel for p in folder.parents)]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    return None
