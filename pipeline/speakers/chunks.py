"""Word-aligned speech chunks: the units a speaker embedding is computed for.

A chunk never crosses a pause of ``split_gap_s`` (speakers change at pauses far
more often than mid-phrase) nor grows past ``max_chunk_s``, so a Whisper
segment that holds two speakers is cut where one stops and the other starts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pipeline.speakers.options import SpeakerOptions
from pipeline.transcript import Segment


@dataclass(frozen=True)
class Chunk:
    segment: int  # index into the segments the chunks were made from
    first: int  # word range [first, last); (0, 0) when the segment has no words
    last: int
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def _word_chunks(index: int, seg: Segment, options: SpeakerOptions) -> list[Chunk]:
    out: list[Chunk] = []
    first = 0
    for i in range(1, len(seg.words) + 1):
        if i < len(seg.words):
            gap = seg.words[i].start - seg.words[i - 1].end
            length = seg.words[i].end - seg.words[first].start
            if gap < options.split_gap_s and length <= options.max_chunk_s:
                continue
        out.append(Chunk(index, first, i, seg.words[first].start, seg.words[i - 1].end))
        first = i
    return out


def _merge_short(chunks: list[Chunk], options: SpeakerOptions) -> list[Chunk]:
    """Join a chunk too short for a reliable embedding to its closer neighbour in
    the same phrase run (no pause of ``neighbour_gap_s``)."""
    out = list(chunks)
    i = 0
    while i < len(out) and len(out) > 1:
        c = out[i]
        if c.duration >= options.seed_min_s:
            i += 1
            continue
        gaps = []
        if i > 0:
            gaps.append((c.start - out[i - 1].end, i - 1))
        if i + 1 < len(out):
            gaps.append((out[i + 1].start - c.end, i + 1))
        gap, j = min(gaps)
        if gap > options.neighbour_gap_s:
            i += 1
            continue
        a, b = sorted((i, j))
        out[a:b + 1] = [Chunk(c.segment, out[a].first, out[b].last, out[a].start, out[b].end)]
        i = a
    return out


def speech_chunks(segments: tuple[Segment, ...], options: SpeakerOptions) -> tuple[Chunk, ...]:
    chunks: list[Chunk] = []
    for k, seg in enumerate(segments):
        if seg.words:
            chunks.extend(_merge_short(_word_chunks(k, seg, options), options))
            continue
        # Without word times only equal slices are possible; they still vote on
        # the segment's speaker.
        n = max(1, math.ceil((seg.end - seg.start) / options.max_chunk_s))
        step = (seg.end - seg.start) / n
        chunks.extend(Chunk(k, 0, 0, seg.start + i * step, seg.start + (i + 1) * step)
                      for i in range(n))
    return tuple(c for c in chunks if c.duration > 0)


def chunk_neighbours(
    chunks: tuple[Chunk, ...], max_gap_s: float
) -> list[tuple[int | None, int | None]]:
    """For each chunk, the adjacent chunks of the same segment within ``max_gap_s``,
    nearest first (None where there is none)."""
    out: list[tuple[int | None, int | None]] = []
    for i, c in enumerate(chunks):
        cands: list[tuple[float, int]] = []
        for j in (i - 1, i + 1):
            if 0 <= j < len(chunks) and chunks[j].segment == c.segment:
                gap = max(c.start - chunks[j].end, chunks[j].start - c.end, 0.0)
                if gap <= max_gap_s:
                    cands.append((gap, j))
        cands.sort()
        ids = [j for _, j in cands] + [None, None]
        out.append((ids[0], ids[1]))
    return out
