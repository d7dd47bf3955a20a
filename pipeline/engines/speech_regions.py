"""Keep only the speech in a track and map times on the shortened audio back.

The torch-based engines (openai-whisper, transformers) have no voice activity
detection of their own. Whisper hallucinates on long silences and hold music, so
they reuse the Silero VAD model that faster-whisper bundles (ONNX, no torch, no
download): speech regions are cut out, joined, decoded, and every timestamp is
mapped back to the original recording.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from pipeline.engines.base import RawSegment
from pipeline.transcript import Word

SAMPLE_RATE = 16000
WINDOW_S = 30.0  # Whisper's encoder sees at most 30 s at once

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SpeechAudio:
    """Speech-only audio plus where each joined piece came from.

    ``regions`` are (start, end) sample ranges of the original track, in order and
    non-overlapping; ``audio`` is their concatenation.
    """

    audio: Samples
    regions: tuple[tuple[int, int], ...]
    original_samples: int

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    def _offsets(self) -> list[int]:
        out, total = [], 0
        for start, end in self.regions:
            out.append(total)
            total += end - start
        return out

    def to_original(self, t: float, is_end: bool = False) -> float:
        """Seconds on the joined audio -> seconds on the original track.

        A time exactly on a join belongs to the earlier region when it ends
        something (``is_end``) and to the later one when it starts something, so a
        segment never spans the removed silence at its edges.
        """
        if not self.regions:
            return 0.0
        offsets = self._offsets()
        sample = max(0.0, t * SAMPLE_RATE)
        k = bisect.bisect_right(offsets, sample) - 1
        if is_end and k > 0 and sample <= offsets[k]:
            k -= 1
        k = max(k, 0)
        start, end = self.regions[k]
        original = min(start + (sample - offsets[k]), end)
        return float(min(original, self.original_samples) / SAMPLE_RATE)

    def windows(self, max_s: float = WINDOW_S) -> list[tuple[int, int]]:
        """Split the joined audio into (start, end) sample windows of at most ``max_s``.

        Cuts fall on region joins (pauses) where possible; a region longer than a
        window is cut hard, which only happens without VAD.
        """
        limit = int(max_s * SAMPLE_RATE)
        cuts: list[tuple[int, int]] = []
        win_start = 0
        pos = 0
        for start, end in self.regions:
            length = end - start
            if pos + length - win_start > limit and pos > win_start:
                cuts.append((win_start, pos))
                win_start = pos
            pos += length
            while pos - win_start > limit:
                cuts.append((win_start, win_start + limit))
                win_start += limit
        if pos > win_start:
            cuts.append((win_start, pos))
        return cuts


def whole_track(audio: Samples) -> SpeechAudio:
    """The identity mapping: no VAD, every sample kept."""
    n = len(audio)
    return SpeechAudio(np.asarray(audio, dtype=np.float32), ((0, n),) if n else (), n)


def detect_speech(
    audio: Samples, min_silence_ms: int, max_region_s: float = float("inf")
) -> SpeechAudio:
    """Run Silero VAD (bundled with faster-whisper) and keep the speech regions."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    samples = np.ascontiguousarray(audio, dtype=np.float32)
    found = get_speech_timestamps(
        samples,
        VadOptions(min_silence_duration_ms=min_silence_ms, max_speech_duration_s=max_region_s),
        sampling_rate=SAMPLE_RATE,
    )
    regions: list[tuple[int, int]] = []
    for r in found:
        start, end = int(r["start"]), int(r["end"])
        # Padding can make neighbours touch; keep regions ordered and disjoint.
        if regions and start < regions[-1][1]:
            start = regions[-1][1]
        if end > start:
            regions.append((start, end))
    joined = (
        np.concatenate([samples[s:e] for s, e in regions]) if regions
        else np.zeros(0, dtype=np.float32)
    )
    return SpeechAudio(joined.astype(np.float32, copy=False), tuple(regions), len(samples))


def map_to_original(segments: list[RawSegment], speech: SpeechAudio) -> list[RawSegment]:
    """Return ``segments`` (timed on the joined audio) timed on the original track.

    Words map one by one, so a segment spanning a removed pause keeps its words at
    their true times; the segment is then widened to cover its words, and all
    times are kept inside the recording and in order.
    """
    limit = speech.original_samples / SAMPLE_RATE
    out: list[RawSegment] = []
    for seg in segments:
        words = []
        for w in seg.words:
            ws = min(speech.to_original(w.start), limit)
            we = min(max(speech.to_original(w.end, is_end=True), ws), limit)
            words.append(Word(start=ws, end=we, text=w.text, probability=w.probability))
        start = speech.to_original(seg.start)
        end = max(speech.to_original(seg.end, is_end=True), start)
        if words:
            start = min(start, words[0].start)
            end = max(end, max(w.end for w in words))
        out.append(RawSegment(
            start=min(start, limit), end=min(end, limit), text=seg.text, words=tuple(words),
            avg_logprob=seg.avg_logprob, no_speech_prob=seg.no_speech_prob,
            compression_ratio=seg.compression_ratio,
        ))
    return out
