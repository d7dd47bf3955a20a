"""Remove crosstalk and echo on split calls, so each sentence is attributed once.

A telephone recording with one track per party still carries each party faintly
on the other track (line echo, headset bleed), and Whisper transcribes that echo
because it normalises the level. Two passes:

1. Acoustic, per word: a word whose own channel is ``echo_db`` quieter than the
   loudest other channel over the word's span was spoken by the other party.
   Echo words are cut out; a segment that mixes echo and real speech keeps its
   real words (Whisper often glues the echo to the answer that follows).
2. Textual, per segment pair: overlapping segments on different channels that
   say the same thing (by toneless pinyin, so ASR slips still match) are one
   sentence; keep the louder channel's copy (without audio: the more confident).
"""

from __future__ import annotations

from pipeline.speakers.energy import EnergyTrack
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.pinyin import similarity
from pipeline.speakers.segments import runs, slice_segment
from pipeline.transcript import Segment


def _overlap(a: Segment, b: Segment) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def _trim_echo(seg: Segment, energy: EnergyTrack, options: SpeakerOptions) -> list[Segment]:
    if seg.channel >= energy.channels:
        return [seg]
    if not seg.words:
        dom = energy.dominance_db(seg.channel, seg.start, seg.end)
        return [seg] if dom > options.echo_db else []
    own = [energy.dominance_db(seg.channel, w.start, w.end) > options.echo_db for w in seg.words]
    kept: list[Segment] = []
    for a, b in runs(own):
        piece = slice_segment(seg, a, b)
        # A lone word can pass on a timing slip; the run as a whole must pass too.
        if energy.dominance_db(seg.channel, piece.start, piece.end) > options.echo_db:
            kept.append(piece)
    return kept


def _drop_duplicates(
    segments: list[Segment], energy: EnergyTrack | None, options: SpeakerOptions
) -> list[Segment]:
    dropped: set[int] = set()
    for i, a in enumerate(segments):
        for j in range(i + 1, len(segments)):
            b = segments[j]
            if b.start >= a.end:
                break  # sorted by start: nothing later overlaps a
            if a.channel == b.channel or i in dropped or j in dropped:
                continue
            ov = _overlap(a, b)
            shorter = min(a.end - a.start, b.end - b.start)
            if shorter <= 0 or ov / shorter < options.duplicate_overlap:
                continue
            if similarity(a.text, b.text) < options.duplicate_similarity:
                continue
            lo, hi = max(a.start, b.start), min(a.end, b.end)
            if energy is not None and max(a.channel, b.channel) < energy.channels:
                louder_a = energy.span_db(a.channel, lo, hi) >= energy.span_db(b.channel, lo, hi)
            else:
                louder_a = a.avg_logprob >= b.avg_logprob
            dropped.add(j if louder_a else i)
    return [s for k, s in enumerate(segments) if k not in dropped]


def remove_crosstalk(
    segments: tuple[Segment, ...], energy: EnergyTrack | None, options: SpeakerOptions
) -> tuple[Segment, ...]:
    """Segments of a split call with echo words and duplicate sentences removed."""
    ordered = sorted(segments, key=lambda s: (s.start, s.channel))
    if energy is not None:
        ordered = sorted((p for s in ordered for p in _trim_echo(s, energy, options)),
                         key=lambda s: (s.start, s.channel))
    return tuple(_drop_duplicates(ordered, energy, options))
