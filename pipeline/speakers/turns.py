"""Speaker-attributed segments -> numbered turns in time order."""

from __future__ import annotations

import math
from collections.abc import Sequence

from pipeline.callmeta import Role
from pipeline.conversation import Turn
from pipeline.speakers.segments import SpeakerSegment
from pipeline.transcript import Segment


def asr_confidence(avg_logprob: float) -> float:
    """Whisper's mean token log-probability as a 0..1 confidence."""
    return min(1.0, max(0.0, math.exp(avg_logprob)))


def _join(a: str, b: str) -> str:
    # Chinese needs no separator; keep one between Latin words or digits.
    if a and b and a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return f"{a} {b}"
    return a + b


def _turn(index: int, speaker: str, role: Role, parts: Sequence[Segment]) -> Turn:
    dur = [max(1e-3, s.end - s.start) for s in parts]
    conf = sum(asr_confidence(s.avg_logprob) * d for s, d in zip(parts, dur, strict=True)) / sum(dur)
    text, raw = "", ""
    for s in parts:
        text, raw = _join(text, s.text), _join(raw, s.raw_text)
    return Turn(
        index=index, speaker=speaker, role=role, start=parts[0].start,
        end=max(s.end for s in parts), text=text, raw_text=raw,
        words=tuple(w for s in parts for w in s.words), confidence=round(conf, 4),
        channel=parts[0].channel if len({s.channel for s in parts}) == 1 else None,
    )


def build_turns(
    pieces: Sequence[SpeakerSegment], roles: dict[str, Role], merge_gap_s: float = 1.5
) -> tuple[Turn, ...]:
    """Order pieces by time and merge consecutive pieces of one speaker separated
    by less than ``merge_gap_s`` into one turn."""
    ordered = sorted(pieces, key=lambda p: (p.segment.start, p.segment.end))
    groups: list[tuple[str, list[Segment]]] = []
    for p in ordered:
        if not p.segment.text.strip():
            continue
        if groups and groups[-1][0] == p.speaker:
            last_end = max(s.end for s in groups[-1][1])
            if p.segment.start - last_end < merge_gap_s:
                groups[-1][1].append(p.segment)
                continue
        groups.append((p.speaker, [p.segment]))
    return tuple(_turn(i, spk, roles.get(spk, "unknown"), segs)
                 for i, (spk, segs) in enumerate(groups))
