"""Transcription stage: AudioClip -> Transcript, one pass per party's channel."""

from __future__ import annotations

from pipeline.audio import AudioClip
from pipeline.callmeta import CallMeta
from pipeline.engines.base import RawSegment, SpeechEngine
from pipeline.errors import NoSpeechError
from pipeline.mandarin import clean_text, is_hallucination, normalise_text, to_simplified
from pipeline.transcript import Segment, TranscribeOptions, Transcript, Word


def channels_to_transcribe(clip: AudioClip, meta: CallMeta) -> tuple[int, ...]:
    """Channels transcribed separately; ``()`` means transcribe the mono mix."""
    if not meta.is_split or clip.channels < 2:
        return ()
    wanted = tuple(sorted(ch for ch, _ in meta.channels if 0 <= ch < clip.channels))
    return wanted if len(wanted) >= 2 else ()


def _to_segment(raw: RawSegment, channel: int) -> Segment | None:
    text = clean_text(raw.text)
    if not text or is_hallucination(text):
        return None
    words = tuple(
        Word(w.start, w.end, to_simplified(w.text), w.probability) for w in raw.words
    )
    return Segment(
        channel=channel,
        start=raw.start,
        end=raw.end,
        raw_text=text,
        text=normalise_text(text),
        words=words,
        avg_logprob=raw.avg_logprob,
        no_speech_prob=raw.no_speech_prob,
        compression_ratio=raw.compression_ratio,
    )


def transcribe_clip(
    clip: AudioClip, meta: CallMeta, engine: SpeechEngine, options: TranscribeOptions
) -> Transcript:
    """Transcribe each party's channel (or the mono mix); raise NoSpeechError if silent."""
    split = channels_to_transcribe(clip, meta)
    tracks = [(ch, clip.track(ch)) for ch in split] if split else [(0, clip.mono())]
    segments: list[Segment] = []
    dropped: list[str] = []
    for channel, audio in tracks:
        for raw in engine.transcribe(audio, options):
            seg = _to_segment(raw, channel)
            if seg is None:
                if raw.text.strip():
                    dropped.append(raw.text.strip())
                continue
            segments.append(seg)
    if not segments:
        raise NoSpeechError(
            clip.source,
            f"no speech recognised in {clip.duration:.1f} s of audio "
            "(voice activity detection found none, or only filtered hallucinations)",
        )
    segments.sort(key=lambda s: (s.start, s.channel))
    return Transcript(
        segments=tuple(segments),
        duration=clip.duration,
        language=options.language,
        engine=engine.name,
        model=engine.model_ref,
        options=options,
        dropped=tuple(dropped),
    )
