"""Cutting a Whisper segment into word-aligned pieces without losing what it says."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline.mandarin import clean_text, normalise_text
from pipeline.transcript import Segment, Word


def words_text(words: tuple[Word, ...]) -> str:
    # Whisper word pieces carry their own spacing and punctuation.
    return clean_text("".join(w.text for w in words))


def slice_segment(segment: Segment, first: int, last: int) -> Segment:
    """The part of ``segment`` spoken in words[first:last] (times and texts recomputed)."""
    if first == 0 and last >= len(segment.words):
        return segment
    words = segment.words[first:last]
    if not words:
        raise ValueError("a segment slice needs at least one word")
    raw = words_text(words)
    return replace(segment, start=words[0].start, end=words[-1].end, raw_text=raw,
                   text=normalise_text(raw), words=words)


def runs(flags: list[bool]) -> list[tuple[int, int]]:
    """[start, end) index ranges of consecutive True values."""
    out: list[tuple[int, int]] = []
    start: int | None = None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        elif not f and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(flags)))
    return out


@dataclass(frozen=True)
class SpeakerSegment:
    """A (possibly cut) transcript segment attributed to one speaker."""

    speaker: str
    segment: Segment
