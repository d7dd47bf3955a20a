"""Mono speaker diarization with the resemblyzer speaker encoder.

The only module that imports resemblyzer (its weights ship inside the PyPI
package, so it works offline). The mel spectrogram of the whole recording is
computed once; each word-aligned chunk is embedded from its own frames, without
the 1.6 s overlapping windows of ``embed_utterance``: every frame goes through
the network once, which keeps diarization well under transcription time.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from pipeline.audio import AudioClip
from pipeline.speakers.chunks import Chunk, chunk_neighbours, speech_chunks
from pipeline.speakers.clustering import cluster_embeddings
from pipeline.speakers.cues import find_cues
from pipeline.speakers.options import SpeakerOptions
from pipeline.speakers.segments import SpeakerSegment, slice_segment, words_text
from pipeline.transcript import Segment

ENCODER_RATE = 16000
FRAMES_PER_S = 100  # resemblyzer: 10 ms mel hop
_BUCKET = 10  # chunks are batched by length rounded down to 100 ms
_TARGET_POWER = (10 ** (-30 / 20)) ** 2  # resemblyzer's -30 dBFS training level
_ACTIVE_RATIO = 10 ** (-25 / 10)  # frames 25 dB under the chunk's loud frames are pauses


@lru_cache(maxsize=1)
def _resemblyzer() -> Any:
    with warnings.catch_warnings():
        # webrtcvad (a resemblyzer dependency) imports the deprecated pkg_resources.
        warnings.simplefilter("ignore")
        import resemblyzer
        import resemblyzer.audio

        return resemblyzer


@lru_cache(maxsize=1)
def _encoder() -> Any:
    return _resemblyzer().VoiceEncoder("cpu", verbose=False)


def _mel(wav: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    return np.asarray(_resemblyzer().audio.wav_to_mel_spectrogram(wav), dtype=np.float32)


def _to_encoder_rate(wav: npt.NDArray[np.float32], rate: int) -> npt.NDArray[np.float32]:
    if rate == ENCODER_RATE:
        return wav
    from scipy.signal import resample_poly

    g = int(np.gcd(rate, ENCODER_RATE))
    return np.asarray(resample_poly(wav, ENCODER_RATE // g, rate // g), dtype=np.float32)


def embed_spans(
    wav: npt.NDArray[np.float32], rate: int, spans: list[tuple[float, float]], min_s: float = 0.6
) -> npt.NDArray[np.float64]:
    """One L2-normalised 256-d speaker embedding per (start, end) span of ``wav``."""
    import torch

    if not spans:
        return np.zeros((0, 256))
    wav = _to_encoder_rate(wav, rate)
    mel = _mel(wav)
    total = mel.shape[0]
    min_frames = max(_BUCKET, int(min_s * FRAMES_PER_S))
    batches: dict[int, list[tuple[int, npt.NDArray[np.float32]]]] = {}
    for i, (start, end) in enumerate(spans):
        a = max(0, min(int(start * FRAMES_PER_S), total - 1))
        b = min(total, max(a + 1, int(np.ceil(end * FRAMES_PER_S))))
        samples = wav[a * ENCODER_RATE // FRAMES_PER_S: b * ENCODER_RATE // FRAMES_PER_S]
        power = float(np.mean(samples.astype(np.float64) ** 2)) if samples.size else 0.0
        # The mel is a power spectrogram: level-normalise each chunk the way the
        # encoder's training data was (so distance to the phone/mic does not count).
        gain = _TARGET_POWER / power if power > 1e-12 else 1.0
        frames = mel[a:b] * np.float32(gain)
        # Word timestamps run into pauses and reverb tails; like resemblyzer's own
        # preprocessing, keep only the frames that carry speech energy.
        energy = frames.sum(axis=1)
        active = energy >= np.percentile(energy, 95) * _ACTIVE_RATIO
        if int(active.sum()) >= _BUCKET:
            frames = frames[active]
        if frames.shape[0] < min_frames:
            # Too short for a stable embedding: repeat the chunk's own frames rather
            # than borrow neighbouring audio, which may be silence or someone else.
            frames = np.tile(frames, (int(np.ceil(min_frames / frames.shape[0])), 1))
        length = frames.shape[0] // _BUCKET * _BUCKET
        batches.setdefault(length, []).append((i, frames[:length]))
    out = np.zeros((len(spans), 256))
    enc = _encoder()
    with torch.inference_mode():
        for items in batches.values():
            for k in range(0, len(items), 64):
                part = items[k:k + 64]
                x = torch.from_numpy(np.stack([f for _, f in part]))
                emb = enc(x).numpy()
                for (i, _), e in zip(part, emb, strict=True):
                    out[i] = e
    return out


def _label_segments(
    segments: tuple[Segment, ...], chunks: tuple[Chunk, ...], labels: npt.NDArray[np.int64]
) -> list[tuple[int, Segment]]:
    """Cut each segment where its chunks change speaker."""
    pieces: list[tuple[int, Segment]] = []
    by_segment: dict[int, list[tuple[Chunk, int]]] = {}
    for c, lab in zip(chunks, labels, strict=True):
        by_segment.setdefault(c.segment, []).append((c, int(lab)))
    for k, seg in enumerate(segments):
        items = by_segment.get(k, [])
        if not items:
            continue
        if not seg.words:
            # No word times: one speaker for the whole segment, by speech time.
            talk: dict[int, float] = {}
            for c, lab in items:
                talk[lab] = talk.get(lab, 0.0) + c.duration
            pieces.append((max(talk, key=lambda lab: talk[lab]), seg))
            continue
        run_start, run_label = 0, items[0][1]
        for c, lab in items[1:]:
            if lab != run_label:
                pieces.append((run_label, slice_segment(seg, run_start, c.first)))
                run_start, run_label = c.first, lab
        pieces.append((run_label, slice_segment(seg, run_start, len(seg.words))))
    return pieces


def anchor_chunks(
    segments: tuple[Segment, ...], chunks: tuple[Chunk, ...], min_weight: float | None
) -> dict[int, str]:
    """Chunks whose own words carry identity cues (weight >= ``min_weight``) of
    exactly one party: chunk index -> role."""
    if min_weight is None:
        return {}
    out: dict[int, str] = {}
    for i, c in enumerate(chunks):
        seg = segments[c.segment]
        if not seg.words:
            continue  # an equal slice of a segment: the cue may lie in another slice
        roles = {h.role for h in find_cues(words_text(seg.words[c.first:c.last]))
                 if h.weight >= min_weight}
        if len(roles) == 1:
            out[i] = roles.pop()
    return out


def diarize(
    segments: tuple[Segment, ...], clip: AudioClip, options: SpeakerOptions
) -> tuple[SpeakerSegment, ...]:
    """Speaker-attributed pieces of the mono ``segments``; speakers named S1.. by
    order of first appearance."""
    ordered = tuple(sorted(segments, key=lambda s: s.start))
    chunks = speech_chunks(ordered, options)
    if not chunks:
        return tuple(SpeakerSegment("S1", s) for s in ordered)
    emb = embed_spans(clip.mono(), clip.sample_rate, [(c.start, c.end) for c in chunks],
                      options.min_embed_s)
    anchors = anchor_chunks(ordered, chunks, options.anchor_min_weight)
    labels = cluster_embeddings(emb, np.array([c.duration for c in chunks]), options,
                                chunk_neighbours(chunks, options.neighbour_gap_s), anchors)
    pieces = _label_segments(ordered, chunks, labels)
    names: dict[int, str] = {}
    out: list[SpeakerSegment] = []
    for lab, seg in sorted(pieces, key=lambda p: p[1].start):
        name = names.setdefault(lab, f"S{len(names) + 1}")
        out.append(SpeakerSegment(name, seg))
    return tuple(out)
