"""Remove crosstalk and echo on split calls, so each sentence is attributed once.

A telephone recording with one track per party still carries each party faintly
on the other track (line echo, headset bleed), and Whisper transcribes that echo
because it normalises the level. Two passes:

1. Acoustic, per word: a word whose own channel is ``echo_db`` quieter than the
   loudest other channel over the word's span was spoken by the other party.
   Echo words are cut out; a segment that mixes echo and real speech keeps its
   real words (Whisper often glues the echo to the answer that follows).
   Whisper sometimes skips a stretch of the loud channel altogether (it loses
   its place after a garbled phrase and resumes tens of seconds later) while it
   does transcribe the faint echo of the same sentences on the other track.
   Echo words that no segment of the loud channel covers are therefore moved to
   the loud channel rather than dropped (``recover_echo``): they are the only
   record of what that party said.
2. Textual, per segment pair: overlapping segments on different channels that
   say the same thing (by toneless pinyin, so ASR slips still match) are one
   sentence; keep the louder channel's copy (without audio: the more confident).
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.speakers.energy import EnergyTrack
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.pinyin import similarity
from pipeline.speakers.segments import runs, slice_segment
from pipeline.transcript import Segment


def _overlap(a: Segment, b: Segment) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def _loudest(energy: EnergyTrack, start: float, end: float) -> int:
    return max(range(energy.channels), key=lambda c: energy.span_db(c, start, end))


def _trim_echo(
    seg: Segment, energy: EnergyTrack, options: SpeakerOptions
) -> tuple[list[Segment], list[Segment]]:
    """(own speech, echo pieces moved to the channel they were loudest on)."""
    if seg.channel >= energy.channels:
        return [seg], []
    if not seg.words:
        dom = energy.dominance_db(seg.channel, seg.start, seg.end)
        if dom > options.echo_db:
            return [seg], []
        return [], [replace(seg, channel=_loudest(energy, seg.start, seg.end))]
    own = [energy.dominance_db(seg.channel, w.start, w.end) > options.echo_db for w in seg.words]
    kept: list[Segment] = []
    echoes: list[Segment] = []
    for a, b in runs(own):
        piece = slice_segment(seg, a, b)
        # A lone word can pass on a timing slip; the run as a whole must pass too.
        if energy.dominance_db(seg.channel, piece.start, piece.end) > options.echo_db:
            kept.append(piece)
        else:
            echoes.append(replace(piece, channel=_loudest(energy, piece.start, piece.end)))
    for a, b in runs([not o for o in own]):
        piece = slice_segment(seg, a, b)
        echoes.append(replace(piece, channel=_loudest(energy, piece.start, piece.end)))
    return kept, echoes


def _recover(echoes: list[Segment], kept: list[Segment], options: SpeakerOptions) -> list[Segment]:
    """The echo words no segment of their loud channel covers, as runs of at least
    ``recover_min_s`` (a shorter run is more likely a word-timing slip at the
    edge of a transcribed sentence than a sentence Whisper skipped)."""
    out: list[Segment] = []
    for echo in echoes:
        spans = [(s.start, s.end) for s in kept if s.channel == echo.channel
                 and s.start < echo.end and s.end > echo.start]
        if not echo.words:
            covered = sum(max(0.0, min(b, echo.end) - max(a, echo.start)) for a, b in spans)
            if covered < 0.5 * (echo.end - echo.start):
                out.append(echo)
            continue
        free = [not any(a <= (w.start + w.end) / 2 <= b for a, b in spans) for w in echo.words]
        for a, b in runs(free):
            piece = slice_segment(echo, a, b)
            if piece.end - piece.start >= options.recover_min_s:
                out.append(piece)
    return out


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
    """Segments of a split call with echo words and duplicate sentences removed
    (and echo of sentences missing from the loud channel moved there)."""
    ordered = sorted(segments, key=lambda s: (s.start, s.channel))
    if energy is not None:
        kept: list[Segment] = []
        echoes: list[Segment] = []
        for s in ordered:
            own, echo = _trim_echo(s, energy, options)
            kept.extend(own)
            echoes.extend(echo)
        if options.recover_echo:
            kept.extend(_recover(echoes, kept, options))
        ordered = sorted(kept, key=lambda s: (s.start, s.channel))
    return tuple(_drop_duplicates(ordered, energy, options))
